package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// refreshGrant finds the grant of a refresh token through q and reports whether the token was
// used before, more than RefreshReuseGrace ago (a replay: the caller revokes the family).
func (s *Store) refreshGrant(ctx context.Context, q rowQuerier, refresh string) (grant string, replay bool, err error) {
	var expires, used int64
	err = q.QueryRowContext(ctx, "SELECT grant_id, expires_at, used_at FROM op_refresh_tokens WHERE hash = ?",
		hashToken(refresh)).Scan(&grant, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, ErrTokenInvalid
	}
	if err != nil {
		return "", false, err
	}
	now := s.now()
	if used != 0 {
		if now-used > int64(RefreshReuseGrace/time.Second) {
			return grant, true, nil
		}
		// Used a moment ago: another tab of the same app, most likely. It is refused without
		// revoking the family, and gets no token of its own (which would fork the family beyond
		// the reach of reuse detection); the app reads the new token its other tab received.
		return "", false, ErrTokenInvalid
	}
	if now >= expires {
		return "", false, ErrTokenInvalid
	}
	return grant, false, nil
}

// OPRefreshGrant returns the grant a refresh token belongs to, if the token and the grant may
// still be used. A token used again after RefreshReuseGrace revokes its whole family (RFC 9700)
// and is refused with ErrTokenReused. RotateOPRefresh checks again in its own transaction.
func (s *Store) OPRefreshGrant(ctx context.Context, refresh string) (OPGrant, error) {
	var g OPGrant
	replayed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		g, replayed, err = s.liveRefreshGrant(ctx, tx, refresh)
		return err
	})
	if err == nil && replayed {
		err = ErrTokenReused
	}
	if err != nil {
		return OPGrant{}, fmt.Errorf("store: refresh token: %w", err)
	}
	return g, nil
}

// liveRefreshGrant returns, inside tx, the grant of a refresh token that may still be used. A
// token replayed after RefreshReuseGrace revokes its family and reports replayed.
func (s *Store) liveRefreshGrant(ctx context.Context, tx *sql.Tx, refresh string) (g OPGrant, replayed bool, err error) {
	grant, replay, err := s.refreshGrant(ctx, tx, refresh)
	if err != nil {
		return OPGrant{}, false, err
	}
	if replay {
		return OPGrant{}, true, s.revokeReplayed(ctx, tx, grant)
	}
	g, err = usableGrant(ctx, tx, grant)
	return g, false, err
}

// revokeReplayed revokes the family of a refresh token presented again, and says so in the
// audit log.
func (s *Store) revokeReplayed(ctx context.Context, tx *sql.Tx, grant string) error {
	g, err := scanOPGrant(tx.QueryRowContext(ctx, "SELECT "+opGrantColumns+opGrantFrom+"WHERE g.id = ?", grant))
	if err != nil {
		return err
	}
	if err := s.endAppGrants(ctx, tx, RevokedRefreshReused, "g.id = ?", grant); err != nil {
		return err
	}
	return s.audit(ctx, tx, Actor{UserID: g.UserID, Label: "app:" + g.ClientID}, AuditEntry{Action: ActionAppTokenReuse,
		Target: g.AppName, Detail: "refresh token family revoked"})
}

// RotateOPRefresh exchanges a refresh token of clientID for a new one and an access token, in
// one transaction that checks that the grant may still be used (the person is still allowed on
// the app, a password-born grant only while password sign-in is on). A token used again after
// RefreshReuseGrace revokes its whole family (RFC 9700) and is refused with ErrTokenReused.
func (s *Store) RotateOPRefresh(ctx context.Context, clientID, refresh string) (OPIssued, error) {
	var out OPIssued
	replayed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		g, replay, err := s.liveRefreshGrant(ctx, tx, refresh)
		if err != nil || replay {
			replayed = replay
			return err
		}
		if g.ClientID != clientID {
			return ErrTokenInvalid
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE op_refresh_tokens SET used_at = ? WHERE hash = ? AND used_at = 0", now, hashToken(refresh)); err != nil {
			return err
		}
		access, ttl, err := appTTLs(ctx, tx, g.AppID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE op_grants SET expires_at = MAX(expires_at, ?) WHERE id = ?", now+ttl, g.ID); err != nil {
			return err
		}
		out, err = s.issueUnder(ctx, tx, g.ID, access, ttl, true)
		return err
	})
	if err == nil && replayed {
		err = ErrTokenReused
	}
	if err != nil {
		return OPIssued{}, fmt.Errorf("store: rotate refresh token: %w", err)
	}
	return out, nil
}

// RevokeOPRefresh ends the family of a refresh token of clientID: the grant, its refresh tokens
// and its access tokens (RFC 7009 2.1). Unknown tokens are not an error.
func (s *Store) RevokeOPRefresh(ctx context.Context, clientID, refresh string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var grant string
		err := tx.QueryRowContext(ctx, `SELECT r.grant_id FROM op_refresh_tokens r JOIN op_grants g ON g.id = r.grant_id
			JOIN applications a ON a.id = g.app_id WHERE r.hash = ? AND a.client_id = ?`, hashToken(refresh), clientID).Scan(&grant)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.endAppGrants(ctx, tx, RevokedByApp, "g.id = ?", grant)
	})
	if err != nil {
		return fmt.Errorf("store: revoke refresh token: %w", err)
	}
	return nil
}

// OPRefreshSubject tells whether refresh is a refresh token of clientID, and whose.
func (s *Store) OPRefreshSubject(ctx context.Context, clientID, refresh string) (subject string, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT COALESCE(u.subject, a.client_id) FROM op_refresh_tokens r
		JOIN op_grants g ON g.id = r.grant_id JOIN applications a ON a.id = g.app_id LEFT JOIN users u ON u.id = g.user_id
		WHERE r.hash = ? AND a.client_id = ?`, hashToken(refresh), clientID).Scan(&subject)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: refresh token: %w", ErrTokenInvalid)
	}
	if err != nil {
		return "", fmt.Errorf("store: refresh token: %w", err)
	}
	return subject, nil
}
