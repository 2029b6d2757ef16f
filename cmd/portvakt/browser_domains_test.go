package main

import (
	"strings"
	"testing"
	"time"

	"portvakt/handlers/dnscheck/dnstest"
)

// TestBrowserDomains takes a domain from nothing to verified in a real browser against a DNS
// server on 127.0.0.1, through each kind of failed check, then watches the background re-check
// flag the record when it disappears, and removes the domain. Every page is checked with
// axe-core and photographed in Swedish and English.
func TestBrowserDomains(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	dns := dnstest.Start(t)
	pv := startPortvakt(t, map[string]string{"PORTVAKT_DNS_SERVER": dns.Addr()},
		"--org-name", "Exempel AB", "--dns-timeout", "1s", "--domain-recheck", "1s")
	addUser(t, pv, "ida@exempel.se", "Ida Isaksson")
	const record = "_portvakt-challenge.exempel.se"

	signIn(b, pv, "ida@exempel.se")
	b.open(pv.URL + "/auth-settings/domains")
	if got := b.text("[data-testid=domains-empty]"); !strings.Contains(got, "Inga domäner") {
		t.Fatalf("empty list says %q", got)
	}
	b.axe()
	b.shot("domains-empty-sv")

	b.fill("domain", "gmail.com")
	b.click("[data-testid=domain-add]")
	if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, "allmän e-posttjänst") {
		t.Fatalf("error summary = %q, want the consumer mail message", got)
	}
	b.axe()
	b.shot("domains-error-sv")

	b.fill("domain", "Exempel.se")
	b.click("[data-testid=domain-add]")
	if got := b.text("#record-name"); got != record {
		t.Fatalf("record name = %q, want %q", got, record)
	}
	value := b.text("#record-value")
	b.axe()
	b.shot("domain-pending-sv")

	b.click("[data-testid=domain-verify]")
	checkOutcome(t, b, "not_found", "Ingen TXT-post hittades")
	b.axe()
	b.shot("domain-notfound-sv")

	dns.SetTXT(record, "portvakt-verification=en-gammal-token", "v=spf1 -all")
	b.click("[data-testid=domain-verify]")
	checkOutcome(t, b, "wrong_value", "portvakt-verification=en-gammal-token")
	b.axe()
	b.shot("domain-wrongvalue-sv")

	dns.SetSilent(record, true)
	b.click("[data-testid=domain-verify]")
	checkOutcome(t, b, "timeout", "svarade inte inom en sekund")
	b.shot("domain-timeout-sv")

	dns.SetTXT(record, "v=spf1 -all", value)
	b.click("[data-testid=domain-verify]")
	checkOutcome(t, b, "verified", "exempel.se är verifierad")
	if got := b.text("h1 [data-testid=domain-status]"); got != "Verifierad" {
		t.Fatalf("status = %q, want Verifierad", got)
	}
	b.axe()
	b.shot("domain-verified-sv")

	b.open(pv.URL + "/auth-settings/domains")
	b.axe()
	b.shot("domains-list-sv")

	// The background re-check (every second here) notices the record is gone.
	dns.Remove(record)
	waitForText(t, b, pv.URL+"/auth-settings/domains", "[data-testid='domain-exempel.se'] [data-testid=domain-status]", "Behöver åtgärdas")
	if got := b.text("[data-testid=attention]"); !strings.Contains(got, "exempel.se") {
		t.Fatalf("attention notice = %q", got)
	}
	b.axe()
	b.shot("domains-attention-sv")

	b.click("[data-testid='domain-exempel.se'] a")
	b.axe()
	b.shot("domain-attention-sv")

	b.click("[data-testid=lang-switch]")
	b.axe()
	b.shot("domain-attention-en")
	dns.SetTXT(record, value)
	b.click("[data-testid=domain-verify]")
	checkOutcome(t, b, "verified", "exempel.se is verified")
	b.shot("domain-verified-en")

	b.open(pv.URL + "/auth-settings/domains")
	b.fill("domain", "co.uk")
	b.click("[data-testid=domain-add]")
	if got := b.text("#domain-error"); !strings.Contains(got, "anybody can register names") {
		t.Fatalf("field error = %q, want the public suffix message", got)
	}
	b.shot("domains-error-en")
	b.open(pv.URL + "/auth-settings/domains")
	b.axe()
	b.shot("domains-list-en")

	b.click("[data-testid='domain-exempel.se'] a")
	b.click("[data-testid=domain-remove]")
	if got := b.text("h1"); got != "Remove exempel.se?" {
		t.Fatalf("confirmation heading = %q", got)
	}
	b.axe()
	b.shot("domain-remove-en")
	b.click("[data-testid=domain-remove-confirm]")
	if got := b.text("[data-testid=flash]"); got != "exempel.se has been removed." {
		t.Fatalf("flash = %q", got)
	}
	b.shot("domains-removed-en")
}

// checkOutcome checks the result box of a domain's page.
func checkOutcome(t *testing.T, b *browser, outcome, says string) {
	t.Helper()
	if got := b.text("[data-testid=domain-result]"); !strings.Contains(got, says) {
		t.Fatalf("result box = %q, want %q (%s)", got, says, outcome)
	}
}

// waitForText reloads url until the element shows want, for changes made in the background.
func waitForText(t *testing.T, b *browser, url, css, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.open(url)
		got := b.text(css)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s shows %q, want %q", css, got, want)
		}
		time.Sleep(200 * time.Millisecond) // polling a page for a background change
	}
}
