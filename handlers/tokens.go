package handlers

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// Authentication Settings > API tokens (administrators): create, list, revoke.

func tokenRow(t store.APIToken, now time.Time) views.TokenRow {
	return views.TokenRow{ID: t.ID, Name: t.Name, Purpose: t.Purpose, Hint: t.Hint, Vouches: t.IdPVouches,
		CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt,
		LastUsedIP: t.LastUsedIP, RevokedAt: t.RevokedAt, RevokedBy: t.RevokedBy, Expired: t.Expired(now)}
}

func (s *Server) tokenFields(c echo.Context) views.TokenFormView {
	l := lang(c)
	return views.TokenFormView{
		Name: views.Field{ID: "name", Name: "name", Label: l.T("tokens.field.name"), Hint: l.T("tokens.field.name.hint"),
			MaxLen: MaxTokenName, Required: true, Autocomplete: "off"},
		Expires: "365",
		ConfirmNever: views.Field{ID: "confirm", Name: "confirm", Label: l.T("tokens.field.confirm"),
			Hint: l.T("tokens.field.confirm.hint"), MaxLen: MaxTokenName, Autocomplete: "off"},
	}
}

func (s *Server) tokensPage(c echo.Context) views.Page {
	return s.page(c, "tokens.title", "tokens", crumb(c, "nav.authsettings", ""), crumb(c, "nav.tokens", tokensPath))
}

// renderTokens shows the page with v's form; the list is read fresh.
func (s *Server) renderTokens(c echo.Context, status int, p views.Page, v views.TokensView) error {
	list, err := s.store.ListAPITokens(c.Request().Context())
	if err != nil {
		return err
	}
	now := s.store.Now()
	for _, t := range list {
		v.Tokens = append(v.Tokens, tokenRow(t, now))
	}
	// The page may carry a token that is shown once: it must not be kept by any cache.
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.TokensPage(p, v))
}

func (s *Server) handleTokens(c echo.Context) error {
	return s.renderTokens(c, http.StatusOK, s.tokensPage(c), views.TokensView{Form: s.tokenFields(c)})
}

// handleTokenCreate makes a token and shows it once, on the answer to this POST: it never goes
// into a redirect, a cookie or a log.
func (s *Server) handleTokenCreate(c echo.Context) error {
	l := lang(c)
	v := views.TokensView{Form: s.tokenFields(c)}
	f := &v.Form
	var problems fieldProblems
	name, ok := formText(c.FormValue("name"), MaxTokenName)
	f.Name.Value = truncate(name, MaxTokenName*4)
	switch {
	case name == "":
		problems.add(&f.Name, l.T("tokens.err.name"))
	case !ok:
		problems.add(&f.Name, l.T("tokens.err.name.long"))
	}
	f.Purpose = c.FormValue("purpose")
	if !store.ValidPurpose(f.Purpose) {
		f.Purpose, f.PurposeError = "", l.T("tokens.err.purpose")
		problems = append(problems, views.FieldError{Field: "purpose-scim", Message: f.PurposeError})
	}
	f.Vouches = c.FormValue("vouches") != ""
	if f.Vouches && f.Purpose == store.PurposeAudit {
		f.PurposeError = l.T("tokens.err.vouches")
		problems = append(problems, views.FieldError{Field: "vouches", Message: f.PurposeError})
	}
	f.Expires = c.FormValue("expires")
	life, never, err := ParseTokenLifetime(f.Expires)
	if err != nil || !slices.Contains(views.TokenLifetimes, f.Expires) {
		f.Expires, f.ExpiresError = "365", l.T("tokens.err.expires")
		problems = append(problems, views.FieldError{Field: "expires", Message: f.ExpiresError})
	}
	confirm, _ := formText(c.FormValue("confirm"), MaxTokenName)
	f.ConfirmNever.Value = truncate(confirm, MaxTokenName*4)
	if never && (confirm != name || name == "") {
		problems.add(&f.ConfirmNever, l.T("tokens.err.confirm"))
	}
	p := s.tokensPage(c)
	if len(problems) > 0 {
		p.Errors = problems
		return s.renderTokens(c, http.StatusUnprocessableEntity, p, v)
	}
	nt := store.NewAPIToken{Name: name, Purpose: f.Purpose, IdPVouches: f.Vouches}
	if !never {
		nt.ExpiresAt = s.store.Now().Add(life)
	}
	t, secret, err := s.store.CreateAPIToken(c.Request().Context(), s.actor(c), nt)
	if err != nil {
		return err
	}
	return s.renderTokens(c, http.StatusOK, p, views.TokensView{Form: s.tokenFields(c), Created: &views.CreatedToken{Name: t.Name, Secret: secret}})
}

func (s *Server) tokenParam(c echo.Context) (store.APIToken, error) {
	id, err := idParam(c)
	if err != nil {
		return store.APIToken{}, err
	}
	return s.store.APITokenByID(c.Request().Context(), id)
}

// handleTokenRevokeForm asks to confirm a revocation, saying what stops working.
func (s *Server) handleTokenRevokeForm(c echo.Context) error {
	t, err := s.tokenParam(c)
	if err != nil {
		return err
	}
	p := s.page(c, "tokens.revoke.link", "tokens", crumb(c, "nav.authsettings", ""), crumb(c, "nav.tokens", tokensPath),
		views.Crumb{Label: t.Name})
	p.Title = lang(c).T("tokens.revoke.title", t.Name)
	return render(c, http.StatusOK, views.TokenRevokePage(p, views.TokenRevokeView{Token: tokenRow(t, s.store.Now())}))
}

// handleTokenRevoke ends a token at once; its next request is refused.
func (s *Server) handleTokenRevoke(c echo.Context) error {
	t, err := s.tokenParam(c)
	if err != nil {
		return err
	}
	if err := s.store.RevokeAPIToken(c.Request().Context(), s.actor(c), t.ID); err != nil {
		return err
	}
	s.setFlash(c, "tokens.revoked", t.Name)
	return redirect(c, tokensPath)
}
