package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
)

// TestTokenPageShowsTheTokenOnce: the token is on the answer to the POST that made it, with a
// copy button, and never again; the list shows who made it and when it expires; revocation
// needs its confirmation page, works at once and is audit-logged.
func TestTokenPageShowsTheTokenOnce(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	admin, _ := app.SignedIn(t, "admin@example.se", handlertest.UserOpts{Admin: true})
	resp := admin.Post(t, "/auth-settings/tokens", url.Values{"name": {"Entra ID"}, "purpose": {"scim"}, "expires": {"365"}, "vouches": {"on"}})
	if resp.Status != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: status %d, Cache-Control %q", resp.Status, resp.Header.Get("Cache-Control"))
	}
	doc := resp.Doc(t)
	secret := strings.TrimSpace(doc.Find("#token-secret").Text())
	if !strings.HasPrefix(secret, "pvk_") || doc.Find(`button[data-copy="token-secret"]`).Length() != 1 {
		t.Fatalf("the new token is not shown with a copy button: %q", secret)
	}
	if page := admin.Get(t, "/auth-settings/tokens"); strings.Contains(page.Body, secret) || !strings.Contains(page.Body, "Entra ID") {
		t.Fatal("the token is shown again, or the list lacks it")
	}
	tk, err := app.Store.APITokenBySecret(ctx, secret)
	if err != nil || !tk.IdPVouches || tk.CreatedBy != "admin@example.se" || tk.ExpiresAt.Sub(tk.CreatedAt).Hours() != 365*24 {
		t.Fatalf("stored token %+v, %v", tk, err)
	}
	if r := apiGet(t, app, "/scim/v2/Users", "Bearer "+secret); r.Status != 200 {
		t.Fatalf("the new token does not work: %d", r.Status)
	}
	if page := admin.Get(t, "/auth-settings/tokens"); !strings.Contains(page.Doc(t).Find(`[data-testid="token-used"]`).Text(), "127.0.0.1") {
		t.Error("the list does not show where the token was last used from")
	}
	revokePath := "/auth-settings/tokens/" + itoa(tk.ID) + "/revoke"
	if r := admin.Get(t, revokePath); r.Status != 200 || !strings.Contains(r.Body, "token-revoke-confirm") {
		t.Fatalf("revoke form: %d", r.Status)
	}
	if r := admin.Post(t, revokePath, url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := apiGet(t, app, "/scim/v2/Users", "Bearer "+secret); r.Status != 401 {
		t.Errorf("a revoked token: status %d, want 401", r.Status)
	}
	rows, _, err := app.Store.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range rows {
		if strings.HasPrefix(string(r.Action), "token.") {
			actions = append(actions, string(r.Action)+" by "+r.Actor)
		}
	}
	if got := strings.Join(actions, ", "); got != "token.revoke by admin@example.se, token.create by admin@example.se" {
		t.Errorf("audit: %s", got)
	}
	if strings.Contains(auditText(rows), secret) || strings.Contains(auditText(rows), secret[8:]) {
		t.Error("the secret is in the audit log")
	}
}

func auditText(rows []store.AuditRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Before + r.After + r.Detail + r.Target)
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestTokenFormRefusals(t *testing.T) {
	app := handlertest.New(t)
	admin, _ := app.SignedIn(t, "admin@example.se", handlertest.UserOpts{Admin: true})
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"no name", url.Values{"purpose": {"scim"}, "expires": {"365"}}, "Skriv ett namn"},
		{"a long name", url.Values{"name": {strings.Repeat("n", 101)}, "purpose": {"scim"}, "expires": {"365"}}, "högst 100"},
		{"no purpose", url.Values{"name": {"x"}, "expires": {"365"}}, "Välj vad nyckeln"},
		{"an unknown purpose", url.Values{"name": {"x"}, "purpose": {"admin"}, "expires": {"365"}}, "Välj vad nyckeln"},
		{"vouching on an audit token", url.Values{"name": {"x"}, "purpose": {"audit"}, "expires": {"365"}, "vouches": {"on"}}, "Bara SCIM-nycklar"},
		{"more than two years", url.Values{"name": {"x"}, "purpose": {"audit"}, "expires": {"731"}}, "Välj när"},
		{"never without the typed name", url.Values{"name": {"x"}, "purpose": {"audit"}, "expires": {"never"}}, "Skriv nyckelns namn exakt"},
		{"never with another name", url.Values{"name": {"x"}, "purpose": {"audit"}, "expires": {"never"}, "confirm": {"y"}}, "Skriv nyckelns namn exakt"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			r := admin.Post(t, "/auth-settings/tokens", tt.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) || strings.Contains(r.Body, "pvk_") {
				t.Errorf("status %d, want 422 with %q and no token", r.Status, tt.want)
			}
		})
	}
	list, _ := app.Store.ListAPITokens(context.Background())
	if len(list) != 0 {
		t.Fatalf("a refused form made %d tokens", len(list))
	}
	r := admin.Post(t, "/auth-settings/tokens", url.Values{"name": {"SIEM"}, "purpose": {"audit"}, "expires": {"never"}, "confirm": {"SIEM"}})
	if r.Status != 200 || !strings.Contains(r.Body, "pvk_") {
		t.Fatalf("never with the typed name: %d", r.Status)
	}
	list, _ = app.Store.ListAPITokens(context.Background())
	if len(list) != 1 || !list[0].ExpiresAt.IsZero() {
		t.Errorf("tokens %+v, want one that never expires", list)
	}
}
