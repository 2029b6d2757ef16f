package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
	"portvakt/views/paths"
)

// Single sign-on through OpenID Connect: starting a sign-in at a provider and taking the
// callback. Both sign-in from the e-mail step and the test sign-in of Authentication Settings
// come through here; the state row says which.

// oidcStateTTL is how long a started sign-in waits for its callback.
const oidcStateTTL = 10 * time.Minute

// keyOIDCBinding is the cookie value that binds started sign-ins to this browser.
const keyOIDCBinding = "ob"

// callbackPath is where every provider sends the browser back.
const callbackPath = paths.OIDCCallback

// RedirectURI is the address to register at identity providers.
func (s *Server) RedirectURI() string {
	return strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + callbackPath
}

// rpConfig is a provider's configuration for the relying party, with the secret opened.
func (s *Server) rpConfig(p store.IdP) (oidcrp.Config, error) {
	secret, err := s.openSecret(p.SecretEnc)
	if err != nil {
		return oidcrp.Config{}, err
	}
	cfg := oidcrp.Config{ProviderID: p.ID, Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: secret,
		Scopes: strings.Fields(p.Scopes), Preset: oidcrp.Preset(p.Preset)}
	if cfg.Preset == oidcrp.PresetGoogle {
		for _, d := range p.Domains {
			cfg.HostedDomains = append(cfg.HostedDomains, d.Name)
		}
	}
	return cfg, nil
}

// oidcBinding returns this browser's binding value, making one when needed.
func oidcBinding(c echo.Context) string {
	cs := cookie(c)
	b, _ := cs.Values[keyOIDCBinding].(string)
	if b == "" {
		b = store.NewToken()
		cs.Values[keyOIDCBinding] = b
	}
	return b
}

// startOIDC begins a sign-in at p and sends the browser there. The state, nonce and PKCE
// verifier wait in this browser, sealed in a cookie and bound to its session cookie, the
// provider and the redirect URI; nothing is written to the database (see sso_state.go).
func (s *Server) startOIDC(c echo.Context, p store.IdP, purpose string, userID int64, loginHint, next string) error {
	ctx := c.Request().Context()
	cfg, err := s.rpConfig(p)
	if err != nil {
		return err
	}
	// An app asked for a new sign-in (prompt=login, max_age): the identity provider is asked
	// for one too, instead of answering from its own session.
	reauth := s.waitingReauth(c)
	authURL, pending, err := s.rp.Start(ctx, cfg, s.RedirectURI(), loginHint, reauth != "")
	if err != nil {
		return err
	}
	st := store.OIDCState{
		State: pending.State, Binding: oidcBinding(c), IdPID: p.ID, Revision: p.Revision, Purpose: purpose,
		UserID: userID, Draft: p.Draft, Nonce: pending.Nonce, Verifier: pending.Verifier, RedirectURI: pending.RedirectURI,
		Issuer: pending.Issuer, ClientID: pending.ClientID, Next: next, CreatedAt: s.store.Now(), AskedNewAt: pending.AskedNewAt, Reauth: reauth,
	}
	if err := s.keepState(c, st); err != nil {
		return err
	}
	if err := s.saveCookie(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, authURL)
}

// waitingReauth is the app's sign-in that waits in this browser for a new sign-in, or "". The
// mark outlives a sign-in the person walked away from; once that has expired nobody waits, and
// the mark is dropped so that later sign-ins are ordinary ones (on any other error it stays).
func (s *Server) waitingReauth(c echo.Context) string {
	cs := cookie(c)
	id, _ := cs.Values[keyReauth].(string)
	if id == "" {
		return ""
	}
	if _, err := s.store.OPAuthRequestByID(c.Request().Context(), id); errors.Is(err, store.ErrNotFound) {
		delete(cs.Values, keyReauth)
		delete(cs.Values, keyReauthFrom)
		return ""
	}
	return id
}

// idpOrigins returns the origins of the providers' authorization endpoints, which the pages
// that start a sign-in must allow as form targets (browsers apply form-action to the redirect
// that follows the POST). It never waits for a provider: it uses the cached discovery, else the
// issuer's origin, which is where the authorization endpoint lives at the common providers.
func (s *Server) idpOrigins(ps ...store.IdP) []string {
	var out []string
	for _, p := range ps {
		target := p.Issuer
		if info, ok := s.rp.CachedProvider(oidcrp.Config{Issuer: p.Issuer, ClientID: p.ClientID}); ok {
			target = info.AuthorizationEndpoint
		}
		if u, err := url.Parse(target); err == nil && u.Host != "" {
			out = append(out, u.Scheme+"://"+u.Host)
		}
	}
	return out
}

// ssoOptions adds the providers serving the address's domain to the sign-in choices.
func (s *Server) ssoOptions(ctx context.Context, email string, v *views.LoginMethodView) ([]string, error) {
	ps, err := s.store.IdPsForDomain(ctx, account.Domain(email))
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		v.Providers = append(v.Providers, views.ProviderChoice{Name: p.Name, StartURL: paths.LoginSSO(p.ID)})
	}
	return s.idpOrigins(ps...), nil
}

// allIdPOrigins lists the origins of every enabled provider, for the e-mail step, which goes
// straight to the provider when password sign-in is off.
func (s *Server) allIdPOrigins(ctx context.Context) []string {
	enabled, err := s.store.EnabledIdPIssuers(ctx)
	if err != nil {
		return nil
	}
	return s.idpOrigins(enabled...)
}

// ssoDirect starts the sign-in at once when password sign-in is off and exactly one provider
// serves the address. It reports whether it did.
func (s *Server) ssoDirect(c echo.Context, email string) (bool, error) {
	ctx := c.Request().Context()
	on, err := s.store.PasswordLoginEnabled(ctx)
	if err != nil || on {
		return false, err
	}
	ps, err := s.store.IdPsForDomain(ctx, account.Domain(email))
	if err != nil || len(ps) != 1 {
		return false, err
	}
	if err := s.startOIDC(c, ps[0], store.PurposeLogin, 0, email, ""); err != nil {
		s.log.WarnContext(ctx, "start sign-in", "idp", ps[0].Name, "error", err)
		return false, nil // the method page explains
	}
	return true, nil
}

// handleLoginSSO starts the sign-in at the chosen provider for the address typed in the first
// step; the provider must serve that address's domain. Starts are limited per client address.
func (s *Server) handleLoginSSO(c echo.Context) error {
	ctx := c.Request().Context()
	email, ok := s.pendingLoginEmail(c)
	if !ok {
		s.setFlash(c, "login.err.expired")
		return redirect(c, paths.Login)
	}
	if ok, wait, first := s.limiter.count(limit{"sso-start:" + clientBucket(c.RealIP()), limitSSOStartPerClient}); !ok {
		s.auditLimited(c, store.MethodSSO, email, first)
		return s.refuseLimited(c, email, wait)
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	serves, err := s.store.IdPServesDomain(ctx, id, account.Domain(email))
	if err != nil {
		return err
	}
	if !serves {
		return redirect(c, paths.LoginMethod)
	}
	p, err := s.store.IdP(ctx, id)
	if err != nil {
		return err
	}
	if err := s.startOIDC(c, p, store.PurposeLogin, 0, email, ""); err != nil {
		_ = s.auditSignInFailure(c, store.MethodSSO, email, "sso "+p.Name+": provider unreachable: "+err.Error())
		return s.refusePassword(c, email, http.StatusBadGateway, "sso.login.unreachable", "")
	}
	return nil
}

// handleOIDCCallback takes the provider's answer. The state must be known, unused, unexpired
// and started in this browser (takeState); the rest is checked by oidcrp.
func (s *Server) handleOIDCCallback(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	st, err := s.takeState(c, truncate(q.Get("state"), 200))
	if isStateRefusal(err) {
		return s.refuseSSO(c, store.IdP{}, "", ssoRefusal{Kind: string(oidcrp.KindState), Detail: err.Error()})
	}
	if err != nil {
		return err
	}
	p, err := s.store.IdP(ctx, st.IdPID)
	if errors.Is(err, store.ErrNotFound) {
		return s.refuseSSO(c, store.IdP{}, "", ssoRefusal{Kind: string(oidcrp.KindState), Detail: "the provider was removed"})
	}
	if err != nil {
		return err
	}
	if st.Draft {
		if p, err = s.withDraft(ctx, p, st.Revision); err != nil {
			return s.finishTest(c, p, st, nil, err)
		}
	}
	cfg, err := s.rpConfig(p)
	if err != nil {
		return err
	}
	pending := oidcrp.Pending{State: st.State, Nonce: st.Nonce, Verifier: st.Verifier, RedirectURI: st.RedirectURI,
		ProviderID: st.IdPID, Issuer: st.Issuer, ClientID: st.ClientID, AskedNewAt: st.AskedNewAt}
	var res *oidcrp.Result
	var ferr error
	if waiting := s.waitingReauth(c); waiting != "" && st.Reauth != waiting {
		// An app waits for a new sign-in, and this one was started before it asked: the provider
		// was not asked for a new sign-in, yet the session this makes would answer the app.
		ferr = &oidcrp.Failure{Kind: oidcrp.KindStaleAuthentication,
			Detail: "the sign-in was started before an app asked for a new one, and cannot answer it"}
	} else {
		res, ferr = s.rp.Finish(ctx, cfg, q, pending)
	}
	switch st.Purpose {
	case store.PurposeTest:
		return s.finishTest(c, p, st, res, ferr)
	case store.PurposeLink:
		return s.finishProfileLink(c, p, st, res, ferr)
	}
	return s.finishLogin(c, p, res, ferr)
}

// finishLogin signs the person in after a verified answer, linking on the first sign-in.
func (s *Server) finishLogin(c echo.Context, p store.IdP, res *oidcrp.Result, ferr error) error {
	if ferr != nil {
		return s.refuseSSO(c, p, "", refusalOf(ferr))
	}
	_, r, err := s.signInSSO(c, p, res, 0)
	if err != nil {
		return err
	}
	if r.Kind != "" {
		return s.refuseSSO(c, p, res.Email, r)
	}
	return redirect(c, takeNext(c))
}

// refuseSSO logs a refused SSO sign-in with its exact reason and tells the person what happened.
func (s *Server) refuseSSO(c echo.Context, p store.IdP, email string, r ssoRefusal) error {
	detail := "sso"
	if p.Name != "" {
		detail += " " + p.Name
	}
	detail += ": " + r.Kind + ": " + r.Detail
	if err := s.auditSignInFailure(c, store.MethodSSO, email, detail); err != nil {
		return err
	}
	status := http.StatusForbidden
	if r.Kind == string(oidcrp.KindState) {
		status = http.StatusBadRequest
	}
	pg := s.page(c, "sso.failed.title", "")
	v := views.SSOFailureView{Provider: p.Name, Message: pg.T(refusalTextKey(r.Kind)), Code: r.Code, Description: r.Description}
	return render(c, status, views.SSOFailurePage(pg, v))
}
