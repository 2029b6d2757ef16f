package store

import (
	"context"
	"database/sql"
	"fmt"
)

// endSSOSessions deletes, inside tx, the SSO sessions that match where (one condition "column = ?"
// on a column that sessions and op_grants share: user_id or idp_id), because what they rest on (a link, an enabled provider) is going away in the
// same transaction. It returns a note for the audit row, empty when no session ended.
func (s *Store) endSSOSessions(ctx context.Context, tx *sql.Tx, where string, args ...any) (string, error) {
	// What apps were given from such sessions ends too, found by the same condition on the grants
	// (which record the person and the provider), so that a session that expired or was replaced
	// in the meantime does not hide them.
	if err := s.endAppGrants(ctx, tx, RevokedSSOEnded, "g.method = '"+MethodSSO+"' AND g."+where, args...); err != nil {
		return "", err
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE method = '"+MethodSSO+"' AND "+where, args...)
	if err != nil {
		return "", fmt.Errorf("store: end SSO sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", fmt.Errorf("store: end SSO sessions: %w", err)
	}
	switch n {
	case 0:
		return "", nil
	case 1:
		return "1 SSO session ended", nil
	}
	return fmt.Sprintf("%d SSO sessions ended", n), nil
}

// addDetail appends a note to an audit row's detail.
func addDetail(detail, note string) string {
	switch {
	case note == "":
		return detail
	case detail == "":
		return note
	}
	return detail + "; " + note
}
