package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/handlers/oidcop"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

func withOPSession(ctx context.Context, token string) context.Context {
	return oidcop.WithSessionToken(ctx, token)
}

// handleOPContinue is where an app's sign-in meets portvakt's: a person who is not signed in
// signs in as always (e-mail first, the identity provider, a password only while that is on)
// and comes back here; a signed-in person goes straight back to the app with a code, once the
// store has checked that they may use it. The code goes to the app from here, in the browser
// that signed in: there is no callback address another browser could use.
func (s *Server) handleOPContinue(c echo.Context) error {
	id := c.QueryParam("id")
	if id == "" || len(id) > 64 {
		return badRequest("sign-in id")
	}
	ctx := c.Request().Context()
	rec, err := s.store.OPAuthRequestByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.opPage(c, http.StatusNotFound, "op.expired.title", "op.expired.body")
	}
	if err != nil {
		return err
	}
	authReq, err := oidcop.AuthRequestFor(rec)
	if err != nil {
		return err
	}
	ctx = op.ContextWithIssuer(ctx, s.issuer())
	r := c.Request().WithContext(ctx)
	w := c.Response()
	sess := currentSession(c)
	prompt := authReq.Prompt()
	if sess != nil && slices.Contains(prompt, oidc.PromptLogin) && sess.CreatedAt.Before(rec.CreatedAt) {
		// The app asks for a fresh sign-in: this browser signs in again.
		if err := s.dropSession(c); err != nil {
			return err
		}
		sess = nil
	}
	if sess == nil {
		if slices.Contains(prompt, oidc.PromptNone) {
			op.AuthRequestError(w, r, authReq, oidc.ErrLoginRequired(), s.op)
			return nil
		}
		s.rememberNext(c, paths.OPContinueFor(id))
		return c.Redirect(http.StatusFound, paths.Login)
	}
	token, _ := c.Get(ctxToken).(string)
	done, err := s.store.CompleteOPAuthRequest(ctx, s.actor(c), id, token)
	switch {
	case errors.Is(err, store.ErrNotAllowedOnApp):
		return s.opPage(c, http.StatusForbidden, "op.refused.title", "op.refused.body")
	case errors.Is(err, store.ErrNotFound):
		return s.opPage(c, http.StatusNotFound, "op.expired.title", "op.expired.body")
	case err != nil:
		return err
	}
	if authReq, err = oidcop.AuthRequestFor(done); err != nil {
		return err
	}
	if authReq.GetResponseMode() == oidc.ResponseModeFormPost {
		op.AuthResponse(authReq, s.op, w, r)
		return nil
	}
	callback, err := op.BuildAuthResponseCallbackURL(ctx, authReq, s.op)
	if err != nil {
		op.AuthRequestError(w, r, authReq, err, s.op)
		return nil
	}
	return c.Redirect(http.StatusFound, withIssuer(callback, s.issuer()))
}

// withIssuer adds the issuer to an authorization response (RFC 9207), so that an app talking to
// several providers can tell which one answered.
func withIssuer(callback, issuer string) string {
	u, err := url.Parse(callback)
	if err != nil {
		return callback
	}
	q := u.Query()
	q.Set("iss", issuer)
	u.RawQuery = q.Encode()
	return u.String()
}

// issuer is portvakt's issuer: its base URL without a trailing slash.
func (s *Server) issuer() string {
	u := *s.cfg.BaseURL
	u.Path = ""
	return u.String()
}

// opPage shows a page about an app's sign-in that cannot go on.
func (s *Server) opPage(c echo.Context, status int, titleKey, bodyKey string) error {
	return render(c, status, views.ErrorPage(s.page(c, titleKey, ""), views.ErrorView{TitleKey: titleKey, BodyKey: bodyKey}))
}
