package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"portvakt/migrations"
	"portvakt/store"
	"portvakt/store/storetest"
)

func TestMigrationsApplyFromZeroAndOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := fs.Glob(migrations.FS, "*.sql")
	if len(got) != len(want) || got[0] != want[0] {
		t.Fatalf("applied %v, want %v", got, want)
	}
	st.Close()
	st, err = store.Open(ctx, path) // a second open applies nothing again
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	st.Close()
}

func TestOpenRefusesDatabaseFromNewerVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future.sql', 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := store.Open(ctx, path); !errors.Is(err, store.ErrUnknownMigration) {
		t.Fatalf("Open = %v, want ErrUnknownMigration", err)
	}
}

func TestAuditLogRowsCannotBeChanged(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	if err := st.AppendAudit(ctx, store.CLIActor, store.AuditEntry{Action: "test", Target: "x"}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s succeeded, want it refused", q)
		}
	}
}

func TestCreateUserRefusesDuplicateEmail(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	storetest.MustUser(t, st, store.NewUser{Email: "a@example.se"})
	_, err := st.CreateUser(context.Background(), store.CLIActor, store.NewUser{Email: "a@example.se", Name: "A"})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second CreateUser = %v, want ErrConflict", err)
	}
}

func TestSetupTokenIsSingleUseUnderRace(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	token, err := st.NewSetupToken(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CheckSetupToken(ctx, token); err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = st.CompleteSetup(ctx, store.Actor{}, token, store.NewUser{Email: string(rune('a'+i)) + "@example.se", Name: "n"})
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, store.ErrExpired) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d setups succeeded with one token, want exactly 1", ok)
	}
	if err := st.CheckSetupToken(ctx, token); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("used token: %v, want ErrExpired", err)
	}
}

func TestSetupTokenExpires(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	token, err := st.NewSetupToken(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	storetest.SetClock(t, st, func() time.Time { return time.Now().Add(2 * time.Hour) })
	if err := st.CheckSetupToken(ctx, token); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("CheckSetupToken after expiry = %v, want ErrExpired", err)
	}
}

func TestSessionsSeeGrantsAndEnd(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "it@example.se"})
	token, err := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.SessionByToken(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if sess.AuthSettings || sess.User.Email != "it@example.se" {
		t.Fatalf("session = %+v, want no grant for it@example.se", sess)
	}
	if err := st.GrantAuthSettings(ctx, store.CLIActor, u.ID); err != nil {
		t.Fatal(err)
	}
	if sess, _ = st.SessionByToken(ctx, token); !sess.AuthSettings {
		t.Fatal("grant not visible on the existing session")
	}
	if err := st.DeleteUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted session lookup = %v, want ErrNotFound", err)
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "u@example.se"})
	old, _ := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	storetest.SetClock(t, st, func() time.Time { return time.Now().Add(time.Hour) })
	fresh, _ := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	n, err := st.DeleteExpiredSessions(ctx, st.Now().Add(-30*time.Minute), st.Now().Add(-12*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 1, nil", n, err)
	}
	if _, err := st.SessionByToken(ctx, old); !errors.Is(err, store.ErrNotFound) {
		t.Error("idle session survived")
	}
	if _, err := st.SessionByToken(ctx, fresh); err != nil {
		t.Errorf("fresh session removed: %v", err)
	}
}

func TestSessionTokensAreNotStoredInClear(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "u@example.se"})
	token, _ := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	db, _ := sql.Open("sqlite", st.Path())
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM sessions WHERE id_hash = ?", token).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the database holds the session token in clear (n=%d, err=%v)", n, err)
	}
}

func TestBackupWritesAUsableCopy(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	storetest.MustUser(t, st, store.NewUser{Email: "kept@example.se"})
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := st.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if _, err := cp.UserByEmail(ctx, "kept@example.se"); err != nil {
		t.Fatalf("user missing from the backup: %v", err)
	}
}
