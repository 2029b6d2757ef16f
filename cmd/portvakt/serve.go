package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"portvakt/handlers"
	"portvakt/handlers/dnscheck"
	"portvakt/handlers/mail"
	"portvakt/handlers/oidcop"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// serveConfig is everything `portvakt serve` is told.
type serveConfig struct {
	common
	addr          string
	baseURL       string
	lang          string
	orgName       string
	sessionIdle   time.Duration
	sessionMaxAge time.Duration
	insecureIdPs  bool
	dnsServer     string
	dnsTimeout    time.Duration
	domainRecheck time.Duration
	metricsAddr   string
	smtpURL       string
	mailFrom      string
	proxies       []*net.IPNet
	confirmWindow time.Duration
	maxConns      int
}

// The bounds of --confirm-window. A short window cannot lock anybody out (password sign-in
// only comes back sooner), so the lower bound is low enough for tests to watch a revert.
const (
	minConfirmWindow = 10 * time.Second
	maxConfirmWindow = 24 * time.Hour
)

// confirmCheckEvery is how often serve looks for a switch-off whose window ran out.
const confirmCheckEvery = 2 * time.Second

// mailRetryEvery is how often serve looks for failed mail due to be tried again; the waits
// between attempts are a minute and more (store.MailRetryDelay).
const mailRetryEvery = 15 * time.Second

// tokenExpiryCheckEvery is how often the server looks for API tokens about to expire; the
// warning comes 14 days ahead, so an hour late is no matter.
const tokenExpiryCheckEvery = time.Hour

// appLogoutEvery is how often back-channel logouts are delivered to apps: soon after a sign-out.
const appLogoutEvery = 2 * time.Second

// signingKeyMaker makes the first signing key of a fresh serve; nil means a fresh RSA key. Only
// this package's tests set it, to oidcop.ReusedKeysForTests, as handlertest does.
var signingKeyMaker oidcop.KeyMaker

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	var proxies string
	f := newFlags("serve", getenv, stderr)
	f.common(&c.common)
	f.str(&c.addr, "addr", "PORTVAKT_ADDR", "127.0.0.1:8080", "address to listen on")
	f.str(&c.baseURL, "base-url", "PORTVAKT_BASE_URL", "", "URL where browsers reach portvakt, e.g. https://portvakt.example.se (default http://ADDR)")
	f.str(&c.lang, "lang", "PORTVAKT_LANG", "sv", "UI language when the browser states none: sv or en")
	f.str(&c.orgName, "org-name", "PORTVAKT_ORG_NAME", "", "the organisation's name, shown in the top bar")
	f.duration(&c.sessionIdle, "session-idle", "PORTVAKT_SESSION_IDLE", 30*time.Minute, "sign out after this long without activity")
	f.duration(&c.sessionMaxAge, "session-max-age", "PORTVAKT_SESSION_MAX_AGE", 12*time.Hour, "sign out this long after sign-in, whatever happens")
	f.boolean(&c.insecureIdPs, "allow-insecure-issuers", "PORTVAKT_ALLOW_INSECURE_ISSUERS", false, "accept http:// identity provider issuers on hosts that are not loopback (for tests only)")
	f.str(&c.dnsServer, "dns-server", "PORTVAKT_DNS_SERVER", "", "DNS server for domain verification, host:port (default: the system resolver)")
	f.duration(&c.dnsTimeout, "dns-timeout", "PORTVAKT_DNS_TIMEOUT", dnscheck.DefaultTimeout, "give up a domain verification lookup after this long")
	f.duration(&c.domainRecheck, "domain-recheck", "PORTVAKT_DOMAIN_RECHECK", 12*time.Hour, "re-check verified domains this often (0 turns re-checks off)")
	f.str(&c.metricsAddr, "metrics-addr", "PORTVAKT_METRICS_ADDR", "", "serve Prometheus /metrics on this separate address, e.g. 127.0.0.1:9090 (default: off)")
	f.str(&c.smtpURL, "smtp", "PORTVAKT_SMTP", "", "mail server URL: smtp://user:pass@host:587 (STARTTLS; ?starttls=false for none) or smtps://user:pass@host:465; empty keeps mail in the outbox")
	f.str(&c.mailFrom, "mail-from", "PORTVAKT_MAIL_FROM", "", `sender of portvakt's mail, e.g. "portvakt <portvakt@example.se>"; required with --smtp`)
	f.str(&proxies, "trusted-proxies", "PORTVAKT_TRUSTED_PROXIES", "", "reverse proxies whose X-Forwarded-For names the client, comma-separated CIDR ranges, e.g. 10.0.0.5/32 (default: none, the direct peer is the client)")
	f.duration(&c.confirmWindow, "confirm-window", "PORTVAKT_CONFIRM_WINDOW", store.DefaultConfirmWindow, "after password sign-in is switched off, wait this long for a confirmation from a new SSO sign-in before switching it back on (10s to 24h)")
	f.integer(&c.maxConns, "max-connections", "PORTVAKT_MAX_CONNECTIONS", defaultMaxConns, "serve at most this many client connections at once; past it a new connection gets 503 and is closed (16 to 100000)")
	if err := f.parse(args, 0); err != nil {
		return c, err
	}
	if c.maxConns < 16 || c.maxConns > 100_000 {
		return c, fmt.Errorf("--max-connections must be between 16 and 100000, not %d", c.maxConns)
	}
	if c.confirmWindow < minConfirmWindow || c.confirmWindow > maxConfirmWindow {
		return c, fmt.Errorf("--confirm-window must be between %s and %s, not %s", minConfirmWindow, maxConfirmWindow, c.confirmWindow)
	}
	var err error
	if c.proxies, err = parseTrustedProxies(proxies); err != nil {
		return c, err
	}
	if c.smtpURL != "" && c.mailFrom == "" {
		return c, fmt.Errorf("--mail-from is required with --smtp, e.g. --mail-from 'portvakt <portvakt@example.se>'")
	}
	if c.dnsTimeout <= 0 || c.dnsTimeout > time.Minute {
		return c, fmt.Errorf("--dns-timeout must be more than 0 and at most 1m, not %s", c.dnsTimeout)
	}
	if c.domainRecheck < 0 {
		return c, fmt.Errorf("--domain-recheck must not be negative, not %s", c.domainRecheck)
	}
	if c.dnsServer != "" {
		if _, _, err := net.SplitHostPort(c.dnsServer); err != nil {
			return c, fmt.Errorf("--dns-server must be host:port, like 192.0.2.53:53, not %q", c.dnsServer)
		}
	}
	if _, ok := views.ParseLang(c.lang); !ok {
		return c, fmt.Errorf("--lang must be sv or en, not %q", c.lang)
	}
	return c, nil
}

// serve runs the portal until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := handlers.LoadOrCreateKeys(cfg.keyPath())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	defer ln.Close()
	base, err := baseURL(cfg.baseURL, ln.Addr().String())
	if err != nil {
		return err
	}
	l, _ := views.ParseLang(cfg.lang)
	sender, err := mailSender(cfg, log)
	if err != nil {
		return err
	}
	registry := handlers.NewMetricsRegistry()
	if err := serveMetrics(ctx, cfg.metricsAddr, registry, stdout, log); err != nil {
		return err
	}
	e, web, err := handlers.New(handlers.Config{
		BaseURL: base, DefaultLang: l, OrgName: cfg.orgName, Keys: keys, Logger: log,
		SessionIdle: cfg.sessionIdle, SessionMaxAge: cfg.sessionMaxAge,
		AllowInsecureIssuers: cfg.insecureIdPs,
		DomainChecker:        &dnscheck.Checker{Server: cfg.dnsServer, Timeout: cfg.dnsTimeout},
		DNSTimeout:           cfg.dnsTimeout,
		Metrics:              registry,
		Mail:                 sender,
		TrustedProxies:       cfg.proxies,
		ConfirmWindow:        cfg.confirmWindow,
		PasswordHasher:       passwordHasher,
		SigningKeyMaker:      signingKeyMaker,
	}, st)
	if err != nil {
		return err
	}
	if err := printSetupLink(ctx, st, base, stdout, log); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "portvakt %s listening on %s (database %s)\n", version, base, cfg.dbPath())
	// The loops write to the database: they end before the store closes (deferred above).
	bg := startBackground(ctx)
	defer bg.Stop()
	bg.Go(func(ctx context.Context) { sweepSessions(ctx, st, cfg.sessionIdle, cfg.sessionMaxAge, log) })
	bg.Go(func(ctx context.Context) { web.RunDomainRecheck(ctx, cfg.domainRecheck) })
	bg.Go(func(ctx context.Context) { web.RunPasswordConfirm(ctx, confirmCheckEvery) })
	bg.Go(func(ctx context.Context) { web.RunTokenExpiryCheck(ctx, tokenExpiryCheckEvery) })
	bg.Go(func(ctx context.Context) { web.RunAppLogouts(ctx, appLogoutEvery) })
	bg.Go(func(ctx context.Context) { web.RunMailRetry(ctx, mailRetryEvery) })
	return serveUntilDone(ctx, newHTTPServer(e, log), limitConns(ln, cfg.maxConns, log), log)
}

// mailSender is the SMTP sender for --smtp, or nil (mail kept in the outbox) without it. Both
// cases are logged, so that an operator can see where mail goes.
func mailSender(cfg serveConfig, log *slog.Logger) (mail.Sender, error) {
	if cfg.smtpURL == "" {
		log.Info("mail: no SMTP server configured (--smtp); mail is kept in the outbox under Users > Outbox")
		return nil, nil
	}
	s, err := mail.NewSMTPSender(cfg.smtpURL, cfg.mailFrom)
	if err != nil {
		return nil, fmt.Errorf("--smtp: %w", err)
	}
	log.Info("mail: sending through " + s.String())
	return s, nil
}

// baseURL is the configured base URL, or http://ADDR for the address actually listened on.
func baseURL(configured, listenAddr string) (*url.URL, error) {
	if configured == "" {
		configured = "http://" + listenAddr
	}
	u, err := url.Parse(strings.TrimSuffix(configured, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--base-url must be an http(s) URL without query, like https://portvakt.example.se, not %q", configured)
	}
	return u, nil
}

// printSetupLink prints the one-time link that creates the first administrator, while there is
// none.
func printSetupLink(ctx context.Context, st *store.Store, base *url.URL, stdout io.Writer, log *slog.Logger) error {
	has, err := st.HasAdmin(ctx)
	if err != nil || has {
		return err
	}
	token, err := st.NewSetupToken(ctx, 24*time.Hour)
	if err != nil {
		return err
	}
	link := base.String() + paths.Setup + "?token=" + url.QueryEscape(token)
	fmt.Fprintf(stdout, "\nNo administrator yet. Open this one-time link within 24 hours to create one:\n\n    %s\n\n", link)
	log.Info("printed a one-time setup link to the console")
	return nil
}

// sweepSessions deletes expired sessions every ten minutes until ctx ends.
func sweepSessions(ctx context.Context, st *store.Store, idle, maxAge time.Duration, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := st.Now()
			if n, err := st.DeleteExpiredSessions(ctx, now.Add(-idle), now.Add(-maxAge)); err != nil {
				log.Warn("sweep sessions", "error", err)
			} else if n > 0 {
				log.Info("expired sessions removed", "count", n)
			}
		}
	}
}

// serveMetrics serves Prometheus /metrics on its own address, apart from the portal, so that a
// reverse proxy in front of the portal never exposes it. An empty address turns it off.
func serveMetrics(ctx context.Context, addr string, reg *prometheus.Registry, stdout io.Writer, log *slog.Logger) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "error", err)
		}
	}()
	fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", ln.Addr())
	return nil
}
