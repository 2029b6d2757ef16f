package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
	"portvakt/views/paths"
)

// Linking one's own identity from the profile (DESIGN.md flow 13). Administrators and people
// with the Authentication Settings grant link only this way: a sign-in never links them, so a
// delegate who points a provider elsewhere cannot make it vouch for them.

// linkChoices lists the enabled providers serving the person's domain, while they have no link.
func (s *Server) linkChoices(ctx context.Context, email string) ([]views.ProviderChoice, []store.IdP, error) {
	ps, err := s.store.IdPsForDomain(ctx, account.Domain(email))
	if err != nil {
		return nil, nil, err
	}
	var out []views.ProviderChoice
	for _, p := range ps {
		out = append(out, views.ProviderChoice{Name: p.Name, StartURL: paths.ProfileLink(p.ID)})
	}
	return out, ps, nil
}

// handleProfileLink sends the signed-in person to the provider to link their own identity. The
// provider must serve their domain; a person who is linked already goes back to the profile.
func (s *Server) handleProfileLink(c echo.Context) error {
	ctx := c.Request().Context()
	sess := currentSession(c)
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if l, err := s.store.LinkOfUser(ctx, sess.UserID); err == nil && l.BySelf {
		return redirect(c, paths.Profile)
	}
	serves, err := s.store.IdPServesDomain(ctx, id, account.Domain(sess.User.Email))
	if err != nil {
		return err
	}
	if !serves {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	p, err := s.store.IdP(ctx, id)
	if err != nil {
		return err
	}
	if err := s.startOIDC(c, p, store.PurposeLink, sess.UserID, sess.User.Email, paths.Profile); err != nil {
		return s.refuseSSO(c, p, sess.User.Email, refusalOf(err))
	}
	return nil
}

// finishProfileLink links the identity to the person who started the link, in the session
// that started it, and signs them in again through SSO.
func (s *Server) finishProfileLink(c echo.Context, p store.IdP, st store.OIDCState, res *oidcrp.Result, ferr error) error {
	sess := currentSession(c)
	if sess == nil || sess.UserID != st.UserID {
		return s.refuseSSO(c, p, "", ssoRefusal{Kind: string(oidcrp.KindState), Detail: "link callback in a session other than the one that started it"})
	}
	if ferr != nil {
		return s.refuseSSO(c, p, sess.User.Email, refusalOf(ferr))
	}
	_, r, err := s.signInSSO(c, p, res, sess.UserID)
	if err != nil {
		return err
	}
	if r.Kind != "" {
		return s.refuseSSO(c, p, res.Email, r)
	}
	s.setFlash(c, "profile.linked", p.Name)
	return redirect(c, paths.Profile)
}
