package store

import (
	"context"
	"database/sql"
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
	losing string // JSON array: ids of the people within the search who would lose access
	since  int64  // the start of "recently"
}

// readyBasis is the basis for every group but ShowLosing, which needs userGroups.
func (s *Store) readyBasis(ctx context.Context) (readinessBasis, []servedDomain, error) {
	served, err := servedDomains(ctx, s.read)
	if err != nil {
		return readinessBasis{}, nil, err
	}
	ready := []string{}
	for _, d := range served {
		if d.tested {
			ready = append(ready, d.domain)
		}
	}
	return readinessBasis{ready: jsonText(ready), losing: "[]", since: s.Now().Add(-RecentSignIn).Unix()}, served, nil
}

// userGroups counts the people in every group within the search q (everybody when q is empty)
// and finds who of them would lose access, in one pass over the people the search matches:
// a search never reads the people it does not match. "Would lose access" is the rule of the
// Password OFF review (lossOf, as affectedUsers applies it); the other groups are counted by
// the conditions that list them (cond), so that every number leads to the people it counts.
func (s *Store) userGroups(ctx context.Context, q string) (readinessBasis, UserCounts, error) {
	b, served, err := s.readyBasis(ctx)
	if err != nil {
		return b, nil, err
	}
	allowed, err := allowedDomains(ctx, s.read)
	if err != nil {
		return b, nil, err
	}
	ready := map[string]bool{}
	for _, d := range served {
		if d.tested {
			ready[d.domain] = true
		}
	}
	// One column of flags instead of five: each column read costs more than the SQL that
	// computes it.
	query := `SELECT u.id, u.email, ` + wayInIssuer + `,
		(u.email_verified = 1) + ((l.user_id IS NOT NULL) << 1)
		+ ((u.is_admin OR EXISTS (SELECT 1 FROM auth_settings_grants g WHERE g.user_id = u.id)) << 2)
		+ (COALESCE(u.last_sso_login_at >= ?1, 0) << 3) + (COALESCE(u.last_password_login_at >= ?1, 0) << 4)
		FROM users u LEFT JOIN identity_links l ON l.user_id = u.id`
	args := []any{b.since}
	if sc, sargs := searchWhere(q); sc != "" {
		// The search's one argument is numbered after ?1, the start of "recently".
		query += " WHERE " + strings.Replace(sc, "?", "?2", 1)
		args = append(args, sargs...)
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return b, nil, fmt.Errorf("store: count users by group: %w", err)
	}
	defer rows.Close()
	c := UserCounts{}
	for _, g := range UserShows {
		c[g] = 0
	}
	losing := []int64{}
	first := firstServed(served)
	// Scanned into once for every person: declared in the loop, each would be allocated anew.
	var id, flags int64
	var email string
	var issuer sql.NullString
	for rows.Next() {
		if err := rows.Scan(&id, &email, &issuer, &flags); err != nil {
			return b, nil, fmt.Errorf("store: count users by group: %w", err)
		}
		verified, linked, privileged := flags&1 != 0, flags&2 != 0, flags&4 != 0
		sso, password := flags&8 != 0, flags&16 != 0
		domain := domainOf(email) // as userDomain: a normalised address has one @
		isReady := ready[domain]
		c[ShowAll]++
		count(c, ShowVerified, verified)
		count(c, ShowReady, isReady)
		count(c, ShowLinked, linked)
		count(c, ShowNotLinked, isReady && !linked)
		count(c, ShowSSO, sso)
		count(c, ShowPassword, password)
		if lossOf(email, verified, privileged, issuer, first[domain], allowed) != "" {
			c[ShowLosing]++
			losing = append(losing, id)
		}
	}
	if err := rows.Err(); err != nil {
		return b, nil, fmt.Errorf("store: count users by group: %w", err)
	}
	b.losing = jsonText(losing)
	return b, c, nil
}

// firstServed maps each served domain to the entry lossOf decides by, the first for it in
// served's order, as a slice of one: lossOf then finds it at once instead of looking through
// every served domain for each person.
func firstServed(served []servedDomain) map[string][]servedDomain {
	out := map[string][]servedDomain{}
	for i, d := range served {
		if _, ok := out[d.domain]; !ok {
			out[d.domain] = served[i : i+1]
		}
	}
	return out
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
	if sc, sargs := searchWhere(f.Query); sc != "" {
		where += " AND " + sc
		args = append(args, sargs...)
	}
	return where, args
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
