package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

// A delegate who controls where a provider points can make it vouch for any e-mail on the
// domain. Administrators and people with the Authentication Settings grant therefore link only
// from their own signed-in session, never by an SSO sign-in (DESIGN.md flow 13).
func TestSSOPrivilegedAccountsLinkOnlyThemselves(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, Verified: true})
	delegate := env.User(t, "it2@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	ctx := context.Background()

	for _, who := range []store.User{boss, delegate} {
		t.Run("an SSO sign-in does not link "+who.Email, func(t *testing.T) {
			env.OP.SetUser(oidctest.User{Subject: "forged-" + who.Email, Email: who.Email, EmailVerified: true})
			c := env.Client()
			r := env.SSOSignIn(t, c, env.IdP, who.Email)
			wantRefused(t, env, r, "privileged_link_self")
			if _, err := env.Store.LinkOfUser(ctx, who.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("link made: %v", err)
			}
			if r := c.Get(t, "/profile"); r.Status != http.StatusSeeOther {
				t.Errorf("a session exists after the refusal: GET /profile %d", r.Status)
			}
		})
	}

	t.Run("the profile offers linking to an unlinked person", func(t *testing.T) {
		c := env.ClientAs(t, boss)
		doc := c.Get(t, "/profile").Doc(t)
		form := doc.Find("[data-testid=profile-link-form]")
		if form.Length() != 1 {
			t.Fatalf("no link form on the profile")
		}
		if got, _ := form.Attr("action"); got != "/profile/link/"+strconv.FormatInt(env.IdP, 10) {
			t.Errorf("link form action %q", got)
		}
	})

	t.Run("the profile link refuses another person's identity", func(t *testing.T) {
		c := env.ClientAs(t, boss)
		env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true})
		r := profileLink(t, env, c)
		wantRefused(t, env, r, "other_user")
		if _, err := env.Store.LinkOfUser(ctx, boss.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("link made: %v", err)
		}
	})

	t.Run("a privileged person links from their own profile", func(t *testing.T) {
		c := env.ClientAs(t, boss)
		env.OP.SetUser(oidctest.User{Subject: "boss-1", Email: "boss@example.se", EmailVerified: true})
		r := profileLink(t, env, c)
		if r.Status != http.StatusSeeOther || r.Location != "/profile" {
			t.Fatalf("callback: status %d Location %q\n%s", r.Status, r.Location, r.Body)
		}
		l, err := env.Store.LinkOfUser(ctx, boss.ID)
		if err != nil || l.Subject != "boss-1" {
			t.Fatalf("link %+v, %v", l, err)
		}
		doc := c.Get(t, "/profile").Doc(t)
		if got := doc.Find("[data-testid=profile-method]").Text(); !strings.Contains(got, "Test IdP") {
			t.Errorf("the session is not the new SSO sign-in: %q", got)
		}
		if doc.Find("[data-testid=profile-link-form]").Length() != 0 {
			t.Errorf("link form still offered to a linked person")
		}
	})

	t.Run("once linked, the privileged person signs in through SSO", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "boss-1", Email: "boss@example.se", EmailVerified: true})
		c := env.Client()
		if r := env.SSOSignIn(t, c, env.IdP, "boss@example.se"); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("callback: status %d Location %q\n%s", r.Status, r.Location, r.Body)
		}
	})

	t.Run("the profile link is refused to a person who is linked already", func(t *testing.T) {
		c := env.ClientAs(t, boss)
		r := c.Post(t, "/profile/link/"+strconv.FormatInt(env.IdP, 10), nil)
		if r.Status != http.StatusSeeOther || r.Location != "/profile" {
			t.Fatalf("status %d Location %q", r.Status, r.Location)
		}
	})
}

// profileLink starts "Link my single sign-on identity" on the profile and returns the callback.
func profileLink(t testing.TB, env *handlertest.App, c *handlertest.Client) *handlertest.Response {
	t.Helper()
	r := c.Post(t, "/profile/link/"+strconv.FormatInt(env.IdP, 10), nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
		t.Fatalf("start: status %d, Location %q\n%s", r.Status, r.Location, r.Body)
	}
	return env.SSOCallback(t, c, r.Location)
}

// TestSSOLinkMadeBeforePrivilegeIsProvenAgain: a link made by a sign-in, before its person was
// made privileged, could have come from a provider a delegate pointed at their own issuer. Once
// the person is an administrator or grant holder, it gets them in only after they prove it from
// their own session.
func TestSSOLinkMadeBeforePrivilegeIsProvenAgain(t *testing.T) {
	env := handlertest.New(t, handlertest.WithSSO())
	anna := env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
	if r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("first sign-in: status %d Location %q", r.Status, r.Location)
	}
	if err := env.Store.GrantAuthSettings(context.Background(), store.CLIActor, anna.ID); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, env, env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se"), "privileged_link_self")

	c := env.ClientAs(t, anna)
	if doc := c.Get(t, "/profile").Doc(t); doc.Find("[data-testid=profile-link-form]").Length() != 1 {
		t.Fatalf("the profile does not offer to link again")
	}
	if r := profileLink(t, env, c); r.Status != http.StatusSeeOther || r.Location != "/profile" {
		t.Fatalf("link from the profile: status %d Location %q\n%s", r.Status, r.Location, r.Body)
	}
	if r := env.SSOSignIn(t, env.Client(), env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("sign-in after linking from the profile: status %d Location %q\n%s", r.Status, r.Location, r.Body)
	}
}
