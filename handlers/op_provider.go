package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcop"
	"portvakt/handlers/oidcrp"
	"portvakt/views/paths"
)

// The OpenID provider (Authentication Settings > Applications): portvakt's own routes hand the
// protocol endpoints to the provider library (handlers/oidcop backs it with the store). People
// sign in for an app through portvakt's sign-in: the library sends them to paths.OPContinue
// (op_continue.go).

// handleOP serves a protocol endpoint. The browser's portvakt session goes along for
// RP-initiated logout.
func (s *Server) handleOP(c echo.Context) error {
	r := c.Request()
	// The library answers a form it cannot parse, or a client assertion it was not set up for,
	// with a server error: such requests are the client's mistake.
	if err := r.ParseForm(); err != nil {
		return c.JSON(http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "the request does not parse"})
	}
	if hint := r.Form.Get("id_token_hint"); hint != "" && jwsType(hint) != "JWT" {
		// Only an ID token names whom to sign out; an access token (at+jwt) travels to every API
		// an app calls, and must not sign its person out of everything.
		return c.JSON(http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "id_token_hint must be an ID token"})
	}
	if r.Form.Has("client_assertion") || r.Form.Has("client_assertion_type") {
		return c.JSON(http.StatusBadRequest, map[string]string{"error": "invalid_client", "error_description": "client assertions are not supported; use the client secret"})
	}
	if token, _ := c.Get(ctxToken).(string); token != "" {
		r = r.WithContext(oidcop.WithSessionToken(r.Context(), token))
	}
	s.op.ServeHTTP(c.Response(), r)
	return nil
}

// opMachinePaths are the endpoints apps' servers call: no cookies, no CSRF token; the client
// authenticates itself (or, for keys and discovery, nothing needs protecting).
var opMachinePaths = map[string]bool{
	paths.OPDiscovery: true, paths.OPKeys: true, paths.OPToken: true,
	paths.OPUserinfo: true, paths.OPRevoke: true, paths.OPIntrospect: true,
}

// isOPMachinePath reports whether p is an endpoint apps' servers call.
func isOPMachinePath(p string) bool { return opMachinePaths[strings.TrimSuffix(p, "/")] }

// opRoutes are the provider's routes. OPTIONS answers browsers' CORS preflights for single-page
// apps.
func (s *Server) opRoutes() []route {
	return []route{
		{http.MethodGet, paths.OPDiscovery, public, s.handleOPDiscovery},
		{http.MethodOptions, paths.OPDiscovery, public, s.handleOP},
		{http.MethodGet, paths.OPKeys, public, s.handleOP},
		{http.MethodOptions, paths.OPKeys, public, s.handleOP},
		{http.MethodGet, paths.OPAuthorize, public, s.handleOPAuthorize},
		{http.MethodGet, paths.OPContinue, public, s.handleOPContinue},
		{http.MethodPost, paths.OPToken, public, s.handleOP},
		{http.MethodOptions, paths.OPToken, public, s.handleOP},
		{http.MethodGet, paths.OPUserinfo, public, s.handleOP},
		{http.MethodPost, paths.OPUserinfo, public, s.handleOP},
		{http.MethodOptions, paths.OPUserinfo, public, s.handleOP},
		{http.MethodPost, paths.OPRevoke, public, s.handleOP},
		{http.MethodOptions, paths.OPRevoke, public, s.handleOP},
		{http.MethodPost, paths.OPIntrospect, public, s.handleOP},
		{http.MethodGet, paths.OPLogout, public, s.handleOP},
	}
}

// jwsType is the typ of a compact JWS's header, unverified.
func jwsType(raw string) string {
	_, typ := oidcrp.JWSHeader(raw)
	return typ
}
