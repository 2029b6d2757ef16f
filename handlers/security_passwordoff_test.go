package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

// TestGrantsKeepSomeoneInWhilePasswordIsOff: while password sign-in is off, the grant list
// cannot be saved so that nobody who holds it can sign in; nobody could then switch password
// sign-in back on from the pages.
func TestGrantsKeepSomeoneInWhilePasswordIsOff(t *testing.T) {
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env) // it@ is linked and holds the grant
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, Verified: true})
	storetest.PasswordLogin(t, env.Store, false)
	c := env.SSOClientAs(t, boss, env.IdP)

	r := c.Post(t, "/security/grants", url.Values{"action": {"save"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("removing the last grant holder who can sign in: status %d, want 422", r.Status)
	}
	if got := r.Doc(t).Find("[data-testid=error-summary]").Text(); !strings.Contains(got, "ingen med tillgång") {
		t.Errorf("error summary %q", got)
	}
	if got := storetest.AuditRows(t, env.Store, "grant.remove"); len(got) != 0 {
		t.Errorf("grant removed: %v", got)
	}
}
