package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AuditRow is one row of the audit log as the audit page and the CSV export show it.
type AuditRow struct {
	ID        int64
	At        time.Time
	ActorID   int64
	Actor     string
	Action    AuditAction
	Target    string
	ClientIP  string
	RequestID string
	Before    string
	After     string
	Detail    string
}

// AuditFilter selects audit rows, newest first. Zero fields select everything.
type AuditFilter struct {
	// Areas limits the rows to actions starting with one of these prefixes, e.g. "domain."; the
	// audit page sets it for people who may see only their own area.
	Areas  []string
	Action string // exact action, e.g. "grant.add"
	Actor  string // part of the actor's e-mail or label, any case
	From   time.Time
	To     time.Time // exclusive
	Offset int
	Limit  int
}

func (f AuditFilter) where() (string, []any) {
	var conds []string
	var args []any
	if len(f.Areas) > 0 {
		var or []string
		for _, p := range f.Areas {
			or = append(or, "substr(action, 1, ?) = ?")
			args = append(args, len(p), p)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if f.Action != "" {
		conds, args = append(conds, "action = ?"), append(args, f.Action)
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		conds, args = append(conds, "instr(portvakt_fold(actor), ?) > 0"), append(args, strings.ToLower(a))
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, f.To.Unix())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const auditColumns = `id, at, COALESCE(actor_id, 0), actor, action, target, client_ip, request_id, before, after, detail`

// ListAudit returns one page of matching rows, newest first, and whether more follow. It does not
// count all matches: the log only grows.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditRow, bool, error) {
	limit := pageLimit(f.Limit)
	where, args := f.where()
	var out []AuditRow
	err := s.eachAudit(ctx, "SELECT "+auditColumns+" FROM audit_log"+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, limit+1, max(f.Offset, 0)), func(r AuditRow) error {
			out = append(out, r)
			return nil
		})
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// EachAudit calls fn for every matching row, newest first, ignoring Offset and Limit; the CSV
// export streams with it.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(AuditRow) error) error {
	where, args := f.where()
	return s.eachAudit(ctx, "SELECT "+auditColumns+" FROM audit_log"+where+" ORDER BY id DESC", args, fn)
}

func (s *Store) eachAudit(ctx context.Context, query string, args []any, fn func(AuditRow) error) error {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: read audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r AuditRow
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &r.Actor, &r.Action, &r.Target, &r.ClientIP,
			&r.RequestID, &r.Before, &r.After, &r.Detail); err != nil {
			return fmt.Errorf("store: read audit log: %w", err)
		}
		r.At = time.Unix(at, 0)
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read audit log: %w", err)
	}
	return nil
}

// AuditActions returns the distinct actions in the log that start with one of areas (all when
// empty), for the filter's choices.
func (s *Store) AuditActions(ctx context.Context, areas []string) ([]string, error) {
	where, args := AuditFilter{Areas: areas}.where()
	rows, err := s.read.QueryContext(ctx, "SELECT DISTINCT action FROM audit_log"+where+" ORDER BY action", args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: audit actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
