package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	"portvakt/migrations"
)

// migrate applies every embedded migration not yet recorded in schema_migrations, each in its
// own transaction together with its record and the sha256 of its file. A migration that was
// applied and has since changed is refused: the database was not built by the file as it is now.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL, checksum TEXT NOT NULL DEFAULT '')`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	if err := s.addChecksumColumn(ctx); err != nil {
		return err
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	sums := map[string]string{}
	for _, name := range names {
		body, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return fmt.Errorf("store: read migration %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		sums[name] = hex.EncodeToString(sum[:])
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for n := range applied {
		if _, ok := sums[n]; !ok {
			return fmt.Errorf("store: database has migration %q that this portvakt does not know; use a newer portvakt: %w", n, ErrUnknownMigration)
		}
	}
	if err := s.fillChecksums(ctx, applied, sums); err != nil {
		return err
	}
	for _, name := range names {
		recorded, ok := applied[name]
		if ok {
			if recorded != sums[name] {
				return fmt.Errorf("store: migration %s was changed after it was applied to this database (sha256 then %s, now %s); put the file back as it was and add the change as a new migration: %w",
					name, recorded, sums[name], ErrMigrationChanged)
			}
			continue
		}
		body, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return fmt.Errorf("store: read migration %s: %w", name, err)
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("store: apply migration %s: %w", name, err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (name, applied_at, checksum) VALUES (?, ?, ?)", name, s.now(), sums[name])
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// addChecksumColumn adds the checksum column to a schema_migrations table made before it
// existed; its rows get their checksums from fillChecksums.
func (s *Store) addChecksumColumn(ctx context.Context) error {
	var n int
	if err := s.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'").Scan(&n); err != nil {
		return fmt.Errorf("store: read schema_migrations columns: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := s.write.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''"); err != nil {
		return fmt.Errorf("store: add schema_migrations.checksum: %w", err)
	}
	return nil
}

// fillChecksums records the checksum of each applied migration recorded without one (by a
// portvakt from before checksums), trusting the file as it is on this first open; later opens
// compare against it. applied is updated to match.
func (s *Store) fillChecksums(ctx context.Context, applied, sums map[string]string) error {
	if !slices.Contains(slices.Collect(maps.Values(applied)), "") {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for name, recorded := range applied {
			if recorded != "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE schema_migrations SET checksum = ? WHERE name = ? AND checksum = ''", sums[name], name); err != nil {
				return fmt.Errorf("store: record checksum of migration %s: %w", name, err)
			}
			applied[name] = sums[name]
		}
		return nil
	})
}

// appliedMigrations maps the name of each applied migration to its recorded checksum ("" when
// it was applied before checksums were recorded).
func (s *Store) appliedMigrations(ctx context.Context) (map[string]string, error) {
	rows, err := s.write.QueryContext(ctx, "SELECT name, checksum FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[string]string{}
	for rows.Next() {
		var n, sum string
		if err := rows.Scan(&n, &sum); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
		applied[strings.TrimSpace(n)] = sum
	}
	return applied, rows.Err()
}

// Migrations lists the names of the applied migrations, oldest first.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(applied))
	for n := range applied {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
