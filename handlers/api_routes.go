package handlers

import "net/http"

// apiRoutes are the rows of the route table for API tokens: the administrators' page that
// manages them, then the machine API itself, SCIM 2.0 for identity providers and the audit read
// API, whose access is an API token with a purpose.
func (s *Server) apiRoutes() []route {
	return []route{
		// Authentication Settings > API tokens (administrators, with a session).
		{http.MethodGet, tokensPath, adminOnly, s.handleTokens},
		{http.MethodPost, tokensPath, adminOnly, s.handleTokenCreate},
		{http.MethodGet, tokenRevokePath, adminOnly, s.handleTokenRevokeForm},
		{http.MethodPost, tokenRevokePath, adminOnly, s.handleTokenRevoke},

		{http.MethodGet, scimSPConfigPath, scimToken, s.handleSCIMServiceProviderConfig},
		{http.MethodGet, scimTypesPath, scimToken, s.handleSCIMResourceTypes},
		{http.MethodGet, scimTypePath, scimToken, s.handleSCIMResourceType},
		{http.MethodGet, scimSchemasPath, scimToken, s.handleSCIMSchemas},
		{http.MethodGet, scimSchemaPath, scimToken, s.handleSCIMSchema},
		{http.MethodGet, scimUsersPath, scimToken, s.handleSCIMUsers},
		{http.MethodPost, scimUsersPath, scimToken, s.handleSCIMUserCreate},
		{http.MethodGet, scimUserPath, scimToken, s.handleSCIMUser},
		{http.MethodPut, scimUserPath, scimToken, s.handleSCIMUserReplace},
		{http.MethodPatch, scimUserPath, scimToken, s.handleSCIMUserPatch},
		{http.MethodDelete, scimUserPath, scimToken, s.handleSCIMUserDelete},
		{http.MethodGet, scimGroupsPath, scimToken, s.handleSCIMGroups},
		{http.MethodPost, scimGroupsPath, scimToken, s.handleSCIMGroups},
		{http.MethodGet, scimGroupPath, scimToken, s.handleSCIMGroups},
		{http.MethodPut, scimGroupPath, scimToken, s.handleSCIMGroups},
		{http.MethodPatch, scimGroupPath, scimToken, s.handleSCIMGroups},
		{http.MethodDelete, scimGroupPath, scimToken, s.handleSCIMGroups},

		{http.MethodGet, apiAuditPath, auditToken, s.handleAPIAudit},
		{http.MethodGet, apiOpenAPIPath, public, s.handleOpenAPI},
	}
}
