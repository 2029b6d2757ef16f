package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

func TestSSOSignIn(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	anna := env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "Anna@Example.se", EmailVerified: true, Name: "Anna"})
	c := env.Client()

	t.Run("the e-mail step may lead to every enabled provider", func(t *testing.T) {
		// With password sign-in off it goes straight to the provider.
		if csp := c.Get(t, "/login").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+env.OP.Issuer()) {
			t.Errorf("CSP %q does not let the e-mail step lead to the provider", csp)
		}
	})
	t.Run("the method page offers the provider for the domain", func(t *testing.T) {
		c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		r := c.Get(t, "/login/method")
		if got := r.Doc(t).Find("[data-testid=login-sso]").Text(); got != "Logga in med Test IdP" {
			t.Errorf("SSO button %q", got)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+env.OP.Issuer()) {
			t.Errorf("CSP %q does not let the form lead to the provider", csp)
		}
	})
	t.Run("the first sign-in links by verified e-mail", func(t *testing.T) {
		r := env.SSOSignIn(t, c, env.IdP, "anna@example.se")
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("callback: status %d Location %q\n%s", r.Status, r.Location, r.Body)
		}
		link, err := env.Store.LinkOfUser(context.Background(), anna.ID)
		if err != nil || link.Issuer != env.OP.Issuer() || link.Subject != "anna-1" {
			t.Fatalf("link %+v, %v", link, err)
		}
		profile := c.Get(t, "/profile").Doc(t)
		if got := profile.Find("[data-testid=profile-method]").Text(); !strings.Contains(got, "single sign-on via Test IdP") {
			t.Errorf("profile method %q", got)
		}
		if got := lastAudit(t, env, "login.success"); !strings.Contains(got, "method=sso") {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("later sign-ins match by the link, not the e-mail", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@elsewhere.org", EmailVerified: false, Name: "Anna"})
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
		}
	})
	t.Run("another subject with the same e-mail is refused", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "impostor", Email: "anna@example.se", EmailVerified: true})
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		wantRefused(t, env, r, "already_linked")
	})
}

// wantRefused checks a refused sign-in: 403 page with a message, and the reason in the audit log.
func wantRefused(t *testing.T, env *handlertest.App, r *handlertest.Response, kind string) {
	t.Helper()
	if r.Status != http.StatusForbidden && r.Status != http.StatusBadRequest {
		t.Fatalf("status %d, want a refusal\n%s", r.Status, r.Body)
	}
	if r.Doc(t).Find("[data-testid=sso-failure]").Length() != 1 {
		t.Errorf("no failure message on the page")
	}
	if got := lastAudit(t, env, "login.failure"); !strings.Contains(got, ": "+kind+": ") {
		t.Errorf("audit detail %q, want kind %s", got, kind)
	}
}

func TestSSOSignInRefusals(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.User(t, "bo@example.se", handlertest.UserOpts{Verified: false})
	storetest.VerifiedDomain(t, env.Store, "other.se")
	env.User(t, "cia@other.se", handlertest.UserOpts{Verified: true})
	tests := []struct {
		name      string
		user      oidctest.User
		misbehave []oidctest.Misbehaviour
		kind      string
	}{
		{"unverified e-mail at the provider", oidctest.User{Subject: "a", Email: "anna@example.se", EmailVerified: false}, nil, "email_unverified"},
		{"no e-mail", oidctest.User{Subject: "a"}, []oidctest.Misbehaviour{oidctest.NoEmail}, "email_missing"},
		{"e-mail on a domain the provider does not serve", oidctest.User{Subject: "c", Email: "cia@other.se", EmailVerified: true}, nil, "domain_not_served"},
		{"e-mail on a domain that is not verified", oidctest.User{Subject: "d", Email: "dan@unverified.se", EmailVerified: true}, nil, "domain_not_verified"},
		{"no user with the e-mail", oidctest.User{Subject: "e", Email: "eva@example.se", EmailVerified: true}, nil, "no_matching_user"},
		{"user whose e-mail is not verified in portvakt", oidctest.User{Subject: "b", Email: "bo@example.se", EmailVerified: true}, nil, "user_email_unverified"},
		{"bad signature", annaAt(), []oidctest.Misbehaviour{oidctest.UnknownKey}, "bad_signature"},
		{"alg none", annaAt(), []oidctest.Misbehaviour{oidctest.AlgNone}, "unsupported_alg"},
		{"wrong issuer", annaAt(), []oidctest.Misbehaviour{oidctest.WrongIssuer}, "issuer_mismatch"},
		{"wrong audience", annaAt(), []oidctest.Misbehaviour{oidctest.WrongAudience}, "audience_mismatch"},
		{"wrong nonce", annaAt(), []oidctest.Misbehaviour{oidctest.WrongNonce}, "nonce_mismatch"},
		{"missing sub", annaAt(), []oidctest.Misbehaviour{oidctest.MissingSub}, "missing_sub"},
		{"missing iat", annaAt(), []oidctest.Misbehaviour{oidctest.MissingIat}, "missing_iat"},
		{"several audiences without azp", annaAt(), []oidctest.Misbehaviour{oidctest.ExtraAudience}, "azp_mismatch"},
		{"expired token", annaAt(), []oidctest.Misbehaviour{oidctest.Expired}, "expired"},
		{"wrong iss parameter", annaAt(), []oidctest.Misbehaviour{oidctest.WrongIssParam}, "issuer_mismatch"},
		{"invalid client at the token endpoint", annaAt(), []oidctest.Misbehaviour{oidctest.TokenInvalidClient}, "invalid_client"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			env.OP.SetUser(tt.user)
			env.OP.Misbehave(tt.misbehave...)
			r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
			wantRefused(t, env, r, tt.kind)
		})
	}
	env.OP.Misbehave()
	t.Run("refuses a domain not on the allowed list", func(t *testing.T) {
		storetest.AllowedDomains(t, env.Store, "elsewhere.se")
		env.OP.SetUser(annaAt())
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		wantRefused(t, env, r, "domain_not_allowed")
		storetest.AllowedDomains(t, env.Store)
	})
	t.Run("accepts after key rotation", func(t *testing.T) {
		env.OP.SetUser(annaAt())
		env.OP.RotateKeys()
		r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", r.Status, r.Body)
		}
	})
}

func annaAt() oidctest.User {
	return oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, Name: "Anna"}
}

func TestSSOState(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(annaAt())
	start := func(c *handlertest.Client) url.Values {
		c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		r := c.Post(t, "/login/sso/"+strconv.FormatInt(env.IdP, 10), nil)
		q, err := oidctest.Callback(context.Background(), r.Location, env.Server.RedirectURI())
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	t.Run("refuses a replayed state", func(t *testing.T) {
		c := env.Client()
		q := start(c)
		if r := c.Get(t, "/auth/oidc/callback?"+q.Encode()); r.Status != http.StatusSeeOther {
			t.Fatalf("first callback: status %d", r.Status)
		}
		r := c.Get(t, "/auth/oidc/callback?"+q.Encode())
		wantRefused(t, env, r, "state")
	})
	t.Run("refuses a callback in another browser", func(t *testing.T) {
		q := start(env.Client())
		r := env.Client().Get(t, "/auth/oidc/callback?"+q.Encode())
		wantRefused(t, env, r, "state")
	})
	t.Run("refuses an unknown state", func(t *testing.T) {
		r := env.Client().Get(t, "/auth/oidc/callback?code=x&state=made-up")
		wantRefused(t, env, r, "state")
	})
	t.Run("shows the provider's error escaped", func(t *testing.T) {
		env.OP.FailAuthorization("access_denied", "<script>alert(1)</script>")
		defer env.OP.FailAuthorization("", "")
		c := env.Client()
		q := start(c)
		r := c.Get(t, "/auth/oidc/callback?"+q.Encode())
		wantRefused(t, env, r, "access_denied")
		if strings.Contains(r.Body, "<script>alert") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("description not shown escaped:\n%s", r.Body)
		}
		if !strings.Contains(r.Body, "access_denied") {
			t.Errorf("error code not shown")
		}
	})
}

func TestSSOStraightToProviderWhenPasswordsAreOff(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	storetest.PasswordLogin(t, env.Store, false)
	c := env.Client()
	r := c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
		t.Fatalf("status %d Location %q, want the provider", r.Status, r.Location)
	}
	if hint := env.OP.LastAuthorization(); hint != nil {
		t.Fatalf("authorization already requested")
	}
	u, _ := url.Parse(r.Location)
	if got := u.Query().Get("login_hint"); got != "anna@example.se" {
		t.Errorf("login_hint %q", got)
	}
	if csp := c.Get(t, "/login").Header.Get("Content-Security-Policy"); !strings.Contains(csp, env.OP.Issuer()) {
		t.Errorf("e-mail step CSP %q does not allow the provider", csp)
	}
	t.Run("other domains still get the password-off message", func(t *testing.T) {
		c := env.Client()
		if r := c.Post(t, "/login", url.Values{"email": {"x@other.se"}}); r.Location != "/login/method" {
			t.Fatalf("Location %q", r.Location)
		}
		if c.Get(t, "/login/method").Doc(t).Find("[data-testid=login-nomethod]").Length() != 1 {
			t.Error("no 'no sign-in method' message")
		}
	})
}

func TestSSODisabledProvider(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(annaAt())
	c := env.Client()
	c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
	start := c.Post(t, "/login/sso/"+strconv.FormatInt(env.IdP, 10), nil)
	q, err := oidctest.Callback(context.Background(), start.Location, env.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	f := handlertest.IdPForm(env.OP, env.DomainID)
	f.Del("enabled")
	f.Del("client_secret")
	if r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), f); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: status %d\n%s", r.Status, r.Body)
	}
	t.Run("a sign-in under way is refused", func(t *testing.T) {
		wantRefused(t, env, c.Get(t, "/auth/oidc/callback?"+q.Encode()), "provider_disabled")
	})
	t.Run("it is no longer offered", func(t *testing.T) {
		c := env.Client()
		c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		if n := c.Get(t, "/login/method").Doc(t).Find("[data-testid=login-sso]").Length(); n != 0 {
			t.Errorf("%d SSO buttons, want none", n)
		}
		if r := c.Post(t, "/login/sso/"+strconv.FormatInt(env.IdP, 10), nil); r.Location != "/login/method" {
			t.Errorf("starting it anyway: status %d Location %q", r.Status, r.Location)
		}
	})
}
