package handlertest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"portvakt/handlers"
	"portvakt/handlers/dnscheck"
	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/mail"
	"portvakt/handlers/mail/smtptest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// Option adds a part to the App that New starts: a real peer on loopback, a clock, a person or
// a configuration change. Options compose in any order and any number.
type Option func(*build)

// build collects what the options ask for: changes to the configuration before the server is
// built, and steps once it serves.
type build struct {
	tls    bool
	config []func(testing.TB, *App, *handlers.Config)
	ready  []func(testing.TB, *App)
}

// DNSTimeout is the domain checker's timeout under WithDNS: short, for the tests of a DNS
// server that does not answer.
const DNSTimeout = 300 * time.Millisecond

// SMTPUser and SMTPPassword are what WithSMTP's server asks for in AUTH.
const (
	SMTPUser     = "portvakt"
	SMTPPassword = "mail secret"
)

// WithConfig changes the configuration before the server is built.
func WithConfig(f func(*handlers.Config)) Option {
	return func(b *build) {
		b.config = append(b.config, func(_ testing.TB, _ *App, cfg *handlers.Config) { f(cfg) })
	}
}

// WithDNS starts a DNS server on loopback (App.DNS) and checks domains against it, with the
// timeout DNSTimeout.
func WithDNS() Option {
	return func(b *build) {
		b.config = append(b.config, func(tb testing.TB, a *App, cfg *handlers.Config) {
			a.DNS = dnstest.Start(tb)
			cfg.DNSTimeout = DNSTimeout
			cfg.DomainChecker = &dnscheck.Checker{Server: a.DNS.Addr(), Timeout: cfg.DNSTimeout}
		})
	}
}

// WithOIDC starts an OpenID provider on loopback (App.OP) that accepts only the app's own
// redirect URI. It makes no identity provider in the portal: CreateIdP does, or WithSSO.
func WithOIDC() Option {
	return func(b *build) { b.ready = append(b.ready, startOP) }
}

func startOP(tb testing.TB, a *App) {
	tb.Helper()
	if a.OP != nil {
		return
	}
	a.OP = a.NewOP(tb)
}

// NewOP starts another OpenID provider on loopback that accepts only the app's redirect URI: a
// second provider of the organisation, or one that somebody points at an issuer of their own.
func (a *App) NewOP(tb testing.TB) *oidctest.Provider {
	tb.Helper()
	op := oidctest.New(tb)
	op.RegisterRedirectURI(a.Server.RedirectURI())
	return op
}

// WithSMTP starts an SMTP server on loopback (App.SMTP) that records what it receives, and
// sends the portal's mail through it from portvakt@example.se. With no options the server
// offers STARTTLS and asks for AUTH as SMTPUser with SMTPPassword, and portvakt does both, as
// with a real relay; smtptest options replace that.
func WithSMTP(opts ...smtptest.Option) Option {
	if len(opts) == 0 {
		opts = []smtptest.Option{smtptest.WithStartTLS(), smtptest.WithAuth(SMTPUser, SMTPPassword)}
	}
	return func(b *build) {
		b.config = append(b.config, func(tb testing.TB, a *App, cfg *handlers.Config) {
			a.SMTP = smtptest.Start(tb, opts...)
			mopts := []mail.Option{mail.WithTimeout(5 * time.Second)}
			if a.SMTP.CertPool != nil {
				mopts = append(mopts, mail.WithRootCAs(a.SMTP.CertPool))
			}
			sender, err := mail.NewSMTPSender(a.SMTP.URL(), "portvakt <portvakt@example.se>", mopts...)
			if err != nil {
				tb.Fatalf("mail sender: %v", err)
			}
			cfg.Mail = sender
		})
	}
}

// WithTLS serves the portal over https with an https base URL, as behind a TLS-terminating
// install: cookies then carry the __Host- prefix. App.Client trusts the server's certificate.
func WithTLS() Option {
	return func(b *build) { b.tls = true }
}

// WithClock puts the store on a Clock (App.Clock) that stands at the time the App started until
// the test moves it, and gives the store its own clock back when the test ends.
func WithClock() Option {
	return func(b *build) {
		b.ready = append(b.ready, func(tb testing.TB, a *App) {
			a.Clock = NewClock(time.Now())
			storetest.SetClock(tb, a.Store, a.Clock.Now)
		})
	}
}

// WithIT makes it@example.se, who has Authentication Settings access (App.ITUser), with a client
// signed in as them (App.IT).
func WithIT() Option {
	return func(b *build) { b.ready = append(b.ready, makeIT) }
}

func makeIT(tb testing.TB, a *App) {
	tb.Helper()
	if a.IT != nil {
		return
	}
	a.ITUser = a.User(tb, "it@example.se", UserOpts{AuthSettings: true, Verified: true})
	a.IT = a.ClientAs(tb, a.ITUser)
}

// WithSSO is the portal ready for SSO: an OpenID provider as WithOIDC, example.se verified
// (App.DomainID), it@example.se as WithIT, and an enabled identity provider serving example.se
// (App.IdP) that it@example.se created through the page with IdPForm. Options that change the
// configuration apply before all of this, whatever their order.
func WithSSO() Option {
	return func(b *build) {
		b.ready = append(b.ready, func(tb testing.TB, a *App) {
			startOP(tb, a)
			a.DomainID = a.VerifiedDomain(tb, "example.se").ID
			makeIT(tb, a)
			a.IdP = a.CreateIdP(tb, a.IT, IdPForm(a.OP, a.DomainID))
		})
	}
}

// Clock is a store clock that the test moves. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// VerifiedDomain adds name as a verified domain, or fails the test.
func (a *App) VerifiedDomain(tb testing.TB, name string) store.Domain {
	tb.Helper()
	return storetest.VerifiedDomain(tb, a.Store, name)
}

// DomainNamed returns the stored domain called name, or fails the test.
func (a *App) DomainNamed(tb testing.TB, name string) store.Domain {
	tb.Helper()
	ds, err := a.Store.ListDomains(context.Background(), store.DomainFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range ds {
		if d.Name == name {
			return d
		}
	}
	tb.Fatalf("no domain %q", name)
	return store.Domain{}
}

// UserByEmail returns the stored user with the e-mail address, or fails the test.
func (a *App) UserByEmail(tb testing.TB, email string) store.User {
	tb.Helper()
	u, err := a.Store.UserByEmail(context.Background(), email)
	if err != nil {
		tb.Fatalf("user %s: %v", email, err)
	}
	return u
}

// IdPForm is the form that creates an enabled identity provider called "Test IdP" for op
// (usually App.OP), serving the domains with the given ids.
func IdPForm(op *oidctest.Provider, domains ...int64) url.Values {
	f := url.Values{"preset": {"other"}, "name": {"Test IdP"}, "issuer": {op.Issuer()}, "client_id": {op.ClientID()},
		"client_secret": {op.ClientSecret()}, "scopes": {"openid email profile"}, "enabled": {"on"}}
	for _, d := range domains {
		f.Add("domain", strconv.FormatInt(d, 10))
	}
	return f
}

// CreateIdP creates an identity provider through the page as c, who needs Authentication
// Settings access, and returns its id; or fails the test.
func (a *App) CreateIdP(tb testing.TB, c *Client, form url.Values) int64 {
	tb.Helper()
	r := c.Post(tb, "/auth-settings/sso", form)
	if r.Status != http.StatusSeeOther {
		tb.Fatalf("create provider: status %d\n%s", r.Status, r.Body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Location, "/auth-settings/sso/"), 10, 64)
	if err != nil {
		tb.Fatalf("create provider: Location %q", r.Location)
	}
	return id
}

// SSOSignIn walks an SSO sign-in on c: the e-mail step, the choice of the provider idp, App.OP's
// front channel and the callback, whose response it returns.
func (a *App) SSOSignIn(tb testing.TB, c *Client, idp int64, email string) *Response {
	tb.Helper()
	return a.SSOCallback(tb, c, a.SSOStart(tb, c, idp, email))
}

// SSOStart walks the start of an SSO sign-in on c: the e-mail step and the choice of the
// provider idp. It returns the address at App.OP the browser is sent to.
func (a *App) SSOStart(tb testing.TB, c *Client, idp int64, email string) string {
	tb.Helper()
	if r := c.Post(tb, "/login", url.Values{"email": {email}}); r.Status != http.StatusSeeOther {
		tb.Fatalf("e-mail step: status %d", r.Status)
	}
	r := c.Post(tb, "/login/sso/"+strconv.FormatInt(idp, 10), nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, a.OP.Issuer()+"/authorize") {
		tb.Fatalf("start: status %d, Location %q\n%s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

// SSOCallback plays the provider's front channel for the authorization request authURL and
// delivers its answer to the portal's callback on c.
func (a *App) SSOCallback(tb testing.TB, c *Client, authURL string) *Response {
	tb.Helper()
	q, err := oidctest.Callback(context.Background(), authURL, a.Server.RedirectURI())
	if err != nil {
		tb.Fatal(err)
	}
	return c.Get(tb, "/auth/oidc/callback?"+q.Encode())
}
