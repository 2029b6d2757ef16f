package handlers_test

import (
	"net/http"
	"strconv"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

// TestSSOUnlinkWhilePasswordOffKeepsTheWayIn: while password sign-in is off, an administrator who
// removes their own SSO link (the first step of changing their e-mail: "remove the link first")
// loses the only way in that is left: a privileged person links only from their own signed-in
// session, and the unlink ends that session. The removal must be refused while it would leave
// the person with no way in, as an applied draft is (ReasonLocksOutSelf).
func TestSSOUnlinkWhilePasswordOffKeepsTheWayIn(t *testing.T) {
	env := handlertest.New(t, handlertest.WithSSO())
	boss, bossC := linkedBoss(t, env)
	storetest.PasswordLogin(t, env.Store, false)

	r := bossC.Post(t, "/users/"+strconv.FormatInt(boss.ID, 10)+"/unlink", nil)
	if r.Status == http.StatusSeeOther {
		t.Errorf("unlinking oneself while password sign-in is off: status %d, want it refused", r.Status)
	}
	if _, err := env.Store.LinkOfUser(t.Context(), boss.ID); err != nil {
		t.Errorf("the administrator's link is gone: %v", err)
	}
	// What the removal leads to: the administrator's next sign-in is refused, with no session
	// left to link from.
	if r := ssoDirectLogin(t, env, env.Client(), "boss@example.se"); r.Status != http.StatusSeeOther {
		t.Errorf("the administrator's SSO sign-in afterwards: status %d, want signed in", r.Status)
	}
	st, err := env.Store.PasswordOffCheck(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range st.Affected {
		if u.ID == boss.ID {
			t.Errorf("the administrator is left without a way in: %s", u.Why)
		}
	}
}
