package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

const confirmPath = "/auth-settings/policies/password/confirm"

// newConfirmEnv is the portal ready for SSO (handlertest.WithSSO) sending mail through a real
// SMTP server on loopback, with the provider tested and password sign-in switched off by
// it@example.se: the confirmation window runs.
func newConfirmEnv(t *testing.T) *handlertest.App {
	t.Helper()
	env := handlertest.New(t, handlertest.WithSSO(), handlertest.WithSMTP())
	testSignIn(t, env)
	if r := env.IT.Get(t, reviewPath); !strings.Contains(r.Doc(t).Find("[data-testid=policy-window]").Text(), "10 minuter på dig att bekräfta") {
		t.Errorf("the review page does not explain the window:\n%s", r.Doc(t).Find("[data-testid=policy-what]").Text())
	}
	if r := env.IT.Post(t, reviewPath, confirmForm(t, env.IT, "example.se")); r.Status != http.StatusSeeOther {
		t.Fatalf("switch off: status %d\n%s", r.Status, r.Body)
	}
	return env
}

// moveClock moves the store clock by d from now, until the test ends.
func moveClock(t *testing.T, app *handlertest.App, d time.Duration) {
	t.Helper()
	storetest.SetClock(t, app.Store, func() time.Time { return time.Now().Add(d) })
}

func windowState(t *testing.T, app *handlertest.App) string {
	t.Helper()
	var s string
	// The store reads only an open window; how a closed one ended is read in the database.
	if err := storetest.DB(t, app.Store).QueryRow("SELECT state FROM password_off_windows ORDER BY id DESC LIMIT 1").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPasswordConfirmBanner(t *testing.T) {
	t.Parallel()
	env := newConfirmEnv(t)
	t.Run("counts down on every page for people with Authentication Settings access", func(t *testing.T) {
		for _, path := range []string{"/", "/profile", "/auth-settings/domains", "/auth-settings/policies"} {
			doc := env.IT.Get(t, path).Doc(t)
			got := strings.Join(strings.Fields(doc.Find("[data-testid=confirm-banner]").Text()), " ")
			if !strings.Contains(got, "Inloggning med lösenord slås på igen kl.") || !strings.Contains(got, "(om 10 minuter) om ingen bekräftar") {
				t.Errorf("banner on %s = %q", path, got)
			}
			if href, _ := doc.Find("[data-testid=confirm-banner-link]").Attr("href"); href != "/auth-settings/policies#password-confirm" {
				t.Errorf("banner link on %s = %q", path, href)
			}
		}
	})
	t.Run("in English too", func(t *testing.T) {
		c := env.SSOClientAs(t, env.ITUser, env.IdP)
		c.Post(t, "/lang", url.Values{"lang": {"en"}, "return": {"/"}})
		got := strings.Join(strings.Fields(c.Get(t, "/profile").Doc(t).Find("[data-testid=confirm-banner]").Text()), " ")
		if !strings.Contains(got, "Password sign-in comes back on at") || !strings.Contains(got, "(in 10 minutes) unless confirmed.") {
			t.Errorf("banner = %q", got)
		}
	})
	t.Run("not for people without access", func(t *testing.T) {
		u := env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
		c := env.SSOClientAs(t, u, env.IdP)
		if r := c.Get(t, "/profile"); r.Status != http.StatusOK || r.Doc(t).Find("[data-testid=confirm-banner]").Length() != 0 {
			t.Errorf("status %d, banner shown %v", r.Status, r.Doc(t).Find("[data-testid=confirm-banner]").Length() != 0)
		}
	})
	t.Run("counts the minutes left", func(t *testing.T) {
		moveClock(t, env, 4*time.Minute+30*time.Second)
		if got := env.IT.Get(t, "/").Doc(t).Find("[data-testid=confirm-countdown]").Text(); got != "om 6 minuter" {
			t.Errorf("countdown = %q", got)
		}
	})
}

func TestPasswordConfirm(t *testing.T) {
	t.Parallel()
	env := newConfirmEnv(t)
	t.Run("refused from the SSO sign-in made before the switch", func(t *testing.T) {
		r := env.IT.Post(t, confirmPath, nil)
		got := r.Doc(t).Find("[data-testid=error-summary] a[href='#password-confirm']").Text()
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(got, "Logga ut och logga in igen via single sign-on") {
			t.Errorf("status %d, error %q", r.Status, got)
		}
		if !strings.Contains(r.Doc(t).Find("[data-testid=confirm-not-ready]").Text(), "började före avstängningen") {
			t.Error("the Policies page does not say why this sign-in cannot confirm")
		}
		if got := lastAudit(t, env, "policy.password_login.confirm_refused"); !strings.Contains(got, "before_switch") {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("refused to a person without Authentication Settings access", func(t *testing.T) {
		moveClock(t, env, time.Minute)
		u := env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
		if r := env.SSOClientAs(t, u, env.IdP).Post(t, confirmPath, nil); r.Status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.Status)
		}
	})
	t.Run("no password session is left to confirm from", func(t *testing.T) {
		c := env.Client()
		c.Post(t, "/login", url.Values{"email": {"it@example.se"}})
		if r := c.Post(t, "/login/password", url.Values{"password": {handlertest.Password}}); r.Status != http.StatusForbidden {
			t.Errorf("password sign-in during the window: status %d", r.Status)
		}
		if r := c.Post(t, confirmPath, nil); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Errorf("confirm without a session: status %d Location %q", r.Status, r.Location)
		}
	})
	t.Run("needs the CSRF token", func(t *testing.T) {
		moveClock(t, env, time.Minute)
		c := env.SSOClientAs(t, env.ITUser, env.IdP)
		if r := c.PostRaw(t, confirmPath, nil); r.Status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.Status)
		}
	})
	if got := windowState(t, env); got != "open" {
		t.Fatalf("window %s after the refusals", got)
	}
	t.Run("accepted from a new SSO sign-in", func(t *testing.T) {
		moveClock(t, env, time.Minute)
		c := env.Client()
		if r := env.SSOSignIn(t, c, env.IdP, "it@example.se"); r.Status != http.StatusSeeOther {
			t.Fatalf("SSO sign-in: status %d\n%s", r.Status, r.Body)
		}
		if got := c.Get(t, "/auth-settings/policies").Doc(t).Find("[data-testid=confirm-ready]").Text(); !strings.Contains(got, "efter avstängningen") {
			t.Errorf("ready text %q", got)
		}
		r := c.Post(t, confirmPath, nil)
		if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/policies" {
			t.Fatalf("confirm: status %d Location %q\n%s", r.Status, r.Location, r.Body)
		}
		doc := c.Get(t, "/auth-settings/policies").Doc(t)
		if got := doc.Find("[data-testid=flash]").Text(); got != "Bekräftat. Inloggning med lösenord förblir avstängd." {
			t.Errorf("flash %q", got)
		}
		if doc.Find("[data-testid=confirm-banner]").Length() != 0 || doc.Find("[data-testid=password-confirm]").Length() != 0 {
			t.Error("the banner or the Confirm button is still there")
		}
		if got := lastAudit(t, env, "policy.password_login.confirmed"); !strings.Contains(got, "confirmed from an SSO sign-in") {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("nothing comes back on after the deadline once confirmed", func(t *testing.T) {
		moveClock(t, env, time.Hour)
		if err := env.Server.SettlePasswordConfirm(context.Background()); err != nil {
			t.Fatal(err)
		}
		if passwordOn(t, env) {
			t.Error("password sign-in came back on")
		}
	})
}

func TestPasswordConfirmRevert(t *testing.T) {
	t.Parallel()
	t.Run("the e-mail and password steps read an overdue window as ON", func(t *testing.T) {
		env := newConfirmEnv(t)
		moveClock(t, env, 10*time.Minute+time.Second)
		c := env.Client()
		r := c.Post(t, "/login", url.Values{"email": {"it@example.se"}})
		if r.Status != http.StatusSeeOther || strings.HasPrefix(r.Location, env.OP.Issuer()) {
			t.Fatalf("e-mail step: status %d Location %q, want a choice, not straight to the provider", r.Status, r.Location)
		}
		if r := c.Post(t, "/login/password", url.Values{"password": {handlertest.Password}}); r.Status != http.StatusSeeOther {
			t.Fatalf("password step: status %d\n%s", r.Status, r.Body)
		}
		if got := windowState(t, env); got != "reverted" {
			t.Errorf("window %s", got)
		}
		if got := lastAudit(t, env, "policy.password_login"); got != "password | not confirmed within 10 minutes | on" {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("the loop switches back on and mails the switcher in their language", func(t *testing.T) {
		env := newConfirmEnv(t)
		storetest.Lang(t, env.Store, "it@example.se", "en")
		moveClock(t, env, 9*time.Minute)
		if err := env.Server.SettlePasswordConfirm(context.Background()); err != nil || passwordOn(t, env) {
			t.Fatalf("before the deadline: %v, on %v", err, passwordOn(t, env))
		}
		moveClock(t, env, 10*time.Minute)
		if err := env.Server.SettlePasswordConfirm(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !passwordOn(t, env) {
			t.Fatal("password sign-in is still off")
		}
		m := env.SMTP.Next(t)
		if m.To[0] != "it@example.se" || m.Subject != "Password sign-in is on again" ||
			!strings.Contains(m.Text, "Nobody confirmed it from a new single sign-on sign-in within 10 minutes") ||
			!strings.Contains(m.Text, env.URL+"/auth-settings/policies") {
			t.Errorf("mail to %v: %q\n%s", m.To, m.Subject, m.Text)
		}
		if err := env.Server.SettlePasswordConfirm(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(env.SMTP.Messages()); n != 1 {
			t.Errorf("%d mails, want 1", n)
		}
	})
	t.Run("a confirmation after the deadline is refused", func(t *testing.T) {
		env := newConfirmEnv(t)
		moveClock(t, env, 10*time.Minute+time.Second)
		c := env.SSOClientAs(t, env.ITUser, env.IdP)
		r := c.Post(t, confirmPath, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find("[data-testid=error-summary]").Text(), "Tiden för att bekräfta gick ut") {
			t.Errorf("status %d\n%s", r.Status, r.Doc(t).Find("main").Text())
		}
		if !passwordOn(t, env) {
			t.Error("password sign-in is still off")
		}
	})
	t.Run("switching on by hand clears the window", func(t *testing.T) {
		env := newConfirmEnv(t)
		if r := env.IT.Post(t, "/auth-settings/policies/password/on", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		if got := windowState(t, env); got != "cleared" {
			t.Errorf("window %s", got)
		}
		if env.IT.Get(t, "/").Doc(t).Find("[data-testid=confirm-banner]").Length() != 0 {
			t.Error("the banner is still shown")
		}
	})
}
