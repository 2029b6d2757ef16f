package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	post := func(c *handlertest.Client, form url.Values, header map[string]string) int {
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return c.Do(t, req).Status
	}
	for _, tc := range []struct {
		name      string
		withToken string // "valid", "wrong", ""
		header    map[string]string
		want      int
	}{
		{"a form with the token is accepted", "valid", nil, http.StatusSeeOther},
		{"a form without a token is refused", "", nil, http.StatusForbidden},
		{"a form with a wrong token is refused", "wrong", nil, http.StatusForbidden},
		{"a same-origin browser still needs the token", "", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusForbidden},
		{"a cross-site post is refused even with the token", "valid", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := app.Client()
			form := url.Values{"email": {"anna@example.se"}}
			switch tc.withToken {
			case "valid":
				form.Set("_csrf", c.CSRF(t))
			case "wrong":
				c.CSRF(t)
				form.Set("_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
			default:
				c.CSRF(t)
			}
			if got := post(c, form, tc.header); got != tc.want {
				t.Fatalf("status %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCookiesAreLockedDown(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	c := app.Client()
	c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/login/password", strings.NewReader(url.Values{"password": {handlertest.Password}, "_csrf": {c.CSRF(t)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	found := false
	for _, ck := range resp.Cookies() {
		if ck.Name != "portvakt" {
			continue
		}
		found = true
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 {
			t.Errorf("session cookie HttpOnly=%t SameSite=%v MaxAge=%d, want HttpOnly, Lax, explicit MaxAge", ck.HttpOnly, ck.SameSite, ck.MaxAge)
		}
		if len(ck.Value) > 1024 {
			t.Errorf("session cookie is %d bytes; it should carry only a token", len(ck.Value))
		}
	}
	if !found {
		t.Fatal("no session cookie set at sign-in")
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	r := app.Client().Get(t, "/login")
	for header, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

func TestErrorPages(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.Client()
	t.Run("not found is a friendly page", func(t *testing.T) {
		r := c.Get(t, "/no/such/page")
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Sidan finns inte") {
			t.Fatalf("status %d, body %.200s", r.Status, r.Body)
		}
	})
	t.Run("a body over the limit is refused with 413", func(t *testing.T) {
		r := c.Post(t, "/login", url.Values{"email": {strings.Repeat("a", 300_000)}})
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", r.Status)
		}
	})
	t.Run("an unsupported language is a bad request", func(t *testing.T) {
		if r := c.Post(t, "/lang", url.Values{"lang": {"xx"}}); r.Status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.Status)
		}
	})
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	get := func(c *handlertest.Client, acceptLang string) string {
		req, _ := http.NewRequest(http.MethodGet, app.URL+"/login", nil)
		if acceptLang != "" {
			req.Header.Set("Accept-Language", acceptLang)
		}
		return c.Do(t, req).Doc(t).Find("h1").Text()
	}
	c := app.Client()
	if got := get(c, ""); got != "Logga in" {
		t.Errorf("default language: %q, want Swedish", got)
	}
	if got := get(c, "de-DE,en;q=0.8,sv;q=0.5"); got != "Sign in" {
		t.Errorf("Accept-Language preferring English: %q", got)
	}
	if r := c.Post(t, "/lang", url.Values{"lang": {"sv"}, "return": {"/login"}}); r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("language switch: %d to %q", r.Status, r.Location)
	}
	if got := get(c, "en"); got != "Logga in" {
		t.Errorf("after choosing Swedish: %q", got)
	}
	if r := c.Post(t, "/lang", url.Values{"lang": {"en"}, "return": {"https://evil.example/"}}); r.Location != "/" {
		t.Errorf("language switch redirected off-site to %q", r.Location)
	}
}
