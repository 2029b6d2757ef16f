package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

// tlsApp is the portal served over https on 127.0.0.1, with its base URL https, as behind a
// TLS-terminating install.
type tlsApp struct {
	*handlertest.App
	client     *http.Client
	setCookies []*http.Cookie // every cookie the portal has set
}

func newTLSApp(t *testing.T) *tlsApp {
	t.Helper()
	st := storetest.Open(t)
	srv := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("https://" + srv.Listener.Addr().String())
	cfg := handlers.Config{BaseURL: base, Keys: handlers.NewRandomKeys(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e, s, err := handlers.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = e
	srv.StartTLS()
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &tlsApp{App: &handlertest.App{Store: st, Server: s, Echo: e, URL: srv.URL, Config: cfg}, client: c}
}

func (a *tlsApp) do(t *testing.T, method, path string, form url.Values) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, a.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	a.setCookies = append(a.setCookies, resp.Cookies()...)
	return resp
}

func (a *tlsApp) cookie(t *testing.T, name string) string {
	t.Helper()
	u, _ := url.Parse(a.URL)
	for _, c := range a.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func setCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestRulesHTTPSCookies checks the cookies when the base URL is https: every cookie is __Host-
// prefixed (Secure, Path=/, no Domain), so a sibling subdomain cannot set or shadow it; the
// session cookie is HttpOnly, SameSite=Lax with an explicit lifetime, and the CSRF cookie
// HttpOnly and SameSite=Lax.
func TestRulesHTTPSCookies(t *testing.T) {
	t.Parallel()
	a := newTLSApp(t)
	a.App.User(t, "anna@example.se", handlertest.UserOpts{})
	resp := a.do(t, http.MethodGet, "/login", nil)
	csrf := setCookie(resp, "__Host-csrf")
	if csrf == nil {
		t.Fatalf("no __Host-csrf cookie; cookies %v", resp.Cookies())
	}
	if !csrf.Secure || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode || csrf.Path != "/" || csrf.Domain != "" {
		t.Errorf("CSRF cookie Secure=%t HttpOnly=%t SameSite=%v Path=%q Domain=%q", csrf.Secure, csrf.HttpOnly, csrf.SameSite, csrf.Path, csrf.Domain)
	}
	if setCookie(resp, "_csrf") != nil {
		t.Error("an unprefixed _csrf cookie is set too")
	}
	token := a.cookie(t, "__Host-csrf")
	if r := a.do(t, http.MethodPost, "/login", url.Values{"email": {"anna@example.se"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("e-mail step without token: status %d, want 403", r.StatusCode)
	}
	if r := a.do(t, http.MethodPost, "/login", url.Values{"email": {"anna@example.se"}, "_csrf": {token}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.StatusCode)
	}
	resp = a.do(t, http.MethodPost, "/login/password", url.Values{"password": {handlertest.Password}, "_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("password step: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	sess := setCookie(resp, "__Host-portvakt")
	if sess == nil {
		t.Fatalf("no __Host-portvakt session cookie at sign-in; cookies %v", resp.Cookies())
	}
	if !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.MaxAge <= 0 {
		t.Errorf("session cookie Secure=%t HttpOnly=%t SameSite=%v MaxAge=%d", sess.Secure, sess.HttpOnly, sess.SameSite, sess.MaxAge)
	}
	if r := a.do(t, http.MethodGet, "/profile", nil); r.StatusCode != http.StatusOK {
		t.Errorf("profile over https after sign-in: status %d", r.StatusCode)
	}
	for _, c := range a.setCookies {
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie %s: Secure=%t Path=%q Domain=%q, want a __Host- cookie", c.Name, c.Secure, c.Path, c.Domain)
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
		a := newTLSApp(t)
		for _, hc := range headerCases {
			t.Run(hc.name, func(t *testing.T) {
				r := a.do(t, hc.method, hc.path, hc.form)
				if r.StatusCode != hc.want {
					t.Errorf("status %d, want %d", r.StatusCode, hc.want)
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
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/login", nil)
	resp, err := app.Client().HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := setCookie(resp, "_csrf")
	if c == nil {
		t.Fatalf("no _csrf cookie; cookies %v", resp.Cookies())
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("CSRF cookie HttpOnly=%t SameSite=%v Secure=%t Path=%q", c.HttpOnly, c.SameSite, c.Secure, c.Path)
	}
}
