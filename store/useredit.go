package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"portvakt/store/account"
)

// CreateUserWithVerification adds a user (whose e-mail is not verified) together with a
// verification link and the mail that carries it, all or nothing. lang is the language the person
// reads portvakt in ("" for the default). It returns the user and the outbox id of the mail.
func (s *Store) CreateUserWithVerification(ctx context.Context, a Actor, nu NewUser, lang string, vm VerificationMail) (User, int64, error) {
	var u User
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		nu.EmailVerified = false
		if u, err = s.createUser(ctx, tx, a, nu); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET lang = ? WHERE id = ?", lang, u.ID); err != nil {
			return fmt.Errorf("store: set language of user %d: %w", u.ID, err)
		}
		mailID, err = s.addVerification(ctx, tx, a, u.ID, vm)
		return err
	})
	return u, mailID, err
}

// UserUpdate is an administrator's change to a user's name, e-mail and language.
type UserUpdate struct {
	Name  string
	Email string // normalised
	Lang  string
}

// UpdateUser changes a user's name, e-mail and language. A new e-mail is unverified until the link
// in vm is used; vm is required then and ignored otherwise. The e-mail of a user with an SSO link
// cannot change (ErrLinked); an e-mail another user has gives ErrConflict. It returns the outbox id
// of the verification mail, or 0 when the e-mail did not change.
func (s *Store) UpdateUser(ctx context.Context, a Actor, id int64, upd UserUpdate, vm *VerificationMail) (int64, error) {
	if account.HasBadNameChars(upd.Name) {
		return 0, fmt.Errorf("store: update user %d: %w", id, account.ErrNameInvalid)
	}
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanUserItem(tx.QueryRowContext(ctx, "SELECT "+userItemColumns+userItemFrom+" WHERE u.id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: update user %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: update user %d: %w", id, err)
		}
		emailChanged := before.Email != upd.Email
		if emailChanged && !account.IsNormalised(upd.Email) {
			return fmt.Errorf("store: change e-mail of user %d to %q: %w", id, upd.Email, ErrEmailNotNormalised)
		}
		if emailChanged && before.Link != nil {
			return fmt.Errorf("store: change e-mail of user %d: %w", id, ErrLinked)
		}
		if emailChanged && (vm == nil || vm.Mail.To != upd.Email) {
			return fmt.Errorf("store: change e-mail of user %d: verification mail for the new address is missing", id)
		}
		if err := s.writeUserUpdate(ctx, tx, a, before, upd); err != nil {
			return err
		}
		if emailChanged {
			mailID, err = s.addVerification(ctx, tx, a, id, *vm)
		}
		return err
	})
	return mailID, err
}

func (s *Store) writeUserUpdate(ctx context.Context, tx *sql.Tx, a Actor, before UserListItem, upd UserUpdate) error {
	verified := before.EmailVerified && before.Email == upd.Email
	_, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, email = ?, lang = ?, email_verified = ?, updated_at = ?
		WHERE id = ?`, upd.Name, upd.Email, upd.Lang, verified, s.now(), before.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: update user %d: %w", before.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", before.ID, err)
	}
	if before.Name == upd.Name && before.Email == upd.Email && before.Lang == upd.Lang {
		return nil
	}
	return s.audit(ctx, tx, a, AuditEntry{
		Action: ActionUserUpdate, Target: upd.Email,
		Before: fmt.Sprintf("name=%q email=%q lang=%q verified=%t", before.Name, before.Email, before.Lang, before.EmailVerified),
		After:  fmt.Sprintf("name=%q email=%q lang=%q verified=%t", upd.Name, upd.Email, upd.Lang, verified),
	})
}

// SetAdmin makes a user an administrator or takes that away. The count of administrators is read
// in the same transaction as the change, so the last administrator stays one even when several
// requests race (ErrLastAdmin).
func (s *Store) SetAdmin(ctx context.Context, a Actor, id int64, admin bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var email string
		var was bool
		err := tx.QueryRowContext(ctx, "SELECT email, is_admin FROM users WHERE id = ?", id).Scan(&email, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: set administrator %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: set administrator %d: %w", id, err)
		}
		if was == admin {
			return nil
		}
		before, off, err := s.waysIn(ctx, tx)
		if err != nil {
			return err
		}
		if !admin {
			var others int
			// A deactivated administrator cannot sign in, so does not count.
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND deactivated_at IS NULL AND id != ?", id).Scan(&others); err != nil {
				return fmt.Errorf("store: count administrators: %w", err)
			}
			if others == 0 {
				return fmt.Errorf("store: remove administrator %s: %w", email, ErrLastAdmin)
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET is_admin = ?, updated_at = ? WHERE id = ?", admin, s.now(), id); err != nil {
			return fmt.Errorf("store: set administrator %d: %w", id, err)
		}
		if err := s.keepPrivilegedWaysIn(ctx, tx, before, off); err != nil {
			return fmt.Errorf("store: make %s administrator: %w", email, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionUserAdmin, Target: email,
			Before: fmt.Sprintf("admin=%t", was), After: fmt.Sprintf("admin=%t", admin)})
	})
}
