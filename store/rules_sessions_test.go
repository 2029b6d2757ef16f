package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestPasswordOffEndsPasswordSessions proves SECURITY.md's "when password sign-in is OFF:
// existing password sessions ended" (ASVS 6.3.4): switching it off ends every password session
// at once, a password session made by a sign-in that raced the switch is refused too, and SSO
// sessions go on.
func TestPasswordOffEndsPasswordSessions(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se"})
	session := func(method string) string {
		t.Helper()
		token, err := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: method, IdPID: map[string]int64{store.MethodSSO: 1}[method]})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	alive := func(token string) bool {
		t.Helper()
		_, err := st.SessionByToken(ctx, token)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	pwd, sso := session(store.MethodPassword), session(store.MethodSSO)
	if _, err := st.SetPasswordLogin(ctx, store.CLIActor, false); err != nil {
		t.Fatal(err)
	}
	late := session(store.MethodPassword) // a sign-in that checked the setting just before the switch

	for _, tc := range []struct {
		name  string
		token string
		want  bool
	}{
		{"ends the password session", pwd, false},
		{"refuses a password session made after the switch", late, false},
		{"keeps the SSO session", sso, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := alive(tc.token); got != tc.want {
				t.Errorf("session alive = %t, want %t", got, tc.want)
			}
		})
	}
	t.Run("the password session's row is gone, not just hidden", func(t *testing.T) {
		if _, err := st.SetPasswordLogin(ctx, store.CLIActor, true); err != nil {
			t.Fatal(err)
		}
		if alive(pwd) {
			t.Error("a session ended by password OFF came back with password ON")
		}
	})
}
