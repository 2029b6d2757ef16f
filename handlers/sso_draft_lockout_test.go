package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

// TestSSODraftNewIssuerWhilePasswordOffKeepsTheAdministratorsIn: while password sign-in is off,
// a delegate (Authentication Settings grant, not administrator) stages a new issuer for the
// provider everybody signs in with and tests it with their own identity there. Applying it
// re-checks only the delegate's own way in: every administrator linked at the old issuer is
// left with no way in at all (their link no longer matches, a sign-in never relinks a privileged
// person, and they have no session to link from), so the delegate holds the only way in and no
// administrator can sign in to revoke the grant. The apply must be refused while it leaves an
// administrator without a way in.
func TestSSODraftNewIssuerWhilePasswordOffKeepsTheAdministratorsIn(t *testing.T) {
	env := handlertest.New(t, handlertest.WithSSO())
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "boss-1", Email: "boss@example.se", EmailVerified: true})
	if r := profileLink(t, env, env.ClientAs(t, boss)); r.Status != http.StatusSeeOther || r.Location != "/profile" {
		t.Fatalf("boss links from the profile: status %d Location %q", r.Status, r.Location)
	}
	testSignIn(t, env)
	storetest.PasswordLogin(t, env.Store, false)

	mine := env.NewOP(t) // the delegate's own provider
	saveDraft(t, env, func(f url.Values) {
		f.Set("issuer", mine.Issuer())
		f.Set("client_id", mine.ClientID())
		f.Set("client_secret", mine.ClientSecret())
	})
	mine.SetUser(oidctest.User{Subject: "it-mine", Email: "it@example.se", EmailVerified: true})
	testDraft(t, env, mine)

	if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Issuer != env.OP.Issuer() {
		t.Errorf("the draft was applied: live issuer %q", p.Issuer)
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
	// The administrator's own identity at the new issuer does not get them in either.
	mine.SetUser(oidctest.User{Subject: "boss-mine", Email: "boss@example.se", EmailVerified: true})
	env.OP.SetUser(oidctest.User{Subject: "boss-1", Email: "boss@example.se", EmailVerified: true})
	c := env.Client()
	r := c.Post(t, "/login", url.Values{"email": {"boss@example.se"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	q, err := oidctest.Callback(t.Context(), r.Location, env.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Get(t, "/auth/oidc/callback?"+q.Encode()); r.Status != http.StatusSeeOther {
		t.Errorf("the administrator's SSO sign-in: status %d, want signed in", r.Status)
	}
}
