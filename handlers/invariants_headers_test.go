package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
)

// send sends a request as c, with form as its body when there is one.
func send(t *testing.T, app *handlertest.App, c *handlertest.Client, method, path string, form url.Values) *handlertest.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, app.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Do(t, req)
}

// TestRulesHTTPSCookies checks the cookies when the base URL is https: every cookie is __Host-
// prefixed (Secure, Path=/, no Domain), so a sibling subdomain cannot set or shadow it; the
// session cookie is HttpOnly, SameSite=Lax with an explicit lifetime, and the CSRF cookie
// HttpOnly and SameSite=Lax.
func TestRulesHTTPSCookies(t *testing.T) {
	t.Parallel()
	a := handlertest.New(t, handlertest.WithTLS())
	a.User(t, "anna@example.se", handlertest.UserOpts{})
	c := a.Client()
	resp := c.Get(t, "/login")
	csrf := resp.Cookie("__Host-csrf")
	if csrf == nil {
		t.Fatalf("no __Host-csrf cookie; cookies %v", resp.Cookies())
	}
	if !csrf.Secure || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode || csrf.Path != "/" || csrf.Domain != "" {
		t.Errorf("CSRF cookie Secure=%t HttpOnly=%t SameSite=%v Path=%q Domain=%q", csrf.Secure, csrf.HttpOnly, csrf.SameSite, csrf.Path, csrf.Domain)
	}
	if resp.Cookie("_csrf") != nil {
		t.Error("an unprefixed _csrf cookie is set too")
	}
	token := c.Cookie("__Host-csrf")
	if r := c.PostRaw(t, "/login", url.Values{"email": {"anna@example.se"}}); r.Status != http.StatusForbidden {
		t.Errorf("e-mail step without token: status %d, want 403", r.Status)
	}
	if r := c.PostRaw(t, "/login", url.Values{"email": {"anna@example.se"}, "_csrf": {token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	resp = c.PostRaw(t, "/login/password", url.Values{"password": {handlertest.Password}, "_csrf": {token}})
	if resp.Status != http.StatusSeeOther || resp.Location != "/" {
		t.Fatalf("password step: status %d to %q", resp.Status, resp.Location)
	}
	sess := resp.Cookie("__Host-portvakt")
	if sess == nil {
		t.Fatalf("no __Host-portvakt session cookie at sign-in; cookies %v", resp.Cookies())
	}
	if !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.MaxAge <= 0 {
		t.Errorf("session cookie Secure=%t HttpOnly=%t SameSite=%v MaxAge=%d", sess.Secure, sess.HttpOnly, sess.SameSite, sess.MaxAge)
	}
	if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
		t.Errorf("profile over https after sign-in: status %d", r.Status)
	}
	for _, ck := range c.SetCookies() {
		if !strings.HasPrefix(ck.Name, "__Host-") || !ck.Secure || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("cookie %s: Secure=%t Path=%q Domain=%q, want a __Host- cookie", ck.Name, ck.Secure, ck.Path, ck.Domain)
		}
	}
}

// headerCase is one kind of response: every kind must carry the security headers.
type headerCase struct {
	name   string
	method string
	path   string
	form   url.Values
	want   int
}

var headerCases = []headerCase{
	{"a page", http.MethodGet, "/login", nil, http.StatusOK},
	{"a redirect", http.MethodGet, "/", nil, http.StatusSeeOther},
	{"a static file", http.MethodGet, "/static/css/app.css", nil, http.StatusOK},
	{"a missing static file", http.MethodGet, "/static/nothing.css", nil, http.StatusNotFound},
	{"a missing page", http.MethodGet, "/no/such/page", nil, http.StatusNotFound},
	{"a method portvakt does not serve", http.MethodPut, "/login", nil, http.StatusForbidden},
	{"a refused form", http.MethodPost, "/login", url.Values{"email": {"x"}}, http.StatusForbidden},
	{"a body over the limit", http.MethodPost, "/login", url.Values{"email": {strings.Repeat("a", 300_000)}}, http.StatusRequestEntityTooLarge},
	{"a health check", http.MethodGet, "/healthz", nil, http.StatusOK},
}

func checkHeaders(t *testing.T, h http.Header, https bool) {
	t.Helper()
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
	hsts := h.Get("Strict-Transport-Security")
	switch {
	case https && !strings.HasPrefix(hsts, "max-age=") || https && hsts == "max-age=0":
		t.Errorf("Strict-Transport-Security = %q over https", hsts)
	case !https && hsts != "":
		t.Errorf("Strict-Transport-Security = %q over plain http", hsts)
	}
}

// TestRulesSecurityHeadersOnEveryResponse checks CSP, nosniff, framing, referrer policy and (over
// https only) HSTS on every kind of response, error pages and static files included.
func TestRulesSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	t.Run("over https", func(t *testing.T) {
		a := handlertest.New(t, handlertest.WithTLS())
		c := a.Client()
		for _, hc := range headerCases {
			t.Run(hc.name, func(t *testing.T) {
				r := send(t, a, c, hc.method, hc.path, hc.form)
				if r.Status != hc.want {
					t.Errorf("status %d, want %d", r.Status, hc.want)
				}
				checkHeaders(t, r.Header, true)
			})
		}
	})
	t.Run("over http", func(t *testing.T) {
		app := handlertest.New(t)
		c := app.Client()
		for _, hc := range headerCases {
			t.Run(hc.name, func(t *testing.T) {
				var body io.Reader
				if hc.form != nil {
					body = strings.NewReader(hc.form.Encode())
				}
				req, _ := http.NewRequest(hc.method, app.URL+hc.path, body)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r := c.Do(t, req)
				if r.Status != hc.want {
					t.Errorf("status %d, want %d", r.Status, hc.want)
				}
				checkHeaders(t, r.Header, false)
			})
		}
	})
	t.Run("on a server error", func(t *testing.T) {
		app := handlertest.New(t)
		c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
		app.Store.Close() // every query now fails
		r := c.Get(t, "/users")
		if r.Status != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", r.Status)
		}
		checkHeaders(t, r.Header, false)
	})
}

// TestRulesHTTPCSRFCookie: over plain http (loopback installs) the CSRF cookie cannot carry the
// __Host- prefix, but is still HttpOnly and SameSite=Lax, and no cookie claims Secure.
func TestRulesHTTPCSRFCookie(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	resp := app.Client().Get(t, "/login")
	c := resp.Cookie("_csrf")
	if c == nil {
		t.Fatalf("no _csrf cookie; cookies %v", resp.Cookies())
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("CSRF cookie HttpOnly=%t SameSite=%v Secure=%t Path=%q", c.HttpOnly, c.SameSite, c.Secure, c.Path)
	}
}
