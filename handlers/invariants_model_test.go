package handlers_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"portvakt/handlers"
	"portvakt/handlers/dnscheck/dnstest"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// TestInvariantsModel drives random sequences of what administrators, delegates and plain users
// can do through the handlers, with the real store, a real DNS server and two real OpenID
// providers: the organisation's own ("good") and one a delegate controls ("evil"), which claims
// any e-mail the delegate likes. After every step it checks the promises portvakt exists for:
//
//	(a) someone with Authentication Settings access can get in: password sign-in is on, or the
//	    switch-off is unconfirmed and will revert by itself, or one of them really signs in
//	    through SSO now;
//	(b) the delegate gets no session of an administrator or of another grant holder through a
//	    provider they control (unless that person linked themselves through it);
//	(c) the organisation's client secret is never sent to any other issuer.
//
// rapid shrinks a failing sequence and prints it. -rapid.checks and -rapid.steps make it longer.
// The checks are shared among modelParts subtests that run in parallel with each other and with
// the rest of the package; with -rapid.seed or -rapid.failfile (to repeat a failure) one part
// runs them all.
func TestInvariantsModel(t *testing.T) {
	t.Parallel()
	checks := flag.Lookup("rapid.checks")
	total, err := strconv.Atoi(checks.Value.String())
	if err != nil {
		t.Fatalf("-rapid.checks: %v", err)
	}
	parts := modelParts
	if flag.Lookup("rapid.seed").Value.String() != "0" || flag.Lookup("rapid.failfile").Value.String() != "" || total < parts {
		parts = 1
	}
	// rapid reads its settings when each part starts, after this function returns; the parent's
	// cleanup runs once every part has finished.
	_ = checks.Value.Set(strconv.Itoa((total + parts - 1) / parts))
	t.Cleanup(func() { _ = checks.Value.Set(strconv.Itoa(total)) })
	for i := range parts {
		t.Run(fmt.Sprintf("part %d of %d", i+1, parts), func(t *testing.T) {
			t.Parallel()
			rapid.Check(t, func(rt *rapid.T) {
				scope := &checkScope{TB: t}
				defer scope.end()
				w := newModel(scope)
				rt.Repeat(w.actions())
			})
		})
	}
}

// modelParts is how many parallel subtests share the model's checks.
const modelParts = 2

// checkScope is the test as one rapid check sees it: what the check registers with Cleanup (its
// servers, database, providers and their keys) ends with the check, not with the whole test, so
// a hundred checks do not keep a hundred portals running.
type checkScope struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
}

func (s *checkScope) Cleanup(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cleanups = append(s.cleanups, f)
}

func (s *checkScope) end() {
	s.mu.Lock()
	fs := s.cleanups
	s.cleanups = nil
	s.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// modelPerson is one of the model's people. Their identity at each provider is fixed: the good
// provider vouches for their own address, the evil one for whatever the delegate claims.
type modelPerson struct {
	key   string // "boss", "it", "eve", "anna"
	email string // as the providers know it
	id    int64
}

type model struct {
	t      testing.TB
	app    *handlertest.App
	dns    *dnstest.Server
	good   *oidctest.Provider
	evil   *oidctest.Provider
	people []*modelPerson
	// clients are each person's browser: a password session at first, an SSO one after they
	// sign in through SSO.
	clients map[string]*handlertest.Client
	// trustedEvil are the people who linked themselves through a provider pointing at the evil
	// issuer: the delegate may sign in as them, as they chose.
	trustedEvil map[string]bool
	browsers    atomic.Int64
	// offset moves the store's clock forward, for the confirmation window to run out.
	offset atomic.Int64
}

const modelDomain = "example.se"

func newModel(t testing.TB) *model {
	w := &model{t: t, clients: map[string]*handlertest.Client{}, trustedEvil: map[string]bool{}}
	w.app = handlertest.New(t, handlertest.WithDNS(), handlertest.WithConfig(func(cfg *handlers.Config) {
		// Each browser of the model comes from its own address behind a trusted proxy, so that
		// the per-client limits on sign-in steps do not stand in for a lock-out.
		_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
		cfg.TrustedProxies = []*net.IPNet{loopback}
	}))
	w.dns, w.good, w.evil = w.app.DNS, w.app.NewOP(t), w.app.NewOP(t)
	storetest.SetClock(t, w.app.Store, func() time.Time { return time.Now().Add(time.Duration(w.offset.Load())) })
	for _, p := range []struct {
		key  string
		opts handlertest.UserOpts
	}{
		{"boss", handlertest.UserOpts{Admin: true, Verified: true}},
		{"it", handlertest.UserOpts{AuthSettings: true, Verified: true}},
		{"eve", handlertest.UserOpts{AuthSettings: true, Verified: true}},
		{"anna", handlertest.UserOpts{Verified: true}},
	} {
		u := w.app.User(t, p.key+"@"+modelDomain, p.opts)
		w.people = append(w.people, &modelPerson{key: p.key, email: u.Email, id: u.ID})
		w.clients[p.key] = w.browser(w.app.ClientAs(t, u))
	}
	// The organisation's starting point: its domain verified and its provider set up.
	w.addDomain(w.clients["it"])
	w.verifyDomain(w.clients["it"])
	w.saveProvider(w.clients["it"], 0, w.providerForm("Org IdP", w.good, w.good.ClientSecret(), true))
	if d, _ := w.domain(); d.Status != store.DomainVerified {
		t.Fatalf("the model's domain is %q after verification", d.Status)
	}
	// it@ tests the provider, which links them and signs them in through SSO.
	ps, err := w.app.Store.IdPs(context.Background())
	if err != nil || len(ps) != 1 {
		t.Fatalf("providers %v, %v", ps, err)
	}
	w.flow(w.clients["it"], w.person("it"), ps[0], "/auth-settings/sso/"+strconv.FormatInt(ps[0].ID, 10)+"/test", nil)
	if p, _ := w.app.Store.IdP(context.Background(), ps[0].ID); p.TestedAt.IsZero() {
		t.Fatalf("the model's provider is not tested after the test sign-in")
	}
	return w
}

// browser gives c an address of its own.
func (w *model) browser(c *handlertest.Client) *handlertest.Client {
	n := w.browsers.Add(1)
	c.HTTP.Transport = forwardedFor{xff: fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255), next: c.HTTP.Transport}
	return c
}

func (w *model) person(key string) *modelPerson {
	i := slices.IndexFunc(w.people, func(p *modelPerson) bool { return p.key == key })
	return w.people[i]
}

// actions are the operations, each picking who does it.
func (w *model) actions() map[string]func(*rapid.T) {
	anyone := rapid.SampledFrom([]string{"boss", "it", "eve", "anna"})
	return map[string]func(*rapid.T){
		"sign in through SSO": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			c := w.browser(w.app.Client())
			if w.signIn(c, w.person(who), p) {
				w.clients[who] = c
			}
		},
		"delegate signs in as someone through a provider": func(rt *rapid.T) {
			target, p := anyone.Draw(rt, "target"), w.drawProvider(rt)
			if w.opOf(p) != w.evil {
				rt.Skip("the provider is the organisation's own")
			}
			c := w.browser(w.app.Client())
			if ok, viaEvil := w.signInVia(c, w.person(target), p); ok && viaEvil {
				w.checkAttackerSession(rt, c, target)
			}
		},
		"link own identity from the profile": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			w.flow(w.clients[who], w.person(who), p, "/profile/link/"+strconv.FormatInt(p.ID, 10), nil)
		},
		"test sign-in": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			w.flow(w.clients[who], w.person(who), p, "/auth-settings/sso/"+strconv.FormatInt(p.ID, 10)+"/test", nil)
		},
		"test the draft, which applies it when it passes": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			w.flow(w.clients[who], w.person(who), p, "/auth-settings/sso/"+strconv.FormatInt(p.ID, 10)+"/test", url.Values{"draft": {"1"}})
		},
		"discard the draft": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			w.clients[who].Post(w.t, "/auth-settings/sso/"+strconv.FormatInt(p.ID, 10)+"/draft/discard", nil)
		},
		"delegate adds a provider of their own": func(rt *rapid.T) {
			on := rapid.Bool().Draw(rt, "switched on")
			w.saveProvider(w.clients["eve"], 0, w.providerForm("Eve IdP", w.evil, w.evil.ClientSecret(), on))
		},
		"edit a provider": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			change := rapid.SampledFrom([]string{"issuer to evil, secret left empty", "issuer to evil with its secret",
				"secret mistyped", "scopes", "issuer back to good"}).Draw(rt, "change")
			op, secret, scopes := w.opOf(p), "", p.Scopes
			switch change {
			case "issuer to evil, secret left empty":
				op = w.evil
			case "issuer to evil with its secret":
				op, secret = w.evil, w.evil.ClientSecret()
			case "secret mistyped":
				secret = "not-the-secret"
			case "scopes":
				scopes = "openid email"
			case "issuer back to good":
				op, secret = w.good, w.good.ClientSecret()
			}
			f := w.providerForm(p.Name, op, secret, p.Enabled)
			f.Set("scopes", scopes)
			w.saveProvider(w.clients[who], p.ID, f)
		},
		"switch a provider on or off": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			f := w.providerForm(p.Name, w.opOf(p), "", !p.Enabled)
			w.saveProvider(w.clients[who], p.ID, f)
		},
		"remove a provider": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			w.clients[who].Post(w.t, "/auth-settings/sso/"+strconv.FormatInt(p.ID, 10)+"/remove", url.Values{"confirm": {p.Name}})
		},
		"set who holds the grant": func(rt *rapid.T) {
			who := anyone.Draw(rt, "who")
			f := url.Values{"action": {"save"}}
			for _, p := range w.people {
				if rapid.Bool().Draw(rt, "grant "+p.key) {
					f.Add("person", p.email)
				}
			}
			w.clients[who].Post(w.t, "/security/grants", f)
		},
		"make someone administrator or not": func(rt *rapid.T) {
			who, target := anyone.Draw(rt, "who"), anyone.Draw(rt, "target")
			on := map[bool]string{true: "on", false: "off"}[rapid.Bool().Draw(rt, "on")]
			w.clients[who].Post(w.t, w.userPath(target, "/admin"), url.Values{"admin": {on}})
		},
		"remove someone's link": func(rt *rapid.T) {
			who, target := anyone.Draw(rt, "who"), anyone.Draw(rt, "target")
			w.clients[who].Post(w.t, w.userPath(target, "/unlink"), nil)
		},
		"change someone's e-mail": func(rt *rapid.T) {
			who, target := anyone.Draw(rt, "who"), anyone.Draw(rt, "target")
			to := rapid.SampledFrom([]string{target + "2@" + modelDomain, target + "@" + modelDomain, target + "@other.se"}).Draw(rt, "to")
			w.clients[who].Post(w.t, w.userPath(target, ""), url.Values{"name": {target}, "email": {to}, "lang": {"sv"}})
		},
		"set the allowed domains": func(rt *rapid.T) {
			who := anyone.Draw(rt, "who")
			f := url.Values{"action": {"save"}}
			for _, d := range []string{modelDomain, "other.se"} {
				if rapid.Bool().Draw(rt, "allow "+d) {
					f.Add("domain", d)
				}
			}
			w.clients[who].Post(w.t, "/security/domains", f)
		},
		"switch password sign-in off": func(rt *rapid.T) {
			c := w.clients[anyone.Draw(rt, "who")]
			r := c.Get(w.t, reviewPath)
			reviewed, ok := r.Doc(w.t).Find("input[name=reviewed]").Attr("value")
			if !ok {
				rt.Skip("no review form for this person now")
			}
			c.Post(w.t, reviewPath, url.Values{"reviewed": {reviewed}, "confirm": {modelDomain}})
		},
		"switch password sign-in off and confirm from a new SSO sign-in": func(rt *rapid.T) {
			who, p := anyone.Draw(rt, "who"), w.drawProvider(rt)
			c := w.browser(w.app.Client())
			if !w.signIn(c, w.person(who), p) {
				rt.Skip("cannot sign in through SSO")
			}
			r := c.Get(w.t, reviewPath)
			reviewed, ok := r.Doc(w.t).Find("input[name=reviewed]").Attr("value")
			if !ok {
				rt.Skip("no review form for this person now")
			}
			c.Post(w.t, reviewPath, url.Values{"reviewed": {reviewed}, "confirm": {modelDomain}})
			w.offset.Add(int64(time.Second)) // the confirming sign-in begins after the switch
			if w.signIn(c, w.person(who), p) {
				w.clients[who] = c
				c.Post(w.t, "/auth-settings/policies/password/confirm", nil)
			}
		},
		"switch password sign-in on": func(rt *rapid.T) {
			w.clients[anyone.Draw(rt, "who")].Post(w.t, "/auth-settings/policies/password/on", nil)
		},
		"confirm the switch-off": func(rt *rapid.T) {
			w.clients[anyone.Draw(rt, "who")].Post(w.t, "/auth-settings/policies/password/confirm", nil)
		},
		"the confirmation window runs out": func(rt *rapid.T) {
			win, open, err := w.app.Store.PasswordConfirmWindow(context.Background())
			if err != nil {
				rt.Fatal(err)
			}
			if !open {
				rt.Skip("no window open")
			}
			w.offset.Add(int64(win.Deadline.Sub(w.app.Store.Now()) + 2*time.Second))
			if _, err := w.app.Store.RevertExpiredPasswordOff(context.Background()); err != nil {
				rt.Fatal(err)
			}
		},
		"the domain's record disappears": func(rt *rapid.T) {
			w.dns.Remove("_portvakt-challenge." + modelDomain)
			if err := w.app.Server.RecheckDomains(context.Background(), -time.Hour); err != nil {
				rt.Fatal(err)
			}
		},
		"verify the domain again": func(rt *rapid.T) {
			w.verifyDomain(w.clients[anyone.Draw(rt, "who")])
		},
		"remove the domain": func(rt *rapid.T) {
			d, ok := w.domain()
			if !ok {
				rt.Skip("no domain")
			}
			w.clients[anyone.Draw(rt, "who")].Post(w.t, "/auth-settings/domains/"+strconv.FormatInt(d.ID, 10)+"/remove",
				url.Values{"confirm": {modelDomain}})
		},
		"add the domain": func(rt *rapid.T) {
			w.addDomain(w.clients[anyone.Draw(rt, "who")])
		},
		"": w.checkInvariants,
	}
}

// drawProvider picks one of the providers as they are now, skipping the step when none exists.
func (w *model) drawProvider(rt *rapid.T) store.IdP {
	ps, err := w.app.Store.IdPs(context.Background())
	if err != nil {
		rt.Fatal(err)
	}
	if len(ps) == 0 {
		rt.Skip("no provider")
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = strconv.FormatInt(p.ID, 10) + " " + p.Name + " at the " + w.opName(p) + " issuer"
	}
	return ps[rapid.IntRange(0, len(ps)-1).Draw(rt, "provider of "+strings.Join(names, ", "))]
}

func (w *model) opName(p store.IdP) string {
	if w.opOf(p) == w.evil {
		return "evil"
	}
	return "good"
}

// opOf is the OpenID provider behind p's live settings.
func (w *model) opOf(p store.IdP) *oidctest.Provider {
	if p.Issuer == w.evil.Issuer() {
		return w.evil
	}
	return w.good
}

// identity is who op says p is: the good provider is honest; the evil one claims p's address
// for a subject of the delegate's own.
func (w *model) identity(op *oidctest.Provider, p *modelPerson) oidctest.User {
	if op == w.evil {
		return oidctest.User{Subject: "evil-" + p.key, Email: p.email, EmailVerified: true, Name: p.key}
	}
	return oidctest.User{Subject: "good-" + p.key, Email: p.email, EmailVerified: true, Name: p.key}
}

// signIn walks the e-mail step and the provider for p, and reports whether c is signed in.
func (w *model) signIn(c *handlertest.Client, p *modelPerson, idp store.IdP) bool {
	ok, _ := w.signInVia(c, p, idp)
	return ok
}

// signInVia is signIn, also reporting whether the sign-in went through the evil issuer (the
// e-mail step goes straight to the one provider serving the domain while passwords are off,
// whichever provider the step meant).
func (w *model) signInVia(c *handlertest.Client, p *modelPerson, idp store.IdP) (ok, viaEvil bool) {
	r := c.Post(w.t, "/login", url.Values{"email": {p.email}})
	if r.Status != http.StatusSeeOther {
		return false, false
	}
	if !w.isProvider(r.Location) {
		r = c.Post(w.t, "/login/sso/"+strconv.FormatInt(idp.ID, 10), nil)
	}
	return w.finish(c, p, r) == "/", w.isEvil(r.Location)
}

// flow starts a sign-in at the provider from a signed-in page (profile link, test sign-in) and
// finishes it. A person who links themselves this way through a switched-on provider that points
// at the evil issuer gets whatever identity it makes up, and the model lets the delegate sign in
// as them: whoever controls where a provider points controls what its users link to. Any other
// way to such a link (a provider switched off, a sign-in) breaks invariant (b).
func (w *model) flow(c *handlertest.Client, p *modelPerson, idp store.IdP, start string, form url.Values) {
	r := c.Post(w.t, start, form)
	if loc := w.finish(c, p, r); loc == "" || !w.isEvil(r.Location) || !idp.Enabled {
		return
	}
	if l, err := w.app.Store.LinkOfUser(context.Background(), p.id); err == nil && l.Issuer == w.evil.Issuer() {
		w.trustedEvil[p.key] = true
	}
}

func (w *model) isEvil(location string) bool {
	return strings.HasPrefix(location, w.evil.Issuer()+"/")
}

func (w *model) isProvider(location string) bool {
	return w.isEvil(location) || strings.HasPrefix(location, w.good.Issuer()+"/")
}

// finish plays the provider the start redirected to, as p, and returns where the callback sent
// the browser ("" when the start did not reach a provider or the callback refused).
func (w *model) finish(c *handlertest.Client, p *modelPerson, start *handlertest.Response) string {
	if start.Status != http.StatusSeeOther || !w.isProvider(start.Location) {
		return ""
	}
	op := w.good
	if w.isEvil(start.Location) {
		op = w.evil
	}
	op.SetUser(w.identity(op, p))
	q, err := oidctest.Callback(context.Background(), start.Location, w.app.Server.RedirectURI())
	if err != nil {
		return ""
	}
	r := c.Get(w.t, "/auth/oidc/callback?"+q.Encode())
	if r.Status != http.StatusSeeOther {
		return ""
	}
	return r.Location
}

// providerForm is the SSO form for a provider at op serving the domain, when it exists.
func (w *model) providerForm(name string, op *oidctest.Provider, secret string, enabled bool) url.Values {
	f := url.Values{"preset": {"other"}, "name": {name}, "issuer": {op.Issuer()}, "client_id": {op.ClientID()},
		"client_secret": {secret}, "scopes": {"openid email profile"}}
	if enabled {
		f.Set("enabled", "on")
	}
	if d, ok := w.domain(); ok && d.Status != store.DomainPending {
		f.Set("domain", strconv.FormatInt(d.ID, 10))
	}
	return f
}

// saveProvider creates (id 0) or saves a provider.
func (w *model) saveProvider(c *handlertest.Client, id int64, f url.Values) {
	path := "/auth-settings/sso"
	if id != 0 {
		path += "/" + strconv.FormatInt(id, 10)
	}
	c.Post(w.t, path, f)
}

func (w *model) domain() (store.Domain, bool) {
	ds, err := w.app.Store.ListDomains(context.Background(), store.DomainFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, d := range ds {
		if d.Name == modelDomain {
			return d, true
		}
	}
	return store.Domain{}, false
}

func (w *model) addDomain(c *handlertest.Client) {
	c.Post(w.t, "/auth-settings/domains", url.Values{"domain": {modelDomain}})
}

// verifyDomain publishes the domain's record and asks portvakt to verify it.
func (w *model) verifyDomain(c *handlertest.Client) {
	d, ok := w.domain()
	if !ok {
		return
	}
	w.dns.SetTXT("_portvakt-challenge."+modelDomain, "portvakt-verification="+d.Token)
	c.Post(w.t, "/auth-settings/domains/"+strconv.FormatInt(d.ID, 10)+"/verify", nil)
}

func (w *model) userPath(key, rest string) string {
	return "/users/" + strconv.FormatInt(w.person(key).id, 10) + rest
}

// privileged reports whether the person is an administrator or holds the grant now.
func (w *model) privileged(key string) bool {
	id := w.person(key).id
	u, err := w.app.Store.UserByID(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return u.IsAdmin || slices.Contains(w.grantHolders(), id)
}

// grantHolders returns the ids of the people with access to Authentication Settings.
func (w *model) grantHolders() []int64 {
	gs, err := w.app.Store.ListGrants(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	var out []int64
	for _, g := range gs {
		out = append(out, g.UserID)
	}
	return out
}

// checkAttackerSession is invariant (b): a sign-in through the delegate's provider is the
// delegate's, an unprivileged person's, or of someone who chose to link through it.
func (w *model) checkAttackerSession(rt *rapid.T, c *handlertest.Client, target string) {
	name := c.Get(w.t, "/profile").Doc(w.t).Find("[data-testid=person]").Text()
	if name != target {
		rt.Fatalf("the delegate's sign-in as %s gave a session of %q", target, name)
	}
	if target != "eve" && !w.trustedEvil[target] && w.privileged(target) {
		rt.Fatalf("(b) the delegate signed in as %s, an administrator or grant holder, through a provider they control", target)
	}
}

// checkInvariants is run after every step.
func (w *model) checkInvariants(rt *rapid.T) {
	// (c) the organisation's secret never reaches another issuer.
	if slices.Contains(w.evil.SecretsSeen(), w.good.ClientSecret()) {
		rt.Fatalf("(c) the organisation's client secret was sent to the delegate's issuer")
	}
	// (a) someone with Authentication Settings access can get in.
	ctx := context.Background()
	on, err := w.app.Store.PasswordLoginEnabled(ctx)
	if err != nil {
		rt.Fatal(err)
	}
	if on {
		return
	}
	if _, open, err := w.app.Store.PasswordConfirmWindow(ctx); err != nil || open {
		if err != nil {
			rt.Fatal(err)
		}
		return // unconfirmed, password sign-in comes back by itself
	}
	ps, err := w.app.Store.IdPs(ctx)
	if err != nil {
		rt.Fatal(err)
	}
	var holders []string
	granted := w.grantHolders()
	for _, p := range w.people {
		if !slices.Contains(granted, p.id) {
			continue
		}
		holders = append(holders, p.key)
		for _, idp := range ps {
			if w.signIn(w.browser(w.app.Client()), p, idp) {
				return
			}
		}
	}
	rt.Fatalf("(a) password sign-in is off and no one with Authentication Settings access (%v) can sign in through %d providers", holders, len(ps))
}
