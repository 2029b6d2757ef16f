package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
)

// TestSavepointFailedUndoIsNoRefusal: a part refused inside a savepoint is a refusal to its
// caller, who records it and commits the rest, only when what the part wrote was undone. When
// the undo fails, the writes are still in the transaction: the error must not pass for the
// refusal, or the caller commits them.
func TestSavepointFailedUndoIsNoRefusal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTestStore(t)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := savepoint(ctx, tx, func() error {
			if err := s.audit(ctx, tx, CLIActor, AuditEntry{Action: ActionLinkCreate, Target: "refused@example.se"}); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "RELEASE part"); err != nil { // the undo now has nothing to return to
				return err
			}
			return &LinkRefusal{Kind: RefuseAlreadyLinked}
		})
		var r *LinkRefusal
		if errors.As(err, &r) {
			t.Errorf("got %v: a refusal whose writes were not undone", err)
		}
		return err
	})
	if err == nil {
		t.Error("the transaction committed a refused part's writes")
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE target = 'refused@example.se'").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d audit rows of the refused part, %v", n, err)
	}
}
