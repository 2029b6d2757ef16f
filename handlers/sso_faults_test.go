package handlers_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp"
	"portvakt/store"
)

// faultTimeout is the provider requests' timeout in the fault tests: the production client
// (oidcrp.NewHTTPClient) with a shorter overall bound, so that a silent provider costs the
// test a second and a half instead of oidcrp.RequestTimeout.
const faultTimeout = 1500 * time.Millisecond

// TestSSOProviderFaults: an identity provider that is down (connection refused), silent
// (accepts and never answers) or answers garbage (bytes that are not HTTP, an HTML page as the
// discovery document, an HTML page from the token endpoint) makes the SSO sign-in and the
// administrator's test sign-in fail within the provider client's timeout, with a message in the
// page; while a sign-in waits for a silent provider, the rest of the portal keeps answering,
// writes included; and once the servers are closed no goroutine is left behind.
//
// The test is not parallel, so that goleak sees only its own goroutines besides those that
// existed when it began; its cases run in parallel with each other.
func TestSSOProviderFaults(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) }) // runs last, after every server is closed
	if client := oidcrp.NewHTTPClient(); client.Timeout <= 0 || client.Timeout > 30*time.Second {
		t.Fatalf("the production provider client's timeout is %s: a silent provider would hold a sign-in", client.Timeout)
	}

	// Where the fault is met: the discovery, made when the sign-in starts, or the token
	// endpoint, asked when the provider sends the browser back with a code.
	discovery := func(listen func(t *testing.T) string) func(t *testing.T) string {
		return func(t *testing.T) string { return "http://" + listen(t) }
	}
	token := func(listen func(t *testing.T) string) func(t *testing.T) string {
		return func(t *testing.T) string { return discoveryOnly(t, "http://"+listen(t)+"/token") }
	}
	tests := []struct {
		name   string
		issuer func(t *testing.T) string // a provider address with the fault, fresh for each use
		atCode bool                      // the fault is met at the token endpoint
		kind   string                    // the test sign-in's result, as its page names it
	}{
		{"down", discovery(refusedAddr), false, "unreachable"},
		{"silent", discovery(silentAddr), false, "unreachable"},
		{"answers bytes that are not HTTP", discovery(garbageAddr), false, "unreachable"},
		{"answers discovery with an HTML page", discovery(htmlAddr), false, "unreachable"},
		{"token endpoint down", token(refusedAddr), true, "unreachable"},
		{"token endpoint silent", token(silentAddr), true, "unreachable"},
		{"token endpoint answers bytes that are not HTTP", token(garbageAddr), true, "unreachable"},
		// It was reached, and answered: not with a token.
		{"token endpoint answers an HTML page", token(htmlAddr), true, "malformed_response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each part has a portal of its own, so that both wait for their provider at once.
			newEnv := func(t *testing.T) (env *handlertest.App, idp string) {
				client := oidcrp.NewHTTPClient()
				client.Timeout = faultTimeout
				env = handlertest.New(t, handlertest.WithSSO(), handlertest.WithConfig(func(cfg *handlers.Config) { cfg.OIDCClient = client }))
				env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
				env.User(t, "bo@example.se", handlertest.UserOpts{Verified: true})
				// The provider was saved while its issuer answered, and has failed since: the page
				// checks the discovery at saving, so the new issuer goes in through the store.
				p, err := env.Store.IdP(t.Context(), env.IdP)
				if err != nil {
					t.Fatal(err)
				}
				if err := env.Store.UpdateIdP(t.Context(), store.CLIActor, env.IdP, store.IdPInput{Name: p.Name, Preset: p.Preset,
					PresetJSON: p.PresetJSON, Issuer: tt.issuer(t), ClientID: p.ClientID, SecretEnc: p.SecretEnc, Scopes: p.Scopes,
					Enabled: true, DomainIDs: []int64{env.DomainID}}); err != nil {
					t.Fatal(err)
				}
				return env, strconv.FormatInt(env.IdP, 10)
			}

			t.Run("sign-in", func(t *testing.T) {
				t.Parallel()
				env, idp := newEnv(t)
				anna := env.Client()
				if r := anna.Post(t, "/login", url.Values{"email": {"anna@example.se"}}); r.Status != http.StatusSeeOther {
					t.Fatalf("e-mail step: status %d", r.Status)
				}
				// The rest of the portal answers, writes included, while the sign-in waits.
				var r *handlertest.Response
				var elapsed time.Duration
				done := make(chan struct{})
				others := othersAnswer(t, env, done)
				began := time.Now()
				r = anna.Post(t, "/login/sso/"+idp, nil)
				if tt.atCode {
					if r.Status != http.StatusSeeOther {
						close(done)
						t.Fatalf("start: status %d, want 303 to the provider\n%.600s", r.Status, r.Body)
					}
					began = time.Now()
					r = anna.Get(t, "/auth/oidc/callback?"+callbackQuery(t, r.Location).Encode())
				}
				elapsed = time.Since(began)
				close(done)
				others.wait(t)
				if elapsed > faultTimeout+time.Second {
					t.Errorf("the sign-in answered after %s, want within the provider timeout %s", elapsed, faultTimeout)
				}
				if elapsed > faultTimeout/2 && others.rounds == 0 {
					t.Errorf("the sign-in waited %s and no other request was answered meanwhile", elapsed)
				}
				doc := r.Doc(t)
				if tt.atCode {
					msg := doc.Find("[data-testid=sso-failure]").Text()
					if r.Status != http.StatusForbidden || !strings.Contains(msg, "identitetsleverantören") && !strings.Contains(msg, "Leverantören") {
						t.Errorf("callback: status %d, message %q; want 403 saying the provider failed", r.Status, msg)
					}
				} else {
					msg := doc.Find("[data-testid=error-summary]").Text()
					if r.Status != http.StatusBadGateway || !strings.Contains(msg, "Det gick inte att nå identitetsleverantören") {
						t.Errorf("start: status %d, message %q; want 502 saying the provider cannot be reached", r.Status, msg)
					}
				}
				if got := ssoAuditRows(t, env, "login.failure"); len(got) == 0 {
					t.Error("no sign-in failure in the audit log")
				}
			})

			t.Run("test sign-in", func(t *testing.T) {
				t.Parallel()
				env, idp := newEnv(t)
				began := time.Now()
				r := env.IT.Post(t, "/auth-settings/sso/"+idp+"/test", nil)
				if tt.atCode {
					if r.Status != http.StatusSeeOther {
						t.Fatalf("start: status %d, want 303 to the provider\n%.600s", r.Status, r.Body)
					}
					began = time.Now()
					r = env.IT.Get(t, "/auth/oidc/callback?"+callbackQuery(t, r.Location).Encode())
				}
				if elapsed := time.Since(began); elapsed > faultTimeout+time.Second {
					t.Errorf("the test sign-in answered after %s, want within the provider timeout %s", elapsed, faultTimeout)
				}
				if r.Status != http.StatusSeeOther || r.Location != "/auth-settings/sso/"+idp+"/test" {
					t.Fatalf("status %d Location %q, want 303 to the test result\n%.600s", r.Status, r.Location, r.Body)
				}
				doc := env.IT.Get(t, r.Location).Doc(t)
				kind := doc.Find("[data-testid=test-kind]").Text()
				msg := doc.Find("[data-testid=test-message]").Text()
				if kind != tt.kind || msg == "" {
					t.Errorf("test result: kind %q, message %q; want %s with a message", kind, msg, tt.kind)
				}
				if got := ssoAuditRows(t, env, "idp.test.failure"); len(got) == 0 {
					t.Error("no failed test in the audit log")
				}
			})
		})
	}
}

// othersAnswer runs, until done closes, the requests of people the failing sign-in must not
// hold up: the sign-in page, an administrator's page and a password sign-in (a write). Each
// must answer while the sign-in is still waiting for its provider.
func othersAnswer(t *testing.T, env *handlertest.App, done <-chan struct{}) *others {
	o := &others{}
	o.wg.Go(func() {
		for range 3 { // a few rounds: the password sign-ins must stay within the per-address limits
			select {
			case <-done:
				return
			default:
			}
			if err := o.round(env); err != nil {
				o.fail(err)
				return
			}
			select {
			case <-done:
				return
			default:
				o.mu.Lock()
				o.rounds++
				o.mu.Unlock()
			}
		}
	})
	return o
}

type others struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	rounds int // rounds finished while the sign-in was still waiting
	err    error
}

func (o *others) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.err = err
}

func (o *others) round(env *handlertest.App) error {
	if r, err := env.Client().TryGet("/login"); err != nil || r.Status != http.StatusOK {
		return errors.Join(errors.New("GET /login failed"), err)
	}
	if r, err := env.IT.TryGet("/auth-settings/sso"); err != nil || r.Status != http.StatusOK {
		return errors.Join(errors.New("GET /auth-settings/sso failed"), err)
	}
	bo := env.Client()
	if r, err := bo.TryPost("/login", url.Values{"email": {"bo@example.se"}}); err != nil || r.Status != http.StatusSeeOther {
		return errors.Join(errors.New("e-mail step of a password sign-in failed"), err)
	}
	if r, err := bo.TryPost("/login/password", url.Values{"password": {handlertest.Password}}); err != nil || r.Status != http.StatusSeeOther {
		return errors.Join(errors.New("password sign-in failed"), err)
	}
	return nil
}

func (o *others) wait(t *testing.T) {
	t.Helper()
	o.wg.Wait()
	if o.err != nil {
		t.Errorf("while a sign-in waited for the provider: %v", o.err)
	}
}

// callbackQuery is the provider's answer to the authorization request at authURL: a code and
// the state, as a provider that got as far as that would send them.
func callbackQuery(t *testing.T, authURL string) url.Values {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil || u.Query().Get("state") == "" {
		t.Fatalf("authorization URL %q has no state", authURL)
	}
	return url.Values{"code": {"a-code"}, "state": {u.Query().Get("state")}}
}

// refusedAddr is a loopback address nobody listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// silentAddr accepts connections and reads from them, but never answers.
func silentAddr(t *testing.T) string {
	return serveRaw(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// garbageAddr answers every connection with bytes that are not HTTP, then hangs up.
func garbageAddr(t *testing.T) string {
	return serveRaw(t, func(c net.Conn) {
		_, _ = c.Read(make([]byte, 512)) // the start of the request
		_, _ = c.Write([]byte("\x15\x03\x01\x00\x02\x02\x50 not HTTP at all\r\n\x00\xff\r\n\r\n"))
	})
}

// htmlAddr answers every request with 200 and an HTML page, as a captive portal or a
// misconfigured proxy does.
func htmlAddr(t *testing.T) string {
	return serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><title>Welcome</title><p>Please sign in to the network.</p>")
	}))
}

// discoveryOnly serves a correct discovery document whose token endpoint is tokenURL, and
// returns its issuer.
func discoveryOnly(t *testing.T, tokenURL string) string {
	t.Helper()
	var issuer string
	issuer = "http://" + serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": tokenURL,
				"jwks_uri": issuer + "/jwks", "response_types_supported": []string{"code"},
				"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			})
		case "/jwks":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"keys":[]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	return issuer
}

// serveRaw accepts connections on a loopback port and hands each to handle; the listener and
// every connection are closed when the test ends.
func serveRaw(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// serveHTTP serves h on a loopback port until the test ends.
func serveHTTP(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return l.Addr().String()
}
