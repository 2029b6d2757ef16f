package handlers

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"portvakt/handlers/oidcop"
	"portvakt/store"
	"portvakt/views"
	"portvakt/views/paths"
)

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
	if !startedHere(c, id) {
		// Only the browser that came from the app continues its sign-in: a link to this address
		// sent to someone else must not sign them in for another person's app session.
		return s.opPage(c, http.StatusForbidden, "op.elsewhere.title", "op.elsewhere.body")
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
	if err := s.opStorage.StillRegistered(ctx, rec.ClientID, authReq.GetRedirectURI()); err != nil {
		// The app's registration changed since the sign-in began: its address was removed, or
		// the app switched off.
		return s.opPage(c, http.StatusBadRequest, "op.expired.title", "op.expired.body")
	}
	ctx = op.ContextWithIssuer(ctx, s.issuer())
	r := c.Request().WithContext(ctx)
	w := c.Response()
	w.Before(func() { s.addIssuer(c) })
	sess := currentSession(c)
	token, _ := c.Get(ctxToken).(string) // "" without a session
	fresh := false
	if sess != nil {
		if fresh, err = s.needsFreshSignIn(c, authReq, rec, sess, token); err != nil {
			return err
		}
	}
	if sess == nil || fresh {
		// The person signs in: they are not signed in, or the app asks for a sign-in newer than
		// this session (prompt=login, max_age), or for another person than the one signed in
		// (id_token_hint). A session stays until they do, so a link cannot sign anyone out.
		if slices.Contains(authReq.Prompt(), oidc.PromptNone) {
			op.AuthRequestError(w, r, authReq, oidc.ErrLoginRequired(), s.op)
			return nil
		}
		if maxAge := authReq.MaxAge(); fresh || (maxAge != nil && *maxAge == 0) {
			// A sign-in after the request (prompt=login, max_age=0): only another session than
			// token answers, and one through SSO must not be the provider's answer from its own
			// session, which outlives portvakt's.
			cs := cookie(c)
			cs.Values[keyReauth], cs.Values[keyReauthFrom] = id, token
		}
		s.rememberNext(c, paths.OPContinueFor(id))
		return c.Redirect(http.StatusFound, paths.Login)
	}
	done, err := s.store.CompleteOPAuthRequest(ctx, s.actor(c), id, token)
	switch {
	case errors.Is(err, store.ErrNotAllowedOnApp):
		return s.opPage(c, http.StatusForbidden, "op.refused.title", "op.refused.body")
	case errors.Is(err, store.ErrNotFound):
		return s.opPage(c, http.StatusNotFound, "op.expired.title", "op.expired.body")
	case err != nil:
		return err
	}
	if cs := cookie(c); cs.Values[keyReauth] == id {
		// Only this sign-in's mark: another app's sign-in answered by the session as it is must
		// not forget the one still waiting for a new sign-in.
		delete(cs.Values, keyReauth)
		delete(cs.Values, keyReauthFrom)
	}
	if err := s.saveCookie(c); err != nil {
		return err
	}
	if authReq, err = oidcop.AuthRequestFor(done); err != nil {
		return err
	}
	callback, err := op.BuildAuthResponseCallbackURL(ctx, authReq, s.op)
	if err != nil {
		op.AuthRequestError(w, r, authReq, err, s.op)
		return nil
	}
	return c.Redirect(http.StatusFound, callback)
}

// maxAgeLimit is the largest max_age taken as a limit: beyond it (some 290 years) a duration
// overflows, and no sign-in is that old anyway.
const maxAgeLimit = uint(math.MaxInt64 / int64(time.Second))

// needsFreshSignIn reports whether the session sess (of token) cannot answer an app's sign-in:
// the app named another person in its id_token_hint, or asks for a sign-in newer than the
// session (max_age; prompt=login makes it 0: a sign-in after the request). Once the browser was
// sent to sign in again for this sign-in, only a different session answers it: timestamps are
// whole seconds, and a session begun in the same second as the request proves nothing.
func (s *Server) needsFreshSignIn(c echo.Context, req interface {
	MaxAge() *uint
	HintSubject() string
}, rec store.OPAuthRequest, sess *store.Session, token string) (bool, error) {
	cs := cookie(c)
	if cs.Values[keyReauth] == rec.ID {
		if from, _ := cs.Values[keyReauthFrom].(string); from == token {
			return true, nil // not signed in again yet
		}
		return false, nil
	}
	if hint := req.HintSubject(); hint != "" {
		subject, err := s.store.SubjectOfUser(c.Request().Context(), sess.UserID)
		if err != nil {
			return false, err
		}
		if subject != hint {
			return true, nil
		}
	}
	maxAge := req.MaxAge()
	switch {
	case maxAge == nil || *maxAge > maxAgeLimit:
		return false, nil
	case *maxAge == 0:
		return !sess.CreatedAt.After(rec.CreatedAt), nil
	}
	return s.store.Now().Sub(sess.CreatedAt) > time.Duration(*maxAge)*time.Second, nil
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

// allowSignInTargets widens the form-action of a sign-in page to origins (the identity
// providers its forms lead to) and, when the person is signing in for an app, to the app's
// redirect URI: browsers apply form-action to every redirect that follows a form's POST, and the
// last one of an app's sign-in goes to the app.
func (s *Server) allowSignInTargets(c echo.Context, origins ...string) {
	if app, ok := s.pendingApp(c); ok && app.origin != "" {
		origins = append(origins, app.origin)
	}
	allowFormTargets(c, origins...)
}

// pendingSignIn is the app sign-in this browser will continue once signed in.
type pendingSignIn struct {
	name   string // the app's name, for the sign-in pages
	origin string // where its redirect URI is, for the CSP
}

// ctxPendingApp keeps pendingApp's answer for the rest of the request: a sign-in page asks for
// both the app's name and its origin.
const ctxPendingApp = "portvakt.pendingApp"

// pendingApp returns the app sign-in this browser will continue after signing in, if any.
func (s *Server) pendingApp(c echo.Context) (pendingSignIn, bool) {
	if p, ok := c.Get(ctxPendingApp).(*pendingSignIn); ok {
		return *p, p.name != ""
	}
	p := s.findPendingApp(c)
	c.Set(ctxPendingApp, &p)
	return p, p.name != ""
}

func (s *Server) findPendingApp(c echo.Context) pendingSignIn {
	cs := cookie(c)
	if cs == nil {
		return pendingSignIn{}
	}
	next, _ := cs.Values[keyNext].(string)
	rest, ok := strings.CutPrefix(next, paths.OPContinue+"?")
	if !ok {
		return pendingSignIn{}
	}
	q, err := url.ParseQuery(rest)
	if err != nil {
		return pendingSignIn{}
	}
	rec, err := s.store.OPAuthRequestByID(c.Request().Context(), q.Get("id"))
	if err != nil {
		return pendingSignIn{}
	}
	req, err := oidcop.AuthRequestFor(rec)
	if err != nil {
		return pendingSignIn{}
	}
	return pendingSignIn{name: rec.AppName, origin: cspOrigin(req.GetRedirectURI())}
}

// pendingAppName is the name of the app the person is signing in for, or "".
func (s *Server) pendingAppName(c echo.Context) string {
	app, _ := s.pendingApp(c)
	return app.name
}

// cspOrigin is the CSP source for a redirect URI: scheme, host and port for http(s), the scheme
// alone for an app's own scheme (se.example.hr:).
func cspOrigin(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" {
		return ""
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		if u.Host == "" {
			return ""
		}
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + ":"
}
