package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/securecookie"

	"portvakt/handlers"
	"portvakt/store"
)

// TestDNSSilentAnswersWithinTimeout: with a DNS server that takes queries and never answers,
// verifying a domain answers within --dns-timeout (and a little for the page), says that DNS did
// not answer in time, and the rest of the portal answers meanwhile.
func TestDNSSilentAnswersWithinTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 700 * time.Millisecond
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() { // takes every query and answers none
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	inst := startPortvakt(t, nil, "--dns-server", pc.LocalAddr().String(), "--dns-timeout", timeout.String(), "--lang", "en")
	admin := newWebClient(t, inst.URL, adminCookie(t, inst.Data, "it@example.se"))

	r := admin.post("/auth-settings/domains", url.Values{"domain": {"example.se"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add domain: status %d\n%.600s", r.status, r.body)
	}
	domain := r.location
	began := time.Now()
	done := make(chan struct{})
	var login webResponse
	go func() {
		defer close(done)
		login = newWebClient(t, inst.URL, nil).get("/login")
	}()
	r = admin.post(domain+"/verify", nil)
	elapsed := time.Since(began)
	<-done
	if r.status != http.StatusSeeOther {
		t.Fatalf("verify: status %d\n%.600s", r.status, r.body)
	}
	if elapsed > timeout+time.Second {
		t.Errorf("verify answered after %s with --dns-timeout %s", elapsed, timeout)
	}
	if login.status != http.StatusOK {
		t.Errorf("GET /login while DNS was silent: %d", login.status)
	}
	box := admin.get(domain).doc(t).Find("[data-testid=domain-result]")
	if got, _ := box.Attr("data-outcome"); got != "timeout" {
		t.Errorf("outcome %q, want timeout; the page says %q", got, strings.TrimSpace(box.Text()))
	}
}

// adminCookie makes an administrator with access to Authentication Settings in the data
// folder's database, signed in as portvakt would sign them in, and returns the session cookie a
// browser would send: the session is in the database, the cookie sealed with the key file's
// keys. It needs no password, so no password hashing at production cost.
func adminCookie(t *testing.T, data, email string) *http.Cookie {
	t.Helper()
	ctx := context.Background()
	keys, err := handlers.LoadOrCreateKeys(filepath.Join(data, "portvakt.key"))
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, data)
	u, err := st.UserByEmail(ctx, email)
	if err != nil {
		u, err = st.CreateUser(ctx, store.CLIActor, store.NewUser{Email: email, Name: "IT", Admin: true, EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.GrantAuthSettings(ctx, store.CLIActor, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	token, err := st.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	if err != nil {
		t.Fatal(err)
	}
	value, err := securecookie.EncodeMulti(handlers.CookieName, map[any]any{handlers.CookieTokenKey: token},
		securecookie.CodecsFromPairs(keys.SessionAuth[:], keys.SessionEnc[:])...)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: handlers.CookieName, Value: value, Path: "/"}
}

// webClient is a browser for tests of a running portvakt: its own cookies, no redirects
// followed, the CSRF token sent with every form. Its methods may run outside the test's
// goroutine: a failed request gives status 0 and err.
type webClient struct {
	base string
	http *http.Client
}

type webResponse struct {
	status   int
	body     string
	location string
	err      error
}

func newWebClient(t *testing.T, base string, session *http.Cookie) *webClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &webClient{base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if session != nil {
		u, _ := url.Parse(base)
		jar.SetCookies(u, []*http.Cookie{session})
	}
	return c
}

func (c *webClient) do(method, path string, form url.Values) webResponse {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return webResponse{err: err}
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", c.base)
		req.Header.Set("X-CSRF-Token", c.csrf())
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return webResponse{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return webResponse{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), err: err}
}

func (c *webClient) get(path string) webResponse { return c.do(http.MethodGet, path, nil) }

func (c *webClient) post(path string, form url.Values) webResponse {
	if form == nil {
		form = url.Values{}
	}
	return c.do(http.MethodPost, path, form)
}

// csrf is the client's CSRF cookie, fetched with GET /login the first time.
func (c *webClient) csrf() string {
	u, _ := url.Parse(c.base)
	for range 2 {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "_csrf" {
				return ck.Value
			}
		}
		c.get("/login")
	}
	return ""
}

func (r webResponse) doc(t *testing.T) *goquery.Document {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
