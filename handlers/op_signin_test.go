package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
	"portvakt/views/paths"
)

// TestAppSignInIsPortvaktsSignIn: a person not signed in who comes from an app signs in with
// portvakt's own sign-in (e-mail first, then the organisation's identity provider) and lands
// back in the app, signed in as the right person, federated; a second app then needs no new
// sign-in.
func TestAppSignInIsPortvaktsSignIn(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	w := opWorldOn(t, env)
	hr := w.register(t, store.AppWeb)
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, Name: "Anna"})
	c := env.Client()
	verifier := oauth2.GenerateVerifier()

	r := hr.authorize(t, c, verifier)
	if r.Status != http.StatusFound || r.Location != paths.Login {
		t.Fatalf("not signed in: status %d Location %q, want portvakt's sign-in", r.Status, r.Location)
	}
	r = env.SSOSignIn(t, c, env.IdP, "anna@example.se")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, paths.OPContinue+"?") {
		t.Fatalf("after signing in: status %d Location %q, want back to the app's sign-in", r.Status, r.Location)
	}
	r = c.Get(t, r.Location)
	back, _ := url.Parse(r.Location)
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Location, rpRedirect) || back.Query().Get("code") == "" {
		t.Fatalf("continue: status %d Location %q", r.Status, r.Location)
	}
	tok, err := hr.exchange(t, back.Query().Get("code"), verifier)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Email string   `json:"email"`
		AMR   []string `json:"amr"`
		IdP   string   `json:"idp"`
	}
	if err := hr.idToken(t, tok).Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.Email != "anna@example.se" || !slices.Equal(claims.AMR, []string{"fed"}) || claims.IdP != env.OP.Issuer() {
		t.Errorf("claims %+v, want anna, amr [fed] and idp %s", claims, env.OP.Issuer())
	}

	// One sign-in for every app: the next app needs no new one.
	mobile := w.register(t, store.AppNative, func(s *store.AppSettings) { s.RedirectURIs = []string{"se.example.hr:/callback"} })
	mobile.conf.RedirectURL = "se.example.hr:/callback"
	v2 := oauth2.GenerateVerifier()
	if code := mobile.signIn(t, c, v2); code == "" {
		t.Fatal("no code for the second app")
	}
	if got := storeAudit(t, env, "app.sign_in"); len(got) != 2 {
		t.Errorf("app.sign_in audit rows = %v, want one per app", got)
	}
}

// TestNativeAppLoopbackAndPKCE: a mobile or desktop app (public) signs in with PKCE from a
// loopback redirect on whatever port it got; without PKCE it is refused.
func TestNativeAppLoopbackAndPKCE(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	desk := w.register(t, store.AppNative, func(s *store.AppSettings) { s.RedirectURIs = []string{"http://127.0.0.1/callback"} })
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})

	desk.conf.RedirectURL = "http://127.0.0.1:53127/callback" // the port the app was given today
	verifier := oauth2.GenerateVerifier()
	code := desk.signIn(t, c, verifier)
	tok, err := desk.exchange(t, code, verifier)
	if err != nil {
		t.Fatalf("exchange without a secret, with PKCE: %v", err)
	}
	desk.idToken(t, tok)
	if _, err := desk.refresh(tok.RefreshToken); err != nil {
		t.Errorf("a public app's refresh: %v", err)
	}

	t.Run("without PKCE the app is sent back an error, not a code", func(t *testing.T) {
		r := desk.authorize(t, c, "")
		back, _ := url.Parse(r.Location)
		if back == nil || back.Query().Get("code") != "" || back.Query().Get("error") != "invalid_request" {
			t.Errorf("status %d Location %q, want error=invalid_request", r.Status, r.Location)
		}
	})
	t.Run("a wrong code verifier is refused", func(t *testing.T) {
		code := desk.signIn(t, c, oauth2.GenerateVerifier())
		if _, err := desk.exchange(t, code, oauth2.GenerateVerifier()); err == nil {
			t.Error("a code was exchanged with another verifier")
		}
	})
	t.Run("another path on loopback is not registered", func(t *testing.T) {
		desk.conf.RedirectURL = "http://127.0.0.1:53127/elsewhere"
		defer func() { desk.conf.RedirectURL = "http://127.0.0.1:53127/callback" }()
		r := desk.authorize(t, c, oauth2.GenerateVerifier())
		if r.Status != http.StatusBadRequest || r.Location != "" {
			t.Errorf("status %d Location %q, want an error page at portvakt and no redirect", r.Status, r.Location)
		}
	})
}

// storeAudit returns the targets of the audit rows with action.
func storeAudit(t *testing.T, app *handlertest.App, action string) []string {
	t.Helper()
	var out []string
	for _, r := range storetest.AuditRows(t, app.Store, action) {
		out = append(out, r.Target)
	}
	return out
}

// TestPromptLoginEndsWithACodeAfterANewSignIn: an app asking for a new sign-in sends the person
// to portvakt's sign-in although they are signed in, and once they signed in again (in the same
// second, even) it gets its code, for the sign-in that is newer than its request.
func TestPromptLoginEndsWithACodeAfterANewSignIn(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	verifier := oauth2.GenerateVerifier()
	r := web.authorize(t, c, verifier, oauth2.SetAuthURLParam("prompt", "login"))
	if r.Status != http.StatusFound || r.Location != paths.Login {
		t.Fatalf("prompt=login: status %d Location %q, want the sign-in page", r.Status, r.Location)
	}
	if got := c.Get(t, paths.Login); got.Status != http.StatusOK || !strings.Contains(got.Body, "App web") {
		t.Fatalf("the sign-in page while signed in: status %d, want the e-mail step naming the app", got.Status)
	}
	if r := c.Post(t, paths.Login, url.Values{"email": {"ann@example.com"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	r = c.Post(t, paths.LoginPassword, url.Values{"password": {handlertest.Password}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, paths.OPContinue+"?") {
		t.Fatalf("password step: status %d Location %q, want back to the app's sign-in", r.Status, r.Location)
	}
	r = c.Get(t, r.Location)
	back, _ := url.Parse(r.Location)
	if r.Status != http.StatusFound || back == nil || back.Query().Get("code") == "" {
		t.Fatalf("after signing in again: status %d Location %q, want the app's code", r.Status, r.Location)
	}
	if _, err := web.exchange(t, back.Query().Get("code"), verifier); err != nil {
		t.Fatal(err)
	}
}
