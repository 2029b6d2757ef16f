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
	// ActorName and TargetName are the present names of the people the row's actor and target
	// are, when they are people who still have an account; "" otherwise.
	ActorName  string
	TargetName string
}

// AuditFilter selects audit rows, newest first. Zero fields select everything.
type AuditFilter struct {
	// Areas limits the rows to actions starting with one of these prefixes, e.g. "domain."; the
	// audit page sets it for people who may see only their own area.
	Areas  []string
	Action string // exact action, e.g. "grant.add"
	Actor  string // part of the actor's e-mail, label or present name, any case
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
			or = append(or, "substr(a.action, 1, ?) = ?")
			args = append(args, len(p), p)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if f.Action != "" {
		conds, args = append(conds, "a.action = ?"), append(args, f.Action)
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		a = strings.ToLower(a)
		conds = append(conds, "(instr(portvakt_fold(a.actor), ?) > 0 OR instr(portvakt_fold(COALESCE(ua.name, ue.name, '')), ?) > 0)")
		args = append(args, a, a)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "a.at >= ?"), append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "a.at < ?"), append(args, f.To.Unix())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// auditFrom reads the log with the present names of the people in it: the actor by id (or by
// e-mail when the row has no id: the first administrator at setup, a typed address), the target by
// e-mail for the actions whose target is a person.
var auditFrom = ` FROM audit_log a
	LEFT JOIN users ua ON ua.id = a.actor_id
	LEFT JOIN users ue ON a.actor_id IS NULL AND ue.email = a.actor
	LEFT JOIN users ut ON ut.email = a.target AND a.action IN (` + quoteActions(personTargets) + `)`

const auditColumns = `a.id, a.at, COALESCE(a.actor_id, 0), a.actor, a.action, a.target, a.client_ip, a.request_id,
	a.before, a.after, a.detail, COALESCE(ua.name, ue.name, ''), COALESCE(ut.name, '')`

// personTargets are the actions whose target is a person's e-mail.
var personTargets = []AuditAction{ActionLoginSuccess, ActionLoginFailure, ActionLogout, ActionSetupComplete,
	ActionUserCreate, ActionUserUpdate, ActionUserPassword, ActionUserAdmin, ActionGrantAdd, ActionGrantRemove,
	ActionLinkCreate, ActionLinkUpdate, ActionLinkRemove, ActionLinkInvite, ActionVerificationSend, ActionVerificationComplete,
	ActionMailSent, ActionMailFailed, ActionUserProvision, ActionUserDeactivate, ActionUserReactivate, ActionUserDelete}

// quoteActions writes actions as an SQL list; they are constants of this package.
func quoteActions(as []AuditAction) string {
	q := make([]string, len(as))
	for i, a := range as {
		q[i] = "'" + strings.ReplaceAll(string(a), "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

// ListAudit returns one page of matching rows, newest first, and whether more follow. It does not
// count all matches: the log only grows.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditRow, bool, error) {
	limit := pageLimit(f.Limit)
	where, args := f.where()
	return s.auditPage(ctx, "SELECT "+auditColumns+auditFrom+where+" ORDER BY a.id DESC LIMIT ? OFFSET ?",
		append(args, limit+1, max(f.Offset, 0)), limit)
}

// auditPage reads up to limit rows of query, which asks for one more, and reports whether more
// follow.
func (s *Store) auditPage(ctx context.Context, query string, args []any, limit int) ([]AuditRow, bool, error) {
	var out []AuditRow
	err := s.eachAudit(ctx, query, args, func(r AuditRow) error {
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
	return s.eachAudit(ctx, "SELECT "+auditColumns+auditFrom+where+" ORDER BY a.id DESC", args, fn)
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
			&r.RequestID, &r.Before, &r.After, &r.Detail, &r.ActorName, &r.TargetName); err != nil {
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
	rows, err := s.read.QueryContext(ctx, "SELECT DISTINCT a.action FROM audit_log a"+where+" ORDER BY a.action", args...)
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
