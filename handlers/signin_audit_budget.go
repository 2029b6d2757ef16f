package handlers

import "github.com/labstack/echo/v4"

// auditFailureBudget is how many login.failure rows one client address may cause per limit
// window. The sign-in limits already bound password failures (limitPerClient, plus one row per
// lockout), far below it; it stops refusals that no limit counts (password sign-in off, an
// unknown state or a refused answer on the SSO callback) from letting an anonymous client grow
// the audit log without bound.
const auditFailureBudget = 100

// auditBudget reports whether a login.failure row may be written for this request's client, and
// a note to add to the row that uses up the budget, saying that later ones are not logged.
func (s *Server) auditBudget(c echo.Context) (write bool, note string) {
	ok, _, first := s.limiter.count(limit{"audit:" + clientBucket(c.RealIP()), auditFailureBudget})
	switch {
	case ok:
		return true, ""
	case first:
		return true, "; further sign-in failures from this address are not logged in this window"
	}
	return false, ""
}
