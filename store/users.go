package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"portvakt/store/account"
)

// User is a person who can sign in to portvakt.
type User struct {
	ID            int64
	Email         string
	Name          string
	EmailVerified bool
	IsAdmin       bool
	HasPassword   bool
	CreatedAt     time.Time
	LastLoginAt   time.Time // zero when never signed in
	Deactivated   bool      // deactivated (by the identity provider): no sign-in of any kind
}

// NewUser holds what is needed to create a user. Email must already be normalised.
type NewUser struct {
	Email         string
	Name          string
	Admin         bool
	EmailVerified bool
	PasswordHash  string // empty: the user has no password
}

// userSource is where a new person comes from, as the Users page shows it: the web pages (""),
// or a host command ("cli").
func userSource(a Actor) string {
	if a.IsHost() {
		return SourceCLI
	}
	return ""
}

const userColumns = `id, email, name, email_verified, is_admin, password_hash != '', created_at, last_login_at, deactivated_at IS NOT NULL`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created int64
	var last sql.NullInt64
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.EmailVerified, &u.IsAdmin, &u.HasPassword, &created, &last, &u.Deactivated)
	if err != nil {
		return User{}, err
	}
	u.CreatedAt = time.Unix(created, 0)
	u.LastLoginAt = unixTime(last)
	return u, nil
}

// CreateUser adds a user and its audit row. A duplicate e-mail gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, a Actor, nu NewUser) (User, error) {
	var u User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = s.createUser(ctx, tx, a, nu)
		return err
	})
	return u, err
}

func (s *Store) createUser(ctx context.Context, tx *sql.Tx, a Actor, nu NewUser) (User, error) {
	if !account.IsNormalised(nu.Email) {
		return User{}, fmt.Errorf("store: create user %q: %w", nu.Email, ErrEmailNotNormalised)
	}
	if account.HasBadNameChars(nu.Name) {
		return User{}, fmt.Errorf("store: create user %q: %w", nu.Email, account.ErrNameInvalid)
	}
	now := s.now()
	res, err := tx.ExecContext(ctx, `INSERT INTO users
		(email, name, email_verified, is_admin, password_hash, created_at, updated_at, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, nu.Email, nu.Name, nu.EmailVerified, nu.Admin, nu.PasswordHash, now, now, userSource(a))
	if err != nil {
		if isUniqueViolation(err) {
			return User{}, fmt.Errorf("store: create user %q: %w", nu.Email, ErrConflict)
		}
		return User{}, fmt.Errorf("store: create user %q: %w", nu.Email, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return User{}, fmt.Errorf("store: create user %q: %w", nu.Email, err)
	}
	after := fmt.Sprintf("name=%q admin=%t verified=%t password=%t", nu.Name, nu.Admin, nu.EmailVerified, nu.PasswordHash != "")
	if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionUserCreate, Target: nu.Email, After: after}); err != nil {
		return User{}, err
	}
	return scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
}

// UserByID returns the user with id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the user with the (normalised) e-mail, or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user %q: %w", email, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user %q: %w", email, err)
	}
	return u, nil
}

// PasswordHash returns the stored password hash of a user ("" when the user has none).
func (s *Store) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := s.read.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = ?", userID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: password of user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: password of user %d: %w", userID, err)
	}
	return h, nil
}

// SetPasswordHash replaces a user's password hash (used to upgrade hashing parameters and by the
// CLI); the audit row never contains the hash.
func (s *Store) SetPasswordHash(ctx context.Context, a Actor, userID int64, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRowContext(ctx, "SELECT email FROM users WHERE id = ?", userID).Scan(&email); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: set password of user %d: %w", userID, ErrNotFound)
			}
			return fmt.Errorf("store: set password of user %d: %w", userID, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.now(), userID); err != nil {
			return fmt.Errorf("store: set password of user %d: %w", userID, err)
		}
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionUserPassword, Target: email})
	})
}

// RecordLogin stamps a successful sign-in on the user and writes its audit row.
func (s *Store) RecordLogin(ctx context.Context, a Actor, userID int64, method string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.recordLogin(ctx, tx, a, userID, method, 0)
	})
}

// recordLogin stamps a sign-in inside tx, counts it in the daily roll-up (signin_rollup.go) and
// audit-logs it. idpID is the provider of an SSO sign-in.
func (s *Store) recordLogin(ctx context.Context, tx *sql.Tx, a Actor, userID int64, method string, idpID int64) error {
	now := s.now()
	if _, err := tx.ExecContext(ctx, "UPDATE users SET last_login_at = ?1, "+lastLoginColumn(method)+" = ?1 WHERE id = ?2", now, userID); err != nil {
		return fmt.Errorf("store: record login of user %d: %w", userID, err)
	}
	if err := countSignIn(ctx, tx, now, method, idpID); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionLoginSuccess, Target: a.Label, Detail: "method=" + method})
}

// HasAdmin reports whether at least one administrator exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE is_admin = 1").Scan(&n); err != nil {
		return false, fmt.Errorf("store: count administrators: %w", err)
	}
	return n > 0, nil
}

// isUniqueViolation reports whether err is SQLite's UNIQUE or PRIMARY KEY constraint error. It
// reads the extended result code, not the message, which SQLite does not promise to keep.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
