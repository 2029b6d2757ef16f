package handlers_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
	"portvakt/views/paths"
)

// The provider's rules under attack from outside: a hostile app, a hostile user of a legitimate
// app, or someone who can make a victim's browser open a link. Each test names the rule it pins;
// its comment tells the attack that the rule stops.

// continueURL starts the authorization code flow for r in the browser c and returns the
// address of portvakt's continue step (with the sign-in id) without following it.
func (r *rp) continueURL(t *testing.T, c *handlertest.Client, verifier string, extra ...oauth2.AuthCodeOption) string {
	t.Helper()
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}, extra...)
	resp := c.Get(t, strings.TrimPrefix(r.conf.AuthCodeURL("state-1", opts...), r.w.app.URL))
	if resp.Status != http.StatusFound || !strings.HasPrefix(resp.Location, paths.OPContinue) {
		t.Fatalf("authorize: status %d Location %q, want portvakt's continue step", resp.Status, resp.Location)
	}
	return resp.Location
}

// codeFrom returns the code of an authorization response that sends the browser to the app.
func codeFrom(t *testing.T, resp *handlertest.Response) string {
	t.Helper()
	back, err := url.Parse(resp.Location)
	if resp.Status != http.StatusFound || err != nil || back.Query().Get("code") == "" {
		t.Fatalf("continue: status %d Location %q, want a redirect with a code", resp.Status, resp.Location)
	}
	return back.Query().Get("code")
}

// TestContinueServesItsOwnBrowserOnce: Mallory starts a sign-in at a legitimate app in her
// own browser and lets portvakt issue the code for herself, but does not deliver it to the app
// yet. She then makes Ann's signed-in browser open the same continue address (a link on
// portvakt's own domain). That second visit must not change whom the already issued code
// stands for: otherwise Mallory delivers her code to the app in her own browser, with her own
// state and PKCE verifier, and is signed in to the app as Ann (account takeover).
func TestContinueServesItsOwnBrowserOnce(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	mallory, malloryUser := w.app.SignedIn(t, "mallory@example.com", handlertest.UserOpts{Verified: true})
	ann, annUser := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})

	verifier := oauth2.GenerateVerifier()
	next := web.continueURL(t, mallory, verifier)
	code := codeFrom(t, mallory.Get(t, next)) // issued for Mallory; she keeps it

	ann.Get(t, next) // Ann's browser opens the link Mallory sent

	tok, err := web.exchange(t, code, verifier)
	if err != nil {
		return // refusing the code is a safe answer
	}
	sub := web.idToken(t, tok).Subject
	annSub, _ := w.app.Store.SubjectOfUser(context.Background(), annUser.ID)
	mallorySub, _ := w.app.Store.SubjectOfUser(context.Background(), malloryUser.ID)
	if sub == annSub {
		t.Fatalf("Mallory's code, exchanged in Mallory's app session, gave tokens for Ann (sub %s): "+
			"a second browser at the continue step re-bound a completed sign-in", sub)
	}
	if sub != mallorySub {
		t.Fatalf("sub = %q, want Mallory's %q", sub, mallorySub)
	}
}

// TestMaxAgeAsksForAFreshSignIn: an app that asks for a recent sign-in (max_age, OpenID Connect
// Core 3.1.2.1: the provider MUST then actively re-authenticate) gets a code for a sign-in older
// than it allows, without the person signing in again.
func TestMaxAgeAsksForAFreshSignIn(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	later := w.app.Store.Now().Add(10 * time.Minute) // well within the session's idle time
	storetest.SetClock(t, w.app.Store, func() time.Time { return later })

	verifier := oauth2.GenerateVerifier()
	r := web.authorize(t, c, verifier, oauth2.SetAuthURLParam("max_age", "60"))
	if r.Status == http.StatusFound && strings.HasPrefix(r.Location, paths.Login) {
		return // sent to sign in again: right
	}
	tok, err := web.exchange(t, codeFrom(t, r), verifier)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		AuthTime int64 `json:"auth_time"`
	}
	if err := web.idToken(t, tok).Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if age := later.Unix() - claims.AuthTime; age > 60 {
		t.Fatalf("max_age=60 answered with a code for a sign-in %d s old, without asking the person to sign in again", age)
	}
}

// TestPromptLoginKeepsTheSessionUntilANewSignIn: anyone can build an authorization link with a real
// app's client ID and registered redirect URI (both are public) and prompt=login. Opened in a
// signed-in person's browser (a plain top-level GET from another site, which carries the
// SameSite=Lax cookie), it ends their portvakt session before they have signed in again: a
// GET that changes state, and a sign-out anyone can trigger (logout CSRF).
func TestPromptLoginKeepsTheSessionUntilANewSignIn(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	later := w.app.Store.Now().Add(5 * time.Second)
	storetest.SetClock(t, w.app.Store, func() time.Time { return later })

	q := url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"x"}, "prompt": {"login"}}
	r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
	if r.Status == http.StatusFound && strings.HasPrefix(r.Location, paths.OPContinue) {
		c.Get(t, r.Location)
	}
	if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Fatalf("a link from another site with prompt=login ended Ann's session before any new sign-in: /profile status %d", r.Status)
	}
}

// TestSignOutReachesGrantsOfAReplacedSession: a person signs in to an app, then signs in to
// portvakt again in the same browser (a new session replaces the old one), then signs out of
// portvakt. Signing out is meant to sign them out of every app (issue 10, "sign out
// everywhere"), but the grant born of the replaced session is tied to a session that no longer
// exists, so no sign-out can ever reach it: its refresh token keeps working for its whole
// lifetime (30 days by default, renewed at every refresh).
func TestSignOutReachesGrantsOfAReplacedSession(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)

	c.SignIn(t, "ann@example.com", handlertest.Password) // signs in again: a new session
	if r := c.Post(t, paths.Logout, nil); r.Status >= 400 {
		t.Fatalf("sign out: status %d", r.Status)
	}
	if r := c.Get(t, "/profile"); r.Status == http.StatusOK {
		t.Fatal("still signed in to portvakt after signing out")
	}
	if _, err := web.refresh(tok.RefreshToken); err == nil {
		t.Fatal("after signing out of portvakt, the app's refresh token from before the second sign-in still works")
	}
}

// TestOPEndpointsNeverServerError: input anyone can send to the provider's endpoints is the
// client's error (4xx), never a server fault (SECURITY.md: bad input is a 4xx, never a 500).
func TestOPEndpointsNeverServerError(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	c := w.app.Client()
	t.Run("logout with a query that does not parse", func(t *testing.T) {
		if r := c.Get(t, paths.OPLogout+"?%zz"); r.Status >= 500 {
			t.Errorf("GET %s?%%zz: status %d", paths.OPLogout, r.Status)
		}
	})
	t.Run("refresh with a client assertion", func(t *testing.T) {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {"x"}}
		resp, err := http.PostForm(w.app.URL+paths.OPToken, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("refresh_token grant with client_assertion: status %d", resp.StatusCode)
		}
	})
}

// TestAuthorizeRequestsAreBounded: /oauth/authorize needs nothing secret (an app's
// client ID and one of its redirect URIs are public) and stores every request in the database
// for 30 minutes, with no length limit on its parameters and no rate limit. One GET with a
// large state (the server reads headers up to 1 MiB) becomes a row of the same size: anyone
// can fill the disk with a loop.
func TestAuthorizeRequestsAreBounded(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c := w.app.Client()
	q := url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {strings.Repeat("s", 512<<10)}}
	r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
	if r.Status >= 500 {
		t.Fatalf("status %d", r.Status)
	}
	var biggest int64
	// The size of the stored row is the point, and no store method reads it.
	if err := storetest.DB(t, w.app.Store).QueryRow("SELECT COALESCE(MAX(LENGTH(request)), 0) FROM op_auth_requests").Scan(&biggest); err != nil {
		t.Fatal(err)
	}
	if biggest > 16<<10 {
		t.Fatalf("an unauthenticated authorization request with a 512 KiB state was stored as a %d-byte row (status %d)", biggest, r.Status)
	}
}

// TestAccessTokensAreTypedATJWT: access tokens are meant to follow RFC 9068 so that an
// app's API verifies them offline. RFC 9068 2.1 types them "at+jwt" precisely so that an ID
// token (same issuer, same keys, same aud, handed to browsers, and sent in URLs as
// id_token_hint at logout) cannot be replayed to the API as an access token. portvakt's access
// tokens are typed "JWT" like its ID tokens, so nothing tells the two apart.
func TestAccessTokensAreTypedATJWT(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)
	typ := func(raw string) string {
		t.Helper()
		head, _, _ := strings.Cut(raw, ".")
		b, err := base64.RawURLEncoding.DecodeString(head)
		if err != nil {
			t.Fatal(err)
		}
		var h struct {
			Typ string `json:"typ"`
		}
		if err := json.Unmarshal(b, &h); err != nil {
			t.Fatal(err)
		}
		return h.Typ
	}
	idTyp := typ(tok.Extra("id_token").(string))
	if got := typ(tok.AccessToken); !strings.EqualFold(got, "at+jwt") && !strings.EqualFold(got, "application/at+jwt") {
		t.Fatalf("access token typ = %q (ID token typ %q), want at+jwt (RFC 9068 2.1): an API cannot tell an ID token from an access token", got, idTyp)
	}
}

// TestRedirectWithFragmentOrUserinfoGetsNoCode: a native app registered with a loopback
// redirect URI gets codes sent to a loopback redirect URI with a fragment (RFC 6749 3.1.2: the
// redirect URI MUST NOT include one) or with userinfo, both of which portvakt refuses when the
// app is registered: the port-free loopback match compares only path and query.
func TestRedirectWithFragmentOrUserinfoGetsNoCode(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	desk := w.register(t, store.AppNative, func(s *store.AppSettings) { s.RedirectURIs = []string{"http://127.0.0.1/callback"} })
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	for _, ru := range []string{"http://127.0.0.1:5/callback#fragment", "http://evil.example@127.0.0.1:5/callback"} {
		desk.conf.RedirectURL = ru
		r := desk.authorize(t, c, oauth2.GenerateVerifier())
		if back, _ := url.Parse(r.Location); back != nil && back.Query().Get("code") != "" {
			t.Errorf("redirect_uri %q: a code was sent to %q", ru, r.Location)
		}
	}
}

// TestAuthorizationResponsesCarryIss: RFC 9207 (mix-up defence, SECURITY.md: "iss in
// the authorization response") needs iss in every authorization response, success or error.
// Only the query-mode success carries it: a form_post response and the error redirects do not,
// and discovery does not say the parameter is supported, so an app cannot insist on it.
func TestAuthorizationResponsesCarryIss(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	t.Run("form_post is not offered: refused in the query, with iss", func(t *testing.T) {
		r := web.authorize(t, c, oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("response_mode", "form_post"))
		back, _ := url.Parse(r.Location)
		if r.Status != http.StatusFound || back == nil || back.Query().Get("error") != "invalid_request" || back.Query().Get("code") != "" {
			t.Fatalf("form_post: status %d Location %q, want an error in the query", r.Status, r.Location)
		}
		if back.Query().Get("iss") != w.app.URL {
			t.Errorf("the refusal %q has no iss", r.Location)
		}
	})
	t.Run("error redirect", func(t *testing.T) {
		q := url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"code"},
			"scope": {"openid"}, "state": {"x"}, "code_challenge": {"abc"}, "code_challenge_method": {"plain"}}
		r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
		back, _ := url.Parse(r.Location)
		if back == nil || back.Query().Get("error") == "" {
			t.Fatalf("status %d Location %q, want an error redirect", r.Status, r.Location)
		}
		if back.Query().Get("iss") != w.app.URL {
			t.Errorf("the error response %q has no iss", r.Location)
		}
	})
	t.Run("discovery", func(t *testing.T) {
		var d map[string]any
		if err := json.Unmarshal([]byte(c.Get(t, paths.OPDiscovery).Body), &d); err != nil {
			t.Fatal(err)
		}
		if d["authorization_response_iss_parameter_supported"] != true {
			t.Error("discovery does not say authorization_response_iss_parameter_supported")
		}
	})
}

// TestDiscoveryAdvertisesOnlyServedFlows: discovery tells clients which flows to use. It
// offers the implicit flow (response types id_token and "id_token token", grant implicit), the
// JWT bearer grant and a device authorization endpoint, none of which portvakt serves
// (SECURITY.md: authorization code flow only).
func TestDiscoveryAdvertisesOnlyServedFlows(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	var d struct {
		ResponseTypes []string `json:"response_types_supported"`
		GrantTypes    []string `json:"grant_types_supported"`
		Device        string   `json:"device_authorization_endpoint"`
	}
	if err := json.Unmarshal([]byte(w.app.Client().Get(t, paths.OPDiscovery).Body), &d); err != nil {
		t.Fatal(err)
	}
	for _, rt := range d.ResponseTypes {
		if rt != "code" {
			t.Errorf("response_types_supported offers %q", rt)
		}
	}
	for _, gt := range d.GrantTypes {
		if gt == "implicit" || gt == "urn:ietf:params:oauth:grant-type:jwt-bearer" || gt == "password" {
			t.Errorf("grant_types_supported offers %q", gt)
		}
	}
	if d.Device != "" {
		t.Errorf("device_authorization_endpoint %q is advertised but not served", d.Device)
	}
}

// followOP fetches path in c and follows redirects within portvakt (absolute addresses on its own
// base URL included) until an answer that is not a redirect, or one that leaves portvakt.
func followOP(t *testing.T, app *handlertest.App, c *handlertest.Client, path string) *handlertest.Response {
	t.Helper()
	for range 20 {
		r := c.Get(t, strings.TrimPrefix(path, app.URL))
		if r.Status/100 != 3 || r.Location == "" {
			return r
		}
		if !strings.HasPrefix(r.Location, "/") && !strings.HasPrefix(r.Location, app.URL+"/") {
			return r
		}
		path = r.Location
	}
	t.Fatalf("more than 20 redirects from %s", path)
	return nil
}

// TestPortvaktIsNotItsOwnIdentityProvider: with portvakt an OpenID provider, someone
// with Authentication Settings access can register portvakt itself as the organisation's
// identity provider (an app whose redirect URI is portvakt's own SSO callback). Every guard of
// Password OFF passes (a tested provider serving the verified domain, a fresh sign-in through
// it, a way in afterwards), and the switch can be confirmed. But signing in through that
// provider needs a portvakt session already: a browser without one goes round from the sign-in
// page to the provider and back, so once the existing sessions end nobody can sign in
// (invariant 1, the reason portvakt exists), and only the host's break-glass helps.
func TestPortvaktIsNotItsOwnIdentityProvider(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	ctx := context.Background()
	domain := storetest.VerifiedDomain(t, app.Store, "example.se").ID
	it, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	self, secret, err := app.Store.CreateApplication(ctx, store.CLIActor, store.AppSettings{Name: "portvakt itself",
		Kind: store.AppWeb, Enabled: true, Everyone: true, RedirectURIs: []string{app.Server.RedirectURI()}}.Normalize())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"preset": {"other"}, "name": {"Self"}, "issuer": {app.URL}, "client_id": {self.ClientID},
		"client_secret": {secret}, "scopes": {"openid email profile"}, "enabled": {"on"}, "domain": {strconv.FormatInt(domain, 10)}}
	r := it.Post(t, paths.SSO, form)
	if r.Status != http.StatusSeeOther {
		return // refused to make portvakt its own provider: right
	}
	idp := strings.TrimPrefix(r.Location, paths.SSO+"/")

	// The test sign-in goes through portvakt's own provider, with its own session.
	r = it.Post(t, paths.SSO+"/"+idp+"/test", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start test sign-in: status %d\n%s", r.Status, r.Body)
	}
	if r = followOP(t, app, it, r.Location); r.Status != http.StatusOK {
		t.Fatalf("test sign-in ended with status %d Location %q", r.Status, r.Location)
	}
	if r = it.Post(t, reviewPath, confirmForm(t, it, "example.se")); r.Status != http.StatusSeeOther {
		return // Password OFF refused: right
	}
	if passwordOn(t, app) {
		t.Fatal("password sign-in still on")
	}
	// It confirms the switch from a new SSO sign-in through the same provider: Password OFF is
	// now for good.
	later := app.Store.Now().Add(2 * time.Second)
	storetest.SetClock(t, app.Store, func() time.Time { return later })
	if r = it.Post(t, paths.Login, url.Values{"email": {"it@example.se"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	if r = it.Post(t, "/login/sso/"+idp, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("SSO sign-in to confirm: status %d", r.Status)
	}
	followOP(t, app, it, r.Location)
	if r = it.Post(t, paths.PasswordConfirm, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm Password OFF: status %d\n%s", r.Status, r.Doc(t).Find("[data-testid=error-summary]").Text())
	}
	hourLater := later.Add(time.Hour) // the window is over, and every session has been idle too long
	storetest.SetClock(t, app.Store, func() time.Time { return hourLater })
	if err := app.Server.SettlePasswordConfirm(ctx); err != nil {
		t.Fatal(err)
	}
	if passwordOn(t, app) {
		return // the switch was not confirmed and reverted: no lock-out
	}

	// A browser with no session (a new laptop, or anyone once the sessions have ended).
	fresh := app.Client()
	if r := fresh.Post(t, paths.Login, url.Values{"email": {"it@example.se"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	r = fresh.Post(t, "/login/sso/"+idp, nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start SSO: status %d", r.Status)
	}
	followOP(t, app, fresh, r.Location)
	if r := fresh.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Fatalf("with password sign-in off and portvakt its own identity provider, a browser without a session cannot sign in "+
			"(it is sent to the sign-in page again: /profile status %d): a lock-out once the existing sessions end", r.Status)
	}
}

// TestRefreshGraceDoesNotForkTheFamily: the grace window lets a refresh token work again for a
// few seconds (two tabs), but each use mints a new, independent refresh token. A thief who
// replays a stolen token within seconds of the owner's refresh (malware on the device can watch
// for the rotation) gets a chain of their own in the same family, and reuse detection never
// fires: both chains refresh for ever. Answering within the grace window with the same
// successor would let the second user of that successor be caught.
func TestRefreshGraceDoesNotForkTheFamily(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)
	owner, err := web.refresh(tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	thief, err := web.refresh(tok.RefreshToken) // within the grace window
	if err != nil {
		return // refused: no fork
	}
	later := w.app.Store.Now().Add(store.RefreshReuseGrace + 2*time.Second)
	storetest.SetClock(t, w.app.Store, func() time.Time { return later })
	ownerNext, err := web.refresh(owner.RefreshToken)
	if err != nil {
		return // the family was revoked: detected
	}
	thiefNext, err := web.refresh(thief.RefreshToken)
	if err == nil && thiefNext.RefreshToken != "" && ownerNext.RefreshToken != "" {
		t.Fatal("a refresh token replayed within the grace window gave the thief a chain of their own: " +
			"after the window both the owner's and the thief's chains still refresh, and no reuse was detected")
	}
}

// TestRemovedRedirectURIGetsNoCode: an administrator removes a redirect URI from an
// app (the host behind it was lost, say). A sign-in started before the change, up to 30 minutes
// earlier, still ends with a code sent to the removed address, and the code is exchanged for
// it: the redirect URI is checked against the registration only when the sign-in starts.
func TestRemovedRedirectURIGetsNoCode(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	const lost = "https://lost.example.com/callback"
	web := w.register(t, store.AppWeb, func(s *store.AppSettings) { s.RedirectURIs = []string{rpRedirect, lost} })
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	web.conf.RedirectURL = lost
	verifier := oauth2.GenerateVerifier()
	next := web.continueURL(t, c, verifier)

	settings := web.app.Settings()
	settings.RedirectURIs = []string{rpRedirect}
	if _, err := w.app.Store.UpdateApplication(context.Background(), store.CLIActor, web.app.ID, settings); err != nil {
		t.Fatal(err)
	}
	r := c.Get(t, next)
	if strings.HasPrefix(r.Location, lost) && strings.Contains(r.Location, "code=") {
		t.Fatalf("a code was sent to a redirect URI removed from the app: %q", r.Location)
	}
}

// TestAuthorizeRequestsAreRateLimited: anyone may send authorization requests with an app's
// public client ID, and each is stored until the person signs in; past the limit per client
// address the answer is 429 and nothing more is stored.
func TestAuthorizeRequestsAreRateLimited(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c := w.app.Client()
	q := url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"x"}}
	for i := range handlers.LimitAuthorizePerClient {
		if r := c.Get(t, paths.OPAuthorize+"?"+q.Encode()); r.Status != http.StatusFound {
			t.Fatalf("request %d: status %d, want a redirect to the sign-in", i+1, r.Status)
		}
	}
	count := func() (n int) {
		// No store method counts the stored requests: read them in the database.
		if err := storetest.DB(t, w.app.Store).QueryRow("SELECT COUNT(*) FROM op_auth_requests").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("past the limit: status %d Retry-After %q, want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
	if after := count(); after != before {
		t.Errorf("a refused request was stored: %d rows, then %d", before, after)
	}
}

// TestIntegrationTokensNameNoPerson: an integration's token stands for the integration (sub is
// its client ID) and carries nothing of a person: introspection says so, and UserInfo refuses it.
func TestIntegrationTokensNameNoPerson(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	clock := w.register(t, store.AppIntegration)
	status, body := clock.post(t, paths.OPToken, url.Values{"grant_type": {"client_credentials"}, "scope": {"openid email profile"}})
	token, _ := body["access_token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("client credentials: status %d %v", status, body)
	}
	status, body = clock.post(t, paths.OPIntrospect, url.Values{"token": {token}})
	if status != http.StatusOK || body["active"] != true || body["sub"] != clock.app.ClientID {
		t.Fatalf("introspection: status %d %v, want active with sub %s", status, body, clock.app.ClientID)
	}
	for _, claim := range []string{"email", "name", "email_verified"} {
		if _, ok := body[claim]; ok {
			t.Errorf("an integration's token carries %s", claim)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, w.app.URL+paths.OPUserinfo, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("UserInfo answered for an integration's token")
	}
}
