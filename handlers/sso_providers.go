package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

// Authentication Settings > Single sign-on: the identity providers, added from a preset, with
// the redirect URI to register, a discovery check on save, and the test sign-in.

// idpParam loads the provider named by the :id path parameter (404 when there is none).
func (s *Server) idpParam(c echo.Context) (store.IdP, error) {
	id, err := idParam(c)
	if err != nil {
		return store.IdP{}, err
	}
	return s.store.IdP(c.Request().Context(), id)
}

func (s *Server) ssoCrumbs(c echo.Context, last ...views.Crumb) []views.Crumb {
	return authSettingsCrumbs(c, "nav.sso", paths.SSO, last...)
}

// handleIdPList shows the providers and the redirect URI to register.
func (s *Server) handleIdPList(c echo.Context) error {
	ps, err := s.store.IdPs(c.Request().Context())
	if err != nil {
		return err
	}
	l := lang(c)
	v := views.IdPListView{RedirectURI: s.RedirectURI()}
	for _, p := range ps {
		row := views.IdPRow{ID: p.ID, Name: p.Name, Preset: l.T(presetKey(p.Preset, "")), Issuer: p.Issuer,
			Enabled: p.Enabled, Tested: !p.TestedAt.IsZero(), Draft: p.Staged}
		for _, d := range p.Domains {
			row.Domains = append(row.Domains, d.Name)
		}
		if row.Tested {
			row.TestedText = l.T("sso.tested.by", p.TestedBy, l.Time(p.TestedAt))
		}
		v.Providers = append(v.Providers, row)
	}
	pg := s.page(c, "sso.title", "sso", s.ssoCrumbs(c)...)
	pg.Crumbs[len(pg.Crumbs)-1].Href = ""
	return render(c, http.StatusOK, views.IdPListPage(pg, v))
}

// handleIdPNew shows the preset choice, then the form for the chosen preset.
func (s *Server) handleIdPNew(c echo.Context) error {
	preset := oidcrp.Preset(c.QueryParam("preset"))
	if !slices.Contains(oidcrp.Presets, preset) {
		pg := s.page(c, "sso.new.title", "sso", s.ssoCrumbs(c, crumb(c, "sso.new.title", ""))...)
		return render(c, http.StatusOK, views.IdPPresetPage(pg, views.IdPPresetView{Presets: presetChoices(c)}))
	}
	f := idpForm{preset: preset, scopes: defaultScopes, enabled: true}
	v, err := s.idpFormView(c, nil, f)
	if err != nil {
		return err
	}
	pg := s.page(c, "sso.new.title", "sso", s.ssoCrumbs(c, crumb(c, "sso.new.title", ""))...)
	return render(c, http.StatusOK, views.IdPFormPage(pg, v))
}

func presetChoices(c echo.Context) []views.PresetChoice {
	l := lang(c)
	var out []views.PresetChoice
	for _, p := range oidcrp.Presets {
		out = append(out, views.PresetChoice{Name: l.T(presetKey(string(p), "")), About: l.T(presetKey(string(p), ".about")),
			Href: paths.SSONewPreset(string(p))})
	}
	return out
}

// handleIdPCreate saves a new provider after checking its discovery document.
func (s *Server) handleIdPCreate(c echo.Context) error {
	return s.saveIdP(c, nil)
}

// handleIdPEdit shows a provider's form; the client secret is never shown again.
func (s *Server) handleIdPEdit(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	f := idpForm{preset: oidcrp.Preset(p.Preset), name: p.Name, clientID: p.ClientID, scopes: p.Scopes, enabled: p.Enabled}
	presetJSON, targets := p.PresetJSON, []store.IdP{p}
	if d, err := s.store.IdPDraft(c.Request().Context(), p.ID); err == nil {
		if d.AuthorID == currentSession(c).UserID {
			// The author goes on editing from their draft; anybody else edits the live settings,
			// so that saving never puts their name on settings they did not type.
			f.clientID, f.scopes, presetJSON = d.ClientID, d.Scopes, d.PresetJSON
		}
		targets = append(targets, d.On(p)) // "Test the draft" goes there
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_ = json.Unmarshal([]byte(presetJSON), &f.in)
	for _, d := range p.Domains {
		f.domainIDs = append(f.domainIDs, d.ID)
	}
	v, err := s.idpFormView(c, &p, f)
	if err != nil {
		return err
	}
	pg := s.page(c, "sso.edit.title", "sso", s.ssoCrumbs(c, views.Crumb{Label: p.Name})...)
	pg.Title = p.Name
	allowFormTargets(c, s.idpOrigins(targets...)...)
	return render(c, http.StatusOK, views.IdPFormPage(pg, v))
}

// handleIdPUpdate saves changes to a provider.
func (s *Server) handleIdPUpdate(c echo.Context) error {
	p, err := s.idpParam(c)
	if err != nil {
		return err
	}
	return s.saveIdP(c, &p)
}

// saveIdP validates the form, checks discovery, and creates or updates the provider. Refused
// input shows the form again (422) with a message per field and every value but the secret.
func (s *Server) saveIdP(c echo.Context, old *store.IdP) error {
	f := readIdPForm(c)
	if old != nil {
		f.preset = oidcrp.Preset(old.Preset) // the kind of provider is fixed once added
	} else if !slices.Contains(oidcrp.Presets, f.preset) {
		return badRequest("unknown preset")
	}
	v, err := s.idpFormView(c, old, f)
	if err != nil {
		return err
	}
	in, ok := s.validateIdP(c, &v, f, old)
	if ok {
		in.Issuer, ok = s.checkDiscovery(c, &v, f.preset, in.Issuer)
	}
	if ok && old != nil && in.SecretEnc == nil && (in.Issuer != old.Issuer || in.ClientID != old.ClientID) &&
		!(v.Draft != nil && v.Draft.Issuer == in.Issuer && v.Draft.ClientID == in.ClientID) {
		v.ClientSecret.Error, ok = lang(c).T("sso.err.client_secret.new"), false
	}
	if ok {
		id, staged, err := s.storeIdP(c, old, in)
		if err == nil {
			s.forgetIdP(old, in)
			if staged {
				s.setFlash(c, "sso.draft.saved")
			} else {
				s.setFlash(c, "sso.saved", in.Name)
			}
			return redirect(c, paths.IdP(id))
		}
		if errors.Is(err, store.ErrSecretRequired) {
			v.ClientSecret.Error = lang(c).T("sso.err.client_secret.new")
		} else if !s.domainProblem(c, &v, err) {
			return err
		}
	}
	titleKey, crumbs := "sso.new.title", s.ssoCrumbs(c, crumb(c, "sso.new.title", ""))
	if old != nil {
		titleKey, crumbs = "sso.edit.title", s.ssoCrumbs(c, views.Crumb{Label: old.Name})
	}
	pg := s.page(c, titleKey, "sso", crumbs...)
	if old != nil {
		pg.Title = old.Name
	}
	pg.Errors = v.Problems()
	return unprocessable(c, views.IdPFormPage(pg, v))
}

// storeIdP creates or updates the provider. For a tested provider, name, domains and the
// enabled switch change at once (under the store's guards), while the sign-in settings go into
// a draft; staged reports that a draft is waiting.
func (s *Server) storeIdP(c echo.Context, old *store.IdP, in store.IdPInput) (id int64, staged bool, err error) {
	ctx := c.Request().Context()
	if old == nil {
		id, err := s.store.CreateIdP(ctx, s.actor(c), in)
		return id, false, err
	}
	if old.TestedAt.IsZero() {
		err := s.store.UpdateIdP(ctx, s.actor(c), old.ID, in)
		if !errors.Is(err, store.ErrDraftRequired) {
			return old.ID, false, err
		}
	}
	live := in
	live.PresetJSON, live.Issuer, live.ClientID, live.SecretEnc, live.Scopes = old.PresetJSON, old.Issuer, old.ClientID, nil, old.Scopes
	if err := s.store.UpdateIdP(ctx, s.actor(c), old.ID, live); err != nil {
		return old.ID, false, err
	}
	staged, err = s.store.SaveIdPDraft(ctx, s.actor(c), old.ID, in)
	return old.ID, staged, err
}

// forgetIdP drops cached discoveries so that the next sign-in reads the new configuration.
func (s *Server) forgetIdP(old *store.IdP, in store.IdPInput) {
	if old != nil {
		s.rp.Forget(old.Issuer, old.ClientID)
	}
	s.rp.Forget(in.Issuer, in.ClientID)
}

// domainProblem turns the store's refusal of a domain into a message on the domains field.
func (s *Server) domainProblem(c echo.Context, v *views.IdPFormView, err error) bool {
	switch {
	case errors.Is(err, store.ErrNeededWhilePasswordOff):
		v.DomainsError = lang(c).T("sso.err.passwordoff")
	case errors.Is(err, store.ErrDomainServed):
		v.DomainsError = lang(c).T("sso.err.domains.served")
	case errors.Is(err, store.ErrNotFound):
		v.DomainsError = lang(c).T("sso.err.domains.unverified")
	default:
		return false
	}
	return true
}

// idpName is a provider's name for the profile page ("" when it is gone).
func (s *Server) idpName(ctx context.Context, id int64) string {
	p, err := s.store.IdP(ctx, id)
	if err != nil {
		return ""
	}
	return p.Name
}
