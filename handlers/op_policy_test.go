package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// TestPolicyReachesTheApps: at Password OFF, what apps were given from a password sign-in stops
// working (refresh, introspection, userinfo); what came from single sign-on goes on; and an
// integration's client-credentials tokens never depend on the sign-in policy.
func TestPolicyReachesTheApps(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	w := opWorldOn(t, env)
	hr := w.register(t, store.AppWeb)
	clock := w.register(t, store.AppIntegration)
	cc := clientcredentials.Config{ClientID: clock.app.ClientID, ClientSecret: clock.secret, TokenURL: w.provider.Endpoint().TokenURL}
	before, err := cc.Token(context.Background())
	if err != nil {
		t.Fatalf("client credentials: %v", err)
	}
	if !clock.introspect(t, before.AccessToken) {
		t.Fatal("the integration's own token is not active")
	}

	anna, _ := env.SignedIn(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	pwd := hr.tokens(t, anna)
	testSignIn(t, env) // it@example.se is now signed in through SSO
	v2 := oauth2.GenerateVerifier()
	sso, err := hr.exchange(t, hr.signIn(t, env.IT, v2), v2)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the Policies page and the review say which apps the switch reaches", func(t *testing.T) {
		doc := env.IT.Get(t, "/auth-settings/policies").Doc(t)
		var rows []string
		doc.Find("[data-testid=policy-app]").Each(func(_ int, s *goquery.Selection) {
			var cells []string
			s.Find("td").Each(func(_ int, td *goquery.Selection) {
				cells = append(cells, strings.Join(strings.Fields(td.Text()), " "))
			})
			rows = append(rows, strings.Join(cells, " | "))
		})
		want := []string{"App integration Integration | 0 | Påverkas inte (integration)",
			"App web Webbapplikation | 2 | 1 loggas ut (inloggade med lösenord)"}
		if !slices.Equal(rows, want) {
			t.Errorf("apps on the Policies page:\n%q\nwant\n%q", rows, want)
		}
		if got := env.IT.Get(t, reviewPath).Doc(t).Find("[data-testid=policy-apps-what]").Text(); !strings.Contains(got, "(just nu 1)") {
			t.Errorf("review: %q", got)
		}
	})
	r := env.IT.Post(t, reviewPath, confirmForm(t, env.IT, "Example.se"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("switch password sign-in off: status %d\n%s", r.Status, r.Body)
	}
	if _, err := hr.refresh(pwd.RefreshToken); err == nil {
		t.Error("a password-born refresh token still works after Password OFF")
	}
	if hr.introspect(t, pwd.AccessToken) {
		t.Error("a password-born access token is still active after Password OFF")
	}
	if _, err := w.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(pwd)); err == nil {
		t.Error("userinfo answers for a password-born access token after Password OFF")
	}
	if _, err := hr.refresh(sso.RefreshToken); err != nil {
		t.Errorf("an SSO-born refresh token stopped at Password OFF: %v", err)
	}
	if !clock.introspect(t, before.AccessToken) {
		t.Error("the integration's token stopped at Password OFF")
	}
	after, err := cc.Token(context.Background())
	if err != nil || !clock.introspect(t, after.AccessToken) {
		t.Errorf("the integration cannot get a token after Password OFF: %v", err)
	}
}

// TestAppAccessIsCheckedAtSignInAndRefresh: an app open to listed people refuses everybody
// else with a page, not a token; removing a person from the list, switching the app off, or
// deactivating the person ends their tokens at the next refresh and at once for introspection.
func TestAppAccessIsCheckedAtSignInAndRefresh(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	ctx := context.Background()
	c, ann := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	bob, bobUser := w.app.SignedIn(t, "bob@example.com", handlertest.UserOpts{Verified: true})
	payroll := w.register(t, store.AppWeb, func(s *store.AppSettings) { s.Everyone, s.People = false, []int64{ann.ID, bobUser.ID} })
	signIn := func(c *handlertest.Client) *oauth2.Token {
		t.Helper()
		v := oauth2.GenerateVerifier()
		tok, err := payroll.exchange(t, payroll.signIn(t, c, v), v)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	annTok, bobTok := signIn(c), signIn(bob)

	settings := payroll.app.Settings()
	settings.Everyone, settings.People = false, []int64{bobUser.ID}
	if _, err := w.app.Store.UpdateApplication(ctx, store.CLIActor, payroll.app.ID, settings); err != nil {
		t.Fatal(err)
	}
	t.Run("a person taken off the list is refused at sign-in with a page", func(t *testing.T) {
		r := payroll.authorize(t, c, oauth2.GenerateVerifier())
		if r.Status != http.StatusForbidden || r.Location != "" || !strings.Contains(r.Body, "tillgång") {
			t.Errorf("status %d Location %q, want 403 page and no redirect", r.Status, r.Location)
		}
		if got := storeAudit(t, w.app, "app.refused"); len(got) != 1 {
			t.Errorf("app.refused rows %v", got)
		}
	})
	t.Run("their tokens stop, at refresh and introspection", func(t *testing.T) {
		if _, err := payroll.refresh(annTok.RefreshToken); err == nil {
			t.Error("refresh still works for a person taken off the app")
		}
		if payroll.introspect(t, annTok.AccessToken) {
			t.Error("introspection still says active")
		}
		if _, err := payroll.refresh(bobTok.RefreshToken); err != nil {
			t.Errorf("bob, still listed, lost his refresh token: %v", err)
		}
	})
	t.Run("a deactivated person's tokens stop", func(t *testing.T) {
		p, err := w.app.Store.ProvisionedByID(ctx, bobUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = w.app.Store.UpdateProvisioned(ctx, store.CLIActor, store.ProvisionToken{}, bobUser.ID,
			store.Provision{Email: p.Email, Name: p.Name, Active: false}, store.VerificationMail{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := payroll.refresh(bobTok.RefreshToken); err == nil {
			t.Error("refresh still works for a deactivated person")
		}
	})
	t.Run("a switched-off app is refused and its tokens stop", func(t *testing.T) {
		web := w.register(t, store.AppWeb)
		v := oauth2.GenerateVerifier()
		tok, err := web.exchange(t, web.signIn(t, c, v), v)
		if err != nil {
			t.Fatal(err)
		}
		off := web.app.Settings()
		off.Enabled = false
		if _, err := w.app.Store.UpdateApplication(ctx, store.CLIActor, web.app.ID, off); err != nil {
			t.Fatal(err)
		}
		if _, err := web.refresh(tok.RefreshToken); err == nil {
			t.Error("refresh works for a switched-off app")
		}
		if r := web.authorize(t, c, oauth2.GenerateVerifier()); r.Status != http.StatusBadRequest || r.Location != "" {
			t.Errorf("sign-in to a switched-off app: status %d Location %q, want an error page", r.Status, r.Location)
		}
	})
}

// TestTokenEndpointRefusals: what an app (or someone with its code) may get wrong.
func TestTokenEndpointRefusals(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb)
	other := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	fresh := func() (string, string) {
		v := oauth2.GenerateVerifier()
		return web.signIn(t, c, v), v
	}
	t.Run("wrong secret", func(t *testing.T) {
		code, v := fresh()
		bad := *web
		bad.conf.ClientSecret = "pvs_wrong"
		if _, err := bad.exchange(t, code, v); err == nil {
			t.Error("a wrong secret got tokens")
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		code, v := fresh()
		bad := *web
		bad.conf.ClientID = "app-000000000000000000000000"
		if _, err := bad.exchange(t, code, v); err == nil {
			t.Error("an unknown client got tokens")
		}
	})
	t.Run("code of another app", func(t *testing.T) {
		code, v := fresh()
		if _, err := other.exchange(t, code, v); err == nil {
			t.Error("another app exchanged this app's code")
		}
	})
	t.Run("wrong redirect URI at the exchange", func(t *testing.T) {
		code, v := fresh()
		bad := *web
		bad.conf.RedirectURL = "http://127.0.0.1:9/other"
		if _, err := bad.exchange(t, code, v); err == nil {
			t.Error("a code was exchanged for another redirect URI")
		}
	})
	t.Run("expired code", func(t *testing.T) {
		code, v := fresh()
		later := w.app.Store.Now().Add(store.OPCodeTTL + 2*time.Second)
		storetest.SetClock(t, w.app.Store, func() time.Time { return later })
		if _, err := web.exchange(t, code, v); err == nil {
			t.Error("an expired code was exchanged")
		}
	})
	t.Run("unregistered redirect URI gets a page at portvakt, never a redirect", func(t *testing.T) {
		bad := *web
		bad.conf.RedirectURL = "https://evil.example/callback"
		r := bad.authorize(t, c, oauth2.GenerateVerifier())
		if r.Status != http.StatusBadRequest || r.Location != "" {
			t.Errorf("status %d Location %q", r.Status, r.Location)
		}
	})
	t.Run("no implicit flow", func(t *testing.T) {
		q := url.Values{"client_id": {web.app.ClientID}, "redirect_uri": {rpRedirect}, "response_type": {"id_token token"},
			"scope": {"openid"}, "nonce": {"n"}, "state": {"s"}}
		r := c.Get(t, "/oauth/authorize?"+q.Encode())
		if strings.Contains(r.Location, "access_token") || strings.Contains(r.Location, "id_token=") {
			t.Errorf("implicit flow answered with tokens: %q", r.Location)
		}
	})
	t.Run("no password grant", func(t *testing.T) {
		status, body := web.post(t, "/oauth/token", url.Values{"grant_type": {"password"}, "username": {"ann@example.com"}, "password": {handlertest.Password}})
		if status == http.StatusOK || body["access_token"] != nil {
			t.Errorf("password grant: status %d %v", status, body)
		}
	})
}

// TestSignOutEndsAppSessions: RP-initiated logout with the ID token signs the person out of
// portvakt and with that ends what other apps were given from the session; without the ID token
// nothing ends (a link elsewhere cannot sign people out).
func TestSignOutEndsAppSessions(t *testing.T) {
	t.Parallel()
	w := newOPWorld(t)
	web := w.register(t, store.AppWeb, func(s *store.AppSettings) { s.PostLogoutURIs = []string{"http://127.0.0.1:9/bye"} })
	other := w.register(t, store.AppWeb)
	c, _ := w.app.SignedIn(t, "ann@example.com", handlertest.UserOpts{Verified: true})
	tok := web.tokens(t, c)
	otherTok := other.tokens(t, c)
	if r := c.Get(t, "/oauth/logout?post_logout_redirect_uri="+url.QueryEscape("http://127.0.0.1:9/bye")+"&client_id="+web.app.ClientID); r.Status >= 400 {
		t.Fatalf("logout without a hint: status %d", r.Status)
	}
	if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Fatalf("a logout without the ID token ended the session: status %d", r.Status)
	}
	raw, _ := tok.Extra("id_token").(string)
	r := c.Get(t, "/oauth/logout?id_token_hint="+url.QueryEscape(raw)+"&post_logout_redirect_uri="+url.QueryEscape("http://127.0.0.1:9/bye")+"&state=s1")
	if r.Status != http.StatusFound || r.Location != "http://127.0.0.1:9/bye?state=s1" {
		t.Fatalf("logout: status %d Location %q", r.Status, r.Location)
	}
	if r := c.Get(t, "/profile"); r.Status != http.StatusSeeOther {
		t.Errorf("still signed in to portvakt after logout: status %d", r.Status)
	}
	if _, err := other.refresh(otherTok.RefreshToken); err == nil {
		t.Error("the other app's refresh token outlived the sign-out")
	}
}
