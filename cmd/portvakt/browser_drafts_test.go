package main

import (
	"strings"
	"testing"

	"portvakt/handlers/oidcrp/oidctest"
)

// TestBrowserSSODraft edits a tested provider in a real browser: the change waits as a draft
// beside the live settings, the test of the draft signs in through the new issuer, and the draft
// is applied. The draft and its result are photographed in Swedish and English.
func TestBrowserSSODraft(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	op := oidctest.New(t)
	next := oidctest.New(t)
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": "sv"}, "--org-name", "Exempel AB")
	for _, p := range []*oidctest.Provider{op, next} {
		p.RegisterRedirectURI(pv.URL + "/auth/oidc/callback")
	}
	op.SetUser(oidctest.User{Subject: "00u1anna", Email: "anna@exempel.se", EmailVerified: true, Name: "Anna Andersson"})
	next.SetUser(oidctest.User{Subject: "anna-next", Email: "anna@exempel.se", EmailVerified: true, Name: "Anna Andersson"})
	prepareSSO(t, pv)
	signIn(b, pv, "anna@exempel.se")

	fillProviderForm(b, pv, op)
	b.click("[data-testid=idp-save]")
	editURL := b.location()
	b.click("[data-testid=idp-test]")
	if got := b.text("[data-testid=test-outcome]"); !strings.Contains(got, "Inloggningen fungerar") {
		t.Fatalf("test sign-in outcome = %q", got)
	}

	b.open(editURL)
	b.fill("issuer", next.Issuer())
	b.fill("client_id", next.ClientID())
	b.fill("scopes", "openid email")
	b.click("[data-testid=idp-save]")
	if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, "klienthemligheten") {
		t.Fatalf("a new issuer without a secret: error summary %q", got)
	}
	b.fill("client_secret", next.ClientSecret())
	b.click("[data-testid=idp-save]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "Sparat som utkast") {
		t.Fatalf("after saving, flash = %q", got)
	}
	if got := b.text("[data-testid=idp-issuer]"); got != op.Issuer() {
		t.Fatalf("live issuer %q, want the old one still in use", got)
	}
	if got := b.text("[data-testid=idp-draft-diff]"); !strings.Contains(got, next.Issuer()) || !strings.Contains(got, "Ändrad") {
		t.Fatalf("draft table %q", got)
	}
	b.axe()
	b.shot("sso-draft-sv")

	b.click("[data-testid=lang-switch]")
	b.open(editURL)
	if got := b.text("#draft-heading"); !strings.Contains(got, "Draft") {
		t.Fatalf("English draft heading %q", got)
	}
	b.axe()
	b.shot("sso-draft-en")

	b.click("[data-testid=idp-draft-test]")
	if got := b.text("[data-testid=test-draft]"); !strings.Contains(got, "now in use") {
		t.Fatalf("result of the draft's test %q", got)
	}
	b.axe()
	b.shot("sso-draft-applied-en")
	b.open(editURL)
	if got := b.text("[data-testid=idp-issuer]"); got != next.Issuer() {
		t.Fatalf("live issuer after the test %q, want the draft's", got)
	}
	b.click("[data-testid=lang-switch]")
	b.open(editURL + "/test")
	if got := b.text("[data-testid=test-draft]"); !strings.Contains(got, "gäller nu") {
		t.Fatalf("Swedish result %q", got)
	}
	b.axe()
	b.shot("sso-draft-applied-sv")
}
