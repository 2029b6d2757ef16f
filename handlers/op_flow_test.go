package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
	"portvakt/views/paths"
)

// TestWebAppSignsInThroughPortvakt walks a confidential web app through the whole life of a
// sign-in with a real relying party: code flow with PKCE, the ID token verified against
// portvakt's keys, UserInfo, refresh with rotation, introspection, revocation.
func TestWebAppSignsInThroughPortvakt(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, ann := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	verifier := oauth2.GenerateVerifier()
	code := web.signIn(t, c, verifier)
	tok, err := web.exchange(t, code, verifier)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}

	idt := web.idToken(t, tok)
	var claims struct {
		Email         string   `json:"email"`
		EmailVerified bool     `json:"email_verified"`
		Name          string   `json:"name"`
		AMR           []string `json:"amr"`
		AuthTime      int64    `json:"auth_time"`
		SID           string   `json:"sid"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	subject, err := w.app.Store.SubjectOfUser(context.Background(), ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if idt.Subject != subject || idt.Subject == ann.Email || len(idt.Subject) < 32 {
		t.Errorf("sub = %q, want the person's stable opaque subject %q", idt.Subject, subject)
	}
	if claims.Email != ann.Email || !claims.EmailVerified || claims.Name != ann.Name {
		t.Errorf("claims = %+v, want ann's e-mail (verified) and name", claims)
	}
	if !slices.Equal(claims.AMR, []string{"pwd"}) || claims.AuthTime == 0 || claims.SID == "" {
		t.Errorf("amr = %v, auth_time = %d, sid = %q: want pwd, a time and a session", claims.AMR, claims.AuthTime, claims.SID)
	}

	// The access token is a JWT the app's API can verify offline with the published keys.
	if _, err := w.provider.Verifier(&gooidc.Config{ClientID: web.app.ClientID}).Verify(context.Background(), tok.AccessToken); err != nil {
		t.Errorf("verify access token as a JWT: %v", err)
	}
	info, err := w.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok))
	if err != nil || info.Subject != subject || info.Email != ann.Email {
		t.Errorf("userinfo = %+v, %v", info, err)
	}
	if !web.introspect(t, tok.AccessToken) {
		t.Error("introspection says a fresh access token is not active")
	}

	// Refresh rotates: a new refresh token each time, the old one spent.
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token although offline_access was asked for")
	}
	next, err := web.refresh(tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh token not rotated")
	}
	web.idToken(t, next)

	// Revoking the refresh token ends its family: refresh and the access tokens with it.
	status, _ := web.post(t, paths.OPRevoke, url.Values{"token": {next.RefreshToken}, "token_type_hint": {"refresh_token"}})
	if status != http.StatusOK {
		t.Fatalf("revoke: status %d", status)
	}
	if _, err := web.refresh(next.RefreshToken); err == nil {
		t.Error("a revoked refresh token still works")
	}
	if web.introspect(t, next.AccessToken) {
		t.Error("an access token of a revoked family is still active")
	}
}

// TestRefreshTokenReuseRevokesFamily: a refresh token used again after the grace window is taken
// for a theft and ends the whole family, the thief's and the owner's tokens alike; within the
// window (two tabs refreshing at once) it is refused without alarm and without a token of its
// own, and the family goes on.
func TestRefreshTokenReuseRevokesFamily(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)
	first, err := web.refresh(tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := web.refresh(tok.RefreshToken); err == nil {
		t.Fatal("the same refresh token at once again (a second tab) got a token of its own: the family forks")
	}
	second, err := web.refresh(first.RefreshToken)
	if err != nil {
		t.Fatalf("a second tab's refresh within the grace window revoked the family: %v", err)
	}

	later := w.app.Store.Now().Add(store.RefreshReuseGrace + time.Second)
	storetest.SetClock(t, w.app.Store, func() time.Time { return later })
	if _, err := web.refresh(first.RefreshToken); err == nil {
		t.Fatal("a refresh token used again after the grace window still works")
	}
	if _, err := web.refresh(second.RefreshToken); err == nil {
		t.Error("the family's newest refresh token still works after a reuse")
	}
	if web.introspect(t, second.AccessToken) {
		t.Error("an access token of the revoked family is still active")
	}
}

// TestCodeIsSingleUse: a code exchanged twice is refused the second time, and what the first
// exchange issued is revoked (RFC 6749 4.1.2).
func TestCodeIsSingleUse(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	verifier := oauth2.GenerateVerifier()
	code := web.signIn(t, c, verifier)
	tok, err := web.exchange(t, code, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := web.exchange(t, code, verifier); err == nil {
		t.Fatal("a code was exchanged twice")
	}
	if _, err := web.refresh(tok.RefreshToken); err == nil {
		t.Error("the refresh token from a code used twice still works")
	}
	if web.introspect(t, tok.AccessToken) {
		t.Error("the access token from a code used twice is still active")
	}
}

// TestIntrospectionAnswersOnlyTheTokensApp: introspection answers only the app an access token
// was issued to (SECURITY.md); another app, with its own valid secret, learns nothing of it.
func TestIntrospectionAnswersOnlyTheTokensApp(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	other := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)
	if !web.introspect(t, tok.AccessToken) {
		t.Fatal("the app the token was issued to is told it is not active")
	}
	if other.introspect(t, tok.AccessToken) {
		t.Error("another app is told that this app's access token is active")
	}
}

// TestAuthorizeRefusesRequestObjectsAndUnknownApps: request objects (request, request_uri) are
// refused, and an unknown app gets a page at portvakt, never a redirect (SECURITY.md).
func TestAuthorizeRefusesRequestObjectsAndUnknownApps(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	base := func() url.Values {
		return url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"code"},
			"scope": {"openid"}, "state": {"s"}}
	}
	for name, extra := range map[string]url.Values{
		"request":        {"request": {"eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9."}},
		"request_uri":    {"request_uri": {"https://evil.example/request.jwt"}},
		"unknown client": {"client_id": {"app-000000000000000000000000"}},
	} {
		q := base()
		for k, v := range extra {
			q[k] = v
		}
		r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
		if r.Status != http.StatusBadRequest || r.Location != "" {
			t.Errorf("%s: status %d Location %q, want a page at portvakt", name, r.Status, r.Location)
		}
	}
}

// TestAuthorizeParametersComeOnce: every parameter of an authorization request comes once
// (SECURITY.md): the library reads one value and a check may read another, so a request with
// two gets a page at portvakt.
func TestAuthorizeParametersComeOnce(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	for name, values := range map[string][]string{
		"prompt":  {"none", "login"},
		"max_age": {"3600", "0"},
		"scope":   {"openid", "openid email"},
		"state":   {"a", "b"},
	} {
		q := url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"code"},
			"scope": {"openid"}, "state": {"s"}}
		q[name] = values
		r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
		if r.Status != http.StatusBadRequest || r.Location != "" {
			t.Errorf("%s twice: status %d Location %q, want a page at portvakt", name, r.Status, r.Location)
		}
	}
}
