package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
)

// TestSSOSessionsEndWithLinkOrProvider: a person signed in through a provider is signed out on
// the next request once their link is removed, or the provider is disabled or removed. A
// password session of somebody else goes on.
func TestSSOSessionsEndWithLinkOrProvider(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, env *handlertest.App, annaID int64) *handlertest.Response
	}{
		{name: "removing the person's link", change: func(t *testing.T, env *handlertest.App, annaID int64) *handlertest.Response {
			admin := env.ClientAs(t, env.User(t, "admin@example.se", handlertest.UserOpts{Admin: true, Verified: true}))
			return admin.Post(t, "/users/"+strconv.FormatInt(annaID, 10)+"/unlink", nil)
		}},
		{name: "disabling the provider", change: func(t *testing.T, env *handlertest.App, _ int64) *handlertest.Response {
			form := handlertest.IdPForm(env.OP, env.DomainID)
			form.Del("enabled")
			return env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), form)
		}},
		{name: "removing the provider", change: func(t *testing.T, env *handlertest.App, _ int64) *handlertest.Response {
			return env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10)+"/remove", url.Values{"confirm": {"Test IdP"}})
		}},
	}
	for _, tt := range tests {
		t.Run("signs out on "+tt.name, func(t *testing.T) {
			env := handlertest.New(t, handlertest.WithSSO())
			anna := env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
			env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
			c := env.Client()
			if r := env.SSOSignIn(t, c, env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther {
				t.Fatalf("SSO sign-in: status %d\n%s", r.Status, r.Body)
			}
			if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
				t.Fatalf("profile after SSO sign-in: status %d", r.Status)
			}
			if r := tt.change(t, env, anna.ID); r.Status != http.StatusSeeOther {
				t.Fatalf("change: status %d\n%s", r.Status, r.Body)
			}
			if r := c.Get(t, "/profile"); r.Status != http.StatusSeeOther || r.Location != "/login" {
				t.Errorf("SSO session after the change: status %d to %q, want 303 to /login", r.Status, r.Location)
			}
			if r := env.IT.Get(t, "/profile"); r.Status != http.StatusOK {
				t.Errorf("password session of the person who changed it: status %d, want 200", r.Status)
			}
		})
	}
}
