package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Commit-confirmed password OFF (DESIGN.md, flow 14). DisablePasswordLogin opens a confirmation
// window. Someone with Authentication Settings access confirms it from an SSO session begun
// after the switch, which proves that SSO still works; otherwise password sign-in comes back on
// by itself once the deadline passes. The deadline is stored, and every read of the password
// policy for a sign-in applies an overdue revert first (settleConfirmWindow, revertIfDue), so a
// restart or a stopped background loop can never leave the deadline passed and password off.

// DefaultConfirmWindow is how long a switch-off waits for its confirmation.
const DefaultConfirmWindow = 10 * time.Minute

// The states of a confirmation window.
const (
	windowOpen      = "open"
	windowConfirmed = "confirmed"
	windowReverted  = "reverted"
	windowCleared   = "cleared"
)

// ConfirmWindow is a running confirmation window.
type ConfirmWindow struct {
	ID         int64
	SwitchedAt time.Time
	Deadline   time.Time
	Length     time.Duration
	SwitchedBy string // the switcher's name, "" when the account is gone
}

// ConfirmRefusal says why a confirmation was refused.
type ConfirmRefusal string

// The reasons a confirmation is refused.
const (
	ConfirmNoWindow     ConfirmRefusal = "no_window"     // nothing to confirm: confirmed, reverted or switched on already
	ConfirmTooLate      ConfirmRefusal = "too_late"      // the deadline passed; password sign-in is back on
	ConfirmNoAccess     ConfirmRefusal = "no_access"     // the person has no Authentication Settings access
	ConfirmNotSSO       ConfirmRefusal = "not_sso"       // the session did not come from an SSO sign-in
	ConfirmBeforeSwitch ConfirmRefusal = "before_switch" // the SSO sign-in began before the switch
	ConfirmNoSession    ConfirmRefusal = "no_session"    // no session at all
)

// ConfirmRefusals lists every reason a confirmation is refused, for the texts that explain them.
var ConfirmRefusals = []ConfirmRefusal{ConfirmNoWindow, ConfirmTooLate, ConfirmNoAccess, ConfirmNotSSO, ConfirmBeforeSwitch, ConfirmNoSession}

// ConfirmError is the refusal of ConfirmPasswordOff.
type ConfirmError struct {
	Reason ConfirmRefusal
}

// Error names the reason.
func (e *ConfirmError) Error() string {
	return "store: password OFF not confirmed: " + string(e.Reason)
}

// windowText is the window's length as the audit log words it: "10 minutes", "90 seconds".
func windowText(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		if d == time.Minute {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return fmt.Sprintf("%d seconds", d/time.Second)
}

// openConfirmWindow starts the window inside the transaction that switches password sign-in off.
func (s *Store) openConfirmWindow(ctx context.Context, tx *sql.Tx, a Actor, length time.Duration) (time.Time, error) {
	if length <= 0 {
		length = DefaultConfirmWindow
	}
	now := s.Now()
	deadline := now.Add(length)
	var by any
	if a.UserID != 0 {
		by = a.UserID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO password_off_windows (switched_at, switched_by, deadline, window_seconds)
		VALUES (?, ?, ?, ?)`, now.Unix(), by, deadline.Unix(), int64(length/time.Second))
	if err != nil {
		return time.Time{}, fmt.Errorf("store: open confirmation window: %w", err)
	}
	return deadline, nil
}

// closeConfirmWindow ends a running window as cleared, when password sign-in is switched on by
// hand or with the break-glass. It reports whether one was running.
func (s *Store) closeConfirmWindow(ctx context.Context, tx *sql.Tx, a Actor) (bool, error) {
	var by any
	if a.UserID != 0 {
		by = a.UserID
	}
	res, err := tx.ExecContext(ctx, "UPDATE password_off_windows SET state = ?, closed_at = ?, closed_by = ? WHERE state = ?",
		windowCleared, s.now(), by, windowOpen)
	if err != nil {
		return false, fmt.Errorf("store: clear confirmation window: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: clear confirmation window: %w", err)
	}
	return n > 0, nil
}

// PasswordConfirmWindow returns the running confirmation window, and false when none runs. An
// overdue window is reverted first, so it is never returned. Every page reads it (the banner),
// so the state is written into the query: a bound value compared with the partial index on
// open windows makes SQLite prepare the statement again on every run.
func (s *Store) PasswordConfirmWindow(ctx context.Context) (ConfirmWindow, bool, error) {
	var w ConfirmWindow
	var at, deadline, secs int64
	err := s.read.QueryRowContext(ctx, `SELECT w.id, w.switched_at, w.deadline, w.window_seconds, COALESCE(u.name, '')
		FROM password_off_windows w LEFT JOIN users u ON u.id = w.switched_by WHERE w.state = '`+windowOpen+`'`).
		Scan(&w.ID, &at, &deadline, &secs, &w.SwitchedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return ConfirmWindow{}, false, nil
	}
	if err != nil {
		return ConfirmWindow{}, false, fmt.Errorf("store: read confirmation window: %w", err)
	}
	w.SwitchedAt, w.Deadline, w.Length = time.Unix(at, 0), time.Unix(deadline, 0), time.Duration(secs)*time.Second
	if deadline <= s.now() {
		// Overdue: password sign-in comes back on now, as everywhere the policy is read.
		_, err := s.RevertExpiredPasswordOff(ctx)
		return ConfirmWindow{}, false, err
	}
	return w, true, nil
}

// settleConfirmWindow reverts an overdue, unconfirmed window. It costs one read when nothing is
// due, so that it can run wherever the password policy is read.
func (s *Store) settleConfirmWindow(ctx context.Context) error {
	var due int
	err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM password_off_windows WHERE state = '"+windowOpen+"' AND deadline <= ?",
		s.now()).Scan(&due)
	if err != nil {
		return fmt.Errorf("store: read confirmation window: %w", err)
	}
	if due == 0 {
		return nil
	}
	_, err = s.RevertExpiredPasswordOff(ctx)
	return err
}

// RevertExpiredPasswordOff switches password sign-in back on when the confirmation window's
// deadline has passed unconfirmed, in one transaction with the audit row. It reports whether it
// did; the background loop then mails the switcher (RevertMailsDue).
func (s *Store) RevertExpiredPasswordOff(ctx context.Context) (bool, error) {
	var reverted bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		reverted, err = s.revertIfDue(ctx, tx)
		return err
	})
	return reverted, err
}

// revertIfDue is RevertExpiredPasswordOff inside tx, which may be the transaction of a sign-in.
func (s *Store) revertIfDue(ctx context.Context, tx *sql.Tx) (bool, error) {
	var id, secs int64
	err := tx.QueryRowContext(ctx, "SELECT id, window_seconds FROM password_off_windows WHERE state = ? AND deadline <= ?",
		windowOpen, s.now()).Scan(&id, &secs)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read confirmation window: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE password_off_windows SET state = ?, closed_at = ? WHERE id = ?", windowReverted, s.now(), id); err != nil {
		return false, fmt.Errorf("store: revert password OFF: %w", err)
	}
	was, err := passwordLoginOn(ctx, tx)
	if err != nil {
		return false, err
	}
	if err := s.setPasswordLogin(ctx, tx, true); err != nil {
		return false, err
	}
	detail := "not confirmed within " + windowText(time.Duration(secs)*time.Second)
	return true, s.audit(ctx, tx, SystemActor, AuditEntry{Action: ActionPasswordLogin, Target: "password", Before: onOff(was), After: "on", Detail: detail})
}

// ConfirmPasswordOff ends the confirmation window, keeping password sign-in off. The session of
// sessionToken must belong to a person with Authentication Settings access and come from an SSO
// sign-in begun after the switch: that sign-in proves SSO works now. Everything is checked in the
// confirming transaction. A refusal is a *ConfirmError; ConfirmTooLate when the deadline passed,
// in which case password sign-in is back on when it returns.
func (s *Store) ConfirmPasswordOff(ctx context.Context, a Actor, sessionToken string) error {
	var refusal ConfirmRefusal
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		reverted, err := s.revertIfDue(ctx, tx)
		if err != nil {
			return err
		}
		if reverted {
			refusal = ConfirmTooLate
			return nil // the revert is committed
		}
		var id, switchedAt, deadline int64
		err = tx.QueryRowContext(ctx, "SELECT id, switched_at, deadline FROM password_off_windows WHERE state = ?", windowOpen).
			Scan(&id, &switchedAt, &deadline)
		if errors.Is(err, sql.ErrNoRows) {
			return &ConfirmError{Reason: ConfirmNoWindow}
		}
		if err != nil {
			return fmt.Errorf("store: read confirmation window: %w", err)
		}
		var method string
		var created int64
		var granted bool
		err = tx.QueryRowContext(ctx, `SELECT s.method, s.created_at, EXISTS (SELECT 1 FROM auth_settings_grants g WHERE g.user_id = s.user_id)
			FROM sessions s WHERE s.id_hash = ?`, hashToken(sessionToken)).Scan(&method, &created, &granted)
		switch {
		case errors.Is(err, sql.ErrNoRows) || sessionToken == "":
			return &ConfirmError{Reason: ConfirmNoSession}
		case err != nil:
			return fmt.Errorf("store: read session: %w", err)
		case !granted:
			return &ConfirmError{Reason: ConfirmNoAccess}
		case method != MethodSSO:
			return &ConfirmError{Reason: ConfirmNotSSO}
		case created <= switchedAt:
			return &ConfirmError{Reason: ConfirmBeforeSwitch}
		}
		var by any
		if a.UserID != 0 {
			by = a.UserID
		}
		if _, err := tx.ExecContext(ctx, "UPDATE password_off_windows SET state = ?, closed_at = ?, closed_by = ? WHERE id = ?",
			windowConfirmed, s.now(), by, id); err != nil {
			return fmt.Errorf("store: confirm password OFF: %w", err)
		}
		detail := fmt.Sprintf("confirmed from an SSO sign-in at %s, %d seconds before the deadline",
			time.Unix(created, 0).UTC().Format(time.RFC3339), deadline-s.now())
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionPasswordLoginConfirmed, Target: "password", Before: "unconfirmed", After: "confirmed", Detail: detail})
	})
	if err != nil {
		return err
	}
	if refusal != "" {
		return &ConfirmError{Reason: refusal}
	}
	return nil
}

// RevertedWindow is a window that ran out, whose switcher has not been told yet.
type RevertedWindow struct {
	ID         int64
	SwitchedAt time.Time
	RevertedAt time.Time
	Length     time.Duration
	UserID     int64  // the switcher, 0 when the account is gone
	Email      string // the switcher's
	Name       string
	Lang       string
}

// RevertMailsDue lists the reverted windows whose switcher has not been mailed yet.
func (s *Store) RevertMailsDue(ctx context.Context) ([]RevertedWindow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT w.id, w.switched_at, COALESCE(w.closed_at, 0), w.window_seconds,
		COALESCE(u.id, 0), COALESCE(u.email, ''), COALESCE(u.name, ''), COALESCE(u.lang, '')
		FROM password_off_windows w LEFT JOIN users u ON u.id = w.switched_by
		WHERE w.state = ? AND w.mailed_at IS NULL ORDER BY w.id`, windowReverted)
	if err != nil {
		return nil, fmt.Errorf("store: reverted windows: %w", err)
	}
	defer rows.Close()
	var out []RevertedWindow
	for rows.Next() {
		var w RevertedWindow
		var at, closed, secs int64
		if err := rows.Scan(&w.ID, &at, &closed, &secs, &w.UserID, &w.Email, &w.Name, &w.Lang); err != nil {
			return nil, fmt.Errorf("store: reverted windows: %w", err)
		}
		w.SwitchedAt, w.RevertedAt, w.Length = time.Unix(at, 0), time.Unix(closed, 0), time.Duration(secs)*time.Second
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reverted windows: %w", err)
	}
	return out, nil
}

// QueueRevertMail puts the mail about reverted window id in the outbox and marks the window as
// mailed, in one transaction, so the switcher is told once. It returns the mail's id, or 0 when
// the window was mailed already or m has no recipient (the switcher's account is gone).
func (s *Store) QueueRevertMail(ctx context.Context, id int64, m NewMail) (int64, error) {
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE password_off_windows SET mailed_at = ? WHERE id = ? AND state = ? AND mailed_at IS NULL",
			s.now(), id, windowReverted)
		if err != nil {
			return fmt.Errorf("store: mark revert mailed: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if m.To == "" {
			return nil
		}
		mailID, err = s.insertMail(ctx, tx, m)
		return err
	})
	return mailID, err
}
