package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Removing an identity provider: a review page that says who is affected, then, when the
// provider serves domains or has linked people, the provider's name typed to confirm.

func (s *Server) idpRemoveView(c echo.Context, p store.IdP, typed string) (views.IdPRemoveView, error) {
	links, err := s.store.LinkCountOfIdP(c.Request().Context(), p.Issuer)
	if err != nil {
		return views.IdPRemoveView{}, err
	}
	v := views.IdPRemoveView{ID: p.ID, Name: p.Name, Links: links}
	for _, d := range p.Domains {
		v.Domains = append(v.Domains, d.Name)
	}
	v.NeedsConfirm = len(v.Domains) > 0 || links > 0
	l := lang(c)
	v.Confirm = views.Field{ID: "confirm", Name: "confirm", Label: l.T("sso.remove.confirm.label", p.Name),
		Value: truncate(typed, maxIdPName*4), MaxLen: maxIdPName, Required: true, Autocomplete: "off"}
	return v, nil
}

func (s *Server) idpRemovePage(c echo.Context, p store.IdP) views.Page {
	pg := s.page(c, "sso.remove.title", "sso", s.ssoCrumbs(c, views.Crumb{Label: p.Name, Href: paths.IdP(p.ID)},
		crumb(c, "sso.remove.title", ""))...)
	pg.Title = lang(c).T("sso.remove.heading", p.Name)
	return pg
}

// handleIdPRemoveForm shows what removing the provider means. It changes nothing.
func (s *Server) handleIdPRemoveForm(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	v, err := s.idpRemoveView(c, p, "")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.IdPRemovePage(s.idpRemovePage(c, p), v))
}

// handleIdPRemove removes the provider once confirmed.
func (s *Server) handleIdPRemove(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	typed, _ := formText(c.FormValue("confirm"), maxIdPName*4)
	v, err := s.idpRemoveView(c, p, typed)
	if err != nil {
		return err
	}
	l := lang(c)
	if v.NeedsConfirm && !strings.EqualFold(typed, p.Name) {
		v.Confirm.Error = l.T("sso.remove.confirm.err", p.Name)
	} else {
		err := s.store.DeleteIdP(c.Request().Context(), s.actor(c), p.ID)
		if err == nil {
			s.rp.Forget(p.Issuer, p.ClientID)
			s.setFlash(c, "sso.removed", p.Name)
			return redirect(c, paths.SSO)
		}
		if !errors.Is(err, store.ErrNeededWhilePasswordOff) {
			return err
		}
		v.Confirm.Error = l.T("sso.err.passwordoff")
	}
	pg := s.idpRemovePage(c, p)
	pg.Errors = []views.FieldError{{Field: v.Confirm.ID, Message: v.Confirm.Error}}
	return unprocessable(c, views.IdPRemovePage(pg, v))
}
