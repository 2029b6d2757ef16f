package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// IdP is an OpenID Connect identity provider as configured in Authentication Settings.
type IdP struct {
	ID         int64
	Name       string
	Preset     string
	PresetJSON string // the preset's own fields, for the form
	Issuer     string
	ClientID   string
	SecretEnc  []byte // sealed client secret; handlers open it
	Scopes     string
	Enabled    bool
	Revision   int64
	Draft      bool        // these are the settings of the provider's draft, Revision the draft's (see IdPDraft.On)
	Staged     bool        // a draft waits beside these settings
	TestedAt   time.Time   // zero: not tested with the current configuration
	TestedBy   string      // e-mail of who tested it
	LastTest   string      // JSON of the latest test sign-in's result
	Domains    []DomainRef // the verified domains it serves
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// DomainRef is a domain of the organisation, as the SSO pages need it.
type DomainRef struct {
	ID   int64
	Name string
}

// IdPInput is what the SSO form saves. SecretEnc nil keeps the stored secret.
type IdPInput struct {
	Name       string
	Preset     string
	PresetJSON string
	Issuer     string
	ClientID   string
	SecretEnc  []byte
	Scopes     string
	Enabled    bool
	DomainIDs  []int64
}

// verifiedStatuses are the domain states that count as verified (a domain whose record went
// missing is flagged for attention, not dropped).
const verifiedStatuses = "('verified', 'needs_attention')"

const idpColumns = `p.id, p.name, p.preset, p.preset_json, p.issuer, p.client_id, p.secret_enc, p.scopes,
	p.enabled, p.revision, p.tested_at, COALESCE(u.email, ''), p.last_test, p.created_at, p.updated_at,
	EXISTS (SELECT 1 FROM identity_provider_drafts d WHERE d.idp_id = p.id)`

const idpFrom = ` FROM identity_providers p LEFT JOIN users u ON u.id = p.tested_by`

func scanIdP(row interface{ Scan(...any) error }) (IdP, error) {
	var p IdP
	var tested sql.NullInt64
	var created, updated int64
	err := row.Scan(&p.ID, &p.Name, &p.Preset, &p.PresetJSON, &p.Issuer, &p.ClientID, &p.SecretEnc, &p.Scopes,
		&p.Enabled, &p.Revision, &tested, &p.TestedBy, &p.LastTest, &created, &updated, &p.Staged)
	if err != nil {
		return IdP{}, err
	}
	p.TestedAt, p.CreatedAt, p.UpdatedAt = unixTime(tested), time.Unix(created, 0), time.Unix(updated, 0)
	return p, nil
}

// IdPs lists every identity provider with its domains, by name.
func (s *Store) IdPs(ctx context.Context) ([]IdP, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+idpColumns+idpFrom+" ORDER BY p.name, p.id")
	if err != nil {
		return nil, fmt.Errorf("store: list identity providers: %w", err)
	}
	defer rows.Close()
	var out []IdP
	for rows.Next() {
		p, err := scanIdP(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list identity providers: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list identity providers: %w", err)
	}
	domains, err := s.allIdPDomains(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Domains = domains[out[i].ID]
	}
	return out, nil
}

// EnabledIdPIssuers lists the issuer and client id of every enabled provider, by name: all the
// sign-in page needs of them (where its form may lead), read without the rest.
func (s *Store) EnabledIdPIssuers(ctx context.Context) ([]IdP, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT id, issuer, client_id FROM identity_providers WHERE enabled = 1 ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("store: enabled identity providers: %w", err)
	}
	defer rows.Close()
	var out []IdP
	for rows.Next() {
		p := IdP{Enabled: true}
		if err := rows.Scan(&p.ID, &p.Issuer, &p.ClientID); err != nil {
			return nil, fmt.Errorf("store: enabled identity providers: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: enabled identity providers: %w", err)
	}
	return out, nil
}

// allIdPDomains maps each provider to its domains, by name, in one query: the sign-in page
// lists every provider, and a query for each cost it more than everything else it does.
func (s *Store) allIdPDomains(ctx context.Context) (map[int64][]DomainRef, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT x.idp_id, d.id, d.name FROM identity_provider_domains x
		JOIN domains d ON d.id = x.domain_id ORDER BY x.idp_id, d.name`)
	if err != nil {
		return nil, fmt.Errorf("store: domains of the identity providers: %w", err)
	}
	defer rows.Close()
	out := map[int64][]DomainRef{}
	for rows.Next() {
		var idp int64
		var d DomainRef
		if err := rows.Scan(&idp, &d.ID, &d.Name); err != nil {
			return nil, fmt.Errorf("store: domains of the identity providers: %w", err)
		}
		out[idp] = append(out[idp], d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: domains of the identity providers: %w", err)
	}
	return out, nil
}

// IdP returns one identity provider, or ErrNotFound.
func (s *Store) IdP(ctx context.Context, id int64) (IdP, error) {
	p, err := scanIdP(s.read.QueryRowContext(ctx, "SELECT "+idpColumns+idpFrom+" WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return IdP{}, fmt.Errorf("store: identity provider %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return IdP{}, fmt.Errorf("store: identity provider %d: %w", id, err)
	}
	if p.Domains, err = s.idpDomains(ctx, s.read, id); err != nil {
		return IdP{}, err
	}
	return p, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) idpDomains(ctx context.Context, q querier, id int64) ([]DomainRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.name FROM identity_provider_domains x
		JOIN domains d ON d.id = x.domain_id WHERE x.idp_id = ? ORDER BY d.name`, id)
	if err != nil {
		return nil, fmt.Errorf("store: domains of identity provider %d: %w", id, err)
	}
	return scanDomains(rows)
}

func scanDomains(rows *sql.Rows) ([]DomainRef, error) {
	defer rows.Close()
	var out []DomainRef
	for rows.Next() {
		var d DomainRef
		if err := rows.Scan(&d.ID, &d.Name); err != nil {
			return nil, fmt.Errorf("store: read domains: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read domains: %w", err)
	}
	return out, nil
}

// VerifiedDomains lists the organisation's verified domains, the only ones a provider may serve.
func (s *Store) VerifiedDomains(ctx context.Context) ([]DomainRef, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT id, name FROM domains WHERE status IN "+verifiedStatuses+" ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: verified domains: %w", err)
	}
	return scanDomains(rows)
}

// IdPsForDomain returns the enabled providers serving a verified domain (at most one).
func (s *Store) IdPsForDomain(ctx context.Context, domain string) ([]IdP, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+idpColumns+idpFrom+`
		JOIN identity_provider_domains x ON x.idp_id = p.id JOIN domains d ON d.id = x.domain_id
		WHERE d.name = ? AND d.status IN `+verifiedStatuses+` AND p.enabled = 1 ORDER BY p.id`, strings.ToLower(domain))
	if err != nil {
		return nil, fmt.Errorf("store: providers for %q: %w", domain, err)
	}
	defer rows.Close()
	var out []IdP
	for rows.Next() {
		p, err := scanIdP(rows)
		if err != nil {
			return nil, fmt.Errorf("store: providers for %q: %w", domain, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// IdPServesDomain reports whether the provider is enabled and serves the verified domain.
func (s *Store) IdPServesDomain(ctx context.Context, idpID int64, domain string) (bool, error) {
	ps, err := s.IdPsForDomain(ctx, domain)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ps, func(p IdP) bool { return p.ID == idpID }), nil
}
