package handlers_test

import (
	"fmt"
	"net"
	"net/http"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// ssoAuditRows returns "target | detail | after" of the audit rows with action, oldest first.
func ssoAuditRows(t testing.TB, app *handlertest.App, action string) []string {
	t.Helper()
	var out []string
	for _, r := range storetest.AuditRows(t, app.Store, action) {
		out = append(out, r.Target+" | "+r.Detail+" | "+r.After)
	}
	return out
}

func lastAudit(t testing.TB, app *handlertest.App, action string) string {
	t.Helper()
	all := ssoAuditRows(t, app, action)
	if len(all) == 0 {
		t.Fatalf("no audit row %q", action)
	}
	return all[len(all)-1]
}

// BenchmarkSSOSignIn measures a whole SSO sign-in: the e-mail step, the start, the provider's
// front channel and the callback (code exchange, ID token verification, session). Each sign-in
// comes from another address behind a trusted proxy, so that the per-client limits stay out of
// the way.
func BenchmarkSSOSignIn(b *testing.B) {
	env := handlertest.New(b, handlertest.WithSSO(), handlertest.WithConfig(func(cfg *handlers.Config) {
		_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
		cfg.TrustedProxies = []*net.IPNet{loopback}
	}))
	env.User(b, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		c := env.Client()
		c.HTTP.Transport = forwardedFor{xff: fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255), next: c.HTTP.Transport}
		if r := env.SSOSignIn(b, c, env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther {
			b.Fatalf("sign-in: status %d", r.Status)
		}
	}
}

// linkedBoss makes the provider of env tested (by it@example.se) and an administrator,
// boss@example.se, who has linked their identity from their profile.
func linkedBoss(t *testing.T, env *handlertest.App) (store.User, *handlertest.Client) {
	t.Helper()
	testSignIn(t, env)
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, Verified: true})
	bossC := env.ClientAs(t, boss)
	env.OP.SetUser(oidctest.User{Subject: "boss-1", Email: "boss@example.se", EmailVerified: true})
	if r := profileLink(t, env, bossC); r.Status != http.StatusSeeOther || r.Location != "/profile" {
		t.Fatalf("boss links from the profile: status %d Location %q", r.Status, r.Location)
	}
	return boss, bossC
}
