package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"portvakt/migrations"
	"portvakt/store"
)

// migrationSums is the sha256 of every embedded migration file.
func migrationSums(t *testing.T) map[string]string {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		sums[n] = hex.EncodeToString(sum[:])
	}
	return sums
}

func recordedSums(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query("SELECT name, checksum FROM schema_migrations")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var n, sum string
		if err := rows.Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		got[n] = sum
	}
	return got
}

func openMigrationsDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestMigrationsRecordTheirChecksum: each applied migration is recorded with the sha256 of its
// file, and a database whose record differs from the file (the file was edited after it was
// applied) is refused with an error that names the migration and says what to do.
func TestMigrationsRecordTheirChecksum(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db := openMigrationsDB(t, path)
	want := migrationSums(t)
	got := recordedSums(t, db)
	if len(got) != len(want) {
		t.Fatalf("recorded %d migrations, want %d", len(got), len(want))
	}
	for n, sum := range want {
		if got[n] != sum {
			t.Errorf("%s: recorded checksum %q, want %q", n, got[n], sum)
		}
	}
	// What an edited 0001_init.sql looks like from the database's side.
	execSQL(t, db, "UPDATE schema_migrations SET checksum = '"+strings.Repeat("0", 64)+"' WHERE name = '0001_init.sql'")
	_, err = store.Open(ctx, path)
	if !errors.Is(err, store.ErrMigrationChanged) {
		t.Fatalf("Open = %v, want ErrMigrationChanged", err)
	}
	if !strings.Contains(err.Error(), "0001_init.sql") || !strings.Contains(err.Error(), "new migration") {
		t.Errorf("error %q does not name the migration and say what to do", err)
	}
}

// TestMigrationChecksumsFilledOnFirstOpen: a database from before checksums has a
// schema_migrations table without the column; the first open adds it and records the files as
// they are, and from then on an edit is refused.
func TestMigrationChecksumsFilledOnFirstOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db := openMigrationsDB(t, path)
	execSQL(t, db, "ALTER TABLE schema_migrations DROP COLUMN checksum")
	st, err = store.Open(ctx, path)
	if err != nil {
		t.Fatalf("first open of an old database: %v", err)
	}
	st.Close()
	got, want := recordedSums(t, db), migrationSums(t)
	for n, sum := range want {
		if got[n] != sum {
			t.Errorf("%s: recorded checksum %q after the first open, want %q", n, got[n], sum)
		}
	}
	execSQL(t, db, "UPDATE schema_migrations SET checksum = '"+strings.Repeat("1", 64)+"' WHERE name = '0002_mail.sql'")
	if _, err := store.Open(ctx, path); !errors.Is(err, store.ErrMigrationChanged) {
		t.Fatalf("Open = %v, want ErrMigrationChanged", err)
	}
}
