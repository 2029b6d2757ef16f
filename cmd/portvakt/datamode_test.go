package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenStoreTightensLoosePermissions: a data folder or database that other users may read is
// tightened on start (to 0700 and 0600 from the usual 0755 and 0644), with a warning; private
// ones are left alone without one.
func TestOpenStoreTightensLoosePermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		folder, db       fs.FileMode
		wantFolder, want fs.FileMode
		wantWarn         bool
	}{
		{name: "tightens a folder and database others can read", folder: 0o755, db: 0o644, wantFolder: 0o700, want: 0o600, wantWarn: true},
		{name: "tightens a database the group can write", folder: 0o700, db: 0o660, wantFolder: 0o700, want: 0o600, wantWarn: true},
		{name: "leaves private files alone", folder: 0o700, db: 0o600, wantFolder: 0o700, want: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
				t.Fatalf("first migrate: %v\n%s", err, out)
			}
			db := filepath.Join(data, "portvakt.db")
			for path, mode := range map[string]fs.FileMode{data: tt.folder, db: tt.db} {
				if err := os.Chmod(path, mode); err != nil {
					t.Fatal(err)
				}
			}
			out, err := runCLI(t, "", "migrate", "--data", data)
			if err != nil {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			for path, want := range map[string]fs.FileMode{data: tt.wantFolder, db: tt.want} {
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := st.Mode().Perm(); got != want {
					t.Errorf("%s: mode %v, want %v", path, got, want)
				}
			}
			if got := strings.Contains(out, "open to other users"); got != tt.wantWarn {
				t.Errorf("warning given %t, want %t; output:\n%s", got, tt.wantWarn, out)
			}
		})
	}
}
