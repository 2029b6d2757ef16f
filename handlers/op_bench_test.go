package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/store"
)

// The provider's endpoints beside a bare echo handler answering the same number of bytes, in
// the same run: discovery and the key set (what every app fetches), an app's whole sign-in for a
// signed-in person (authorize, continue, code exchange), and a refresh with rotation.

func BenchmarkOPDiscovery(b *testing.B) {
	app := handlertest.New(b)
	b.Run("portvakt", func(b *testing.B) { benchmarkPage(b, app.Echo, "/.well-known/openid-configuration", nil) })
	n := pageSize(b, app.Echo, "/.well-known/openid-configuration", nil)
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
}

func BenchmarkOPKeys(b *testing.B) {
	app := handlertest.New(b)
	b.Run("portvakt", func(b *testing.B) { benchmarkPage(b, app.Echo, "/oauth/keys", nil) })
	n := pageSize(b, app.Echo, "/oauth/keys", nil)
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
}

// opBench is a registered web app and a signed-in browser, driven in-process.
type opBench struct {
	app     *handlertest.App
	conf    oauth2.Config
	secret  string
	cookies []*http.Cookie
}

func newOPBench(b *testing.B) *opBench {
	b.Helper()
	a := handlertest.New(b)
	st := store.AppSettings{Name: "HR", Kind: store.AppWeb, Enabled: true, Everyone: true, RedirectURIs: []string{rpRedirect}}
	app, secret, err := a.Store.CreateApplication(b.Context(), store.CLIActor, st.Normalize())
	if err != nil {
		b.Fatal(err)
	}
	u := a.User(b, "anna@example.se", handlertest.UserOpts{Verified: true})
	c := a.ClientAs(b, u)
	return &opBench{app: a, secret: secret, cookies: c.HTTP.Jar.Cookies(mustURL(a.URL)), conf: oauth2.Config{
		ClientID: app.ClientID, ClientSecret: secret, RedirectURL: rpRedirect,
		Endpoint: oauth2.Endpoint{AuthURL: a.URL + "/oauth/authorize", TokenURL: a.URL + "/oauth/token"},
		Scopes:   []string{"openid", "email", "profile", "offline_access"},
	}}
}

func (o *opBench) get(b *testing.B, target string) string {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range o.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	o.app.Echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusFound {
		b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	for _, set := range rec.Result().Cookies() { // as a browser keeps them
		o.cookies = slices.DeleteFunc(o.cookies, func(c *http.Cookie) bool { return c.Name == set.Name })
		o.cookies = append(o.cookies, set)
	}
	return rec.Header().Get("Location")
}

func (o *opBench) token(b *testing.B, form url.Values) map[string]any {
	req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(o.conf.ClientID, o.secret)
	rec := httptest.NewRecorder()
	o.app.Echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}

// signIn runs the code flow once and returns the token response.
func (o *opBench) signIn(b *testing.B) map[string]any {
	verifier := oauth2.GenerateVerifier()
	start := strings.TrimPrefix(o.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), o.app.URL)
	back, _ := url.Parse(o.get(b, o.get(b, start)))
	return o.token(b, url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")},
		"redirect_uri": {rpRedirect}, "code_verifier": {verifier}})
}

func BenchmarkOPSignIn(b *testing.B) {
	o := newOPBench(b)
	b.Run("portvakt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o.signIn(b)
		}
	})
	body, _ := json.Marshal(o.signIn(b))
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(len(body)), "/", nil) })
}

func BenchmarkOPRefresh(b *testing.B) {
	o := newOPBench(b)
	refresh, _ := o.signIn(b)["refresh_token"].(string)
	var size int
	b.Run("portvakt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := o.token(b, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
			refresh, _ = out["refresh_token"].(string)
			if size == 0 {
				body, _ := json.Marshal(out)
				size = len(body)
			}
		}
	})
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(size), "/", nil) })
}
