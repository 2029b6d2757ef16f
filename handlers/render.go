package handlers

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"portvakt/views"
	"portvakt/views/paths"
)

// render writes a templ component with the given status. The page is rendered into a buffer
// first, so a rendering error becomes a proper error page instead of half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// page builds the layout model for a page: title (a text key), navigation area, breadcrumb, and
// the pending confirmation.
func (s *Server) page(c echo.Context, titleKey, area string, crumbs ...views.Crumb) views.Page {
	l := lang(c)
	p := views.Page{
		Lang:    l,
		Title:   l.T(titleKey),
		Path:    c.Request().URL.RequestURI(),
		CSRF:    csrfToken(c),
		OrgName: s.cfg.OrgName,
		Area:    area,
		Crumbs:  crumbs,
		Flash:   s.takeFlash(c),
	}
	if sess := currentSession(c); sess != nil {
		p.Person = &views.Person{
			Name: sess.User.Name, Email: sess.User.Email, Admin: sess.User.IsAdmin,
			AuthSettings: sess.AuthSettings, ViaSSO: sess.Method == "sso",
		}
		if sess.AuthSettings {
			p.Confirm = s.confirmBanner(c)
		}
	}
	return p
}

// crumb is a breadcrumb step labelled by a text key.
func crumb(c echo.Context, key, href string) views.Crumb {
	return views.Crumb{Label: lang(c).T(key), Href: href}
}

// authSettingsCrumbs is the breadcrumb of a page in an Authentication Settings area: the group,
// linking to its overview, then the area, then the page's own crumbs.
func authSettingsCrumbs(c echo.Context, areaKey, areaHref string, last ...views.Crumb) []views.Crumb {
	return append([]views.Crumb{crumb(c, "nav.authsettings", paths.AuthSettings), crumb(c, areaKey, areaHref)}, last...)
}

// csrfToken is the token forms must send back.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	return t
}

// unprocessable renders a refused form: the same page again with status 422.
func unprocessable(c echo.Context, comp templ.Component) error {
	return render(c, http.StatusUnprocessableEntity, comp)
}

// idParam reads the :id of a route; anything but a positive number is "not found", so a
// malformed address answers like a missing thing.
func idParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}
