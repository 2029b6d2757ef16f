package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestStorageErrorsInWords: the errors modernc SQLite really gives for a missing or unwritable
// folder, a read-only database and a full disk are told apart and explained with what to do.
// Tests run as root, where chmod does not stop writes, so the read-only database is opened with
// SQLite's mode=ro and the full disk is SQLite's page limit (PRAGMA max_page_count), which
// fails with the same SQLITE_FULL a full disk gives.
func TestStorageErrorsInWords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "portvakt.db")

	real := func(t *testing.T, dsn string, stmts ...string) error {
		t.Helper()
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if err := db.PingContext(ctx); err != nil {
			return err
		}
		for _, s := range stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		t.Fatalf("no error from %s", dsn)
		return nil
	}
	setup, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.ExecContext(ctx, "CREATE TABLE t (v BLOB)"); err != nil {
		t.Fatal(err)
	}
	setup.Close()
	for _, tt := range []struct {
		name  string
		err   func(t *testing.T) error
		kind  StorageKind
		words []string
	}{
		{"a missing folder", func(t *testing.T) error {
			return real(t, "file:"+filepath.Join(dir, "missing", "portvakt.db")+"?mode=rw")
		}, StorageCantOpen, []string{"cannot be opened", "chown", "unable to open database file"}},
		{"a read-only database", func(t *testing.T) error {
			return real(t, "file:"+dbPath+"?mode=ro", "INSERT INTO t VALUES (1)")
		}, StorageReadOnly, []string{"read-only", "chmod"}},
		{"a full disk", func(t *testing.T) error {
			return real(t, "file:"+dbPath, "PRAGMA max_page_count = 2", "INSERT INTO t VALUES (zeroblob(100000))")
		}, StorageFull, []string{"is full", "Free space", "df -h"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := explainStorage(tt.err(t), dbPath)
			var se *StorageError
			if !errors.As(err, &se) || se.Kind != tt.kind {
				t.Fatalf("%v: not a storage error of kind %d", err, tt.kind)
			}
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("%q does not name the folder", err)
			}
		})
	}
	if err := explainStorage(fmt.Errorf("store: x: %w", ErrNotFound), dbPath); IsStorage(err) {
		t.Errorf("%v taken for a storage error", err)
	}
}

// TestFullDiskFailsWritesNotReads: on a full disk a write fails with a StorageError, which the
// store keeps as its StorageFault until a write succeeds, while reads keep working.
func TestFullDiskFailsWritesNotReads(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pages int64
	if err := st.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := st.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 200 && werr == nil; i++ {
		_, werr = st.CreateUser(ctx, CLIActor, NewUser{Email: fmt.Sprintf("p%d@example.se", i), Name: strings.Repeat("n", 200)})
	}
	var se *StorageError
	if !errors.As(werr, &se) || se.Kind != StorageFull {
		t.Fatalf("write on a full disk: %v, want a StorageError of kind full", werr)
	}
	if st.StorageFault() == nil {
		t.Error("no storage fault after a failed write")
	}
	if err := st.Ping(ctx); err != nil {
		t.Errorf("reads stopped with the disk full: %v", err)
	}
	if _, err := st.UserByEmail(ctx, "p0@example.se"); err != nil && !errors.Is(err, ErrNotFound) {
		t.Errorf("read: %v", err)
	}
	if _, err := st.write.ExecContext(ctx, "PRAGMA max_page_count = 1000000"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, CLIActor, NewUser{Email: "after@example.se", Name: "After"}); err != nil {
		t.Fatalf("write after space was freed: %v", err)
	}
	if f := st.StorageFault(); f != nil {
		t.Errorf("storage fault %v kept after a write succeeded", f)
	}
}
