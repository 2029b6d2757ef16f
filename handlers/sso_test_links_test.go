package handlers_test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// TestSSOTestOfAnotherProviderDoesNotLinkPrivileged: a delegate adds a provider of their own,
// switched off, for the organisation's domain (a switched-off provider may share a domain with
// the one in use) and asks an administrator who holds the grant, not linked yet, to try "Test
// sign-in" on it. The test links the administrator to whatever identity the delegate's issuer
// makes up, although that provider serves nobody: a link is matched by issuer and subject alone,
// so the delegate then signs in as the administrator through a second provider with the same
// issuer on a domain of their own. A test sign-in must not make the first link of a privileged
// person through a provider that is not the enabled one serving their domain (the one the
// profile's link uses).
func TestSSOTestOfAnotherProviderDoesNotLinkPrivileged(t *testing.T) {
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	eve := env.User(t, "eve@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	eveC := env.ClientAs(t, eve)
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true})
	evil := env.NewOP(t)

	form := handlertest.IdPForm(evil, env.DomainID)
	form.Set("name", "Try me")
	form.Del("enabled")
	r := eveC.Post(t, "/auth-settings/sso", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("eve adds her provider: status %d\n%s", r.Status, r.Body)
	}
	tryMe := strings.TrimPrefix(r.Location, "/auth-settings/sso/")

	bossC := env.ClientAs(t, boss)
	evil.SetUser(oidctest.User{Subject: "made-up-by-eve", Email: "boss@example.se", EmailVerified: true})
	r = bossC.Post(t, "/auth-settings/sso/"+tryMe+"/test", nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, evil.Issuer()+"/authorize") {
		t.Fatalf("boss starts the test: status %d Location %q", r.Status, r.Location)
	}
	env.SSOCallback(t, bossC, r.Location)
	if l, err := env.Store.LinkOfUser(t.Context(), boss.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the test of eve's switched-off provider linked the administrator: %+v, %v", l, err)
	}

	// What follows from it: eve verifies a domain of her own (she can, through DNS) and serves it
	// with her issuer; any address there signs her in as whoever her issuer names.
	own := storetest.VerifiedDomain(t, env.Store, "eve-owns.se").ID
	form = handlertest.IdPForm(evil, own)
	form.Set("name", "Eve's")
	r = eveC.Post(t, "/auth-settings/sso", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("eve adds her second provider: status %d\n%s", r.Status, r.Body)
	}
	second := strings.TrimPrefix(r.Location, "/auth-settings/sso/")
	c := env.Client()
	if r := c.Post(t, "/login", url.Values{"email": {"anyone@eve-owns.se"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	r = c.Post(t, "/login/sso/"+second, nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, evil.Issuer()+"/authorize") {
		t.Fatalf("start: status %d Location %q", r.Status, r.Location)
	}
	env.SSOCallback(t, c, r.Location)
	if r := c.Get(t, "/users"); r.Status == http.StatusOK {
		t.Errorf("eve signed in as the administrator (provider %s)", strconv.Quote(second))
	}
}
