// Command portvakt is the single binary: the web portal (serve, the default) and the host
// commands that manage it (user, migrate, backup).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portvakt:", err)
		os.Exit(1)
	}
}

// version is stamped at build time: -ldflags "-X main.version=...".
var version = "dev"

const usage = `portvakt %s: move your organisation from passwords to single sign-on, safely.

Usage:
  portvakt [serve] [flags]          run the portal (the default)
  portvakt user add [flags]         add a user (for scripted installs)
  portvakt user grant --email E     give a user access to Authentication Settings
  portvakt recover password-login   break-glass: switch password sign-in back on
  portvakt migrate [flags]          create or upgrade the database, then exit
  portvakt backup [flags] FILE      write a consistent copy of the live database to FILE
  portvakt version                  print the version

Every flag can also be set with the environment variable shown in its help.
Run "portvakt COMMAND --help" for a command's flags.
`

// run is the whole program, so tests can start it in-process with their own arguments,
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "recover":
		return recoverCommand(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCommand(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
		return nil
	case "help":
		fmt.Fprintf(stdout, usage, version)
		return nil
	}
	fmt.Fprintf(stderr, usage, version)
	return fmt.Errorf("unknown command %q", cmd)
}
