// Package storetest opens real, migrated SQLite stores for tests.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"portvakt/store"
)

// Open returns a store on a fresh database file in the test's temporary folder, closed when the
// test ends. Each test gets its own file: never :memory:, whose pooled connections would each see
// an empty database.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "portvakt.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// MustUser creates a user or fails the test.
func MustUser(tb testing.TB, st *store.Store, nu store.NewUser) store.User {
	tb.Helper()
	if nu.Name == "" {
		nu.Name = nu.Email
	}
	u, err := st.CreateUser(context.Background(), store.CLIActor, nu)
	if err != nil {
		tb.Fatalf("create user %s: %v", nu.Email, err)
	}
	return u
}
