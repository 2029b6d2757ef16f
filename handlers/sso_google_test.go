package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

// TestSSOGoogleHostedDomain: a provider of the Google preset signs in only accounts whose hd
// claim names a domain it serves; any Google account, consumer ones registered with a work
// address included, would otherwise pass. (The preset's issuer is Google's; the test provider
// stands in for it.)
func TestSSOGoogleHostedDomain(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	ctx := context.Background()
	p, err := env.Store.IdP(ctx, env.IdP)
	if err != nil {
		t.Fatal(err)
	}
	err = env.Store.UpdateIdP(ctx, store.CLIActor, env.IdP, store.IdPInput{Name: p.Name, Preset: "google",
		Issuer: p.Issuer, ClientID: p.ClientID, Scopes: p.Scopes, Enabled: true, DomainIDs: []int64{env.DomainID}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("refuses a Google account without hd", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		wantRefused(t, env, r, "hosted_domain")
	})
	t.Run("refuses hd of another organisation", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, HostedDomain: "other.se"})
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		wantRefused(t, env, r, "hosted_domain")
	})
	t.Run("accepts hd equal to the served domain", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, HostedDomain: "example.se"})
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("callback: status %d Location %q\n%s", r.Status, r.Location, r.Body)
		}
	})
}
