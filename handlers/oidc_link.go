package handlers

import (
	"context"
	"errors"
	"slices"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
)

// Reasons to refuse an SSO sign-in after the provider's answer was verified. They join
// oidcrp's kinds in the audit log and on the test sign-in page.
const (
	kindProviderDisabled  = "provider_disabled"
	kindEmailInvalid      = "email_invalid"
	kindDomainNotVerified = "domain_not_verified"
	kindDomainNotServed   = "domain_not_served"
	kindDomainNotAllowed  = "domain_not_allowed"
	kindNoUser            = "no_matching_user"
	kindUserUnverified    = "user_email_unverified"
	kindAlreadyLinked     = "already_linked"
	kindOtherUser         = "other_user"
)

// ssoRefusal is why a sign-in was refused: a kind (for the message and the audit log), a
// technical detail (audit log and test page), and the provider's own error code and
// description when it sent one.
type ssoRefusal struct {
	Kind        string
	Detail      string
	Code        string
	Description string
}

// refusalOf turns an error from oidcrp into a refusal.
func refusalOf(err error) ssoRefusal {
	if f, ok := oidcrp.AsFailure(err); ok {
		return ssoRefusal{Kind: string(f.Kind), Detail: f.Detail, Code: f.Code, Description: f.Description}
	}
	var de *oidcrp.DiscoveryError
	if errors.As(err, &de) {
		return ssoRefusal{Kind: string(oidcrp.KindUnreachable), Detail: de.Error()}
	}
	return ssoRefusal{Kind: string(oidcrp.KindUnreachable), Detail: err.Error()}
}

// refusalTextKey is the text that explains a refusal to the person.
func refusalTextKey(kind string) string {
	return "sso.kind." + kind
}

// ssoMatch is the portvakt user an external identity maps to.
type ssoMatch struct {
	User    store.User
	Linked  bool // found through an existing link
	Refusal ssoRefusal
}

// matchIdentity finds the user for a verified identity. A linked identity maps to its user,
// whatever its e-mail says now. An unlinked one may link only when the provider vouches for
// the e-mail (email_verified), the e-mail's domain is verified, served by this provider and
// (if the list is not empty) allowed for linking, and a user has that e-mail, verified.
func (s *Server) matchIdentity(ctx context.Context, p store.IdP, res *oidcrp.Result) (ssoMatch, error) {
	link, err := s.store.LinkByIdentity(ctx, res.Issuer, res.Subject)
	if err == nil {
		u, err := s.store.UserByID(ctx, link.UserID)
		return ssoMatch{User: u, Linked: true}, err
	}
	if !errors.Is(err, store.ErrNotFound) {
		return ssoMatch{}, err
	}
	refuse := func(kind, detail string) (ssoMatch, error) {
		return ssoMatch{Refusal: ssoRefusal{Kind: kind, Detail: detail}}, nil
	}
	raw, err := res.VerifiedEmail()
	if err != nil {
		return ssoMatch{Refusal: refusalOf(err)}, nil
	}
	email, err := NormaliseEmail(raw)
	if err != nil {
		return refuse(kindEmailInvalid, "the provider's e-mail "+quoteDetail(raw)+" is not a valid address")
	}
	domain := EmailDomain(email)
	if r, err := s.checkLinkDomain(ctx, p, domain); err != nil || r.Kind != "" {
		return ssoMatch{Refusal: r}, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(kindNoUser, "no user has the e-mail "+email)
	}
	if err != nil {
		return ssoMatch{}, err
	}
	if !u.EmailVerified {
		return refuse(kindUserUnverified, "the user "+email+" has not verified the e-mail in portvakt")
	}
	if _, err := s.store.LinkOfUser(ctx, u.ID); err == nil {
		return refuse(kindAlreadyLinked, "the user "+email+" is linked to another identity")
	} else if !errors.Is(err, store.ErrNotFound) {
		return ssoMatch{}, err
	}
	return ssoMatch{User: u}, nil
}

// checkLinkDomain applies the domain rules for linking.
func (s *Server) checkLinkDomain(ctx context.Context, p store.IdP, domain string) (ssoRefusal, error) {
	verified, err := s.store.VerifiedDomains(ctx)
	if err != nil {
		return ssoRefusal{}, err
	}
	if !slices.ContainsFunc(verified, func(d store.DomainRef) bool { return d.Name == domain }) {
		return ssoRefusal{Kind: kindDomainNotVerified, Detail: "the domain " + domain + " is not verified"}, nil
	}
	if !slices.ContainsFunc(p.Domains, func(d store.DomainRef) bool { return d.Name == domain }) {
		return ssoRefusal{Kind: kindDomainNotServed, Detail: "the domain " + domain + " is not served by " + p.Name}, nil
	}
	allowed, err := s.store.ListAllowedDomains(ctx)
	if err != nil {
		return ssoRefusal{}, err
	}
	if len(allowed) > 0 && !slices.ContainsFunc(allowed, func(d store.AllowedDomain) bool { return d.Name == domain }) {
		return ssoRefusal{Kind: kindDomainNotAllowed, Detail: "the domain " + domain + " is not on the allowed domains list"}, nil
	}
	return ssoRefusal{}, nil
}

func quoteDetail(s string) string {
	return "\"" + truncate(s, 300) + "\""
}
