package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Invitations to link (DESIGN.md, flow 17): a mail asking the people on a domain an enabled,
// tested provider serves, who are not linked yet, to sign in once through single sign-on. A
// privileged person (administrator or Authentication Settings grant) is never linked by a
// sign-in: their mail points to their profile instead. One invitation a day per person at most.

// InviteInterval is how long after an invitation the same person can be invited again.
const InviteInterval = 24 * time.Hour

// InviteTarget is a person who can be invited to link now.
type InviteTarget struct {
	ID         int64
	Email      string
	Name       string
	Lang       string // "sv", "en", or "" for the instance default
	Privileged bool   // links from their profile, not by signing in
	Provider   string // the name of the tested provider serving the e-mail's domain
}

// SentInvite is one invitation that went out.
type SentInvite struct {
	Email      string
	Name       string
	SentAt     time.Time
	ViaProfile bool
	MailStatus string    // the outbox status of its mail; "" when the mail is gone
	LinkedAt   time.Time // when the person linked, if after the invitation
}

// LinkInvites is who can be invited now, and what became of the invitations sent.
type LinkInvites struct {
	Due     []InviteTarget // can be invited now, by e-mail
	Waiting int            // invited within InviteInterval, not linked yet
	Blocked int            // not linked on a ready domain, but cannot link: e-mail unverified or domain not allowed
	InviteHistory
}

// recentInvites is how many of the latest invitations the overview lists.
const recentInvites = 10

// LinkInvites reads who can be invited now and what became of earlier invitations.
func (s *Store) LinkInvites(ctx context.Context) (LinkInvites, error) {
	var out LinkInvites
	var err error
	if out.Due, out.Waiting, out.Blocked, err = s.inviteCandidates(ctx, s.read); err != nil {
		return out, err
	}
	out.InviteHistory, err = s.ReadInviteHistory(ctx)
	return out, err
}

// inviteCandidates reads, through q, the people not linked on a domain an enabled, tested
// provider serves: those who can be invited now, those invited within InviteInterval, and those
// who cannot link (by the rule of the Password OFF review, lossOf).
func (s *Store) inviteCandidates(ctx context.Context, q rowQuerier) (due []InviteTarget, waiting, blocked int, err error) {
	served, err := servedDomains(ctx, q)
	if err != nil {
		return nil, 0, 0, err
	}
	var tested []servedDomain
	ready := []string{}
	for _, d := range served {
		if d.tested {
			tested = append(tested, d)
			ready = append(ready, d.domain)
		}
	}
	if len(tested) == 0 {
		return nil, 0, 0, nil
	}
	allowed, err := allowedDomains(ctx, q)
	if err != nil {
		return nil, 0, 0, err
	}
	b := readinessBasis{ready: jsonText(ready)}
	cond, args := b.cond(ShowNotLinked)
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.lang, u.email_verified,
		u.is_admin OR EXISTS (SELECT 1 FROM auth_settings_grants g WHERE g.user_id = u.id),
		COALESCE((SELECT MAX(i.sent_at) FROM link_invites i WHERE i.user_id = u.id), 0)
		FROM users u LEFT JOIN identity_links l ON l.user_id = u.id WHERE `+cond+` ORDER BY u.email`, args...)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("store: people to invite: %w", err)
	}
	defer rows.Close()
	since := s.Now().Add(-InviteInterval).Unix()
	for rows.Next() {
		var t InviteTarget
		var verified bool
		var last int64
		if err := rows.Scan(&t.ID, &t.Email, &t.Name, &t.Lang, &verified, &t.Privileged, &last); err != nil {
			return nil, 0, 0, fmt.Errorf("store: people to invite: %w", err)
		}
		switch why := lossOf(t.Email, verified, t.Privileged, sql.NullString{}, tested, allowed); {
		case why != "" && why != LossPrivilegedUnlinked:
			blocked++
		case last > since:
			waiting++
		default:
			domain := domainOf(t.Email)
			if i := slices.IndexFunc(tested, func(d servedDomain) bool { return d.domain == domain }); i >= 0 {
				t.Provider = tested[i].name
			}
			due = append(due, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("store: people to invite: %w", err)
	}
	return due, waiting, blocked, nil
}

// InviteMail is the invitation for one person, made by the web layer from an InviteTarget.
type InviteMail struct {
	UserID     int64
	ViaProfile bool
	Mail       NewMail
}

// SendLinkInvites keeps the invitations in the outbox, records them and audit-logs each, in one
// transaction. A person who is no longer to be invited (linked meanwhile, invited by somebody
// else within InviteInterval, privileged now or no longer, with another e-mail
// address now) is skipped. It returns the ids of the queued mails.
func (s *Store) SendLinkInvites(ctx context.Context, a Actor, mails []InviteMail) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		due, _, _, err := s.inviteCandidates(ctx, tx)
		if err != nil {
			return err
		}
		still := map[int64]InviteTarget{}
		for _, t := range due {
			still[t.ID] = t
		}
		var actor any
		if a.UserID != 0 {
			actor = a.UserID
		}
		for _, m := range mails {
			t, ok := still[m.UserID]
			if !ok || t.Privileged != m.ViaProfile || t.Email != m.Mail.To {
				continue
			}
			delete(still, m.UserID) // once per person, even if listed twice
			m.Mail.UserID = m.UserID
			id, err := s.insertMail(ctx, tx, m.Mail)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO link_invites (user_id, sent_at, sent_by, mail_id, via_profile)
				VALUES (?, ?, ?, ?, ?)`, m.UserID, s.now(), actor, id, t.Privileged); err != nil {
				return fmt.Errorf("store: record invitation of user %d: %w", m.UserID, err)
			}
			detail := "sign in once through single sign-on"
			if t.Privileged {
				detail = "link from the profile (administrator or Authentication Settings user)"
			}
			if err := s.audit(ctx, tx, a, AuditEntry{Action: ActionLinkInvite, Target: t.Email, Detail: detail}); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: send invitations: %w", err)
	}
	return ids, nil
}
