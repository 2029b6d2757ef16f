package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

// TestSSOPromotionWhilePasswordOffKeepsTheWayIn: while password sign-in is off, a person who has
// not signed in through SSO yet gets in by linking on their first SSO sign-in. An administrator
// who makes that person an administrator, or grants them Authentication Settings, first (the
// wrong order) takes that way away: a privileged person is never linked by a sign-in, and they
// have no session to link from. The change must be refused until the person is linked.
func TestSSOPromotionWhilePasswordOffKeepsTheWayIn(t *testing.T) {
	for _, tt := range []struct {
		name string
		post func(t *testing.T, c *handlertest.Client, anna int64) *handlertest.Response
	}{
		{"made administrator", func(t *testing.T, c *handlertest.Client, anna int64) *handlertest.Response {
			return c.Post(t, "/users/"+strconv.FormatInt(anna, 10)+"/admin", url.Values{"admin": {"on"}})
		}},
		{"granted Authentication Settings", func(t *testing.T, c *handlertest.Client, _ int64) *handlertest.Response {
			return c.Post(t, "/security/grants", url.Values{"action": {"save"}, "person": {"it@example.se", "anna@example.se"}})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := handlertest.New(t, handlertest.WithSSO())
			_, bossC := linkedBoss(t, env)
			anna := env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
			storetest.PasswordLogin(t, env.Store, false)

			if r := tt.post(t, bossC, anna.ID); r.Status == http.StatusSeeOther {
				t.Errorf("while password sign-in is off, a person not linked yet %s: status %d, want it refused", tt.name, r.Status)
			}
			st, err := env.Store.PasswordOffCheck(t.Context(), "")
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range st.Affected {
				if u.ID == anna.ID {
					t.Errorf("anna is left without a way in: %s", u.Why)
				}
			}
			env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
			if r := ssoDirectLogin(t, env, env.Client(), "anna@example.se"); r.Status != http.StatusSeeOther {
				t.Errorf("anna's first SSO sign-in: status %d, want signed in", r.Status)
			}
		})
	}
}
