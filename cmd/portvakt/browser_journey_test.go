package main

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/oidcrp/oidctest"
)

// TestBrowserWholeJourney walks the whole move from passwords to single sign-on in a real
// browser, against a DNS server and an OpenID provider on loopback: first run, the
// administrator grants themselves Authentication Settings, verifies their e-mail and the
// domain, sets up and tests the provider, is refused when switching passwords off too early,
// signs in through SSO, switches passwords off after the review and the typed confirmation,
// signs in again straight through the provider, and finally turns passwords back on with the
// break-glass command on the host. The policies pages are photographed in both languages.
func TestBrowserWholeJourney(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	dns := dnstest.Start(t)
	op := oidctest.New(t)
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": "sv", "PORTVAKT_DNS_SERVER": dns.Addr()},
		"--org-name", "Exempel AB", "--dns-timeout", "1s")
	op.RegisterRedirectURI(pv.URL + "/auth/oidc/callback")
	op.SetUser(oidctest.User{Subject: "00u1anna", Email: "anna@exempel.se", EmailVerified: true, Name: "Anna Andersson"})

	firstRunAndGrant(t, b, pv)
	verifyOwnEmail(t, b, pv)
	verifyDomain(t, b, pv, dns)
	addPerson(t, pv, "bo@annan.se", "Bo Berg")
	setUpProvider(t, b, pv, op)
	tooEarly(t, b, pv)

	b.click("[data-testid=idp-test]")
	if got := b.text("[data-testid=test-outcome]"); !strings.Contains(got, "Inloggningen fungerar") {
		t.Fatalf("test sign-in outcome = %q", got)
	}
	b.click("[data-testid=logout]")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("after SSO sign-in, heading = %q", got)
	}
	switchOff(t, b, pv, "sv", "exempel.se")
	ssoOnly(t, b, pv, op)

	var out strings.Builder
	if err := run(context.Background(), []string{"recover", "password-login", "--data", pv.Data},
		func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatalf("recover: %v", err)
	}
	if !strings.Contains(out.String(), "now ON") {
		t.Fatalf("recover said %q", out.String())
	}
	b.click("[data-testid=logout]")
	signIn(b, pv, "anna@exempel.se")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("password sign-in after recover, heading = %q", got)
	}
	inEnglish(t, b, pv)
}

// firstRunAndGrant creates the administrator through the setup link, who then grants
// themselves access to Authentication Settings on General > Security.
func firstRunAndGrant(t *testing.T, b *browser, pv *instance) {
	t.Helper()
	b.open(pv.setupLink(t))
	b.fill("name", "Anna Andersson")
	b.fill("email", "anna@exempel.se")
	b.fill("password", testPassword)
	b.fill("confirm", testPassword)
	b.click("[data-testid=setup-submit]")
	b.open(pv.URL + "/security")
	b.click("[data-testid=grants-add]")
	b.fill("person-0", "anna@exempel.se")
	b.click("[data-testid=grants-save]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "Authentication Settings: 1") {
		t.Fatalf("after saving the grant, flash = %q", got)
	}
}

// verifyOwnEmail sends the administrator's verification mail again and follows the link from
// the outbox (no SMTP server here): only a verified e-mail can link an SSO identity.
func verifyOwnEmail(t *testing.T, b *browser, pv *instance) {
	t.Helper()
	b.open(pv.URL + "/users/1")
	b.click("[data-testid=user-resend]")
	b.open(pv.URL + "/users/outbox")
	b.click("[data-testid=mail-row] a")
	link := regexp.MustCompile(`http://\S+/verify\?token=\S+`).FindString(b.text("[data-testid=mail-text]"))
	if link == "" {
		t.Fatal("no verification link in the mail")
	}
	b.open(link)
	b.click("[data-testid=verify-confirm]")
	if got := b.text("[data-testid=verify-done]"); !strings.Contains(got, "anna@exempel.se") {
		t.Fatalf("after verifying: %q", got)
	}
}

// verifyDomain adds exempel.se and verifies it against the test DNS server.
func verifyDomain(t *testing.T, b *browser, pv *instance, dns *dnstest.Server) {
	t.Helper()
	b.open(pv.URL + "/auth-settings/domains")
	b.fill("domain", "exempel.se")
	b.click("[data-testid=domain-add]")
	dns.SetTXT("_portvakt-challenge.exempel.se", b.text("#record-value"))
	b.click("[data-testid=domain-verify]")
	checkOutcome(t, b, "verified", "exempel.se är verifierad")
}

// addPerson adds a person on a domain no provider serves, who will lose access.
func addPerson(t *testing.T, pv *instance, email, name string) {
	t.Helper()
	err := run(context.Background(), []string{"user", "add", "--data", pv.Data, "--email", email, "--name", name, "--verified"},
		func(string) string { return "" }, nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
}

// setUpProvider adds the test provider serving exempel.se and ends on its page.
func setUpProvider(t *testing.T, b *browser, pv *instance, op *oidctest.Provider) {
	t.Helper()
	fillProviderForm(b, pv, op)
	b.click("[data-testid=idp-save]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "Sparat") {
		t.Fatalf("after saving the provider, flash = %q", got)
	}
}

// tooEarly tries to switch passwords off before the provider is tested: refused, with reasons.
func tooEarly(t *testing.T, b *browser, pv *instance) {
	t.Helper()
	back := b.location()
	b.open(pv.URL + "/auth-settings/policies")
	b.axe()
	b.shot("policies-sv")
	b.click("[data-testid=password-off-review]")
	got := b.text("[data-testid=policy-reasons]")
	for _, want := range []string{"inte testats", "inte inloggad med single sign-on"} {
		if !strings.Contains(got, want) {
			t.Fatalf("refusal %q lacks %q", got, want)
		}
	}
	b.axe()
	b.shot("policies-refused-sv")
	b.open(back)
}

// switchOff reviews and switches passwords off, typing the domain.
func switchOff(t *testing.T, b *browser, pv *instance, lang, domain string) {
	t.Helper()
	b.open(pv.URL + "/auth-settings/policies")
	b.axe()
	b.shot("policies-ready-" + lang)
	b.click("[data-testid=password-off-review]")
	if got := b.text("[data-testid=policy-affected]"); !strings.Contains(got, "bo@annan.se") {
		t.Fatalf("affected list = %q, want Bo", got)
	}
	b.axe()
	b.shot("policies-review-" + lang)
	b.fill("confirm", "exempel.com")
	b.click("[data-testid=password-off-confirm]")
	if got := b.text("#confirm-error"); !strings.Contains(got, domain) {
		t.Fatalf("wrong domain message = %q", got)
	}
	b.axe()
	b.shot("policies-review-error-" + lang)
	b.fill("confirm", domain)
	b.click("[data-testid=password-off-confirm]")
	if got := b.text("[data-testid=policy-password] [data-testid=policy-status]"); got != map[string]string{"sv": "AV", "en": "OFF"}[lang] {
		t.Fatalf("password provider status = %q", got)
	}
	b.axe()
	b.shot("policies-off-" + lang)
}

// ssoOnly signs out and in again: the e-mail step goes straight to the provider, and an
// address no provider serves gets no password field.
func ssoOnly(t *testing.T, b *browser, pv *instance, op *oidctest.Provider) {
	t.Helper()
	b.click("[data-testid=logout]")
	if n := count(b, "input[type=password]"); n != 0 {
		t.Fatalf("%d password fields on the sign-in page", n)
	}
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("after the e-mail step, heading = %q (at %s)", got, b.location())
	}
	if hint := op.LastAuthorization().Get("login_hint"); hint != "anna@exempel.se" {
		t.Fatalf("the provider was asked with login_hint %q", hint)
	}
	b.click("[data-testid=logout]")
	b.fill("email", "bo@annan.se")
	b.click("[data-testid=login-next]")
	if n := count(b, "input[type=password]"); n != 0 || !strings.Contains(b.location(), "/login/method") {
		t.Fatalf("%d password fields at %s", n, b.location())
	}
	b.axe()
	b.shot("login-nomethod-sv")
	b.open(pv.URL + "/login")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
}

// inEnglish photographs the policies pages in English: the refusal (signed in with a
// password now), then after an SSO sign-in the review and the switch, and switches back on.
func inEnglish(t *testing.T, b *browser, pv *instance) {
	t.Helper()
	b.click("[data-testid=lang-switch]")
	b.open(pv.URL + "/auth-settings/policies")
	b.axe()
	b.shot("policies-en")
	b.click("[data-testid=password-off-review]")
	if got := b.text("[data-testid=policy-reasons]"); !strings.Contains(got, "not signed in with single sign-on") {
		t.Fatalf("refusal = %q", got)
	}
	b.axe()
	b.shot("policies-refused-en")
	b.click("[data-testid=logout]")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	switchOff(t, b, pv, "en", "exempel.se")
	b.click("[data-testid=password-on-submit]")
	if got := b.text("[data-testid=flash]"); got != "Password sign-in is on again." {
		t.Fatalf("after switching on, flash = %q", got)
	}
	b.axe()
	b.shot("policies-on-en")
}

// count returns how many elements match css on the current page.
func count(b *browser, css string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+css+"`"+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", css, err)
	}
	return n
}
