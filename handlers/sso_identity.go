package handlers

import (
	"errors"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/store/account"
)

// kindEmailInvalid refuses a provider's e-mail that is no valid address. The other reasons to
// refuse a verified answer are the store's (store.LinkRefusalKinds); they join oidcrp's kinds in
// the audit log and on the test sign-in page.
const kindEmailInvalid = "email_invalid"

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

// ssoIdentity is the identity in a verified answer, with the provider's e-mail normalised when
// the provider says it is verified, or the reason why it cannot serve to link.
func ssoIdentity(p store.IdP, res *oidcrp.Result) store.SSOIdentity {
	id := store.SSOIdentity{IdPID: p.ID, Issuer: res.Issuer, Subject: res.Subject}
	raw, err := res.VerifiedEmail()
	if err != nil {
		r := refusalOf(err)
		id.NoEmail = &store.LinkRefusal{Kind: store.LinkRefusalKind(r.Kind), Detail: r.Detail}
		return id
	}
	email, err := account.NormaliseEmail(raw)
	if err != nil {
		id.NoEmail = &store.LinkRefusal{Kind: kindEmailInvalid, Detail: "the provider's e-mail " + quoteDetail(raw) + " is not a valid address"}
		return id
	}
	id.Email = email
	return id
}

// signInSSO completes an SSO sign-in in the store (match, link, session in one transaction)
// and gives the browser the new session. self is the signed-in person linking their own identity
// (profile, test sign-in), or 0; draft accepts a test of a draft's settings, which links nobody
// and signs nobody in. A refusal comes back as an ssoRefusal with the person it pointed at.
func (s *Server) signInSSO(c echo.Context, p store.IdP, res *oidcrp.Result, self int64, draft bool) (store.SSOOutcome, ssoRefusal, error) {
	ctx := c.Request().Context()
	old, _ := cookie(c).Values[keyToken].(string)
	out, err := s.store.SignInSSO(ctx, store.SSOSignIn{
		Identity: ssoIdentity(p, res), Self: self, AnyIssuer: draft, OldSession: old,
		ClientIP: c.RealIP(), UserAgent: truncate(c.Request().UserAgent(), 300), Actor: s.actor(c),
	})
	var lr *store.LinkRefusal
	if errors.As(err, &lr) {
		return store.SSOOutcome{User: lr.User}, ssoRefusal{Kind: string(lr.Kind), Detail: lr.Detail}, nil
	}
	if err != nil {
		return store.SSOOutcome{}, ssoRefusal{}, err
	}
	if out.Session != "" {
		s.metrics.login(store.MethodSSO, true)
		if err := s.useSession(c, out.Session); err != nil {
			return out, ssoRefusal{}, err
		}
	}
	return out, ssoRefusal{}, nil
}

func quoteDetail(s string) string {
	return "\"" + truncate(s, 300) + "\""
}
