package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Why grants were revoked, as op_grants and the back-channel logouts record it.
const (
	RevokedSignOut       = "sign_out"
	RevokedDeactivated   = "deactivated"
	RevokedDeleted       = "deleted"
	RevokedPasswordOff   = "password_off"
	RevokedSSOEnded      = "sso_session_ended"
	RevokedSessionsEnded = "sessions_ended"
	RevokedNotAllowed    = "not_allowed"
	RevokedRefreshReused = "refresh_reused"
	RevokedCodeReused    = "code_reused"
	RevokedByApp         = "revoked_by_app"
	RevokedSecretLeaked  = "secret_rotated_at_once"
)

// Back-channel logout delivery: attempts and backoff.
const (
	LogoutMaxAttempts = 8
	logoutFirstRetry  = 10 * time.Second
)

// endAppGrants revokes, inside tx, the live grants that match where (a condition on op_grants g)
// and queues a back-channel logout for every app with a back-channel URI and every session among
// them, so that the apps end their own sessions too. It is the one place grants end.
func (s *Store) endAppGrants(ctx context.Context, tx *sql.Tx, reason, where string, args ...any) error {
	now := s.now()
	queue := `INSERT INTO op_logouts (app_id, subject, sid, reason, created_at, next_at)
		SELECT DISTINCT g.app_id, u.subject, g.sid, ?, ?, ? FROM op_grants g
		JOIN applications a ON a.id = g.app_id AND a.backchannel_uri != ''
		JOIN users u ON u.id = g.user_id
		WHERE g.revoked_at IS NULL AND g.sid != '' AND (` + where + `)`
	if _, err := tx.ExecContext(ctx, queue, append([]any{reason, now, now}, args...)...); err != nil {
		return fmt.Errorf("store: queue back-channel logouts: %w", err)
	}
	revoke := `UPDATE op_grants SET revoked_at = ?, revoked_reason = ? WHERE revoked_at IS NULL AND id IN
		(SELECT g.id FROM op_grants g WHERE ` + where + `)`
	if _, err := tx.ExecContext(ctx, revoke, append([]any{now, reason}, args...)...); err != nil {
		return fmt.Errorf("store: revoke application grants: %w", err)
	}
	return nil
}

// revokeAppGrantsNotAllowed ends the grants of app that its settings no longer allow: all of
// them when it is disabled, otherwise those of people no longer on its list.
func (s *Store) revokeAppGrantsNotAllowed(ctx context.Context, tx *sql.Tx, app Application) error {
	if !app.Enabled {
		return s.endAppGrants(ctx, tx, RevokedNotAllowed, "g.app_id = ?", app.ID)
	}
	if app.Everyone {
		return nil
	}
	return s.endAppGrants(ctx, tx, RevokedNotAllowed, `g.app_id = ? AND g.user_id IS NOT NULL AND NOT EXISTS
		(SELECT 1 FROM application_people p WHERE p.app_id = g.app_id AND p.user_id = g.user_id)`, app.ID)
}

// SignOut ends the portvakt session token because its person signed out: what apps were given
// from it ends too, and apps with a back-channel URI are told.
func (s *Store) SignOut(ctx context.Context, token string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		hash := hashToken(token)
		if err := s.endAppGrants(ctx, tx, RevokedSignOut, "g.session_hash = ?", hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", hash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: sign out: %w", err)
	}
	return nil
}

// OPLogout is a back-channel logout to deliver to an app.
type OPLogout struct {
	ID             int64
	ClientID       string
	BackchannelURI string
	Subject        string
	SID            string
	Attempts       int
}

// DueOPLogouts returns up to limit back-channel logouts whose time to be sent has come.
func (s *Store) DueOPLogouts(ctx context.Context, limit int) ([]OPLogout, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT l.id, a.client_id, a.backchannel_uri, l.subject, l.sid, l.attempts
		FROM op_logouts l JOIN applications a ON a.id = l.app_id
		WHERE l.delivered_at IS NULL AND l.given_up_at IS NULL AND l.next_at <= ? AND a.backchannel_uri != ''
		ORDER BY l.next_at, l.id LIMIT ?`, s.now(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due back-channel logouts: %w", err)
	}
	defer rows.Close()
	var out []OPLogout
	for rows.Next() {
		var l OPLogout
		if err := rows.Scan(&l.ID, &l.ClientID, &l.BackchannelURI, &l.Subject, &l.SID, &l.Attempts); err != nil {
			return nil, fmt.Errorf("store: due back-channel logouts: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RecordOPLogout records a delivery attempt: delivered when failure is empty, otherwise retried
// with a doubling delay, and given up after LogoutMaxAttempts.
func (s *Store) RecordOPLogout(ctx context.Context, id int64, failure string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if failure == "" {
			_, err := tx.ExecContext(ctx, "UPDATE op_logouts SET attempts = attempts + 1, delivered_at = ?, last_error = '' WHERE id = ?", now, id)
			return err
		}
		var attempts int
		if err := tx.QueryRowContext(ctx, "SELECT attempts FROM op_logouts WHERE id = ?", id).Scan(&attempts); err != nil {
			return err
		}
		attempts++
		if attempts >= LogoutMaxAttempts {
			_, err := tx.ExecContext(ctx, "UPDATE op_logouts SET attempts = ?, given_up_at = ?, last_error = ? WHERE id = ?", attempts, now, clip(failure, 300), id)
			return err
		}
		next := now + int64((logoutFirstRetry<<(attempts-1))/time.Second)
		_, err := tx.ExecContext(ctx, "UPDATE op_logouts SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?", attempts, next, clip(failure, 300), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record back-channel logout %d: %w", id, err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// SweepOP removes what the provider no longer needs: sign-ins and codes past their expiry,
// expired access and refresh tokens, grants past their last token, and back-channel logouts
// delivered or given up a week ago.
func (s *Store) SweepOP(ctx context.Context) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"DELETE FROM op_auth_requests WHERE expires_at <= ? AND code_expires_at + 3600 <= ?", []any{now, now}},
			{"DELETE FROM op_access_tokens WHERE expires_at <= ?", []any{now}},
			{"DELETE FROM op_refresh_tokens WHERE expires_at <= ?", []any{now}},
			{"DELETE FROM op_grants WHERE expires_at + 3600 <= ?", []any{now}},
			{"DELETE FROM op_logouts WHERE COALESCE(delivered_at, given_up_at, ?) + 604800 <= ?", []any{now, now}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: sweep OpenID provider data: %w", err)
	}
	return nil
}
