package store

import (
	"context"
	"fmt"
)

// AppSignedIn is how many people an application has signed in now, and how many of them came
// through a password sign-in: those are signed out of the app when password sign-in goes off.
type AppSignedIn struct {
	AppID    int64
	Name     string
	Kind     AppKind
	Enabled  bool
	People   int
	Password int
}

// AppsSignedIn returns every application with the people it has signed in now (a grant not
// revoked and not expired), by name.
func (s *Store) AppsSignedIn(ctx context.Context) ([]AppSignedIn, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT a.id, a.name, a.kind, a.enabled,
		COUNT(DISTINCT g.user_id), COUNT(DISTINCT CASE WHEN g.method = ? THEN g.user_id END)
		FROM applications a LEFT JOIN op_grants g ON g.app_id = a.id AND g.user_id IS NOT NULL
			AND g.revoked_at IS NULL AND g.expires_at > ?
		GROUP BY a.id ORDER BY a.name COLLATE NOCASE, a.id`, MethodPassword, s.now())
	if err != nil {
		return nil, fmt.Errorf("store: applications signed in: %w", err)
	}
	defer rows.Close()
	var out []AppSignedIn
	for rows.Next() {
		var a AppSignedIn
		if err := rows.Scan(&a.AppID, &a.Name, &a.Kind, &a.Enabled, &a.People, &a.Password); err != nil {
			return nil, fmt.Errorf("store: applications signed in: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
