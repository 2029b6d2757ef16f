package handlers

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiJSONError is the error shape of /api/v1: {"error": "code", "message": "..."}.
type apiJSONError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// handleAPIError answers an error on a machine API route in the shape of that API: SCIM's
// error resource under /scim/v2, apiJSONError elsewhere. Internal details stay in the log.
func (s *Server) handleAPIError(err error, c echo.Context) {
	status, scimType, detail := s.apiErrorParts(err, c)
	if isSCIMPath(c.Request().URL.Path) {
		_ = writeSCIMError(c, status, scimType, detail)
		return
	}
	code := map[int]string{
		http.StatusBadRequest: "invalid_request", http.StatusUnauthorized: "invalid_token",
		http.StatusForbidden: "insufficient_scope", http.StatusNotFound: "not_found",
		http.StatusMethodNotAllowed: "method_not_allowed", http.StatusTooManyRequests: "rate_limited",
		http.StatusRequestEntityTooLarge: "too_large",
	}[status]
	if code == "" {
		code = "server_error"
	}
	_ = c.JSON(status, apiJSONError{Error: code, Message: detail})
}

// apiErrorParts turns an error into a status, a SCIM error type and a message that is safe to
// show to the client.
func (s *Server) apiErrorParts(err error, c echo.Context) (int, string, string) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.scimType, ae.detail
	}
	status := statusOf(err)
	switch status {
	case http.StatusNotFound:
		return status, "", "Not found."
	case http.StatusMethodNotAllowed:
		return status, "", "This method is not allowed here."
	case http.StatusRequestEntityTooLarge:
		return status, "", "The request body is too large."
	case http.StatusConflict:
		return status, "uniqueness", "The change conflicts with existing data."
	}
	if status >= 400 && status < 500 {
		return status, "", http.StatusText(status)
	}
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	s.log.ErrorContext(c.Request().Context(), "API request failed", slog.String("request_id", reqID),
		slog.String("path", c.Request().URL.Path), slog.Any("error", err))
	return http.StatusInternalServerError, "", "Internal error; reference " + reqID + "."
}
