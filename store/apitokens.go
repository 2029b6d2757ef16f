package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Purposes of API tokens. A token works for its own purpose only.
const (
	PurposeSCIM  = "scim"  // SCIM 2.0 provisioning from an identity provider
	PurposeAudit = "audit" // reading the audit log (a SIEM)
)

// APITokenPrefix starts every API token, so secret scanners can recognise a leaked one.
const APITokenPrefix = "pvk_"

// ValidPurpose reports whether p names a purpose.
func ValidPurpose(p string) bool { return p == PurposeSCIM || p == PurposeAudit }

// APIToken is an API token as lists show it; the secret itself is never stored.
type APIToken struct {
	ID             int64
	Name           string
	Purpose        string
	Hint           string // the first characters of the secret, e.g. "pvk_AbCd"
	IdPVouches     bool   // SCIM: provisioned addresses on verified domains count as verified
	CreatedBy      string // e-mail of the person, or "cli"
	CreatedAt      time.Time
	ExpiresAt      time.Time // zero: never
	RevokedAt      time.Time // zero: not revoked
	RevokedBy      string
	LastUsedAt     time.Time // zero: never used
	LastUsedIP     string
	ExpiryMailedAt time.Time
}

// Expired reports whether the token is past its expiry at now.
func (t APIToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Usable reports whether the token is neither revoked nor expired at now.
func (t APIToken) Usable(now time.Time) bool { return t.RevokedAt.IsZero() && !t.Expired(now) }

// NewAPIToken describes a token to create. A zero ExpiresAt means the token never expires.
type NewAPIToken struct {
	Name       string
	Purpose    string
	ExpiresAt  time.Time
	IdPVouches bool
}

const apiTokenColumns = `id, name, purpose, hint, idp_vouches, created_by_label, created_at, expires_at,
	revoked_at, revoked_by_label, last_used_at, last_used_ip, expiry_mailed_at`

func scanAPIToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var created int64
	var expires, revoked, used, mailed sql.NullInt64
	err := row.Scan(&t.ID, &t.Name, &t.Purpose, &t.Hint, &t.IdPVouches, &t.CreatedBy, &created, &expires,
		&revoked, &t.RevokedBy, &used, &t.LastUsedIP, &mailed)
	if err != nil {
		return APIToken{}, err
	}
	t.CreatedAt = time.Unix(created, 0)
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.ExpiryMailedAt = unixTime(expires), unixTime(revoked), unixTime(used), unixTime(mailed)
	return t, nil
}

// CreateAPIToken stores a new token and returns it with its secret, which is shown once and
// never again: the database keeps only its hash.
func (s *Store) CreateAPIToken(ctx context.Context, a Actor, nt NewAPIToken) (APIToken, string, error) {
	if !ValidPurpose(nt.Purpose) {
		return APIToken{}, "", fmt.Errorf("store: create API token: unknown purpose %q", nt.Purpose)
	}
	secret := APITokenPrefix + NewToken() // 256 random bits
	var t APIToken
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var expires, by any
		if !nt.ExpiresAt.IsZero() {
			expires = nt.ExpiresAt.Unix()
		}
		if a.UserID != 0 {
			by = a.UserID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens
			(name, purpose, token_hash, hint, idp_vouches, created_by, created_by_label, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nt.Name, nt.Purpose, hashToken(secret), secret[:len(APITokenPrefix)+4], nt.IdPVouches, by, a.Label, s.now(), expires)
		if err != nil {
			return fmt.Errorf("store: create API token %q: %w", nt.Name, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: create API token %q: %w", nt.Name, err)
		}
		if t, err = scanAPIToken(tx.QueryRowContext(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens WHERE id = ?", id)); err != nil {
			return fmt.Errorf("store: create API token %q: %w", nt.Name, err)
		}
		expiry := "never"
		if !nt.ExpiresAt.IsZero() {
			expiry = nt.ExpiresAt.UTC().Format(time.RFC3339)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionTokenCreate, Target: nt.Name,
			After: fmt.Sprintf("purpose=%s expires=%s hint=%s idp_vouches=%t", nt.Purpose, expiry, t.Hint, nt.IdPVouches)})
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, secret, nil
}

// ListAPITokens returns every token, the newest first, revoked ones included.
func (s *Store) ListAPITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens ORDER BY created_at DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("store: list API tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list API tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// APITokenByID returns one token, or ErrNotFound.
func (s *Store) APITokenByID(ctx context.Context, id int64) (APIToken, error) {
	t, err := scanAPIToken(s.read.QueryRowContext(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, fmt.Errorf("store: API token %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("store: API token %d: %w", id, err)
	}
	return t, nil
}

// RevokeAPIToken ends a token at once. Revoking a revoked token changes nothing.
func (s *Store) RevokeAPIToken(ctx context.Context, a Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var name string
		var revoked sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT name, revoked_at FROM api_tokens WHERE id = ?", id).Scan(&name, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: revoke API token %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: revoke API token %d: %w", id, err)
		}
		if revoked.Valid {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ?, revoked_by_label = ? WHERE id = ?", s.now(), a.Label, id); err != nil {
			return fmt.Errorf("store: revoke API token %d: %w", id, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionTokenRevoke, Target: name})
	})
}

// APITokenBySecret returns the token whose secret this is, when it can be used now: an unknown
// or revoked secret gives ErrNotFound, an expired one ErrExpired. The purpose is the caller's to
// check. The token does not depend on who created it or on the sign-in policy.
func (s *Store) APITokenBySecret(ctx context.Context, secret string) (APIToken, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 128 {
		return APIToken{}, fmt.Errorf("store: API token: %w", ErrNotFound)
	}
	t, err := scanAPIToken(s.read.QueryRowContext(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens WHERE token_hash = ?", hashToken(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, fmt.Errorf("store: API token: %w", ErrNotFound)
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("store: API token: %w", err)
	}
	if !t.RevokedAt.IsZero() {
		return APIToken{}, fmt.Errorf("store: API token %d revoked: %w", t.ID, ErrNotFound)
	}
	if t.Expired(s.Now()) {
		return t, fmt.Errorf("store: API token %d: %w", t.ID, ErrExpired)
	}
	return t, nil
}

// RecordAPITokenUse stamps the time and client address of a token's use.
func (s *Store) RecordAPITokenUse(ctx context.Context, id int64, clientIP string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ?, last_used_ip = ? WHERE id = ?", s.now(), clientIP, id); err != nil {
			return fmt.Errorf("store: record use of API token %d: %w", id, err)
		}
		return nil
	})
}

// QueueTokenExpiryMails finds the usable tokens that expire before t and whose administrators
// have not been told, asks compose for one mail per active administrator and token, queues
// them and marks the tokens as told, in one transaction: a restart neither loses nor repeats
// the warning. It returns the outbox ids of the mails.
func (s *Store) QueueTokenExpiryMails(ctx context.Context, t time.Time, compose func(APIToken, []MailRecipient) ([]NewMail, error)) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+apiTokenColumns+` FROM api_tokens
			WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at < ? AND expires_at > ?
			AND expiry_mailed_at IS NULL ORDER BY expires_at`, t.Unix(), s.now())
		if err != nil {
			return fmt.Errorf("store: API tokens expiring: %w", err)
		}
		var due []APIToken
		for rows.Next() {
			tk, err := scanAPIToken(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("store: API tokens expiring: %w", err)
			}
			due = append(due, tk)
		}
		rows.Close()
		if len(due) == 0 {
			return rows.Err()
		}
		to, err := activeAdministrators(ctx, tx)
		if err != nil {
			return err
		}
		for _, tk := range due {
			mails, err := compose(tk, to)
			if err != nil {
				return err
			}
			for _, m := range mails {
				id, err := s.insertMail(ctx, tx, m)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET expiry_mailed_at = ? WHERE id = ?", s.now(), tk.ID); err != nil {
				return fmt.Errorf("store: mark API token %d: %w", tk.ID, err)
			}
			if err := s.audit(ctx, tx, SystemActor, AuditEntry{Action: ActionTokenExpiryWarned, Target: tk.Name,
				Detail: fmt.Sprintf("expires=%s administrators=%d", tk.ExpiresAt.UTC().Format(time.RFC3339), len(to))}); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

// activeAdministrators are the administrators who may get mail.
func activeAdministrators(ctx context.Context, tx *sql.Tx) ([]MailRecipient, error) {
	rows, err := tx.QueryContext(ctx, "SELECT email, name, lang FROM users WHERE is_admin = 1 AND deactivated_at IS NULL ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("store: administrators: %w", err)
	}
	defer rows.Close()
	var to []MailRecipient
	for rows.Next() {
		var r MailRecipient
		if err := rows.Scan(&r.Email, &r.Name, &r.Lang); err != nil {
			return nil, fmt.Errorf("store: administrators: %w", err)
		}
		to = append(to, r)
	}
	return to, rows.Err()
}
