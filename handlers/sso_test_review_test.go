package handlers_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

// TestSSODraftTestLinksNobodyWhenNotApplied: someone with Authentication Settings access who
// is not linked yet tests their draft of the provider's scopes (same issuer and client ID), and
// saves the draft again while the callback waits on the provider. The test passes but applies
// nothing; the identity it signed in with came through settings that never went live and must
// not be left linked to them.
func TestSSODraftTestLinksNobodyWhenNotApplied(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	ny, nyUser := env.SignedIn(t, "ny@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	idp := strconv.FormatInt(env.IdP, 10)
	save := func(scopes string) error {
		form := handlertest.IdPForm(env.OP, env.DomainID)
		form.Set("client_secret", "")
		form.Set("scopes", scopes)
		r, err := ny.TryPost("/auth-settings/sso/"+idp, form)
		if err == nil && r.Status != http.StatusSeeOther {
			err = fmt.Errorf("status %d", r.Status)
		}
		return err
	}
	if err := save("openid email"); err != nil {
		t.Fatalf("save the draft: %v", err)
	}
	env.OP.SetUser(oidctest.User{Subject: "ny-1", Email: "ny@example.se", EmailVerified: true})
	var saved error
	env.OP.DuringToken(func() { saved = save("openid profile") })
	r := ny.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
		t.Fatalf("start the draft's test: status %d Location %q", r.Status, r.Location)
	}
	if r = env.SSOCallback(t, ny, r.Location); r.Status != http.StatusSeeOther {
		t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
	}
	if saved != nil {
		t.Fatalf("save during the callback: %v", saved)
	}
	if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Scopes != "openid email profile" {
		t.Errorf("live scopes %q: a draft was applied", p.Scopes)
	}
	if l, err := env.Store.LinkOfUser(t.Context(), nyUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ny linked to %+v (%v) by the test of a draft that was not applied", l, err)
	}
}
