package store

import (
	"context"
	"fmt"
)

// AuditForTest returns "target detail" of every audit row with the given action, oldest first.
// Tests use it to check that a change wrote its row.
func (s *Store) AuditForTest(ctx context.Context, action string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT target || ' ' || detail FROM audit_log WHERE action = ? ORDER BY id", action)
	if err != nil {
		return nil, fmt.Errorf("store: audit rows %q: %w", action, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
