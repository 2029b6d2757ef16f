package main

import (
	"os"
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
