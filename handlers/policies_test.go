package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
)

const reviewPath = "/auth-settings/policies/password/off"

// testSignIn runs the test sign-in of the provider as it@example.se, which marks the provider
// tested and signs the client in again through SSO.
func testSignIn(t *testing.T, env *handlertest.App) {
	t.Helper()
	env.OP.SetUser(oidctest.User{Subject: "it-1", Email: "it@example.se", EmailVerified: true, Name: "IT"})
	idp := strconv.FormatInt(env.IdP, 10)
	r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start test: status %d", r.Status)
	}
	if r = env.SSOCallback(t, env.IT, r.Location); r.Location != "/auth-settings/sso/"+idp+"/test" {
		t.Fatalf("test callback: status %d Location %q", r.Status, r.Location)
	}
}

// stopServing saves the provider idp, as it@example.se, serving no domain, its sign-in
// settings as they are.
func stopServing(t *testing.T, env *handlertest.App, idp int64) {
	t.Helper()
	p, err := env.Store.IdP(t.Context(), idp)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"preset": {"other"}, "name": {p.Name}, "issuer": {p.Issuer}, "client_id": {p.ClientID},
		"scopes": {p.Scopes}, "enabled": {"on"}}
	if r := env.IT.Post(t, "/auth-settings/sso/"+strconv.FormatInt(idp, 10), form); r.Status != http.StatusSeeOther {
		t.Fatalf("save the provider without its domain: status %d\n%s", r.Status, r.Body)
	}
}

// confirmForm is what the review page's form sends, with the domain typed.
func confirmForm(t *testing.T, c *handlertest.Client, typed string) url.Values {
	t.Helper()
	r := c.Get(t, reviewPath)
	reviewed, ok := r.Doc(t).Find("input[name=reviewed]").Attr("value")
	if !ok {
		t.Fatalf("the review page has no form:\n%s", r.Body)
	}
	return url.Values{"reviewed": {reviewed}, "confirm": {typed}}
}

func passwordOn(t *testing.T, app *handlertest.App) bool {
	t.Helper()
	on, err := app.Store.PasswordLoginEnabled(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return on
}

func TestPasswordOffRefusedUntilReady(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, env *handlertest.App)
		want    string
	}{
		{"without a verified domain", func(t *testing.T, env *handlertest.App) {
			testSignIn(t, env)
			// A verified domain never goes back to unverified: removing it is the way to none.
			path := "/auth-settings/domains/" + strconv.FormatInt(env.DomainID, 10) + "/remove"
			if r := env.IT.Post(t, path, url.Values{"confirm": {"example.se"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("remove the domain: status %d\n%s", r.Status, r.Body)
			}
		}, "Ingen domän är verifierad"},
		{"while no enabled provider serves the domain", func(t *testing.T, env *handlertest.App) {
			testSignIn(t, env)
			stopServing(t, env, env.IdP)
		}, "Ingen verifierad domän betjänas"},
		{"before the provider is tested", func(t *testing.T, env *handlertest.App) {}, "har inte testats"},
		{"when signed in with a password", func(t *testing.T, env *handlertest.App) {
			testSignIn(t, env)
			env.IT = env.ClientAs(t, env.ITUser)
		}, "Du är inte inloggad med single sign-on"},
		{"when the SSO sign-in is more than an hour old", func(t *testing.T, env *handlertest.App) {
			testSignIn(t, env)
			// Active all along, so that the session does not end idle, for 75 minutes.
			for range 3 {
				env.Clock.Advance(25 * time.Minute)
				if r := env.IT.Get(t, "/profile"); r.Status != http.StatusOK {
					t.Fatalf("profile: status %d", r.Status)
				}
			}
		}, "för mer än en timme sedan"},
		{"when the person would lock themselves out", func(t *testing.T, env *handlertest.App) {
			testSignIn(t, env)
			// it@example.se stays linked to the first provider's issuer while a tested provider
			// of another issuer takes example.se over.
			stopServing(t, env, env.IdP)
			other := oidctest.New(t)
			id := env.CreateIdP(t, env.IT, handlertest.IdPForm(other, env.DomainID))
			p, err := env.Store.IdP(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if err := env.Store.SaveIdPTest(t.Context(), store.Actor{UserID: env.ITUser.ID, Label: env.ITUser.Email}, id, p.Revision, true, "{}", ""); err != nil {
				t.Fatal(err)
			}
		}, "Du själv skulle inte kunna logga in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := handlertest.New(t, handlertest.WithSSO(), handlertest.WithClock())
			tt.prepare(t, env)
			r := env.IT.Get(t, reviewPath)
			if got := r.Doc(t).Find("[data-testid=policy-reasons]").Text(); r.Status != http.StatusOK || !strings.Contains(got, tt.want) {
				t.Errorf("review page: status %d, reasons %q, want %q", r.Status, got, tt.want)
			}
			if r.Doc(t).Find("[data-testid=password-off-confirm]").Length() != 0 {
				t.Error("the review page offers to switch off")
			}
			r = env.IT.Post(t, reviewPath, url.Values{"confirm": {"example.se"}, "reviewed": {"x"}})
			if got := r.Doc(t).Find("[data-testid=policy-reasons]").Text(); r.Status != http.StatusUnprocessableEntity || !strings.Contains(got, tt.want) {
				t.Errorf("posted anyway: status %d, reasons %q, want 422 and %q", r.Status, got, tt.want)
			}
			if !passwordOn(t, env) {
				t.Error("password sign-in went off")
			}
			if got := lastAudit(t, env, "policy.password_login.refused"); got == "password |  | " {
				t.Errorf("refusal audited without reasons: %q", got)
			}
		})
	}
}

func TestPasswordOffConfirmation(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	tests := []struct {
		name   string
		form   func(t *testing.T) url.Values
		field  string
		want   string
		status int
	}{
		{"refuses a wrongly typed domain", func(t *testing.T) url.Values { return confirmForm(t, env.IT, "example.com") },
			"#confirm", "Skriv domännamnet example.se", http.StatusUnprocessableEntity},
		{"refuses a confirmation of a list that has changed", func(t *testing.T) url.Values {
			f := confirmForm(t, env.IT, "example.se")
			env.User(t, "new@example.se", handlertest.UserOpts{})
			return f
		}, "#main", "har ändrats sedan du granskade", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.IT.Post(t, reviewPath, tt.form(t))
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tt.status, r.Body)
			}
			got := r.Doc(t).Find("[data-testid=error-summary] a[href='" + tt.field + "']").Text()
			if !strings.Contains(got, tt.want) {
				t.Errorf("error summary at %s: %q, want %q", tt.field, got, tt.want)
			}
			if !passwordOn(t, env) {
				t.Error("password sign-in went off")
			}
		})
	}
	t.Run("needs the CSRF token", func(t *testing.T) {
		if r := env.IT.PostRaw(t, reviewPath, confirmForm(t, env.IT, "example.se")); r.Status != http.StatusForbidden || !passwordOn(t, env) {
			t.Errorf("status %d, password on %v; want 403 and on", r.Status, passwordOn(t, env))
		}
	})
}

func TestPasswordOff(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	anna, _ := env.SignedIn(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.User(t, "bo@example.se", handlertest.UserOpts{})
	env.User(t, "cy@other.se", handlertest.UserOpts{Verified: true})
	testSignIn(t, env)

	t.Run("the review page lists who cannot sign in afterwards", func(t *testing.T) {
		doc := env.IT.Get(t, reviewPath).Doc(t)
		if got := doc.Find("[data-testid=policy-affected-count]").Text(); !strings.Contains(got, "2 av 4") {
			t.Errorf("count %q, want 2 of 4", got)
		}
		got := doc.Find("[data-testid=policy-affected]").Text()
		for _, want := range []string{"bo@example.se", "E-postadressen är inte verifierad", "cy@other.se", "betjänas inte"} {
			if !strings.Contains(got, want) {
				t.Errorf("list %q lacks %q", got, want)
			}
		}
		if strings.Contains(got, "anna@example.se") || strings.Contains(got, "it@example.se") {
			t.Errorf("list %q names people who keep access", got)
		}
		if got := doc.Find("[data-testid=policy-what]").Text(); !strings.Contains(got, "(just nu 1)") {
			t.Errorf("what happens: %q", got)
		}
	})
	r := env.IT.Post(t, reviewPath, confirmForm(t, env.IT, "Example.se"))
	if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/policies" {
		t.Fatalf("switch off: status %d Location %q\n%s", r.Status, r.Location, r.Body)
	}
	t.Run("says so and shows the password provider OFF", func(t *testing.T) {
		doc := env.IT.Get(t, "/auth-settings/policies").Doc(t)
		if got := doc.Find("[data-testid=flash]").Text(); !strings.Contains(got, "som avslutades: 1.") {
			t.Errorf("flash %q", got)
		}
		if got := doc.Find("[data-testid=policy-password] [data-testid=policy-status]").Text(); strings.TrimSpace(got) != "AV" {
			t.Errorf("password provider %q, want AV", got)
		}
		if got := lastAudit(t, env, "policy.password_login"); !strings.Contains(got, "| off") || !strings.Contains(got, "confirmed with example.se") {
			t.Errorf("audit %q", got)
		}
	})
	t.Run("ends password sessions at once", func(t *testing.T) {
		if r := anna.Get(t, "/profile"); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Errorf("Anna's password session: status %d Location %q, want sent to sign in", r.Status, r.Location)
		}
		if r := env.IT.Get(t, "/profile"); r.Status != http.StatusOK {
			t.Errorf("the SSO session: status %d, want 200", r.Status)
		}
	})
	t.Run("refuses a password posted directly", func(t *testing.T) {
		c := env.Client()
		c.Post(t, "/login", url.Values{"email": {"cy@other.se"}})
		r := c.Post(t, "/login/password", url.Values{"password": {handlertest.Password}})
		if r.Status != http.StatusForbidden || r.Doc(t).Find("input[type=password]").Length() != 0 {
			t.Errorf("status %d, password field shown %v; want 403 and no field", r.Status, r.Doc(t).Find("input[type=password]").Length() != 0)
		}
		if r := c.Get(t, "/profile"); r.Status != http.StatusSeeOther {
			t.Errorf("signed in anyway: status %d", r.Status)
		}
	})
	t.Run("the e-mail step goes straight to the provider", func(t *testing.T) {
		r := env.Client().Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, env.OP.Issuer()+"/authorize") {
			t.Errorf("status %d Location %q, want the provider", r.Status, r.Location)
		}
	})
	t.Run("switches back on with a button", func(t *testing.T) {
		if r := env.IT.Post(t, "/auth-settings/policies/password/on", nil); r.Status != http.StatusSeeOther || !passwordOn(t, env) {
			t.Fatalf("status %d, password on %v", r.Status, passwordOn(t, env))
		}
		if got := lastAudit(t, env, "policy.password_login"); !strings.HasSuffix(got, "| on") {
			t.Errorf("audit %q", got)
		}
		anna.SignIn(t, "anna@example.se", handlertest.Password)
	})
}

func TestPoliciesPage(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	checks := func(t *testing.T) []string {
		t.Helper()
		var out []string
		env.IT.Get(t, "/auth-settings/policies").Doc(t).Find("[data-testid=policy-checks] li .badge").Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.Text())
		})
		return out
	}
	doc := env.IT.Get(t, "/auth-settings/policies").Doc(t)
	t.Run("lists the password provider and each provider with its state", func(t *testing.T) {
		if got := doc.Find("[data-testid=policy-password]").Text(); !strings.Contains(got, "Lösenord (portvakt)") || !strings.Contains(got, "PÅ") {
			t.Errorf("password row %q", got)
		}
		got := doc.Find("[data-testid=policy-idp]").Text()
		for _, want := range []string{"Test IdP", "example.se", "Inte testad", "PÅ"} {
			if !strings.Contains(got, want) {
				t.Errorf("provider row %q lacks %q", got, want)
			}
		}
	})
	t.Run("shows the break-glass command", func(t *testing.T) {
		if got := doc.Find("#recover-command").Text(); got != "portvakt recover password-login" {
			t.Errorf("command %q", got)
		}
	})
	t.Run("ticks the checks as they are met", func(t *testing.T) {
		want := "Klart Inte klart Inte klart Inte klart Nästa steg"
		if got := strings.Join(checks(t), " "); got != want {
			t.Errorf("before the test sign-in: %q, want %q", got, want)
		}
		if env.IT.Get(t, "/auth-settings/policies").Doc(t).Find("[data-testid=policy-checks] a[href='/auth-settings/sso']").Length() != 1 {
			t.Error("the untested provider's check does not lead to Single sign-on")
		}
		testSignIn(t, env)
		want = "Klart Klart Klart Klart Nästa steg"
		if got := strings.Join(checks(t), " "); got != want {
			t.Errorf("after the test sign-in: %q, want %q", got, want)
		}
	})
	t.Run("the overview links its last step here", func(t *testing.T) {
		if env.IT.Get(t, "/auth-settings").Doc(t).Find("a[href='/auth-settings/policies']").Length() == 0 {
			t.Error("no link to the policies page on the overview")
		}
	})
}

func TestPasswordOffReviewCapsTheList(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	for i := range 205 {
		env.User(t, "p"+strconv.Itoa(i)+"@other.se", handlertest.UserOpts{NoPassword: true})
	}
	testSignIn(t, env)
	doc := env.IT.Get(t, reviewPath).Doc(t)
	if got := doc.Find("[data-testid=policy-affected] tbody tr").Length(); got != 200 {
		t.Errorf("%d rows, want 200", got)
	}
	if got := doc.Find("[data-testid=policy-affected-count]").Text(); !strings.Contains(got, "205 av 206") {
		t.Errorf("count %q, want 205 of 206", got)
	}
	if got := doc.Find("[data-testid=policy-more]").Text(); !strings.Contains(got, "5 personer till") {
		t.Errorf("more %q", got)
	}
}
