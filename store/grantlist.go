package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Grant is one person with access to Authentication Settings.
type Grant struct {
	UserID    int64
	Email     string
	Name      string
	GrantedAt time.Time
	GrantedBy string // e-mail of the granting person, empty when unknown
}

// ListGrants returns everybody with access to Authentication Settings, by name.
func (s *Store) ListGrants(ctx context.Context) ([]Grant, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT g.user_id, u.email, u.name, g.granted_at, COALESCE(b.email, '')
		FROM auth_settings_grants g JOIN users u ON u.id = g.user_id
		LEFT JOIN users b ON b.id = g.granted_by ORDER BY u.name, u.email`)
	if err != nil {
		return nil, fmt.Errorf("store: list grants: %w", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		var at int64
		if err := rows.Scan(&g.UserID, &g.Email, &g.Name, &at, &g.GrantedBy); err != nil {
			return nil, fmt.Errorf("store: list grants: %w", err)
		}
		g.GrantedAt = time.Unix(at, 0)
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetGrants makes the list of people with access to Authentication Settings exactly userIDs,
// writing an audit row for each person added or removed. An unknown user id gives ErrNotFound and
// changes nothing; so does ErrLocksOutPrivileged, while password sign-in is off, for a person
// granted before they are linked (a sign-in never links a privileged person).
func (s *Store) SetGrants(ctx context.Context, a Actor, userIDs []int64) (added, removed int, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, off, err := s.waysIn(ctx, tx)
		if err != nil {
			return err
		}
		current, err := grantedIDs(ctx, tx)
		if err != nil {
			return err
		}
		grantedBefore := slices.Clone(current)
		for _, id := range userIDs {
			if slices.Contains(current, id) {
				continue
			}
			if err := s.grant(ctx, tx, a, id); err != nil {
				return err
			}
			current = append(current, id)
			added++
		}
		for _, id := range current {
			if slices.Contains(userIDs, id) {
				continue
			}
			if err := s.revoke(ctx, tx, a, id); err != nil {
				return err
			}
			removed++
		}
		if err := s.keepPrivilegedWaysIn(ctx, tx, before, off); err != nil {
			return fmt.Errorf("store: grant Authentication Settings: %w", err)
		}
		if err := s.keepAGrantHolderIn(ctx, tx, before, off, grantedBefore); err != nil {
			return fmt.Errorf("store: revoke Authentication Settings: %w", err)
		}
		return nil
	})
	return added, removed, err
}

func grantedIDs(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT user_id FROM auth_settings_grants")
	if err != nil {
		return nil, fmt.Errorf("store: read grants: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: read grants: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s *Store) grant(ctx context.Context, tx *sql.Tx, a Actor, userID int64) error {
	email, err := emailOf(ctx, tx, userID)
	if err != nil {
		return err
	}
	var by any
	if a.UserID != 0 {
		by = a.UserID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO auth_settings_grants (user_id, granted_by, granted_at)
		VALUES (?, ?, ?)`, userID, by, s.now()); err != nil {
		return fmt.Errorf("store: grant user %d: %w", userID, err)
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionGrantAdd, Target: email, Before: "no access", After: "access"})
}

func (s *Store) revoke(ctx context.Context, tx *sql.Tx, a Actor, userID int64) error {
	email, err := emailOf(ctx, tx, userID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM auth_settings_grants WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("store: revoke user %d: %w", userID, err)
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionGrantRemove, Target: email, Before: "access", After: "no access"})
}
