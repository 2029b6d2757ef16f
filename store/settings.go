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

// EnablePasswordLogin switches the built-in password provider on and writes the audit row. It
// is always allowed, since it can only open a way in: the page's "switch back on" and the
// host's break-glass (portvakt recover password-login) use it. Switching it off goes only
// through DisablePasswordLogin, which checks that nobody is locked out.
func (s *Store) EnablePasswordLogin(ctx context.Context, a Actor) (was bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var v string
		if err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'password_login'").Scan(&v); err != nil {
			return fmt.Errorf("store: read password_login: %w", err)
		}
		was = v == "on"
		if _, err := tx.ExecContext(ctx, "UPDATE settings SET value = 'on', updated_at = ? WHERE key = 'password_login'", s.now()); err != nil {
			return fmt.Errorf("store: set password_login: %w", err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: "policy.password_login", Target: "password", Before: onOff(was), After: "on"})
	})
	return was, err
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
