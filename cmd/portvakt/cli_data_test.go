package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostCommands are the host commands that work on an existing database, as run against a
// data folder; each must refuse a folder without one.
var hostCommands = map[string][]string{
	"recover password-login": {"recover", "password-login", "--data", "DATA"},
	"user add":               {"user", "add", "--data", "DATA", "--email", "anna@example.se", "--name", "Anna"},
	"user grant":             {"user", "grant", "--data", "DATA", "--email", "anna@example.se"},
	"backup":                 {"backup", "--data", "DATA", "BACKUP"},
	"token create":           {"token", "create", "--data", "DATA", "--name", "SIEM", "--purpose", "audit"},
}

// TestHostCommandsRefuseADataFolderWithoutADatabase: run against the wrong folder (a missing one,
// an empty one, or the default portvakt-data beside where it was started), a host command says
// where it looked and how to point it at the right folder, exits non-zero and creates nothing: no
// empty database, and no backup of one. Before, `recover password-login` made an empty database,
// said password sign-in was already on and exited 0 while the real server stayed locked.
func TestHostCommandsRefuseADataFolderWithoutADatabase(t *testing.T) {
	// Not parallel: a case changes the working directory of the whole process.
	for name, args := range hostCommands {
		for _, where := range []string{"missing folder", "empty folder", "default folder"} {
			t.Run(name+" in a "+where, func(t *testing.T) {
				dir := t.TempDir()
				backup := filepath.Join(t.TempDir(), "b.db")
				data := filepath.Join(dir, "nothing-here")
				switch where {
				case "empty folder":
					data = dir
				case "default folder":
					t.Chdir(dir)
					data = filepath.Join(dir, "portvakt-data")
				}
				var full []string
				for i := 0; i < len(args); i++ {
					switch {
					case args[i] == "--data" && where == "default folder":
						i++ // no --data: the default, portvakt-data in the working folder
					case args[i] == "DATA":
						full = append(full, data)
					case args[i] == "BACKUP":
						full = append(full, backup)
					default:
						full = append(full, args[i])
					}
				}
				out, errOut, code := runSplit(t, full...)
				if code != 1 {
					t.Fatalf("exit %d, stdout %q, stderr %q; want 1", code, out, errOut)
				}
				msg := errOut + out
				for _, want := range []string{filepath.Join(data, "portvakt.db"), "--data", "PORTVAKT_DATA"} {
					if !strings.Contains(msg, want) {
						t.Errorf("the refusal does not say %q:\n%s", want, msg)
					}
				}
				if strings.Contains(out, "already ON") {
					t.Errorf("said %q", out)
				}
				if _, err := os.Stat(filepath.Join(data, "portvakt.db")); err == nil {
					t.Error("a database was created")
				}
				if where == "missing folder" {
					if _, err := os.Stat(data); err == nil {
						t.Error("the data folder was created")
					}
				}
				if _, err := os.Stat(backup); err == nil {
					t.Error("a backup was written")
				}
			})
		}
	}
}

// TestRecoverSaysWhichDatabaseItChanged: the break-glass names the database by its full path and
// what the setting was before, so a wrong folder cannot pass for a fix.
//
// Not parallel: it changes the working directory of the whole process.
func TestRecoverSaysWhichDatabaseItChanged(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if _, errOut, code := runSplit(t, "migrate", "--data", "rel"); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, errOut)
	}
	out, errOut, code := runSplit(t, "recover", "password-login", "--data", "rel")
	if code != 0 {
		t.Fatalf("recover: exit %d\n%s", code, errOut)
	}
	want := filepath.Join(dir, "rel", "portvakt.db")
	if !strings.Contains(out, "was already ON in "+want) {
		t.Errorf("recover said %q, want the policy before and %s", out, want)
	}
}
