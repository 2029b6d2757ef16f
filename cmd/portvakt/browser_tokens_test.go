package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserTokensAndProvisioning: an administrator creates an API token in the browser, copies
// it, and revokes it; the identity provider, with a token made by the host command, provisions a
// person and deactivates another over SCIM, and the Users page shows both, with their source.
// Photographed in Swedish and English, and checked with axe-core.
func TestBrowserTokensAndProvisioning(t *testing.T) {
	t.Parallel()
	for _, lc := range []struct{ lang, accept, copied, deactivated string }{
		{"sv", "sv-SE,sv", "Kopierat", "Avaktiverad"},
		{"en", "en-GB,en", "Copied", "Deactivated"},
	} {
		t.Run(lc.lang, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, lc.accept)
			pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": lc.lang}, "--org-name", "Exempel AB")
			addUser(t, pv, "anna@exempel.se", "Anna Andersson", "--admin")
			secret := cliToken(t, pv, "Entra ID", "scim")
			provision(t, pv.URL, secret, "nils.ny@exempel.se", "Nils Ny", true)
			id := provision(t, pv.URL, secret, "siv.slutat@exempel.se", "Siv Slutat", true)
			scimCall(t, pv.URL, secret, http.MethodPatch, "/scim/v2/Users/"+id,
				`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`, 200)

			signIn(b, pv, "anna@exempel.se")
			b.open(pv.URL + "/auth-settings/tokens")
			b.axe()
			b.shot("tokens-" + lc.lang)
			b.fill("name", "Okta")
			b.run("choose SCIM", chromedp.Click(chromedp.CSS("#purpose-scim")))
			b.click("[data-testid=token-create]")
			shown := b.text("#token-secret")
			if !strings.HasPrefix(shown, "pvk_") {
				t.Fatalf("token shown %q", shown)
			}
			if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-write"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: pv.URL,
			}); err != nil {
				t.Fatalf("grant clipboard: %v", err)
			}
			b.run("copy", chromedp.Click(chromedp.CSS(`button[data-copy="token-secret"]`)))
			waitText(t, b, `button[data-copy="token-secret"]`, lc.copied)
			b.axe()
			b.shot("tokens-created-" + lc.lang)
			scimCall(t, pv.URL, shown, http.MethodGet, "/scim/v2/Users?count=1", "", 200)

			b.open(pv.URL + "/auth-settings/tokens")
			if strings.Contains(b.text("main"), shown) {
				t.Fatal("the token is shown a second time")
			}
			b.click(`[data-testid=token-row]:first-child [data-testid=token-revoke]`)
			b.axe()
			b.shot("token-revoke-" + lc.lang)
			b.click("[data-testid=token-revoke-confirm]")
			scimCall(t, pv.URL, shown, http.MethodGet, "/scim/v2/Users", "", 401)
			b.axe()
			b.shot("tokens-revoked-" + lc.lang)

			b.open(pv.URL + "/users")
			b.axe()
			b.shot("users-provisioned-" + lc.lang)
			if got := b.text(`tr.deactivated`); !strings.Contains(got, "Siv Slutat") || !strings.Contains(got, lc.deactivated) || !strings.Contains(got, "SCIM (Entra ID)") {
				t.Errorf("deactivated row: %q", got)
			}
			b.open(pv.URL + "/users/" + id)
			b.axe()
			b.shot("user-deactivated-" + lc.lang)
		})
	}
}

// waitText polls until the element's text is want (the copy button changes after an await).
func waitText(t *testing.T, b *browser, css, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b.text(css) == want {
			return
		}
		time.Sleep(50 * time.Millisecond) // polling the page, not waiting blind
	}
	t.Fatalf("%s says %q, want %q", css, b.text(css), want)
}

// cliToken makes a token with `portvakt token create` beside the running server.
func cliToken(t *testing.T, pv *instance, name, purpose string) string {
	t.Helper()
	var out strings.Builder
	err := run(context.Background(), []string{"token", "create", "--data", pv.Data, "--name", name, "--purpose", purpose},
		func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	return strings.TrimSpace(out.String())
}

// scimCall sends one SCIM request and checks its status; it returns the body.
func scimCall(t *testing.T, base, secret, method, path, body string, want int) string {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	return string(b)
}

// provision creates a person over SCIM and returns their id.
func provision(t *testing.T, base, secret, email, name string, active bool) string {
	t.Helper()
	body := scimCall(t, base, secret, http.MethodPost, "/scim/v2/Users", fmt.Sprintf(
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"displayName":%q,"active":%t}`, email, name, active), 201)
	i := strings.Index(body, `"id":"`)
	if i < 0 {
		t.Fatalf("no id in %s", body)
	}
	rest := body[i+6:]
	return rest[:strings.Index(rest, `"`)]
}
