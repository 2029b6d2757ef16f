package handlers_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

// A test sign-in's outcome is decided in one store transaction after the provider has answered.
// These tests change what it depends on while the callback waits on the provider's token
// endpoint, after the handler has read the provider and its draft.

// startTest starts a test sign-in of the provider (of its draft with draft) as it@example.se and
// plays op's front channel; it returns the callback's response.
func startTest(t *testing.T, env *handlertest.App, op *oidctest.Provider, draft bool) *handlertest.Response {
	t.Helper()
	form := url.Values{}
	if draft {
		form.Set("draft", "1")
	}
	r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10)+"/test", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, op.Issuer()+"/authorize") {
		t.Fatalf("start the test: status %d Location %q", r.Status, r.Location)
	}
	q, err := oidctest.Callback(t.Context(), r.Location, env.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	return env.IT.Get(t, "/auth/oidc/callback?"+q.Encode())
}

// TestSSOTestRevisionMovesDuringCallback: the provider's settings change while the test's
// callback waits on the provider. The test passes but does not mark the provider tested, and its
// result page says so, rather than claiming what the store did not do.
func TestSSOTestRevisionMovesDuringCallback(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true})
	var changed error
	env.OP.DuringToken(func() {
		p, err := env.Store.IdP(t.Context(), env.IdP)
		if err != nil {
			changed = err
			return
		}
		changed = env.Store.UpdateIdP(t.Context(), store.CLIActor, env.IdP, store.IdPInput{Name: p.Name, Preset: p.Preset,
			PresetJSON: p.PresetJSON, Issuer: p.Issuer, ClientID: p.ClientID, Scopes: "openid email", Enabled: p.Enabled,
			DomainIDs: []int64{env.DomainID}})
	})
	r := startTest(t, env, env.OP, false)
	if changed != nil {
		t.Fatalf("change during the callback: %v", changed)
	}
	if r.Status != http.StatusSeeOther {
		t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
	}
	got := env.IT.Get(t, r.Location).Doc(t).Find("[data-testid=test-outcome]").Text()
	if !strings.Contains(got, "Inloggningen fungerar") || !strings.Contains(got, "inte markerad som testad") {
		t.Errorf("result %q, want passed and not marked tested", got)
	}
	if p, _ := env.Store.IdP(t.Context(), env.IdP); !p.TestedAt.IsZero() {
		t.Error("the provider is marked tested with settings the test did not use")
	}
	if got := lastAudit(t, env, "idp.test.success"); !strings.Contains(got, "not marked tested") {
		t.Errorf("audit %q", got)
	}
}

// TestSSODraftSavedAgainDuringCallback: the draft is saved again while its test's callback waits
// on the provider. The test of the older revision passes but applies nothing, and the newer draft
// waits for its own test.
func TestSSODraftSavedAgainDuringCallback(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	saveDraft(t, env, func(f url.Values) { f.Set("scopes", "openid email") })
	var saved error
	env.OP.DuringToken(func() {
		form := handlertest.IdPForm(env.OP, env.DomainID)
		form.Set("client_secret", "")
		form.Set("scopes", "openid profile")
		r, err := env.IT.TryPost("/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), form)
		if err == nil && r.Status != http.StatusSeeOther {
			err = fmt.Errorf("status %d", r.Status)
		}
		saved = err
	})
	r := startTest(t, env, env.OP, true)
	if saved != nil {
		t.Fatalf("save during the callback: %v", saved)
	}
	if r.Status != http.StatusSeeOther {
		t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
	}
	got := env.IT.Get(t, r.Location).Doc(t).Find("[data-testid=test-draft]").Text()
	if strings.Contains(got, "gäller nu") {
		t.Errorf("result %q, want the draft not applied", got)
	}
	p, _ := env.Store.IdP(t.Context(), env.IdP)
	if p.Scopes != "openid email profile" || p.TestedAt.IsZero() {
		t.Errorf("live settings %q tested %v, want the old ones, still tested", p.Scopes, !p.TestedAt.IsZero())
	}
	if d, err := env.Store.IdPDraft(t.Context(), env.IdP); err != nil || d.Scopes != "openid profile" {
		t.Errorf("draft %+v, %v; want the one saved during the test", d, err)
	}
	if got := lastAudit(t, env, "idp.draft.test.success"); !strings.Contains(got, "draft not applied: draft_changed") {
		t.Errorf("audit %q", got)
	}
}

// TestSSOTestGrantRevokedDuringCallback: the tester's Authentication Settings grant is revoked
// while the test's callback waits on the provider. The callback was let in with the grant, but
// the store re-reads it in the transaction: nothing is marked tested, no draft is applied, and
// nothing of the test is recorded.
func TestSSOTestGrantRevokedDuringCallback(t *testing.T) {
	t.Parallel()
	for _, draft := range []bool{false, true} {
		name := "a test of the live settings"
		if draft {
			name = "a test of the draft"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := handlertest.New(t, handlertest.WithSSO())
			other := env.User(t, "it2@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
			if draft {
				testSignIn(t, env)
				saveDraft(t, env, func(f url.Values) { f.Set("scopes", "openid email") })
			}
			before, _ := env.Store.IdP(t.Context(), env.IdP)
			env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true})
			var revoked error
			env.OP.DuringToken(func() {
				_, _, revoked = env.Store.SetGrants(t.Context(), store.CLIActor, []int64{other.ID})
			})
			r := startTest(t, env, env.OP, draft)
			if revoked != nil {
				t.Fatalf("revoke during the callback: %v", revoked)
			}
			if r.Status != http.StatusForbidden {
				t.Errorf("callback: status %d, want 403", r.Status)
			}
			p, _ := env.Store.IdP(t.Context(), env.IdP)
			if p.TestedAt != before.TestedAt || p.Scopes != before.Scopes || p.LastTest != before.LastTest {
				t.Errorf("the test went on without the grant: tested %v (was %v), scopes %q, result %q",
					p.TestedAt, before.TestedAt, p.Scopes, p.LastTest)
			}
			if draft {
				if _, err := env.Store.IdPDraft(t.Context(), env.IdP); err != nil {
					t.Errorf("the draft is gone: %v", err)
				}
			}
		})
	}
}

// TestSSODraftDiscardedAndSavedAgainDuringTest: the draft is discarded and another saved while
// its test is out at the provider. The new draft starts its revisions again, but the test ran
// with other settings: it must not apply the new draft, which nobody has tested.
func TestSSODraftDiscardedAndSavedAgainDuringTest(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	idp := strconv.FormatInt(env.IdP, 10)
	saveDraft(t, env, func(f url.Values) { f.Set("scopes", "openid email") })
	r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
		t.Fatalf("start the draft's test: status %d Location %q", r.Status, r.Location)
	}
	q, err := oidctest.Callback(t.Context(), r.Location, env.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	if r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/draft/discard", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("discard: status %d", r.Status)
	}
	saveDraft(t, env, func(f url.Values) { f.Set("scopes", "openid") })
	if r = env.IT.Get(t, "/auth/oidc/callback?"+q.Encode()); r.Status != http.StatusSeeOther {
		t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
	}
	if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Scopes != "openid email profile" {
		t.Errorf("live scopes %q: a draft nobody tested was applied", p.Scopes)
	}
	if d, err := env.Store.IdPDraft(t.Context(), env.IdP); err != nil || d.Scopes != "openid" {
		t.Errorf("draft %+v, %v; want the new one waiting for its test", d, err)
	}
	if got := env.IT.Get(t, r.Location).Doc(t).Find("[data-testid=test-outcome]").Text(); !strings.Contains(got, "Utkastet sparades om") {
		t.Errorf("result %q, want the draft changed during the test", got)
	}
}

// TestSSODraftTestLinksNobodyWhenNotApplied: someone with Authentication Settings access who
// is not linked yet tests their draft of the provider's scopes (same issuer and client ID), and
// saves the draft again while the callback waits on the provider. The test passes but applies
// nothing; the identity it signed in with came through settings that never went live and must
// not be left linked to them.
func TestSSODraftTestLinksNobodyWhenNotApplied(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	_, nyUser, _ := draftTestSavedAgain(t, env)
	if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Scopes != "openid email profile" {
		t.Errorf("live scopes %q: a draft was applied", p.Scopes)
	}
	if l, err := env.Store.LinkOfUser(t.Context(), nyUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ny linked to %+v (%v) by the test of a draft that was not applied", l, err)
	}
}

// draftTestSavedAgain has ny@example.se, who holds Authentication Settings and is not linked,
// save a draft of the provider's scopes (openid email) and test it, saving the draft again
// (openid profile) while the test's callback waits on the provider. It returns ny's browser and
// person and the callback's response.
func draftTestSavedAgain(t *testing.T, env *handlertest.App) (*handlertest.Client, store.User, *handlertest.Response) {
	t.Helper()
	testSignIn(t, env)
	ny, nyUser := env.SignedIn(t, "ny@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	idp := strconv.FormatInt(env.IdP, 10)
	save := func(scopes string) error {
		form := handlertest.IdPForm(env.OP, env.DomainID)
		form.Set("client_secret", "")
		form.Set("scopes", scopes)
		r, err := ny.TryPost("/auth-settings/sso/"+idp, form)
		if err == nil && r.Status != http.StatusSeeOther {
			err = fmt.Errorf("status %d", r.Status)
		}
		return err
	}
	if err := save("openid email"); err != nil {
		t.Fatalf("save the draft: %v", err)
	}
	env.OP.SetUser(oidctest.User{Subject: "ny-1", Email: "ny@example.se", EmailVerified: true})
	var saved error
	env.OP.DuringToken(func() { saved = save("openid profile") })
	r := ny.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
		t.Fatalf("start the draft's test: status %d Location %q", r.Status, r.Location)
	}
	if r = env.SSOCallback(t, ny, r.Location); r.Status != http.StatusSeeOther {
		t.Fatalf("callback: status %d\n%s", r.Status, r.Body)
	}
	if saved != nil {
		t.Fatalf("save during the callback: %v", saved)
	}
	return ny, nyUser, r
}
