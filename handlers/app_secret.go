package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// handleAppSecretRotate gives a web app or an integration a new client secret, shown once. The
// previous one keeps working for store.AppSecretOverlap unless it is to end at once (a leak).
func (s *Server) handleAppSecretRotate(c echo.Context) error {
	a, err := s.appParam(c)
	if err != nil {
		return err
	}
	if !a.Kind.HasSecret() {
		return echo.NewHTTPError(http.StatusNotFound) // public apps have no secret to rotate
	}
	var overlap time.Duration
	switch c.FormValue("overlap") {
	case "keep":
		overlap = store.AppSecretOverlap
	case "now":
	default:
		v, err := s.storedAppFormView(c, a)
		if err != nil {
			return err
		}
		pg := s.appPage(c, &a)
		pg.Errors = []views.FieldError{{Field: "overlap-keep", Message: lang(c).T("apps.secret.err.overlap")}}
		return unprocessable(c, views.AppFormPage(pg, v))
	}
	ctx := c.Request().Context()
	secret, err := s.store.RotateApplicationSecret(ctx, s.actor(c), a.ID, overlap)
	if err != nil {
		return err
	}
	if a, err = s.store.ApplicationByID(ctx, a.ID); err != nil {
		return err
	}
	return s.renderAppCreated(c, a, secret, true)
}
