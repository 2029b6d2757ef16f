package handlers

import "net/http"

// apiRoutes are the machine API's rows of the route table: SCIM 2.0 for identity providers and
// the audit read API. Their access is an API token with a purpose.
func (s *Server) apiRoutes() []route {
	return []route{
		{http.MethodGet, apiAuditPath, auditToken, s.handleAPIAudit},
		{http.MethodGet, apiOpenAPIPath, public, s.handleOpenAPI},
	}
}
