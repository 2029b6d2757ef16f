package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// ssoDirectLogin signs c in as email while password sign-in is off: the e-mail step goes straight
// to the provider. It returns the callback's response.
func ssoDirectLogin(t *testing.T, env *handlertest.App, c *handlertest.Client, email string) *handlertest.Response {
	t.Helper()
	r := c.Post(t, "/login", url.Values{"email": {email}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
		t.Fatalf("e-mail step: status %d Location %q, want the provider", r.Status, r.Location)
	}
	return env.SSOCallback(t, c, r.Location)
}

// TestSSOEditWhilePasswordOffKeepsTheWayIn: while password sign-in is off, an edit of the tested
// provider everybody signs in with (a mistyped secret, scopes, client ID) must not take effect
// before it is proven: the live settings keep serving and stay tested.
func TestSSOEditWhilePasswordOffKeepsTheWayIn(t *testing.T) {
	t.Parallel()
	edits := []struct {
		name string
		edit func(url.Values)
	}{
		{"a mistyped client secret", func(f url.Values) { f.Set("client_secret", "typo") }},
		{"other scopes", func(f url.Values) { f.Set("scopes", "openid profile") }},
		{"another client ID with its secret", func(f url.Values) { f.Set("client_id", "someone-else"); f.Set("client_secret", "x") }},
	}
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			env := handlertest.New(t, handlertest.WithSSO())
			env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
			testSignIn(t, env)
			storetest.PasswordLogin(t, env.Store, false)
			before, err := env.Store.IdP(t.Context(), env.IdP)
			if err != nil {
				t.Fatal(err)
			}
			form := handlertest.IdPForm(env.OP, env.DomainID)
			form.Set("client_secret", "")
			tt.edit(form)
			if r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), form); r.Status != http.StatusSeeOther {
				t.Fatalf("save: status %d\n%s", r.Status, r.Body)
			}
			after, err := env.Store.IdP(t.Context(), env.IdP)
			if err != nil {
				t.Fatal(err)
			}
			if after.TestedAt.IsZero() || after.ClientID != before.ClientID || after.Scopes != before.Scopes || !bytes.Equal(after.SecretEnc, before.SecretEnc) {
				t.Errorf("the live settings changed: tested %v, client %q, scopes %q", !after.TestedAt.IsZero(), after.ClientID, after.Scopes)
			}
			env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
			if r := ssoDirectLogin(t, env, env.Client(), "anna@example.se"); r.Status != http.StatusSeeOther {
				t.Errorf("SSO sign-in after the edit: status %d, want 303\n%s", r.Status, r.Body)
			}
		})
	}
}

// TestSSOSecretAskedAgainForNewIssuer: the saved secret belongs to the issuer and client ID it
// was given for. A form that changes either and leaves the secret empty is refused, so the
// saved secret never goes to the new issuer's token endpoint.
func TestSSOSecretAskedAgainForNewIssuer(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	other := oidctest.New(t)
	for _, tt := range []struct {
		name string
		edit func(url.Values)
	}{
		{"a new issuer", func(f url.Values) { f.Set("issuer", other.Issuer()) }},
		{"a new client ID", func(f url.Values) { f.Set("client_id", "another-client") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := handlertest.IdPForm(env.OP, env.DomainID)
			form.Set("client_secret", "")
			tt.edit(form)
			r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if got := r.Doc(t).Find("#client_secret-error, .field--error").Text(); !strings.Contains(got, "klienthemligheten") {
				t.Errorf("message %q, want one asking for the client secret", got)
			}
			if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Issuer != env.OP.Issuer() || p.ClientID != env.OP.ClientID() {
				t.Errorf("saved anyway: issuer %q client %q", p.Issuer, p.ClientID)
			}
		})
	}
}

// saveDraft posts the provider's form with edit applied, as it@example.se.
func saveDraft(t *testing.T, env *handlertest.App, edit func(url.Values)) {
	t.Helper()
	form := handlertest.IdPForm(env.OP, env.DomainID)
	form.Set("client_secret", "")
	edit(form)
	r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", r.Status, r.Body)
	}
	if got := env.IT.Get(t, r.Location).Doc(t).Find("[data-testid=flash]").Text(); !strings.Contains(got, "Sparat som utkast") {
		t.Errorf("flash %q, want it saved as a draft", got)
	}
}

// testDraft starts the test of the draft and plays op's answer; it returns the result page.
func testDraft(t *testing.T, env *handlertest.App, op *oidctest.Provider) *handlertest.Response {
	t.Helper()
	idp := strconv.FormatInt(env.IdP, 10)
	r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, op.Issuer()+"/authorize") {
		t.Fatalf("start the draft's test: status %d Location %q", r.Status, r.Location)
	}
	q, err := oidctest.Callback(t.Context(), r.Location, env.Server.RedirectURI())
	if err != nil {
		t.Fatal(err)
	}
	if r = env.IT.Get(t, "/auth/oidc/callback?"+q.Encode()); r.Location != "/auth-settings/sso/"+idp+"/test" {
		t.Fatalf("callback: status %d Location %q\n%s", r.Status, r.Location, r.Body)
	}
	return env.IT.Get(t, r.Location)
}

// TestSSODraft: an edit of a tested provider waits as a draft beside the live settings, shown
// with what differs, until a test with it passes for the person who saved it.
func TestSSODraft(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	idp := strconv.FormatInt(env.IdP, 10)
	saveDraft(t, env, func(f url.Values) { f.Set("scopes", "openid email") })
	t.Run("the page shows the draft beside the live settings", func(t *testing.T) {
		doc := env.IT.Get(t, "/auth-settings/sso/"+idp).Doc(t)
		changed := doc.Find("[data-testid=idp-draft-diff] tr[data-changed]")
		if changed.Length() != 1 || !strings.Contains(changed.Text(), "Scopes") || !strings.Contains(changed.Text(), "Ändrad") {
			t.Errorf("changed rows %q, want scopes only, marked", changed.Text())
		}
		if doc.Find("[data-testid=idp-draft-test]").Length() != 1 || doc.Find("[data-testid=idp-draft-discard]").Length() != 1 {
			t.Error("no buttons to test or discard the draft")
		}
		if v, _ := doc.Find("#scopes").Attr("value"); v != "openid email" {
			t.Errorf("form scopes %q, want the draft's", v)
		}
		if got := env.IT.Get(t, "/auth-settings/sso").Doc(t).Find("[data-testid=idp-row-draft]").Text(); got != "Utkast" {
			t.Errorf("the list marks the draft with %q, want Utkast", got)
		}
	})
	t.Run("somebody else cannot test it", func(t *testing.T) {
		other := env.ClientAs(t, env.User(t, "it2@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true}))
		if doc := other.Get(t, "/auth-settings/sso/"+idp).Doc(t); doc.Find("[data-testid=idp-draft-test]").Length() != 0 {
			t.Error("offers the test to someone who did not save the draft")
		}
		r := other.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
		if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/sso/"+idp {
			t.Errorf("status %d Location %q, want back to the provider", r.Status, r.Location)
		}
	})
	t.Run("a failing test leaves the live settings", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true})
		env.OP.Misbehave(oidctest.WrongAudience)
		doc := testDraft(t, env, env.OP).Doc(t)
		env.OP.Misbehave()
		if got := doc.Find("[data-testid=test-draft]").Text(); !strings.Contains(got, "Utkastet gäller inte") {
			t.Errorf("result %q, want the draft kept aside", got)
		}
		if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Scopes != "openid email profile" || p.TestedAt.IsZero() {
			t.Errorf("live settings changed: %+v", p)
		}
	})
	t.Run("a passing test applies it", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true})
		doc := testDraft(t, env, env.OP).Doc(t)
		if got := doc.Find("[data-testid=test-draft]").Text(); !strings.Contains(got, "Utkastet är testat och gäller nu") {
			t.Errorf("result %q, want applied", got)
		}
		if got := env.OP.LastAuthorization().Get("scope"); got != "openid email" {
			t.Errorf("the test asked for scopes %q, want the draft's", got)
		}
		p, _ := env.Store.IdP(t.Context(), env.IdP)
		if p.Scopes != "openid email" || p.TestedAt.IsZero() || p.TestedBy != "it@example.se" {
			t.Errorf("live settings %+v, want the draft's, tested", p)
		}
		if _, err := env.Store.IdPDraft(t.Context(), env.IdP); err == nil {
			t.Error("the draft is still there")
		}
		if got := lastAudit(t, env, "idp.draft.apply"); !strings.Contains(got, `scopes="openid email"`) {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("discarding a draft keeps the live settings", func(t *testing.T) {
		saveDraft(t, env, func(f url.Values) { f.Set("client_secret", "typo") })
		r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/draft/discard", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("discard: status %d", r.Status)
		}
		if _, err := env.Store.IdPDraft(t.Context(), env.IdP); err == nil {
			t.Error("the draft is still there")
		}
		if doc := env.IT.Get(t, r.Location).Doc(t); doc.Find("[data-testid=idp-draft]").Length() != 0 {
			t.Error("the page still shows a draft")
		}
	})
}

// TestSSODraftNewIssuer: a draft that moves the provider to another issuer passes with the
// tester's identity there; applying it moves their link, signs out everyone who came through the
// old issuer and mails every administrator in their language.
func TestSSODraftNewIssuer(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	admin := env.User(t, "admin@example.se", handlertest.UserOpts{Admin: true, Verified: true})
	storetest.Lang(t, env.Store, admin.Email, "en")
	env.OP.SetUser(oidctest.User{Subject: "anna-1", Email: "anna@example.se", EmailVerified: true})
	annaC := env.Client()
	if r := env.SSOSignIn(t, annaC, env.IdP, "anna@example.se"); r.Status != http.StatusSeeOther {
		t.Fatalf("Anna's SSO sign-in: status %d", r.Status)
	}
	testSignIn(t, env)
	storetest.PasswordLogin(t, env.Store, false)
	next := env.NewOP(t)
	saveDraft(t, env, func(f url.Values) {
		f.Set("issuer", next.Issuer())
		f.Set("client_id", next.ClientID())
		f.Set("client_secret", next.ClientSecret())
	})
	doc := env.IT.Get(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10)).Doc(t)
	if doc.Find("[data-testid=idp-draft-newissuer]").Length() != 1 {
		t.Error("the page does not warn that the issuer changes")
	}
	if got := doc.Find("[data-testid=idp-draft-links]").Text(); !strings.Contains(got, "utfärdaren: 1.") {
		t.Errorf("links warning %q, want Anna counted, not the tester", got)
	}
	next.SetUser(oidctest.User{Subject: "it-next", Email: "it@example.se", EmailVerified: true})
	doc = testDraft(t, env, next).Doc(t)
	if got := doc.Find("[data-testid=test-draft]").Text(); !strings.Contains(got, "gäller nu") || !strings.Contains(got, "Administratörerna") {
		t.Fatalf("result %q, want applied and administrators told", got)
	}
	if p, _ := env.Store.IdP(t.Context(), env.IdP); p.Issuer != next.Issuer() || p.TestedAt.IsZero() {
		t.Errorf("live issuer %q tested %v", p.Issuer, !p.TestedAt.IsZero())
	}
	if l, err := env.Store.LinkOfUser(t.Context(), env.ITUser.ID); err != nil || l.Issuer != next.Issuer() || l.Subject != "it-next" {
		t.Errorf("tester's link %+v, %v", l, err)
	}
	if r := annaC.Get(t, "/profile"); r.Status != http.StatusSeeOther {
		t.Errorf("Anna's session through the old issuer: status %d, want signed out", r.Status)
	}
	if r := env.IT.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Errorf("the tester's new SSO session: status %d", r.Status)
	}
	mails, _, err := env.Store.ListMail(t.Context(), store.MailFilter{})
	if err != nil || len(mails) != 1 || mails[0].To != "admin@example.se" || !strings.Contains(mails[0].Subject, "now points to a new issuer") {
		t.Errorf("mails %+v, %v; want one in English to the administrator", mails, err)
	}
}
