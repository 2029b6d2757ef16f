package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"portvakt/handlers"
	"portvakt/handlers/dnscheck"
	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// rulesWorld is the portal with something behind every route: a verified and a pending
// domain, a provider serving the verified one, a user with a mail in the outbox, and a person
// who is both administrator and Authentication Settings user, so that every route lets them
// in. Its DNS server and OpenID provider are real and on loopback.
type rulesWorld struct {
	app    *handlertest.App
	dns    *dnstest.Server
	op     *oidctest.Provider
	boss   store.User // administrator with Authentication Settings access
	plain  store.User // a user without any role
	params map[string]string
}

func newRulesWorld(t *testing.T, opts ...handlertest.Option) *rulesWorld {
	t.Helper()
	w := &rulesWorld{dns: dnstest.Start(t), op: oidctest.New(t)}
	w.app = handlertest.New(t, append([]handlertest.Option{handlertest.WithConfig(func(cfg *handlers.Config) {
		cfg.DNSTimeout = 300 * time.Millisecond
		cfg.DomainChecker = &dnscheck.Checker{Server: w.dns.Addr(), Timeout: cfg.DNSTimeout}
	})}, opts...)...)
	w.op.RegisterRedirectURI(w.app.Server.RedirectURI())
	w.boss = w.app.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true})
	w.plain = w.app.User(t, "plain@example.se", handlertest.UserOpts{Verified: true})
	domain := storetest.VerifiedDomain(t, w.app.Store, "example.se").ID
	p, err := w.app.Store.AddDomain(context.Background(), store.CLIActor, "example.org", "token2")
	if err != nil {
		t.Fatal(err)
	}
	pending := p.ID
	c := w.app.ClientAs(t, w.boss)
	r := c.Post(t, "/auth-settings/sso", url.Values{"preset": {"other"}, "name": {"Test IdP"}, "issuer": {w.op.Issuer()},
		"client_id": {w.op.ClientID()}, "client_secret": {w.op.ClientSecret()}, "scopes": {"openid email profile"},
		"enabled": {"on"}, "domain": {strconv.FormatInt(domain, 10)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create provider: status %d\n%s", r.Status, r.Body)
	}
	idp := strings.TrimPrefix(r.Location, "/auth-settings/sso/")
	if r := c.Post(t, "/users", url.Values{"name": {"Nora"}, "email": {"nora@example.se"}, "lang": {"sv"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create user: status %d\n%s", r.Status, r.Body)
	}
	var mail int64
	if err := storetest.DB(t, w.app.Store).QueryRow("SELECT MAX(id) FROM outbox").Scan(&mail); err != nil {
		t.Fatal(err)
	}
	app, _, err := w.app.Store.CreateApplication(context.Background(), store.CLIActor, store.AppSettings{Name: "HR", Kind: store.AppWeb,
		Enabled: true, Everyone: true, RedirectURIs: []string{"https://hr.example.se/callback"}}.Normalize())
	if err != nil {
		t.Fatal(err)
	}
	w.params = map[string]string{
		"/auth-settings/apps/:id":    strconv.FormatInt(app.ID, 10),
		"/users/outbox/:id":          strconv.FormatInt(mail, 10),
		"/users/:id":                 strconv.FormatInt(w.plain.ID, 10),
		"/auth-settings/domains/:id": strconv.FormatInt(pending, 10),
		"/auth-settings/sso/:id":     idp,
		"/login/sso/:id":             idp,
		"/profile/link/:id":          idp,
	}
	return w
}

// path fills a route's :id with the id of a real object of its kind, by the longest prefix
// that matches.
func (w *rulesWorld) path(route string) string {
	best := ""
	for prefix := range w.params {
		if strings.HasPrefix(route, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best == "" {
		return route
	}
	return strings.Replace(route, ":id", w.params[best], 1)
}

// rulesRoute is one registered route.
type rulesRoute struct{ method, path string }

func (r rulesRoute) String() string { return r.method + " " + r.path }

// routesOf lists the registered routes with the given method, in order, without duplicates.
func routesOf(app *handlertest.App, method string) []rulesRoute {
	seen := map[string]bool{}
	var out []rulesRoute
	for _, r := range app.Echo.Routes() {
		if r.Method != method || seen[r.Path] || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		// The machine API has no session or CSRF token; its rules (a token with a purpose, errors
		// in the API's shape, never a 5xx) are checked by the token rows of
		// TestAuthorizationMatrix and the SCIM and API tests.
		if strings.HasPrefix(r.Path, "/scim/") || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		// The OpenID provider's token, userinfo, revocation and introspection endpoints are
		// called by apps' servers, which authenticate themselves (client secret, PKCE, access
		// token) and carry no cookies: CSRF has nothing to forge there. Their refusals are in
		// the op_*_test.go files.
		if method == http.MethodPost && strings.HasPrefix(r.Path, "/oauth/") {
			continue
		}
		seen[r.Path] = true
		out = append(out, rulesRoute{r.Method, r.Path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// auditCount is the number of rows in the audit log.
func auditCount(t testing.TB, app *handlertest.App) int {
	t.Helper()
	var n int
	if err := storetest.DB(t, app.Store).QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var identRE = regexp.MustCompile(`^[a-z_0-9]+$`)

// snapshot returns every row of every table as text, except a session's last-seen time, which
// any request may refresh. A full-text index and its shadow tables are left out: they are
// derived from the tables they index.
func snapshot(t testing.TB, app *handlertest.App) map[string][]string {
	t.Helper()
	d := storetest.DB(t, app.Store)
	rows, err := d.Query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		if !identRE.MatchString(table) {
			t.Fatalf("odd table name %q", table)
		}
		out[table] = tableRows(t, d, table)
	}
	return out
}

func tableRows(t testing.TB, d *sql.DB, table string) []string {
	t.Helper()
	rows, err := d.Query("SELECT * FROM " + table + " ORDER BY rowid")
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, col := range cols {
			if table == "sessions" && col == "last_seen_at" {
				continue
			}
			fmt.Fprintf(&b, "%s=%v ", col, vals[i])
		}
		out = append(out, b.String())
	}
	return out
}

// diffSnapshots describes what changed between two snapshots ("" when nothing did).
func diffSnapshots(before, after map[string][]string) string {
	var out []string
	for table, rows := range after {
		old := before[table]
		if strings.Join(old, "\n") == strings.Join(rows, "\n") {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %d rows -> %d rows; last now %q", table, len(old), len(rows), last(rows)))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func last(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[len(rows)-1]
}
