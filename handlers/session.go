package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// CookieName is the session cookie's name under an http base URL, and CookieTokenKey the key of
// the session token in it; tests use them to make a signed-in client without the sign-in pages.
const (
	CookieName     = cookieName
	CookieTokenKey = keyToken
)

const (
	cookieName = "portvakt"
	// hostCookieName is the session cookie's name under an https base URL. Browsers accept a
	// __Host- cookie only when it is Secure, has Path=/ and no Domain, so a sibling subdomain can
	// neither set one nor shadow it.
	hostCookieName = "__Host-portvakt"
	ctxSession     = "portvakt.session"
	ctxToken       = "portvakt.token"
	ctxLang        = "portvakt.lang"
	ctxCookie      = "portvakt.cookie"
	touchPeriod    = time.Minute // how stale last_seen may get before a request refreshes it
)

// Values kept in the session cookie. Nothing secret or large: the session itself is in the
// database.
const (
	keyToken      = "t"    // the session token
	keyLang       = "lang" // the chosen language
	keyLoginEmail = "le"   // the e-mail typed in the first sign-in step
	keyLoginAt    = "la"   // when it was typed (Unix seconds)
	keyNext       = "next" // where to go after sign-in
	keyReauth     = "ra"   // an app's sign-in that asked this signed-in person to sign in again
	keyReauthFrom = "rf"   // the session that was signed in when it asked
	keyFlash      = "flash"
)

// loadSession reads the cookie, looks the session up in the database and checks its idle and
// absolute expiry. Every request sees the person as they are now: a deleted session, a revoked
// grant or a demotion takes effect at once.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, _ := s.cookies.Get(c.Request(), s.sessionCookieName()) // a bad cookie gives a fresh session
		c.Set(ctxCookie, cs)
		c.Set(ctxLang, s.resolveLang(c, cs))
		token, _ := cs.Values[keyToken].(string)
		if token == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		sess, err := s.store.SessionByToken(ctx, token)
		if errors.Is(err, store.ErrNotFound) {
			delete(cs.Values, keyToken)
			return next(c)
		}
		if err != nil {
			return err
		}
		now := s.store.Now()
		if now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle || now.Sub(sess.CreatedAt) > s.cfg.SessionMaxAge {
			if err := s.store.DeleteSession(ctx, token); err != nil {
				return err
			}
			delete(cs.Values, keyToken)
			s.setFlash(c, "login.sessionended")
			return next(c)
		}
		if now.Sub(sess.LastSeenAt) > touchPeriod {
			// A failing disk must not stop reads: the session is then touched at a later request.
			if err := s.store.TouchSession(ctx, token); err != nil && !store.IsStorage(err) {
				return err
			}
		}
		c.Set(ctxSession, &sess)
		c.Set(ctxToken, token)
		return next(c)
	}
}

// sessionCookieName is the session cookie's name: __Host- prefixed when the base URL is https.
func (s *Server) sessionCookieName() string {
	if s.secure {
		return hostCookieName
	}
	return cookieName
}

// cookie returns this request's session cookie values.
func cookie(c echo.Context) *sessions.Session {
	cs, _ := c.Get(ctxCookie).(*sessions.Session)
	return cs
}

// saveCookie writes the session cookie back to the response.
func (s *Server) saveCookie(c echo.Context) error {
	return cookie(c).Save(c.Request(), c.Response())
}

// currentSession is the signed-in session of this request, or nil.
func currentSession(c echo.Context) *store.Session {
	sess, _ := c.Get(ctxSession).(*store.Session)
	return sess
}

// startSession signs a person in: the old session (if any) ends, a new token is issued
// (against session fixation), and the sign-in is stamped and audit-logged.
func (s *Server) startSession(c echo.Context, u store.User, method string, idpID int64) error {
	ctx := c.Request().Context()
	old, _ := cookie(c).Values[keyToken].(string)
	token, err := s.store.CreateSession(ctx, store.NewSession{
		UserID: u.ID, Method: method, IdPID: idpID, ClientIP: c.RealIP(), UserAgent: truncate(c.Request().UserAgent(), 300),
		Replaces: old,
	})
	if err != nil {
		return err
	}
	a := s.actor(c)
	a.UserID, a.Label = u.ID, u.Email
	if err := s.store.RecordLogin(ctx, a, u.ID, method); err != nil {
		return err
	}
	s.metrics.login(method, true)
	return s.useSession(c, token)
}

// useSession gives the browser the session token of a sign-in that just completed, and forgets
// the sign-in in progress.
func (s *Server) useSession(c echo.Context, token string) error {
	cs := cookie(c)
	delete(cs.Values, keyLoginEmail)
	delete(cs.Values, keyLoginAt)
	cs.Values[keyToken] = token
	return s.saveCookie(c)
}

// endSession signs the current browser out: of portvakt, and of every app that signed in
// through this session (their tokens end, and apps with a back-channel URI are told).
func (s *Server) endSession(c echo.Context) error {
	return s.closeSession(c, s.store.SignOut)
}

// dropSession forgets the current browser's session without signing it out of the apps: the
// person is about to sign in again (an app asked for a fresh sign-in).
func (s *Server) dropSession(c echo.Context) error {
	return s.closeSession(c, s.store.DeleteSession)
}

func (s *Server) closeSession(c echo.Context, end func(context.Context, string) error) error {
	cs := cookie(c)
	if token, _ := cs.Values[keyToken].(string); token != "" {
		if err := end(c.Request().Context(), token); err != nil {
			return err
		}
	}
	delete(cs.Values, keyToken)
	delete(cs.Values, keyNext)
	return s.saveCookie(c)
}

// rememberNext keeps where the person wanted to go, for after sign-in.
func (s *Server) rememberNext(c echo.Context, next string) {
	cookie(c).Values[keyNext] = safeNext(next)
	_ = s.saveCookie(c)
}

// takeNext returns and forgets where to go after sign-in.
func takeNext(c echo.Context) string {
	cs := cookie(c)
	next, _ := cs.Values[keyNext].(string)
	delete(cs.Values, keyNext)
	return safeNext(next)
}

// setFlash keeps a confirmation for the next page shown; key is a text key, args its values.
func (s *Server) setFlash(c echo.Context, key string, args ...any) {
	cookie(c).Values[keyFlash] = lang(c).T(key, args...)
	_ = s.saveCookie(c)
}

// takeFlash returns and forgets the pending confirmation.
func (s *Server) takeFlash(c echo.Context) string {
	cs := cookie(c)
	msg, _ := cs.Values[keyFlash].(string)
	if msg != "" {
		delete(cs.Values, keyFlash)
		_ = s.saveCookie(c)
	}
	return msg
}

// redirect sends the browser to path with 303 See Other, the answer to a successful POST.
func redirect(c echo.Context, path string) error {
	return c.Redirect(http.StatusSeeOther, path)
}

// actor describes the person making this request for the audit log.
func (s *Server) actor(c echo.Context) store.Actor {
	a := store.Actor{ClientIP: c.RealIP(), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if sess := currentSession(c); sess != nil {
		a.UserID, a.Label = sess.User.ID, sess.User.Email
	}
	return a
}

// lang is the language of this request.
func lang(c echo.Context) views.Lang {
	if l, ok := c.Get(ctxLang).(views.Lang); ok {
		return l
	}
	return views.SV
}

// resolveLang picks the language: the person's choice, else the browser's Accept-Language, else
// the configured default.
func (s *Server) resolveLang(c echo.Context, cs *sessions.Session) views.Lang {
	if v, _ := cs.Values[keyLang].(string); v != "" {
		if l, ok := views.ParseLang(v); ok {
			return l
		}
	}
	if l, ok := acceptLanguage(c.Request().Header.Get("Accept-Language")); ok {
		return l
	}
	return s.cfg.DefaultLang
}
