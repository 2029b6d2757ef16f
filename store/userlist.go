package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// SQLite's lower() and LIKE fold only ASCII; searching for "åsa" must find "Åsa".
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("portvakt_fold", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, _ := args[0].(string)
			return strings.ToLower(s), nil
		})
}

// UserListItem is a user as the Users pages show it.
type UserListItem struct {
	User
	Lang     string // "sv", "en", or "" for the instance default
	Link     *Link  // nil when the user has no SSO link
	HasGrant bool   // access to Authentication Settings
	// The latest sign-in with a password and through SSO; zero when none was recorded.
	LastPasswordLoginAt, LastSSOLoginAt time.Time

	Source            string // SourceWeb, SourceCLI or SourceSCIM
	SourceToken       string // the API token that provisioned the person, for SourceSCIM
	DeactivatedAt     time.Time
	DeactivatedReason string
}

// UserFilter selects users for the Users list.
type UserFilter struct {
	Query  string   // part of the name or e-mail, any case; empty: everybody
	Show   UserShow // a group of people (readiness.go); empty: everybody
	Offset int
	Limit  int
}

const userItemColumns = `u.id, u.email, u.name, u.email_verified, u.is_admin, u.password_hash != '',
	u.created_at, u.last_login_at, u.lang, l.idp_id, l.issuer, l.subject, l.linked_at, g.user_id IS NOT NULL,
	u.last_password_login_at, u.last_sso_login_at, u.source, COALESCE(t.name, ''), u.deactivated_at, u.deactivated_reason`

const userItemFrom = ` FROM users u LEFT JOIN identity_links l ON l.user_id = u.id
	LEFT JOIN auth_settings_grants g ON g.user_id = u.id LEFT JOIN api_tokens t ON t.id = u.source_token_id`

func scanUserItem(row interface{ Scan(...any) error }) (UserListItem, error) {
	var it UserListItem
	var created int64
	var last, linked, idp, lastPassword, lastSSO, deactivated sql.NullInt64
	var issuer, subject sql.NullString
	err := row.Scan(&it.ID, &it.Email, &it.Name, &it.EmailVerified, &it.IsAdmin, &it.HasPassword,
		&created, &last, &it.Lang, &idp, &issuer, &subject, &linked, &it.HasGrant, &lastPassword, &lastSSO,
		&it.Source, &it.SourceToken, &deactivated, &it.DeactivatedReason)
	if err != nil {
		return UserListItem{}, err
	}
	it.CreatedAt, it.LastLoginAt = time.Unix(created, 0), unixTime(last)
	it.LastPasswordLoginAt, it.LastSSOLoginAt = unixTime(lastPassword), unixTime(lastSSO)
	it.DeactivatedAt, it.Deactivated = unixTime(deactivated), deactivated.Valid
	if issuer.Valid {
		it.Link = &Link{UserID: it.ID, IdPID: idp.Int64, Issuer: issuer.String, Subject: subject.String, LinkedAt: unixTime(linked)}
	}
	return it, nil
}

// ListUsers returns one page of users ordered by name, and how many match in all.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]UserListItem, int, error) {
	b, counts, err := s.basisFor(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	where, args := b.where(f)
	var total int
	switch {
	case counts != nil:
		total = counts[f.Show]
	case f.Show == ShowAll && strings.TrimSpace(f.Query) != "":
		total, err = s.countSearch(ctx, f.Query)
	default:
		err = s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u LEFT JOIN identity_links l ON l.user_id = u.id"+where, args...).Scan(&total)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: count users: %w", err)
	}
	out, err := s.pageUsers(ctx, where, args, f)
	return out, total, err
}

// basisFor reads what f's group depends on: nothing for everybody, the ready domains for most
// groups, and for ShowLosing the people within the search who would lose access, with the
// counts of every group read in the same pass.
func (s *Store) basisFor(ctx context.Context, f UserFilter) (readinessBasis, UserCounts, error) {
	switch f.Show {
	case ShowAll:
		return readinessBasis{}, nil, nil
	case ShowLosing:
		return s.userGroups(ctx, f.Query)
	}
	b, _, err := s.readyBasis(ctx)
	return b, nil, err
}

// ListUsersCounted is ListUsers with how many people are in each group within the search, as
// the Users page shows beside its filters. The groups are read once for both, from the people
// the search matches only.
func (s *Store) ListUsersCounted(ctx context.Context, f UserFilter) ([]UserListItem, UserCounts, error) {
	b, counts, err := s.userGroups(ctx, f.Query)
	if err != nil {
		return nil, nil, err
	}
	where, args := b.where(f)
	out, err := s.pageUsers(ctx, where, args, f)
	return out, counts, err
}

// ExportUsers returns every user that f selects (Offset and Limit aside), ordered by name, for
// the CSV export.
func (s *Store) ExportUsers(ctx context.Context, f UserFilter) ([]UserListItem, error) {
	b, _, err := s.basisFor(ctx, f)
	if err != nil {
		return nil, err
	}
	where, args := b.where(f)
	return s.listUsers(ctx, where+" ORDER BY u.name, u.id", args...)
}

// pageUsers lists the page of f among the users where selects, by name. The page is picked by
// name and id alone, and only its people are read whole: sorting every match with all its
// columns and joins cost a search as much as everything else it did.
func (s *Store) pageUsers(ctx context.Context, where string, args []any, f UserFilter) ([]UserListItem, error) {
	return s.listUsers(ctx, " WHERE u.id IN (SELECT u.id FROM users u LEFT JOIN identity_links l ON l.user_id = u.id"+where+
		" ORDER BY u.name, u.id LIMIT ? OFFSET ?) ORDER BY u.name, u.id", append(args, pageLimit(f.Limit), max(f.Offset, 0))...)
}

func (s *Store) listUsers(ctx context.Context, tail string, args ...any) ([]UserListItem, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+userItemColumns+userItemFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []UserListItem
	for rows.Next() {
		it, err := scanUserItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// UserItem returns one user with link and grant, or ErrNotFound.
func (s *Store) UserItem(ctx context.Context, id int64) (UserListItem, error) {
	it, err := scanUserItem(s.read.QueryRowContext(ctx, "SELECT "+userItemColumns+userItemFrom+" WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return UserListItem{}, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return UserListItem{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return it, nil
}
