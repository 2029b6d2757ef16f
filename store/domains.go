package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// DomainStatus is where a domain stands in its verification.
type DomainStatus string

// The statuses of a domain.
const (
	// DomainPending: added, not yet checked.
	DomainPending DomainStatus = "pending"
	// DomainVerified: the TXT record was found with the expected value.
	DomainVerified DomainStatus = "verified"
	// DomainFailed: never verified, and the last check did not verify it.
	DomainFailed DomainStatus = "failed"
	// DomainNeedsAttention: verified once, but the record has since gone
	// or changed. It still counts as verified, so that nothing people
	// sign in with breaks, until somebody acts.
	DomainNeedsAttention DomainStatus = "needs_attention"
)

// DomainStatuses lists every status, for the texts that name them.
var DomainStatuses = []DomainStatus{DomainPending, DomainVerified, DomainFailed, DomainNeedsAttention}

// CountsAsVerified reports whether the organisation has proven control of
// a domain with this status. A domain whose record went missing keeps
// counting: it is flagged, never silently unverified.
func (s DomainStatus) CountsAsVerified() bool {
	return s == DomainVerified || s == DomainNeedsAttention
}

// Domain is one of the organisation's domains and its verification state.
type Domain struct {
	ID             int64
	Name           string // normalised: lower-case ASCII, no trailing dot
	Token          string // the random part of the TXT record's value
	Status         DomainStatus
	CreatedAt      time.Time
	VerifiedAt     time.Time // zero until first verified
	LastCheckedAt  time.Time // zero until first checked
	LastResult     string    // what the last check found, e.g. "not_found"; "" before any
	LastRcode      string    // the DNS error of the last check, e.g. "SERVFAIL"
	LastFound      []string  // TXT values the last check found
	LastDetail     string    // the last check, for the log
	AttentionSince time.Time // when the record went missing; zero while all is well
}

// CheckKind is what a DNS check means for a domain's status.
type CheckKind int

// The kinds of check result.
const (
	// CheckVerified: the record holds the expected value.
	CheckVerified CheckKind = iota + 1
	// CheckMissing: no record, or records with other values.
	CheckMissing
	// CheckUnanswered: a DNS error or timeout, which says nothing about
	// the record.
	CheckUnanswered
)

// DomainCheck is the result of one DNS check, to record on a domain.
type DomainCheck struct {
	Kind   CheckKind
	Result string   // the checker's outcome, kept for the page
	Rcode  string   // the DNS error, if any
	Found  []string // the TXT values found
	Detail string   // for the log
	// Background marks the periodic re-check: it writes an audit row only
	// when the status changes, where a check somebody asked for always does.
	Background bool
}

const domainColumns = `id, name, token, status, created_at, verified_at, last_checked_at,
	last_result, last_rcode, last_found, last_detail, attention_since`

// scanDomain reads one row selected with domainColumns.
func scanDomain(row interface{ Scan(...any) error }) (Domain, error) {
	var d Domain
	var created int64
	var verified, checked, attention sql.NullInt64
	var found string
	err := row.Scan(&d.ID, &d.Name, &d.Token, &d.Status, &created, &verified, &checked,
		&d.LastResult, &d.LastRcode, &found, &d.LastDetail, &attention)
	if err != nil {
		return Domain{}, err
	}
	d.CreatedAt = time.Unix(created, 0)
	d.VerifiedAt, d.LastCheckedAt, d.AttentionSince = unixTime(verified), unixTime(checked), unixTime(attention)
	if err := json.Unmarshal([]byte(found), &d.LastFound); err != nil {
		return Domain{}, fmt.Errorf("store: decode last_found of domain %d: %w", d.ID, err)
	}
	return d, nil
}

// AddDomain adds a domain, pending verification with token. The name must
// already be normalised. Adding a name twice returns ErrConflict.
func (s *Store) AddDomain(ctx context.Context, a Actor, name, token string) (Domain, error) {
	var d Domain
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var createdBy any
		if a.UserID != 0 {
			createdBy = a.UserID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO domains (name, token, status, created_at, created_by)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, token, DomainPending, s.now(), createdBy)
		if err != nil {
			return fmt.Errorf("store: add domain %q: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: add domain %q: %w", name, ErrConflict)
		}
		id, _ := res.LastInsertId()
		if d, err = domainByID(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionDomainAdd, Target: name, After: string(DomainPending)})
	})
	return d, err
}

// Domain returns the domain with id, or ErrNotFound.
func (s *Store) Domain(ctx context.Context, id int64) (Domain, error) {
	d, err := scanDomain(s.read.QueryRowContext(ctx, "SELECT "+domainColumns+" FROM domains WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Domain{}, fmt.Errorf("store: domain %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Domain{}, fmt.Errorf("store: domain %d: %w", id, err)
	}
	return d, nil
}

// domainByID reads a domain inside tx.
func domainByID(ctx context.Context, tx *sql.Tx, id int64) (Domain, error) {
	d, err := scanDomain(tx.QueryRowContext(ctx, "SELECT "+domainColumns+" FROM domains WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Domain{}, fmt.Errorf("store: domain %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Domain{}, fmt.Errorf("store: domain %d: %w", id, err)
	}
	return d, nil
}

// DomainFilter narrows ListDomains.
type DomainFilter struct {
	// Statuses keeps only domains with one of these statuses; empty keeps all.
	Statuses []DomainStatus
	// CheckedBefore keeps only domains never checked or last checked
	// before this time; zero keeps all.
	CheckedBefore time.Time
	// Query keeps domains whose name (as DNS writes it, ASCII) contains it, any case; empty
	// keeps all.
	Query string
	// Offset and Limit page the list; Limit 0 lists all.
	Offset, Limit int
}

// where is the condition of f.
func (f DomainFilter) where() (string, []any) {
	q := " WHERE 1=1"
	var args []any
	if len(f.Statuses) > 0 {
		q += " AND status IN (?" + repeat(",?", len(f.Statuses)-1) + ")"
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if !f.CheckedBefore.IsZero() {
		q += " AND (last_checked_at IS NULL OR last_checked_at < ?)"
		args = append(args, f.CheckedBefore.Unix())
	}
	if f.Query != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Query))
		q += ` AND name LIKE ? ESCAPE '\'`
		args = append(args, "%"+esc+"%")
	}
	return q, args
}

// ListDomainsPage returns one page of the domains that match f, by name, and how many match.
func (s *Store) ListDomainsPage(ctx context.Context, f DomainFilter) ([]Domain, int, error) {
	where, args := f.where()
	var total int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM domains"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count domains: %w", err)
	}
	f.Limit = pageLimit(f.Limit)
	out, err := s.ListDomains(ctx, f)
	return out, total, err
}

// ListDomains returns the domains that match f, by name.
func (s *Store) ListDomains(ctx context.Context, f DomainFilter) ([]Domain, error) {
	where, args := f.where()
	q := "SELECT " + domainColumns + " FROM domains" + where + " ORDER BY name"
	if f.Limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, max(f.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list domains: %w", err)
	}
	defer rows.Close()
	var out []Domain
	for rows.Next() {
		d, err := scanDomain(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list domains: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list domains: %w", err)
	}
	return out, nil
}

// repeat returns s n times.
func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// ProvidersServingDomain returns the names of the identity providers that
// serve the domain, so that removing it can say who is affected.
func (s *Store) ProvidersServingDomain(ctx context.Context, name string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT p.name FROM identity_providers p
		JOIN identity_provider_domains pd ON pd.idp_id = p.id
		JOIN domains d ON d.id = pd.domain_id
		WHERE d.name = ? ORDER BY p.name`, name)
	if err != nil {
		return nil, fmt.Errorf("store: providers serving %q: %w", name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: providers serving %q: %w", name, err)
		}
		out = append(out, n)
	}
	return out, wrapErr("store: providers serving %q: %w", name, rows.Err())
}

// wrapErr wraps err with format and name, and leaves nil alone.
func wrapErr(format, name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format, name, err)
}
