package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Staged provider changes (DESIGN.md flow 12). Once a provider is tested, a change of what a
// sign-in depends on (issuer, client ID, client secret, scopes) is saved as a draft beside the
// live settings, which keep serving. A test sign-in with the draft by the person who saved it
// applies it, in the transaction that records the test (FinishSSOTest), which re-checks the
// password guard.

// IdPDraft is a staged change of a provider's sign-in settings.
type IdPDraft struct {
	IdPID      int64
	PresetJSON string
	Issuer     string
	ClientID   string
	SecretEnc  []byte
	Scopes     string
	Revision   int64  // grows with every save, from a random start; a test applies only the revision it ran with
	AuthorID   int64  // who saved it last, the one person whose test can apply it
	Author     string // their e-mail
	UpdatedAt  time.Time
}

// IdPDraft returns the provider's draft, or ErrNotFound.
func (s *Store) IdPDraft(ctx context.Context, idpID int64) (IdPDraft, error) {
	d, err := scanDraft(s.read.QueryRowContext(ctx, draftSelect, idpID))
	if errors.Is(err, sql.ErrNoRows) {
		return IdPDraft{}, fmt.Errorf("store: draft of identity provider %d: %w", idpID, ErrNotFound)
	}
	if err != nil {
		return IdPDraft{}, fmt.Errorf("store: draft of identity provider %d: %w", idpID, err)
	}
	return d, nil
}

const draftSelect = `SELECT d.idp_id, d.preset_json, d.issuer, d.client_id, d.secret_enc, d.scopes, d.revision,
	COALESCE(d.author_id, 0), COALESCE(u.email, ''), d.updated_at
	FROM identity_provider_drafts d LEFT JOIN users u ON u.id = d.author_id WHERE d.idp_id = ?`

func scanDraft(row interface{ Scan(...any) error }) (IdPDraft, error) {
	var d IdPDraft
	var updated int64
	err := row.Scan(&d.IdPID, &d.PresetJSON, &d.Issuer, &d.ClientID, &d.SecretEnc, &d.Scopes, &d.Revision,
		&d.AuthorID, &d.Author, &updated)
	d.UpdatedAt = time.Unix(updated, 0)
	return d, err
}

// sealedSecretFor picks the secret for settings with issuer and clientID: the new one when given,
// else a saved one, but only from settings with the very same issuer and client ID.
func sealedSecretFor(in IdPInput, saved ...IdPDraft) ([]byte, error) {
	if in.SecretEnc != nil {
		return in.SecretEnc, nil
	}
	for _, d := range saved {
		if d.Issuer == in.Issuer && d.ClientID == in.ClientID && d.SecretEnc != nil {
			return d.SecretEnc, nil
		}
	}
	return nil, ErrSecretRequired
}

// On returns p with the draft's sign-in settings, as a test of the draft uses them.
func (d IdPDraft) On(p IdP) IdP {
	p.PresetJSON, p.Issuer, p.ClientID, p.SecretEnc, p.Scopes = d.PresetJSON, d.Issuer, d.ClientID, d.SecretEnc, d.Scopes
	p.Draft, p.Revision = true, d.Revision
	return p
}

func liveSettings(p IdP) IdPDraft {
	return IdPDraft{IdPID: p.ID, PresetJSON: p.PresetJSON, Issuer: p.Issuer, ClientID: p.ClientID, SecretEnc: p.SecretEnc, Scopes: p.Scopes}
}

// sameSettings reports whether a draft would change nothing a sign-in depends on.
func sameSettings(a, b IdPDraft) bool {
	return a.Issuer == b.Issuer && a.ClientID == b.ClientID && a.Scopes == b.Scopes && a.PresetJSON == b.PresetJSON &&
		bytes.Equal(a.SecretEnc, b.SecretEnc)
}

func describeSettings(d IdPDraft) string {
	return fmt.Sprintf("issuer=%q client_id=%q scopes=%q", d.Issuer, d.ClientID, d.Scopes)
}

// SaveIdPDraft stages the sign-in settings of in (issuer, client ID, secret, scopes, preset
// fields) for a tested provider. A nil SecretEnc keeps the draft's or the live secret, but only
// when issuer and client ID are the same as theirs; otherwise ErrSecretRequired. Settings equal to
// the live ones discard the draft when its author saves them; settings equal to the draft's leave
// it, and its author, as they are. It reports whether a draft is waiting afterwards.
func (s *Store) SaveIdPDraft(ctx context.Context, a Actor, idpID int64, in IdPInput) (bool, error) {
	staged := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		live, err := scanIdP(tx.QueryRowContext(ctx, "SELECT "+idpColumns+idpFrom+" WHERE p.id = ?", idpID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: draft of identity provider %d: %w", idpID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: draft of identity provider %d: %w", idpID, err)
		}
		old, err := scanDraft(tx.QueryRowContext(ctx, draftSelect, idpID))
		hadDraft := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: draft of identity provider %d: %w", idpID, err)
		}
		sources := []IdPDraft{liveSettings(live)}
		if hadDraft {
			sources = []IdPDraft{old, liveSettings(live)}
		}
		secret, err := sealedSecretFor(in, sources...)
		if err != nil {
			return fmt.Errorf("store: draft of identity provider %q: %w", live.Name, err)
		}
		d := IdPDraft{IdPID: idpID, PresetJSON: in.PresetJSON, Issuer: in.Issuer, ClientID: in.ClientID, SecretEnc: secret, Scopes: in.Scopes}
		// A draft is its author's: only they discard it by saving the live settings again, and
		// saving the draft's own settings changes nothing (nobody adopts a draft, whose test
		// by its author applies it).
		if sameSettings(d, liveSettings(live)) {
			if !hadDraft || old.AuthorID != a.UserID {
				staged = hadDraft
				return nil
			}
			return s.discardDraft(ctx, tx, a, live.Name, old)
		}
		if hadDraft && sameSettings(d, old) {
			staged = true
			return nil
		}
		now := s.now()
		var author any
		if a.UserID != 0 {
			author = a.UserID
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO identity_provider_drafts
			(idp_id, preset_json, issuer, client_id, secret_enc, scopes, revision, author_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (idp_id) DO UPDATE SET preset_json = excluded.preset_json, issuer = excluded.issuer,
				client_id = excluded.client_id, secret_enc = excluded.secret_enc, scopes = excluded.scopes,
				revision = revision + 1, author_id = excluded.author_id, updated_at = excluded.updated_at`,
			idpID, d.PresetJSON, d.Issuer, d.ClientID, d.SecretEnc, d.Scopes, firstRevision(), author, now, now)
		if err != nil {
			return fmt.Errorf("store: save draft of identity provider %d: %w", idpID, err)
		}
		staged = true
		e := AuditEntry{Action: ActionIdPDraftSave, Target: live.Name, Before: describeSettings(liveSettings(live)), After: describeSettings(d)}
		if in.SecretEnc != nil {
			e.Detail = "new client secret in the draft"
		}
		return s.audit(ctx, tx, a, e)
	})
	return staged, err
}

// firstRevision is where the revisions of a new provider or a new draft start: at random, below
// 2^52, so that a test begun with a draft that was discarded or applied since never finds its
// revision again in the next draft of the provider, and a test begun with a removed provider
// never finds it in a provider made later under the same id; neither's settings were tested.
func firstRevision() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>12) + 1
}

// DiscardIdPDraft drops the provider's draft; the live settings stay as they are. No draft gives
// ErrNotFound.
func (s *Store) DiscardIdPDraft(ctx context.Context, a Actor, idpID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM identity_providers WHERE id = ?", idpID).Scan(&name); err != nil {
			return fmt.Errorf("store: discard draft of identity provider %d: %w", idpID, notFound(err))
		}
		d, err := scanDraft(tx.QueryRowContext(ctx, draftSelect, idpID))
		if err != nil {
			return fmt.Errorf("store: discard draft of identity provider %d: %w", idpID, notFound(err))
		}
		return s.discardDraft(ctx, tx, a, name, d)
	})
}

func (s *Store) discardDraft(ctx context.Context, tx *sql.Tx, a Actor, name string, d IdPDraft) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM identity_provider_drafts WHERE idp_id = ?", d.IdPID); err != nil {
		return fmt.Errorf("store: discard draft of identity provider %d: %w", d.IdPID, err)
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionIdPDraftDiscard, Target: name, Before: describeSettings(d)})
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
