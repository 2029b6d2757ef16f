package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sign-in methods recorded on a session.
const (
	MethodPassword = "password"
	MethodSSO      = "sso"
)

// NewSession describes a session to create at sign-in.
type NewSession struct {
	UserID    int64
	Method    string // MethodPassword or MethodSSO
	IdPID     int64  // the identity provider, for MethodSSO
	ClientIP  string
	UserAgent string
	// Replaces is the token of the session this browser had, which ends: what apps were given
	// from it moves to the new session when the same person signed in again, and ends when
	// someone else did.
	Replaces string
}

// Session is a signed-in browser, with the person as they are now in the database: their role
// and grant are read fresh on every request, so demotion and revocation act at once.
type Session struct {
	UserID       int64
	Method       string
	IdPID        int64
	CreatedAt    time.Time
	LastSeenAt   time.Time
	User         User
	AuthSettings bool // the person holds a grant to Authentication Settings
}

// CreateSession stores a new session and returns its secret token, which only the cookie keeps.
// A password session is refused with ErrPasswordLoginOff when password sign-in went off after
// the password was checked.
func (s *Store) CreateSession(ctx context.Context, ns NewSession) (string, error) {
	var token string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		token, err = s.insertSession(ctx, tx, ns)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: create session for user %d: %w", ns.UserID, err)
	}
	return token, nil
}

// insertSession creates a session inside tx and returns its token.
func (s *Store) insertSession(ctx context.Context, tx *sql.Tx, ns NewSession) (string, error) {
	if err := s.passwordStillOn(ctx, tx, ns.Method); err != nil {
		return "", err
	}
	token := NewToken()
	now := s.now()
	var idp any
	if ns.IdPID != 0 {
		idp = ns.IdPID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions
		(id_hash, user_id, method, idp_id, created_at, last_seen_at, client_ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, hashToken(token), ns.UserID, ns.Method, idp, now, now, ns.ClientIP, ns.UserAgent)
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	if ns.Replaces != "" {
		if err := s.replaceSession(ctx, tx, hashToken(ns.Replaces), hashToken(token), ns.UserID); err != nil {
			return "", err
		}
	}
	return token, nil
}

// replaceSession ends the session oldHash, which newHash replaces in the same browser. The grants
// and sign-ins in progress of apps move to the new session when it is the same person's, so
// that signing out later still reaches them; another person's end with the old session.
func (s *Store) replaceSession(ctx context.Context, tx *sql.Tx, oldHash, newHash string, userID int64) error {
	var owner int64
	err := tx.QueryRowContext(ctx, "SELECT user_id FROM sessions WHERE id_hash = ?", oldHash).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("replace session: %w", err)
	}
	if owner == userID {
		for _, q := range []string{"UPDATE op_grants SET session_hash = ? WHERE session_hash = ?",
			"UPDATE op_auth_requests SET session_hash = ? WHERE session_hash = ?"} {
			if _, err := tx.ExecContext(ctx, q, newHash, oldHash); err != nil {
				return fmt.Errorf("replace session: %w", err)
			}
		}
	} else if err := s.endAppGrants(ctx, tx, RevokedSignOut, "g.session_hash = ?", oldHash); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", oldHash); err != nil {
		return fmt.Errorf("replace session: %w", err)
	}
	return nil
}

// SessionByToken returns the session for a cookie token with its user, or ErrNotFound. While
// password sign-in is off, a password session is not found.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	row := s.read.QueryRowContext(ctx, `SELECT s.user_id, s.method, COALESCE(s.idp_id, 0), s.created_at, s.last_seen_at,
		u.id, u.email, u.name, u.email_verified, u.is_admin, u.password_hash != '', u.created_at, u.last_login_at, g.user_id IS NOT NULL
		FROM sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN auth_settings_grants g ON g.user_id = s.user_id
		WHERE s.id_hash = ? AND u.deactivated_at IS NULL AND (s.method != 'password' OR
			`+passwordLoginOnSQL+`)`, hashToken(token))
	var ss Session
	var created, seen int64
	var last sql.NullInt64
	var uc int64
	u := &ss.User
	err := row.Scan(&ss.UserID, &ss.Method, &ss.IdPID, &created, &seen,
		&u.ID, &u.Email, &u.Name, &u.EmailVerified, &u.IsAdmin, &u.HasPassword, &uc, &last, &ss.AuthSettings)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	ss.CreatedAt, ss.LastSeenAt = time.Unix(created, 0), time.Unix(seen, 0)
	u.CreatedAt, u.LastLoginAt = time.Unix(uc, 0), unixTime(last)
	return ss, nil
}

// TouchSession records activity on a session, which pushes back its idle expiry.
func (s *Store) TouchSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", s.now(), hashToken(token))
		if err != nil {
			return fmt.Errorf("store: touch session: %w", err)
		}
		return nil
	})
}

// DeleteSession ends one session that expired or is replaced at a new sign-in; what apps were
// given from it stays (SignOut ends both).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashToken(token)); err != nil {
			return fmt.Errorf("store: delete session: %w", err)
		}
		return nil
	})
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.endAppGrants(ctx, tx, RevokedSessionsEnded, "g.user_id = ?", userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
		}
		return nil
	})
}

// DeleteExpiredSessions removes sessions idle since before idleBefore or created before
// createdBefore, and returns how many went.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?", idleBefore.Unix(), createdBefore.Unix())
		if err != nil {
			return fmt.Errorf("store: delete expired sessions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
