package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

func cookieValue(t *testing.T, app *handlertest.App, c *handlertest.Client) string {
	t.Helper()
	u, _ := url.Parse(app.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == handlers.CookieName {
			return ck.Value
		}
	}
	return ""
}

func sessionsOf(t *testing.T, app *handlertest.App, userID int64) []string {
	t.Helper()
	// No store method lists a person's sessions: read them in the database.
	rows, err := storetest.DB(t, app.Store).Query("SELECT method FROM sessions WHERE user_id = ? ORDER BY created_at", userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var m string
		rows.Scan(&m)
		out = append(out, m)
	}
	return out
}

// TestRulesSSOSignInRenewsTheSession: an SSO sign-in, like a password one, ends the browser's
// old session and issues a new token, so that a cookie planted or stolen before it is worthless.
func TestRulesSSOSignInRenewsTheSession(t *testing.T) {
	t.Parallel()
	w, _ := newRulesWorld(t)
	w.OP.SetUser(oidctest.User{Subject: "plain-1", Email: "plain@example.se", EmailVerified: true})
	c := w.Client()
	c.SignIn(t, "plain@example.se", handlertest.Password)
	before := cookieValue(t, w, c)
	if r := w.SSOSignIn(t, c, w.IdP, "plain@example.se"); r.Status != http.StatusSeeOther {
		t.Fatalf("SSO sign-in: status %d\n%s", r.Status, r.Body)
	}
	if cookieValue(t, w, c) == before {
		t.Fatal("the session cookie did not change at SSO sign-in")
	}
	if got := strings.Join(sessionsOf(t, w, w.UserByEmail(t, "plain@example.se").ID), " "); got != "sso" {
		t.Errorf("sessions of the user: %q, want only the new SSO one", got)
	}
	old := w.Client()
	u, _ := url.Parse(w.URL)
	old.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: handlers.CookieName, Value: before, Path: "/"}})
	if r := old.Get(t, "/profile"); r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Errorf("the cookie from before the SSO sign-in: status %d to %q, want 303 to /login", r.Status, r.Location)
	}
	if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Errorf("the new session: status %d", r.Status)
	}
}

// TestRulesRevocationsActOnTheNextRequest: demotion of another administrator, removal of a
// grant through the page, and password sign-in going off all change what an already signed-in
// browser may do on its very next request.
func TestRulesRevocationsActOnTheNextRequest(t *testing.T) {
	t.Parallel()
	w, _ := newRulesWorld(t)
	boss := w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
	t.Run("demotion", func(t *testing.T) {
		other := w.User(t, "admin2@example.se", handlertest.UserOpts{Admin: true})
		c := w.ClientAs(t, other)
		if r := c.Get(t, "/users"); r.Status != http.StatusOK {
			t.Fatalf("before: status %d", r.Status)
		}
		if r := boss.Post(t, "/users/"+strconv.FormatInt(other.ID, 10)+"/admin", url.Values{"admin": {"off"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("demote: status %d", r.Status)
		}
		for _, path := range []string{"/users", "/security", "/audit"} {
			if r := c.Get(t, path); r.Status != http.StatusForbidden {
				t.Errorf("%s after demotion: status %d, want 403", path, r.Status)
			}
		}
	})
	t.Run("grant removed", func(t *testing.T) {
		it := w.User(t, "it2@example.se", handlertest.UserOpts{AuthSettings: true})
		c := w.ClientAs(t, it)
		if r := c.Get(t, "/auth-settings/sso"); r.Status != http.StatusOK {
			t.Fatalf("before: status %d", r.Status)
		}
		// Keep the boss's own grant, drop the other.
		if r := boss.Post(t, "/security/grants", url.Values{"person": {"boss@example.se"}, "action": {"save"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("save grants: status %d\n%s", r.Status, r.Body)
		}
		for _, path := range []string{"/auth-settings", "/auth-settings/sso", "/auth-settings/domains", "/audit"} {
			if r := c.Get(t, path); r.Status != http.StatusForbidden {
				t.Errorf("%s after the grant went: status %d, want 403", path, r.Status)
			}
		}
		if r := c.Post(t, "/auth-settings/domains", url.Values{"domain": {"example.net"}}); r.Status != http.StatusForbidden {
			t.Errorf("adding a domain after the grant went: status %d, want 403", r.Status)
		}
	})
	t.Run("password sign-in off", func(t *testing.T) {
		pwd := w.ClientAs(t, w.UserByEmail(t, "plain@example.se"))
		sso := w.SSOClientAs(t, w.UserByEmail(t, "plain@example.se"), 1)
		storetest.PasswordLogin(t, w.Store, false)
		defer storetest.PasswordLogin(t, w.Store, true)
		if r := pwd.Get(t, "/profile"); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Errorf("password session after password sign-in went off: status %d to %q, want 303 to /login", r.Status, r.Location)
		}
		if r := sso.Get(t, "/profile"); r.Status != http.StatusOK {
			t.Errorf("SSO session after password sign-in went off: status %d, want 200", r.Status)
		}
	})
}

// TestRulesTestSignInShowsClaimsEscaped: what a provider sends comes back on the test sign-in
// page as text, never as markup.
func TestRulesTestSignInShowsClaimsEscaped(t *testing.T) {
	t.Parallel()
	w, ids := newRulesWorld(t)
	w.OP.SetUser(oidctest.User{Subject: "<b>sub</b>", Email: "boss@example.se", EmailVerified: true, Name: `<script>alert("name")</script>`})
	c := w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
	r := c.Post(t, routePath(ids, "/auth-settings/sso/:id")+"/test", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start: status %d", r.Status)
	}
	q, err := oidctest.Callback(context.Background(), r.Location, w.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	c.Get(t, "/auth/oidc/callback?"+q.Encode())
	page := c.Get(t, routePath(ids, "/auth-settings/sso/:id")+"/test")
	if page.Status != http.StatusOK {
		t.Fatalf("result page: status %d", page.Status)
	}
	if strings.Contains(page.Body, "<script>alert") || strings.Contains(page.Body, "<b>sub</b>") {
		t.Errorf("claims reach the page as markup:\n%s", page.Body)
	}
	if !strings.Contains(page.Body, "&lt;script&gt;") {
		t.Errorf("the name claim is not shown (escaped) on the page")
	}
}
