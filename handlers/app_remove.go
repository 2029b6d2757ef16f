package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Removing an application: a review page that says what stops working, then the app's name
// typed to confirm.

func (s *Server) appRemoveView(c echo.Context, a store.Application, typed string) views.AppRemoveView {
	return views.AppRemoveView{ID: a.ID, Name: a.Name, ClientID: a.ClientID,
		Confirm: views.Field{ID: "confirm", Name: "confirm", Label: lang(c).T("apps.remove.confirm.label", a.Name),
			Value: truncate(typed, store.MaxAppNameLen*4), MaxLen: store.MaxAppNameLen, Required: true, Autocomplete: "off"}}
}

func (s *Server) appRemovePage(c echo.Context, a store.Application) views.Page {
	pg := s.page(c, "apps.remove.title", "apps", s.appsCrumbs(c, views.Crumb{Label: a.Name, Href: paths.App(a.ID)},
		crumb(c, "apps.remove.title", ""))...)
	pg.Title = lang(c).T("apps.remove.heading", a.Name)
	return pg
}

// handleAppRemoveForm shows what removing the app means. It changes nothing.
func (s *Server) handleAppRemoveForm(c echo.Context) error {
	a, err := s.appParam(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AppRemovePage(s.appRemovePage(c, a), s.appRemoveView(c, a, "")))
}

// handleAppRemove removes the app once its name is typed.
func (s *Server) handleAppRemove(c echo.Context) error {
	a, err := s.appParam(c)
	if err != nil {
		return err
	}
	typed, _ := formText(c.FormValue("confirm"), store.MaxAppNameLen*4)
	if strings.EqualFold(typed, a.Name) {
		if err := s.store.RemoveApplication(c.Request().Context(), s.actor(c), a.ID); err != nil {
			return err
		}
		s.setFlash(c, "apps.removed", a.Name)
		return redirect(c, paths.Apps)
	}
	v := s.appRemoveView(c, a, typed)
	v.Confirm.Error = lang(c).T("apps.remove.confirm.err", a.Name)
	pg := s.appRemovePage(c, a)
	pg.Errors = []views.FieldError{{Field: v.Confirm.ID, Message: v.Confirm.Error}}
	return unprocessable(c, views.AppRemovePage(pg, v))
}
