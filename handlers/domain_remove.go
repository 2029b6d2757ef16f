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

// handleDomainRemoveForm asks to confirm the removal of a domain, saying
// which identity providers serve it.
func (s *Server) handleDomainRemoveForm(c echo.Context) error {
	return s.renderDomainRemove(c, http.StatusOK, "", "")
}

// renderDomainRemove shows the confirmation with the typed value and error.
func (s *Server) renderDomainRemove(c echo.Context, status int, typed, msg string) error {
	d, err := s.domainParam(c)
	if err != nil {
		return err
	}
	usedBy, err := s.store.ProvidersServingDomain(c.Request().Context(), d.Name)
	if err != nil {
		return err
	}
	l := lang(c)
	row := domainRow(d)
	v := views.DomainRemoveView{
		DomainRow: row, ID: d.ID, UsedBy: usedBy,
		Confirm: views.Field{
			ID: "confirm", Name: "confirm", Label: l.T("domain.remove.type"),
			Hint: l.T("domain.remove.typehint", row.Display), Value: typed, Error: msg,
			MaxLen: maxDomainInput, Autocomplete: "off", Required: true,
		},
	}
	p := s.page(c, "domain.remove.title", "domains", authSettingsCrumbs(c, "nav.domains", paths.Domains,
		views.Crumb{Label: row.Display, Href: row.Href}, crumb(c, "domain.remove.title", ""))...)
	p.Title = l.T("domain.remove.confirm", row.Display)
	if msg != "" {
		p.Errors = []views.FieldError{{Field: "confirm", Message: msg}}
	}
	return render(c, status, views.DomainRemovePage(p, v))
}

// handleDomainRemove removes a domain; one that an identity provider
// serves needs its name typed to confirm.
func (s *Server) handleDomainRemove(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.domainParam(c)
	if err != nil {
		return err
	}
	usedBy, err := s.store.ProvidersServingDomain(ctx, d.Name)
	if err != nil {
		return err
	}
	if len(usedBy) > 0 {
		typed, _ := formText(c.FormValue("confirm"), maxDomainInput)
		if !confirmsDomain(typed, d.Name) {
			return s.renderDomainRemove(c, http.StatusUnprocessableEntity, typed,
				lang(c).T("domain.remove.mismatch", displayName(d.Name)))
		}
	}
	_, err = s.store.RemoveDomain(ctx, s.actor(c), d.ID)
	if errors.Is(err, store.ErrNeededWhilePasswordOff) {
		typed, _ := formText(c.FormValue("confirm"), maxDomainInput)
		return s.renderDomainRemove(c, http.StatusConflict, typed, lang(c).T("domain.remove.passwordoff"))
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "domain.removed", displayName(d.Name))
	return redirect(c, paths.Domains)
}

// confirmsDomain reports whether typed names the domain, in its ASCII or
// Unicode form, ignoring case and a trailing dot.
func confirmsDomain(typed, name string) bool {
	typed = strings.TrimSuffix(strings.ToLower(typed), ".")
	return typed != "" && (typed == name || typed == strings.ToLower(displayName(name)))
}
