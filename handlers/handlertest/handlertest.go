// Package handlertest is the one set of fixtures for the tests of portvakt's web layer: it runs
// the real handlers against a real SQLite store, with an HTTP client that keeps cookies and sends
// CSRF tokens like a browser, and starts the real peers a test asks for, all on 127.0.0.1.
//
// New(t, options...) starts the App; the options add its parts, in any combination:
//
//   - WithDNS: a DNS server (App.DNS, package dnstest) as the domain checker, with the short
//     timeout DNSTimeout.
//   - WithOIDC: an OpenID provider (App.OP, package oidctest) that accepts the app's redirect URI.
//   - WithIT: it@example.se with Authentication Settings access (App.ITUser), signed in (App.IT).
//   - WithSSO: all of the SSO setup: the provider, example.se verified (App.DomainID),
//     it@example.se, and an enabled identity provider serving example.se (App.IdP), created
//     through its page.
//   - WithSMTP: an SMTP server that records what it receives (App.SMTP, package smtptest), with
//     STARTTLS and AUTH, that portvakt sends through.
//   - WithTLS: the app served over https with an https base URL (__Host- cookies).
//   - WithClock: the store's clock stands still until the test moves it (App.Clock).
//   - WithConfig: any other change of handlers.Config.
//
// The App's methods make people and sign them in (User, SignedIn, ClientAs, SSOClientAs), add a
// verified domain (VerifiedDomain, DomainNamed), create an identity provider through its page
// (IdPForm, CreateIdP) and walk an SSO sign-in (SSOSignIn, SSOCallback); a Client records every
// cookie set on it (SetCookies). A test that needs more builds it from these parts, in a function
// of its own file that returns the App, rather than in a fixture type beside this one.
//
// What keeps a test built on it fast, with nothing to do but use it:
//
//   - New opens storetest.Open: a copy of a database migrated once per test process.
//   - Users and apps hash passwords at argon2's smallest cost (the production cost has a test
//     of its own).
//   - Each App has its own server and transport, so tests run in parallel: call t.Parallel()
//     first in every test that does not change something of the whole process.
//
// And what a test adds itself: a test that sends hundreds of requests in a row, or a long
// property or model run, skips or shrinks under -short, which the race pass uses (the full
// run stays in the pass without -short); it waits for events with a deadline, never with a
// sleep; and it changes data through the store or the handlers, not with SQL.
package handlertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"portvakt/handlers"
	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/mail/smtptest"
	"portvakt/handlers/oidcop"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/account"
	"portvakt/store/storetest"
)

// Password is the password every user made by App.User has.
const Password = "a long and good password"

// hasher makes the cheap hashes of every test user and app: verifying reads the cost from the
// hash, so a user made here signs in quickly on any server.
var hasher = account.CheapPasswordHasherForTests()

// App is portvakt's web layer served on 127.0.0.1 by an httptest.Server, with the real peers
// its options started.
type App struct {
	Store  *store.Store
	Server *handlers.Server
	Echo   *echo.Echo
	HTTP   *httptest.Server
	URL    string
	Config handlers.Config

	DNS   *dnstest.Server    // WithDNS: the domain checker's DNS server
	OP    *oidctest.Provider // WithOIDC or WithSSO: the OpenID provider
	SMTP  *smtptest.Server   // WithSMTP: the mail server portvakt sends through
	Clock *Clock             // WithClock: the store's clock

	// WithIT and WithSSO: it@example.se, who has Authentication Settings access, and a client
	// signed in as them.
	ITUser store.User
	IT     *Client
	// WithSSO: the verified domain example.se and the enabled provider serving it.
	DomainID int64
	IdP      int64
}

// New starts the app on a fresh database with the parts the options add.
func New(tb testing.TB, opts ...Option) *App {
	tb.Helper()
	a := &App{Store: storetest.Open(tb)}
	var b build
	for _, o := range opts {
		o(&b)
	}
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http://"
	if b.tls {
		scheme = "https://"
	}
	base, _ := url.Parse(scheme + srv.Listener.Addr().String())
	cfg := handlers.Config{
		BaseURL: base,
		Keys:    handlers.NewRandomKeys(),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		// Tests create users and sign in thousands of times: argon2 at its smallest cost keeps
		// that quick. The production cost has its own test (TestPasswordHasher).
		PasswordHasher: hasher,
		// Making a 2048-bit RSA signing key for every app was half the handler tests' time; the
		// keys made afresh have their own test (TestServerMakesItsOwnSigningKey).
		SigningKeyMaker: oidcop.ReusedKeysForTests(),
	}
	for _, f := range b.config {
		f(tb, a, &cfg)
	}
	e, s, err := handlers.New(cfg, a.Store)
	if err != nil {
		tb.Fatalf("handlers.New: %v", err)
	}
	srv.Config.Handler = e
	if b.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
	a.Server, a.Echo, a.HTTP, a.URL, a.Config = s, e, srv, srv.URL, cfg
	for _, f := range b.ready {
		f(tb, a)
	}
	return a
}

// UserOpts describes a user to create.
type UserOpts struct {
	Admin        bool
	AuthSettings bool // grant access to Authentication Settings
	Verified     bool
	NoPassword   bool
}

// User creates a user with Password (unless NoPassword) and the given roles.
func (a *App) User(tb testing.TB, email string, o UserOpts) store.User {
	tb.Helper()
	nu := store.NewUser{Email: email, Name: strings.Split(email, "@")[0], Admin: o.Admin, EmailVerified: o.Verified}
	if !o.NoPassword {
		h, err := hasher.Hash(Password)
		if err != nil {
			tb.Fatal(err)
		}
		nu.PasswordHash = h
	}
	u := storetest.MustUser(tb, a.Store, nu)
	if o.AuthSettings {
		if err := a.Store.GrantAuthSettings(context.Background(), store.CLIActor, u.ID); err != nil {
			tb.Fatal(err)
		}
	}
	return u
}

// Client is a browser-like HTTP client: it keeps cookies, does not follow redirects, and adds
// the CSRF token to every form it posts.
type Client struct {
	app  *App
	HTTP *http.Client

	mu         sync.Mutex
	setCookies []string // every Set-Cookie header, parsed only when asked for
}

// Client returns a new client with an empty cookie jar. It goes through the app's own
// transport, not http.DefaultTransport: every httptest.Server that closes drops the idle
// connections of the default one, which broke a request of another test running in parallel
// ("CloseIdleConnections called").
func (a *App) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{app: a, HTTP: &http.Client{
		Transport:     a.HTTP.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a finished response with its body read.
type Response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

// Cookies returns the cookies the response set.
func (r *Response) Cookies() []*http.Cookie {
	return (&http.Response{Header: r.Header}).Cookies()
}

// Cookie returns the cookie called name that the response set, or nil.
func (r *Response) Cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Doc parses the body as HTML.
func (r *Response) Doc(tb testing.TB) *goquery.Document {
	tb.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		tb.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// Do sends a request and reads the response, or fails the test.
func (c *Client) Do(tb testing.TB, req *http.Request) *Response {
	tb.Helper()
	r, err := c.TryDo(req)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TryDo is Do for a goroutine other than the test's own, which must not fail the test itself:
// it returns the error instead.
func (c *Client) TryDo(req *http.Request) (*Response, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if sc := resp.Header.Values("Set-Cookie"); len(sc) > 0 {
		c.mu.Lock()
		c.setCookies = append(c.setCookies, sc...)
		c.mu.Unlock()
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", req.Method, req.URL, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Location: resp.Header.Get("Location")}, nil
}

// SetCookies returns every cookie the portal has set on this client, in order.
func (c *Client) SetCookies() []*http.Cookie {
	c.mu.Lock()
	defer c.mu.Unlock()
	return (&http.Response{Header: http.Header{"Set-Cookie": c.setCookies}}).Cookies()
}

// Cookie returns the value of the cookie called name in the client's jar, or "".
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Get fetches path.
func (c *Client) Get(tb testing.TB, path string) *Response {
	tb.Helper()
	r, err := c.TryGet(path)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TryGet is Get for other goroutines: it returns the error instead of failing the test.
func (c *Client) TryGet(path string) (*Response, error) {
	req, err := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	if err != nil {
		return nil, err
	}
	return c.TryDo(req)
}

// CSRF returns the client's CSRF token, fetching a page first when it has none yet.
func (c *Client) CSRF(tb testing.TB) string {
	tb.Helper()
	token, err := c.TryCSRF()
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// TryCSRF is CSRF for other goroutines: it returns the error instead of failing the test.
func (c *Client) TryCSRF() (string, error) {
	for range 2 {
		// Over https the cookie carries the __Host- prefix.
		for _, name := range []string{"_csrf", "__Host-csrf"} {
			if token := c.Cookie(name); token != "" {
				return token, nil
			}
		}
		if _, err := c.TryGet("/login"); err != nil {
			return "", err
		}
	}
	return "", errors.New("no CSRF cookie after GET /login")
}

// Post submits a form with the CSRF token added.
func (c *Client) Post(tb testing.TB, path string, form url.Values) *Response {
	tb.Helper()
	r, err := c.TryPost(path, form)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TryPost is Post for other goroutines: it returns the error instead of failing the test.
func (c *Client) TryPost(path string, form url.Values) (*Response, error) {
	form = cloneForm(form)
	if form.Get("_csrf") == "" {
		token, err := c.TryCSRF()
		if err != nil {
			return nil, err
		}
		form.Set("_csrf", token)
	}
	return c.TryPostRaw(path, form)
}

// PostRaw submits a form exactly as given, without adding a CSRF token.
func (c *Client) PostRaw(tb testing.TB, path string, form url.Values) *Response {
	tb.Helper()
	r, err := c.TryPostRaw(path, form)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TryPostRaw is PostRaw for other goroutines: it returns the error instead of failing the test.
func (c *Client) TryPostRaw(path string, form url.Values) (*Response, error) {
	req, err := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.TryDo(req)
}

// SignIn goes through the two sign-in steps with a password and fails the test unless it ends
// signed in.
func (c *Client) SignIn(tb testing.TB, email, password string) {
	tb.Helper()
	if r := c.Post(tb, "/login", url.Values{"email": {email}}); r.Status != http.StatusSeeOther {
		tb.Fatalf("login e-mail step: status %d", r.Status)
	}
	r := c.Post(tb, "/login/password", url.Values{"password": {password}})
	if r.Status != http.StatusSeeOther {
		tb.Fatalf("login password step for %s: status %d, want 303\n%s", email, r.Status, r.Body)
	}
}

// SignedIn creates a user with o and returns a client signed in as them.
func (a *App) SignedIn(tb testing.TB, email string, o UserOpts) (*Client, store.User) {
	tb.Helper()
	u := a.User(tb, email, o)
	c := a.Client()
	c.SignIn(tb, email, Password)
	return c, u
}

// ClientAs returns a client signed in as u through a session made directly in the store, without
// the sign-in pages: quick, for tests about what signed-in people may do.
func (a *App) ClientAs(tb testing.TB, u store.User) *Client {
	tb.Helper()
	return a.clientWith(tb, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
}

// SSOClientAs is ClientAs with a session as if u had signed in through the provider idpID; such
// a session outlives password sign-in being switched off.
func (a *App) SSOClientAs(tb testing.TB, u store.User, idpID int64) *Client {
	tb.Helper()
	return a.clientWith(tb, store.NewSession{UserID: u.ID, Method: store.MethodSSO, IdPID: idpID})
}

func (a *App) clientWith(tb testing.TB, ns store.NewSession) *Client {
	tb.Helper()
	token, err := a.Store.CreateSession(context.Background(), ns)
	if err != nil {
		tb.Fatal(err)
	}
	value, err := securecookie.EncodeMulti(handlers.CookieName, map[any]any{handlers.CookieTokenKey: token},
		securecookie.CodecsFromPairs(a.Config.Keys.SessionAuth[:], a.Config.Keys.SessionEnc[:])...)
	if err != nil {
		tb.Fatal(err)
	}
	c := a.Client()
	u2, _ := url.Parse(a.URL)
	c.HTTP.Jar.SetCookies(u2, []*http.Cookie{{Name: handlers.CookieName, Value: value, Path: "/"}})
	return c
}

// cloneForm copies a form so that adding the token does not change the caller's values.
func cloneForm(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	return out
}
