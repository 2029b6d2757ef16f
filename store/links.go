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
}

// LinkOfUser returns the user's SSO link, or ErrNotFound when there is none.
func (s *Store) LinkOfUser(ctx context.Context, userID int64) (Link, error) {
	var l Link
	var idp sql.NullInt64
	var at int64
	err := s.read.QueryRowContext(ctx, `SELECT user_id, idp_id, issuer, subject, linked_at
		FROM identity_links WHERE user_id = ?`, userID).Scan(&l.UserID, &idp, &l.Issuer, &l.Subject, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, fmt.Errorf("store: link of user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return Link{}, fmt.Errorf("store: link of user %d: %w", userID, err)
	}
	l.IdPID, l.LinkedAt = idp.Int64, time.Unix(at, 0)
	return l, nil
}
