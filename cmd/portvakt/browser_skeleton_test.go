package main

import (
	"strings"
	"testing"
)

// TestBrowserFirstRun walks the first run in a real browser: the setup link, creating the
// administrator, signing out and in again, the overview and the language switch. Every page is
// checked with axe-core and photographed at laptop and phone widths.
func TestBrowserFirstRun(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LANG": "sv"}, "--org-name", "Exempel AB")

	b.open(pv.setupLink(t))
	if got := b.text("h1"); got != "Skapa den första administratören" {
		t.Fatalf("setup page heading = %q", got)
	}
	b.axe()
	b.shot("setup-sv")

	// A refused form keeps what was typed and says what to fix.
	b.fill("name", "Anna Andersson")
	b.fill("email", "anna@exempel.se")
	b.fill("password", "kort")
	b.fill("confirm", "kort")
	b.click("[data-testid=setup-submit]")
	if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, "minst 8 tecken") {
		t.Fatalf("error summary = %q, want the password length problem", got)
	}
	b.axe()
	b.shot("setup-error-sv")

	b.fill("password", testPassword)
	b.fill("confirm", testPassword)
	b.click("[data-testid=setup-submit]")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("after setup, heading = %q", got)
	}
	b.axe()
	b.shot("home-sv")

	b.click("[data-testid=logout]")
	if got := b.text("[data-testid=login-message]"); got != "Du är utloggad." {
		t.Fatalf("after sign-out, message = %q", got)
	}
	b.axe()
	b.shot("login-sv")

	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	if got := b.text("[data-testid=login-email]"); got != "anna@exempel.se" {
		t.Fatalf("password step shows %q", got)
	}
	b.fill("password", "fel lösenord")
	b.click("[data-testid=login-submit]")
	if got := b.text("[data-testid=error-summary]"); !strings.Contains(got, "stämmer inte") {
		t.Fatalf("wrong password message = %q", got)
	}
	b.axe()
	b.shot("login-password-error-sv")

	b.fill("password", testPassword)
	b.click("[data-testid=login-submit]")
	if got := b.text("h1"); got != "Välkommen, Anna Andersson" {
		t.Fatalf("after sign-in, heading = %q", got)
	}

	b.click("[data-testid=lang-switch]")
	if got := b.text("h1"); got != "Welcome, Anna Andersson" {
		t.Fatalf("after switching to English, heading = %q", got)
	}
	b.axe()
	b.shot("home-en")

	b.open(pv.URL + "/profile")
	if got := b.text("[data-testid=profile-method]"); !strings.HasPrefix(got, "With a password") {
		t.Fatalf("profile shows method %q", got)
	}
	b.axe()
	b.shot("profile-en")

	// The choice is remembered across sign-out.
	b.click("[data-testid=logout]")
	if got := b.text("h1"); got != "Sign in" {
		t.Fatalf("after sign-out in English, heading = %q", got)
	}
	b.shot("login-en")
}
