package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/store"
)

// handleHealthz answers while the process runs.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// handleReadyz answers 200 when the database answers and its last write succeeded, 503
// otherwise, saying in words what is wrong with the disk or data folder and what to do.
func (s *Server) handleReadyz(c echo.Context) error {
	err := s.store.Ping(c.Request().Context())
	var se *store.StorageError
	if f := s.store.StorageFault(); err == nil && f != nil {
		err = f
	}
	if err != nil {
		s.log.Warn("not ready", "error", err)
		if errors.As(err, &se) {
			return c.String(http.StatusServiceUnavailable, "database unavailable: "+se.Problem()+".\n"+se.Fix()+".\n")
		}
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
