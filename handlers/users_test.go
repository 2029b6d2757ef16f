package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/mail/smtptest"
	"portvakt/store/storetest"
)

// exempelAB names the organisation, which the mail tests read in the mail: with
// handlertest.WithSMTP, portvakt sends through a real SMTP server on loopback with STARTTLS and
// AUTH.
var exempelAB = handlertest.WithConfig(func(cfg *handlers.Config) { cfg.OrgName = "Exempel AB" })

var verifyLink = regexp.MustCompile(`https?://[^\s"<>]+/verify\?token=[A-Za-z0-9_%-]+`)

// linkPath finds the verification link in a text and returns its path and query.
func linkPath(t *testing.T, text string) string {
	t.Helper()
	m := verifyLink.FindString(text)
	if m == "" {
		t.Fatalf("no verification link in:\n%s", text)
	}
	u, err := url.Parse(m)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// follow fetches the page a 303 points to and returns it.
func follow(t *testing.T, c *handlertest.Client, r *handlertest.Response) *handlertest.Response {
	t.Helper()
	if r.Status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", r.Status, r.Body)
	}
	return c.Get(t, r.Location)
}

func flash(t *testing.T, r *handlertest.Response) string {
	t.Helper()
	return strings.TrimSpace(r.Doc(t).Find(`[data-testid="flash"]`).Text())
}

func TestCreateUserSendsVerificationMailThatVerifies(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithSMTP(), exempelAB)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	r := c.Post(t, "/users", url.Values{"name": {"Åsa Öberg"}, "email": {" Asa@Example.SE "}, "lang": {"en"}})
	page := follow(t, c, r)
	if got := flash(t, page); !strings.Contains(got, "har skickats till asa@example.se") {
		t.Errorf("flash = %q, want it to say the mail was sent", got)
	}
	m := app.SMTP.Next(t)
	if m.To[0] != "asa@example.se" || m.Subject != "Confirm your e-mail address" || m.AuthUser != "portvakt" || !m.TLS {
		t.Errorf("mail to %v subject %q auth %q tls %v", m.To, m.Subject, m.AuthUser, m.TLS)
	}
	if !strings.Contains(m.Text, "Exempel AB uses portvakt") || !strings.Contains(m.HTML, "Confirm the e-mail address") {
		t.Errorf("mail text or HTML is not the English verification mail:\n%s\n%s", m.Text, m.HTML)
	}
	if linkPath(t, m.Text) != linkPath(t, m.HTML) {
		t.Error("text and HTML parts carry different links")
	}
	visitor := app.Client()
	form := visitor.Get(t, linkPath(t, m.Text))
	if form.Status != http.StatusOK || !strings.Contains(form.Body, "Confirm that asa@example.se is your e-mail address") {
		t.Fatalf("link page: status %d\n%s", form.Status, form.Body)
	}
	if u, _ := app.Store.UserByEmail(context.Background(), "asa@example.se"); u.EmailVerified {
		t.Fatal("opening the link verified the address; only confirming may")
	}
	token := form.Doc(t).Find(`input[name="token"]`).AttrOr("value", "")
	done := visitor.Post(t, "/verify", url.Values{"token": {token}})
	if done.Status != http.StatusOK || !strings.Contains(done.Body, "asa@example.se is now verified") {
		t.Fatalf("confirm: status %d\n%s", done.Status, done.Body)
	}
	if u, _ := app.Store.UserByEmail(context.Background(), "asa@example.se"); !u.EmailVerified {
		t.Error("address not verified after confirming")
	}
	if again := visitor.Post(t, "/verify", url.Values{"token": {token}}); again.Status != http.StatusGone {
		t.Errorf("second use: status %d, want 410", again.Status)
	}
	want := "[user.create verification.send mail.sent verification.complete]"
	if got := strings.Join(storetest.AuditActions(t, app.Store, "asa@example.se"), " "); "["+got+"]" != want {
		t.Errorf("audit = [%s], want %s", got, want)
	}
}

func TestVerificationPageSpeaksTheUsersLanguage(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithSMTP(), exempelAB)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	tests := []struct{ lang, email, wantSubject, wantTitle string }{
		{"sv", "sven@example.se", "Bekräfta din e-postadress", "Bekräfta e-postadress"},
		{"en", "emma@example.se", "Confirm your e-mail address", "Confirm e-mail address"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			c.Post(t, "/users", url.Values{"name": {"Person"}, "email": {tt.email}, "lang": {tt.lang}})
			m := app.SMTP.Next(t)
			if m.Subject != tt.wantSubject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.wantSubject)
			}
			// A browser asking for the other language still gets the person's own.
			req, _ := http.NewRequest(http.MethodGet, app.URL+linkPath(t, m.Text), nil)
			req.Header.Set("Accept-Language", "de-DE, en;q=0.1, sv;q=0.1")
			page := app.Client().Do(t, req)
			if got := strings.TrimSpace(page.Doc(t).Find("h1").Text()); got != tt.wantTitle {
				t.Errorf("page title = %q, want %q", got, tt.wantTitle)
			}
		})
	}
}

func TestWithoutMailServerMailWaitsInOutbox(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	page := follow(t, c, c.Post(t, "/users", url.Values{"name": {"Olle"}, "email": {"olle@example.se"}}))
	if got := flash(t, page); !strings.Contains(got, "utkorgen") {
		t.Errorf("flash = %q, want it to point to the outbox", got)
	}
	list := c.Get(t, "/users/outbox")
	href, ok := list.Doc(t).Find(`[data-testid="mail-row"] a`).Attr("href")
	if !ok {
		t.Fatalf("no mail in the outbox:\n%s", list.Body)
	}
	mailPage := c.Get(t, href)
	text := mailPage.Doc(t).Find(`[data-testid="mail-text"]`).Text()
	visitor := app.Client()
	form := visitor.Get(t, linkPath(t, text))
	token := form.Doc(t).Find(`input[name="token"]`).AttrOr("value", "")
	if r := visitor.Post(t, "/verify", url.Values{"token": {token}}); r.Status != http.StatusOK {
		t.Errorf("verify from the outbox link: status %d", r.Status)
	}
	if r := c.Post(t, href+"/retry", nil); r.Status != http.StatusSeeOther {
		t.Errorf("retry without a mail server: status %d, want 303 with a message", r.Status)
	}
}

func TestFailedSendIsShownAndCanBeRetried(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithSMTP(), exempelAB)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	app.SMTP.Fail(smtptest.StageRcpt, 550, "No such user here")
	page := follow(t, c, c.Post(t, "/users", url.Values{"name": {"Nils"}, "email": {"nils@example.se"}}))
	if got := flash(t, page); !strings.Contains(got, "550 No such user here") {
		t.Errorf("flash = %q, want the server's refusal", got)
	}
	if got := page.Doc(t).Find(`[data-testid="mail-status"]`).Text(); got != "Misslyckades" {
		t.Errorf("mail status on the user page = %q, want Misslyckades", got)
	}
	href := page.Doc(t).Find(`[data-testid="mail-row"] a`).AttrOr("href", "")
	if got := c.Get(t, href).Doc(t).Find(`[data-testid="mail-error"]`).Text(); !strings.Contains(got, "550") {
		t.Errorf("outbox error = %q, want the 550", got)
	}
	app.SMTP.Recover()
	retried := follow(t, c, c.Post(t, href+"/retry", nil))
	if got := retried.Doc(t).Find(`[data-testid="mail-status"]`).Text(); got != "Skickat" {
		t.Errorf("status after retry = %q, want Skickat", got)
	}
	m := app.SMTP.Next(t)
	token := strings.TrimPrefix(linkPath(t, m.Text), "/verify?token=")
	if shown := c.Get(t, href).Doc(t).Find(`[data-testid="mail-text"]`).Text(); strings.Contains(shown, token) {
		t.Error("the outbox shows the live link of a delivered mail")
	}
	if r := c.Post(t, href+"/retry", nil); !strings.Contains(flash(t, follow(t, c, r)), "redan skickats") {
		t.Error("retrying a sent mail did not say it was already sent")
	}
	if got := strings.Join(storetest.AuditActions(t, app.Store, "nils@example.se"), " "); got != "user.create verification.send mail.failed mail.sent" {
		t.Errorf("audit = %s", got)
	}
}
