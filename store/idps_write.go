package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CreateIdP adds an identity provider with its domains and audit row.
func (s *Store) CreateIdP(ctx context.Context, a Actor, in IdPInput) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO identity_providers
			(name, preset, preset_json, issuer, client_id, secret_enc, scopes, enabled, revision, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Name, in.Preset, in.PresetJSON, in.Issuer, in.ClientID, in.SecretEnc, in.Scopes, in.Enabled, firstRevision(), now, now)
		if err != nil {
			return fmt.Errorf("store: create identity provider %q: %w", in.Name, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: create identity provider %q: %w", in.Name, err)
		}
		domains, err := s.setIdPDomains(ctx, tx, id, in)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionIdPCreate, Target: in.Name,
			After: describeIdP(in, domains)})
	})
	return id, err
}

// UpdateIdP changes an identity provider. The sign-in settings (issuer, client id, secret,
// scopes) of a tested provider change only through a draft (ErrDraftRequired); for an untested
// one a change raises its revision, so that a test started before cannot mark it. A new issuer or
// client ID needs a new secret (ErrSecretRequired). Disabling the provider, or giving it a new
// issuer or client ID, ends the sessions that came through it.
func (s *Store) UpdateIdP(ctx context.Context, a Actor, id int64, in IdPInput) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanIdP(tx.QueryRowContext(ctx, "SELECT "+idpColumns+idpFrom+" WHERE p.id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: update identity provider %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: update identity provider %d: %w", id, err)
		}
		secretChanged := in.SecretEnc != nil && !bytes.Equal(in.SecretEnc, old.SecretEnc)
		if in.SecretEnc, err = sealedSecretFor(in, liveSettings(old)); err != nil {
			return fmt.Errorf("store: update identity provider %q: %w", old.Name, err)
		}
		issuerOrClient := in.Issuer != old.Issuer || in.ClientID != old.ClientID
		configChanged := secretChanged || issuerOrClient || in.Scopes != old.Scopes
		if configChanged && !old.TestedAt.IsZero() {
			return fmt.Errorf("store: update identity provider %q: %w", old.Name, ErrDraftRequired)
		}
		q := `UPDATE identity_providers SET name = ?, preset = ?, preset_json = ?, issuer = ?, client_id = ?,
			secret_enc = ?, scopes = ?, enabled = ?, updated_at = ?`
		if configChanged {
			q += ", revision = revision + 1, tested_at = NULL, tested_by = NULL"
		}
		_, err = tx.ExecContext(ctx, q+" WHERE id = ?", in.Name, in.Preset, in.PresetJSON, in.Issuer, in.ClientID,
			in.SecretEnc, in.Scopes, in.Enabled, s.now(), id)
		if err != nil {
			return fmt.Errorf("store: update identity provider %d: %w", id, err)
		}
		oldDomains, err := s.idpDomains(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := keepsServing(ctx, tx, old, oldDomains, in); err != nil {
			return err
		}
		domains, err := s.setIdPDomains(ctx, tx, id, in)
		if err != nil {
			return err
		}
		oldIn := IdPInput{Name: old.Name, Issuer: old.Issuer, ClientID: old.ClientID, Scopes: old.Scopes, Enabled: old.Enabled}
		e := AuditEntry{Action: ActionIdPUpdate, Target: in.Name, Before: describeIdP(oldIn, oldDomains), After: describeIdP(in, domains)}
		if secretChanged {
			e.Detail = "client secret replaced"
		}
		if (old.Enabled && !in.Enabled) || issuerOrClient {
			ended, err := s.endSSOSessions(ctx, tx, ssoByProvider, id)
			if err != nil {
				return err
			}
			e.Detail = addDetail(e.Detail, ended)
		}
		return s.audit(ctx, tx, a, e)
	})
}

// keepsServing refuses, while password sign-in is off, a change that disables the provider or
// drops one of the domains it serves.
func keepsServing(ctx context.Context, tx *sql.Tx, old IdP, oldDomains []DomainRef, in IdPInput) error {
	on, err := passwordLoginOn(ctx, tx)
	if err != nil {
		return err
	}
	if on || !old.Enabled || len(oldDomains) == 0 {
		return nil
	}
	if !in.Enabled {
		return fmt.Errorf("store: disable identity provider %q: %w", old.Name, ErrNeededWhilePasswordOff)
	}
	for _, d := range oldDomains {
		if !slices.Contains(in.DomainIDs, d.ID) {
			return fmt.Errorf("store: stop serving %s by %q: %w", d.Name, old.Name, ErrNeededWhilePasswordOff)
		}
	}
	return nil
}

// setIdPDomains replaces the provider's domains, checking inside the transaction that each is
// verified and, when the provider is enabled, served by no other enabled provider.
func (s *Store) setIdPDomains(ctx context.Context, tx *sql.Tx, id int64, in IdPInput) ([]DomainRef, error) {
	if _, err := tx.ExecContext(ctx, "DELETE FROM identity_provider_domains WHERE idp_id = ?", id); err != nil {
		return nil, fmt.Errorf("store: domains of identity provider %d: %w", id, err)
	}
	var out []DomainRef
	for _, did := range in.DomainIDs {
		var d DomainRef
		err := tx.QueryRowContext(ctx, "SELECT id, name FROM domains WHERE id = ? AND status IN "+verifiedStatuses, did).Scan(&d.ID, &d.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: domain %d is not verified: %w", did, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("store: domain %d: %w", did, err)
		}
		if in.Enabled {
			var other string
			err = tx.QueryRowContext(ctx, `SELECT p.name FROM identity_provider_domains x JOIN identity_providers p ON p.id = x.idp_id
				WHERE x.domain_id = ? AND p.enabled = 1 AND p.id != ?`, did, id).Scan(&other)
			if err == nil {
				return nil, fmt.Errorf("store: %s is served by %q: %w", d.Name, other, ErrDomainServed)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("store: domain %d: %w", did, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO identity_provider_domains (idp_id, domain_id) VALUES (?, ?)", id, did); err != nil {
			return nil, fmt.Errorf("store: domains of identity provider %d: %w", id, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func describeIdP(in IdPInput, domains []DomainRef) string {
	names := make([]string, len(domains))
	for i, d := range domains {
		names[i] = d.Name
	}
	return fmt.Sprintf("name=%q issuer=%q client_id=%q scopes=%q enabled=%t domains=%q",
		in.Name, in.Issuer, in.ClientID, in.Scopes, in.Enabled, strings.Join(names, ","))
}

// SaveIdPTest records the result of a test sign-in (JSON for the result page) and its audit
// row. When passed is true and the test ran with the provider's current revision, the provider
// is marked tested by the actor. It takes the result as given, with no sign-in: the portal
// finishes a test sign-in through FinishSSOTest, which reads the rules and acts on them in one
// transaction; this is for tests that need a tested provider.
func (s *Store) SaveIdPTest(ctx context.Context, a Actor, id, revision int64, passed bool, resultJSON, detail string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		var current int64
		err := tx.QueryRowContext(ctx, "SELECT name, revision FROM identity_providers WHERE id = ?", id).Scan(&name, &current)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: test of identity provider %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: test of identity provider %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE identity_providers SET last_test = ? WHERE id = ?", resultJSON, id); err != nil {
			return fmt.Errorf("store: test of identity provider %d: %w", id, err)
		}
		e := AuditEntry{Action: ActionIdPTestFailure, Target: name, Detail: detail}
		if passed && revision == current && a.UserID != 0 {
			if err := s.markTested(ctx, tx, id, a.UserID); err != nil {
				return err
			}
			e.Action, e.After = ActionIdPTestSuccess, "tested"
		} else if passed {
			e.Action, e.Detail = ActionIdPTestSuccess, addDetail(detail, "configuration changed during the test, not marked tested")
		}
		return s.audit(ctx, tx, a, e)
	})
}

// LinkCountOfIdP returns how many people are linked to identities of the provider's issuer.
func (s *Store) LinkCountOfIdP(ctx context.Context, issuer string) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM identity_links WHERE issuer = ?", issuer).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: links of %q: %w", issuer, err)
	}
	return n, nil
}

// DeleteIdP removes a provider with its domains, started sign-ins and the sessions that came
// through it. Links stay: they are (issuer, subject) pairs and work again if the provider is
// added back. While password sign-in is off, a provider that serves domains cannot be removed.
func (s *Store) DeleteIdP(ctx context.Context, a Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanIdP(tx.QueryRowContext(ctx, "SELECT "+idpColumns+idpFrom+" WHERE p.id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: remove identity provider %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: remove identity provider %d: %w", id, err)
		}
		domains, err := s.idpDomains(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := keepsServing(ctx, tx, old, domains, IdPInput{}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM identity_providers WHERE id = ?", id); err != nil {
			return fmt.Errorf("store: remove identity provider %d: %w", id, err)
		}
		ended, err := s.endSSOSessions(ctx, tx, ssoByProvider, id)
		if err != nil {
			return err
		}
		before := describeIdP(IdPInput{Name: old.Name, Issuer: old.Issuer, ClientID: old.ClientID, Scopes: old.Scopes, Enabled: old.Enabled}, domains)
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionIdPRemove, Target: old.Name, Before: before, Detail: ended})
	})
}
