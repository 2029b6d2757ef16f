package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// handleAppCreate adds an application and answers with what to give it: the issuer, the client
// ID and, for types that have one, the client secret, shown on this answer only.
func (s *Server) handleAppCreate(c echo.Context) error {
	kind := store.AppKind(c.FormValue("kind"))
	if !store.ValidAppKind(kind) {
		return badRequest("unknown application type")
	}
	return s.saveApp(c, nil, kind)
}

// handleApp shows an application's settings, how to connect it, and its secret's rotation.
func (s *Server) handleApp(c echo.Context) error {
	a, err := s.appParam(c)
	if err != nil {
		return err
	}
	v, err := s.storedAppFormView(c, a)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AppFormPage(s.appPage(c, &a), v))
}

// storedAppFormView is an app's form filled in with its settings as stored.
func (s *Server) storedAppFormView(c echo.Context, a store.Application) (views.AppFormView, error) {
	people, err := s.store.ApplicationPeople(c.Request().Context(), a.ID)
	if err != nil {
		return views.AppFormView{}, err
	}
	return s.appFormView(c, &a, appFormFromSettings(a.Settings(), people)), nil
}

// handleAppUpdate saves an application's settings; its type stays.
func (s *Server) handleAppUpdate(c echo.Context) error {
	a, err := s.appParam(c)
	if err != nil {
		return err
	}
	return s.saveApp(c, &a, a.Kind)
}

// appPage is the layout of the form: adding an app of a type, or an app's own page.
func (s *Server) appPage(c echo.Context, old *store.Application) views.Page {
	if old == nil {
		return s.page(c, "apps.new.title", "apps", s.appsCrumbs(c, crumb(c, "apps.new.title", ""))...)
	}
	pg := s.page(c, "apps.title", "apps", s.appsCrumbs(c, views.Crumb{Label: old.Name})...)
	pg.Title = old.Name
	return pg
}

// saveApp handles every button of the form: a person's row added, removed or picked shows the
// form again with nothing saved; Save checks every field and creates or updates the app.
func (s *Server) saveApp(c echo.Context, old *store.Application, kind store.AppKind) error {
	l := lang(c)
	f, act := readAppForm(c, kind)
	pg := s.appPage(c, old)
	if act.kind != "save" {
		v := s.appFormView(c, old, f)
		v.PeopleUnsaved = true
		if old == nil {
			pg.Title = v.Heading
		}
		return render(c, http.StatusOK, views.AppFormPage(pg, v))
	}
	var ids []int64
	var rowsBad bool
	if kind.SignsPeopleIn() && !f.everyone {
		var problems []views.FieldError
		f.rows, ids, problems = s.resolveGrantRows(c, rowValues(f.rows))
		rowsBad = len(problems) > 0
	}
	st := f.settings(old, ids)
	for field, code := range st.Problems() {
		if _, seen := f.problems[field]; !seen && !(field == store.AppFieldPeople && rowsBad) {
			f.problems[field] = code
		}
	}
	v := s.appFormView(c, old, f)
	if !showProblems(l, &v, f.problems) && !rowsBad {
		done, err := s.storeApp(c, old, st)
		if done || err != nil {
			return err
		}
		v.PeopleError = l.T("security.err.person.gone")
	}
	if old == nil {
		pg.Title = v.Heading
	}
	pg.Errors = v.Problems()
	return unprocessable(c, views.AppFormPage(pg, v))
}

// storeApp creates or updates the app and answers; done is false when a person on the list was
// removed meanwhile, so that the form is shown again.
func (s *Server) storeApp(c echo.Context, old *store.Application, st store.AppSettings) (done bool, err error) {
	ctx := c.Request().Context()
	if old == nil {
		a, secret, err := s.store.CreateApplication(ctx, s.actor(c), st)
		if err == nil {
			return true, s.renderAppCreated(c, a, secret, false)
		}
		return false, ignoreNotFound(err)
	}
	a, err := s.store.UpdateApplication(ctx, s.actor(c), old.ID, st)
	if err == nil {
		s.setFlash(c, "apps.saved", a.Name)
		return true, redirect(c, paths.App(a.ID))
	}
	if _, gone := s.store.ApplicationByID(ctx, old.ID); gone != nil {
		return false, gone // the app itself is gone
	}
	return false, ignoreNotFound(err)
}

// ignoreNotFound is nil for ErrNotFound (a person who is gone), err otherwise.
func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// renderAppCreated answers with what to give a new app, or an app with a new secret. The secret
// is on this answer only: never in a redirect, a cookie or a log.
func (s *Server) renderAppCreated(c echo.Context, a store.Application, secret string, rotated bool) error {
	l := lang(c)
	v := views.AppCreatedView{ID: a.ID, Name: a.Name, Rotated: rotated, Connect: *s.appConnect(a, secret)}
	pg := s.page(c, "apps.title", "apps", s.appsCrumbs(c, views.Crumb{Label: a.Name, Href: paths.App(a.ID)})...)
	pg.Title = l.T("apps.created.title", a.Name)
	if rotated {
		pg.Title = l.T("apps.rotated.title", a.Name)
		if a.OldSecretUntil.After(s.store.Now()) {
			v.OldEnds = l.Time(a.OldSecretUntil)
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.AppCreatedPage(pg, v))
}

// rowValues are the rows as typed.
func rowValues(rows []views.GrantRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Value
	}
	return out
}
