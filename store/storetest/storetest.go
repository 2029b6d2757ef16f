// Package storetest opens real, migrated SQLite stores for tests.
package storetest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"portvakt/store"
)

// Open returns a store on a fresh database file in the test's temporary folder, closed when the
// test ends. Each test gets its own file: never :memory:, whose pooled connections would each see
// an empty database.
//
// The file is a copy of one database migrated once per test process: applying every migration
// costs a tenth of a second, and a second under -race, for each of the hundreds of stores a run
// opens. store.Open still reads the copy's migrations and their checksums; store's own tests
// (migrate_test.go) migrate from nothing.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "portvakt.db")
	if err := os.WriteFile(path, migrated(tb), 0o600); err != nil {
		tb.Fatalf("copy the migrated database: %v", err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

var template struct {
	once sync.Once
	db   []byte
	err  error
}

// migrated returns the bytes of a freshly migrated database, made on the first call.
func migrated(tb testing.TB) []byte {
	tb.Helper()
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "portvakt-storetest-")
		if err != nil {
			template.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "portvakt.db")
		st, err := store.Open(context.Background(), path)
		if err != nil {
			template.err = err
			return
		}
		// Closing the last connection checkpoints the write-ahead log into the file.
		if err := st.Close(); err != nil {
			template.err = err
			return
		}
		template.db, template.err = os.ReadFile(path)
	})
	if template.err != nil {
		tb.Fatalf("migrate the template database: %v", template.err)
	}
	return template.db
}

// MustUser creates a user or fails the test.
func MustUser(tb testing.TB, st *store.Store, nu store.NewUser) store.User {
	tb.Helper()
	if nu.Name == "" {
		nu.Name = nu.Email
	}
	u, err := st.CreateUser(context.Background(), store.HostActor("portvakt user add"), nu)
	if err != nil {
		tb.Fatalf("create user %s: %v", nu.Email, err)
	}
	return u
}

// VerifiedDomain adds name to the organisation's domains and records a DNS check that found its
// record, as the Domains page does, or fails the test.
func VerifiedDomain(tb testing.TB, st *store.Store, name string) store.Domain {
	tb.Helper()
	ctx := context.Background()
	d, err := st.AddDomain(ctx, store.CLIActor, name, "token-"+name)
	if err != nil {
		tb.Fatalf("add domain %s: %v", name, err)
	}
	_, d, err = st.RecordDomainCheck(ctx, store.CLIActor, d.ID, store.DomainCheck{Kind: store.CheckVerified, Result: "verified"})
	if err != nil {
		tb.Fatalf("verify domain %s: %v", name, err)
	}
	return d
}

// PasswordLogin switches password sign-in on, or puts the database in the state that a
// successful DisablePasswordLogin leaves (setting off, password sessions gone) without building
// everything its guard requires; or fails the test.
func PasswordLogin(tb testing.TB, st *store.Store, on bool) {
	tb.Helper()
	if on {
		if _, err := st.EnablePasswordLogin(context.Background(), store.CLIActor); err != nil {
			tb.Fatalf("switch password sign-in on: %v", err)
		}
		return
	}
	Exec(tb, st, "UPDATE settings SET value = 'off' WHERE key = 'password_login'")
	Exec(tb, st, "DELETE FROM sessions WHERE method = 'password'")
}

// DB opens the store's database file through a connection pool of its own, closed when the test
// ends: for the few checks that look past the store's methods, and states that no store function
// makes on purpose. Tests change data through the store or the handlers wherever they can.
func DB(tb testing.TB, st *store.Store) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Exec runs one SQL statement through DB and returns the id of the last row it inserted; or
// fails the test.
func Exec(tb testing.TB, st *store.Store, query string, args ...any) int64 {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query, args...)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	id, _ := res.LastInsertId()
	return id
}

// AllowedDomains replaces the allowed domains for linking (none: no restriction), or fails the
// test.
func AllowedDomains(tb testing.TB, st *store.Store, names ...string) {
	tb.Helper()
	if _, _, err := st.SetAllowedDomains(context.Background(), store.CLIActor, names); err != nil {
		tb.Fatalf("set allowed domains %q: %v", names, err)
	}
}

// Link ties the user to an external identity, as the first SSO sign-in does, or fails the test.
func Link(tb testing.TB, st *store.Store, userID int64, issuer, subject string) {
	tb.Helper()
	if err := st.CreateLink(context.Background(), store.CLIActor, store.Link{UserID: userID, Issuer: issuer, Subject: subject}); err != nil {
		tb.Fatalf("link user %d: %v", userID, err)
	}
}

// AuditActions returns the actions of the audit rows about target, oldest first.
func AuditActions(tb testing.TB, st *store.Store, target string) []string {
	tb.Helper()
	var out []string
	err := st.EachAudit(context.Background(), store.AuditFilter{}, func(r store.AuditRow) error {
		if r.Target == target {
			out = append(out, string(r.Action))
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("read audit log: %v", err)
	}
	slices.Reverse(out)
	return out
}

// AuditRows returns the audit rows with action, oldest first.
func AuditRows(tb testing.TB, st *store.Store, action string) []store.AuditRow {
	tb.Helper()
	var out []store.AuditRow
	err := st.EachAudit(context.Background(), store.AuditFilter{Action: action}, func(r store.AuditRow) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		tb.Fatalf("read audit log: %v", err)
	}
	slices.Reverse(out)
	return out
}

// SetClock makes the store read the time from now, and puts its clock back when the test ends.
func SetClock(tb testing.TB, st *store.Store, now func() time.Time) {
	tb.Helper()
	old := st.Now
	st.Now = now
	tb.Cleanup(func() { st.Now = old })
}

// Lang sets the language of the user's mail, as the user page does, or fails the test.
func Lang(tb testing.TB, st *store.Store, email, lang string) {
	tb.Helper()
	ctx := context.Background()
	u, err := st.UserByEmail(ctx, email)
	if err != nil {
		tb.Fatalf("user %s: %v", email, err)
	}
	if _, err := st.UpdateUser(ctx, store.CLIActor, u.ID, store.UserUpdate{Name: u.Name, Email: u.Email, Lang: lang}, nil); err != nil {
		tb.Fatalf("set the language of %s: %v", email, err)
	}
}

// IdPRevision is the provider's revision now: the one a test sign-in must have run with to mark it.
func IdPRevision(tb testing.TB, s *store.Store, id int64) int64 {
	tb.Helper()
	p, err := s.IdP(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return p.Revision
}
