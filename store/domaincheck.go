package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// nextStatus is the status a domain moves to after a check.
func nextStatus(current DomainStatus, kind CheckKind) DomainStatus {
	wasVerified := current.CountsAsVerified()
	switch {
	case kind == CheckVerified:
		return DomainVerified
	case kind == CheckMissing && wasVerified:
		return DomainNeedsAttention
	case wasVerified:
		// A DNS error or timeout says nothing about the record.
		return current
	default:
		return DomainFailed
	}
}

// RecordDomainCheck stores the result of a DNS check on the domain with id
// and moves its status: to verified when the record matched; from verified
// to needs attention when the record is gone or changed; to failed when a
// domain never verified was not verified now. It returns the domain as it
// was before and after.
func (s *Store) RecordDomainCheck(ctx context.Context, a Actor, id int64, c DomainCheck) (before, after Domain, err error) {
	found, err := json.Marshal(nonNil(c.Found))
	if err != nil {
		return Domain{}, Domain{}, fmt.Errorf("store: record check of domain %d: %w", id, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if before, err = domainByID(ctx, tx, id); err != nil {
			return err
		}
		status := nextStatus(before.Status, c.Kind)
		now := s.now()
		_, err := tx.ExecContext(ctx, `UPDATE domains SET status = ?, last_checked_at = ?,
			last_result = ?, last_rcode = ?, last_found = ?, last_detail = ?,
			verified_at = CASE WHEN ? THEN ? ELSE verified_at END,
			attention_since = CASE WHEN ? THEN NULL ELSE COALESCE(attention_since, ?) END
			WHERE id = ?`,
			status, now, c.Result, c.Rcode, string(found), c.Detail,
			status == DomainVerified && before.Status != DomainVerified, now,
			status != DomainNeedsAttention, now, id)
		if err != nil {
			return fmt.Errorf("store: record check of domain %q: %w", before.Name, err)
		}
		if after, err = domainByID(ctx, tx, id); err != nil {
			return err
		}
		return s.auditCheck(ctx, tx, a, before, after, c)
	})
	return before, after, err
}

// auditCheck writes the audit row for a check: always for a check somebody
// asked for, and for the periodic re-check only when the status changed.
func (s *Store) auditCheck(ctx context.Context, tx *sql.Tx, a Actor, before, after Domain, c DomainCheck) error {
	action := ActionDomainVerify
	if c.Background {
		switch {
		case before.Status == after.Status:
			return nil
		case after.Status == DomainNeedsAttention:
			action = ActionDomainRecordLost
		case before.Status == DomainNeedsAttention:
			action = ActionDomainRecordRestored
		}
	}
	return s.audit(ctx, tx, a, AuditEntry{
		Action: action, Target: after.Name,
		Before: string(before.Status), After: string(after.Status),
		Detail: c.Detail,
	})
}

// RemoveDomain deletes the domain with id and returns what it was.
func (s *Store) RemoveDomain(ctx context.Context, a Actor, id int64) (Domain, error) {
	var d Domain
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = domainByID(ctx, tx, id); err != nil {
			return err
		}
		if err := domainNotNeeded(ctx, tx, d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM domains WHERE id = ?", id); err != nil {
			return fmt.Errorf("store: remove domain %q: %w", d.Name, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionDomainRemove, Target: d.Name, Before: string(d.Status)})
	})
	return d, err
}

// domainNotNeeded refuses, while password sign-in is off, to remove a domain that an enabled
// provider serves: its people would be left with no way to sign in. Changing the provider is
// refused for the same reason (keepsServing).
func domainNotNeeded(ctx context.Context, tx *sql.Tx, d Domain) error {
	on, err := passwordLoginOn(ctx, tx)
	if err != nil {
		return err
	}
	if on {
		return nil
	}
	var served int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_provider_domains ipd
		JOIN identity_providers p ON p.id = ipd.idp_id WHERE ipd.domain_id = ? AND p.enabled = 1`, d.ID).Scan(&served)
	if err != nil {
		return fmt.Errorf("store: providers serving %q: %w", d.Name, err)
	}
	if served > 0 {
		return fmt.Errorf("store: remove domain %q: %w", d.Name, ErrNeededWhilePasswordOff)
	}
	return nil
}

// nonNil returns v, or an empty slice for nil, so that JSON holds [] rather
// than null.
func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
