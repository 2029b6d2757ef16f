package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeExplainsAnUnusableDataFolder: when the data folder cannot be made (here its parent
// is a file), serve stops at once saying what is wrong and what to do, not only SQLite's code.
func TestServeExplainsAnUnusableDataFolder(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(parent, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(parent, "data"))
	if err == nil {
		t.Fatalf("serve started on an unusable data folder\n%s", out)
	}
	for _, w := range []string{"cannot be opened", "chown"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// TestServeExplainsAReadOnlyDataFolder: a data folder on a read-only mount (a read-only bind,
// which needs the right to mount; skipped without it: as root, chmod would not stop writes)
// stops serve at start with what is wrong and what to do, not "unable to open database file (14)".
func TestServeExplainsAReadOnlyDataFolder(t *testing.T) {
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	ro := t.TempDir()
	if out, err := exec.Command("mount", "--bind", data, ro).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", ro).Run() })
	if out, err := exec.Command("mount", "-o", "remount,bind,ro", ro).CombinedOutput(); err != nil {
		t.Skipf("cannot make the bind read-only (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	out, err := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--data", ro)
	if err == nil {
		t.Fatalf("serve started on a read-only data folder\n%s", out)
	}
	for _, w := range []string{ro, "chown", "read-only"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}
