package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Readiness for SSO-only (DESIGN.md, flow 17): how many people are ready, linked, still on
// passwords, and would lose access now. The same conditions filter the Users list, so that every
// number on the overview leads to the people it counts.

// RecentSignIn is how far back "signed in recently" looks.
const RecentSignIn = 30 * 24 * time.Hour

// UserShow selects a group of people in the Users list. The empty value shows everybody.
type UserShow string

// The groups, in the order the pages list them.
const (
	ShowAll       UserShow = ""
	ShowVerified  UserShow = "verified"  // the e-mail is verified
	ShowReady     UserShow = "ready"     // the e-mail's domain is served by an enabled, tested provider
	ShowLinked    UserShow = "linked"    // linked to an SSO identity
	ShowNotLinked UserShow = "notlinked" // ready, and not linked yet
	ShowSSO       UserShow = "sso"       // signed in through SSO within RecentSignIn
	ShowPassword  UserShow = "password"  // signed in with a password within RecentSignIn
	ShowLosing    UserShow = "lose"      // would have no way in if password sign-in went off now
)

// UserShows lists every group, for the filters and their texts.
var UserShows = []UserShow{ShowAll, ShowVerified, ShowReady, ShowLinked, ShowNotLinked, ShowSSO, ShowPassword, ShowLosing}

// ParseUserShow reads a group from a query parameter; ok is false for an unknown one.
func ParseUserShow(s string) (UserShow, bool) {
	for _, g := range UserShows {
		if string(g) == s {
			return g, true
		}
	}
	return ShowAll, false
}

// UserCounts is how many people are in each group (within a search, when one is given).
type UserCounts map[UserShow]int

// readinessBasis is what the groups depend on beyond the users table, read once per request.
type readinessBasis struct {
	ready  string // JSON array: verified domains an enabled, tested provider serves
	losing string // JSON array: ids of the people who would lose access (affectedUsers)
	since  int64  // the start of "recently"
}

func (s *Store) readinessBasis(ctx context.Context, q rowQuerier) (readinessBasis, error) {
	served, err := servedDomains(ctx, q)
	if err != nil {
		return readinessBasis{}, err
	}
	ready := []string{}
	for _, d := range served {
		if d.tested {
			ready = append(ready, d.domain)
		}
	}
	affected, _, err := affectedUsers(ctx, q, served)
	if err != nil {
		return readinessBasis{}, err
	}
	ids := make([]int64, len(affected))
	for i, u := range affected {
		ids[i] = u.ID
	}
	r, _ := json.Marshal(ready) // strings and numbers always marshal
	l, _ := json.Marshal(ids)
	return readinessBasis{ready: string(r), losing: string(l), since: s.Now().Add(-RecentSignIn).Unix()}, nil
}

// userDomain is the domain of a user's (normalised) e-mail in SQL.
const userDomain = "substr(u.email, instr(u.email, '@') + 1)"

// cond is the SQL condition for a group, on users u LEFT JOIN identity_links l, with its
// arguments.
func (b readinessBasis) cond(g UserShow) (string, []any) {
	switch g {
	case ShowVerified:
		return "u.email_verified = 1", nil
	case ShowReady:
		return userDomain + " IN (SELECT value FROM json_each(?))", []any{b.ready}
	case ShowLinked:
		return "l.user_id IS NOT NULL", nil
	case ShowNotLinked:
		return "l.user_id IS NULL AND " + userDomain + " IN (SELECT value FROM json_each(?))", []any{b.ready}
	case ShowSSO:
		return "u.last_sso_login_at >= ?", []any{b.since}
	case ShowPassword:
		return "u.last_password_login_at >= ?", []any{b.since}
	case ShowLosing:
		return "u.id IN (SELECT value FROM json_each(?))", []any{b.losing}
	}
	return "1 = 1", nil
}

// where is the WHERE clause for a group within a search.
func (b readinessBasis) where(f UserFilter) (string, []any) {
	c, args := b.cond(f.Show)
	where := " WHERE " + c
	if q := strings.TrimSpace(f.Query); q != "" {
		sc, sargs := userSearch(q)
		where += " AND " + strings.TrimPrefix(sc, " WHERE ")
		args = append(args, sargs...)
	}
	return where, args
}

// CountUsers counts the people in every group, within the search query (empty: everybody).
// "Would lose access" is the rule of the Password OFF review (affectedUsers), read once here.
func (s *Store) CountUsers(ctx context.Context, query string) (UserCounts, error) {
	b, err := s.readinessBasis(ctx, s.read)
	if err != nil {
		return nil, err
	}
	return s.countUsers(ctx, b, query)
}

func (s *Store) countUsers(ctx context.Context, b readinessBasis, query string) (UserCounts, error) {
	cols, args := []string{"COUNT(*)"}, []any{}
	for _, g := range UserShows[1:] {
		c, a := b.cond(g)
		cols = append(cols, "COALESCE(SUM("+c+"), 0)")
		args = append(args, a...)
	}
	where, wargs := b.where(UserFilter{Query: query})
	vals := make([]int, len(UserShows))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	err := s.read.QueryRowContext(ctx, "SELECT "+strings.Join(cols, ", ")+
		" FROM users u LEFT JOIN identity_links l ON l.user_id = u.id"+where, append(args, wargs...)...).Scan(dest...)
	if err != nil {
		return nil, fmt.Errorf("store: count users by group: %w", err)
	}
	out := UserCounts{}
	for i, g := range UserShows {
		out[g] = vals[i]
	}
	return out, nil
}

// jsonText is v as JSON, for json_each.
func jsonText(v any) string {
	b, _ := json.Marshal(v) // strings and numbers always marshal
	return string(b)
}

// domainOf is the domain of a normalised e-mail address.
func domainOf(email string) string {
	return email[strings.LastIndex(email, "@")+1:]
}
