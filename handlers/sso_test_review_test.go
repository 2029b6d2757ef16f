package handlers_test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

// TestSSOTestResultSaysLinkedOnlyWhenLinked: the result page of a test sign-in says an identity
// was "found by the verified e-mail address and now linked" only when the test linked it. A test
// refused because the identity's e-mail is an administrator's links nobody, nor does a test of a
// draft that was not applied; a page saying otherwise sends whoever reads it after a link that
// does not exist, or makes them believe a delegate's identity now belongs to the administrator.
func TestSSOTestResultSaysLinkedOnlyWhenLinked(t *testing.T) {
	t.Parallel()
	const nowLinked = "och nu kopplad"
	outcome := func(t *testing.T, c *handlertest.Client, env *handlertest.App) string {
		t.Helper()
		return c.Get(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10)+"/test").Doc(t).Find("[data-testid=test-outcome]").Text()
	}
	t.Run("a test refused as another person's", func(t *testing.T) {
		t.Parallel()
		env := handlertest.New(t, handlertest.WithSSO())
		boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, Verified: true})
		env.OP.SetUser(oidctest.User{Subject: "made-up", Email: "boss@example.se", EmailVerified: true})
		if r := startTest(t, env, env.OP, false); r.Status != http.StatusSeeOther {
			t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
		}
		got := outcome(t, env.IT, env)
		if !strings.Contains(got, "boss@example.se") {
			t.Fatalf("result %q, want the refusal naming the person the e-mail belongs to", got)
		}
		if strings.Contains(got, nowLinked) {
			t.Errorf("result %q says the administrator is now linked", got)
		}
		if l, err := env.Store.LinkOfUser(t.Context(), boss.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("boss linked: %+v, %v", l, err)
		}
	})
	t.Run("a test of a draft that was not applied", func(t *testing.T) {
		t.Parallel()
		env := handlertest.New(t, handlertest.WithSSO())
		ny, _, _ := draftTestSavedAgain(t, env)
		if got := outcome(t, ny, env); strings.Contains(got, nowLinked) {
			t.Errorf("result %q says ny is now linked", got)
		}
	})
	t.Run("a test of a draft that links its tester once applied", func(t *testing.T) {
		t.Parallel()
		env := handlertest.New(t, handlertest.WithSSO())
		testSignIn(t, env)
		ny, nyUser := env.SignedIn(t, "ny@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
		idp := strconv.FormatInt(env.IdP, 10)
		form := handlertest.IdPForm(env.OP, env.DomainID)
		form.Set("client_secret", "")
		form.Set("scopes", "openid email")
		if r := ny.Post(t, "/auth-settings/sso/"+idp, form); r.Status != http.StatusSeeOther {
			t.Fatalf("save the draft: status %d", r.Status)
		}
		env.OP.SetUser(oidctest.User{Subject: "ny-1", Email: "ny@example.se", EmailVerified: true})
		r := ny.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("start the draft's test: status %d", r.Status)
		}
		if r = env.SSOCallback(t, ny, r.Location); r.Status != http.StatusSeeOther {
			t.Fatalf("callback: status %d", r.Status)
		}
		if l, err := env.Store.LinkOfUser(t.Context(), nyUser.ID); err != nil || l.Subject != "ny-1" {
			t.Fatalf("ny's link %+v, %v; want the draft applied and ny linked", l, err)
		}
		if got := outcome(t, ny, env); !strings.Contains(got, nowLinked) {
			t.Errorf("result %q, want it saying ny is now linked", got)
		}
	})
	t.Run("a test that links the person", func(t *testing.T) {
		t.Parallel()
		env := handlertest.New(t, handlertest.WithSSO())
		testSignIn(t, env)
		if got := outcome(t, env.IT, env); !strings.Contains(got, nowLinked) {
			t.Errorf("result %q, want it saying it@example.se is now linked", got)
		}
	})
}

// TestSSOTestOfASwitchedOffProviderSaysNobodySignedIn: a test of a switched-off provider by a
// person linked at its issuer passes and marks the provider tested, but signs nobody in through
// it. The result page must not tell them they are now signed in through single sign-on: they
// are still in the session they had, and the Password OFF review counts only an SSO sign-in.
func TestSSOTestOfASwitchedOffProviderSaysNobodySignedIn(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	form := handlertest.IdPForm(env.OP, env.DomainID)
	form.Set("client_secret", "")
	form.Del("enabled")
	if r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), form); r.Status != http.StatusSeeOther {
		t.Fatalf("switch the provider off: status %d\n%s", r.Status, r.Body)
	}
	env.IT.SignIn(t, "it@example.se", handlertest.Password) // switching it off ended the SSO session
	if r := startTest(t, env, env.OP, false); r.Status != http.StatusSeeOther {
		t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
	}
	got := env.IT.Get(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10)+"/test").Doc(t).Find("[data-testid=test-outcome]").Text()
	if !strings.Contains(got, "markerad som testad") {
		t.Fatalf("result %q, want passed and marked tested", got)
	}
	if strings.Contains(got, "inloggad via single sign-on") {
		t.Errorf("result %q says it@example.se is signed in through single sign-on; the test signed nobody in", got)
	}
}

// TestSSOTestSaysWhetherTheProviderSendsAuthTime: whether portvakt can hold a provider to an
// app's request for a new sign-in depends on auth_time in its ID tokens; the test sign-in's
// result says which, and for a provider without it what to change.
func TestSSOTestSaysWhetherTheProviderSendsAuthTime(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	page := "/auth-settings/sso/" + strconv.FormatInt(env.IdP, 10) + "/test"
	testSignIn(t, env)
	if got := env.IT.Get(t, page).Doc(t).Find("[data-testid=test-authtime]").Text(); !strings.Contains(got, "skickar auth_time") {
		t.Errorf("a provider that sends auth_time: %q", got)
	}
	env.OP.Misbehave(oidctest.NoAuthTime)
	testSignIn(t, env)
	if got := env.IT.Get(t, page).Doc(t).Find("[data-testid=test-authtime]").Text(); !strings.Contains(got, "skickar inte auth_time") ||
		!strings.Contains(got, "Entra ID") {
		t.Errorf("a provider without auth_time: %q", got)
	}
}
