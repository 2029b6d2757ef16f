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

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// newRulesWorld is the portal with something behind every route: a verified and a pending
// domain, a provider serving the verified one (App.DomainID and App.IdP), a user with a mail in
// the outbox, and boss@example.se, both administrator and Authentication Settings user, so that
// every route lets them in; plain@example.se has no role. Its DNS server and OpenID provider are
// real and on loopback. It returns the app and, by route prefix, the id of a real object of the
// route's kind, for routePath.
func newRulesWorld(t *testing.T) (*handlertest.App, map[string]string) {
	t.Helper()
	ctx := context.Background()
	w := handlertest.New(t, handlertest.WithDNS(), handlertest.WithOIDC())
	boss := w.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true})
	plain := w.User(t, "plain@example.se", handlertest.UserOpts{Verified: true})
	w.DomainID = w.VerifiedDomain(t, "example.se").ID
	pending, err := w.Store.AddDomain(ctx, store.CLIActor, "example.org", "token2")
	if err != nil {
		t.Fatal(err)
	}
	c := w.ClientAs(t, boss)
	w.IdP = w.CreateIdP(t, c, handlertest.IdPForm(w.OP, w.DomainID))
	if r := c.Post(t, "/users", url.Values{"name": {"Nora"}, "email": {"nora@example.se"}, "lang": {"sv"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create user: status %d\n%s", r.Status, r.Body)
	}
	mails, _, err := w.Store.ListMail(ctx, store.MailFilter{Limit: 1})
	if err != nil || len(mails) != 1 {
		t.Fatalf("the new user's mail: %v, %v", mails, err)
	}
	app, _, err := w.Store.CreateApplication(ctx, store.CLIActor, store.AppSettings{Name: "HR", Kind: store.AppWeb,
		Enabled: true, Everyone: true, RedirectURIs: []string{"https://hr.example.se/callback"}}.Normalize())
	if err != nil {
		t.Fatal(err)
	}
	idp := strconv.FormatInt(w.IdP, 10)
	return w, map[string]string{
		"/auth-settings/apps/:id":    strconv.FormatInt(app.ID, 10),
		"/users/outbox/:id":          strconv.FormatInt(mails[0].ID, 10),
		"/users/:id":                 strconv.FormatInt(plain.ID, 10),
		"/auth-settings/domains/:id": strconv.FormatInt(pending.ID, 10),
		"/auth-settings/sso/:id":     idp,
		"/login/sso/:id":             idp,
		"/profile/link/:id":          idp,
	}
}

// routePath fills a route's :id with the id of a real object of its kind from newRulesWorld's
// ids, by the longest prefix that matches.
func routePath(ids map[string]string, route string) string {
	best := ""
	for prefix := range ids {
		if strings.HasPrefix(route, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best == "" {
		return route
	}
	return strings.Replace(route, ":id", ids[best], 1)
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

var identRE = regexp.MustCompile(`^[a-z_0-9]+$`)

// snapshot returns every row of every table as text, except a session's last-seen time, which
// any request may refresh. It reads the database itself: the point is to see every row, those
// no store method shows included. A full-text index and its shadow tables are left out: they are
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
