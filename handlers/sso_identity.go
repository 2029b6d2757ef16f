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

// ssoSignIn is the sign-in with the identity in a verified answer, from this browser. self is
// the signed-in person linking their own identity (profile, test sign-in), or 0.
func (s *Server) ssoSignIn(c echo.Context, p store.IdP, res *oidcrp.Result, self int64) store.SSOSignIn {
	old, _ := cookie(c).Values[keyToken].(string)
	return store.SSOSignIn{Identity: ssoIdentity(p, res), Self: self, OldSession: old,
		ClientIP: c.RealIP(), UserAgent: truncate(c.Request().UserAgent(), 300), Actor: s.actor(c)}
}

// signInSSO completes an SSO sign-in in the store (match, link, session in one transaction)
// and gives the browser the new session. self is the signed-in person linking their own identity
// (profile), or 0. A refusal comes back as an ssoRefusal with the person it pointed at.
func (s *Server) signInSSO(c echo.Context, p store.IdP, res *oidcrp.Result, self int64) (store.SSOOutcome, ssoRefusal, error) {
	out, err := s.store.SignInSSO(c.Request().Context(), s.ssoSignIn(c, p, res, self))
	var lr *store.LinkRefusal
	if errors.As(err, &lr) {
		return store.SSOOutcome{User: lr.User}, ssoRefusal{Kind: string(lr.Kind), Detail: lr.Detail}, nil
	}
	if err != nil {
		return store.SSOOutcome{}, ssoRefusal{}, err
	}
	return out, ssoRefusal{}, s.useSSOSession(c, out.Session)
}

// useSSOSession gives the browser the session an SSO sign-in started, if it started one.
func (s *Server) useSSOSession(c echo.Context, token string) error {
	if token == "" {
		return nil
	}
	s.metrics.login(store.MethodSSO, true)
	return s.useSession(c, token)
}

func quoteDetail(s string) string {
	return "\"" + truncate(s, 300) + "\""
}
