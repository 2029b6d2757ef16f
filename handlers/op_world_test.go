package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/views/paths"
)

// opWorld is portvakt as the OpenID provider of an organisation's apps, with a real relying
// party on the app's side: go-oidc and x/oauth2, as an app would use them.
type opWorld struct {
	app      *handlertest.App
	provider *gooidc.Provider
}

func newOPWorld(t *testing.T) *opWorld {
	t.Helper()
	return opWorldOn(t, handlertest.New(t))
}

// opWorldOn is opWorld on an app a test has set up already (with an identity provider, say).
func opWorldOn(t *testing.T, a *handlertest.App) *opWorld {
	t.Helper()
	p, err := gooidc.NewProvider(context.Background(), a.URL)
	if err != nil {
		t.Fatalf("discovery of portvakt as a provider: %v", err)
	}
	return &opWorld{app: a, provider: p}
}

// rp is one app as its own code sees itself.
type rp struct {
	w      *opWorld
	app    store.Application
	conf   oauth2.Config
	secret string
}

const rpRedirect = "http://127.0.0.1:9/callback"

// register adds an app of kind with settings changed by opts and returns its relying party.
func (w *opWorld) register(t *testing.T, kind store.AppKind, opts ...func(*store.AppSettings)) *rp {
	t.Helper()
	st := store.AppSettings{Name: "App " + string(kind), Kind: kind, Enabled: true, Everyone: true}
	if kind.SignsPeopleIn() {
		st.RedirectURIs = []string{rpRedirect}
	}
	for _, o := range opts {
		o(&st)
	}
	app, secret, err := w.app.Store.CreateApplication(context.Background(), store.CLIActor, st.Normalize())
	if err != nil {
		t.Fatalf("register %s app: %v", kind, err)
	}
	r := &rp{w: w, app: app, secret: secret, conf: oauth2.Config{
		ClientID: app.ClientID, ClientSecret: secret, Endpoint: w.provider.Endpoint(),
		Scopes: []string{gooidc.ScopeOpenID, "email", "profile", gooidc.ScopeOfflineAccess},
	}}
	if kind.SignsPeopleIn() {
		r.conf.RedirectURL = app.RedirectURIs[0]
	}
	return r
}

// signIn runs the authorization code flow with PKCE for the browser c, which is already signed
// in to portvakt, and returns the code from the app's redirect URI. extra adds parameters.
func (r *rp) signIn(t *testing.T, c *handlertest.Client, verifier string, extra ...oauth2.AuthCodeOption) string {
	t.Helper()
	resp := r.authorize(t, c, verifier, extra...)
	if resp.Status != http.StatusFound {
		t.Fatalf("continue: status %d, body %.300s", resp.Status, resp.Body)
	}
	back, err := url.Parse(resp.Location)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.Location, r.conf.RedirectURL) {
		t.Fatalf("sent to %q, want the app's redirect URI %q", resp.Location, r.conf.RedirectURL)
	}
	q := back.Query()
	if q.Get("state") != "state-1" {
		t.Fatalf("state = %q", q.Get("state"))
	}
	if q.Get("iss") != r.w.app.URL {
		t.Errorf("iss = %q, want %q (RFC 9207)", q.Get("iss"), r.w.app.URL)
	}
	if q.Get("code") == "" {
		t.Fatalf("no code in %s", resp.Location)
	}
	return q.Get("code")
}

// authorize starts the flow and follows it to portvakt's continue step, returning its answer.
func (r *rp) authorize(t *testing.T, c *handlertest.Client, verifier string, extra ...oauth2.AuthCodeOption) *handlertest.Response {
	t.Helper()
	opts := append([]oauth2.AuthCodeOption{}, extra...)
	if verifier != "" {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	start := r.conf.AuthCodeURL("state-1", opts...)
	resp := c.Get(t, strings.TrimPrefix(start, r.w.app.URL))
	if resp.Status != http.StatusFound || !strings.HasPrefix(resp.Location, paths.OPContinue) {
		return resp
	}
	return c.Get(t, resp.Location)
}

// exchange trades a code for tokens.
func (r *rp) exchange(t *testing.T, code, verifier string) (*oauth2.Token, error) {
	t.Helper()
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	return r.conf.Exchange(context.Background(), code, opts...)
}

// idToken verifies the ID token of tok against portvakt's published keys.
func (r *rp) idToken(t *testing.T, tok *oauth2.Token) *gooidc.IDToken {
	t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatal("no id_token in the token response")
	}
	idt, err := r.w.provider.Verifier(&gooidc.Config{ClientID: r.app.ClientID}).Verify(context.Background(), raw)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	return idt
}

// refresh uses a refresh token once.
func (r *rp) refresh(refreshToken string) (*oauth2.Token, error) {
	src := r.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: refreshToken})
	return src.Token()
}

// post calls one of the provider's endpoints as the app's server, with its secret.
func (r *rp) post(t *testing.T, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	if r.secret == "" {
		form.Set("client_id", r.app.ClientID)
	}
	req, err := http.NewRequest(http.MethodPost, r.w.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r.secret != "" {
		req.SetBasicAuth(url.QueryEscape(r.app.ClientID), url.QueryEscape(r.secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// introspect asks whether an access token is active, as the app's API would.
func (r *rp) introspect(t *testing.T, accessToken string) bool {
	t.Helper()
	status, body := r.post(t, paths.OPIntrospect, url.Values{"token": {accessToken}})
	if status != http.StatusOK {
		t.Fatalf("introspect: status %d %v", status, body)
	}
	active, _ := body["active"].(bool)
	return active
}
