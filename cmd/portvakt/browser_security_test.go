package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portvakt/handlers/mail/smtptest"
	"portvakt/store/storetest"
)

// TestBrowserSecurityAndUsers walks General > Security and Users in a real browser, with mail going
// to a real SMTP server on loopback: the administrator creates a second person, grants access to
// themselves and to that person, adds an allowed domain, the person verifies their e-mail from the
// mail they received, and the administrator removes the person's SSO link. Every page is checked
// with axe-core and photographed in Swedish, then the same pages in English.
func TestBrowserSecurityAndUsers(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, "sv-SE,sv")
	srv := smtptest.Start(t)
	pv := startPortvakt(t, map[string]string{
		"PORTVAKT_LANG": "sv", "PORTVAKT_SMTP": srv.URL(), "PORTVAKT_MAIL_FROM": "portvakt <portvakt@exempel.se>",
	}, "--org-name", "Exempel AB")

	b.open(pv.setupLink(t))
	b.fill("name", "Anna Andersson")
	b.fill("email", "anna@exempel.se")
	b.fill("password", testPassword)
	b.fill("confirm", testPassword)
	b.click("[data-testid=setup-submit]")

	userPage := createBo(t, b, pv)
	received := srv.Next(t)
	grantAndAllow(t, b, pv)
	verifyAsBo(t, received.Text)

	// Bo signs in with single sign-on (another part of portvakt): here the link is written
	// directly, then the administrator removes it.
	linkIdentity(t, pv, "bo@exempel.se", "https://login.exempel.se/tenant", "0f9a7c2e-bo")
	b.open(userPage)
	b.axe()
	b.shot("user-linked-sv")
	b.click("[data-testid=user-unlink]")
	if got := b.text("[data-testid=flash]"); got != "Kopplingen har tagits bort." {
		t.Fatalf("after removing the link, flash = %q", got)
	}
	b.shot("user-unlinked-sv")
	shootTheRest(t, b, pv, userPage)
}

// createBo creates the second person, who reads English, and returns the person's page.
func createBo(t *testing.T, b *browser, pv *instance) string {
	t.Helper()
	b.open(pv.URL + "/users/new")
	b.axe()
	b.shot("users-new-sv")
	b.fill("name", "Bo Berg")
	b.fill("email", "bo@exempel.se")
	b.run("choose English", chromedp.SetValue(chromedp.CSS("#lang"), "en"))
	b.click("[data-testid=user-create]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "har skickats till bo@exempel.se") {
		t.Fatalf("after creating the user, flash = %q", got)
	}
	b.axe()
	b.shot("user-created-sv")
	return b.location()
}

// grantAndAllow grants the administrator and Bo access, and adds an allowed domain after a
// refused one.
func grantAndAllow(t *testing.T, b *browser, pv *instance) {
	t.Helper()
	b.open(pv.URL + "/security")
	if got := b.text("[data-testid=self-hint]"); !strings.Contains(got, "Lägg till dig själv") {
		t.Fatalf("self hint = %q", got)
	}
	b.axe()
	b.shot("security-empty-sv")
	b.click("[data-testid=grants-add]")
	b.fill("person-0", "anna@exempel.se")
	b.click("[data-testid=grants-add]")
	b.fill("person-1", "berg")
	b.axe()
	b.shot("security-rows-sv")
	b.click("[data-testid=grants-save]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "Authentication Settings: 2") {
		t.Fatalf("after saving grants, flash = %q", got)
	}

	// Allowed domains: a bad one first, then the organisation's.
	b.click("[data-testid=domains-add]")
	b.fill("domain-0", "exempel")
	b.click("[data-testid=domains-save]")
	if got := b.text("#domain-0-error"); !strings.Contains(got, "inte en hel domän") {
		t.Fatalf("bad domain message = %q", got)
	}
	b.axe()
	b.shot("security-domain-error-sv")
	b.fill("domain-0", "Exempel.SE")
	b.click("[data-testid=domains-save]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "domäner: 1") {
		t.Fatalf("after saving the domain, flash = %q", got)
	}
	b.axe()
	b.shot("security-saved-sv")
}

// verifyAsBo follows the link in the mail in Bo's own browser.
func verifyAsBo(t *testing.T, mailText string) {
	t.Helper()
	// Bo follows the link in the mail in his own browser, which asks for Swedish: the page
	// speaks English, the language the administrator chose for him.
	link := regexp.MustCompile(`http://\S+/verify\?token=\S+`).FindString(mailText)
	if link == "" {
		t.Fatalf("no link in the mail:\n%s", mailText)
	}
	bo := newBrowser(t, "sv-SE,sv")
	bo.open(link)
	if got := bo.text("h1"); got != "Confirm e-mail address" {
		t.Fatalf("verification page heading = %q", got)
	}
	bo.axe()
	bo.shot("verify-en")
	bo.click("[data-testid=verify-confirm]")
	if got := bo.text("[data-testid=verify-done]"); got != "Thank you. bo@exempel.se is now verified." {
		t.Fatalf("after confirming: %q", got)
	}
	bo.axe()
	bo.shot("verify-done-en")
	bo.open(link)
	if got := bo.text("[data-testid=verify-invalid]"); !strings.Contains(got, "already been used") {
		t.Fatalf("second visit: %q", got)
	}
	bo.shot("verify-used-en")
}

// shootTheRest checks and photographs the remaining pages, in Swedish and then in English.
func shootTheRest(t *testing.T, b *browser, pv *instance, userPage string) {
	t.Helper()
	b.open(pv.URL + "/users")
	b.axe()
	b.shot("users-sv")
	b.open(pv.URL + "/users/outbox")
	b.axe()
	b.shot("outbox-sv")
	b.open(pv.URL + "/audit")
	if got, want := b.text("[data-testid=audit-row] [data-testid=audit-sentence]"), "Anna Andersson tog bort kopplingen mellan Bo Berg och identitetsleverantören"; got != want {
		t.Fatalf("newest audit row = %q, want %q", got, want)
	}
	b.axe()
	b.shot("audit-sv")

	// The same pages in English.
	b.click("[data-testid=lang-switch]")
	if got, want := b.text("[data-testid=audit-row] [data-testid=audit-sentence]"), "Anna Andersson removed the link between Bo Berg and the identity provider"; got != want {
		t.Fatalf("newest audit row in English = %q, want %q", got, want)
	}
	b.axe()
	b.shot("audit-en")
	for _, page := range []struct{ path, name string }{
		{"/security", "security-en"}, {"/users", "users-en"}, {"/users/new", "users-new-en"},
		{"/users/outbox", "outbox-en"},
	} {
		b.open(pv.URL + page.path)
		b.axe()
		b.shot(page.name)
	}
	b.open(userPage)
	b.axe()
	b.shot("user-en")
	b.open(pv.URL + "/users/outbox")
	b.click("[data-testid=mail-row] a")
	b.axe()
	b.shot("outbox-mail-en")
}

// linkIdentity links the user to an SSO identity in the running portvakt's database, with the
// store function the SSO sign-in uses.
func linkIdentity(t *testing.T, pv *instance, email, issuer, subject string) {
	t.Helper()
	st := openStore(t, pv.Data)
	u, err := st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Link(t, st, u.ID, issuer, subject)
}
