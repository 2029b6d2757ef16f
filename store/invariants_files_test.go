package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"portvakt/store"
)

// TestDatabaseFilesArePrivate: the database and its backups hold password hashes, sealed
// secrets and the audit log; like the key file, only the owner may read them, whatever the umask.
//
// Not parallel: the umask belongs to the whole process.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	backup := filepath.Join(dir, "backup.db")
	if err := st.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"portvakt.db", "backup.db"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", name, fi.Mode().Perm())
		}
	}
	if err := st.Backup(ctx, backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}
}
