package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

func grantEmails(t *testing.T, st *store.Store) string {
	t.Helper()
	grants, err := st.ListGrants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range grants {
		out = append(out, g.Email)
	}
	return strings.Join(out, " ")
}

func TestGrantRowsResolvePeopleAndSave(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	admin := app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true})
	c := app.ClientAs(t, admin)
	app.User(t, "anna.berg@example.se", handlertest.UserOpts{})
	app.User(t, "anna.ek@example.se", handlertest.UserOpts{})
	app.User(t, "it@example.se", handlertest.UserOpts{})

	page := c.Get(t, "/security")
	if page.Doc(t).Find(`[data-testid="self-hint"]`).Length() != 1 {
		t.Error("the page does not tell the administrator to add themselves")
	}
	added := c.Post(t, "/security/grants", url.Values{"person": {"admin@example.se"}, "action": {"add"}})
	if got := added.Doc(t).Find(`input[name="person"]`).Length(); added.Status != http.StatusOK || got != 2 {
		t.Fatalf("Add row: status %d, %d rows, want 200 and 2", added.Status, got)
	}
	ambiguous := c.Post(t, "/security/grants", url.Values{"person": {"admin@example.se", "anna", "nobody-here"}, "action": {"save"}})
	if ambiguous.Status != http.StatusUnprocessableEntity {
		t.Fatalf("ambiguous save: status %d, want 422", ambiguous.Status)
	}
	doc := ambiguous.Doc(t)
	if n := doc.Find(`[data-testid="grant-choice"]`).Length(); n != 2 {
		t.Errorf("%d choices for \"anna\", want 2", n)
	}
	if n := doc.Find(`[data-testid="error-summary"] li`).Length(); n != 2 {
		t.Errorf("%d problems in the summary, want 2", n)
	}
	if grantEmails(t, app.Store) != "" {
		t.Fatal("a refused save stored grants")
	}
	picked := c.Post(t, "/security/grants", url.Values{"person": {"admin@example.se", "anna", ""}, "action": {"pick:1:anna.ek@example.se"}})
	if got := picked.Doc(t).Find("#person-1").AttrOr("value", ""); got != "anna.ek@example.se" {
		t.Errorf("picked row = %q", got)
	}
	saved := follow(t, c, c.Post(t, "/security/grants", url.Values{"person": {"admin@example.se", "anna.ek@example.se", "", "ADMIN@example.se"}, "action": {"save"}}))
	if got := flash(t, saved); !strings.Contains(got, "Authentication Settings: 2") {
		t.Errorf("flash = %q", got)
	}
	if got := grantEmails(t, app.Store); got != "admin@example.se anna.ek@example.se" {
		t.Errorf("grants = %q", got)
	}
	if saved.Doc(t).Find(`[data-testid="self-hint"]`).Length() != 0 {
		t.Error("the self hint stays after the administrator added themselves")
	}
}

func TestRevokedGrantEndsAccessOnNextRequest(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	it := app.ClientAs(t, app.User(t, "it@example.se", handlertest.UserOpts{AuthSettings: true}))
	if r := it.Get(t, "/auth-settings"); r.Status != http.StatusOK {
		t.Fatalf("before: status %d", r.Status)
	}
	// Removing the only row: the list is empty.
	follow(t, c, c.Post(t, "/security/grants", url.Values{"action": {"save"}}))
	if r := it.Get(t, "/auth-settings"); r.Status != http.StatusForbidden {
		t.Errorf("after revocation: status %d, want 403", r.Status)
	}
	if got := strings.Join(storetest.AuditActions(t, app.Store, "it@example.se"), " "); got != "user.create grant.add grant.remove" {
		t.Errorf("audit = %s", got)
	}
}

func TestAllowedDomainsAreNormalisedAndChecked(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	r := c.Post(t, "/security/domains", url.Values{
		"domain": {"Räksmörgås.SE.", "not a domain", "se", "example.com", ""}, "action": {"save"},
	})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	doc := r.Doc(t)
	tests := []struct{ id, wantValue, wantError string }{
		{"domain-0", "xn--rksmrgs-5wao1o.se", ""},
		{"domain-1", "not a domain", "inte ett domännamn"},
		{"domain-2", "se", "är en ändelse"},
		{"domain-3", "example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := doc.Find("#"+tt.id).AttrOr("value", ""); got != tt.wantValue {
				t.Errorf("value = %q, want %q", got, tt.wantValue)
			}
			msg := doc.Find("#" + tt.id + "-error").Text()
			if (tt.wantError == "") != (msg == "") || !strings.Contains(msg, tt.wantError) {
				t.Errorf("error = %q, want one containing %q", msg, tt.wantError)
			}
		})
	}
	if list, _ := app.Store.ListAllowedDomains(context.Background()); len(list) != 0 {
		t.Fatalf("a refused save stored %d domains", len(list))
	}
	ok := follow(t, c, c.Post(t, "/security/domains", url.Values{"domain": {"Räksmörgås.SE.", "example.com", "EXAMPLE.com"}, "action": {"save"}}))
	if got := flash(t, ok); !strings.Contains(got, "domäner: 2") {
		t.Errorf("flash = %q", got)
	}
	if got := strings.Join(storetest.AuditActions(t, app.Store, "xn--rksmrgs-5wao1o.se"), " "); got != "allowed_domain.add" {
		t.Errorf("audit = %q", got)
	}
}

func TestPeopleSuggestions(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	app.User(t, "asa@example.se", handlertest.UserOpts{})
	r := c.Get(t, "/security/people?q=ASA")
	var got []struct{ Name, Email string }
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || len(got) != 1 || got[0].Email != "asa@example.se" {
		t.Errorf("suggestions = %s (%v)", r.Body, err)
	}
	// The search is the Users list's: the start of a word, and what is typed taken literally.
	for q, want := range map[string]int{"ad": 1, "example.se": 2, `"`: 0, `asa" OR "admin`: 0, "asa OR admin": 0, "NEAR(asa)": 0, "sa": 0} {
		r := c.Get(t, "/security/people?q="+url.QueryEscape(q))
		var got []struct{ Name, Email string }
		if err := json.Unmarshal([]byte(r.Body), &got); r.Status != http.StatusOK || err != nil || len(got) != want {
			t.Errorf("suggestions for %q: status %d, %s (%v), want %d", q, r.Status, r.Body, err, want)
		}
	}
}

func TestFormsRefuseMissingCSRFToken(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	for _, path := range []string{"/security/grants", "/security/domains", "/users", "/verify"} {
		if r := c.PostRaw(t, path, url.Values{"action": {"save"}}); r.Status != http.StatusForbidden {
			t.Errorf("POST %s without token: status %d, want 403", path, r.Status)
		}
	}
}
