package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// NewSetupToken creates a one-time link token for creating the first administrator.
func (s *Store) NewSetupToken(ctx context.Context, ttl time.Duration) (string, error) {
	token := NewToken()
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
			hashToken(token), now, now+int64(ttl/time.Second))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: new setup token: %w", err)
	}
	return token, nil
}

// CheckSetupToken returns nil when token is an unused, unexpired setup token and no administrator
// exists yet; ErrExpired otherwise.
func (s *Store) CheckSetupToken(ctx context.Context, token string) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: check setup token: %w", err)
	}
	defer tx.Rollback()
	return s.checkSetupToken(ctx, tx, token)
}

func (s *Store) checkSetupToken(ctx context.Context, tx *sql.Tx, token string) error {
	var expires int64
	var used sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT expires_at, used_at FROM setup_tokens WHERE token_hash = ?", hashToken(token)).Scan(&expires, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (used.Valid || expires < s.now())) {
		return fmt.Errorf("store: setup token: %w", ErrExpired)
	}
	if err != nil {
		return fmt.Errorf("store: setup token: %w", err)
	}
	var admins int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE is_admin = 1").Scan(&admins); err != nil {
		return fmt.Errorf("store: setup token: %w", err)
	}
	if admins > 0 {
		return fmt.Errorf("store: setup token: an administrator exists: %w", ErrExpired)
	}
	return nil
}

// CompleteSetup uses a setup token to create the first administrator, in one transaction, so two
// browsers racing with the same link cannot both succeed.
func (s *Store) CompleteSetup(ctx context.Context, a Actor, token string, nu NewUser) (User, error) {
	nu.Admin = true
	var u User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkSetupToken(ctx, tx, token); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE setup_tokens SET used_at = ? WHERE token_hash = ?", s.now(), hashToken(token)); err != nil {
			return fmt.Errorf("store: use setup token: %w", err)
		}
		a.Label = nu.Email
		var err error
		if u, err = s.createUser(ctx, tx, a, nu); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionSetupComplete, Target: nu.Email})
	})
	return u, err
}
