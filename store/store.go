// Package store keeps portvakt's data in one SQLite file. It knows nothing of HTTP: handlers call
// it with a context and plain values, and every change runs in a transaction on the single writer
// connection, so invariants checked inside that transaction hold under concurrent requests.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the database handle: one writer connection beside a pool of readers.
type Store struct {
	write *sql.DB
	read  *readPool
	path  string
	fault atomic.Pointer[StorageError] // the storage failure of the last write, if it failed

	// Now returns the current time. Tests replace it to own the clock.
	Now func() time.Time
}

// dsn builds the modernc.org/sqlite connection string. busy_timeout comes first so that the
// pragmas after it already wait for a lock instead of failing.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies pending migrations. It refuses
// a database that has migrations this binary does not know, since that means a newer portvakt
// wrote it.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := createPrivate(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("store: create %s: %w", path, explainStorage(err, path))
	}
	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	s := &Store{write: write, path: path, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, explainStorage(err, path)
	}
	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open readers %s: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	read.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	s.read = newReadPool(read)
	return s, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	rerr := s.read.Close()
	werr := s.write.Close()
	if werr != nil {
		return fmt.Errorf("store: close: %w", werr)
	}
	if rerr != nil {
		return fmt.Errorf("store: close readers: %w", rerr)
	}
	return nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Ping reports whether the database answers a query; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", explainStorage(err, s.path))
	}
	return nil
}

// inTx runs fn in a write transaction, committing when fn returns nil and rolling back otherwise.
// The writer pool has one connection, so transactions never interleave.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", s.noteStorage(err))
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		if IsStorage(explainStorage(err, s.path)) {
			return s.noteStorage(err)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", s.noteStorage(err))
	}
	_ = s.noteStorage(nil)
	return nil
}

// now returns the store clock in Unix seconds, the unit every timestamp column uses.
func (s *Store) now() int64 { return s.Now().Unix() }

// unixTime turns a stored Unix-seconds column into a time, the zero time for NULL.
func unixTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0)
}

// Backup writes a consistent copy of the live database to path (VACUUM INTO), safe while the
// server runs.
func (s *Store) Backup(ctx context.Context, path string) error {
	// VACUUM INTO fills an empty file; making it first keeps it private from the start and
	// refuses to overwrite an existing one.
	if err := createPrivate(path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	if _, err := s.write.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// createPrivate creates an empty file that only its owner can read and write: the database
// holds password hashes, sealed secrets and the audit log. SQLite gives its -wal and -shm files
// the same mode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}
