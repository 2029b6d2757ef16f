package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// logoutReceiver is an app's back-channel logout endpoint: it verifies each logout token with
// portvakt's published keys, as an app would, and keeps what it was told.
type logoutReceiver struct {
	srv     *httptest.Server
	failing atomic.Bool // answer 503, as an app that is down
	mu      sync.Mutex
	got     []logoutClaims
	errs    []error
}

type logoutClaims struct {
	Subject string                     `json:"sub"`
	SID     string                     `json:"sid"`
	Events  map[string]json.RawMessage `json:"events"`
	Nonce   string                     `json:"nonce"`
}

func newLogoutReceiver(t *testing.T, w *opWorld, clientID string) *logoutReceiver {
	t.Helper()
	rcv := &logoutReceiver{}
	verifier := w.provider.Verifier(&gooidc.Config{ClientID: clientID, SkipExpiryCheck: false})
	rcv.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if rcv.failing.Load() {
			http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		idt, err := verifier.Verify(r.Context(), r.FormValue("logout_token"))
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if err != nil {
			rcv.errs = append(rcv.errs, err)
			http.Error(rw, "bad logout token", http.StatusBadRequest)
			return
		}
		var c logoutClaims
		if err := idt.Claims(&c); err != nil {
			rcv.errs = append(rcv.errs, err)
		}
		rcv.got = append(rcv.got, c)
	}))
	t.Cleanup(rcv.srv.Close)
	return rcv
}

func (rcv *logoutReceiver) received() ([]logoutClaims, []error) {
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	return append([]logoutClaims(nil), rcv.got...), append([]error(nil), rcv.errs...)
}

// TestBackChannelLogout: an app with a back-channel URI receives a valid logout token naming
// the person and the session when the person signs out of portvakt, is deactivated, or loses
// their session at Password OFF.
func TestBackChannelLogout(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	w := opWorldOn(t, env)
	hr := w.register(t, store.AppWeb)
	rcv := newLogoutReceiver(t, w, hr.app.ClientID)
	settings := hr.app.Settings()
	settings.BackchannelURI = rcv.srv.URL + "/backchannel"
	if _, err := env.Store.UpdateApplication(context.Background(), store.CLIActor, hr.app.ID, settings); err != nil {
		t.Fatal(err)
	}
	signIn := func(c *handlertest.Client) (sub, sid string) {
		t.Helper()
		v := oauth2.GenerateVerifier()
		tok, err := hr.exchange(t, hr.signIn(t, c, v), v)
		if err != nil {
			t.Fatal(err)
		}
		var claims struct {
			SID string `json:"sid"`
		}
		idt := hr.idToken(t, tok)
		_ = idt.Claims(&claims)
		return idt.Subject, claims.SID
	}
	deliver := func(want int) []logoutClaims {
		t.Helper()
		n, err := env.Server.SendAppLogouts(context.Background())
		if err != nil || n != want {
			t.Fatalf("delivered %d logouts (%v), want %d", n, err, want)
		}
		got, errs := rcv.received()
		if len(errs) > 0 {
			t.Fatalf("the app could not verify a logout token: %v", errs)
		}
		return got
	}
	check := func(c logoutClaims, sub, sid string) {
		t.Helper()
		if c.Subject != sub || c.SID != sid || c.Nonce != "" {
			t.Errorf("logout token sub %q sid %q nonce %q, want %q %q and no nonce", c.Subject, c.SID, c.Nonce, sub, sid)
		}
		if _, ok := c.Events["http://schemas.openid.net/event/backchannel-logout"]; !ok {
			t.Errorf("logout token events %v lack the back-channel logout event", c.Events)
		}
	}

	t.Run("signing out of portvakt", func(t *testing.T) {
		c, _ := env.SignedIn(t, "anna@example.se", handlertest.UserOpts{Verified: true})
		sub, sid := signIn(c)
		if r := c.Post(t, "/logout", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("sign out: status %d", r.Status)
		}
		got := deliver(1)
		check(got[len(got)-1], sub, sid)
	})
	t.Run("deactivation", func(t *testing.T) {
		c, bo := env.SignedIn(t, "bo@example.se", handlertest.UserOpts{Verified: true})
		sub, sid := signIn(c)
		p, err := env.Store.ProvisionedByID(context.Background(), bo.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := env.Store.UpdateProvisioned(context.Background(), store.CLIActor, store.ProvisionToken{}, bo.ID,
			store.Provision{Email: p.Email, Name: p.Name}, store.VerificationMail{}); err != nil {
			t.Fatal(err)
		}
		got := deliver(1)
		check(got[len(got)-1], sub, sid)
	})
	t.Run("Password OFF ends a password session", func(t *testing.T) {
		c, _ := env.SignedIn(t, "cy@example.se", handlertest.UserOpts{Verified: true})
		sub, sid := signIn(c)
		testSignIn(t, env)
		if r := env.IT.Post(t, reviewPath, confirmForm(t, env.IT, "Example.se")); r.Status != http.StatusSeeOther {
			t.Fatalf("switch off: status %d", r.Status)
		}
		got := deliver(1)
		check(got[len(got)-1], sub, sid)
	})
	t.Run("a delivery that fails is retried later, not lost", func(t *testing.T) {
		sso := env.SSOClientAs(t, env.ITUser, env.IdP)
		sub, sid := signIn(sso)
		rcv.failing.Store(true)
		if r := sso.Post(t, "/logout", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("sign out: status %d", r.Status)
		}
		deliver(0)
		rcv.failing.Store(false)
		deliver(0) // not due yet: the retry waits
		later := env.Store.Now().Add(time.Minute)
		storetest.SetClock(t, env.Store, func() time.Time { return later })
		got := deliver(1)
		check(got[len(got)-1], sub, sid)
	})
}
