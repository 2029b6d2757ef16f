package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
	"portvakt/views/paths"
)

// The second review of the provider's fixes: each test pins a rule the fixes left open; its
// comment tells the attack or failure that the rule stops.

// TestReauthThroughSSOAsksTheProviderToo: an app asks for a fresh sign-in (prompt=login, or a
// max_age the session is older than) before something sensitive. portvakt sends the person back
// through its sign-in, but when that sign-in goes through the organisation's identity provider,
// portvakt asks the provider for an ordinary sign-in: the provider answers from its own session
// without asking anything, and portvakt then tells the app (auth_time = now) that the person
// has just signed in. Someone at an unlocked, signed-in computer passes any "sign in again"
// check. The request to the provider must carry prompt=login (or max_age=0) on.
func TestReauthThroughSSOAsksTheProviderToo(t *testing.T) {
	t.Parallel()
	env, web, c := annaSignedInThroughSSO(t)
	later := env.Store.Now().Add(5 * time.Second)
	storetest.SetClock(t, env.Store, func() time.Time { return later })

	askForANewSignIn(t, web, c)
	start := env.SSOStart(t, c, env.IdP, "anna@example.se")
	u, err := url.Parse(start)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !strings.Contains(q.Get("prompt"), "login") && q.Get("max_age") != "0" {
		t.Fatalf("the app asked for a fresh sign-in, but portvakt asks the identity provider for an ordinary one "+
			"(no prompt=login, no max_age): %s", start)
	}
}

// TestReauthThroughSSORefusesTheProvidersOldSignIn: asked for a new sign-in, a provider may
// still answer from its own session (not every provider honours prompt=login and max_age=0).
// Its ID token says so (auth_time before the request); portvakt must not pass that on to the
// app as a sign-in made just now.
func TestReauthThroughSSORefusesTheProvidersOldSignIn(t *testing.T) {
	t.Parallel()
	env, web, c := annaSignedInThroughSSO(t)
	env.OP.Misbehave(oidctest.OldAuthTime)
	askForANewSignIn(t, web, c)
	r := env.SSOCallback(t, c, env.SSOStart(t, c, env.IdP, "anna@example.se"))
	if r.Status != http.StatusForbidden || strings.HasPrefix(r.Location, rpRedirect) {
		t.Fatalf("the provider answered from an hour-old sign-in: status %d Location %q, want it refused", r.Status, r.Location)
	}
	if got := lastAudit(t, env, "login.failure"); !strings.Contains(got, "stale_authentication") {
		t.Errorf("audit row %q, want the reason", got)
	}
}

// TestHugeMaxAgeIsNoSignInLoop: max_age is the oldest sign-in the app accepts, in seconds. A
// value past 292 years overflows time.Duration to a negative age limit, so every session, even
// one a second old, is "too old": the person is sent to sign in again, signs in, and is sent
// to sign in again, for ever. A link with such a max_age (any app's client ID and redirect
// URI are public) locks a signed-in person in that loop. A huge max_age asks for nothing.
func TestHugeMaxAgeIsNoSignInLoop(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	for _, age := range []string{"9223372036854775807", "18446744073709551615"} {
		r := web.authorize(t, c, oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("max_age", age))
		if r.Status == http.StatusFound && strings.HasPrefix(r.Location, paths.Login) {
			t.Errorf("max_age=%s (no limit at all) sent a person signed in a moment ago to sign in again", age)
		}
	}
}

// TestAccessTokenIsNoIDTokenHint: access tokens are typed at+jwt (RFC 9068) so that nothing
// takes one for an ID token. They go to every API an app calls, and APIs are often another
// team's or a vendor's. portvakt's own logout endpoint takes one as id_token_hint: any API that
// saw Ann's access token can make her browser open a logout link that signs her out of
// portvakt and, by back-channel logout, of every app (a sign-out anyone holding a token she sent
// to some API can trigger).
func TestAccessTokenIsNoIDTokenHint(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)

	c.Get(t, paths.OPLogout+"?"+url.Values{"id_token_hint": {tok.AccessToken}}.Encode())
	if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Fatalf("a logout link with Ann's access token as id_token_hint signed her out (/profile status %d)", r.Status)
	}
}

// TestPromptLoginInTheSameSecondAsksToo: prompt=login asks for a sign-in made after the
// request. portvakt compares whole seconds: a session begun earlier in the same second as the
// request counts as "after" it, and the app gets a code with no new sign-in. The rule must
// not depend on the clock's resolution (the sign-in the request asked for is the one that
// follows it in this browser).
func TestPromptLoginInTheSameSecondAsksToo(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	now := w.app.Store.Now().Truncate(time.Second)
	storetest.SetClock(t, w.app.Store, func() time.Time { return now })
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})

	r := web.authorize(t, c, oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("prompt", "login"))
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Location, paths.Login) {
		t.Fatalf("prompt=login for a session begun before the request (in the same second): status %d Location %.120q, "+
			"want the sign-in page", r.Status, r.Location)
	}
}

// TestIDTokenHintOfAnotherPersonGetsNoCode: an app renews its sign-in silently with
// prompt=none and the ID token it has (id_token_hint: "is this still Ann?"). When the browser's
// portvakt session is now someone else's (Bob signed in at Ann's computer), portvakt answers
// with a code for Bob: the app, asking about Ann, is handed Bob without a word (OpenID Connect
// Core 3.1.2.1: the answer should then be an error such as login_required).
func TestIDTokenHintOfAnotherPersonGetsNoCode(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	annToken := web.tokens(t, c).Extra("id_token").(string)
	w.app.User(t, "bob@example.com", handlertest.UserOpts{Verified: true})
	c.SignIn(t, "bob@example.com", handlertest.Password)

	r := web.authorize(t, c, oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("prompt", "none"),
		oauth2.SetAuthURLParam("id_token_hint", annToken))
	if back, err := url.Parse(r.Location); err == nil && back.Query().Get("code") != "" {
		t.Fatalf("prompt=none with Ann's ID token as hint, in a browser signed in as Bob, got a code (for Bob): %.120s", r.Location)
	}
}

// TestRedirectCheckSeesTheURIThatIsUsed: the refusal of a redirect URI with a fragment or
// userinfo reads the first redirect_uri of the query, but the protocol library takes the last
// one. Sent twice, a clean one first, the refused forms get their code again.
func TestRedirectCheckSeesTheURIThatIsUsed(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	desk := w.register(t, store.AppNative, func(s *store.AppSettings) { s.RedirectURIs = []string{"http://127.0.0.1/callback"} })
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	for _, ru := range []string{"http://127.0.0.1:5/callback#fragment", "http://evil.example@127.0.0.1:5/callback"} {
		q := url.Values{"client_id": {desk.app.ClientID}, "response_type": {"code"}, "scope": {"openid"}, "state": {"x"},
			"code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())}, "code_challenge_method": {"S256"},
			"redirect_uri": {"http://127.0.0.1:5/callback", ru}}
		r := c.Get(t, paths.OPAuthorize+"?"+q.Encode())
		if r.Status == http.StatusFound && strings.HasPrefix(r.Location, paths.OPContinue) {
			r = c.Get(t, r.Location)
		}
		if back, _ := url.Parse(r.Location); back != nil && back.Query().Get("code") != "" {
			t.Errorf("redirect_uri given twice, %q last: a code was sent to %q", ru, r.Location)
		}
	}
}

// TestReauthThroughSSORefusesASignInStartedBefore: the new sign-in an app asks for must be one
// started after it asked. Someone at an unlocked, signed-in computer starts an ordinary SSO
// sign-in (the e-mail step works while signed in) and leaves the provider's page waiting; then
// the app asks for a new sign-in, and the waiting one is finished: its state was sealed without
// a request for a new sign-in (no prompt=login, no AskedNewAt), the provider answers from its
// own session, and the new portvakt session answered the app as a sign-in made just now.
func TestReauthThroughSSORefusesASignInStartedBefore(t *testing.T) {
	t.Parallel()
	env, web, c := annaSignedInThroughSSO(t)
	env.OP.Misbehave(oidctest.OldAuthTime)
	if r := c.Post(t, "/login", url.Values{"email": {"anna@example.se"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step while signed in: status %d", r.Status)
	}
	parked := c.Post(t, "/login/sso/"+strconv.FormatInt(env.IdP, 10), nil)
	if parked.Status != http.StatusSeeOther || !strings.HasPrefix(parked.Location, env.OP.Issuer()) {
		t.Fatalf("ordinary start: status %d Location %q", parked.Status, parked.Location)
	}
	r := askForANewSignIn(t, web, c)
	r = env.SSOCallback(t, c, parked.Location)
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, paths.OPContinue) {
		r = c.Get(t, r.Location)
	}
	if strings.HasPrefix(r.Location, rpRedirect) {
		t.Fatalf("a sign-in started before the app asked answered it: status %d Location %q", r.Status, r.Location)
	}
	if r.Status != http.StatusForbidden {
		t.Fatalf("status %d Location %q, want the sign-in refused", r.Status, r.Location)
	}
	if got := lastAudit(t, env, "login.failure"); !strings.Contains(got, "stale_authentication") {
		t.Errorf("audit row %q, want the reason", got)
	}
}

// TestReauthWithoutSessionAsksTheProviderToo: an app that asks for a new sign-in (prompt=login)
// of a browser whose portvakt session has ended (idle, signed out) is sent through the ordinary
// sign-in. Through SSO, the provider was asked for an ordinary sign-in and answered from its own
// session, which outlives portvakt's: the app was told the person had just signed in although
// nobody was asked anything.
func TestReauthWithoutSessionAsksTheProviderToo(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	w := opWorldOn(t, env)
	web := w.register(t, store.AppWeb)
	c := env.Client()
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, Name: "Anna"})
	env.OP.Misbehave(oidctest.OldAuthTime)
	r := askForANewSignIn(t, web, c)
	later := env.Store.Now().Add(5 * time.Second) // the person takes a moment to sign in
	storetest.SetClock(t, env.Store, func() time.Time { return later })
	start := env.SSOStart(t, c, env.IdP, "anna@example.se")
	u, err := url.Parse(start)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("prompt") != "login" || q.Get("max_age") != "0" {
		t.Errorf("the app asked for a new sign-in, but the provider is asked for an ordinary one: %s", start)
	}
	r = env.SSOCallback(t, c, start)
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, paths.OPContinue) {
		r = c.Get(t, r.Location)
	}
	if strings.HasPrefix(r.Location, rpRedirect) {
		t.Fatalf("the provider's hour-old sign-in answered the app's prompt=login: status %d Location %q", r.Status, r.Location)
	}
	if r.Status != http.StatusForbidden {
		t.Fatalf("status %d Location %q, want the sign-in refused", r.Status, r.Location)
	}

	env.OP.Misbehave() // the provider signs the person in again: the app gets its code
	r = env.SSOSignIn(t, c, env.IdP, "anna@example.se")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, paths.OPContinue) {
		t.Fatalf("a new sign-in at the provider: status %d Location %q, want the app's sign-in continued", r.Status, r.Location)
	}
	if r = c.Get(t, r.Location); r.Status != http.StatusFound || !strings.HasPrefix(r.Location, rpRedirect) {
		t.Fatalf("continue after a new sign-in: status %d Location %q, want the app's redirect URI", r.Status, r.Location)
	}
}

// TestAbandonedReauthLeavesLaterSignInsOrdinary: a person sent to sign in again for an app who
// walks away from it keeps the mark of that sign-in in their cookie. Once the app's sign-in has
// expired nobody waits for a new sign-in, and a later ordinary sign-in through a provider that
// answers from its own session must go through, not be refused as an old sign-in again and again.
func TestAbandonedReauthLeavesLaterSignInsOrdinary(t *testing.T) {
	t.Parallel()
	env, web, c := annaSignedInThroughSSO(t)
	r := askForANewSignIn(t, web, c)
	later := env.Store.Now().Add(store.OPAuthRequestTTL + time.Minute)
	storetest.SetClock(t, env.Store, func() time.Time { return later })
	env.OP.Misbehave(oidctest.OldAuthTime)
	r = env.SSOSignIn(t, c, env.IdP, "anna@example.se")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("an ordinary sign-in after an app's sign-in expired: status %d, want it through\n%.400s", r.Status, r.Body)
	}
}

// TestReauthRefusesAProfileLinkStartedBefore: a link from the profile signs the person in again
// through the provider, so one started before an app asked for a new sign-in, and finished
// after, would answer the app as TestReauthThroughSSORefusesASignInStartedBefore's ordinary
// sign-in did.
func TestReauthRefusesAProfileLinkStartedBefore(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	w := opWorldOn(t, env)
	web := w.register(t, store.AppWeb)
	c, _ := env.SignedIn(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, Name: "Anna"})
	env.OP.Misbehave(oidctest.OldAuthTime)
	parked := c.Post(t, paths.ProfileLink(env.IdP), nil)
	if parked.Status != http.StatusSeeOther || !strings.HasPrefix(parked.Location, env.OP.Issuer()) {
		t.Fatalf("link start: status %d Location %q", parked.Status, parked.Location)
	}
	start := web.conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("prompt", "login"))
	cont := c.Get(t, strings.TrimPrefix(start, w.app.URL))
	if cont.Status != http.StatusFound || !strings.HasPrefix(cont.Location, paths.OPContinue) {
		t.Fatalf("authorize: status %d Location %q", cont.Status, cont.Location)
	}
	if r := c.Get(t, cont.Location); r.Status != http.StatusFound || !strings.HasPrefix(r.Location, paths.Login) {
		t.Fatalf("prompt=login: status %d Location %q, want the sign-in page", r.Status, r.Location)
	}
	r := env.SSOCallback(t, c, parked.Location)
	if r.Status != http.StatusForbidden {
		t.Errorf("link started before the app asked: status %d Location %q, want it refused", r.Status, r.Location)
	}
	if r := c.Get(t, cont.Location); strings.HasPrefix(r.Location, rpRedirect) {
		t.Fatalf("the link's session answered the app's prompt=login: Location %q", r.Location)
	}
}

// TestReauthSurvivesAnotherAppsSignIn: while an app waits for a new sign-in, another app's
// ordinary sign-in is answered by the session as it is, and that used to forget which sign-in was
// waiting. An ordinary SSO sign-in started next asked the provider for nothing, and its session,
// newer than the waiting request, answered it as a sign-in made just now.
func TestReauthSurvivesAnotherAppsSignIn(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	w := opWorldOn(t, env)
	web := w.register(t, store.AppWeb)
	other := w.register(t, store.AppWeb)
	c := env.Client()
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, Name: "Anna"})
	if r := env.SSOSignIn(t, c, env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther {
		t.Fatalf("SSO sign-in: status %d", r.Status)
	}
	env.OP.Misbehave(oidctest.OldAuthTime)
	start := web.conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("prompt", "login"))
	cont := c.Get(t, strings.TrimPrefix(start, w.app.URL))
	if cont.Status != http.StatusFound || !strings.HasPrefix(cont.Location, paths.OPContinue) {
		t.Fatalf("authorize: status %d Location %q", cont.Status, cont.Location)
	}
	if r := c.Get(t, cont.Location); r.Status != http.StatusFound || !strings.HasPrefix(r.Location, paths.Login) {
		t.Fatalf("prompt=login: status %d Location %q, want the sign-in page", r.Status, r.Location)
	}
	other.signIn(t, c, oauth2.GenerateVerifier()) // the other app's ordinary sign-in
	later := env.Store.Now().Add(5 * time.Second)
	storetest.SetClock(t, env.Store, func() time.Time { return later })
	r := env.SSOSignIn(t, c, env.IdP, "anna@example.se")
	if r := c.Get(t, cont.Location); strings.HasPrefix(r.Location, rpRedirect) {
		t.Fatalf("the provider's own session answered the waiting prompt=login: Location %q", r.Location)
	}
	if r.Status != http.StatusForbidden {
		t.Errorf("SSO sign-in while the app waits: status %d Location %q, want it refused as an old sign-in", r.Status, r.Location)
	}
}

// annaSignedInThroughSSO is the portal with a provider (handlertest.WithSSO), a web app, and a
// browser in which anna@example.se has signed in through the provider.
func annaSignedInThroughSSO(t *testing.T) (*handlertest.App, *rp, *handlertest.Client) {
	t.Helper()
	env := handlertest.New(t, handlertest.WithSSO())
	web := opWorldOn(t, env).register(t, store.AppWeb)
	c := env.Client()
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true, Name: "Anna"})
	if r := env.SSOSignIn(t, c, env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther {
		t.Fatalf("SSO sign-in: status %d", r.Status)
	}
	return env, web, c
}

// askForANewSignIn has the app ask for a new sign-in (prompt=login) in c's browser, which
// portvakt answers with its sign-in page.
func askForANewSignIn(t *testing.T, web *rp, c *handlertest.Client) *handlertest.Response {
	t.Helper()
	r := web.authorize(t, c, oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("prompt", "login"))
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Location, paths.Login) {
		t.Fatalf("prompt=login: status %d Location %q, want the sign-in page", r.Status, r.Location)
	}
	return r
}
