package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Purposes of a started OpenID Connect sign-in.
const (
	PurposeLogin = "login"
	PurposeTest  = "test"
)

// OIDCState is a sign-in started at a provider, kept until its callback arrives.
type OIDCState struct {
	State       string // the secret sent to the provider; only its hash is stored
	Binding     string // the secret kept in the browser's cookie; only its hash is stored
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
}

// draftPurpose marks, in the purpose column, a test of a provider's draft.
const draftPurpose = "+draft"

func purposeColumn(st OIDCState) string {
	if st.Draft {
		return st.Purpose + draftPurpose
	}
	return st.Purpose
}

// SaveOIDCState stores a started sign-in for ttl; expired ones are swept on the way.
func (s *Store) SaveOIDCState(ctx context.Context, st OIDCState, ttl time.Duration) error {
	now := s.now()
	var user any
	if st.UserID != 0 {
		user = st.UserID
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM oidc_states WHERE expires_at < ?", now); err != nil {
			return fmt.Errorf("store: sweep sign-in states: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_states (state_hash, binding_hash, idp_id, revision, purpose,
			user_id, nonce, verifier, redirect_uri, issuer, client_id, next, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			hashToken(st.State), hashToken(st.Binding), st.IdPID, st.Revision, purposeColumn(st), user, st.Nonce,
			st.Verifier, st.RedirectURI, st.Issuer, st.ClientID, st.Next, now, now+int64(ttl.Seconds()))
		if err != nil {
			return fmt.Errorf("store: save sign-in state: %w", err)
		}
		return nil
	})
}

// TakeOIDCState returns and deletes the started sign-in for state, so that it is used once. A
// state that is unknown or belongs to another browser gives ErrNotFound (and stays, so that a
// stolen state cannot be burnt by someone else); an expired one gives ErrExpired.
func (s *Store) TakeOIDCState(ctx context.Context, state, binding string) (OIDCState, error) {
	var st OIDCState
	expired := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var bindingHash string
		var user sql.NullInt64
		var created, expires int64
		err := tx.QueryRowContext(ctx, `SELECT binding_hash, idp_id, revision, purpose, user_id, nonce, verifier,
			redirect_uri, issuer, client_id, next, created_at, expires_at FROM oidc_states WHERE state_hash = ?`,
			hashToken(state)).Scan(&bindingHash, &st.IdPID, &st.Revision, &st.Purpose, &user, &st.Nonce, &st.Verifier,
			&st.RedirectURI, &st.Issuer, &st.ClientID, &st.Next, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: sign-in state: %w", ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: sign-in state: %w", err)
		}
		if binding == "" || subtle.ConstantTimeCompare([]byte(hashToken(binding)), []byte(bindingHash)) != 1 {
			return fmt.Errorf("store: sign-in state of another browser: %w", ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM oidc_states WHERE state_hash = ?", hashToken(state)); err != nil {
			return fmt.Errorf("store: use sign-in state: %w", err)
		}
		// An expired state is deleted all the same: the transaction commits, then it is refused.
		expired = s.now() > expires
		st.State, st.Binding, st.UserID, st.CreatedAt = state, binding, user.Int64, time.Unix(created, 0)
		st.Purpose, st.Draft = strings.CutSuffix(st.Purpose, draftPurpose)
		return nil
	})
	if err != nil {
		return OIDCState{}, err
	}
	if expired {
		return OIDCState{}, fmt.Errorf("store: sign-in state: %w", ErrExpired)
	}
	return st, nil
}
