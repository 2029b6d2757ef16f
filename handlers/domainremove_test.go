package handlers_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestDomainRemoveInUseNeedsTheName(t *testing.T) {
	app := newDomainsApp(t)
	path := app.add(t, "example.se")
	serveByProvider(t, app, app.domain(t, "example.se").ID, "Entra ID")

	confirm := app.client.Get(t, path+"/remove").Doc(t)
	if got := confirm.Find("[data-testid=domain-in-use]").Text(); !strings.Contains(got, "identitetsleverantören Entra ID") {
		t.Errorf("in-use notice = %q, want it to name Entra ID", got)
	}
	if confirm.Find("input#confirm").Length() != 1 {
		t.Fatal("no typed confirmation for a domain in use")
	}

	for _, typed := range []string{"", "other.se", "example"} {
		r := app.client.Post(t, path+"/remove", url.Values{"confirm": {typed}})
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
	if got := app.domain(t, "example.se").Name; got != "example.se" {
		t.Fatal("domain removed without confirmation")
	}

	r := app.client.Post(t, path+"/remove", url.Values{"confirm": {"Example.se"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("remove with the name typed: status %d, want 303", r.Status)
	}
	if got := auditActions(t, app.Store, "example.se"); !slices.Equal(got, []string{"domain.add", "domain.remove"}) {
		t.Errorf("audit = %q", got)
	}
}

// serveByProvider records that an identity provider serves the domain, creating the tables of
// identity providers' migration (0004) with the columns it requires when they are not there.
func serveByProvider(t *testing.T, app *domainsApp, domainID int64, provider string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+app.Store.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS identity_providers (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
			preset TEXT NOT NULL, issuer TEXT NOT NULL, client_id TEXT NOT NULL, secret_enc BLOB NOT NULL,
			created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS identity_provider_domains (idp_id INTEGER NOT NULL, domain_id INTEGER NOT NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.Exec(`INSERT INTO identity_providers (name, preset, issuer, client_id, secret_enc, created_at, updated_at)
		VALUES (?, 'other', 'https://idp.example.se', 'portvakt', x'00', 0, 0)`, provider)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	if _, err := db.Exec(`INSERT INTO identity_provider_domains (idp_id, domain_id) VALUES (?, ?)`, id, domainID); err != nil {
		t.Fatal(err)
	}
}
