package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// command is one command or subcommand of portvakt, as its help shows it.
type command struct {
	name     string // as typed after "portvakt": "user add"
	synopsis string
	summary  string
}

// commands are every command that does something, in the order the help lists them. A group
// ("user", "recover") is the word its subcommands start with; its help is made from them.
var commands = []command{
	{"serve", "portvakt [serve] [flags]", "run the portal (the default)"},
	{"user add", "portvakt user add --email E --name N [flags]", "add a user (for scripted installs)"},
	{"user grant", "portvakt user grant --email E [flags]", "give a user access to Authentication Settings"},
	{"token create", "portvakt token create --name N --purpose scim|audit [flags]", "create an API token and print it once"},
	{"app add", "portvakt app add --name N --type web|native|spa|integration [--redirect-uri URI]... [flags]", "register an application; print its issuer, client ID and secret once"},
	{"app list", "portvakt app list [flags]", "list the applications that sign in through portvakt"},
	{"app remove", "portvakt app remove [flags] CLIENT_ID", "remove an application; its tokens stop working at once"},
	{"keys rotate", "portvakt keys rotate [flags]", "add a new key to sign apps' tokens, published before it signs"},
	{"recover password-login", "portvakt recover password-login [flags]", "break-glass: switch password sign-in back on"},
	{"migrate", "portvakt migrate [flags]", "create or upgrade the database, then exit"},
	{"backup", "portvakt backup [flags] FILE", "write a consistent copy of the live database to FILE"},
	{"version", "portvakt version", "print the version"},
}

// groups are the commands that only choose a subcommand, with their synopsis.
var groups = map[string]string{
	"user":    "portvakt user COMMAND [flags]",
	"recover": "portvakt recover WHAT [flags]",
	"token":   "portvakt token COMMAND [flags]",
	"app":     "portvakt app COMMAND [flags]",
	"keys":    "portvakt keys COMMAND [flags]",
}

// helpRequest is returned when -h or --help was given; run prints text to stdout and exits 0.
type helpRequest struct{ text string }

func (h *helpRequest) Error() string { return "help requested" }

// usageError is a command line portvakt does not understand; run prints the error and the usage
// to stderr, and main exits 2.
type usageError struct {
	err  error
	text string
}

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

// exitCode is the process exit status for what run returned: 0, 2 for a command line not
// understood, 1 for anything else.
func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "--help" || s == "-help"
}

// topUsage is the help of portvakt itself: every command.
func topUsage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  portvakt COMMAND [flags]\n\nportvakt %s: move your organisation from passwords to single sign-on, safely.\n\nCommands:\n", version)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-46s %s\n", c.synopsis, c.summary)
	}
	fmt.Fprintf(&b, "  %-46s %s\n\n", "portvakt help [COMMAND]", "this help, or a command's")
	b.WriteString("Every flag can also be set with the environment variable shown in its help.\n" +
		"Run \"portvakt COMMAND --help\" for a command's flags.\n")
	return b.String()
}

// groupUsage is the help of a group such as "user": its subcommands.
func groupUsage(group string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  %s\n\nCommands:\n", groups[group])
	for _, c := range commands {
		if sub, ok := strings.CutPrefix(c.name, group+" "); ok {
			fmt.Fprintf(&b, "  %-16s %s\n", sub, c.summary)
		}
	}
	fmt.Fprintf(&b, "\nRun \"portvakt %s COMMAND --help\" for a command's flags.\n", group)
	return b.String()
}

// commandUsage is the start of a command's help, before its flags.
func commandUsage(name string) string {
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		return "Usage:\n  portvakt " + name + " [flags]\n"
	}
	return "Usage:\n  " + commands[i].synopsis + "\n\n" + commands[i].summary + "\n"
}

// subcommand reads the subcommand of group from args: it answers --help with the group's usage
// and refuses a missing or unknown subcommand.
func subcommand(group string, args []string) (string, []string, error) {
	var subs []string
	for _, c := range commands {
		if sub, ok := strings.CutPrefix(c.name, group+" "); ok {
			subs = append(subs, sub)
		}
	}
	switch {
	case len(args) == 0:
		return "", nil, &usageError{fmt.Errorf("%s needs a subcommand: %s", group, strings.Join(subs, " or ")), groupUsage(group)}
	case isHelpFlag(args[0]):
		return "", nil, &helpRequest{groupUsage(group)}
	case !slices.Contains(subs, args[0]):
		return "", nil, &usageError{fmt.Errorf("unknown %s subcommand %q: use %s", group, args[0], strings.Join(subs, " or ")), groupUsage(group)}
	}
	return args[0], args[1:], nil
}
