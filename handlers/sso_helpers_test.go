package handlers_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// ssoEnv is the portal with a test OpenID provider, a verified domain and an administrator of
// Authentication Settings.
type ssoEnv struct {
	app    *handlertest.App
	op     *oidctest.Provider
	it     *handlertest.Client // signed in with Authentication Settings access
	itUser store.User
	domain int64
	idp    int64
}

// newSSOEnv sets up the portal with example.se verified and a provider serving it; opts may
// change the configuration first.
func newSSOEnv(t testing.TB, opts ...handlertest.Option) *ssoEnv {
	t.Helper()
	env := &ssoEnv{app: handlertest.New(t, opts...), op: oidctest.New(t)}
	env.op.RegisterRedirectURI(env.app.Server.RedirectURI())
	env.domain = storetest.VerifiedDomain(t, env.app.Store, "example.se").ID
	env.itUser = env.app.User(t, "it@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	env.it = env.app.ClientAs(t, env.itUser)
	env.idp = env.createIdP(t, idpForm(env.op, env.domain))
	return env
}

func idpForm(op *oidctest.Provider, domains ...int64) url.Values {
	f := url.Values{"preset": {"other"}, "name": {"Test IdP"}, "issuer": {op.Issuer()}, "client_id": {op.ClientID()},
		"client_secret": {op.ClientSecret()}, "scopes": {"openid email profile"}, "enabled": {"on"}}
	for _, d := range domains {
		f.Add("domain", strconv.FormatInt(d, 10))
	}
	return f
}

func (env *ssoEnv) createIdP(t testing.TB, form url.Values) int64 {
	t.Helper()
	r := env.it.Post(t, "/auth-settings/sso", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create provider: status %d\n%s", r.Status, r.Body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Location, "/auth-settings/sso/"), 10, 64)
	if err != nil {
		t.Fatalf("create provider: Location %q", r.Location)
	}
	return id
}

// ssoLogin walks the e-mail step, chooses the provider and returns the callback's response.
func (env *ssoEnv) ssoLogin(t testing.TB, c *handlertest.Client, email string) *handlertest.Response {
	t.Helper()
	if r := c.Post(t, "/login", url.Values{"email": {email}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	r := c.Post(t, "/login/sso/"+strconv.FormatInt(env.idp, 10), nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.op.Issuer()+"/authorize") {
		t.Fatalf("start: status %d, Location %q\n%s", r.Status, r.Location, r.Body)
	}
	return env.callback(t, c, r.Location)
}

// callback plays the provider's front channel and delivers its answer to the portal.
func (env *ssoEnv) callback(t testing.TB, c *handlertest.Client, authURL string) *handlertest.Response {
	t.Helper()
	q, err := oidctest.Callback(context.Background(), authURL, env.app.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	return c.Get(t, "/auth/oidc/callback?"+q.Encode())
}

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
	env := newSSOEnv(b, handlertest.WithConfig(func(cfg *handlers.Config) {
		_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
		cfg.TrustedProxies = []*net.IPNet{loopback}
	}))
	env.app.User(b, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.op.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		c := env.app.Client()
		c.HTTP.Transport = forwardedFor{xff: fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255), next: c.HTTP.Transport}
		if r := env.ssoLogin(b, c, "anna@example.se"); r.Status != http.StatusSeeOther {
			b.Fatalf("sign-in: status %d", r.Status)
		}
	}
}
