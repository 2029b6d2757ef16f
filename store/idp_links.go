package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LinkByIdentity returns the link of an external identity (issuer, subject), or ErrNotFound.
// After the first sign-in, this is the only way an SSO identity finds its user: never the e-mail.
func (s *Store) LinkByIdentity(ctx context.Context, issuer, subject string) (Link, error) {
	var l Link
	var idp sql.NullInt64
	var at int64
	err := s.read.QueryRowContext(ctx, `SELECT user_id, idp_id, issuer, subject, linked_at
		FROM identity_links WHERE issuer = ? AND subject = ?`, issuer, subject).Scan(&l.UserID, &idp, &l.Issuer, &l.Subject, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, fmt.Errorf("store: link of %s %q: %w", issuer, subject, ErrNotFound)
	}
	if err != nil {
		return Link{}, fmt.Errorf("store: link of %s %q: %w", issuer, subject, err)
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
		return s.audit(ctx, tx, a, AuditEntry{Action: "link.create", Target: email,
			After: fmt.Sprintf("issuer=%q subject=%q", l.Issuer, l.Subject)})
	})
}
