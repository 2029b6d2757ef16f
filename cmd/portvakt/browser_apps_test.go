package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserApplications: an Authentication Settings user adds a web application in the
// browser, sees the issuer, client ID, secret and snippet, copies the snippet, and finds the app
// in the list; then opens each other type's form, is refused with the problems in words, and
// reads the questions and answers. Photographed in Swedish and English, checked with axe-core.
func TestBrowserApplications(t *testing.T) {
	for _, lc := range []struct{ lang, accept, copied, everyone, https string }{
		{"sv", "sv-SE,sv", "Kopierat", "Alla i organisationen", "använder inte https"},
		{"en", "en-GB,en", "Copied", "Everyone in the organisation", "does not use https"},
	} {
		t.Run(lc.lang, func(t *testing.T) {
			b := newBrowser(t, lc.accept)
			pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": lc.lang}, "--org-name", "Exempel AB")
			addUser(t, pv, "anna@exempel.se", "Anna Andersson")
			signIn(b, pv, "anna@exempel.se")

			b.open(pv.URL + "/auth-settings/apps")
			b.axe()
			b.shot("apps-empty-" + lc.lang)
			b.click("[data-testid=app-add]")
			b.axe()
			b.shot("apps-kinds-" + lc.lang)
			b.click("[data-testid=app-kind-web]")
			b.axe()
			b.shot("app-form-web-" + lc.lang)
			b.fill("name", "HR-systemet")
			fillArea(b, "redirect_uris", "https://hr.exempel.se/auth/callback\nhttp://localhost:3000/auth/callback")
			fillArea(b, "post_logout_uris", "https://hr.exempel.se/")
			b.fill("backchannel_uri", "https://hr.exempel.se/auth/backchannel")
			b.click("[data-testid=app-save]")
			secret := b.text("#app-secret")
			snippet := b.text("#app-snippet")
			if !strings.HasPrefix(secret, "pvs_") || !strings.Contains(snippet, "client_secret: "+secret) ||
				!strings.Contains(snippet, "issuer: "+pv.URL) || b.text("#app-issuer") != pv.URL {
				t.Fatalf("after saving: secret %q, snippet:\n%s", secret, snippet)
			}
			if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-write"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: pv.URL,
			}); err != nil {
				t.Fatalf("grant clipboard: %v", err)
			}
			b.run("copy the snippet", chromedp.Click(chromedp.CSS(`button[data-copy="app-snippet"]`)))
			waitText(t, b, `button[data-copy="app-snippet"]`, lc.copied)
			b.axe()
			b.shot("app-created-web-" + lc.lang)

			b.click("[data-testid=apps-list]")
			if row := b.text("[data-testid=app-row]"); !strings.Contains(row, "HR-systemet") || !strings.Contains(row, lc.everyone) ||
				strings.Contains(b.text("main"), secret) {
				t.Fatalf("list row %q, or the secret shown again", row)
			}
			b.axe()
			b.shot("apps-list-" + lc.lang)
			b.click("[data-testid=app-link]")
			b.axe()
			b.shot("app-edit-web-" + lc.lang)

			// Only listed people: Add row, a suggestion while typing, Save.
			b.run("choose listed people", chromedp.Click(chromedp.CSS("#access-people")))
			b.click("[data-testid=app-person-add]")
			b.run("type a name", chromedp.SendKeys(chromedp.CSS("#person-0"), "ann"))
			waitCount(t, b, "#app-people-suggestions option", 1)
			b.run("finish the address", chromedp.SendKeys(chromedp.CSS("#person-0"), "a@exempel.se"))
			b.click("[data-testid=app-save]")
			if got := b.text("[data-testid=flash]"); !strings.Contains(got, "HR-systemet") {
				t.Fatalf("after saving the people: flash %q", got)
			}
			b.axe()
			b.shot("app-edit-people-" + lc.lang)

			for _, kind := range []string{"native", "spa", "integration"} {
				b.open(pv.URL + "/auth-settings/apps/new?type=" + kind)
				b.axe()
				b.shot("app-form-" + kind + "-" + lc.lang)
			}
			b.open(pv.URL + "/auth-settings/apps/new?type=spa")
			b.fill("name", "Schemat")
			fillArea(b, "redirect_uris", "http://schema.exempel.se/callback")
			b.click("[data-testid=app-save]")
			if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, lc.https) {
				t.Errorf("error summary %q, want %q", got, lc.https)
			}
			b.axe()
			b.shot("app-form-spa-refused-" + lc.lang)

			b.open(pv.URL + "/auth-settings")
			b.shot("authsettings-apps-" + lc.lang)
			b.click("[data-testid=hub-apps-help]")
			b.open(pv.URL + "/auth-settings/apps")
			b.click("[data-testid=apps-help]")
			if n := len(strings.Split(b.text("main"), "\n")); n < 10 {
				t.Errorf("the questions and answers page is nearly empty (%d lines)", n)
			}
			b.axe()
			b.shot("apps-help-" + lc.lang)
		})
	}
}

// fillArea types value into an empty textarea (Clear needs text to clear).
func fillArea(b *browser, id, value string) {
	b.t.Helper()
	b.run("fill #"+id, chromedp.SendKeys(chromedp.CSS("#"+id), value))
}

// waitCount polls until at least n elements match css (suggestions arrive after a fetch).
func waitCount(t *testing.T, b *browser, css string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(css)+`).length`))
		if err == nil && got >= n {
			return
		}
		time.Sleep(50 * time.Millisecond) // polling the page, not waiting blind
	}
	t.Fatalf("fewer than %d elements match %s", n, css)
}
