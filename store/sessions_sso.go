package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ssoBasis names what SSO sessions rest on, as a column that sessions and op_grants share.
type ssoBasis string

const (
	ssoByUser     ssoBasis = "user_id" // a person's link
	ssoByProvider ssoBasis = "idp_id"  // a provider
)

// endSSOSessions deletes, inside tx, the SSO sessions of the person or provider id (by), because
// what they rest on (a link, an enabled provider) is going away in the same transaction. What
// apps were given through SSO by that person or provider ends too, found on the grants themselves
// so that a session that expired or was replaced in the meantime does not hide them. It returns
// a note for the audit row, empty when no session ended.
func (s *Store) endSSOSessions(ctx context.Context, tx *sql.Tx, by ssoBasis, id int64) (string, error) {
	if err := s.endAppGrants(ctx, tx, RevokedSSOEnded, "g.method = '"+MethodSSO+"' AND g."+string(by)+" = ?", id); err != nil {
		return "", err
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE method = '"+MethodSSO+"' AND "+string(by)+" = ?", id)
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
