package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"portvakt/migrations"
)

// An upgraded portal counts the sign-ins its audit log already holds, and knows each person's
// latest sign-in by method; refused sign-ins are not counted.
func TestRollupMigrationCountsEarlierSignIns(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portvakt.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
	names, _ := fs.Glob(migrations.FS, "*.sql")
	for _, n := range names {
		if n >= "0008" {
			break
		}
		body, _ := fs.ReadFile(migrations.FS, n)
		mustExec(string(body))
		mustExec("INSERT INTO schema_migrations (name, applied_at) VALUES (?, 0)", n)
	}
	now := time.Now().Unix()
	today := now / 86400 * 86400
	mustExec("INSERT INTO users (id, email, name, created_at, updated_at) VALUES (1, 'anna@example.se', 'Anna', 0, 0)")
	for _, r := range []struct {
		at     int64
		action string
		detail string
	}{
		{today - 86400 + 60, "login.success", "method=password"},
		{today - 86400 + 120, "login.success", "method=password"},
		{today + 1, "login.success", "method=sso"},
		{today + 2, "login.failure", "wrong password"},
	} {
		mustExec("INSERT INTO audit_log (at, actor_id, actor, action, target, detail) VALUES (?, 1, 'anna@example.se', ?, 'anna@example.se', ?)",
			r.at, r.action, r.detail)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.SignInsPerDay(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Methods) != 2 || got.Methods[1].Method != MethodSSO || got.Methods[1].IdPID != 0 {
		t.Fatalf("methods %+v", got.Methods)
	}
	if !slices.Equal(got.Counts[0], []int{2, 0}) || !slices.Equal(got.Counts[1], []int{0, 1}) {
		t.Errorf("counts %v, want password [2 0] and SSO [0 1]", got.Counts)
	}
	it, err := s.UserItem(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if it.LastPasswordLoginAt.Unix() != today-86400+120 || it.LastSSOLoginAt.Unix() != today+1 {
		t.Errorf("latest sign-ins: password %v, SSO %v", it.LastPasswordLoginAt, it.LastSSOLoginAt)
	}
}
