package handlers

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	filter "github.com/scim2/filter-parser/v2"
)

// scimPatchRequest is a PATCH body (RFC 7644, section 3.5.2).
type scimPatchRequest struct {
	Schemas    []string        `json:"schemas"`
	Operations []scimOperation `json:"Operations"`
}

type scimOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// handleSCIMUserPatch applies add, replace and remove operations to a person, in order, and
// saves the result as one change. Operation names are accepted in any case ("Replace", as
// Entra ID sends them), and so is a PATCH without a path whose value is a map of attributes.
func (s *Server) handleSCIMUserPatch(c echo.Context) error {
	id, err := scimUserID(c)
	if err != nil {
		return err
	}
	var req scimPatchRequest
	if err := readSCIMBody(c, &req); err != nil {
		return err
	}
	if len(req.Operations) == 0 {
		return scimErr(http.StatusBadRequest, "invalidValue", "Operations must list at least one operation.")
	}
	if len(req.Operations) > scimMaxOperations {
		return scimErr(http.StatusBadRequest, "tooMany", "At most 100 operations per request.")
	}
	p, err := s.store.ProvisionedByID(c.Request().Context(), id)
	if err != nil {
		return storeSCIMError(err)
	}
	a := attrsOf(p)
	for _, op := range req.Operations {
		if err := a.applyOperation(op); err != nil {
			return err
		}
	}
	return s.saveSCIMUser(c, id, a)
}

// applyOperation applies one PATCH operation to a.
func (a *scimAttrs) applyOperation(op scimOperation) error {
	kind := strings.ToLower(op.Op)
	if kind != "add" && kind != "replace" && kind != "remove" {
		return scimErr(http.StatusBadRequest, "invalidSyntax", "op must be add, replace or remove.")
	}
	var value any
	if len(op.Value) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(op.Value)))
		dec.UseNumber()
		if err := dec.Decode(&value); err != nil {
			return scimErr(http.StatusBadRequest, "invalidSyntax", "value is not valid JSON.")
		}
	}
	if strings.TrimSpace(op.Path) == "" {
		if kind == "remove" {
			return scimErr(http.StatusBadRequest, "noTarget", "remove needs a path.")
		}
		m, ok := value.(map[string]any)
		if !ok {
			return scimErr(http.StatusBadRequest, "invalidValue", "Without a path, value must be an object of attributes.")
		}
		return a.applyResource(m)
	}
	name, sub, err := parseSCIMPath(op.Path)
	if err != nil || name == "" {
		return err
	}
	if kind == "remove" {
		return a.clearAttr(name, sub)
	}
	if value == nil {
		return scimErr(http.StatusBadRequest, "invalidValue", "add and replace need a value.")
	}
	single := name != "emails" || sub != ""
	if list, ok := value.([]any); ok && len(list) == 1 && single {
		value = list[0] // ["..."] for a single-valued attribute
	}
	if m, ok := value.(map[string]any); ok && single && name != "name" && m["value"] != nil {
		value = m["value"] // {"value": "..."}
	}
	return a.setAttr(name, sub, value)
}

// parseSCIMPath reads a PATCH path into an attribute name and sub-attribute, both in lower
// case. A path into another schema (such as the enterprise extension) gives an empty name: the
// operation is ignored. Value filters are accepted on emails only, for the work address.
func parseSCIMPath(raw string) (name, sub string, err error) {
	if len(raw) > scimMaxFilterLen || filterDepth(raw) > scimMaxFilterDepth {
		return "", "", scimErr(http.StatusBadRequest, "invalidPath", "The path is too long or nested too deeply.")
	}
	p, perr := filter.ParsePath([]byte(raw))
	if perr != nil {
		if uri, _, ok := cutURI(raw); ok && strings.HasPrefix(strings.ToLower(raw), "urn:") && !strings.EqualFold(uri, scimUserSchema) {
			return "", "", nil
		}
		return "", "", scimErr(http.StatusBadRequest, "invalidPath", "The path is not a valid SCIM attribute path.")
	}
	if !coreUserURI(p.AttributePath) {
		return "", "", nil
	}
	name = strings.ToLower(p.AttributePath.AttributeName)
	sub = strings.ToLower(p.AttributePath.SubAttributeName())
	if p.ValueExpression != nil {
		if name != "emails" {
			return "", "", nil // e.g. phoneNumbers[type eq "work"].value: not kept
		}
		var q scimLookup
		if err := q.addEmailFilter(p.ValueExpression); err != nil {
			return "", "", scimErr(http.StatusBadRequest, "invalidFilter", `Only emails[type eq "work"] is supported in a path.`)
		}
		if q.nothing {
			return "", "", nil // another type of address: not kept
		}
		sub = strings.ToLower(p.SubAttributeName())
		if sub == "" {
			sub = "value"
		}
	}
	return name, sub, nil
}
