package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The overview's numbers are read in one pass over the people: with 10,000 of them, every
// further pass costs the page as much again. Who would lose access is lossOf, the rule of the
// Password OFF review, applied to each person here as affectedUsers applies it there.

// Overview is what the readiness overview shows about the people.
type Overview struct {
	Counts UserCounts // everybody, by group (as the Users list counts them without a search)
	// Invitations to link: possible once an enabled, tested provider serves a verified domain.
	InvitePossible bool
	InviteDue      int // can be invited now
	InviteProfile  int // of them, privileged people who link from their profile
	InviteWaiting  int // invited within InviteInterval, not linked yet
	InviteBlocked  int // not linked on a ready domain, but cannot link
}

// ReadOverview counts the people in every group and who can be invited to link, in one pass.
func (s *Store) ReadOverview(ctx context.Context) (Overview, error) {
	out := Overview{Counts: UserCounts{}}
	served, err := servedDomains(ctx, s.read)
	if err != nil {
		return out, err
	}
	allowed, err := allowedDomains(ctx, s.read)
	if err != nil {
		return out, err
	}
	var tested []servedDomain
	ready := map[string]bool{}
	for _, d := range served {
		if d.tested {
			tested = append(tested, d)
			ready[d.domain] = true
		}
	}
	out.InvitePossible = len(tested) > 0
	now := s.Now()
	since, invitedSince := now.Add(-RecentSignIn).Unix(), now.Add(-InviteInterval).Unix()
	rows, err := s.read.QueryContext(ctx, `SELECT u.email, u.email_verified, `+wayInIssuer+`,
		u.is_admin OR EXISTS (SELECT 1 FROM auth_settings_grants g WHERE g.user_id = u.id),
		COALESCE(u.last_sso_login_at >= ?1, 0), COALESCE(u.last_password_login_at >= ?1, 0),
		CASE WHEN l.user_id IS NULL THEN EXISTS (SELECT 1 FROM link_invites i WHERE i.user_id = u.id AND i.sent_at > ?2) ELSE 0 END
		FROM users u LEFT JOIN identity_links l ON l.user_id = u.id`, since, invitedSince)
	if err != nil {
		return out, fmt.Errorf("store: read the overview: %w", err)
	}
	defer rows.Close()
	c := out.Counts
	for rows.Next() {
		var email string
		var verified, privileged, sso, password, invited bool
		var issuer sql.NullString
		if err := rows.Scan(&email, &verified, &issuer, &privileged, &sso, &password, &invited); err != nil {
			return out, fmt.Errorf("store: read the overview: %w", err)
		}
		isReady := ready[domainOf(email)]
		c[ShowAll]++
		count(c, ShowVerified, verified)
		count(c, ShowReady, isReady)
		count(c, ShowLinked, issuer.Valid)
		count(c, ShowNotLinked, isReady && !issuer.Valid)
		count(c, ShowSSO, sso)
		count(c, ShowPassword, password)
		count(c, ShowLosing, lossOf(email, verified, privileged, issuer, served, allowed) != "")
		if !isReady || issuer.Valid {
			continue
		}
		switch why := lossOf(email, verified, privileged, issuer, tested, allowed); {
		case why != "" && why != LossPrivilegedUnlinked:
			out.InviteBlocked++
		case invited:
			out.InviteWaiting++
		default:
			out.InviteDue++
			if privileged {
				out.InviteProfile++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: read the overview: %w", err)
	}
	return out, nil
}

func count(c UserCounts, g UserShow, in bool) {
	if in {
		c[g]++
	}
}

// InviteHistory is what became of the invitations sent.
type InviteHistory struct {
	Sent        int          // invitations sent in all
	Invited     int          // people invited
	LinkedSince int          // invited people who linked after an invitation
	Recent      []SentInvite // the latest invitations, newest first
}

// ReadInviteHistory reads the invitations sent and who has linked since.
func (s *Store) ReadInviteHistory(ctx context.Context) (InviteHistory, error) {
	var out InviteHistory
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT i.user_id),
		(SELECT COUNT(DISTINCT i2.user_id) FROM link_invites i2 JOIN identity_links l ON l.user_id = i2.user_id
		 WHERE l.linked_at >= i2.sent_at)
		FROM link_invites i`).Scan(&out.Sent, &out.Invited, &out.LinkedSince); err != nil {
		return out, fmt.Errorf("store: count invitations: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT u.email, u.name, i.sent_at, i.via_profile, COALESCE(o.status, ''),
		CASE WHEN l.linked_at >= i.sent_at THEN l.linked_at END
		FROM link_invites i JOIN users u ON u.id = i.user_id LEFT JOIN outbox o ON o.id = i.mail_id
		LEFT JOIN identity_links l ON l.user_id = i.user_id ORDER BY i.sent_at DESC, i.id DESC LIMIT ?`, recentInvites)
	if err != nil {
		return out, fmt.Errorf("store: latest invitations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inv SentInvite
		var sent int64
		var linked sql.NullInt64
		if err := rows.Scan(&inv.Email, &inv.Name, &sent, &inv.ViaProfile, &inv.MailStatus, &linked); err != nil {
			return out, fmt.Errorf("store: latest invitations: %w", err)
		}
		inv.SentAt, inv.LinkedAt = time.Unix(sent, 0), unixTime(linked)
		out.Recent = append(out.Recent, inv)
	}
	return out, rows.Err()
}
