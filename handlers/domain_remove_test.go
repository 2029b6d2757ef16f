package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

func TestDomainRemoveInUseNeedsTheName(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithDNS(), handlertest.WithClock(), handlertest.WithIT())
	path := addDomain(t, app.IT, "example.se")
	serveByProvider(t, app, path, "Entra ID")

	confirm := app.IT.Get(t, path+"/remove").Doc(t)
	if got := confirm.Find("[data-testid=domain-in-use]").Text(); !strings.Contains(got, "identitetsleverantören Entra ID") {
		t.Errorf("in-use notice = %q, want it to name Entra ID", got)
	}
	if confirm.Find("input#confirm").Length() != 1 {
		t.Fatal("no typed confirmation for a domain in use")
	}

	for _, typed := range []string{"", "other.se", "example"} {
		r := app.IT.Post(t, path+"/remove", url.Values{"confirm": {typed}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("remove with %q typed: status %d, want 422", typed, r.Status)
		}
		doc := r.Doc(t)
		if got := doc.Find("#confirm-error").Text(); !strings.Contains(got, "Skriv domänens namn precis som det står, example.se") {
			t.Errorf("field error = %q", got)
		}
		if got, _ := doc.Find("input#confirm").Attr("value"); got != typed {
			t.Errorf("typed value = %q, want %q kept", got, typed)
		}
	}
	if got := app.DomainNamed(t, "example.se").Name; got != "example.se" {
		t.Fatal("domain removed without confirmation")
	}

	r := app.IT.Post(t, path+"/remove", url.Values{"confirm": {"Example.se"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("remove with the name typed: status %d, want 303", r.Status)
	}
	if got := storetest.AuditActions(t, app.Store, "example.se"); !slices.Equal(got, []string{"domain.add", "domain.verify", "domain.remove"}) {
		t.Errorf("audit = %q", got)
	}
}

// serveByProvider verifies the domain at path through its page and has a new identity provider
// serve it: only a verified domain can be served.
func serveByProvider(t *testing.T, app *handlertest.App, path, provider string) {
	t.Helper()
	d := app.DomainNamed(t, "example.se")
	app.DNS.SetTXT("_portvakt-challenge."+d.Name, dnscheck.RecordValue(d.Token))
	if r := app.IT.Post(t, path+"/verify", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("verify %s: status %d", d.Name, r.Status)
	}
	_, err := app.Store.CreateIdP(context.Background(), store.CLIActor, store.IdPInput{Name: provider, Preset: "other",
		Issuer: "https://idp.example.se", ClientID: "portvakt", SecretEnc: []byte{0}, Scopes: "openid",
		Enabled: true, DomainIDs: []int64{d.ID}})
	if err != nil {
		t.Fatalf("create provider %s: %v", provider, err)
	}
}
