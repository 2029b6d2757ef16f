package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// The outcome of a test sign-in (DESIGN.md flows 8 and 12). Whatever a test came to, it is one
// transaction that reads every rule it depends on and records the result beside what it did: a
// passing test of the live settings signs the person in and marks the provider tested when it
// ran with the provider's current revision; a passing test of the draft applies it, when it is
// still the revision tested and the password guard holds, and signs the person in through the
// settings now live; a refused or failed test records why. A concurrent change of the provider,
// its draft, the person or their grant lands either before the transaction, which then sees it,
// or after it.

// SSOTest is a test sign-in to finish.
type SSOTest struct {
	// SignIn is the verified answer, from the person testing (Self, who must hold the
	// Authentication Settings grant) in their browser. Its Identity.IdPID is the provider tested;
	// only that counts when Failure is set. AnyIssuer is FinishSSOTest's to set.
	SignIn   SSOSignIn
	Revision int64 // the provider's revision the test started with, or its draft's
	Draft    bool  // a test of the provider's draft
	// Failure is why the test failed before a verified answer came (the provider refused, the
	// draft changed before the callback): it is recorded and nothing else happens.
	Failure *LinkRefusal
	// Notify renders the administrators' mails when an applied draft changes the issuer or
	// client ID; they are queued in the outbox in the same transaction (see applyDraft).
	Notify func(DraftApplied, []MailRecipient) ([]NewMail, error)
	// Record renders the outcome as the test's result page keeps it. It is called inside the
	// transaction, so it only formats.
	Record func(SSOTestOutcome) (string, error)
}

// SSOTestOutcome is what a test sign-in came to.
type SSOTestOutcome struct {
	// SSOOutcome is the match of the tested identity: the person it maps to (also when refused)
	// and how. Session is the session a pass started, through the settings live afterwards; for
	// a test of a draft, Linked is whether that sign-in linked the person (the match links nobody).
	SSOOutcome
	Refusal    *LinkRefusal  // why the test failed; nil when it passed
	Marked     bool          // a passing test of the live settings marked the provider tested
	Applied    *DraftApplied // a passing test of the draft applied it
	NotApplied []string      // why a passing test of the draft was not applied: PasswordOffReason codes or RefuseDraftChanged
	// SignInRefused is why the sign-in through the settings just applied was refused (the draft
	// applied all the same).
	SignInRefused *LinkRefusal
}

// Passed reports whether the test passed.
func (o SSOTestOutcome) Passed() bool { return o.Refusal == nil }

// FinishSSOTest finishes a test sign-in in one transaction: the sign-in, for a draft its
// application, the result and its audit row. A refusal is part of the outcome; an error means
// nothing was recorded.
func (s *Store) FinishSSOTest(ctx context.Context, in SSOTest) (SSOTestOutcome, error) {
	var out SSOTestOutcome
	idpID := in.SignIn.Identity.IdPID
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = SSOTestOutcome{Refusal: in.Failure}
		var name string
		var revision int64
		err := tx.QueryRowContext(ctx, "SELECT name, revision FROM identity_providers WHERE id = ?", idpID).Scan(&name, &revision)
		if err != nil {
			return fmt.Errorf("store: test of identity provider %d: %w", idpID, notFound(err))
		}
		if granted, err := holdsGrant(ctx, tx, in.SignIn.Self); err != nil {
			return err
		} else if !granted {
			return fmt.Errorf("store: test of identity provider %d: %w", idpID, ErrNoGrant)
		}
		if out.Passed() {
			if err := s.testSignIn(ctx, tx, in, revision, &out); err != nil {
				return err
			}
		}
		return s.recordTest(ctx, tx, in, name, &out)
	})
	if err != nil {
		return SSOTestOutcome{}, err
	}
	return out, nil
}

// testSignIn acts on a verified answer of a test inside tx. The parts that can be refused run
// each in a savepoint, so that a refusal leaves nothing of them behind but the rest goes on.
func (s *Store) testSignIn(ctx context.Context, tx *sql.Tx, in SSOTest, revision int64, out *SSOTestOutcome) error {
	a := in.SignIn.Actor
	match := in.SignIn
	match.AnyIssuer = in.Draft // a test of a draft signs nobody in until the draft is applied
	if in.Draft {
		// The answer must come from the draft's issuer: any other says nothing about the draft.
		// A draft gone or saved again since is for applyDraft to tell.
		var issuer string
		err := tx.QueryRowContext(ctx, "SELECT issuer FROM identity_provider_drafts WHERE idp_id = ? AND revision = ?",
			match.Identity.IdPID, in.Revision).Scan(&issuer)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: draft of identity provider %d: %w", match.Identity.IdPID, err)
		}
		if err == nil && issuer != match.Identity.Issuer {
			out.Refusal = &LinkRefusal{Kind: RefuseProviderChanged,
				Detail: fmt.Sprintf("the identity's issuer is %s, not the draft's %s", match.Identity.Issuer, issuer)}
			return nil
		}
	}
	if err := savepoint(ctx, tx, func() error {
		var err error
		out.SSOOutcome, err = s.signInTx(ctx, tx, match)
		return err
	}); err != nil {
		var r *LinkRefusal
		if !errors.As(err, &r) {
			return fmt.Errorf("store: test sign-in: %w", err)
		}
		out.Refusal, out.User = r, r.User
		return nil
	}
	if !in.Draft {
		if revision != in.Revision || a.UserID == 0 {
			return nil
		}
		if err := s.markTested(ctx, tx, match.Identity.IdPID, a.UserID); err != nil {
			return err
		}
		out.Marked = true
		return nil
	}
	relinkSubject := ""
	if out.Relink {
		relinkSubject = match.Identity.Subject
	}
	var applied DraftApplied
	err := savepoint(ctx, tx, func() error {
		var err error
		applied, err = s.applyDraft(ctx, tx, a, match.Identity.IdPID, in.Revision, relinkSubject, in.Notify)
		return err
	})
	var pe *PasswordOffError
	switch {
	case errors.As(err, &pe):
		for _, r := range pe.Reasons {
			out.NotApplied = append(out.NotApplied, string(r))
		}
		return nil
	case errors.Is(err, ErrDraftChanged):
		out.NotApplied = []string{string(RefuseDraftChanged)}
		return nil
	case err != nil:
		return err
	}
	out.Applied = &applied
	// The person is signed in through the settings now live, as a test of the live settings would.
	live := in.SignIn
	live.AnyIssuer = false
	err = savepoint(ctx, tx, func() error {
		signedIn, err := s.signInTx(ctx, tx, live)
		out.Session, out.Linked = signedIn.Session, signedIn.Linked
		return err
	})
	var r *LinkRefusal
	switch {
	case errors.As(err, &r):
		out.SignInRefused = r
	case err != nil:
		return fmt.Errorf("store: sign-in after applying the draft: %w", err)
	}
	return nil
}

// recordTest keeps the test's result on the provider for its page and writes its audit row.
func (s *Store) recordTest(ctx context.Context, tx *sql.Tx, in SSOTest, name string, out *SSOTestOutcome) error {
	idpID := in.SignIn.Identity.IdPID
	result := ""
	if in.Record != nil {
		var err error
		if result, err = in.Record(*out); err != nil {
			return fmt.Errorf("store: test of identity provider %d: %w", idpID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE identity_providers SET last_test = ? WHERE id = ?", result, idpID); err != nil {
		return fmt.Errorf("store: test of identity provider %d: %w", idpID, err)
	}
	detail := ""
	if r := out.Refusal; r != nil {
		detail = string(r.Kind)
		if r.Detail != "" {
			detail += ": " + r.Detail
		}
	}
	e := AuditEntry{Action: ActionIdPTestFailure, Target: name, Detail: detail}
	switch {
	case in.Draft && out.Passed():
		e.Action = ActionIdPDraftTestSuccess
		if out.Applied != nil {
			e.Detail = addDetail(e.Detail, "draft applied")
		} else {
			e.Detail = addDetail(e.Detail, "draft not applied: "+strings.Join(out.NotApplied, ", "))
		}
	case in.Draft:
		e.Action = ActionIdPDraftTestFailure
	case out.Marked:
		e.Action, e.After = ActionIdPTestSuccess, "tested"
	case out.Passed():
		e.Action, e.Detail = ActionIdPTestSuccess, addDetail(e.Detail, "configuration changed during the test, not marked tested")
	}
	return s.audit(ctx, tx, in.SignIn.Actor, e)
}

// markTested marks the provider's live settings tested by userID, now.
func (s *Store) markTested(ctx context.Context, tx *sql.Tx, idpID, userID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE identity_providers SET tested_at = ?, tested_by = ? WHERE id = ?", s.now(), userID, idpID)
	if err != nil {
		return fmt.Errorf("store: mark identity provider %d tested: %w", idpID, err)
	}
	return nil
}

// holdsGrant reports whether userID holds the Authentication Settings grant.
func holdsGrant(ctx context.Context, tx *sql.Tx, userID int64) (bool, error) {
	var granted bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM auth_settings_grants WHERE user_id = ?)", userID).Scan(&granted)
	if err != nil {
		return false, fmt.Errorf("store: grant of user %d: %w", userID, err)
	}
	return granted, nil
}

// savepoint runs fn inside tx so that, when fn fails, what it wrote is undone and the
// transaction goes on. fn's error comes back as it is only once the undo succeeded: when the
// undo fails, the error does not wrap fn's, so that a refusal whose writes are still there is
// not taken for one the caller may record and commit.
func savepoint(ctx context.Context, tx *sql.Tx, fn func() error) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT part"); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO part"); rerr != nil {
			return fmt.Errorf("store: roll back to savepoint: %w (after %v)", rerr, err)
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE part"); rerr != nil {
			return fmt.Errorf("store: release savepoint: %w (after %v)", rerr, err)
		}
		return err
	}
	if _, err := tx.ExecContext(ctx, "RELEASE part"); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}
