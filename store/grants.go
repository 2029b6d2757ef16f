package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// GrantAuthSettings gives a user access to Authentication Settings. Granting twice is harmless.
func (s *Store) GrantAuthSettings(ctx context.Context, a Actor, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		email, err := emailOf(ctx, tx, userID)
		if err != nil {
			return err
		}
		var grantedBy any
		if a.UserID != 0 {
			grantedBy = a.UserID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO auth_settings_grants (user_id, granted_by, granted_at)
			VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, grantedBy, s.now())
		if err != nil {
			return fmt.Errorf("store: grant user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionGrantAdd, Target: email, Before: "no access", After: "access"})
	})
}

// emailOf returns a user's e-mail inside tx, or ErrNotFound.
func emailOf(ctx context.Context, tx *sql.Tx, userID int64) (string, error) {
	var email string
	err := tx.QueryRowContext(ctx, "SELECT email FROM users WHERE id = ?", userID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: user %d: %w", userID, err)
	}
	return email, nil
}
