package handlers

import (
	"cmp"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
)

// A started sign-in waits for its callback in the browser that started it, not in the
// database: its state, nonce, PKCE verifier and the rest travel sealed (AES-256-GCM) in a
// cookie of their own, so that an anonymous request to start a sign-in writes nothing. The
// callback opens the cookie named after its state; single use is enforced there by a record of
// the used state, written only for a cookie that opened, that is, for a sign-in portvakt really
// started.
//
// Each started sign-in has its own cookie, named by a short hash of its state, so that sign-ins
// started in parallel tabs do not overwrite one another: each callback finds its own. A browser
// keeps at most maxPendingSignIns of them; starting one more drops the oldest, since every
// cookie costs about a kilobyte on every request and proxies refuse oversized headers.

// stateCookiePrefix starts the name of every sealed state cookie (after __Host- under https).
const stateCookiePrefix = "pv_sso_"

// maxPendingSignIns is how many started sign-ins one browser keeps waiting at once.
const maxPendingSignIns = 4

// stateKeyPurpose derives the sealing key from the secrets key, so that the key serves one
// purpose only and a sealed state cannot be passed off as a client secret or a mail.
const stateKeyPurpose = "portvakt sso state v1"

// Why a callback's state is refused; the audit log gets the text.
var (
	errStateUnknown  = errors.New("state unknown, already used or started in another browser")
	errStateSealed   = errors.New("state cookie does not open: altered, or sealed under another key file")
	errStateMismatch = errors.New("state does not match its cookie")
	errStateBrowser  = errors.New("state started in another browser")
	errStateExpired  = errors.New("state expired")
	errStateUsed     = errors.New("state already used")
)

// stateCookieName is the name of the cookie that holds the sign-in started with state.
func (s *Server) stateCookieName(state string) string {
	sum := sha256.Sum256([]byte(state))
	name := stateCookiePrefix + hex.EncodeToString(sum[:6])
	if s.secure {
		name = "__Host-" + name // bound to this exact origin, https only
	}
	return name
}

func (s *Server) isStateCookie(name string) bool {
	if s.secure {
		return strings.HasPrefix(name, "__Host-"+stateCookiePrefix)
	}
	return strings.HasPrefix(name, stateCookiePrefix)
}

func (s *Server) stateAEAD() (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, s.cfg.Keys.Secrets[:])
	mac.Write([]byte(stateKeyPurpose))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("handlers: state key: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealState encrypts st for the cookie called name; the name is authenticated with it, so a
// sealed state cannot be moved to another cookie.
func (s *Server) sealState(name string, st store.OIDCState) (string, error) {
	aead, err := s.stateAEAD()
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("handlers: seal state: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte(stateKeyPurpose+" "+name))), nil
}

// openState decrypts a value made by sealState for the cookie called name.
func (s *Server) openState(name, value string) (store.OIDCState, error) {
	aead, err := s.stateAEAD()
	if err != nil {
		return store.OIDCState{}, err
	}
	sealed, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(sealed) < aead.NonceSize() {
		return store.OIDCState{}, errStateSealed
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(stateKeyPurpose+" "+name))
	if err != nil {
		return store.OIDCState{}, errStateSealed
	}
	var st store.OIDCState
	if err := json.Unmarshal(plain, &st); err != nil {
		return store.OIDCState{}, errStateSealed
	}
	return st, nil
}

// stateCookie makes the cookie for name with value; maxAge < 0 deletes it.
func (s *Server) stateCookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// keepState seals st into its own cookie, first dropping the oldest waiting sign-ins of this
// browser (and any cookie that does not open) so that at most maxPendingSignIns remain.
func (s *Server) keepState(c echo.Context, st store.OIDCState) error {
	type pending struct {
		name  string
		order int64 // creation time; -1 for a cookie that does not open
	}
	var waiting []pending
	for _, ck := range c.Request().Cookies() {
		if !s.isStateCookie(ck.Name) {
			continue
		}
		p := pending{name: ck.Name, order: -1}
		if old, err := s.openState(ck.Name, ck.Value); err == nil {
			p.order = old.CreatedAt.UnixNano()
		}
		waiting = append(waiting, p)
	}
	slices.SortFunc(waiting, func(a, b pending) int { return cmp.Compare(a.order, b.order) })
	for len(waiting) >= maxPendingSignIns || len(waiting) > 0 && waiting[0].order < 0 {
		c.SetCookie(s.stateCookie(waiting[0].name, "", -1))
		waiting = waiting[1:]
	}
	name := s.stateCookieName(st.State)
	value, err := s.sealState(name, st)
	if err != nil {
		return err
	}
	c.SetCookie(s.stateCookie(name, value, int(oidcStateTTL.Seconds())))
	return nil
}

// takeState returns the started sign-in for state and uses it up. It must come from this
// browser's cookie, open under portvakt's key, match the state, be bound to this browser's
// session cookie and be unexpired; then it is recorded as used, once. A refusal is one of the
// errState errors; any other error is the store's.
//
// The record is a transaction of its own, before the code is redeemed at the provider, and not
// part of the one that acts on the answer (store.SignInSSO, store.FinishSSOTest): a transaction
// cannot wait on the provider, and the state must be spent before its code is, so that of two
// callbacks with one state only one goes on to the provider.
func (s *Server) takeState(c echo.Context, state string) (store.OIDCState, error) {
	name := s.stateCookieName(state)
	ck, err := c.Cookie(name)
	if err != nil || state == "" {
		return store.OIDCState{}, errStateUnknown
	}
	c.SetCookie(s.stateCookie(name, "", -1)) // whatever happens next, this state is done with
	st, err := s.openState(name, ck.Value)
	if err != nil {
		return store.OIDCState{}, err
	}
	if subtle.ConstantTimeCompare([]byte(st.State), []byte(state)) != 1 {
		return store.OIDCState{}, errStateMismatch
	}
	binding, _ := cookie(c).Values[keyOIDCBinding].(string)
	if binding == "" || subtle.ConstantTimeCompare([]byte(st.Binding), []byte(binding)) != 1 {
		return store.OIDCState{}, errStateBrowser
	}
	expires := st.CreatedAt.Add(oidcStateTTL)
	if s.store.Now().After(expires) {
		return store.OIDCState{}, errStateExpired
	}
	err = s.store.UseOIDCState(c.Request().Context(), state, expires)
	if errors.Is(err, store.ErrExpired) {
		return store.OIDCState{}, errStateUsed
	}
	if err != nil {
		return store.OIDCState{}, err
	}
	return st, nil
}

// isStateRefusal reports whether err is a refused state rather than a failure of the server.
func isStateRefusal(err error) bool {
	for _, e := range []error{errStateUnknown, errStateSealed, errStateMismatch, errStateBrowser, errStateExpired, errStateUsed} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
