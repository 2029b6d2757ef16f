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

// PasswordLoginEnabled reports whether the built-in password provider is switched on. A
// switch-off whose confirmation window ran out unconfirmed is reverted first (flow 14), so that
// the sign-in pages never see password sign-in off past the deadline.
func (s *Store) PasswordLoginEnabled(ctx context.Context) (bool, error) {
	v, err := s.setting(ctx, "password_login")
	if err != nil || v == "on" {
		return v == "on", err
	}
	if err := s.settleConfirmWindow(ctx); err != nil {
		return false, err
	}
	v, err = s.setting(ctx, "password_login")
	return v == "on", err
}

// EnablePasswordLogin switches the built-in password provider on and writes the audit row. It
// is always allowed, since it can only open a way in: the page's "switch back on" and the
// host's break-glass (portvakt recover password-login) use it. Switching it off goes only
// through DisablePasswordLogin, which checks that nobody is locked out. A running confirmation
// window ends with it (flow 14).
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
		cleared, err := s.closeConfirmWindow(ctx, tx, a)
		if err != nil {
			return err
		}
		e := AuditEntry{Action: ActionPasswordLogin, Target: "password", Before: onOff(was), After: "on"}
		if cleared {
			e.Detail = "switched on before the confirmation window ended; the window is cleared"
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
