// Package oidctest is a real OpenID provider for tests. It listens on
// 127.0.0.1, serves discovery, JWKS, authorization, token and UserInfo
// endpoints, and signs real ID tokens with keys generated at start, so that
// go-oidc verifies them exactly as it would a production provider's.
//
// The authorization endpoint has no user interface: it immediately redirects
// back to the redirect URI with a code for the current user (see SetUser), or
// with an error. Misbehave makes the provider break one rule at a time.
package oidctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// User is the person the provider signs in.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// HostedDomain, when not empty, is sent as the hd claim, as Google does
	// for Google Workspace accounts.
	HostedDomain string
}

// Provider is a running OpenID provider. It is safe for concurrent use.
type Provider struct {
	srv          *httptest.Server
	elsewhere    *httptest.Server // the same endpoints on another port
	mux          *http.ServeMux
	path         string
	clientID     string
	clientSecret string

	mu           sync.Mutex
	user         User
	bad          map[Misbehaviour]bool
	authErr      [2]string
	redirectURIs []string
	current      jose.JSONWebKey // RSA, RS256
	ec           jose.JSONWebKey // EC P-256, ES256
	rogue        jose.JSONWebKey // never published
	published    []jose.JSONWebKey
	taken        []*rsa.PrivateKey // from keyPool, given back when the test ends
	codes        map[string]*grant
	tokens       map[string]User
	counts       Counts
	secretsSeen  []string
	lastAuth     url.Values
	kidSerial    int
	duringToken  func()
}

// Counts says how often each endpoint was called.
type Counts struct {
	Discovery, JWKS, Authorize, Token, UserInfo int
	// Elsewhere counts the requests that reached the provider's second port.
	Elsewhere int
}

type grant struct {
	clientID, redirectURI, challenge, nonce string
	user                                    User
	expires                                 time.Time
}

// New starts a provider on 127.0.0.1 and stops it when the test ends. Its
// client id is "portvakt-test" and its client secret is random; any
// redirect URI is accepted until RegisterRedirectURI is called.
func New(tb testing.TB) *Provider {
	tb.Helper()
	return NewAt(tb, "")
}

// NewAt starts a provider whose issuer has the given path, e.g. "/realms/staff" or
// "/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0".
func NewAt(tb testing.TB, path string) *Provider {
	tb.Helper()
	p := &Provider{
		path:         strings.TrimSuffix(path, "/"),
		clientID:     "portvakt-test",
		clientSecret: randomString(),
		bad:          map[Misbehaviour]bool{},
		codes:        map[string]*grant{},
		tokens:       map[string]User{},
		user:         User{Subject: "subject-1", Email: "anna@example.com", EmailVerified: true, Name: "Anna Andersson"},
	}
	tb.Cleanup(p.giveBackKeys) // registered first, so it runs after the servers have stopped
	p.current = p.newRSAKey()
	p.rogue = p.newRSAKey()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("oidctest: generating EC key: %v", err)
	}
	p.ec = jose.JSONWebKey{Key: ec, KeyID: "ec-1", Algorithm: string(jose.ES256), Use: "sig"}
	p.published = []jose.JSONWebKey{p.current, p.ec}
	p.srv = httptest.NewServer(p.routes())
	tb.Cleanup(p.srv.Close)
	p.elsewhere = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.counts.Elsewhere++
		p.mu.Unlock()
		p.mux.ServeHTTP(w, r)
	}))
	tb.Cleanup(p.elsewhere.Close)
	return p
}

// keyPool holds the RSA keys of providers whose tests have ended. Generating a 2048-bit key takes
// a third of a second (more under -race), and a model test starts hundreds of providers. A key
// serves one provider at a time, so two providers alive together never share a key.
var keyPool struct {
	mu   sync.Mutex
	free []*rsa.PrivateKey
}

func (p *Provider) newRSAKey() jose.JSONWebKey {
	var k *rsa.PrivateKey
	keyPool.mu.Lock()
	if n := len(keyPool.free); n > 0 {
		k, keyPool.free = keyPool.free[n-1], keyPool.free[:n-1]
	}
	keyPool.mu.Unlock()
	if k == nil {
		var err error
		if k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(fmt.Sprintf("oidctest: generating RSA key: %v", err))
		}
	}
	p.taken = append(p.taken, k)
	p.kidSerial++
	return jose.JSONWebKey{Key: k, KeyID: fmt.Sprintf("rsa-%d", p.kidSerial), Algorithm: string(jose.RS256), Use: "sig"}
}

// giveBackKeys returns the provider's RSA keys to keyPool for the providers of later tests.
func (p *Provider) giveBackKeys() {
	p.mu.Lock()
	taken := p.taken
	p.taken = nil
	p.mu.Unlock()
	keyPool.mu.Lock()
	keyPool.free = append(keyPool.free, taken...)
	keyPool.mu.Unlock()
}

func (p *Provider) routes() http.Handler {
	p.mux = http.NewServeMux()
	p.mux.HandleFunc("GET "+p.path+"/.well-known/openid-configuration", p.handleDiscovery)
	p.mux.HandleFunc("GET "+p.path+"/jwks", p.handleJWKS)
	p.mux.HandleFunc("GET "+p.path+"/authorize", p.handleAuthorize)
	p.mux.HandleFunc("POST "+p.path+"/token", p.handleToken)
	p.mux.HandleFunc("GET "+p.path+"/userinfo", p.handleUserInfo)
	return p.mux
}

// Issuer returns the provider's issuer URL (http://127.0.0.1:port and the path).
func (p *Provider) Issuer() string { return p.srv.URL + p.path }

// Origin returns the provider's scheme, host and port.
func (p *Provider) Origin() string { return p.srv.URL }

// Elsewhere returns the scheme, host and port of the provider's second listener, which serves
// the same endpoints; DiscoveryRedirectOtherHost redirects there.
func (p *Provider) Elsewhere() string { return p.elsewhere.URL }

// ServeDiscoveryAt also serves the discovery document (naming the real issuer) under another
// path, as Entra ID does for a tenant's domain name.
func (p *Provider) ServeDiscoveryAt(path string) {
	p.mux.HandleFunc("GET "+strings.TrimSuffix(path, "/")+"/.well-known/openid-configuration", p.handleDiscovery)
}

// ClientID returns the client id the provider accepts.
func (p *Provider) ClientID() string { return p.clientID }

// ClientSecret returns the client secret the provider accepts.
func (p *Provider) ClientSecret() string { return p.clientSecret }

// SetUser sets the person signed in by the next authorization request.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// RegisterRedirectURI adds a redirect URI to the client's registered list.
// Once the list is not empty, authorization requests naming another
// redirect URI are refused.
func (p *Provider) RegisterRedirectURI(uri string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirectURIs = append(p.redirectURIs, uri)
}

// Misbehave replaces the set of rules the provider breaks; with no
// arguments it behaves again.
func (p *Provider) Misbehave(ms ...Misbehaviour) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bad = map[Misbehaviour]bool{}
	for _, m := range ms {
		p.bad[m] = true
	}
}

// FailAuthorization makes the authorization endpoint answer every request
// with this error code and description; empty code stops it.
func (p *Provider) FailAuthorization(code, description string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.authErr = [2]string{code, description}
}

// DuringToken runs f once, at the next token request, before the provider answers it: what
// happens elsewhere while a relying party waits on the provider to redeem its code.
func (p *Provider) DuringToken(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.duringToken = f
}

// RotateKeys replaces the RSA signing key by a new one with a new kid and
// removes the old key from the JWKS.
func (p *Provider) RotateKeys() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = p.newRSAKey()
	p.published = []jose.JSONWebKey{p.current, p.ec}
}

// Counts returns how often each endpoint was called.
func (p *Provider) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

// SecretsSeen returns every client secret presented at the token endpoint, right or wrong.
func (p *Provider) SecretsSeen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.secretsSeen)
}

// LastAuthorization returns the query of the latest authorization request.
func (p *Provider) LastAuthorization() url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastAuth
}

func (p *Provider) redirectAllowed(uri string) bool {
	return len(p.redirectURIs) == 0 || slices.Contains(p.redirectURIs, uri)
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
