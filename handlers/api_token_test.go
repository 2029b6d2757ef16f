package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// apiGet sends GET path with the given Authorization header value ("" for none).
func apiGet(t *testing.T, app *handlertest.App, path, auth string) *handlertest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, app.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return app.Client().Do(t, req)
}

// newToken makes a token with a purpose that expires in a year.
func newToken(t *testing.T, app *handlertest.App, a store.Actor, name, purpose string) (store.APIToken, string) {
	t.Helper()
	tk, secret, err := app.Store.CreateAPIToken(context.Background(), a, store.NewAPIToken{
		Name: name, Purpose: purpose, ExpiresAt: app.Store.Now().Add(handlers.DefaultTokenLifetime)})
	if err != nil {
		t.Fatal(err)
	}
	return tk, secret
}

func TestAPITokenSecretShape(t *testing.T) {
	app := handlertest.New(t)
	tk, secret := newToken(t, app, store.CLIActor, "SIEM", store.PurposeAudit)
	if !strings.HasPrefix(secret, "pvk_") || len(secret) < 4+43 {
		t.Fatalf("secret %q: want pvk_ and at least 256 bits", secret)
	}
	if !strings.HasPrefix(secret, tk.Hint) || len(tk.Hint) != 8 {
		t.Errorf("hint %q does not start the secret", tk.Hint)
	}
	raw, err := os.ReadFile(app.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(app.Store.Path() + "-wal")
	if strings.Contains(string(raw)+string(wal), secret) {
		t.Errorf("the secret itself is in the database file")
	}
	list, err := app.Store.ListAPITokens(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
}

func TestAPITokenRefusals(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	_, audit := newToken(t, app, store.CLIActor, "SIEM", store.PurposeAudit)
	_, scim := newToken(t, app, store.CLIActor, "Entra ID", store.PurposeSCIM)
	revoked, revokedSecret := newToken(t, app, store.CLIActor, "old", store.PurposeAudit)
	if err := app.Store.RevokeAPIToken(ctx, store.CLIActor, revoked.ID); err != nil {
		t.Fatal(err)
	}
	short, shortSecret, err := app.Store.CreateAPIToken(ctx, store.CLIActor, store.NewAPIToken{
		Name: "short", Purpose: store.PurposeAudit, ExpiresAt: app.Store.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_ = short
	later := app.Store.Now().Add(time.Hour + time.Second) // past the short token's end, long before the others'
	storetest.SetClock(t, app.Store, func() time.Time { return later })

	tests := []struct {
		name, path, auth string
		want             int
		wantErr          string
	}{
		{"works with its purpose", "/api/v1/audit", "Bearer " + audit, 200, ""},
		{"scheme in any case", "/api/v1/audit", "bearer " + audit, 200, ""},
		{"refuses no token", "/api/v1/audit", "", 401, "invalid_token"},
		{"refuses a token in the URL", "/api/v1/audit?access_token=" + audit, "", 401, "invalid_token"},
		{"refuses basic auth", "/api/v1/audit", "Basic " + audit, 401, "invalid_token"},
		{"refuses a wrong token", "/api/v1/audit", "Bearer pvk_" + strings.Repeat("A", 43), 401, "invalid_token"},
		{"refuses a revoked token", "/api/v1/audit", "Bearer " + revokedSecret, 401, "invalid_token"},
		{"refuses an expired token", "/api/v1/audit", "Bearer " + shortSecret, 401, "invalid_token"},
		{"refuses another purpose", "/api/v1/audit", "Bearer " + scim, 403, "insufficient_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := apiGet(t, app, tt.path, tt.auth)
			if resp.Status != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.Status, tt.want, resp.Body)
			}
			if tt.want == 200 {
				return
			}
			if strings.HasPrefix(tt.path, "/scim/") {
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
					t.Errorf("Content-Type %q, want application/scim+json", ct)
				}
				if !strings.Contains(resp.Body, "urn:ietf:params:scim:api:messages:2.0:Error") {
					t.Errorf("body %s is not a SCIM error", resp.Body)
				}
				return
			}
			var e struct{ Error, Message string }
			if err := json.Unmarshal([]byte(resp.Body), &e); err != nil || e.Error != tt.wantErr || e.Message == "" {
				t.Errorf("body %s (%v), want error %q with a message", resp.Body, err, tt.wantErr)
			}
		})
	}
}

// A token is machine access: it keeps working when password sign-in is off and when the person
// who made it is no longer an administrator.
func TestAPITokenUnaffectedBySignInPolicy(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	maker := app.User(t, "maker@example.se", handlertest.UserOpts{Admin: true})
	app.User(t, "other@example.se", handlertest.UserOpts{Admin: true})
	_, secret := newToken(t, app, store.Actor{UserID: maker.ID, Label: maker.Email}, "SIEM", store.PurposeAudit)
	storetest.PasswordLogin(t, app.Store, false)
	if err := app.Store.SetAdmin(ctx, store.CLIActor, maker.ID, false); err != nil {
		t.Fatal(err)
	}
	if resp := apiGet(t, app, "/api/v1/audit", "Bearer "+secret); resp.Status != 200 {
		t.Fatalf("status %d after Password OFF and demotion of its maker: %s", resp.Status, resp.Body)
	}
}

func TestAPITokenLastUsedRecorded(t *testing.T) {
	app := handlertest.New(t)
	tk, secret := newToken(t, app, store.CLIActor, "SIEM", store.PurposeAudit)
	if !tk.LastUsedAt.IsZero() {
		t.Fatal("a new token has been used")
	}
	if resp := apiGet(t, app, "/api/v1/audit", "Bearer "+secret); resp.Status != 200 {
		t.Fatalf("status %d", resp.Status)
	}
	got, err := app.Store.APITokenByID(context.Background(), tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastUsedAt.IsZero() || got.LastUsedIP != "127.0.0.1" {
		t.Errorf("last used %v from %q, want now from 127.0.0.1", got.LastUsedAt, got.LastUsedIP)
	}
}

func TestAPITokenRateLimited(t *testing.T) {
	app := handlertest.New(t, handlertest.WithConfig(func(c *handlers.Config) { c.TokenRate, c.TokenBurst = 0.001, 2 }))
	_, secret := newToken(t, app, store.CLIActor, "SIEM", store.PurposeAudit)
	_, other := newToken(t, app, store.CLIActor, "SIEM 2", store.PurposeAudit)
	for i, want := range []int{200, 200, 429} {
		if resp := apiGet(t, app, "/api/v1/audit", "Bearer "+secret); resp.Status != want {
			t.Fatalf("request %d: status %d, want %d", i+1, resp.Status, want)
		} else if want == 429 && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if resp := apiGet(t, app, "/api/v1/audit", "Bearer "+other); resp.Status != 200 {
		t.Errorf("another token: status %d, want 200 (limits are per token)", resp.Status)
	}
}

func TestAPIAuditPagesWithCursor(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	_, secret := newToken(t, app, store.CLIActor, "SIEM", store.PurposeAudit) // row 1: token.create
	for _, target := range []string{"a.se", "b.se", "c.se"} {
		if err := app.Store.AppendAudit(ctx, store.SystemActor, store.AuditEntry{Action: "domain.add", Target: target}); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Items []struct {
			ID             int64
			Action, Target string
		}
		NextCursor string `json:"next_cursor"`
		HasMore    bool   `json:"has_more"`
	}
	get := func(q string) page {
		t.Helper()
		resp := apiGet(t, app, "/api/v1/audit?"+q, "Bearer "+secret)
		if resp.Status != 200 {
			t.Fatalf("%s: status %d %s", q, resp.Status, resp.Body)
		}
		var p page
		if err := json.Unmarshal([]byte(resp.Body), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := get("action=domain.add&limit=2")
	if len(p.Items) != 2 || p.Items[0].Target != "a.se" || !p.HasMore {
		t.Fatalf("first page %+v", p)
	}
	p = get("action=domain.add&limit=2&cursor=" + p.NextCursor)
	if len(p.Items) != 1 || p.Items[0].Target != "c.se" || p.HasMore {
		t.Fatalf("second page %+v", p)
	}
	last := p.NextCursor
	p = get("action=domain.add&cursor=" + last)
	if len(p.Items) != 0 || p.NextCursor != last {
		t.Fatalf("an empty page must keep the cursor: %+v", p)
	}
	for _, bad := range []string{"cursor=x", "limit=0", "limit=501", "from=yesterday"} {
		if resp := apiGet(t, app, "/api/v1/audit?"+bad, "Bearer "+secret); resp.Status != 400 || !strings.Contains(resp.Body, "invalid_request") {
			t.Errorf("%s: status %d %s, want 400 invalid_request", bad, resp.Status, resp.Body)
		}
	}
	if resp := apiGet(t, app, "/api/v1/openapi.yaml", ""); resp.Status != 200 || !strings.Contains(resp.Body, "/audit:") {
		t.Errorf("openapi.yaml: status %d", resp.Status)
	}
}
