package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"portvakt/store"
)

// demoApp is an organisation's internal web app that signs its people in through portvakt with
// an ordinary OpenID Connect library, as a real one would. It exists only in this test.
type demoApp struct {
	srv      *httptest.Server
	provider *gooidc.Provider
	conf     oauth2.Config
	mu       sync.Mutex
	pending  map[string]string // state -> PKCE verifier
	signedIn map[string]string // session cookie -> name
	idTokens map[string]string // session cookie -> raw ID token, for signing out
}

func startDemoApp(t *testing.T, st *store.Store, issuer string) *demoApp {
	t.Helper()
	d := &demoApp{pending: map[string]string{}, signedIn: map[string]string{}, idTokens: map[string]string{}}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.srv.Close)
	app, secret, err := st.CreateApplication(context.Background(), store.CLIActor, store.AppSettings{
		Name: "Demo", Kind: store.AppWeb, Enabled: true, Everyone: true,
		RedirectURIs: []string{d.srv.URL + "/callback"}, PostLogoutURIs: []string{d.srv.URL + "/"},
	}.Normalize())
	if err != nil {
		t.Fatal(err)
	}
	if d.provider, err = gooidc.NewProvider(context.Background(), issuer); err != nil {
		t.Fatalf("the demo app cannot discover portvakt: %v", err)
	}
	d.conf = oauth2.Config{ClientID: app.ClientID, ClientSecret: secret, Endpoint: d.provider.Endpoint(),
		RedirectURL: d.srv.URL + "/callback", Scopes: []string{gooidc.ScopeOpenID, "email", "profile"}}
	return d
}

func (d *demoApp) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/":
		d.mu.Lock()
		c, _ := r.Cookie("demo")
		name := ""
		if c != nil {
			name = d.signedIn[c.Value]
		}
		d.mu.Unlock()
		if name == "" {
			fmt.Fprint(w, `<!doctype html><html lang="en"><title>Demo</title><h1>Demo</h1><a id="signin" href="/login">Sign in</a></html>`)
			return
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Demo</title><h1>Signed in to Demo as %s</h1><a id="signout" href="/logout">Sign out</a></html>`, html.EscapeString(name))
	case "/login":
		state, verifier := rand.Text(), oauth2.GenerateVerifier()
		d.mu.Lock()
		d.pending[state] = verifier
		d.mu.Unlock()
		http.Redirect(w, r, d.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), http.StatusFound)
	case "/callback":
		d.mu.Lock()
		verifier, ok := d.pending[r.FormValue("state")]
		delete(d.pending, r.FormValue("state"))
		d.mu.Unlock()
		if !ok {
			http.Error(w, "unknown state", http.StatusBadRequest)
			return
		}
		tok, err := d.conf.Exchange(r.Context(), r.FormValue("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			http.Error(w, "exchange: "+err.Error(), http.StatusBadGateway)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := d.provider.Verifier(&gooidc.Config{ClientID: d.conf.ClientID}).Verify(r.Context(), raw)
		var claims struct {
			Name string `json:"name"`
		}
		if err != nil || idt.Claims(&claims) != nil {
			http.Error(w, "ID token: "+fmt.Sprint(err), http.StatusBadGateway)
			return
		}
		sess := rand.Text()
		d.mu.Lock()
		d.signedIn[sess], d.idTokens[sess] = claims.Name, raw
		d.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "demo", Value: sess, Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/", http.StatusFound)
	case "/logout":
		d.mu.Lock()
		c, _ := r.Cookie("demo")
		raw := ""
		if c != nil {
			raw = d.idTokens[c.Value]
			delete(d.signedIn, c.Value)
		}
		d.mu.Unlock()
		end := strings.TrimSuffix(d.conf.Endpoint.AuthURL, "/authorize") + "/logout?" + url.Values{
			"id_token_hint": {raw}, "post_logout_redirect_uri": {d.srv.URL + "/"}}.Encode()
		http.Redirect(w, r, end, http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// TestBrowserAppJourney: an internal web app signs its people in through portvakt: the app ->
// portvakt's e-mail step -> the identity provider -> back in the app as the right person. After
// Password OFF the app's sign-in offers no password: it goes straight to the identity provider.
func TestBrowserAppJourney(t *testing.T) {
	t.Parallel()
	b, pv := readyToSwitch(t)
	demo := startDemoApp(t, openStore(t, pv.Data), pv.URL)
	b.click("[data-testid=logout]")

	b.open(demo.srv.URL + "/")
	b.click("#signin")
	if got := b.location(); !strings.HasPrefix(got, pv.URL+"/login") {
		t.Fatalf("the app's sign-in went to %s, want portvakt's e-mail step", got)
	}
	if got := b.text("[data-testid=login-app]"); got != "för att fortsätta till Demo." {
		t.Errorf("the e-mail step says %q about the app", got)
	}
	b.axe()
	b.shot("app-signin-email-sv")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	b.click("[data-testid=login-sso]")
	if got := b.text("h1"); got != "Signed in to Demo as Anna Andersson" {
		t.Fatalf("back in the app: %q (at %s)", got, b.location())
	}
	b.shot("app-signed-in")

	b.open(pv.URL + "/auth-settings/policies")
	if got := b.text("[data-testid=policy-app-reached]"); got != "Ingen loggas ut" {
		t.Errorf("the Policies page says Password OFF does %q to the demo app, where Anna signed in through SSO", got)
	}
	b.axe()
	b.shot("policies-apps-sv")
	b.click("[data-testid=lang-switch]")
	if got := b.text("[data-testid=policy-app-reached]"); got != "Nobody is signed out" {
		t.Errorf("in English the Policies page says %q", got)
	}
	b.axe()
	b.shot("policies-apps-en")
	b.open(pv.URL + "/oauth/continue?id=not-from-this-browser")
	if got := b.text("h1"); got != "Continue in the application" {
		t.Errorf("a sign-in started elsewhere: heading %q", got)
	}
	b.axe()
	b.shot("app-elsewhere-en")
	b.click("[data-testid=lang-switch]")
	b.axe()
	b.shot("app-elsewhere-sv")
	switchOffWithWindow(t, b, pv, "10 minuter")
	b.open(demo.srv.URL + "/")
	b.click("#signout")
	if got := b.text("h1"); got != "Demo" {
		t.Fatalf("after signing out of the app: %q (at %s)", got, b.location())
	}
	b.open(pv.URL + "/profile")
	if got := b.location(); !strings.HasPrefix(got, pv.URL+"/login") {
		t.Fatalf("signing out of the app left the portvakt session: at %s", got)
	}

	b.open(demo.srv.URL + "/")
	b.click("#signin")
	passwordFields, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[type=password]").length`))
	if err != nil || passwordFields != 0 {
		t.Fatalf("the app's sign-in offers a password after Password OFF")
	}
	b.click("[data-testid=lang-switch]")
	if got := b.text("[data-testid=login-app]"); got != "to continue to Demo." {
		t.Errorf("the English e-mail step says %q about the app", got)
	}
	b.axe()
	b.shot("app-signin-email-en")
	b.fill("email", "anna@exempel.se")
	b.click("[data-testid=login-next]")
	if got := b.text("h1"); got != "Signed in to Demo as Anna Andersson" {
		t.Fatalf("after Password OFF, back in the app: %q (at %s)", got, b.location())
	}
}
