package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Switching password sign-in off (DESIGN.md, flow 9). The preconditions are read by
// PasswordOffCheck for the pages, and read again by DisablePasswordLogin inside the transaction
// that switches the setting, so that nothing changed in between can slip through.

// PasswordOffReason is one reason why password sign-in cannot be switched off.
type PasswordOffReason string

// The reasons, in the order the pages list them.
const (
	ReasonNoVerifiedDomain PasswordOffReason = "no_verified_domain" // no domain is verified
	ReasonNoServedDomain   PasswordOffReason = "no_served_domain"   // no verified domain is served by an enabled provider
	ReasonNotTested        PasswordOffReason = "not_tested"         // no such provider is tested with its current configuration
	ReasonNoSSOSession     PasswordOffReason = "no_sso_session"     // the person did not sign in through SSO
	ReasonSSOTooOld        PasswordOffReason = "sso_too_old"        // the SSO sign-in is more than SSOSignInMaxAge old
	ReasonLocksOutSelf     PasswordOffReason = "locks_out_self"     // the person would have no way in afterwards
	// a change would leave an administrator or Authentication Settings user, who had a way
	// in, without one
	ReasonLocksOutPrivileged PasswordOffReason = "locks_out_privileged"
	ReasonNotReviewed        PasswordOffReason = "not_reviewed"  // the list of people losing access was not seen as it is now
	ReasonNotConfirmed       PasswordOffReason = "not_confirmed" // the domain name was not typed
)

// PasswordOffReasons lists every reason, in the order the pages list them, for the texts that explain them.
var PasswordOffReasons = []PasswordOffReason{ReasonNoVerifiedDomain, ReasonNoServedDomain, ReasonNotTested, ReasonNoSSOSession,
	ReasonSSOTooOld, ReasonLocksOutSelf, ReasonLocksOutPrivileged, ReasonNotReviewed, ReasonNotConfirmed}

// SSOSignInMaxAge is how recent the switching person's SSO sign-in must be.
const SSOSignInMaxAge = time.Hour

// PasswordOffError is the refusal of DisablePasswordLogin, with every reason that applied.
type PasswordOffError struct {
	Reasons []PasswordOffReason
}

// Error lists the reasons password sign-in cannot be switched off.
func (e *PasswordOffError) Error() string {
	rs := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		rs[i] = string(r)
	}
	return "store: password sign-in cannot be switched off: " + strings.Join(rs, ", ")
}

// passwordStillOn refuses, inside the transaction creating a session, a password session once
// password sign-in is off: a sign-in whose password was checked just before the switch must not
// leave a password session behind the one the switch ended.
// An overdue, unconfirmed switch-off is reverted first (flow 14), in the same transaction.
func (s *Store) passwordStillOn(ctx context.Context, tx *sql.Tx, method string) error {
	if method != MethodPassword {
		return nil
	}
	if _, err := s.revertIfDue(ctx, tx); err != nil {
		return err
	}
	on, err := passwordLoginOn(ctx, tx)
	if err != nil {
		return err
	}
	if !on {
		return ErrPasswordLoginOff
	}
	return nil
}

// LossReason says why a person would have no way to sign in once passwords are off.
type LossReason string

// Why a person would be left without a way in.
const (
	LossDomainNotServed  LossReason = "domain_not_served"  // the e-mail's domain is not served by an enabled provider
	LossProviderUntested LossReason = "provider_untested"  // the provider serving it has not passed a test with its settings
	LossLinkedElsewhere  LossReason = "linked_elsewhere"   // linked to an identity at another or a disabled provider
	LossEmailUnverified  LossReason = "email_unverified"   // not linked, and the e-mail is not verified
	LossDomainNotAllowed LossReason = "domain_not_allowed" // not linked, and the domain is not allowed for linking
	// not linked, and an administrator or Authentication Settings user, whom only their own
	// profile links
	LossPrivilegedUnlinked LossReason = "privileged_unlinked"
)

// LossReasons lists every reason, for the texts that explain them.
var LossReasons = []LossReason{LossDomainNotServed, LossProviderUntested, LossLinkedElsewhere, LossEmailUnverified, LossDomainNotAllowed, LossPrivilegedUnlinked}

// AffectedUser is a person who would have no way to sign in once passwords are off.
type AffectedUser struct {
	ID         int64
	Email      string
	Name       string
	Why        LossReason
	Privileged bool // an administrator or Authentication Settings user
}

// PasswordOffState is what the policies pages show about switching password sign-in off.
type PasswordOffState struct {
	PasswordOn       bool
	Reasons          []PasswordOffReason // preconditions not met (review and confirmation aside)
	Domains          []string            // verified domains served by an enabled, tested provider
	Providers        []string            // the enabled, tested providers serving them
	Affected         []AffectedUser      // by e-mail
	Users            int                 // everybody
	Reviewed         string              // a digest of Affected, which the confirmation sends back
	PasswordSessions int                 // password sessions that would end
	SignedInAt       time.Time           // the person's sign-in, zero without a session
	SessionMethod    string
}

// PasswordOffGuard is what the person switching passwords off brings: their session (which
// must come from an SSO sign-in within SSOSignInMaxAge), the digest of the list they reviewed,
// and the domain name they typed. ConfirmWindow is how long the switch waits for its
// confirmation before password sign-in comes back on (0: DefaultConfirmWindow).
type PasswordOffGuard struct {
	SessionToken  string
	Reviewed      string
	ConfirmDomain string
	ConfirmWindow time.Duration
}

// rowQuerier is what both *sql.DB and *sql.Tx offer; the state is read through either.
type rowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PasswordOffCheck reads whether password sign-in may be switched off by the person signed in
// with sessionToken, and who would lose access.
func (s *Store) PasswordOffCheck(ctx context.Context, sessionToken string) (PasswordOffState, error) {
	return s.passwordOffState(ctx, s.read, sessionToken)
}

// DisablePasswordLogin switches password sign-in off after checking every precondition again
// inside the same transaction. It ends every password session (other people's too) and writes
// the audit row, and opens the confirmation window (flow 14): unless confirmed in time
// (ConfirmPasswordOff), password sign-in comes back on by itself. A refusal is a
// *PasswordOffError listing each reason; ErrPasswordAlreadyOff when it was off. It returns how
// many password sessions ended.
func (s *Store) DisablePasswordLogin(ctx context.Context, a Actor, g PasswordOffGuard) (int64, error) {
	var ended int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		st, err := s.passwordOffState(ctx, tx, g.SessionToken)
		if err != nil {
			return err
		}
		if !st.PasswordOn {
			return ErrPasswordAlreadyOff
		}
		reasons := st.Reasons
		if len(st.Domains) > 0 && (g.Reviewed == "" || g.Reviewed != st.Reviewed) {
			reasons = append(reasons, ReasonNotReviewed)
		}
		confirmed := slices.ContainsFunc(st.Domains, func(d string) bool { return strings.EqualFold(d, strings.TrimSpace(g.ConfirmDomain)) })
		if len(st.Domains) > 0 && !confirmed {
			reasons = append(reasons, ReasonNotConfirmed)
		}
		if len(reasons) > 0 {
			return &PasswordOffError{Reasons: reasons}
		}
		if err := s.setPasswordLogin(ctx, tx, false); err != nil {
			return err
		}
		if err := s.endAppGrants(ctx, tx, RevokedPasswordOff, "g.method = ?", MethodPassword); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE method = ?", MethodPassword)
		if err != nil {
			return fmt.Errorf("store: end password sessions: %w", err)
		}
		if ended, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("store: end password sessions: %w", err)
		}
		deadline, err := s.openConfirmWindow(ctx, tx, a, g.ConfirmWindow)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("confirmed with %s; served by %s; %d password sessions ended; %d of %d people without a way to sign in; back on at %s unless confirmed from a new SSO sign-in",
			strings.ToLower(strings.TrimSpace(g.ConfirmDomain)), strings.Join(st.Providers, ", "), ended, len(st.Affected), st.Users,
			deadline.UTC().Format(time.RFC3339))
		return s.audit(ctx, tx, a, AuditEntry{Action: ActionPasswordLogin, Target: "password", Before: "on", After: "off", Detail: detail})
	})
	return ended, err
}

// passwordOffState reads the preconditions through q (the reader pool, or the switching
// transaction).
func (s *Store) passwordOffState(ctx context.Context, q rowQuerier, sessionToken string) (PasswordOffState, error) {
	var st PasswordOffState
	on, err := passwordLoginOn(ctx, q)
	if err != nil {
		return st, err
	}
	st.PasswordOn = on
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions WHERE method = ?", MethodPassword).Scan(&st.PasswordSessions); err != nil {
		return st, fmt.Errorf("store: count password sessions: %w", err)
	}
	served, err := servedDomains(ctx, q)
	if err != nil {
		return st, err
	}
	var verified int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM domains WHERE status IN "+verifiedStatuses).Scan(&verified); err != nil {
		return st, fmt.Errorf("store: count verified domains: %w", err)
	}
	for _, d := range served {
		if d.tested {
			st.Domains = append(st.Domains, d.domain)
			if !slices.Contains(st.Providers, d.name) {
				st.Providers = append(st.Providers, d.name)
			}
		}
	}
	switch {
	case verified == 0:
		st.Reasons = append(st.Reasons, ReasonNoVerifiedDomain)
	case len(served) == 0:
		st.Reasons = append(st.Reasons, ReasonNoServedDomain)
	case len(st.Domains) == 0:
		st.Reasons = append(st.Reasons, ReasonNotTested)
	}
	if st.Affected, st.Users, err = affectedUsers(ctx, q, served); err != nil {
		return st, err
	}
	st.Reviewed = reviewDigest(st.Affected)
	return st, s.checkSession(ctx, q, sessionToken, &st)
}

// checkSession adds the reasons about the person's own sign-in.
func (s *Store) checkSession(ctx context.Context, q rowQuerier, token string, st *PasswordOffState) error {
	var userID, created int64
	var method string
	err := q.QueryRowContext(ctx, "SELECT user_id, method, created_at FROM sessions WHERE id_hash = ?", hashToken(token)).
		Scan(&userID, &method, &created)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		st.Reasons = append(st.Reasons, ReasonNoSSOSession)
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: read session: %w", err)
	}
	st.SignedInAt, st.SessionMethod = time.Unix(created, 0), method
	switch {
	case method != MethodSSO:
		st.Reasons = append(st.Reasons, ReasonNoSSOSession)
	case s.Now().Sub(st.SignedInAt) > SSOSignInMaxAge:
		st.Reasons = append(st.Reasons, ReasonSSOTooOld)
	}
	if slices.ContainsFunc(st.Affected, func(u AffectedUser) bool { return u.ID == userID }) {
		st.Reasons = append(st.Reasons, ReasonLocksOutSelf)
	}
	return nil
}

// servedDomain is a verified domain with the enabled provider serving it.
type servedDomain struct {
	domain, name, issuer string
	idpID                int64
	tested               bool
}

func servedDomains(ctx context.Context, q rowQuerier) ([]servedDomain, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.name, p.id, p.name, p.issuer, p.tested_at IS NOT NULL
		FROM identity_provider_domains x JOIN domains d ON d.id = x.domain_id JOIN identity_providers p ON p.id = x.idp_id
		WHERE d.status IN `+verifiedStatuses+` AND p.enabled = 1 ORDER BY d.name, p.id`)
	if err != nil {
		return nil, fmt.Errorf("store: served domains: %w", err)
	}
	defer rows.Close()
	var out []servedDomain
	for rows.Next() {
		var d servedDomain
		if err := rows.Scan(&d.domain, &d.idpID, &d.name, &d.issuer, &d.tested); err != nil {
			return nil, fmt.Errorf("store: served domains: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: served domains: %w", err)
	}
	return out, nil
}

// reviewDigest names the list of people losing access as it is now, so that a confirmation
// given for an older list is refused.
func reviewDigest(us []AffectedUser) string {
	h := sha256.New()
	for _, u := range us {
		fmt.Fprintf(h, "%d:%s:%s\n", u.ID, u.Email, u.Why)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
