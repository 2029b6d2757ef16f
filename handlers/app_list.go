package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Authentication Settings > Applications: the organisation's apps that sign in through
// portvakt (portvakt is their OpenID provider). Listed, added per type, edited, switched off,
// their secret rotated, removed; the protocol itself is served elsewhere.

// appParam loads the application named by the :id path parameter (404 when there is none).
func (s *Server) appParam(c echo.Context) (store.Application, error) {
	id, err := idParam(c)
	if err != nil {
		return store.Application{}, err
	}
	return s.store.ApplicationByID(c.Request().Context(), id)
}

func (s *Server) appsCrumbs(c echo.Context, last ...views.Crumb) []views.Crumb {
	return authSettingsCrumbs(c, "nav.apps", paths.Apps, last...)
}

// appKindName is an app type in words.
func appKindName(l views.Lang, k store.AppKind) string {
	return l.T(dynamicKey("apps.kind.", string(k)))
}

// handleApps lists the applications.
func (s *Server) handleApps(c echo.Context) error {
	ctx, l := c.Request().Context(), lang(c)
	apps, err := s.store.ListApplications(ctx)
	if err != nil {
		return err
	}
	people, err := s.store.ApplicationPeopleCounts(ctx)
	if err != nil {
		return err
	}
	var v views.AppListView
	for _, a := range apps {
		row := views.AppRow{ID: a.ID, Name: a.Name, Kind: appKindName(l, a.Kind), RedirectURIs: a.RedirectURIs,
			LastSignIn: a.LastSignInAt, Enabled: a.Enabled, Machine: !a.Kind.SignsPeopleIn(), Everyone: a.Everyone}
		if !a.Everyone {
			row.People = people[a.ID]
		}
		v.Apps = append(v.Apps, row)
	}
	pg := s.page(c, "apps.title", "apps", s.appsCrumbs(c)...)
	pg.Crumbs[len(pg.Crumbs)-1].Href = ""
	return render(c, http.StatusOK, views.AppsPage(pg, v))
}

// handleAppNew offers the types of application, then the form for the chosen type.
func (s *Server) handleAppNew(c echo.Context) error {
	l := lang(c)
	kind := store.AppKind(c.QueryParam("type"))
	pg := s.appPage(c, nil)
	if !store.ValidAppKind(kind) {
		var v views.AppKindView
		for _, k := range store.AppKinds {
			v.Kinds = append(v.Kinds, views.AppKindChoice{Kind: string(k), Name: appKindName(l, k),
				About: l.T(dynamicKey("apps.kind.", string(k)+".about"))})
		}
		return render(c, http.StatusOK, views.AppKindPage(pg, v))
	}
	st := store.AppSettings{Kind: kind, Enabled: true, Everyone: true}.Normalize()
	v := s.appFormView(c, nil, appFormFromSettings(st, nil))
	pg.Title = v.Heading
	return render(c, http.StatusOK, views.AppFormPage(pg, v))
}

// handleAppsHelp is Questions and answers about applications.
func (s *Server) handleAppsHelp(c echo.Context) error {
	pg := s.page(c, "apps.help.title", "apps", s.appsCrumbs(c, crumb(c, "apps.help.title", ""))...)
	return render(c, http.StatusOK, views.AppsHelpPage(pg, views.NewAppsHelpView(lang(c))))
}
