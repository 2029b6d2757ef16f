// Package handlers is portvakt's web layer: the route table, middleware (sessions, CSRF, access
// checks), and one file per area. Handlers parse and validate input, call the store, and render a
// views component; they never write SQL.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/mail"
	"portvakt/handlers/oidcop"
	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
)

// Config is what the web layer needs from the command line.
type Config struct {
	BaseURL     *url.URL // where browsers reach portvakt; https turns on Secure cookies and HSTS
	DefaultLang views.Lang
	OrgName     string
	Keys        Keys
	Logger      *slog.Logger

	// SessionIdle ends a session after this long without a request; SessionMaxAge ends it this
	// long after sign-in, whatever happens.
	SessionIdle   time.Duration
	SessionMaxAge time.Duration

	// OIDCClient makes every request to identity providers (nil: oidcrp.NewHTTPClient()).
	// AllowInsecureIssuers accepts http:// issuers on hosts that are not loopback, for tests.
	OIDCClient           *http.Client
	AllowInsecureIssuers bool

	// DomainChecker looks up domain verification records; DNSTimeout is its timeout, which
	// the page names when a lookup times out. Nil means a dnscheck.Checker on the system
	// resolver with DNSTimeout.
	DomainChecker DomainChecker
	DNSTimeout    time.Duration

	// Metrics receives portvakt's Prometheus series; nil keeps them in a private registry.
	Metrics prometheus.Registerer

	// Mail sends outgoing mail (verification links). Nil: no mail server is configured, and mail
	// is kept in the outbox, where administrators can read it.
	Mail mail.Sender

	// TrustedProxies are the reverse proxies whose X-Forwarded-For header names the client.
	// Empty trusts nobody: the client is the direct peer.
	TrustedProxies []*net.IPNet

	// ConfirmWindow is how long a password switch-off waits for its confirmation from a new
	// SSO sign-in before password sign-in comes back on by itself (0: the store's default).
	ConfirmWindow time.Duration

	// TokenRate and TokenBurst bound the requests per second of each API token (0: defaults).
	TokenRate  float64
	TokenBurst int
	// PasswordHasher hashes new passwords (nil: account.NewPasswordHasher(0) at production cost). Only
	// tests set it, to CheapPasswordHasherForTests.
	PasswordHasher *account.PasswordHasher
	// SigningKeyMaker makes the first key that signs the tokens of the organisation's apps (nil:
	// a fresh RSA key, oidcop.NewSigningKey). Only tests set it, to oidcop.ReusedKeysForTests.
	SigningKeyMaker oidcop.KeyMaker
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg      Config
	store    *store.Store
	cookies  *sessions.CookieStore
	hasher   *account.PasswordHasher
	limiter  *loginLimiter
	log      *slog.Logger
	metrics  *metrics
	secure   bool // the base URL is https
	dummyPwd string
	rp       *oidcrp.RP
	mailer   *mailer

	tokenLimits *tokenLimiter
	op          *op.Provider // the OpenID provider of the organisation's applications
	logouts     *oidcop.LogoutSender
	opStorage   *oidcop.Storage

	discoveryMu sync.Mutex
	discovery   []byte // the provider's discovery document, made at its first request
}

// New builds the echo instance with every route and middleware.
func New(cfg Config, st *store.Store) (*echo.Echo, *Server, error) {
	if cfg.BaseURL == nil {
		return nil, nil, fmt.Errorf("handlers: base URL is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DefaultLang == "" {
		cfg.DefaultLang = views.SV
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionMaxAge == 0 {
		cfg.SessionMaxAge = 12 * time.Hour
	}
	if cfg.ConfirmWindow <= 0 {
		cfg.ConfirmWindow = store.DefaultConfirmWindow
	}
	if cfg.DNSTimeout <= 0 {
		cfg.DNSTimeout = dnscheck.DefaultTimeout
	}
	if cfg.DomainChecker == nil {
		cfg.DomainChecker = &dnscheck.Checker{Timeout: cfg.DNSTimeout}
	}
	if cfg.PasswordHasher == nil {
		cfg.PasswordHasher = account.NewPasswordHasher(0)
	}
	s := &Server{
		cfg:     cfg,
		store:   st,
		hasher:  cfg.PasswordHasher,
		limiter: newLoginLimiter(time.Now),
		log:     cfg.Logger,
		secure:  cfg.BaseURL.Scheme == "https",

		tokenLimits: newTokenLimiter(cfg.TokenRate, cfg.TokenBurst),
	}
	if cfg.Metrics == nil {
		cfg.Metrics = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(cfg.Metrics)
	s.cookies = s.newCookieStore()
	s.rp = oidcrp.New(cfg.OIDCClient, nil)
	var err error
	if s.mailer, err = newMailer(cfg.Mail, cfg.Keys.Secrets, st, cfg.Logger); err != nil {
		return nil, nil, err
	}
	s.dummyPwd = s.hasher.Unmatchable()
	if s.op, s.opStorage, err = oidcop.New(context.Background(), oidcop.Config{Issuer: s.issuer(), SealKey: cfg.Keys.Secrets, MakeKey: cfg.SigningKeyMaker}, st); err != nil {
		return nil, nil, err
	}
	outbound := cfg.OIDCClient
	if outbound == nil {
		outbound = oidcrp.NewHTTPClient()
	}
	s.logouts = &oidcop.LogoutSender{Store: st, Storage: s.opStorage, Issuer: s.issuer(), Client: outbound}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientIPExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	s.useMiddleware(e)
	s.register(e)
	return e, s, nil
}

// newCookieStore makes the gorilla/sessions store for the session cookie. The cookie only holds
// the session token, the chosen language and the sign-in in progress; the session itself lives in
// the database.
func (s *Server) newCookieStore() *sessions.CookieStore {
	cs := sessions.NewCookieStore(s.cfg.Keys.SessionAuth[:], s.cfg.Keys.SessionEnc[:])
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int((30 * 24 * time.Hour).Seconds()),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	}
	return cs
}
