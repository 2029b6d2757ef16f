package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// SCIM 2.0 (RFC 7643, RFC 7644) schema and message URNs.
const (
	scimUserSchema     = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimEnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	scimErrorSchema    = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimListSchema     = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimPatchSchema    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimContentType    = "application/scim+json"
)

// Bounds on what a SCIM client may send. SCIM input is hostile input.
const (
	scimMaxBody       = 64 << 10 // one user is a few hundred bytes
	scimMaxOperations = 100      // PATCH operations per request
	scimMaxPageSize   = 200
	scimMaxStartIndex = 1 << 30
)

// scimErrorBody is the SCIM error resource (RFC 7644, section 3.12).
type scimErrorBody struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// writeSCIMError answers with a SCIM error resource.
func writeSCIMError(c echo.Context, status int, scimType, detail string) error {
	return writeSCIM(c, status, scimErrorBody{
		Schemas: []string{scimErrorSchema}, Status: strconv.Itoa(status), ScimType: scimType, Detail: detail,
	})
}

// scimErr is a SCIM error for the error handler to write.
func scimErr(status int, scimType, detail string) error {
	return &apiError{status: status, scimType: scimType, detail: detail}
}

// writeSCIM answers with v as application/scim+json.
func writeSCIM(c echo.Context, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(status, scimContentType, b)
}

// readSCIMBody decodes the request body (application/scim+json or application/json, at most
// scimMaxBody bytes) into v. Every problem is the client's, and is a 400.
func readSCIMBody(c echo.Context, v any) error {
	r := c.Request()
	ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if ct != "" && ct != scimContentType && ct != "application/json" {
		return scimErr(http.StatusUnsupportedMediaType, "", "Send the body as application/scim+json.")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, scimMaxBody+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return scimErr(http.StatusRequestEntityTooLarge, "", "The request body is too large.")
		}
		return scimErr(http.StatusBadRequest, "invalidSyntax", "The request body could not be read.")
	}
	if len(body) > scimMaxBody {
		return scimErr(http.StatusRequestEntityTooLarge, "", "The request body is larger than 64 KiB.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return scimErr(http.StatusBadRequest, "invalidSyntax", "The request body is not valid JSON for this request.")
	}
	if dec.More() {
		return scimErr(http.StatusBadRequest, "invalidSyntax", "The request body has text after the JSON value.")
	}
	return nil
}
