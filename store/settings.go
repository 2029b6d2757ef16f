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
	on, err := passwordLoginOn(ctx, s.read)
	if err != nil || on {
		return on, err
	}
	if err := s.settleConfirmWindow(ctx); err != nil {
		return false, err
	}
	return passwordLoginOn(ctx, s.read)
}

// passwordLoginOnSQL is true in SQL when the built-in password provider is switched on. It is
// the one place that reads the setting: in Go through passwordLoginOn, inside a query as is.
const passwordLoginOnSQL = "(SELECT value FROM settings WHERE key = 'password_login') = 'on'"

// passwordLoginOn reads whether password sign-in is on through q: the reader pool, or the
// transaction whose rule depends on it, so that the answer cannot change before it commits.
func passwordLoginOn(ctx context.Context, q rowQuerier) (bool, error) {
	var on bool
	if err := q.QueryRowContext(ctx, "SELECT "+passwordLoginOnSQL).Scan(&on); err != nil {
		return false, fmt.Errorf("store: read password_login: %w", err)
	}
	return on, nil
}

// setPasswordLogin switches password sign-in on or off inside tx. The callers write the audit row.
func (s *Store) setPasswordLogin(ctx context.Context, tx *sql.Tx, on bool) error {
	if _, err := tx.ExecContext(ctx, "UPDATE settings SET value = ?, updated_at = ? WHERE key = 'password_login'", onOff(on), s.now()); err != nil {
		return fmt.Errorf("store: set password_login %s: %w", onOff(on), err)
	}
	return nil
}

// EnablePasswordLogin switches the built-in password provider on and writes the audit row. It
// is always allowed, since it can only open a way in: the page's "switch back on" and the
// host's break-glass (portvakt recover password-login) use it. Switching it off goes only
// through DisablePasswordLogin, which checks that nobody is locked out. A running confirmation
// window ends with it (flow 14).
func (s *Store) EnablePasswordLogin(ctx context.Context, a Actor) (was bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if was, err = passwordLoginOn(ctx, tx); err != nil {
			return err
		}
		if err := s.setPasswordLogin(ctx, tx, true); err != nil {
			return err
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
