package main

import (
	"strings"
	"testing"

	"portvakt/handlers/oidcrp/oidctest"
)

// TestBrowserProfileLink: an administrator is never linked by an SSO sign-in; they link their
// own identity from My profile, a round trip to the provider, and sign in through it from then
// on. Photographed in Swedish and English.
func TestBrowserProfileLink(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	op := oidctest.New(t)
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": "sv"}, "--org-name", "Exempel AB")
	op.RegisterRedirectURI(pv.URL + "/auth/oidc/callback")
	prepareSSO(t, pv)

	// Anna sets up the provider, as in TestBrowserSSO.
	signIn(b, pv, "anna@exempel.se")
	fillProviderForm(b, pv, op)
	b.click("[data-testid=idp-save]")
	b.click("[data-testid=logout]")

	// Bo is an administrator: an SSO sign-in refuses to link him.
	addUser(t, pv, "bo@exempel.se", "Bo Berg", "--admin")
	op.SetUser(oidctest.User{Subject: "00u1bo", Email: "bo@exempel.se", EmailVerified: true, Name: "Bo Berg"})
	b.open(pv.URL + "/login")
	b.fill("email", "bo@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	if got := b.text("[data-testid=sso-failure]"); !strings.Contains(got, "Min profil") {
		t.Fatalf("refusal = %q", got)
	}
	b.axe()
	b.shot("profile-link-refused-sv")

	// He signs in with his password and links from his profile.
	signIn(b, pv, "bo@exempel.se")
	b.open(pv.URL + "/profile")
	if got := b.text("[data-testid=profile-link]"); !strings.Contains(got, "bara härifrån") {
		t.Fatalf("profile link = %q", got)
	}
	b.axe()
	b.shot("profile-link-sv")
	b.click("[data-testid=lang-switch]")
	b.axe()
	b.shot("profile-link-en")
	b.click("[data-testid=profile-link-form] button")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "is linked") {
		t.Fatalf("after linking, flash = %q (at %s)", got, b.location())
	}
	if got := b.text("[data-testid=profile-method]"); !strings.Contains(got, "Exempel-IdP") {
		t.Fatalf("after linking, method = %q", got)
	}
	b.axe()
	b.shot("profile-linked-en")

	// From now on he signs in through SSO.
	b.click("[data-testid=logout]")
	b.fill("email", "bo@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	if got := b.text("h1"); got != "Welcome, Bo Berg" {
		t.Fatalf("after SSO sign-in, heading = %q (at %s)", got, b.location())
	}
}
