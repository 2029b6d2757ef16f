package handlers_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

// forwardedFor sends every request with the given X-Forwarded-For header, as a proxy (or a client
// pretending to be one) would.
type forwardedFor struct {
	xff  string
	next http.RoundTripper
}

func (f forwardedFor) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Forwarded-For", f.xff)
	return f.next.RoundTrip(req)
}

// attemptVia walks both sign-in steps with X-Forwarded-For set to xff and returns the password
// step's status.
func attemptVia(t *testing.T, app *handlertest.App, xff, email, password string) int {
	t.Helper()
	c := app.Client()
	c.HTTP.Transport = forwardedFor{xff: xff, next: c.HTTP.Transport}
	if r := c.Post(t, "/login", url.Values{"email": {email}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	return c.Post(t, "/login/password", url.Values{"password": {password}}).Status
}

func mustCIDR(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClientAddressBehindProxies: X-Forwarded-For names the client only when the direct peer
// (here always 127.0.0.1) is a configured trusted proxy. Otherwise a client could pick a fresh
// address for every attempt and never meet the per-client limit, or write any address into the
// audit log.
func TestClientAddressBehindProxies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		trusted    []string
		headerUsed bool // the client address is taken from X-Forwarded-For
	}{
		{name: "ignores the header when no proxy is trusted, loopback included"},
		{name: "ignores the header from a peer outside the trusted ranges", trusted: []string{"192.0.2.0/24", "::1/128"}},
		{name: "uses the header from a trusted proxy", trusted: []string{"127.0.0.1/32"}, headerUsed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := handlertest.New(t, handlertest.WithConfig(func(cfg *handlers.Config) {
				for _, s := range tt.trusted {
					cfg.TrustedProxies = append(cfg.TrustedProxies, mustCIDR(t, s))
				}
			}))
			app.User(t, "anna@example.se", handlertest.UserOpts{})
			// 30 failures, five per account, all claiming to come from 203.0.113.7 but through
			// a proxy chain whose first entry the client wrote itself.
			for i := range 30 {
				email := fmt.Sprintf("nobody%d@example.se", i/5)
				if got := attemptVia(t, app, "198.51.100.1, 203.0.113.7", email, "wrong password"); got != http.StatusUnprocessableEntity {
					t.Fatalf("attempt %d: status %d, want 422", i+1, got)
				}
			}
			rows := storetest.AuditRows(t, app.Store, "login.failure")
			wantIP := "127.0.0.1"
			if tt.headerUsed {
				wantIP = "203.0.113.7" // the nearest address the trusted proxy vouches for, not the client's own entry
			}
			if got := rows[len(rows)-1].ClientIP; got != wantIP {
				t.Errorf("audit client address %q, want %q", got, wantIP)
			}
			got := attemptVia(t, app, "203.0.113.8", "anna@example.se", handlertest.Password)
			want := http.StatusTooManyRequests // every attempt came from one client: 127.0.0.1
			if tt.headerUsed {
				want = http.StatusSeeOther // another client behind the proxy is not held back
			}
			if got != want {
				t.Errorf("sign-in claiming another address: status %d, want %d", got, want)
			}
			if got := attemptVia(t, app, "203.0.113.7", "anna@example.se", handlertest.Password); got != http.StatusTooManyRequests {
				t.Errorf("sign-in from the limited address: status %d, want 429", got)
			}
		})
	}
}
