package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Purposes of a started OpenID Connect sign-in.
const (
	PurposeLogin = "login"
	PurposeTest  = "test"
)

// OIDCState is a sign-in started at a provider, kept until its callback arrives. It is not
// stored here: the web layer seals it into a cookie of the browser that started the sign-in.
// The store only records which states have been used (UseOIDCState).
type OIDCState struct {
	State       string // the secret sent to the provider
	Binding     string // the secret kept in the browser's session cookie
	IdPID       int64
	Revision    int64
	Purpose     string
	UserID      int64 // who started a test sign-in
	Draft       bool  // a test of the provider's draft; Revision is then the draft's
	Nonce       string
	Verifier    string
	RedirectURI string
	Issuer      string
	ClientID    string
	Next        string
	CreatedAt   time.Time
	AskedNewAt  time.Time `json:",omitzero"`  // a new sign-in was asked of the provider then (zero: an ordinary one)
	Reauth      string    `json:",omitempty"` // the app sign-in that waited for a new sign-in at the start, if any
}

// UseOIDCState records that state has been used, keeping the record until expires, after which
// the state is refused as expired anyway. A state already recorded gives ErrExpired ("expired or
// used"). Records past their expiry are swept on the way, so the table holds at most the states
// used within one lifetime.
//
// It is its own transaction, written before the callback redeems the code at the provider: no
// transaction spans that network call, and a state spent first lets only one of two callbacks
// with it reach the provider. What the answer leads to is another transaction (SignInSSO,
// FinishSSOTest), which reads every rule again.
func (s *Store) UseOIDCState(ctx context.Context, state string, expires time.Time) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM oidc_used_states WHERE expires_at < ?", now); err != nil {
			return fmt.Errorf("store: sweep used sign-in states: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO oidc_used_states (state_hash, expires_at) VALUES (?, ?)
			ON CONFLICT (state_hash) DO NOTHING`, hashToken(state), expires.Unix())
		if err != nil {
			return fmt.Errorf("store: use sign-in state: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: use sign-in state: %w", err)
		} else if n == 0 {
			return fmt.Errorf("store: sign-in state already used: %w", ErrExpired)
		}
		return nil
	})
}

// PurposeLink is a person linking their own identity from their profile (DESIGN.md flow 13).
const PurposeLink = "link"
