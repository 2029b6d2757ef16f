package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// handleHealthz answers while the process runs.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// handleReadyz answers 200 when the database answers, 503 otherwise.
func (s *Server) handleReadyz(c echo.Context) error {
	if err := s.store.Ping(c.Request().Context()); err != nil {
		s.log.Warn("not ready", "error", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
