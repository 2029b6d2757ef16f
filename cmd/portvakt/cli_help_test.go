package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// runSplit runs a portvakt command as main does and returns stdout, stderr and the exit code.
func runSplit(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err != nil && exitCode(err) != 2 {
		fmt.Fprintln(&errOut, "portvakt:", err)
	}
	return out.String(), errOut.String(), exitCode(err)
}

// helpLevels are every command and subcommand, with the line their help starts with; "" is
// portvakt itself.
var helpLevels = []struct {
	args     []string
	synopsis string
}{
	{nil, "portvakt COMMAND [flags]"},
	{[]string{"serve"}, "portvakt [serve] [flags]"},
	{[]string{"user"}, "portvakt user COMMAND [flags]"},
	{[]string{"user", "add"}, "portvakt user add --email E --name N [flags]"},
	{[]string{"user", "grant"}, "portvakt user grant --email E [flags]"},
	{[]string{"token"}, "portvakt token COMMAND [flags]"},
	{[]string{"token", "create"}, "portvakt token create --name N --purpose scim|audit [flags]"},
	{[]string{"app"}, "portvakt app COMMAND [flags]"},
	{[]string{"app", "add"}, "portvakt app add --name N --type web|native|spa|integration [--redirect-uri URI]... [flags]"},
	{[]string{"app", "list"}, "portvakt app list [flags]"},
	{[]string{"app", "remove"}, "portvakt app remove [flags] CLIENT_ID"},
	{[]string{"keys"}, "portvakt keys COMMAND [flags]"},
	{[]string{"keys", "rotate"}, "portvakt keys rotate [flags]"},
	{[]string{"recover"}, "portvakt recover WHAT [flags]"},
	{[]string{"recover", "password-login"}, "portvakt recover password-login [flags]"},
	{[]string{"migrate"}, "portvakt migrate [flags]"},
	{[]string{"backup"}, "portvakt backup [flags] FILE"},
	{[]string{"version"}, "portvakt version"},
}

// TestEveryCommandAnswersHelp: -h, --help and "portvakt help COMMAND" print that level's usage
// to stdout and exit 0, at every level.
func TestEveryCommandAnswersHelp(t *testing.T) {
	t.Parallel()
	for _, lv := range helpLevels {
		for _, form := range [][]string{append(slices.Clone(lv.args), "-h"), append(slices.Clone(lv.args), "--help"),
			append([]string{"help"}, lv.args...)} {
			t.Run(strings.Join(form, " "), func(t *testing.T) {
				out, errOut, code := runSplit(t, form...)
				if code != 0 || errOut != "" {
					t.Fatalf("exit %d, stderr %q; want 0 and nothing on stderr", code, errOut)
				}
				if !strings.HasPrefix(out, "Usage:\n  "+lv.synopsis+"\n") {
					t.Errorf("stdout does not start with the usage of %q:\n%s", lv.synopsis, out)
				}
			})
		}
	}
}

// TestEveryCommandRefusesWhatItDoesNotKnow: an unknown command, subcommand or flag, or a missing
// subcommand, prints the usage to stderr and exits 2, without running anything.
func TestEveryCommandRefusesWhatItDoesNotKnow(t *testing.T) {
	t.Parallel()
	cases := [][]string{
		{"frobnicate"},
		{""},
		{"user"},
		{"user", "frob"},
		{"recover"},
		{"recover", "everything"},
		{"app"},
		{"app", "delete"},
		{"app", "list", "extra"},
		{"app", "remove", "a", "b"},
		{"help", "frobnicate"},
		{"migrate", "extra"},
		{"backup"},
		{"backup", "a.db", "b.db"},
		{"version", "extra"},
	}
	for _, lv := range helpLevels {
		cases = append(cases, append(slices.Clone(lv.args), "--no-such-flag"))
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, code := runSplit(t, append(args, "--data", t.TempDir())...)
			if code != 2 || out != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing on stdout", code, out)
			}
			if !strings.Contains(errOut, "Usage:\n  portvakt") {
				t.Errorf("stderr has no usage:\n%s", errOut)
			}
		})
	}
}

// TestHelpLevelsCoverEveryCommand: the walk above knows every command the program has.
func TestHelpLevelsCoverEveryCommand(t *testing.T) {
	t.Parallel()
	var tested []string
	for _, lv := range helpLevels {
		tested = append(tested, strings.Join(lv.args, " "))
	}
	for _, c := range commands {
		if !slices.Contains(tested, c.name) {
			t.Errorf("command %q is not in helpLevels", c.name)
		}
	}
}
