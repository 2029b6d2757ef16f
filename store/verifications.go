package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// VerificationTTL is how long an e-mail verification link works.
const VerificationTTL = 24 * time.Hour

// VerificationMail is a new verification link and the mail that carries it. Token is the secret
// from NewToken; the store keeps only its hash.
type VerificationMail struct {
	Token string
	Mail  NewMail
}

// Verification is a pending verification link, found by its token.
type Verification struct {
	UserID    int64
	Email     string
	Name      string
	Lang      string
	ExpiresAt time.Time
}

// addVerification voids the user's earlier links and stores a new one with its mail, so that only
// the newest link works. It returns the outbox id of the mail.
func (s *Store) addVerification(ctx context.Context, tx *sql.Tx, a Actor, userID int64, vm VerificationMail) (int64, error) {
	now := s.now()
	if _, err := tx.ExecContext(ctx, `UPDATE email_verifications SET voided_at = ?
		WHERE user_id = ? AND used_at IS NULL AND voided_at IS NULL`, now, userID); err != nil {
		return 0, fmt.Errorf("store: void verifications of user %d: %w", userID, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO email_verifications
		(token_hash, user_id, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hashToken(vm.Token), userID, vm.Mail.To, now, now+int64(VerificationTTL/time.Second))
	if err != nil {
		return 0, fmt.Errorf("store: add verification for user %d: %w", userID, err)
	}
	vm.Mail.UserID = userID
	id, err := s.insertMail(ctx, tx, vm.Mail)
	if err != nil {
		return 0, err
	}
	detail := fmt.Sprintf("mail=%d expires=%s", id, time.Unix(now, 0).Add(VerificationTTL).UTC().Format(time.RFC3339))
	return id, s.audit(ctx, tx, a, AuditEntry{Action: ActionVerificationSend, Target: vm.Mail.To, Detail: detail})
}

// ResendVerification voids the user's earlier links and sends a new one to the user's current
// e-mail. It gives ErrConflict when the e-mail is already verified or is no longer the address
// the mail was written for.
func (s *Store) ResendVerification(ctx context.Context, a Actor, userID int64, vm VerificationMail) (int64, error) {
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var email string
		var verified bool
		err := tx.QueryRowContext(ctx, "SELECT email, email_verified FROM users WHERE id = ?", userID).Scan(&email, &verified)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: resend verification to user %d: %w", userID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: resend verification to user %d: %w", userID, err)
		}
		if verified || email != vm.Mail.To {
			return fmt.Errorf("store: resend verification to user %d: %w", userID, ErrConflict)
		}
		mailID, err = s.addVerification(ctx, tx, a, userID, vm)
		return err
	})
	return mailID, err
}

// VerificationByToken returns the pending link for token without using it. An unknown token gives
// ErrNotFound; a used, voided or expired one, or one for an address the user no longer has, gives
// ErrExpired.
func (s *Store) VerificationByToken(ctx context.Context, token string) (Verification, error) {
	return s.verificationByToken(ctx, s.read, token)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) verificationByToken(ctx context.Context, q queryRower, token string) (Verification, error) {
	var v Verification
	var expires int64
	var used, voided sql.NullInt64
	var current string
	err := q.QueryRowContext(ctx, `SELECT v.user_id, v.email, v.expires_at, v.used_at, v.voided_at,
		u.email, u.name, u.lang
		FROM email_verifications v JOIN users u ON u.id = v.user_id WHERE v.token_hash = ?`,
		hashToken(token)).Scan(&v.UserID, &v.Email, &expires, &used, &voided, &current, &v.Name, &v.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return Verification{}, fmt.Errorf("store: verification link: %w", ErrNotFound)
	}
	if err != nil {
		return Verification{}, fmt.Errorf("store: verification link: %w", err)
	}
	v.ExpiresAt = time.Unix(expires, 0)
	if used.Valid || voided.Valid || expires <= s.now() || current != v.Email {
		return v, fmt.Errorf("store: verification link for user %d: %w", v.UserID, ErrExpired)
	}
	return v, nil
}

// CompleteVerification uses the link: it marks the e-mail verified and the link used, once. The
// audit row names the user as the actor; a carries the client address and request id.
func (s *Store) CompleteVerification(ctx context.Context, a Actor, token string) (Verification, error) {
	var v Verification
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = s.verificationByToken(ctx, tx, token); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE email_verifications SET used_at = ? WHERE token_hash = ?", now, hashToken(token)); err != nil {
			return fmt.Errorf("store: use verification link: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET email_verified = 1, updated_at = ? WHERE id = ?", now, v.UserID); err != nil {
			return fmt.Errorf("store: verify e-mail of user %d: %w", v.UserID, err)
		}
		a.UserID, a.Label = v.UserID, v.Email
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionVerificationComplete, Target: v.Email, Before: "unverified", After: "verified"})
	})
	return v, err
}
