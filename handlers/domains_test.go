package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// addDomain adds a domain through the page as c and returns its address.
func addDomain(t *testing.T, c *handlertest.Client, domain string) string {
	t.Helper()
	r := c.Post(t, "/auth-settings/domains", url.Values{"domain": {domain}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/auth-settings/domains/") {
		t.Fatalf("add %q: status %d to %q, want 303 to the domain's page", domain, r.Status, r.Location)
	}
	return r.Location
}

func TestDomainAddShowsTheRecord(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	path := addDomain(t, app.IT, "  Exämple.SE. ")
	d := app.DomainNamed(t, "xn--exmple-cua.se")

	doc := app.IT.Get(t, path).Doc(t)

	if got, want := doc.Find("#record-name").Text(), "_portvakt-challenge.xn--exmple-cua.se"; got != want {
		t.Errorf("record name = %q, want %q", got, want)
	}
	if got, want := doc.Find("#record-value").Text(), "portvakt-verification="+d.Token; got != want {
		t.Errorf("record value = %q, want %q", got, want)
	}
	if len(d.Token) < 26 {
		t.Errorf("token %q is shorter than 128 bits in base32", d.Token)
	}
	if got := doc.Find("[data-testid=flash]").Text(); !strings.Contains(got, "exämple.se") {
		t.Errorf("flash = %q, want it to name exämple.se", got)
	}
	if got := doc.Find("[data-testid=domain-status]").First().Text(); got != "Väntar" {
		t.Errorf("status = %q, want Väntar", got)
	}
	if got := doc.Find("main").Text(); !strings.Contains(got, "_portvakt-challenge som namn") {
		t.Errorf("page lacks the note on DNS panels that want only the host name")
	}
}

func TestDomainAddRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, typed, message string
	}{
		{"an empty field", "   ", "Ange en domän"},
		{"a consumer mail domain", "Gmail.com", "”gmail.com” är en allmän e-posttjänst"},
		{"a public suffix", "co.uk", "”co.uk” är en ändelse"},
		{"a single label", "intranet", "”intranet” är inte en hel domän"},
		{"invalid characters", "https://example.se/", "inte ett domännamn"},
		{"a name too long", strings.Repeat("a", 64) + ".se", "för lång"},
		{"a field too long", strings.Repeat("a", 400), "för lång"},
		{"a domain already added", "EXAMPLE.se", "example.se är redan tillagd"},
	}
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	addDomain(t, app.IT, "example.se")
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			r := app.IT.Post(t, "/auth-settings/domains", url.Values{"domain": {tt.typed}})

			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			doc := r.Doc(t)
			if got := doc.Find("[data-testid=error-summary] a").Text(); !strings.Contains(got, tt.message) {
				t.Errorf("error summary = %q, want %q", got, tt.message)
			}
			if got := doc.Find("#domain-error").Text(); !strings.Contains(got, tt.message) {
				t.Errorf("field error = %q, want %q", got, tt.message)
			}
			if got, _ := doc.Find("input#domain").Attr("value"); len(tt.typed) < 300 && got != strings.TrimSpace(tt.typed) {
				t.Errorf("field value = %q, want what was typed, %q", got, tt.typed)
			}
		})
	}
	ds, _ := app.Store.ListDomains(context.Background(), store.DomainFilter{})
	if len(ds) != 1 {
		t.Errorf("%d domains stored, want only example.se", len(ds))
	}
}

func TestDomainVerify(t *testing.T) {
	t.Parallel()
	const record = "_portvakt-challenge.example.se"
	tests := []struct {
		name    string
		dns     func(s *dnstest.Server, want string)
		status  store.DomainStatus
		outcome string
		says    []string // in the result box
	}{
		{"verifies the right value", func(s *dnstest.Server, want string) { s.SetTXT(record, "v=spf1 -all", want) },
			store.DomainVerified, "verified", []string{"example.se är verifierad"}},
		{"says when no record is found", func(s *dnstest.Server, want string) {},
			store.DomainFailed, "not_found", []string{"Ingen TXT-post hittades på " + record, "vänta några minuter"}},
		{"shows the values of a record with another value", func(s *dnstest.Server, want string) {
			s.SetTXT(record, "portvakt-verification=stale", "<b>odd</b>")
		}, store.DomainFailed, "wrong_value", []string{"ingen har exakt det värde", "portvakt-verification=stale", "<b>odd</b>", "tidigare försök"}},
		{"names the DNS error", func(s *dnstest.Server, want string) { s.SetRcode(record, dns.RcodeServerFailure) },
			store.DomainFailed, "dns_error", []string{"felet SERVFAIL"}},
		{"says when DNS does not answer in time", func(s *dnstest.Server, want string) { s.SetSilent(record, true) },
			store.DomainFailed, "timeout", []string{"svarade inte inom en sekund"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
			path := addDomain(t, app.IT, "example.se")
			tt.dns(app.DNS, dnscheck.RecordValue(app.DomainNamed(t, "example.se").Token))

			r := app.IT.Post(t, path+"/verify", url.Values{})

			if r.Status != http.StatusSeeOther || r.Location != path {
				t.Fatalf("status %d to %q, want 303 to %s", r.Status, r.Location, path)
			}
			if got := app.DomainNamed(t, "example.se").Status; got != tt.status {
				t.Errorf("status = %s, want %s", got, tt.status)
			}
			doc := app.IT.Get(t, path).Doc(t)
			box := doc.Find("[data-testid=domain-result]")
			if got, _ := box.Attr("data-outcome"); got != tt.outcome {
				t.Errorf("outcome = %q, want %q", got, tt.outcome)
			}
			for _, s := range tt.says {
				if !strings.Contains(box.Text(), s) {
					t.Errorf("result box %q lacks %q", box.Text(), s)
				}
			}
			list := app.IT.Get(t, "/auth-settings/domains").Doc(t)
			if got := list.Find("[data-testid='domain-example.se'] td").Eq(2).Text(); got == "–" || got == "" {
				t.Errorf("list shows last checked %q, want a time", got)
			}
			if got := storetest.AuditActions(t, app.Store, "example.se"); !slices.Equal(got, []string{"domain.add", "domain.verify"}) {
				t.Errorf("audit = %q", got)
			}
		})
	}
}

func TestDomainRemove(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	path := addDomain(t, app.IT, "example.se")

	confirm := app.IT.Get(t, path+"/remove")
	if confirm.Status != http.StatusOK || !strings.Contains(confirm.Doc(t).Find("h1").Text(), "Ta bort example.se?") {
		t.Fatalf("confirmation page: status %d, h1 %q", confirm.Status, confirm.Doc(t).Find("h1").Text())
	}
	r := app.IT.Post(t, path+"/remove", url.Values{})
	if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/domains" {
		t.Fatalf("remove: status %d to %q", r.Status, r.Location)
	}
	if got := app.IT.Get(t, path).Status; got != http.StatusNotFound {
		t.Errorf("removed domain's page: status %d, want 404", got)
	}
	if got := app.IT.Post(t, path+"/remove", url.Values{}).Status; got != http.StatusNotFound {
		t.Errorf("second removal: status %d, want 404", got)
	}
	if got := storetest.AuditActions(t, app.Store, "example.se"); !slices.Equal(got, []string{"domain.add", "domain.remove"}) {
		t.Errorf("audit = %q", got)
	}
}

func TestDomainPagesRefuseBadIDs(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	for _, path := range []string{"/auth-settings/domains/0", "/auth-settings/domains/x", "/auth-settings/domains/-1/remove", "/auth-settings/domains/99999999999999999999"} {
		if got := app.IT.Get(t, path).Status; got != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, got)
		}
	}
}

func TestDomainVerifyNeedsCSRF(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	path := addDomain(t, app.IT, "example.se")
	if got := app.IT.PostRaw(t, path+"/verify", url.Values{}).Status; got != http.StatusForbidden {
		t.Errorf("verify without CSRF token: status %d, want 403", got)
	}
	if got := app.IT.PostRaw(t, "/auth-settings/domains", url.Values{"domain": {"other.se"}}).Status; got != http.StatusForbidden {
		t.Errorf("add without CSRF token: status %d, want 403", got)
	}
}
