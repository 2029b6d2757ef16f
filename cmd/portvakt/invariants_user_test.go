package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestUserAddGivesNoPasswordWhilePasswordsAreOff: while password sign-in is off no new password
// is made (SECURITY.md); the command says so, adds nobody, and works without --password-stdin.
func TestUserAddGivesNoPasswordWhilePasswordsAreOff(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	st, err := store.Open(context.Background(), filepath.Join(data, "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.PasswordLogin(t, st, false)
	st.Close()
	out, err := runCLI(t, "a long and good password\n", "user", "add", "--data", data, "--email", "anna@example.se",
		"--name", "Anna", "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "password sign-in is off") {
		t.Fatalf("user add with a password while passwords are off: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "", "user", "add", "--data", data, "--email", "anna@example.se", "--name", "Anna"); err != nil {
		t.Fatalf("user add without a password: %v\n%s", err, out)
	}
}

// TestUserAddRefusesHostileNames: `user add --name` refuses a NUL, invalid UTF-8 and the
// direction overrides like the web forms, saying why, and adds nobody.
func TestUserAddRefusesHostileNames(t *testing.T) {
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, name := range []string{"Anna\x00Admin", "Anna\xff", "Anna\u202egnp.exe", "\u2066Anna\u2069"} {
		out, err := runCLI(t, "", "user", "add", "--data", data, "--email", "anna@example.se", "--name", name)
		if err == nil || !strings.Contains(err.Error(), "cannot contain control characters") {
			t.Errorf("user add --name %q: %v\n%s", name, err, out)
		}
	}
}
