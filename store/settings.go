package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// setting reads one instance-wide setting.
func (s *Store) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: setting %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %q: %w", key, err)
	}
	return v, nil
}

// PasswordLoginEnabled reports whether the built-in password provider is switched on.
func (s *Store) PasswordLoginEnabled(ctx context.Context) (bool, error) {
	v, err := s.setting(ctx, "password_login")
	if err != nil {
		return false, err
	}
	return v == "on", nil
}

// SetPasswordLogin switches the built-in password provider on or off and writes the audit row.
// Switching it off is guarded by the caller's checks (see DESIGN.md, flow 9); switching it on is
// always allowed, since it can only open a way in.
func (s *Store) SetPasswordLogin(ctx context.Context, a Actor, on bool) (was bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var v string
		if err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'password_login'").Scan(&v); err != nil {
			return fmt.Errorf("store: read password_login: %w", err)
		}
		was = v == "on"
		if _, err := tx.ExecContext(ctx, "UPDATE settings SET value = ?, updated_at = ? WHERE key = 'password_login'", onOff(on), s.now()); err != nil {
			return fmt.Errorf("store: set password_login: %w", err)
		}
		e := AuditEntry{Action: "policy.password_login", Target: "password", Before: onOff(was), After: onOff(on)}
		if !on {
			// Password sessions end with the switch (ASVS 6.3.4); SessionByToken also refuses
			// any made by a sign-in that raced it.
			res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE method = ?", MethodPassword)
			if err != nil {
				return fmt.Errorf("store: end password sessions: %w", err)
			}
			n, _ := res.RowsAffected()
			e.Detail = fmt.Sprintf("%d password sessions ended", n)
		}
		return s.audit(ctx, tx, a, e)
	})
	return was, err
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
