package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestPasswordSessionsNeedPasswordLoginOn proves SECURITY.md's "when password sign-in is OFF:
// existing password sessions ended" (ASVS 6.3.4) beyond the switch itself (DisablePasswordLogin
// deletes them; see TestDisablePasswordLogin): a password session that outlived the switch (a
// sign-in that raced it) is refused on lookup, no new one can be made, and SSO sessions go on.
func TestPasswordSessionsNeedPasswordLoginOn(t *testing.T) {
	t.Parallel()
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
	raced, sso := session(store.MethodPassword), session(store.MethodSSO)
	// The setting alone, with the session row left in place, as a racing sign-in would leave it.
	storetest.Exec(t, st, "UPDATE settings SET value = 'off' WHERE key = 'password_login'")

	t.Run("refuses the password session that outlived the switch", func(t *testing.T) {
		if alive(raced) {
			t.Error("password session still accepted while password sign-in is off")
		}
	})
	t.Run("keeps the SSO session", func(t *testing.T) {
		if !alive(sso) {
			t.Error("SSO session refused")
		}
	})
	t.Run("makes no new password session", func(t *testing.T) {
		_, err := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
		if !errors.Is(err, store.ErrPasswordLoginOff) {
			t.Errorf("CreateSession = %v, want ErrPasswordLoginOff", err)
		}
	})
}
