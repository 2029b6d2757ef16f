package handlers

import (
	"strings"

	"portvakt/views/paths"
)

// The machine API's paths, kept in one place. These routes skip the session, CSRF and
// cross-site middleware (a token in the Authorization header is their only credential) but are
// in the route table and the authorization matrix like every other.
const (
	scimBase         = "/scim/v2"
	scimUsersPath    = scimBase + "/Users"
	scimUserPath     = scimBase + "/Users/:id"
	scimGroupsPath   = scimBase + "/Groups"
	scimGroupPath    = scimBase + "/Groups/:id"
	scimSPConfigPath = scimBase + "/ServiceProviderConfig"
	scimTypesPath    = scimBase + "/ResourceTypes"
	scimTypePath     = scimBase + "/ResourceTypes/:name"
	scimSchemasPath  = scimBase + "/Schemas"
	scimSchemaPath   = scimBase + "/Schemas/:name"
	apiBase          = "/api/v1"
	apiAuditPath     = paths.APIAudit
	apiOpenAPIPath   = apiBase + "/openapi.yaml"
)

// Authentication Settings > API tokens, the administrators' page for the tokens above.
const (
	tokensPath      = paths.Tokens
	tokenRevokePath = tokensPath + "/:id/revoke"
)

// isAPIPath reports whether a request path belongs to the machine API.
func isAPIPath(p string) bool {
	return isSCIMPath(p) || p == apiBase || strings.HasPrefix(p, apiBase+"/")
}

// isSCIMPath reports whether a request path belongs to SCIM.
func isSCIMPath(p string) bool { return p == scimBase || strings.HasPrefix(p, scimBase+"/") }
