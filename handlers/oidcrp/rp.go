package oidcrp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// SigningAlgs are the only ID token signature algorithms accepted: never
// none, never HS256 (which would make the client secret a signing key).
var SigningAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.PS256, oidc.EdDSA,
}

// Leeway is the clock difference tolerated between portvakt and a provider.
// go-oidc compares exp with its Config.Now without leeway, so the verifier's
// clock runs Leeway behind: a token is refused Leeway after its exp. go-oidc
// itself allows five minutes on nbf, which the shifted clock narrows to
// three; iat is checked here with Leeway.
const Leeway = 2 * time.Minute

// Config is an identity provider's configuration as the relying party needs it.
type Config struct {
	ProviderID   int64
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// Preset is the kind of provider; PresetGoogle requires the hd claim.
	Preset Preset
	// HostedDomains are the domains the provider serves, set for PresetGoogle: the ID token's
	// hd claim must be one of them.
	HostedDomains []string
}

// Pending is a started sign-in. The caller keeps it on the server (single
// use, expiring, bound to the browser session) and hands it back to Finish
// when the callback with the same state arrives.
type Pending struct {
	State       string
	Nonce       string
	Verifier    string // PKCE code verifier
	RedirectURI string
	ProviderID  int64
	// Issuer and ClientID bind the pending sign-in to the configuration it
	// was started with.
	Issuer   string
	ClientID string
	// AskedNewAt, when set, is when a new sign-in was asked for (prompt=login, max_age=0): the
	// provider's answer must come from a sign-in made then or later (auth_time), not from the
	// session it had.
	AskedNewAt time.Time
}

// RP is the relying party. It caches each provider's discovery and verifier
// (keyed by issuer and client id) so that the JWKS cache survives between
// sign-ins, and a failed discovery for a short while (see cache.go). It is
// safe for concurrent use.
type RP struct {
	client *http.Client
	now    func() time.Time

	mu      sync.Mutex
	cache   map[cacheKey]*entry
	flights map[cacheKey]*flight
}

// New returns a relying party that talks to providers with client (see
// NewHTTPClient; nil means a fresh one) and reads the time from now (nil
// means time.Now).
func New(client *http.Client, now func() time.Time) *RP {
	if client == nil {
		client = NewHTTPClient()
	}
	if now == nil {
		now = time.Now
	}
	return &RP{client: client, now: now, cache: map[cacheKey]*entry{}, flights: map[cacheKey]*flight{}}
}

// HTTPClient returns the client used for requests to providers.
func (rp *RP) HTTPClient() *http.Client { return rp.client }

func (e *entry) oauth2Config(cfg Config, redirectURI string) *oauth2.Config {
	ep := e.provider.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader
	if len(e.info.TokenAuthMethods) > 0 &&
		!slices.Contains(e.info.TokenAuthMethods, "client_secret_basic") &&
		slices.Contains(e.info.TokenAuthMethods, "client_secret_post") {
		ep.AuthStyle = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		Endpoint:     ep,
		RedirectURL:  redirectURI,
		Scopes:       withOpenID(cfg.Scopes),
	}
}

func withOpenID(scopes []string) []string {
	if slices.Contains(scopes, oidc.ScopeOpenID) {
		return scopes
	}
	return append([]string{oidc.ScopeOpenID}, scopes...)
}

// Start begins a sign-in: it returns the provider's authorization URL and
// the Pending the caller must store. loginHint, when not empty, is passed
// on so that the person need not type their e-mail twice. With fresh, the
// provider is asked to sign the person in again (prompt=login, max_age=0)
// rather than answer from a session of its own.
func (rp *RP) Start(ctx context.Context, cfg Config, redirectURI, loginHint string, fresh bool) (string, Pending, error) {
	e, err := rp.entry(ctx, cfg)
	if err != nil {
		return "", Pending{}, err
	}
	p := Pending{
		State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(),
		RedirectURI: redirectURI, ProviderID: cfg.ProviderID, Issuer: cfg.Issuer, ClientID: cfg.ClientID,
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier)}
	if loginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", loginHint))
	}
	if fresh {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0"))
		p.AskedNewAt = rp.now()
	}
	return e.oauth2Config(cfg, redirectURI).AuthCodeURL(p.State, opts...), p, nil
}

// randomToken returns 256 random bits, base64url encoded.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails since Go 1.24; it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}
