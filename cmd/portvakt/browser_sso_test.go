package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

// TestBrowserSSO walks single sign-on in a real browser against a real OpenID provider on
// loopback: set up the provider, test the sign-in, sign out, then sign in from the e-mail step
// through the provider and back. Every page is checked with axe-core and photographed in
// Swedish, then the main ones again in English.
func TestBrowserSSO(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	op := oidctest.New(t)
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": "sv"}, "--org-name", "Exempel AB")
	op.RegisterRedirectURI(pv.URL + "/auth/oidc/callback")
	op.SetUser(oidctest.User{Subject: "00u1anna", Email: "anna@exempel.se", EmailVerified: true, Name: "Anna Andersson"})
	prepareSSO(t, pv)

	signIn(b, pv, "anna@exempel.se")

	b.open(pv.URL + "/auth-settings/sso")
	b.axe()
	b.shot("sso-list-empty-sv")
	b.click("[data-testid=idp-add]")
	b.axe()
	b.shot("sso-presets-sv")
	b.open(pv.URL + "/auth-settings/sso/new?preset=entra")
	b.fill("name", "Microsoft")
	b.fill("tenant", "common")
	b.fill("client_id", "x")
	b.fill("client_secret", "y")
	b.click("[data-testid=idp-save]")
	if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, "common, organizations och consumers") {
		t.Fatalf("Entra common not refused: %q", got)
	}
	b.axe()
	b.shot("sso-form-error-sv")

	fillProviderForm(b, pv, op)
	b.axe()
	b.shot("sso-form-sv")
	b.click("[data-testid=idp-save]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "Sparat") {
		t.Fatalf("after save, flash = %q", got)
	}
	b.axe()
	b.shot("sso-edit-sv")
	editURL := b.location()
	b.click("[data-testid=idp-remove]")
	b.axe()
	b.shot("sso-remove-sv")
	b.open(editURL)

	b.click("[data-testid=idp-test]")
	if got := b.text("[data-testid=test-outcome]"); !strings.Contains(got, "Inloggningen fungerar") {
		t.Fatalf("test sign-in outcome = %q", got)
	}
	b.axe()
	b.shot("sso-test-ok-sv")

	b.click("[data-testid=logout]")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	if got := b.text("[data-testid=login-sso]"); got != "Logga in med Exempel-IdP" {
		t.Fatalf("SSO button = %q", got)
	}
	b.axe()
	b.shot("sso-login-method-sv")
	b.click("[data-testid=login-sso]")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("after SSO sign-in, heading = %q (at %s)", got, b.location())
	}
	b.open(pv.URL + "/profile")
	if got := b.text("[data-testid=profile-method]"); !strings.Contains(got, "single sign-on via Exempel-IdP") {
		t.Fatalf("profile method = %q", got)
	}
	b.shot("sso-profile-sv")

	// A refusal, as the person sees it.
	op.Misbehave(oidctest.WrongAudience)
	b.click("[data-testid=logout]")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	if got := b.text("[data-testid=sso-failure]"); !strings.Contains(got, "annan klient") {
		t.Fatalf("refusal = %q", got)
	}
	b.axe()
	b.shot("sso-failure-sv")
	op.Misbehave()

	englishSSO(t, b, pv)
}

// englishSSO signs in again through SSO and photographs the SSO pages in English.
func englishSSO(t *testing.T, b *browser, pv *instance) {
	t.Helper()
	b.click("[data-testid=lang-switch]")
	b.open(pv.URL + "/login")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	b.axe()
	b.shot("sso-login-method-en")
	b.click("[data-testid=login-sso]")
	if got := b.text("h1"); got != "Welcome, Anna Andersson" {
		t.Fatalf("after SSO sign-in in English, heading = %q", got)
	}
	for _, page := range []struct{ path, name string }{
		{"/auth-settings/sso", "sso-list-en"}, {"/auth-settings/sso/new", "sso-presets-en"},
		{"/auth-settings/sso/1", "sso-edit-en"}, {"/auth-settings/sso/1/test", "sso-test-ok-en"},
		{"/auth-settings/sso/1/remove", "sso-remove-en"},
		{"/profile", "sso-profile-en"},
	} {
		b.open(pv.URL + page.path)
		b.axe()
		b.shot(page.name)
	}
}

// fillProviderForm opens the form for a new provider of the "other" preset and fills it in for
// op, serving the first domain; the caller saves it.
func fillProviderForm(b *browser, pv *instance, op *oidctest.Provider) {
	b.t.Helper()
	b.open(pv.URL + "/auth-settings/sso/new?preset=other")
	b.fill("name", "Exempel-IdP")
	b.fill("issuer", op.Issuer())
	b.fill("client_id", op.ClientID())
	b.fill("client_secret", op.ClientSecret())
	b.run("tick the domain", chromedp.Click(chromedp.CSS("#domain-1")))
}

// prepareSSO makes what other areas own: an administrator with access to Authentication
// Settings (through the CLI) and a verified domain (through the store).
func prepareSSO(t *testing.T, pv *instance) {
	t.Helper()
	addUser(t, pv, "anna@exempel.se", "Anna Andersson", "--admin")
	storetest.VerifiedDomain(t, openStore(t, pv.Data), "exempel.se")
}
