package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// handleHome is the overview after sign-in.
func (s *Server) handleHome(c echo.Context) error {
	sess := currentSession(c)
	v := views.HomeView{Name: sess.User.Name, Admin: sess.User.IsAdmin, AuthSettings: sess.AuthSettings}
	return render(c, http.StatusOK, views.HomePage(s.page(c, "nav.home", "home"), v))
}

// handleProfile shows the person's own e-mail, link and how this session signed in.
func (s *Server) handleProfile(c echo.Context) error {
	sess := currentSession(c)
	u := sess.User
	v := views.ProfileView{
		Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified, Admin: u.IsAdmin,
		AuthSettings: sess.AuthSettings, Method: sess.Method, SignedInAt: sess.CreatedAt,
	}
	link, err := s.store.LinkOfUser(c.Request().Context(), u.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err == nil {
		v.Link = &views.LinkView{Issuer: link.Issuer, Subject: link.Subject, LinkedAt: link.LinkedAt}
	}
	// A privileged person whose link a sign-in made links again from here before it gets them in.
	if err != nil || (!link.BySelf && (u.IsAdmin || sess.AuthSettings)) {
		var ps []store.IdP
		if v.LinkWith, ps, err = s.linkChoices(c.Request().Context(), u.Email); err != nil {
			return err
		}
		allowFormTargets(c, s.idpOrigins(ps...)...)
	}
	if sess.Method == store.MethodSSO {
		v.ProviderName = s.idpName(c.Request().Context(), sess.IdPID)
	}
	p := s.page(c, "profile.title", "profile", crumb(c, "nav.start", paths.Home), crumb(c, "nav.profile", paths.Profile))
	return render(c, http.StatusOK, views.ProfilePage(p, v))
}
