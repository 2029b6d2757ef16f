package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The discovery endpoints (RFC 7644, section 4) say what portvakt supports: Users with
// filtering and PATCH; no Groups, bulk, sorting, ETags or password changes.

const (
	scimSPConfigSchema     = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	scimResourceTypeSchema = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	scimSchemaSchema       = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

type obj = map[string]any

func (s *Server) handleSCIMServiceProviderConfig(c echo.Context) error {
	return writeSCIM(c, http.StatusOK, obj{
		"schemas":        []string{scimSPConfigSchema},
		"patch":          obj{"supported": true},
		"bulk":           obj{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":         obj{"supported": true, "maxResults": scimMaxPageSize},
		"changePassword": obj{"supported": false},
		"sort":           obj{"supported": false},
		"etag":           obj{"supported": false},
		"authenticationSchemes": []obj{{
			"type": "oauthbearertoken", "name": "API token", "primary": true,
			"description": "An API token with the purpose SCIM provisioning, sent as Authorization: Bearer pvk_...",
		}},
		"meta": obj{"resourceType": "ServiceProviderConfig", "location": s.scimURL("/ServiceProviderConfig")},
	})
}

func (s *Server) userResourceType() obj {
	return obj{
		"schemas": []string{scimResourceTypeSchema}, "id": "User", "name": "User", "endpoint": "/Users",
		"description": "People who sign in to portvakt. Groups are not supported.", "schema": scimUserSchema,
		"meta": obj{"resourceType": "ResourceType", "location": s.scimURL("/ResourceTypes/User")},
	}
}

func (s *Server) handleSCIMResourceTypes(c echo.Context) error {
	return writeSCIM(c, http.StatusOK, scimListResponse{Schemas: []string{scimListSchema}, TotalResults: 1,
		StartIndex: 1, ItemsPerPage: 1, Resources: []any{s.userResourceType()}})
}

func (s *Server) handleSCIMResourceType(c echo.Context) error {
	if c.Param("name") != "User" {
		return scimErr(http.StatusNotFound, "", "Only the resource type User is supported.")
	}
	return writeSCIM(c, http.StatusOK, s.userResourceType())
}

func scimAttr(name, typ, mutability string, required bool, extra obj) obj {
	a := obj{"name": name, "type": typ, "multiValued": false, "required": required, "caseExact": false,
		"mutability": mutability, "returned": "default", "uniqueness": "none"}
	for k, v := range extra {
		a[k] = v
	}
	return a
}

func (s *Server) userSchema() obj {
	str := func(n string) obj { return scimAttr(n, "string", "readWrite", false, nil) }
	return obj{
		"schemas": []string{scimSchemaSchema}, "id": scimUserSchema, "name": "User",
		"description": "A person in portvakt. userName is the person's e-mail address.",
		"attributes": []obj{
			scimAttr("userName", "string", "readWrite", true, obj{"uniqueness": "server"}),
			scimAttr("name", "complex", "readWrite", false, obj{"subAttributes": []obj{str("formatted"), str("givenName"), str("familyName")}}),
			str("displayName"),
			scimAttr("emails", "complex", "readWrite", false, obj{"multiValued": true, "subAttributes": []obj{
				str("value"), scimAttr("type", "string", "readWrite", false, obj{"canonicalValues": []string{"work"}}),
				scimAttr("primary", "boolean", "readWrite", false, nil),
			}}),
			scimAttr("active", "boolean", "readWrite", false, nil),
		},
		"meta": obj{"resourceType": "Schema", "location": s.scimURL("/Schemas/" + scimUserSchema)},
	}
}

func (s *Server) handleSCIMSchemas(c echo.Context) error {
	return writeSCIM(c, http.StatusOK, scimListResponse{Schemas: []string{scimListSchema}, TotalResults: 1,
		StartIndex: 1, ItemsPerPage: 1, Resources: []any{s.userSchema()}})
}

func (s *Server) handleSCIMSchema(c echo.Context) error {
	if c.Param("name") != scimUserSchema {
		return scimErr(http.StatusNotFound, "", "Only the User schema is supported.")
	}
	return writeSCIM(c, http.StatusOK, s.userSchema())
}

// handleSCIMGroups answers every request for Groups: portvakt keeps no groups, as
// ResourceTypes says, so the endpoint does not exist.
func (s *Server) handleSCIMGroups(c echo.Context) error {
	return scimErr(http.StatusNotFound, "", "Groups are not supported by portvakt: only Users are provisioned (see ResourceTypes).")
}
