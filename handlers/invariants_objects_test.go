package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

// TestRulesIdPFormRefusesDomainsItMayNotServe: a domain id in the provider form must name a
// verified domain; a pending one, or one that does not exist, is refused with a message and the
// provider keeps its domains.
func TestRulesIdPFormRefusesDomainsItMayNotServe(t *testing.T) {
	t.Parallel()
	w, ids := newRulesWorld(t)
	c := w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
	idp := w.IdP
	for name, domainID := range map[string]string{
		"a pending domain":           ids["/auth-settings/domains/:id"],
		"a domain that is not there": "999999",
	} {
		t.Run(name, func(t *testing.T) {
			r := c.Post(t, routePath(ids, "/auth-settings/sso/:id"), url.Values{"name": {"Test IdP"}, "issuer": {w.OP.Issuer()},
				"client_id": {w.OP.ClientID()}, "scopes": {"openid email"}, "enabled": {"on"}, "domain": {domainID}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if r.Doc(t).Find("[data-testid=error-summary]").Text() == "" {
				t.Error("no message says what is wrong")
			}
			p, err := w.Store.IdP(context.Background(), idp)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Domains) != 1 || p.Domains[0].Name != "example.se" {
				t.Errorf("provider's domains now %v, want example.se only", p.Domains)
			}
		})
	}
}

// TestRulesSSOStartOnlyForTheTypedDomain: the provider id in /login/sso/:id is checked against
// the address typed in the first step; a provider that does not serve its domain is not started.
func TestRulesSSOStartOnlyForTheTypedDomain(t *testing.T) {
	t.Parallel()
	w, ids := newRulesWorld(t)
	c := w.Client()
	c.Post(t, "/login", url.Values{"email": {"someone@example.org"}})
	r := c.Post(t, routePath(ids, "/login/sso/:id"), nil)
	if r.Status != http.StatusSeeOther || strings.HasPrefix(r.Location, w.OP.Origin()) {
		t.Errorf("status %d to %q, want no redirect to the provider", r.Status, r.Location)
	}
	r = w.Client().Post(t, routePath(ids, "/login/sso/:id"), nil)
	if r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Errorf("without the e-mail step: status %d to %q, want 303 to /login", r.Status, r.Location)
	}
}

// TestRulesClientSecretNeverInClear: the client secret is sealed in the database, kept out of the
// audit log, and no page (nor the CSV export) ever shows it, also after it is replaced.
func TestRulesClientSecretNeverInClear(t *testing.T) {
	t.Parallel()
	w, ids := newRulesWorld(t)
	c := w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
	replaced := "replaced-secret-" + strings.Repeat("z", 20)
	r := c.Post(t, routePath(ids, "/auth-settings/sso/:id"), url.Values{"name": {"Test IdP"}, "issuer": {w.OP.Issuer()},
		"client_id": {w.OP.ClientID()}, "client_secret": {replaced}, "scopes": {"openid email"}, "enabled": {"on"},
		"domain": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("replace the secret: status %d\n%s", r.Status, r.Body)
	}
	secrets := []string{w.OP.ClientSecret(), replaced}
	for table, rows := range snapshot(t, w) {
		for _, row := range rows {
			for _, s := range secrets {
				if strings.Contains(row, s) {
					t.Errorf("table %s holds the client secret in clear: %.200s", table, row)
				}
			}
		}
	}
	for _, rt := range routesOf(w, http.MethodGet) {
		body := c.Get(t, routePath(ids, rt.path)).Body
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows the client secret", rt)
			}
		}
	}
	r = c.Post(t, routePath(ids, "/auth-settings/sso/:id"), url.Values{"name": {""}, "client_secret": {"typed-but-refused-secret"}})
	if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "typed-but-refused-secret") {
		t.Errorf("a refused form: status %d, shows the typed secret: %t", r.Status, strings.Contains(r.Body, "typed-but-refused-secret"))
	}
}

// TestRulesSubdomainIsNotItsParent: with example.se verified and served, an identity whose
// e-mail is on sub.example.se does not link, even to a user with that verified address.
func TestRulesSubdomainIsNotItsParent(t *testing.T) {
	t.Parallel()
	w, _ := newRulesWorld(t)
	w.User(t, "sam@sub.example.se", handlertest.UserOpts{Verified: true})
	w.OP.SetUser(oidctest.User{Subject: "sam-1", Email: "sam@sub.example.se", EmailVerified: true})
	r := w.SSOSignIn(t, w.Client(), w.IdP, "boss@example.se")
	if r.Status != http.StatusForbidden {
		t.Fatalf("status %d, want 403", r.Status)
	}
	failures := storetest.AuditRows(t, w.Store, "login.failure")
	if len(failures) == 0 || !strings.Contains(failures[len(failures)-1].Detail, "domain_not_verified") {
		t.Errorf("audit rows %+v, want the last to say domain_not_verified", failures)
	}
	if links, err := w.Store.LinkCountOfIdP(t.Context(), w.OP.Issuer()); err != nil || links != 0 {
		t.Errorf("%d links made (%v)", links, err)
	}
}
