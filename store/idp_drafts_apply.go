package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// Applying a provider's draft after a passing test sign-in (DESIGN.md flow 12), inside the
// transaction of FinishSSOTest.

// MailRecipient is a person to tell about a change, in their language ("" when not set).
type MailRecipient struct {
	Email, Name, Lang string
}

// DraftApplied is what a passing test of a draft changed in applying it, for the result page
// and the administrators' mail.
type DraftApplied struct {
	Name           string
	By             string // who applied it
	Before, After  IdPDraft
	IssuerOrClient bool   // the issuer or client ID changed: sessions ended, administrators told
	SessionsEnded  string // note for the page, "" when none
	MailIDs        []int64
}

// applyDraft makes the provider's draft its live settings, inside tx, after a passing test
// sign-in with revision of the draft by a.UserID, who must be the draft's author
// (ErrDraftChanged otherwise). It marks the settings tested by a, and when the issuer or client
// ID changes it ends the sessions that came through the provider and queues the mails that
// notify returns for the administrators. A non-empty relinkSubject moves a's link from the old
// issuer to (new issuer, relinkSubject): the identity the test signed in with. While password
// sign-in is off, it refuses (*PasswordOffError) when afterwards no tested provider would serve a
// verified domain or a would have no way in; what it wrote is then for the caller to undo.
func (s *Store) applyDraft(ctx context.Context, tx *sql.Tx, a Actor, idpID, revision int64, relinkSubject string,
	notify func(DraftApplied, []MailRecipient) ([]NewMail, error)) (DraftApplied, error) {
	var out DraftApplied
	live, err := scanIdP(tx.QueryRowContext(ctx, "SELECT "+idpColumns+idpFrom+" WHERE p.id = ?", idpID))
	if err != nil {
		return DraftApplied{}, fmt.Errorf("store: apply draft of identity provider %d: %w", idpID, notFound(err))
	}
	d, err := scanDraft(tx.QueryRowContext(ctx, draftSelect, idpID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (d.Revision != revision || d.AuthorID != a.UserID || a.UserID == 0)) {
		return DraftApplied{}, fmt.Errorf("store: apply draft of identity provider %d: %w", idpID, ErrDraftChanged)
	}
	if err != nil {
		return DraftApplied{}, fmt.Errorf("store: apply draft of identity provider %d: %w", idpID, err)
	}
	before, err := s.passwordOffState(ctx, tx, "")
	if err != nil {
		return DraftApplied{}, err
	}
	out = DraftApplied{Name: live.Name, By: a.Label, Before: liveSettings(live), After: d,
		IssuerOrClient: d.Issuer != live.Issuer || d.ClientID != live.ClientID}
	_, err = tx.ExecContext(ctx, `UPDATE identity_providers SET preset_json = ?, issuer = ?, client_id = ?, secret_enc = ?,
		scopes = ?, revision = revision + 1, tested_at = ?, tested_by = ?, updated_at = ? WHERE id = ?`,
		d.PresetJSON, d.Issuer, d.ClientID, d.SecretEnc, d.Scopes, s.now(), a.UserID, s.now(), idpID)
	if err != nil {
		return DraftApplied{}, fmt.Errorf("store: apply draft of identity provider %d: %w", idpID, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM identity_provider_drafts WHERE idp_id = ?", idpID); err != nil {
		return DraftApplied{}, fmt.Errorf("store: apply draft of identity provider %d: %w", idpID, err)
	}
	if relinkSubject != "" && d.Issuer != live.Issuer {
		if err := s.relink(ctx, tx, a, live, d.Issuer, relinkSubject); err != nil {
			return DraftApplied{}, err
		}
	}
	if err := s.stillAWayIn(ctx, tx, a.UserID, before.Affected); err != nil {
		return DraftApplied{}, err
	}
	e := AuditEntry{Action: ActionIdPDraftApply, Target: live.Name, Before: describeSettings(out.Before), After: describeSettings(d),
		Detail: "tested with the draft"}
	if !bytes.Equal(d.SecretEnc, live.SecretEnc) {
		e.Detail = addDetail(e.Detail, "client secret replaced")
	}
	if out.IssuerOrClient {
		if out.SessionsEnded, err = s.endSSOSessions(ctx, tx, ssoByProvider, idpID); err != nil {
			return DraftApplied{}, err
		}
		e.Detail = addDetail(e.Detail, out.SessionsEnded)
		if err := s.queueAdminMails(ctx, tx, &out, notify); err != nil {
			return DraftApplied{}, err
		}
	}
	return out, s.audit(ctx, tx, a, e)
}

// stillAWayIn re-checks, inside a transaction that changed a provider while password sign-in is
// off, that a tested provider still serves a verified domain, that userID keeps a way in, and
// that no administrator or Authentication Settings user who had a way in before (not in
// affectedBefore) is left without one: otherwise whoever changed the provider could end up
// holding the only way in.
func (s *Store) stillAWayIn(ctx context.Context, tx *sql.Tx, userID int64, affectedBefore []AffectedUser) error {
	st, err := s.passwordOffState(ctx, tx, "")
	if err != nil || st.PasswordOn {
		return err
	}
	var reasons []PasswordOffReason
	for _, r := range st.Reasons {
		if r != ReasonNoSSOSession {
			reasons = append(reasons, r)
		}
	}
	if slices.ContainsFunc(st.Affected, func(u AffectedUser) bool { return u.ID == userID }) {
		reasons = append(reasons, ReasonLocksOutSelf)
	}
	if lost, err := s.lostPrivileged(ctx, tx, affectedBefore, userID); err != nil {
		return err
	} else if len(lost) > 0 {
		reasons = append(reasons, ReasonLocksOutPrivileged)
	}
	if len(reasons) > 0 {
		return &PasswordOffError{Reasons: reasons}
	}
	return nil
}

// queueAdminMails asks notify for one mail per active administrator and puts them in the outbox.
func (s *Store) queueAdminMails(ctx context.Context, tx *sql.Tx, out *DraftApplied,
	notify func(DraftApplied, []MailRecipient) ([]NewMail, error)) error {
	if notify == nil {
		return nil
	}
	to, err := activeAdministrators(ctx, tx)
	if err != nil {
		return err
	}
	mails, err := notify(*out, to)
	if err != nil {
		return err
	}
	for _, m := range mails {
		id, err := s.insertMail(ctx, tx, m)
		if err != nil {
			return err
		}
		out.MailIDs = append(out.MailIDs, id)
	}
	return nil
}

// relink moves a's link at the provider's old issuer to the new issuer and subject.
func (s *Store) relink(ctx context.Context, tx *sql.Tx, a Actor, live IdP, issuer, subject string) error {
	var oldSubject string
	err := tx.QueryRowContext(ctx, "SELECT subject FROM identity_links WHERE user_id = ? AND issuer = ?", a.UserID, live.Issuer).Scan(&oldSubject)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: link of user %d: %w", a.UserID, err)
	}
	_, err = tx.ExecContext(ctx, "UPDATE identity_links SET issuer = ?, subject = ?, idp_id = ?, linked_at = ?, by_self = 1 WHERE user_id = ?",
		issuer, subject, live.ID, s.now(), a.UserID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: link user %d: %w", a.UserID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: link user %d: %w", a.UserID, err)
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionLinkUpdate, Target: a.Label,
		Before: fmt.Sprintf("issuer=%q subject=%q", live.Issuer, oldSubject), After: fmt.Sprintf("issuer=%q subject=%q", issuer, subject),
		Detail: "moved with the provider's new issuer, after a test sign-in with it"})
}
