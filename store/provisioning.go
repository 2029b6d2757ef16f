package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"portvakt/store/account"
	"strings"
	"time"
)

// Where a person comes from.
const (
	SourceWeb  = ""     // created on the Users page (or at first run)
	SourceCLI  = "cli"  // created with a host command
	SourceSCIM = "scim" // provisioned by an identity provider over SCIM
)

// Provisioned is a person as an identity provider sees them over SCIM.
type Provisioned struct {
	ID            int64
	Email         string
	Name          string
	GivenName     string
	FamilyName    string
	ExternalID    string
	EmailVerified bool
	IsAdmin       bool
	Active        bool
	Source        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Provision is what an identity provider says a person is: the whole of it (SCIM PUT, or a PATCH
// applied to what it read). Email must already be normalised.
type Provision struct {
	Email      string
	Name       string
	GivenName  string
	FamilyName string
	ExternalID string
	Active     bool
}

// ProvisionFilter selects people by exact e-mail or external id (both empty: everybody), one
// page at a time in id order.
type ProvisionFilter struct {
	Email      string
	ExternalID string
	Offset     int
	Limit      int
}

// ProvisionToken is the API token a provisioning request came with.
type ProvisionToken struct {
	ID   int64
	Name string
	// Vouches: the identity provider vouches for addresses, so an address on a verified domain
	// counts as verified without a verification mail.
	Vouches bool
}

// nullID is the token's id for a column that may be NULL (no token: 0).
func (t ProvisionToken) nullID() any {
	if t.ID == 0 {
		return nil
	}
	return t.ID
}

const provisionedColumns = `id, email, name, given_name, family_name, external_id, email_verified, is_admin,
	deactivated_at IS NULL, source, created_at, updated_at`

func scanProvisioned(row interface{ Scan(...any) error }) (Provisioned, error) {
	var p Provisioned
	var created, updated int64
	err := row.Scan(&p.ID, &p.Email, &p.Name, &p.GivenName, &p.FamilyName, &p.ExternalID, &p.EmailVerified,
		&p.IsAdmin, &p.Active, &p.Source, &created, &updated)
	if err != nil {
		return Provisioned{}, err
	}
	p.CreatedAt, p.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	return p, nil
}

// ProvisionedByID returns one person, or ErrNotFound.
func (s *Store) ProvisionedByID(ctx context.Context, id int64) (Provisioned, error) {
	return s.provisionedByID(ctx, s.read, id)
}

func (s *Store) provisionedByID(ctx context.Context, q queryRower, id int64) (Provisioned, error) {
	p, err := scanProvisioned(q.QueryRowContext(ctx, "SELECT "+provisionedColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Provisioned{}, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Provisioned{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return p, nil
}

// FindProvisioned returns one page of the people matching f, and how many match in all.
func (s *Store) FindProvisioned(ctx context.Context, f ProvisionFilter) ([]Provisioned, int, error) {
	var conds []string
	var args []any
	if f.Email != "" {
		conds, args = append(conds, "email = ?"), append(args, f.Email)
	}
	if f.ExternalID != "" {
		conds, args = append(conds, "external_id = ?"), append(args, f.ExternalID)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count provisioned users: %w", err)
	}
	if f.Limit <= 0 {
		return nil, total, nil
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+provisionedColumns+" FROM users"+where+" ORDER BY id LIMIT ? OFFSET ?",
		append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find provisioned users: %w", err)
	}
	defer rows.Close()
	var out []Provisioned
	for rows.Next() {
		p, err := scanProvisioned(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: find provisioned users: %w", err)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// vouchedVerified reports whether a provisioned address counts as verified: the token's identity
// provider vouches for addresses and the address is on a verified domain.
func vouchedVerified(ctx context.Context, tx *sql.Tx, t ProvisionToken, email string) (bool, error) {
	if !t.Vouches {
		return false, nil
	}
	domain := email[strings.LastIndex(email, "@")+1:]
	var ok bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM domains WHERE name = ? AND status = 'verified')", domain).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: read domain %q: %w", domain, err)
	}
	return ok, nil
}

// deactivationReason is what the Users page shows about a person the identity provider
// deactivated.
func deactivationReason(t ProvisionToken) string {
	return "deactivated by the identity provider (API token " + t.Name + ")"
}

// CreateProvisioned adds a person for an identity provider. Unless the address counts as
// verified (see ProvisionToken.Vouches), vm's verification mail is queued for it; vm is made by
// the caller beforehand, and ignored when not needed. A taken e-mail gives ErrConflict. It
// returns the person and the outbox id of the mail (0 when none was needed).
func (s *Store) CreateProvisioned(ctx context.Context, a Actor, t ProvisionToken, p Provision, vm VerificationMail) (Provisioned, int64, error) {
	if p.badNames() {
		return Provisioned{}, 0, fmt.Errorf("store: create user %q: %w", p.Email, account.ErrNameInvalid)
	}
	var out Provisioned
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		verified, err := vouchedVerified(ctx, tx, t, p.Email)
		if err != nil {
			return err
		}
		now := s.now()
		var deactivated any
		reason := ""
		if !p.Active {
			deactivated, reason = now, deactivationReason(t)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, given_name, family_name, external_id,
			email_verified, created_at, updated_at, source, source_token_id, deactivated_at, deactivated_reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Email, p.Name, p.GivenName, p.FamilyName, p.ExternalID, verified, now, now, SourceSCIM, t.nullID(), deactivated, reason)
		if isUniqueViolation(err) {
			return fmt.Errorf("store: provision user %q: %w", p.Email, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: provision user %q: %w", p.Email, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: provision user %q: %w", p.Email, err)
		}
		if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionUserProvision, Target: p.Email,
			After: fmt.Sprintf("name=%q external_id=%q active=%t verified=%t", p.Name, p.ExternalID, p.Active, verified)}); err != nil {
			return err
		}
		if !verified {
			if mailID, err = s.addVerification(ctx, tx, a, id, vm); err != nil {
				return err
			}
		}
		out, err = s.provisionedByID(ctx, tx, id)
		return err
	})
	return out, mailID, err
}

// UpdateProvisioned replaces what the identity provider owns of a person: e-mail, names,
// external id and whether they are active. From then on the person is the provider's
// (source SCIM). A new e-mail follows the rules of CreateProvisioned (vm for its mail); the
// e-mail of a person with an SSO link cannot change (ErrLinked); a taken one gives ErrConflict.
// Deactivating ends the person's sessions in the same transaction; the last active
// administrator cannot be deactivated (ErrLastAdmin).
func (s *Store) UpdateProvisioned(ctx context.Context, a Actor, t ProvisionToken, id int64, p Provision, vm VerificationMail) (Provisioned, int64, error) {
	var out Provisioned
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.provisionedByID(ctx, tx, id)
		if err != nil {
			return err
		}
		emailChanged := before.Email != p.Email
		verified := before.EmailVerified && !emailChanged
		if emailChanged {
			var linked bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM identity_links WHERE user_id = ?)", id).Scan(&linked); err != nil {
				return fmt.Errorf("store: read link of user %d: %w", id, err)
			}
			if linked {
				return fmt.Errorf("store: change e-mail of user %d: %w", id, ErrLinked)
			}
			if verified, err = vouchedVerified(ctx, tx, t, p.Email); err != nil {
				return err
			}
		}
		if before.Active && !p.Active && before.IsAdmin {
			if err := lastActiveAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := s.writeProvisioned(ctx, tx, t, before, p, verified); err != nil {
			return err
		}
		if err := s.auditProvisioned(ctx, tx, a, before, p, verified); err != nil {
			return err
		}
		if emailChanged && !verified {
			if mailID, err = s.addVerification(ctx, tx, a, id, vm); err != nil {
				return err
			}
		}
		out, err = s.provisionedByID(ctx, tx, id)
		return err
	})
	return out, mailID, err
}

func (s *Store) writeProvisioned(ctx context.Context, tx *sql.Tx, t ProvisionToken, before Provisioned, p Provision, verified bool) error {
	if p.badNames() {
		return fmt.Errorf("store: update user %d: %w", before.ID, account.ErrNameInvalid)
	}
	now := s.now()
	_, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, name = ?, given_name = ?, family_name = ?, external_id = ?,
		email_verified = ?, updated_at = ?, source = ?, source_token_id = ? WHERE id = ?`,
		p.Email, p.Name, p.GivenName, p.FamilyName, p.ExternalID, verified, now, SourceSCIM, t.nullID(), before.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: update user %d: %w", before.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", before.ID, err)
	}
	switch {
	case before.Active && !p.Active:
		if _, err := tx.ExecContext(ctx, "UPDATE users SET deactivated_at = ?, deactivated_reason = ? WHERE id = ?", now, deactivationReason(t), before.ID); err != nil {
			return fmt.Errorf("store: deactivate user %d: %w", before.ID, err)
		}
		if err := s.endAppGrants(ctx, tx, RevokedDeactivated, "g.user_id = ?", before.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", before.ID); err != nil {
			return fmt.Errorf("store: end sessions of user %d: %w", before.ID, err)
		}
	case !before.Active && p.Active:
		if _, err := tx.ExecContext(ctx, "UPDATE users SET deactivated_at = NULL, deactivated_reason = '' WHERE id = ?", before.ID); err != nil {
			return fmt.Errorf("store: reactivate user %d: %w", before.ID, err)
		}
	}
	return nil
}

func (s *Store) auditProvisioned(ctx context.Context, tx *sql.Tx, a Actor, before Provisioned, p Provision, verified bool) error {
	switch {
	case before.Active && !p.Active:
		if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionUserDeactivate, Target: p.Email, Detail: "sessions ended"}); err != nil {
			return err
		}
	case !before.Active && p.Active:
		if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionUserReactivate, Target: p.Email}); err != nil {
			return err
		}
	}
	if before.Email == p.Email && before.Name == p.Name && before.GivenName == p.GivenName &&
		before.FamilyName == p.FamilyName && before.ExternalID == p.ExternalID {
		return nil
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionUserUpdate, Target: p.Email,
		Before: fmt.Sprintf("name=%q email=%q external_id=%q verified=%t", before.Name, before.Email, before.ExternalID, before.EmailVerified),
		After:  fmt.Sprintf("name=%q email=%q external_id=%q verified=%t", p.Name, p.Email, p.ExternalID, verified)})
}

// lastActiveAdmin refuses (ErrLastAdmin) when no other active administrator than id exists.
func lastActiveAdmin(ctx context.Context, tx *sql.Tx, id int64) error {
	var others int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND deactivated_at IS NULL AND id != ?", id).Scan(&others); err != nil {
		return fmt.Errorf("store: count administrators: %w", err)
	}
	if others == 0 {
		return fmt.Errorf("store: user %d is the last active administrator: %w", id, ErrLastAdmin)
	}
	return nil
}

// DeleteUser removes a person with their sessions, link and grant. The last active
// administrator stays (ErrLastAdmin).
func (s *Store) DeleteUser(ctx context.Context, a Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.provisionedByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.IsAdmin {
			if err := lastActiveAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := s.endAppGrants(ctx, tx, RevokedDeleted, "g.user_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM users WHERE id = ?", id); err != nil {
			return fmt.Errorf("store: delete user %d: %w", id, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionUserDelete, Target: p.Email,
			Before: fmt.Sprintf("name=%q external_id=%q admin=%t", p.Name, p.ExternalID, p.IsAdmin)})
	})
}

// badNames reports whether a name of p has characters no name may hold (account.CheckName).
func (p Provision) badNames() bool {
	return account.HasBadNameChars(p.Name) || account.HasBadNameChars(p.GivenName) || account.HasBadNameChars(p.FamilyName)
}
