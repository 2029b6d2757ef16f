package handlers

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/store/storetest"
)

func stateTestServer(t *testing.T, base string, keys Keys) *Server {
	t.Helper()
	u, _ := url.Parse(base)
	_, s, err := New(Config{BaseURL: u, Keys: keys, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, storetest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// bigState is the largest state the forms allow: every field at its length limit.
func bigState() store.OIDCState {
	return store.OIDCState{State: store.NewToken(), Binding: store.NewToken(), IdPID: 1 << 40, Revision: 1 << 40,
		Purpose: store.PurposeTest, UserID: 1 << 40, Nonce: store.NewToken(), Verifier: store.NewToken(),
		RedirectURI: "https://" + strings.Repeat("r", 200) + "/auth/oidc/callback", Issuer: strings.Repeat("i", maxURLField),
		ClientID: strings.Repeat("c", maxClientID), Next: "/auth-settings/sso/1099511627776/test", CreatedAt: time.Now()}
}

// TestStateCookieUnderHTTPS: under https the state cookie is Secure and __Host- prefixed, so that
// neither plain http nor a sibling host can plant or read one; it is HttpOnly, SameSite=Lax
// (the callback is a top-level GET from the provider) and lives as long as the state; even at
// every field's length limit it fits the browsers' 4096 bytes.
func TestStateCookieUnderHTTPS(t *testing.T) {
	t.Parallel()
	s := stateTestServer(t, "https://portvakt.example.se", NewRandomKeys())
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/login/sso/1", nil), rec)
	st := bigState()
	if err := s.keepState(c, st); err != nil {
		t.Fatal(err)
	}
	cks := rec.Result().Cookies()
	if len(cks) != 1 {
		t.Fatalf("%d cookies set, want 1", len(cks))
	}
	ck := cks[0]
	if !strings.HasPrefix(ck.Name, "__Host-pv_sso_") || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
		ck.Path != "/" || ck.Domain != "" || ck.MaxAge != int(oidcStateTTL.Seconds()) {
		t.Errorf("state cookie %s", ck)
	}
	if n := len(ck.Name) + len(ck.Value); n > 4000 {
		t.Errorf("state cookie of %d bytes, want it under the browsers' 4096", n)
	}
	got, err := s.openState(ck.Name, ck.Value)
	if err != nil || got.Issuer != st.Issuer || got.Verifier != st.Verifier || !got.CreatedAt.Equal(st.CreatedAt) {
		t.Errorf("opened %+v, %v", got, err)
	}
}

// TestStateSealedUnderItsOwnKey: a state sealed under one key file does not open under another,
// nor does a client secret sealed under the same key file open as a state.
func TestStateSealedUnderItsOwnKey(t *testing.T) {
	t.Parallel()
	keys := NewRandomKeys()
	s := stateTestServer(t, "http://127.0.0.1", keys)
	name := s.stateCookieName("x")
	value, err := s.sealState(name, bigState())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stateTestServer(t, "http://127.0.0.1", NewRandomKeys()).openState(name, value); err != errStateSealed {
		t.Errorf("opened under another key file: %v", err)
	}
	secret, err := s.sealSecret(`{"State":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.openState(name, base64.RawURLEncoding.EncodeToString(secret)); err != errStateSealed {
		t.Errorf("a sealed client secret opened as a state: %v", err)
	}
}
