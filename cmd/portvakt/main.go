// Command portvakt is the single binary: the web portal (serve, the default) and the host
// commands that manage it (user, migrate, backup).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil && exitCode(err) != 2 { // run has printed a usage error with its usage
		fmt.Fprintln(os.Stderr, "portvakt:", err)
	}
	stop()
	os.Exit(exitCode(err))
}

// version is stamped at build time: -ldflags "-X main.version=...".
var version = "dev"

// run is the whole program, so tests can start it in-process with their own arguments,
// environment and output. Help goes to stdout; a command line it does not understand gets its
// usage on stderr and a *usageError (exit status 2).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := runCommand(ctx, args, getenv, stdin, stdout, stderr)
	var h *helpRequest
	if errors.As(err, &h) {
		fmt.Fprint(stdout, h.text)
		return nil
	}
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintf(stderr, "portvakt: %v\n\n%s", u.err, u.text)
	}
	return err
}

func runCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && isHelpFlag(args[0]) {
		return &helpRequest{topUsage()}
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "recover":
		return recoverCommand(ctx, args, getenv, stdout, stderr)
	case "token":
		return tokenCommand(ctx, args, getenv, stdout, stderr)
	case "app":
		return appCommand(ctx, args, getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCommand(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args, getenv, stdout, stderr)
	case "version":
		if err := newFlags("version", getenv, stderr).parse(args, 0); err != nil {
			return err
		}
		fmt.Fprintln(stdout, version)
		return nil
	case "help": // "portvakt help user add" is "portvakt user add --help"
		if len(args) == 0 {
			return &helpRequest{topUsage()}
		}
		return runCommand(ctx, append(args, "--help"), getenv, stdin, stdout, stderr)
	}
	return &usageError{fmt.Errorf("unknown command %q", cmd), topUsage()}
}
