package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Link ties a portvakt user to an external identity: issuer and subject, never the e-mail.
type Link struct {
	UserID   int64
	IdPID    int64
	Issuer   string
	Subject  string
	LinkedAt time.Time
	BySelf   bool // made by the person from their own session, not by a sign-in
}

// LinkOfUser returns the user's SSO link, or ErrNotFound when there is none.
func (s *Store) LinkOfUser(ctx context.Context, userID int64) (Link, error) {
	l, err := s.link(ctx, "user_id = ?", userID)
	if err != nil {
		return Link{}, fmt.Errorf("store: link of user %d: %w", userID, err)
	}
	return l, nil
}

// LinkByIdentity returns the link of an external identity (issuer, subject), or ErrNotFound.
// After the first sign-in, this is the only way an SSO identity finds its user: never the e-mail.
func (s *Store) LinkByIdentity(ctx context.Context, issuer, subject string) (Link, error) {
	l, err := s.link(ctx, "issuer = ? AND subject = ?", issuer, subject)
	if err != nil {
		return Link{}, fmt.Errorf("store: link of %s %q: %w", issuer, subject, err)
	}
	return l, nil
}

// link reads the one link matching where, or ErrNotFound.
func (s *Store) link(ctx context.Context, where string, args ...any) (Link, error) {
	var l Link
	var idp sql.NullInt64
	var at int64
	err := s.read.QueryRowContext(ctx, `SELECT user_id, idp_id, issuer, subject, linked_at, by_self
		FROM identity_links WHERE `+where, args...).Scan(&l.UserID, &idp, &l.Issuer, &l.Subject, &at, &l.BySelf)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, ErrNotFound
	}
	if err != nil {
		return Link{}, err
	}
	l.IdPID, l.LinkedAt = idp.Int64, time.Unix(at, 0)
	return l, nil
}

// CreateLink ties a user to an external identity. A user who already has a link, or an identity
// already linked, gives ErrConflict.
func (s *Store) CreateLink(ctx context.Context, a Actor, l Link) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		email, err := emailOf(ctx, tx, l.UserID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO identity_links (user_id, idp_id, issuer, subject, linked_at)
			VALUES (?, ?, ?, ?, ?)`, l.UserID, l.IdPID, l.Issuer, l.Subject, s.now())
		if isUniqueViolation(err) {
			return fmt.Errorf("store: link user %d: %w", l.UserID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: link user %d: %w", l.UserID, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionLinkCreate, Target: email,
			After: fmt.Sprintf("issuer=%q subject=%q", l.Issuer, l.Subject)})
	})
}

// RemoveLink removes a user's SSO link and ends the user's SSO sessions, which came through it;
// the next SSO sign-in links again by verified e-mail. A user without a link gives ErrNotFound.
// While password sign-in is off, the link of an administrator or Authentication Settings user
// stays (ErrLocksOutPrivileged): a sign-in would not link them again.
func (s *Store) RemoveLink(ctx context.Context, a Actor, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		email, err := emailOf(ctx, tx, userID)
		if err != nil {
			return err
		}
		var issuer, subject string
		err = tx.QueryRowContext(ctx, "SELECT issuer, subject FROM identity_links WHERE user_id = ?", userID).Scan(&issuer, &subject)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: remove link of user %d: %w", userID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: remove link of user %d: %w", userID, err)
		}
		before, off, err := s.waysIn(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM identity_links WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("store: remove link of user %d: %w", userID, err)
		}
		if err := s.keepPrivilegedWaysIn(ctx, tx, before, off); err != nil {
			return fmt.Errorf("store: remove link of %s: %w", email, err)
		}
		ended, err := s.endSSOSessions(ctx, tx, ssoByUser, userID) // they signed in through this link
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionLinkRemove, Target: email,
			Before: fmt.Sprintf("issuer=%q subject=%q", issuer, subject), After: "no link", Detail: ended})
	})
}
