package store

import (
	"context"
	"database/sql"
	"slices"
)

// While password sign-in is off, the people who run portvakt (administrators and Authentication
// Settings users) have SSO as their only way in, and a sign-in never links them. A change that
// would leave one of them who has a way in now without one is refused in its own transaction:
// unlinking them, making an unlinked person privileged, or applying a provider draft.

// waysIn reads, inside tx and before a change, who has no way in while password sign-in is off;
// off is false (and nothing needs checking) while it is on.
func (s *Store) waysIn(ctx context.Context, tx *sql.Tx) (affected []AffectedUser, off bool, err error) {
	st, err := s.passwordOffState(ctx, tx, "")
	if err != nil || st.PasswordOn {
		return nil, false, err
	}
	return st.Affected, true, nil
}

// lostPrivileged reports, after a change inside tx, the administrators and Authentication
// Settings users other than except who had a way in before (not in before) and have none now.
func (s *Store) lostPrivileged(ctx context.Context, tx *sql.Tx, before []AffectedUser, except int64) ([]AffectedUser, error) {
	st, err := s.passwordOffState(ctx, tx, "")
	if err != nil || st.PasswordOn {
		return nil, err
	}
	var lost []AffectedUser
	for _, u := range st.Affected {
		if u.Privileged && u.ID != except && !slices.ContainsFunc(before, func(b AffectedUser) bool { return b.ID == u.ID }) {
			lost = append(lost, u)
		}
	}
	return lost, nil
}

// keepPrivilegedWaysIn refuses with ErrLocksOutPrivileged, after a change inside tx, when it left
// a privileged person who had a way in before without one. before and off come from waysIn.
func (s *Store) keepPrivilegedWaysIn(ctx context.Context, tx *sql.Tx, before []AffectedUser, off bool) error {
	if !off {
		return nil
	}
	lost, err := s.lostPrivileged(ctx, tx, before, 0)
	if err != nil {
		return err
	}
	if len(lost) > 0 {
		return ErrLocksOutPrivileged
	}
	return nil
}

// keepAGrantHolderIn refuses with ErrLastWayIn, after a change of grants inside tx while password
// sign-in is off, when nobody who holds the grant has a way in any more although somebody did.
func (s *Store) keepAGrantHolderIn(ctx context.Context, tx *sql.Tx, before []AffectedUser, off bool, grantedBefore []int64) error {
	if !off {
		return nil
	}
	st, err := s.passwordOffState(ctx, tx, "")
	if err != nil {
		return err
	}
	granted, err := grantedIDs(ctx, tx)
	if err != nil {
		return err
	}
	canSignIn := func(ids []int64, affected []AffectedUser) bool {
		return slices.ContainsFunc(ids, func(id int64) bool {
			return !slices.ContainsFunc(affected, func(u AffectedUser) bool { return u.ID == id })
		})
	}
	if canSignIn(grantedBefore, before) && !canSignIn(granted, st.Affected) {
		return ErrLastWayIn
	}
	return nil
}
