package store

import (
	"context"
)

// AuditAfter returns up to limit matching rows with an id above afterID, oldest first, and
// whether more follow: a cursor for clients that pull the log as it grows (a SIEM). The last
// row's id is the next cursor. Offset in f is ignored.
func (s *Store) AuditAfter(ctx context.Context, f AuditFilter, afterID int64, limit int) ([]AuditRow, bool, error) {
	limit = pageLimit(limit)
	where, args := f.where()
	if where == "" {
		where = " WHERE a.id > ?"
	} else {
		where += " AND a.id > ?"
	}
	args = append(args, afterID, limit+1)
	return s.auditPage(ctx, "SELECT "+auditColumns+auditFrom+where+" ORDER BY a.id LIMIT ?", args, limit)
}
