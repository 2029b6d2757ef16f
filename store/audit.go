package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Actor is who makes a change, as the audit log records it: a signed-in person, or portvakt
// itself ("system") or a host command ("portvakt user add") when UserID is zero.
type Actor struct {
	UserID    int64
	Label     string // e-mail of the person, "system", or the host command
	ClientIP  string
	RequestID string
}

// SystemActor is the actor for changes portvakt makes by itself (background checks).
var SystemActor = Actor{Label: "system"}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	Action AuditAction
	Target string // what the action was about, e.g. an e-mail or domain
	Before string
	After  string
	Detail string // e.g. the reason a sign-in was refused
}

// AppendAudit writes one audit row on its own. Changes to data write their audit row inside their
// own transaction instead (see audit), so the two cannot part.
func (s *Store) AppendAudit(ctx context.Context, a Actor, e AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, a, e) })
}

// audit appends a row inside tx.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, a Actor, e AuditEntry) error {
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(at, actor_id, actor, action, target, client_ip, request_id, before, after, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.now(), actorID, a.Label, e.Action, e.Target, a.ClientIP, a.RequestID, e.Before, e.After, e.Detail)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}
