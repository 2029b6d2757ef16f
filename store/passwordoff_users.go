package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// affectedUsers lists, by e-mail, the people who would have no way to sign in with password
// sign-in off, and counts everybody. Sign-in then goes from the e-mail's domain to the enabled
// provider serving it: a linked person is matched by the link, whose issuer must be that
// provider's; anybody else links on the first sign-in, which needs a verified e-mail on a domain
// allowed for linking.
func affectedUsers(ctx context.Context, q rowQuerier, served []servedDomain) ([]AffectedUser, int, error) {
	allowed, err := allowedDomains(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.email_verified, `+wayInIssuer+`,
		u.is_admin OR EXISTS (SELECT 1 FROM auth_settings_grants g WHERE g.user_id = u.id)
		FROM users u LEFT JOIN identity_links l ON l.user_id = u.id ORDER BY u.email`)
	if err != nil {
		return nil, 0, fmt.Errorf("store: users for the password switch: %w", err)
	}
	defer rows.Close()
	var out []AffectedUser
	total := 0
	for rows.Next() {
		var u AffectedUser
		var verified, privileged bool
		var issuer sql.NullString
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &verified, &issuer, &privileged); err != nil {
			return nil, 0, fmt.Errorf("store: users for the password switch: %w", err)
		}
		total++
		u.Privileged = privileged
		if u.Why = lossOf(u.Email, verified, privileged, issuer, served, allowed); u.Why != "" {
			out = append(out, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: users for the password switch: %w", err)
	}
	return out, total, nil
}

// wayInIssuer is, in a query over users u LEFT JOIN identity_links l, the issuer of the link
// that gets the person in: NULL for a privileged person whose link a sign-in made, since such a
// person signs in only through a link they made themselves.
const wayInIssuer = `CASE WHEN l.by_self = 0 AND (u.is_admin OR EXISTS (SELECT 1 FROM auth_settings_grants g2 WHERE g2.user_id = u.id))
	THEN NULL ELSE l.issuer END`

// lossOf says why a person would have no way in, or "" when they keep one. A privileged person
// (administrator or Authentication Settings grant) is never linked by a sign-in, so without a
// link they have no way in.
func lossOf(email string, verified, privileged bool, issuer sql.NullString, served []servedDomain, allowed []string) LossReason {
	domain := email[strings.LastIndex(email, "@")+1:]
	i := slices.IndexFunc(served, func(d servedDomain) bool { return d.domain == domain })
	switch {
	case i < 0:
		return LossDomainNotServed
	case !served[i].tested:
		return LossProviderUntested
	case issuer.Valid:
		if issuer.String == served[i].issuer {
			return "" // matched by the link, whatever the e-mail's state
		}
		return LossLinkedElsewhere
	case !verified:
		return LossEmailUnverified
	case len(allowed) > 0 && !slices.Contains(allowed, domain):
		return LossDomainNotAllowed
	case privileged:
		return LossPrivilegedUnlinked
	}
	return ""
}

func allowedDomains(ctx context.Context, q rowQuerier) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM allowed_domains ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: allowed domains: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: allowed domains: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
