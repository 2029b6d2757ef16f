package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store/storetest"
)

func TestSSOProviderForm(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	ctx := context.Background()
	t.Run("saves the secret sealed, never in clear", func(t *testing.T) {
		p, err := env.Store.IdP(ctx, env.IdP)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(p.SecretEnc, []byte(env.OP.ClientSecret())) || len(p.SecretEnc) < 28 {
			t.Errorf("secret stored as %q", p.SecretEnc)
		}
		body := env.IT.Get(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10)).Body
		if strings.Contains(body, env.OP.ClientSecret()) {
			t.Error("the edit page shows the secret")
		}
		if got := lastAudit(t, env, "idp.create"); strings.Contains(got, env.OP.ClientSecret()) || !strings.Contains(got, "example.se") {
			t.Errorf("audit row %q", got)
		}
	})
	other := oidctest.New(t)
	notJSON := oidctest.New(t)
	notJSON.Misbehave(oidctest.DiscoveryNotJSON)
	noAuth := oidctest.New(t)
	noAuth.Misbehave(oidctest.DiscoveryNoAuthorization)
	tests := []struct {
		name   string
		change func(url.Values)
		field  string
		want   string
	}{
		{"refuses Entra's common authority", func(f url.Values) { f.Set("preset", "entra"); f.Set("tenant", "common") }, "tenant", "common, organizations och consumers"},
		{"refuses an http issuer that is not loopback", func(f url.Values) { f.Set("issuer", "http://idp.example.se") }, "issuer", "https://"},
		{"says when the issuer differs from discovery", func(f url.Values) { f.Set("issuer", other.Issuer()+"/") }, "issuer", "anger sin utfärdare som " + other.Issuer()},
		{"says when nothing answers", func(f url.Values) { f.Set("issuer", "http://127.0.0.1:1") }, "issuer", "Det gick inte att nå"},
		{"says when discovery is not JSON", func(f url.Values) { f.Set("issuer", notJSON.Issuer()) }, "issuer", "gav inget JSON-dokument"},
		{"says when discovery has no authorization endpoint", func(f url.Values) { f.Set("issuer", noAuth.Issuer()) }, "issuer", "saknar authorization_endpoint"},
		{"refuses an issuer longer than 500 characters", func(f url.Values) { f.Set("issuer", "https://x.se/"+strings.Repeat("a", 500)) }, "issuer", "högst 500 tecken"},
		{"refuses a realm with a slash", func(f url.Values) {
			f.Set("preset", "keycloak")
			f.Set("base_url", other.Issuer())
			f.Set("realm", "a/b")
		}, "realm", "Realm-namnet"},
		{"requires the client secret", func(f url.Values) { f.Del("client_secret") }, "client_secret", "klienthemligheten"},
		{"requires openid in the scopes", func(f url.Values) { f.Set("scopes", "email profile") }, "scopes", "openid"},
		{"refuses a domain served by another provider", func(f url.Values) { f.Set("name", "Second") }, "domains", "betjänas redan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := handlertest.IdPForm(other, env.DomainID)
			tt.change(f)
			r := env.IT.Post(t, "/auth-settings/sso", f)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			doc := r.Doc(t)
			msg := doc.Find("#" + tt.field).Closest(".field").Find(".field-error").Text()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message at %s: %q, want %q", tt.field, msg, tt.want)
			}
			if doc.Find("[data-testid=error-summary] a[href='#"+tt.field+"']").Length() != 1 {
				t.Errorf("the error summary does not link to %s", tt.field)
			}
			if strings.Contains(r.Body, other.ClientSecret()) {
				t.Error("the refused form shows the secret again")
			}
		})
	}
}

func TestSSOProviderFormNeedsCSRF(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	if r := env.IT.PostRaw(t, "/auth-settings/sso", handlertest.IdPForm(env.OP, env.DomainID)); r.Status != http.StatusForbidden {
		t.Errorf("POST without a CSRF token: status %d, want 403", r.Status)
	}
}

func TestSSOTestSignIn(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	ctx := context.Background()
	idp := strconv.FormatInt(env.IdP, 10)
	test := func(t *testing.T) *handlertest.Response {
		t.Helper()
		r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("start: status %d\n%s", r.Status, r.Body)
		}
		r = env.SSOCallback(t, env.IT, r.Location)
		if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/sso/"+idp+"/test" {
			t.Fatalf("callback: status %d Location %q\n%s", r.Status, r.Location, r.Body)
		}
		return env.IT.Get(t, r.Location)
	}
	t.Run("reports a failure precisely and does not mark", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true})
		env.OP.Misbehave(oidctest.WrongAudience)
		defer env.OP.Misbehave()
		doc := test(t).Doc(t)
		if got := doc.Find("[data-testid=test-kind]").Text(); got != "audience_mismatch" {
			t.Errorf("kind %q", got)
		}
		if doc.Find("[data-testid=test-endpoints]").Length() != 1 {
			t.Error("endpoints not shown")
		}
		if p, _ := env.Store.IdP(ctx, env.IdP); !p.TestedAt.IsZero() {
			t.Error("marked tested after a failure")
		}
	})
	t.Run("reports a redirect URI that is not registered", func(t *testing.T) {
		env.OP.FailAuthorization("invalid_request", "Invalid parameter: redirect_uri")
		defer env.OP.FailAuthorization("", "")
		doc := test(t).Doc(t)
		if got := doc.Find("[data-testid=test-kind]").Text(); got != "redirect_uri_not_registered" {
			t.Errorf("kind %q", got)
		}
		if got := doc.Find("[data-testid=test-message]").Text(); !strings.Contains(got, "Omdirigerings-URI:n är inte registrerad") {
			t.Errorf("message %q", got)
		}
	})
	t.Run("another person's identity does not mark", func(t *testing.T) {
		env.User(t, "bo@example.se", handlertest.UserOpts{Verified: true})
		env.OP.SetUser(oidctest.User{Subject: "bo-1", Email: "bo@example.se", EmailVerified: true})
		doc := test(t).Doc(t)
		if got := doc.Find("[data-testid=test-kind]").Text(); got != "other_user" {
			t.Errorf("kind %q", got)
		}
		if p, _ := env.Store.IdP(ctx, env.IdP); !p.TestedAt.IsZero() {
			t.Error("marked tested by someone else's identity")
		}
	})
	t.Run("success marks the provider and signs in through SSO", func(t *testing.T) {
		env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true, Name: "IT"})
		env.OP.Misbehave(oidctest.EmailOnlyInUserInfo)
		defer env.OP.Misbehave()
		doc := test(t).Doc(t)
		if got := doc.Find("[data-testid=test-outcome]").Text(); !strings.Contains(got, "Inloggningen fungerar") {
			t.Errorf("outcome %q", got)
		}
		if got := doc.Find("[data-testid=test-userinfo]").Text(); !strings.Contains(got, "it@example.se") {
			t.Errorf("UserInfo claims not shown: %q", got)
		}
		p, _ := env.Store.IdP(ctx, env.IdP)
		if p.TestedAt.IsZero() || p.TestedBy != "it@example.se" {
			t.Errorf("not marked tested: %+v", p)
		}
		if got := env.IT.Get(t, "/profile").Doc(t).Find("[data-testid=profile-method]").Text(); !strings.Contains(got, "single sign-on") {
			t.Errorf("session is not SSO: %q", got)
		}
		if got := lastAudit(t, env, "idp.test.success"); !strings.Contains(got, "tested") {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("a test finished in another session is refused", func(t *testing.T) {
		r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", nil)
		q, err := oidctest.Callback(ctx, r.Location, env.Server.RedirectURI())
		if err != nil {
			t.Fatal(err)
		}
		other := env.ClientAs(t, env.ITUser)
		if r := other.Get(t, "/auth/oidc/callback?"+q.Encode()); r.Status == http.StatusSeeOther {
			t.Errorf("status %d, want a refusal", r.Status)
		}
	})
	t.Run("changing the client id of the tested provider makes a draft", func(t *testing.T) {
		f := handlertest.IdPForm(env.OP, env.DomainID)
		f.Set("client_id", "another")
		f.Set("client_secret", "another-secret")
		if r := env.IT.Post(t, "/auth-settings/sso/"+idp, f); r.Status != http.StatusSeeOther {
			t.Fatalf("update: status %d\n%s", r.Status, r.Body)
		}
		if p, _ := env.Store.IdP(ctx, env.IdP); p.TestedAt.IsZero() || p.ClientID != env.OP.ClientID() {
			t.Errorf("the live settings changed: %+v", p)
		}
		if d, err := env.Store.IdPDraft(ctx, env.IdP); err != nil || d.ClientID != "another" {
			t.Errorf("draft %+v, %v; want one with the new client id", d, err)
		}
	})
}

func TestSSOTestSignInProviderDown(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	env.OP.Misbehave(oidctest.DiscoveryStatus500)
	idp := strconv.FormatInt(env.IdP, 10)
	r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/sso/"+idp+"/test" {
		t.Fatalf("status %d Location %q", r.Status, r.Location)
	}
	doc := env.IT.Get(t, r.Location).Doc(t)
	if got := doc.Find("[data-testid=test-kind]").Text(); got != "unreachable" {
		t.Errorf("kind %q", got)
	}
	if got := doc.Find("[data-testid=test-message]").Text(); !strings.Contains(got, "gick inte att nå") {
		t.Errorf("message %q", got)
	}
	if got := lastAudit(t, env, "idp.test.failure"); !strings.Contains(got, "HTTP status 500") {
		t.Errorf("audit %q", got)
	}
}

func TestSSOProviderNeededWhilePasswordOff(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	storetest.PasswordLogin(t, env.Store, false)
	env.IT = env.SSOClientAs(t, env.ITUser, env.IdP) // password sessions end with password sign-in
	f := handlertest.IdPForm(env.OP, env.DomainID)
	f.Del("enabled")
	f.Del("client_secret")
	r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(env.IdP, 10), f)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	if got := r.Doc(t).Find("[data-testid=error-summary]").Text(); !strings.Contains(got, "Inloggning med lösenord är avstängd") {
		t.Errorf("summary %q", got)
	}
	if p, _ := env.Store.IdP(context.Background(), env.IdP); !p.Enabled {
		t.Error("disabled although password sign-in is off")
	}
}

func TestSSORemoveProvider(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	path := "/auth-settings/sso/" + strconv.FormatInt(env.IdP, 10) + "/remove"
	doc := env.IT.Get(t, path).Doc(t)
	if got := doc.Find("[data-testid=idp-remove-domains]").Text(); !strings.Contains(got, "example.se") {
		t.Errorf("review page does not name the domain: %q", got)
	}
	for _, typed := range []string{"", "Test", "other"} {
		r := env.IT.Post(t, path, url.Values{"confirm": {typed}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("typed %q: status %d, want 422", typed, r.Status)
		}
		if got, _ := r.Doc(t).Find("input#confirm").Attr("value"); got != typed {
			t.Errorf("typed value %q not kept", got)
		}
	}
	r := env.IT.Post(t, path, url.Values{"confirm": {"test idp"}})
	if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/sso" {
		t.Fatalf("status %d Location %q", r.Status, r.Location)
	}
	if _, err := env.Store.IdP(context.Background(), env.IdP); err == nil {
		t.Error("provider still there")
	}
	if got := lastAudit(t, env, "idp.remove"); !strings.HasPrefix(got, "Test IdP") {
		t.Errorf("audit %q", got)
	}
}

func TestSSORemoveReviewCountsLinkedPeople(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	path := "/auth-settings/sso/" + strconv.FormatInt(env.IdP, 10) + "/remove"
	linked := func(t *testing.T) string {
		t.Helper()
		return strings.TrimSpace(env.IT.Get(t, path).Doc(t).Find("[data-testid=idp-remove-links]").Text())
	}
	if got := linked(t); got != "" {
		t.Errorf("nobody linked: %q, want no sentence", got)
	}
	for i, want := range []string{"En person är kopplad", "2 personer är kopplade"} {
		email := []string{"anna@example.se", "bo@example.se"}[i]
		env.User(t, email, handlertest.UserOpts{Verified: true})
		env.OP.SetUser(oidctest.User{Subject: "sub-" + email, Email: email, EmailVerified: true})
		if r := env.SSOSignIn(t, env.Client(), env.IdP, email); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in of %s: status %d", email, r.Status)
		}
		if got := linked(t); !strings.HasPrefix(got, want) {
			t.Errorf("after %d sign-ins: %q, want it to start %q", i+1, got, want)
		}
	}
}
