package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// An SSO sign-in after the provider's answer was verified (DESIGN.md flows 8 and 13). Matching
// the identity to a person, linking it on the first sign-in and starting the session are one
// transaction, so that every linking rule, the provider's state and the link a session rests on
// are read in the same transaction that acts on them.

// LinkRefusalKind says why a verified identity gives no session. The values name the texts
// that explain them (sso.kind.<kind>) and stand in the audit log.
type LinkRefusalKind string

// Why an SSO sign-in or link is refused after the provider's answer was verified.
const (
	RefuseProviderDisabled  LinkRefusalKind = "provider_disabled"     // the provider was disabled or removed
	RefuseProviderChanged   LinkRefusalKind = "provider_changed"      // the provider's issuer changed during the sign-in
	RefuseDomainNotVerified LinkRefusalKind = "domain_not_verified"   // the e-mail's domain is not verified
	RefuseDomainNotServed   LinkRefusalKind = "domain_not_served"     // the provider does not serve the e-mail's domain
	RefuseDomainNotAllowed  LinkRefusalKind = "domain_not_allowed"    // the domain is not on the allowed list for linking
	RefuseNoUser            LinkRefusalKind = "no_matching_user"      // nobody has the e-mail
	RefuseUserUnverified    LinkRefusalKind = "user_email_unverified" // the person has not verified the e-mail
	RefuseAlreadyLinked     LinkRefusalKind = "already_linked"        // the person is linked to another identity
	RefuseOtherUser         LinkRefusalKind = "other_user"            // the identity is another person's
	RefusePrivileged        LinkRefusalKind = "privileged_link_self"  // a privileged person links only from their own session
	RefuseDeactivated       LinkRefusalKind = "user_deactivated"      // the person is deactivated
	RefuseDraftChanged      LinkRefusalKind = "draft_changed"         // a draft's test: the draft was saved again, discarded or applied meanwhile
)

// LinkRefusalKinds lists every refusal kind, for the texts that explain them.
var LinkRefusalKinds = []LinkRefusalKind{
	RefuseProviderDisabled, RefuseProviderChanged, RefuseDomainNotVerified, RefuseDomainNotServed,
	RefuseDomainNotAllowed, RefuseNoUser, RefuseUserUnverified, RefuseAlreadyLinked, RefuseOtherUser,
	RefusePrivileged, RefuseDeactivated, RefuseDraftChanged,
}

// LinkRefusal is the refusal of SignInSSO, with a technical detail for the audit log and the
// test sign-in page, and the person the identity pointed at when there was one.
type LinkRefusal struct {
	Kind   LinkRefusalKind
	Detail string
	User   User
}

// Error says why the identity gives no session.
func (e *LinkRefusal) Error() string {
	return "store: sso sign-in refused: " + string(e.Kind) + ": " + e.Detail
}

// SSOIdentity is an identity a provider vouched for in a verified answer.
type SSOIdentity struct {
	IdPID   int64
	Issuer  string
	Subject string
	// Email is the provider's e-mail, normalised, when the provider said it is verified; it is
	// used once, to link. NoEmail says why it is empty, given only when a link is needed.
	Email   string
	NoEmail *LinkRefusal
}

// SSOSignIn is one SSO sign-in to complete.
type SSOSignIn struct {
	Identity SSOIdentity
	// Self, when not zero, is the signed-in person linking their own identity (the profile's
	// link, a test sign-in): the identity must map to them, and a privileged person may link.
	// When zero, the identity signs somebody in, and privileged people are never linked.
	Self int64
	// AnyIssuer accepts, with Self, an identity from an issuer that is not the provider's live
	// one (a test of a draft's settings): it links nobody and starts no session.
	AnyIssuer  bool
	OldSession string // the browser's previous session token, which ends
	ClientIP   string
	UserAgent  string
	Actor      Actor
}

// SSOOutcome is a completed SSO sign-in.
type SSOOutcome struct {
	User    User
	ByLink  bool   // matched through an existing link
	Linked  bool   // linked now
	Relink  bool   // a draft's identity of the person, to link when the draft is applied
	Session string // the new session's token, unless AnyIssuer or the provider is switched off

	providerOff bool // a test of a switched-off provider: no session
}

// SignInSSO matches a verified identity to a person, links it when this is its first sign-in
// and the linking rules hold, and starts an SSO session, all in one transaction. A refusal is a
// *LinkRefusal and changes nothing.
func (s *Store) SignInSSO(ctx context.Context, in SSOSignIn) (SSOOutcome, error) {
	var out SSOOutcome
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.signInTx(ctx, tx, in)
		return err
	})
	if err != nil {
		var r *LinkRefusal
		if errors.As(err, &r) {
			return SSOOutcome{}, err
		}
		return SSOOutcome{}, fmt.Errorf("store: sso sign-in: %w", err)
	}
	return out, nil
}

// signInTx is SignInSSO inside tx. A refusal is a *LinkRefusal, returned before anything is
// written but for the link, whose insert fails as a whole.
func (s *Store) signInTx(ctx context.Context, tx *sql.Tx, in SSOSignIn) (SSOOutcome, error) {
	out, err := s.matchSSO(ctx, tx, in)
	if err != nil {
		return SSOOutcome{}, err
	}
	a := in.Actor
	if a.UserID == 0 {
		a.UserID, a.Label = out.User.ID, out.User.Email
	}
	if out.Linked {
		if err := s.insertLink(ctx, tx, a, out.User, in.Identity, in.Self != 0); err != nil {
			return SSOOutcome{}, err
		}
	}
	if in.AnyIssuer || out.providerOff {
		// A test of a draft signs nobody in until the draft is applied; a test of a provider
		// that is switched off signs nobody in through it.
		return out, nil
	}
	out.Session, err = s.insertSession(ctx, tx, NewSession{UserID: out.User.ID, Method: MethodSSO,
		IdPID: in.Identity.IdPID, ClientIP: in.ClientIP, UserAgent: in.UserAgent, Replaces: in.OldSession})
	if err != nil {
		return SSOOutcome{}, err
	}
	a.UserID, a.Label = out.User.ID, out.User.Email
	return out, s.recordLogin(ctx, tx, a, out.User.ID, MethodSSO, in.Identity.IdPID)
}

// matchSSO applies the rules of SignInSSO inside tx: the provider must be enabled with the
// identity's issuer; a linked identity maps to its person; an unlinked one links by verified
// e-mail on a verified domain this provider serves (and allowed for linking), to a person whose
// e-mail is verified and who has no link, and who is not privileged unless linking themselves.
func (s *Store) matchSSO(ctx context.Context, tx *sql.Tx, in SSOSignIn) (SSOOutcome, error) {
	id := in.Identity
	refuse := func(kind LinkRefusalKind, u User, detail string, args ...any) (SSOOutcome, error) {
		return SSOOutcome{}, &LinkRefusal{Kind: kind, User: u, Detail: fmt.Sprintf(detail, args...)}
	}
	var enabled bool
	var name, issuer string
	err := tx.QueryRowContext(ctx, "SELECT enabled, name, issuer FROM identity_providers WHERE id = ?", id.IdPID).Scan(&enabled, &name, &issuer)
	if errors.Is(err, sql.ErrNoRows) {
		return refuse(RefuseProviderDisabled, User{}, "the provider was removed")
	}
	if err != nil {
		return SSOOutcome{}, fmt.Errorf("read provider %d: %w", id.IdPID, err)
	}
	if !enabled && in.Self == 0 {
		return refuse(RefuseProviderDisabled, User{}, "the provider was disabled")
	}
	draft := in.AnyIssuer && issuer != id.Issuer
	if issuer != id.Issuer && !draft {
		return refuse(RefuseProviderChanged, User{}, "the provider's issuer is now %s, not %s", issuer, id.Issuer)
	}
	var linkedUser int64
	var bySelf bool
	err = tx.QueryRowContext(ctx, "SELECT user_id, by_self FROM identity_links WHERE issuer = ? AND subject = ?", id.Issuer, id.Subject).Scan(&linkedUser, &bySelf)
	switch {
	case err == nil:
		u, err := userInTx(ctx, tx, linkedUser)
		if err != nil {
			return SSOOutcome{}, err
		}
		if in.Self != 0 && u.ID != in.Self {
			return refuse(RefuseOtherUser, u, "the identity is linked to %s", u.Email)
		}
		if in.Self == 0 && !bySelf {
			// A link made by a sign-in before the person became privileged: they link again
			// from their own session.
			if privileged, err := isPrivileged(ctx, tx, u); err != nil {
				return SSOOutcome{}, err
			} else if privileged {
				return refuse(RefusePrivileged, u, "%s became an administrator or grant holder after a sign-in linked them and links again only from their own profile", u.Email)
			}
		}
		if u.Deactivated {
			return refuse(RefuseDeactivated, u, "the user %s is deactivated", u.Email)
		}
		if in.Self != 0 && !bySelf {
			// The person proves the link from their own session: from now on it is theirs.
			if _, err := tx.ExecContext(ctx, "UPDATE identity_links SET by_self = 1 WHERE user_id = ?", u.ID); err != nil {
				return SSOOutcome{}, fmt.Errorf("confirm link of user %d: %w", u.ID, err)
			}
			if err := s.audit(ctx, tx, in.Actor, AuditEntry{Action: ActionLinkUpdate, Target: u.Email,
				After:  fmt.Sprintf("issuer=%q subject=%q", id.Issuer, id.Subject),
				Detail: "a link a sign-in made, confirmed by the person from their own session"}); err != nil {
				return SSOOutcome{}, err
			}
		}
		return SSOOutcome{User: u, ByLink: true, providerOff: !enabled}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return SSOOutcome{}, fmt.Errorf("read link: %w", err)
	}
	if id.NoEmail != nil {
		return SSOOutcome{}, id.NoEmail
	}
	if !enabled {
		// Links made through a provider nobody signs in with could be used later through another
		// provider with the same issuer.
		return refuse(RefuseProviderDisabled, User{}, "a provider that is switched off links nobody; its test checks identities already linked")
	}
	domain := id.Email[strings.LastIndex(id.Email, "@")+1:]
	if r, err := linkDomainRule(ctx, tx, id.IdPID, name, domain); err != nil {
		return SSOOutcome{}, err
	} else if r != nil {
		return SSOOutcome{}, r
	}
	var uid int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM users WHERE email = ?", id.Email).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return refuse(RefuseNoUser, User{}, "no user has the e-mail %s", id.Email)
	}
	if err != nil {
		return SSOOutcome{}, fmt.Errorf("read user %q: %w", id.Email, err)
	}
	u, err := userInTx(ctx, tx, uid)
	if err != nil {
		return SSOOutcome{}, err
	}
	var linkIssuer string
	var granted bool
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT issuer FROM identity_links WHERE user_id = ?), ''),
		EXISTS (SELECT 1 FROM auth_settings_grants WHERE user_id = ?)`, u.ID, u.ID).Scan(&linkIssuer, &granted); err != nil {
		return SSOOutcome{}, fmt.Errorf("read link and grant of user %d: %w", u.ID, err)
	}
	// A test of a draft's new issuer may find the person linked at the provider's live issuer:
	// that link moves with the draft when it is applied. A link anywhere else stays theirs.
	linked := linkIssuer != "" && !(draft && linkIssuer == issuer)
	switch {
	case u.Deactivated:
		return refuse(RefuseDeactivated, u, "the user %s is deactivated", u.Email)
	case !u.EmailVerified:
		return refuse(RefuseUserUnverified, u, "the user %s has not verified the e-mail in portvakt", u.Email)
	case in.Self != 0 && u.ID != in.Self:
		return refuse(RefuseOtherUser, u, "the identity's e-mail is %s, another person's", u.Email)
	case linked:
		return refuse(RefuseAlreadyLinked, u, "the user %s is linked to another identity", u.Email)
	case in.Self == 0 && (u.IsAdmin || granted):
		return refuse(RefusePrivileged, u, "%s is an administrator or holds the Authentication Settings grant and links only from their own profile", u.Email)
	}
	// A test of a draft (AnyIssuer) links nobody: its settings are not live, and may never be.
	// Its identity is linked when the draft is applied, by moving the person's link to a new
	// issuer or by the sign-in through the settings then live.
	return SSOOutcome{User: u, Linked: !in.AnyIssuer, Relink: draft}, nil
}

// linkDomainRule refuses linking an e-mail on domain unless the domain is verified, served by
// the provider and, when the list is not empty, allowed for linking.
func linkDomainRule(ctx context.Context, tx *sql.Tx, idpID int64, idpName, domain string) (*LinkRefusal, error) {
	var verified, served, allowed, anyAllowed bool
	err := tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM domains WHERE name = ?1 AND status IN `+verifiedStatuses+`),
		EXISTS (SELECT 1 FROM identity_provider_domains x JOIN domains d ON d.id = x.domain_id WHERE x.idp_id = ?2 AND d.name = ?1),
		EXISTS (SELECT 1 FROM allowed_domains WHERE name = ?1),
		EXISTS (SELECT 1 FROM allowed_domains)`, domain, idpID).Scan(&verified, &served, &allowed, &anyAllowed)
	if err != nil {
		return nil, fmt.Errorf("read linking rules for %s: %w", domain, err)
	}
	switch {
	case !verified:
		return &LinkRefusal{Kind: RefuseDomainNotVerified, Detail: "the domain " + domain + " is not verified"}, nil
	case !served:
		return &LinkRefusal{Kind: RefuseDomainNotServed, Detail: "the domain " + domain + " is not served by " + idpName}, nil
	case anyAllowed && !allowed:
		return &LinkRefusal{Kind: RefuseDomainNotAllowed, Detail: "the domain " + domain + " is not on the allowed domains list"}, nil
	}
	return nil, nil
}

// userInTx reads a user inside tx.
func userInTx(ctx context.Context, tx *sql.Tx, id int64) (User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// insertLink ties u to the identity inside tx and audit-logs it.
func (s *Store) insertLink(ctx context.Context, tx *sql.Tx, a Actor, u User, id SSOIdentity, bySelf bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO identity_links (user_id, idp_id, issuer, subject, linked_at, by_self)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, id.IdPID, id.Issuer, id.Subject, s.now(), bySelf)
	if isUniqueViolation(err) {
		return &LinkRefusal{Kind: RefuseAlreadyLinked, User: u, Detail: "the account or the identity is already linked"}
	}
	if err != nil {
		return fmt.Errorf("link user %d: %w", u.ID, err)
	}
	return s.audit(ctx, tx, a, AuditEntry{Action: ActionLinkCreate, Target: u.Email,
		After: fmt.Sprintf("issuer=%q subject=%q", id.Issuer, id.Subject)})
}

// isPrivileged reports whether u is an administrator or holds the Authentication Settings grant.
func isPrivileged(ctx context.Context, tx *sql.Tx, u User) (bool, error) {
	if u.IsAdmin {
		return true, nil
	}
	return holdsGrant(ctx, tx, u.ID)
}
