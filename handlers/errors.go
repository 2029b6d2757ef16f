package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/views"
)

// errCSRF is returned when a state-changing request lacks a valid CSRF token or comes from
// another site.
var errCSRF = echo.NewHTTPError(http.StatusForbidden, "csrf")

// badRequest is an error for malformed requests (not for form validation, which re-renders the
// form with field messages).
func badRequest(msg string) error { return echo.NewHTTPError(http.StatusBadRequest, msg) }

// statusClientClosed records a request whose client went away before the answer (nginx's 499):
// the client's doing, not a server error.
const statusClientClosed = 499

// statusOf maps an error to its HTTP status: the one place where error kinds meet statuses.
func statusOf(err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, context.Canceled):
		return statusClientClosed
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, store.ErrNoGrant):
		return http.StatusForbidden
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrLastAdmin):
		return http.StatusConflict
	case errors.Is(err, store.ErrExpired):
		return http.StatusGone
	case store.IsStorage(err):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleError is echo's HTTPErrorHandler: a friendly page in the person's language, internal
// details only in the log, with the request id to find them by.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if isAPIPath(c.Request().URL.Path) {
		s.handleAPIError(err, c)
		return
	}
	status := statusOf(err)
	if status == statusClientClosed && c.Request().Context().Err() != nil {
		// Nobody is there to read a page; the request log says what happened.
		c.Response().WriteHeader(status)
		return
	}
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	v := views.ErrorView{TitleKey: "error.internal.title", BodyKey: "error.internal.body"}
	switch {
	case err == errCSRF:
		v = views.ErrorView{TitleKey: "error.csrf.title", BodyKey: "error.csrf.body"}
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		v = views.ErrorView{TitleKey: "error.notfound.title", BodyKey: "error.notfound.body"}
	case status == http.StatusForbidden:
		v = views.ErrorView{TitleKey: "error.forbidden.title", BodyKey: "error.forbidden.body"}
	case status == http.StatusServiceUnavailable && store.IsStorage(err):
		v = views.ErrorView{TitleKey: "error.storage.title", BodyKey: "error.storage.body", Reference: reqID}
		s.log.ErrorContext(c.Request().Context(), "cannot write to the database", slog.String("request_id", reqID),
			slog.String("path", c.Request().URL.Path), slog.Any("error", err))
	case status == http.StatusRequestEntityTooLarge:
		v = views.ErrorView{TitleKey: "error.toolarge.title", BodyKey: "error.toolarge.body"}
	case status >= 400 && status < 500:
		v = views.ErrorView{TitleKey: "error.badrequest.title", BodyKey: "error.badrequest.body"}
	default:
		v.Reference = reqID
		s.log.ErrorContext(c.Request().Context(), "request failed", slog.String("request_id", reqID),
			slog.String("path", c.Request().URL.Path), slog.Any("error", err))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if cookie(c) == nil { // the error happened before the session middleware ran
		cs, _ := s.cookies.Get(c.Request(), s.sessionCookieName())
		c.Set(ctxCookie, cs)
		c.Set(ctxLang, s.resolveLang(c, cs))
	}
	p := s.page(c, v.TitleKey, "")
	if rerr := render(c, status, views.ErrorPage(p, v)); rerr != nil {
		s.log.Error("render error page", slog.Any("error", rerr))
		_ = c.String(status, http.StatusText(status))
	}
}
