package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// switchOff switches passwords off through the fixture's fresh SSO session, with the given window.
func (f *offFixture) switchOff(t *testing.T, window time.Duration) {
	t.Helper()
	g := f.guard(t)
	g.ConfirmWindow = window
	if _, err := f.s.DisablePasswordLogin(context.Background(), Actor{UserID: f.it.ID, Label: f.it.Email}, g); err != nil {
		t.Fatalf("switch off: %v", err)
	}
}

// setClock moves the store clock by d from now, and restores it when the test ends.
func setClock(t *testing.T, s *Store, d time.Duration) {
	t.Helper()
	setNow(t, s, func() time.Time { return time.Now().Add(d) })
}

// setNow makes the store read the time from now, and restores its clock when the test ends
// (storetest.SetClock, for the tests inside package store).
func setNow(tb testing.TB, s *Store, now func() time.Time) {
	tb.Helper()
	old := s.Now
	s.Now = now
	tb.Cleanup(func() { s.Now = old })
}

func (f *offFixture) confirm(t *testing.T, token string) error {
	t.Helper()
	return f.s.ConfirmPasswordOff(context.Background(), Actor{UserID: f.it.ID, Label: f.it.Email}, token)
}

func confirmReason(err error) ConfirmRefusal {
	var ce *ConfirmError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

func windowState(t *testing.T, s *Store) string {
	t.Helper()
	var st string
	if err := s.write.QueryRow("SELECT state FROM password_off_windows ORDER BY id DESC LIMIT 1").Scan(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPasswordOffOpensConfirmWindow(t *testing.T) {
	t.Parallel()
	f := newOffFixture(t)
	before := f.s.Now().Truncate(time.Second)
	f.switchOff(t, 0)
	w, ok, err := f.s.PasswordConfirmWindow(context.Background())
	if err != nil || !ok {
		t.Fatalf("window = %v, %v, want one running", ok, err)
	}
	if got := w.Deadline.Sub(before); got < DefaultConfirmWindow || got > DefaultConfirmWindow+2*time.Second {
		t.Errorf("deadline %s after the switch, want %s", got, DefaultConfirmWindow)
	}
	if w.SwitchedBy != f.it.Name || w.Length != DefaultConfirmWindow {
		t.Errorf("window = %+v", w)
	}
	if f.passwordOn(t) {
		t.Error("password sign-in is on while the window runs")
	}
}

func TestConfirmPasswordOffRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		session func(t *testing.T, f *offFixture) string
		want    ConfirmRefusal
	}{
		{"refuses the SSO session begun before the switch", func(t *testing.T, f *offFixture) string {
			return f.token
		}, ConfirmBeforeSwitch},
		{"refuses a password session begun after the switch", func(t *testing.T, f *offFixture) string {
			// A password session can only start while password sign-in is on; put one in place
			// as if it had begun a minute after the switch.
			token := NewToken()
			if _, err := f.s.write.Exec("INSERT INTO sessions (id_hash, user_id, method, created_at, last_seen_at) VALUES (?, ?, 'password', ?, ?)",
				hashToken(token), f.it.ID, f.s.now()+60, f.s.now()+60); err != nil {
				t.Fatal(err)
			}
			return token
		}, ConfirmNotSSO},
		{"refuses a person without Authentication Settings access", func(t *testing.T, f *offFixture) string {
			setClock(t, f.s, time.Minute)
			other := f.user(t, "other@example.se", true)
			return f.session(t, other, MethodSSO)
		}, ConfirmNoAccess},
		{"refuses without a session", func(t *testing.T, f *offFixture) string { return "" }, ConfirmNoSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOffFixture(t)
			grant(t, f.s, f.it.ID)
			f.switchOff(t, 0)
			token := tt.session(t, f)
			if got := confirmReason(f.confirm(t, token)); got != tt.want {
				t.Fatalf("refusal = %q, want %q", got, tt.want)
			}
			if got := windowState(t, f.s); got != windowOpen {
				t.Errorf("window is %s after a refusal", got)
			}
		})
	}
}

func grant(t *testing.T, s *Store, userID int64) {
	t.Helper()
	if _, err := s.write.Exec("INSERT INTO auth_settings_grants (user_id, granted_at) VALUES (?, 0)", userID); err != nil {
		t.Fatal(err)
	}
}

func TestConfirmPasswordOffFromNewSSOSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	grant(t, f.s, f.it.ID)
	f.switchOff(t, 0)
	setClock(t, f.s, time.Minute)
	if err := f.confirm(t, f.session(t, f.it, MethodSSO)); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if _, ok, _ := f.s.PasswordConfirmWindow(ctx); ok {
		t.Error("the window still runs after the confirmation")
	}
	if got := confirmReason(f.confirm(t, f.session(t, f.it, MethodSSO))); got != ConfirmNoWindow {
		t.Errorf("second confirmation: %q, want %q", got, ConfirmNoWindow)
	}
	setClock(t, f.s, DefaultConfirmWindow+time.Hour)
	if reverted, err := f.s.RevertExpiredPasswordOff(ctx); err != nil || reverted {
		t.Errorf("revert after the confirmation = %v, %v, want nothing done", reverted, err)
	}
	if f.passwordOn(t) {
		t.Error("password sign-in came back on after a confirmation")
	}
	if got := auditActions(t, f.s, "policy.password_login.confirmed"); got != 1 {
		t.Errorf("%d confirmation rows in the audit log, want 1", got)
	}
}

func auditActions(t *testing.T, s *Store, action string) int {
	t.Helper()
	var n int
	if err := s.write.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = ?", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPasswordOffRevertsAtDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	// The clock stands still from the switch on: on a slow machine, a second of real time
	// between the switch and the check made "a second before the deadline" fall after it.
	start := time.Now()
	setNow(t, f.s, func() time.Time { return start })
	f.switchOff(t, 0)
	setNow(t, f.s, func() time.Time { return start.Add(DefaultConfirmWindow - time.Second) })
	if reverted, err := f.s.RevertExpiredPasswordOff(ctx); err != nil || reverted {
		t.Fatalf("revert before the deadline = %v, %v", reverted, err)
	}
	setClock(t, f.s, DefaultConfirmWindow+time.Second)
	if reverted, err := f.s.RevertExpiredPasswordOff(ctx); err != nil || !reverted {
		t.Fatalf("revert after the deadline = %v, %v", reverted, err)
	}
	if !f.passwordOn(t) {
		t.Fatal("password sign-in is still off")
	}
	var actor, detail string
	if err := f.s.write.QueryRow("SELECT actor, detail FROM audit_log WHERE action = 'policy.password_login' ORDER BY id DESC LIMIT 1").
		Scan(&actor, &detail); err != nil {
		t.Fatal(err)
	}
	if actor != "system" || detail != "not confirmed within 10 minutes" {
		t.Errorf("audit row: %s, %q", actor, detail)
	}
	if reverted, _ := f.s.RevertExpiredPasswordOff(ctx); reverted {
		t.Error("reverted twice")
	}
	due, err := f.s.RevertMailsDue(ctx)
	if err != nil || len(due) != 1 || due[0].Email != f.it.Email || due[0].Length != DefaultConfirmWindow {
		t.Fatalf("mails due = %+v, %v", due, err)
	}
	id, err := f.s.QueueRevertMail(ctx, due[0].ID, NewMail{Kind: "password_reverted", To: f.it.Email, Subject: "s", Body: []byte{1}})
	if err != nil || id == 0 {
		t.Fatalf("queue mail = %d, %v", id, err)
	}
	if id, err := f.s.QueueRevertMail(ctx, due[0].ID, NewMail{Kind: "password_reverted", To: f.it.Email, Subject: "s", Body: []byte{1}}); err != nil || id != 0 {
		t.Errorf("queued the mail twice: %d, %v", id, err)
	}
	if due, _ := f.s.RevertMailsDue(ctx); len(due) != 0 {
		t.Errorf("mails still due: %+v", due)
	}
}

func TestPasswordOffRevertAppliedLazily(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("when the policy is read", func(t *testing.T) {
		f := newOffFixture(t)
		f.switchOff(t, 0)
		setClock(t, f.s, DefaultConfirmWindow+time.Second)
		if !f.passwordOn(t) {
			t.Fatal("PasswordLoginEnabled reads an overdue window as off")
		}
		if got := windowState(t, f.s); got != windowReverted {
			t.Errorf("window is %s", got)
		}
	})
	t.Run("when a password session starts", func(t *testing.T) {
		f := newOffFixture(t)
		f.switchOff(t, 0)
		setClock(t, f.s, DefaultConfirmWindow+time.Second)
		if _, err := f.s.CreateSession(ctx, NewSession{UserID: f.it.ID, Method: MethodPassword}); err != nil {
			t.Fatalf("password session after the deadline: %v", err)
		}
		if got := windowState(t, f.s); got != windowReverted {
			t.Errorf("window is %s", got)
		}
	})
	t.Run("not before the deadline", func(t *testing.T) {
		f := newOffFixture(t)
		start := time.Now()
		setNow(t, f.s, func() time.Time { return start })
		f.switchOff(t, 0)
		setNow(t, f.s, func() time.Time { return start.Add(DefaultConfirmWindow - 5*time.Second) })
		if _, err := f.s.CreateSession(ctx, NewSession{UserID: f.it.ID, Method: MethodPassword}); !errors.Is(err, ErrPasswordLoginOff) {
			t.Fatalf("password session before the deadline: %v", err)
		}
		if f.passwordOn(t) {
			t.Error("password sign-in on before the deadline")
		}
	})
	t.Run("a late confirmation is refused and password comes back", func(t *testing.T) {
		f := newOffFixture(t)
		grant(t, f.s, f.it.ID)
		f.switchOff(t, 0)
		setClock(t, f.s, DefaultConfirmWindow+time.Second)
		if got := confirmReason(f.confirm(t, f.session(t, f.it, MethodSSO))); got != ConfirmTooLate {
			t.Fatalf("late confirmation: %q", got)
		}
		if got := windowState(t, f.s); got != windowReverted {
			t.Errorf("window is %s", got)
		}
	})
}

func TestPasswordOffRevertSurvivesReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	f.switchOff(t, 90*time.Second)
	path := f.s.Path()
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if on, _ := s.PasswordLoginEnabled(ctx); on {
		t.Fatal("password sign-in on again at once after the reopen")
	}
	setClock(t, s, 91*time.Second)
	if on, err := s.PasswordLoginEnabled(ctx); err != nil || !on {
		t.Fatalf("after the reopen and the deadline: on = %v, %v", on, err)
	}
	var detail string
	if err := s.write.QueryRow("SELECT detail FROM audit_log WHERE action = 'policy.password_login' ORDER BY id DESC LIMIT 1").Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if detail != "not confirmed within 90 seconds" {
		t.Errorf("audit detail = %q", detail)
	}
	if filepath.Base(path) != "portvakt.db" {
		t.Errorf("path = %s", path)
	}
}

func TestEnablePasswordLoginClearsWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	f.switchOff(t, 0)
	if _, err := f.s.EnablePasswordLogin(ctx, CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := windowState(t, f.s); got != windowCleared {
		t.Fatalf("window is %s", got)
	}
	setClock(t, f.s, DefaultConfirmWindow+time.Second)
	if reverted, _ := f.s.RevertExpiredPasswordOff(ctx); reverted {
		t.Error("a cleared window reverted")
	}
}

// TestConfirmAndRevertRacing runs a confirmation against the revert while the clock crosses
// the deadline: whichever wins, the window and the setting agree, and exactly one of them is in
// the audit log.
func TestConfirmAndRevertRacing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for round := range 6 {
		f := newOffFixture(t)
		grant(t, f.s, f.it.ID)
		f.switchOff(t, time.Minute)
		setClock(t, f.s, 30*time.Second)
		token := f.session(t, f.it, MethodSSO)
		// Every read of the clock moves it on a second, from just before the deadline.
		var tick atomic.Int64
		start := time.Now().Add(time.Minute - time.Duration(round+1)*time.Second)
		setNow(t, f.s, func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) })
		var wg sync.WaitGroup
		var confirmErr error
		wg.Add(3)
		go func() { defer wg.Done(); confirmErr = f.confirm(t, token) }()
		go func() { defer wg.Done(); _, _ = f.s.RevertExpiredPasswordOff(ctx) }()
		go func() { defer wg.Done(); _, _ = f.s.PasswordLoginEnabled(ctx) }()
		wg.Wait()
		state := windowState(t, f.s)
		on := f.passwordOn(t)
		switch {
		case state == windowConfirmed && !on && confirmErr == nil:
		case state == windowReverted && on && confirmReason(confirmErr) != "":
		default:
			t.Fatalf("round %d: window %s, password on %v, confirm %v", round, state, on, confirmErr)
		}
		if c, r := auditActions(t, f.s, "policy.password_login.confirmed"), countReverts(t, f.s); c+r != 1 {
			t.Errorf("round %d: %d confirmations and %d reverts in the audit log", round, c, r)
		}
	}
}

func countReverts(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.write.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'policy.password_login' AND actor = 'system'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
