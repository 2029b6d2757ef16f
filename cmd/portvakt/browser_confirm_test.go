package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

// readyToSwitch walks the journey up to the point where password sign-in may go off: the
// administrator, her e-mail and the domain verified, the provider set up and tested, and a
// fresh SSO sign-in.
func readyToSwitch(t *testing.T, extra ...string) (*browser, *instance) {
	t.Helper()
	b := newBrowser(t, "sv-SE,sv")
	dns := dnstest.Start(t)
	op := oidctest.New(t)
	args := append([]string{"--org-name", "Exempel AB", "--dns-timeout", "1s"}, extra...)
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": "sv", "PORTVAKT_DNS_SERVER": dns.Addr()}, args...)
	op.RegisterRedirectURI(pv.URL + "/auth/oidc/callback")
	op.SetUser(oidctest.User{Subject: "00u1anna", Email: "anna@exempel.se", EmailVerified: true, Name: "Anna Andersson"})
	firstRunAndGrant(t, b, pv)
	verifyOwnEmail(t, b, pv)
	verifyDomain(t, b, pv, dns)
	setUpProvider(t, b, pv, op)
	b.click("[data-testid=idp-test]")
	b.click("[data-testid=logout]")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	return b, pv
}

// switchOffWithWindow switches password sign-in off from the review page, which says how long
// there will be to confirm, and returns when it happened.
func switchOffWithWindow(t *testing.T, b *browser, pv *instance, window string) time.Time {
	t.Helper()
	b.open(pv.URL + "/auth-settings/policies/password/off")
	if got := b.text("[data-testid=policy-window]"); !strings.Contains(got, window+" på dig att bekräfta från en ny inloggning med single sign-on") {
		t.Fatalf("the review page says %q about the window", got)
	}
	b.fill("confirm", "exempel.se")
	b.click("[data-testid=password-off-confirm]")
	at := time.Now()
	if got := b.text("[data-testid=policy-password] [data-testid=policy-status]"); got != "AV" {
		t.Fatalf("password provider status = %q", got)
	}
	return at
}

// TestBrowserConfirmPasswordOff switches password sign-in off, follows the countdown banner to
// the Confirm button, is refused from the SSO sign-in made before the switch, signs in again
// through SSO and confirms. The banner is photographed in both languages.
func TestBrowserConfirmPasswordOff(t *testing.T) {
	t.Parallel()
	b, pv := readyToSwitch(t)
	switched := switchOffWithWindow(t, b, pv, "10 minuter")

	b.open(pv.URL + "/")
	banner := b.text("[data-testid=confirm-banner]")
	if !strings.Contains(banner, "Inloggning med lösenord slås på igen kl. ") || !strings.Contains(banner, "(om 10 minuter) om ingen bekräftar avstängningen.") {
		t.Fatalf("banner = %q", banner)
	}
	b.axe()
	b.shot("confirm-banner-sv")
	b.click("[data-testid=lang-switch]")
	if got := b.text("[data-testid=confirm-banner]"); !strings.Contains(got, "(in 10 minutes) unless confirmed.") {
		t.Fatalf("English banner = %q", got)
	}
	b.axe()
	b.shot("confirm-banner-en")
	b.click("[data-testid=lang-switch]")

	b.click("[data-testid=confirm-banner-link]")
	if !strings.HasSuffix(b.location(), "/auth-settings/policies#password-confirm") {
		t.Fatalf("the banner led to %s", b.location())
	}
	b.click("[data-testid=password-confirm-submit]")
	if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, "Logga ut och logga in igen via single sign-on") {
		t.Fatalf("confirmation from the old sign-in: %q", got)
	}
	b.axe()
	b.shot("confirm-refused-sv")

	// The sessions table counts whole seconds: the new sign-in must begin in a later second
	// than the switch for the store to tell it apart.
	for time.Now().Unix() <= switched.Unix() {
		time.Sleep(50 * time.Millisecond)
	}
	b.click("[data-testid=logout]")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("after the new SSO sign-in, heading = %q", got)
	}
	b.click("[data-testid=confirm-banner-link]")
	if got := b.text("[data-testid=confirm-ready]"); !strings.Contains(got, "efter avstängningen") {
		t.Fatalf("ready = %q", got)
	}
	b.click("[data-testid=password-confirm-submit]")
	if got := b.text("[data-testid=flash]"); got != "Bekräftat. Inloggning med lösenord förblir avstängd." {
		t.Fatalf("flash = %q", got)
	}
	if n := count(b, "[data-testid=confirm-banner]"); n != 0 {
		t.Fatal("the banner is still there after the confirmation")
	}
	b.axe()
	b.shot("confirm-done-sv")
}

// TestBrowserPasswordOffRevertsUnconfirmed switches password sign-in off with a 10-second
// window, watches the countdown tick, lets nobody confirm, and signs in with the password once
// it has come back on by itself; the person who switched finds the mail about it.
func TestBrowserPasswordOffRevertsUnconfirmed(t *testing.T) {
	t.Parallel()
	b, pv := readyToSwitch(t, "--confirm-window", "10s")
	switchOffWithWindow(t, b, pv, "10 sekunder")

	first := b.text("[data-testid=confirm-countdown]")
	if !strings.HasPrefix(first, "om ") || !strings.HasSuffix(first, " sekunder") {
		t.Fatalf("countdown = %q", first)
	}
	b.run("the countdown ticks", chromedp.Poll[chromedp.Void](`document.querySelector("[data-testid=confirm-countdown]").textContent !== `+"`"+first+"`"))

	st := openStore(t, pv.Data)
	deadline := time.Now().Add(30 * time.Second)
	for !revertMailed(t, st) {
		if time.Now().After(deadline) {
			t.Fatal("password sign-in did not come back on within 30 s")
		}
		time.Sleep(200 * time.Millisecond) // polling the outbox for the loop's mail
	}
	b.click("[data-testid=logout]")
	signIn(b, pv, "anna@exempel.se")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("password sign-in after the revert, heading = %q", got)
	}
	b.open(pv.URL + "/users/outbox")
	b.click("[data-testid=mail-row] a")
	if got := b.text("[data-testid=mail-text]"); !strings.Contains(got, "Ingen bekräftade avstängningen från en ny inloggning med single sign-on inom 10 sekunder") {
		t.Fatalf("mail = %q", got)
	}
}

// revertMailed reports whether the mail about a reverted switch-off is in the outbox, read
// without touching the policy (reading it would apply the revert itself).
func revertMailed(t *testing.T, st *store.Store) bool {
	t.Helper()
	ms, _, err := st.ListMail(context.Background(), store.MailFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Kind == "password_reverted" {
			return true
		}
	}
	return false
}
