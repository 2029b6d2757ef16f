package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// AllowedDomain is a domain whose verified e-mail addresses may link an SSO identity.
type AllowedDomain struct {
	Name    string
	AddedAt time.Time
	AddedBy string // e-mail of the person who added it, empty when unknown
}

// ListAllowedDomains returns the allowed domains for linking, by name. An empty list means no
// restriction.
func (s *Store) ListAllowedDomains(ctx context.Context) ([]AllowedDomain, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT d.name, d.added_at, COALESCE(u.email, '')
		FROM allowed_domains d LEFT JOIN users u ON u.id = d.added_by ORDER BY d.name`)
	if err != nil {
		return nil, fmt.Errorf("store: list allowed domains: %w", err)
	}
	defer rows.Close()
	var out []AllowedDomain
	for rows.Next() {
		var d AllowedDomain
		var at int64
		if err := rows.Scan(&d.Name, &at, &d.AddedBy); err != nil {
			return nil, fmt.Errorf("store: list allowed domains: %w", err)
		}
		d.AddedAt = time.Unix(at, 0)
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetAllowedDomains makes the allowed domains exactly names, which the caller has normalised and
// validated, writing an audit row for each domain added or removed.
func (s *Store) SetAllowedDomains(ctx context.Context, a Actor, names []string) (added, removed int, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		current, err := allowedNames(ctx, tx)
		if err != nil {
			return err
		}
		var by any
		if a.UserID != 0 {
			by = a.UserID
		}
		for _, n := range names {
			if slices.Contains(current, n) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO allowed_domains (name, added_by, added_at) VALUES (?, ?, ?)", n, by, s.now()); err != nil {
				return fmt.Errorf("store: add allowed domain %q: %w", n, err)
			}
			if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionAllowedDomainAdd, Target: n, After: n}); err != nil {
				return err
			}
			current = append(current, n)
			added++
		}
		for _, n := range current {
			if slices.Contains(names, n) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM allowed_domains WHERE name = ?", n); err != nil {
				return fmt.Errorf("store: remove allowed domain %q: %w", n, err)
			}
			if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionAllowedDomainRemove, Target: n, Before: n}); err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	return added, removed, err
}

func allowedNames(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM allowed_domains")
	if err != nil {
		return nil, fmt.Errorf("store: read allowed domains: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: read allowed domains: %w", err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
