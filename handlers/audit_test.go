package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

func TestAuditPageAndExport(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	admin := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	it := app.ClientAs(t, app.User(t, "it@example.se", handlertest.UserOpts{AuthSettings: true}))
	ctx := context.Background()
	if err := app.Store.AppendAudit(ctx, store.Actor{Label: "it@example.se"}, store.AuditEntry{Action: "domain.add", Target: "=HYPERLINK(\"x\")"}); err != nil {
		t.Fatal(err)
	}
	actions := func(c *handlertest.Client, query string) string {
		r := c.Get(t, "/audit"+query)
		if r.Status != http.StatusOK {
			t.Fatalf("GET /audit%s: status %d", query, r.Status)
		}
		var out []string
		r.Doc(t).Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("data-action", "")) })
		return strings.Join(out, " ")
	}
	tests := []struct {
		name  string
		c     *handlertest.Client
		query string
		want  string
	}{
		{"administrator sees everything, newest first", admin, "", "domain.add grant.add user.create user.create"},
		{"filter by action", admin, "?action=grant.add", "grant.add"},
		{"filter by actor", admin, "?actor=IT@", "domain.add"},
		{"Authentication Settings user sees only that area", it, "", "domain.add"},
		{"area holds with another filter", it, "?action=grant.add", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := actions(tt.c, tt.query); got != tt.want {
				t.Errorf("actions = %q, want %q", got, tt.want)
			}
		})
	}
	if r := admin.Get(t, "/audit?from=yesterday"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad date: status %d, want 422", r.Status)
	}
	r := admin.Get(t, "/audit/export.csv?"+url.Values{"action": {"domain.add"}}.Encode())
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("CSV: %d records, %v\n%s", len(records), err, r.Body)
	}
	if got := records[1][4]; got != `'=HYPERLINK("x")` {
		t.Errorf("target cell = %q, want the formula defused", got)
	}
}

func TestUsersListPagesAndSearches(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	for _, e := range []string{"anna@firma.se", "bo@firma.se"} {
		app.User(t, e, handlertest.UserOpts{Verified: true})
	}
	r := c.Get(t, "/users?q=FIRMA")
	doc := r.Doc(t)
	if n := doc.Find(`[data-testid="user-row"]`).Length(); n != 2 {
		t.Errorf("%d rows for FIRMA, want 2", n)
	}
	if got := doc.Find(`[data-testid="users-count"]`).Text(); got != "Visar 1–2 av 2" {
		t.Errorf("count = %q", got)
	}
	if doc.Find(`[data-testid="pager-next"]`).Length() != 0 {
		t.Error("a next-page link on the only page")
	}
	if r := c.Get(t, "/users/abc"); r.Status != http.StatusNotFound {
		t.Errorf("GET /users/abc: status %d, want 404", r.Status)
	}
}

func TestAuditBreadcrumbLinksTheOverviewOnlyForThoseWhoMayOpenIt(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	tests := []struct {
		name     string
		opts     handlertest.UserOpts
		wantHref string
	}{
		{"administrator without access sees the group as text", handlertest.UserOpts{Admin: true}, ""},
		{"Authentication Settings user gets a link", handlertest.UserOpts{AuthSettings: true}, "/auth-settings"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.ClientAs(t, app.User(t, string(rune('a'+i))+"@example.se", tt.opts))
			crumbs := c.Get(t, "/audit").Doc(t).Find(".breadcrumb li")
			if got, want := strings.Join(crumbs.Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }), " > "), "Authentication Settings > Granskningslogg"; got != want {
				t.Errorf("breadcrumb = %q, want %q", got, want)
			}
			if got := crumbs.First().Find("a").AttrOr("href", ""); got != tt.wantHref {
				t.Errorf("group link = %q, want %q", got, tt.wantHref)
			}
		})
	}
}

// TestAuditPageSpeaksTheReadersLanguage checks that the page says each event as a sentence in the
// reader's language, names host commands, shows unknown actions by their code, and that the
// filter names the events while the CSV keeps the codes.
func TestAuditPageSpeaksTheReadersLanguage(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	anna := storetest.MustUser(t, app.Store, store.NewUser{Email: "anna@example.se", Name: "Anna Andersson", Admin: true})
	bo := storetest.MustUser(t, app.Store, store.NewUser{Email: "bo@example.se", Name: "Bo Berg"})
	if err := app.Store.GrantAuthSettings(ctx, store.Actor{UserID: anna.ID, Label: anna.Email}, bo.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		a store.Actor
		e store.AuditEntry
	}{
		{store.HostActor("portvakt recover password-login"), store.AuditEntry{Action: store.ActionPasswordLogin, Target: "password", Before: "off", After: "on"}},
		{store.Actor{Label: "cli"}, store.AuditEntry{Action: store.ActionPasswordLogin, Target: "password", Before: "off", After: "on"}},
		{store.Actor{Label: "anna@example.se", UserID: anna.ID}, store.AuditEntry{Action: "sso.legacy_thing", Target: "idp"}},
	} {
		if err := app.Store.AppendAudit(ctx, r.a, r.e); err != nil {
			t.Fatal(err)
		}
	}
	c := app.ClientAs(t, anna)
	read := func() (sentences, codes []string, options map[string]string) {
		r := c.Get(t, "/audit")
		if r.Status != http.StatusOK {
			t.Fatalf("GET /audit: status %d", r.Status)
		}
		doc := r.Doc(t)
		doc.Find(`[data-testid="audit-sentence"]`).Each(func(_ int, s *goquery.Selection) { sentences = append(sentences, s.Text()) })
		doc.Find(`[data-testid="audit-code"]`).Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
		options = map[string]string{}
		doc.Find(`select#action option`).Each(func(_ int, s *goquery.Selection) { options[s.AttrOr("value", "")] = s.Text() })
		return sentences, codes, options
	}
	for _, tt := range []struct {
		lang      string
		sentences []string
		option    string
	}{
		{"sv", []string{
			"Kommandot portvakt user add skapade ett konto för Bo Berg", // as storetest makes users
			"Kommandot portvakt user add skapade ett konto för Anna Andersson",
			"Anna Andersson gav Bo Berg åtkomst till Authentication Settings",
			"Kommandot portvakt recover password-login slog på inloggning med lösenord",
			"Ett kommando på servern slog på inloggning med lösenord",
		}, "Åtkomst till Authentication Settings given"},
		{"en", []string{
			"The command portvakt user add created an account for Bo Berg",
			"The command portvakt user add created an account for Anna Andersson",
			"Anna Andersson gave Bo Berg access to Authentication Settings",
			"The command portvakt recover password-login switched password sign-in on",
			"A command on the server switched password sign-in on",
		}, "Access to Authentication Settings given"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			c.Post(t, "/lang", url.Values{"lang": {tt.lang}, "return": {"/audit"}})
			sentences, codes, options := read()
			for _, want := range tt.sentences {
				if !slices.Contains(sentences, want) {
					t.Errorf("no sentence %q in %q", want, sentences)
				}
			}
			if !slices.Equal(codes, []string{"sso.legacy_thing"}) {
				t.Errorf("codes shown %q, want only the unknown action's", codes)
			}
			if options["grant.add"] != tt.option || options["sso.legacy_thing"] != "sso.legacy_thing" {
				t.Errorf("filter options %q", options)
			}
		})
	}
	r := c.Get(t, "/audit/export.csv")
	records, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range records[1:] {
		got = append(got, rec[2]+" "+rec[3])
	}
	for _, want := range []string{"anna@example.se grant.add", "portvakt recover password-login policy.password_login", "cli policy.password_login", "anna@example.se sso.legacy_thing"} {
		if !slices.Contains(got, want) {
			t.Errorf("CSV rows %q lack %q: it keeps the codes", got, want)
		}
	}
}
