package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"portvakt/store"
	"portvakt/store/account"
)

// Length limits of SCIM attributes, like the Users form's.
const (
	scimMaxExternalID = 255
	scimMaxNamePart   = maxName
)

type scimName struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

type scimEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

type scimMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location,omitempty"`
}

// scimUserResource is a person as SCIM shows them (RFC 7643, section 4.1).
type scimUserResource struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	UserName    string      `json:"userName"`
	Name        *scimName   `json:"name,omitempty"`
	DisplayName string      `json:"displayName,omitempty"`
	Emails      []scimEmail `json:"emails"`
	Active      bool        `json:"active"`
	Meta        scimMeta    `json:"meta"`
}

// scimUser is the resource of a person.
func (s *Server) scimUser(p store.Provisioned) scimUserResource {
	id := strconv.FormatInt(p.ID, 10)
	r := scimUserResource{
		Schemas: []string{scimUserSchema}, ID: id, ExternalID: p.ExternalID, UserName: p.Email,
		DisplayName: p.Name, Emails: []scimEmail{{Value: p.Email, Type: "work", Primary: true}}, Active: p.Active,
		Meta: scimMeta{ResourceType: "User", Created: p.CreatedAt.UTC().Format(time.RFC3339),
			LastModified: p.UpdatedAt.UTC().Format(time.RFC3339), Location: s.scimURL("/Users/" + id)},
	}
	if p.Name != "" || p.GivenName != "" || p.FamilyName != "" {
		r.Name = &scimName{Formatted: p.Name, GivenName: p.GivenName, FamilyName: p.FamilyName}
	}
	return r
}

// scimURL is the absolute URL of a SCIM path under the base URL.
func (s *Server) scimURL(path string) string {
	return strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + scimBase + path
}

// scimAttrs is what a client may set of a person, as SCIM attributes.
type scimAttrs struct {
	userName, externalID, displayName string
	formatted, givenName, familyName  string
	active                            bool
}

func attrsOf(p store.Provisioned) scimAttrs {
	return scimAttrs{userName: p.Email, externalID: p.ExternalID, displayName: p.Name,
		formatted: p.Name, givenName: p.GivenName, familyName: p.FamilyName, active: p.Active}
}

// provision checks the attributes and turns them into the store's form: userName is the
// person's e-mail, normalised like every other; the name is displayName, else name.formatted,
// else given and family name, else the address.
func (a scimAttrs) provision() (store.Provision, error) {
	if strings.TrimSpace(a.userName) == "" {
		return store.Provision{}, scimErr(http.StatusBadRequest, "invalidValue", "userName is required: the person's e-mail address.")
	}
	email, err := account.NormaliseEmail(a.userName)
	if err != nil {
		return store.Provision{}, scimErr(http.StatusBadRequest, "invalidValue", "userName must be an e-mail address.")
	}
	p := store.Provision{Email: email, ExternalID: strings.TrimSpace(a.externalID), Active: a.active,
		GivenName: strings.TrimSpace(a.givenName), FamilyName: strings.TrimSpace(a.familyName)}
	for _, n := range []string{a.displayName, a.formatted, strings.TrimSpace(p.GivenName + " " + p.FamilyName), email} {
		if n = strings.TrimSpace(n); n != "" {
			p.Name = n
			break
		}
	}
	for _, v := range []string{p.Name, p.GivenName, p.FamilyName} {
		if v == "" {
			continue
		}
		switch _, err := account.CheckName(v); {
		case errors.Is(err, account.ErrNameTooLong) || utf8.RuneCountInString(v) > scimMaxNamePart:
			return store.Provision{}, scimErr(http.StatusBadRequest, "invalidValue", "A name is longer than 200 characters.")
		case err != nil:
			return store.Provision{}, scimErr(http.StatusBadRequest, "invalidValue",
				"A name contains a control character (such as NUL or a line break), a character that changes the text direction (U+202A..U+202E, U+2066..U+2069) or invalid UTF-8.")
		}
	}
	if len(p.ExternalID) > scimMaxExternalID {
		return store.Provision{}, scimErr(http.StatusBadRequest, "invalidValue", "externalId is longer than 255 bytes.")
	}
	return p, nil
}

// setAttr sets one attribute from a SCIM value (name is the attribute name in lower case;
// sub its sub-attribute, if any). Attributes portvakt does not keep (phone numbers, the
// enterprise extension, ...) are ignored, as RFC 7644 lets a service provider do.
func (a *scimAttrs) setAttr(name, sub string, v any) error {
	switch name {
	case "username":
		return setString(&a.userName, "userName", v)
	case "externalid":
		return setString(&a.externalID, "externalId", v)
	case "displayname":
		return setString(&a.displayName, "displayName", v)
	case "active":
		b, err := scimBool(v)
		if err != nil {
			return err
		}
		a.active = b
	case "name":
		switch sub {
		case "givenname":
			return setString(&a.givenName, "name.givenName", v)
		case "familyname":
			return setString(&a.familyName, "name.familyName", v)
		case "formatted":
			return setString(&a.formatted, "name.formatted", v)
		case "":
			m, ok := v.(map[string]any)
			if !ok {
				return scimErr(http.StatusBadRequest, "invalidValue", "name must be an object.")
			}
			for k, sv := range m {
				if err := a.setAttr("name", strings.ToLower(k), sv); err != nil {
					return err
				}
			}
		}
	case "emails":
		if sub == "value" { // emails[type eq "work"].value: the one address, which userName is too
			return setString(&a.userName, "emails.value", v)
		}
		if sub == "" {
			return a.setEmails(v)
		}
	}
	return nil
}

// setEmails takes the work (or primary, or only) address of an emails list as the person's
// address when userName does not give one.
func (a *scimAttrs) setEmails(v any) error {
	list, ok := v.([]any)
	if !ok {
		return scimErr(http.StatusBadRequest, "invalidValue", "emails must be a list.")
	}
	if a.userName != "" {
		return nil
	}
	for _, e := range list {
		m, _ := e.(map[string]any)
		val, _ := m["value"].(string)
		typ, _ := m["type"].(string)
		if val != "" && (strings.EqualFold(typ, "work") || m["primary"] == true || len(list) == 1) {
			a.userName = val
			return nil
		}
	}
	return nil
}

// clearAttr removes an attribute (PATCH remove). userName cannot be removed; removing emails
// leaves the address, which userName holds, as it is.
func (a *scimAttrs) clearAttr(name, sub string) error {
	switch {
	case name == "username":
		return scimErr(http.StatusBadRequest, "mutability", "userName (the e-mail address) cannot be removed.")
	case name == "externalid":
		a.externalID = ""
	case name == "displayname":
		a.displayName = ""
	case name == "name" && sub == "":
		a.formatted, a.givenName, a.familyName = "", "", ""
	case name == "name" && sub == "givenname":
		a.givenName = ""
	case name == "name" && sub == "familyname":
		a.familyName = ""
	case name == "name" && sub == "formatted":
		a.formatted = ""
	}
	return nil
}

// applyResource sets every attribute of a resource body (POST, PUT, or a PATCH value without a
// path). Attribute names are case-insensitive (RFC 7643, section 2.1).
func (a *scimAttrs) applyResource(m map[string]any) error {
	for k, v := range m {
		name, sub, _ := strings.Cut(strings.ToLower(k), ".")
		if strings.HasPrefix(name, "urn:") {
			if uri, attr, ok := cutURI(k); ok && strings.EqualFold(uri, scimUserSchema) {
				name, sub, _ = strings.Cut(strings.ToLower(attr), ".")
			} else {
				continue // the enterprise extension and other schemas: not kept
			}
		}
		switch name {
		case "schemas", "id", "meta":
			continue
		}
		if err := a.setAttr(name, sub, v); err != nil {
			return err
		}
	}
	return nil
}

// cutURI splits "urn:...:User:name.givenName" at its last colon.
func cutURI(k string) (uri, attr string, ok bool) {
	i := strings.LastIndex(k, ":")
	if i < 0 {
		return "", "", false
	}
	return k[:i], k[i+1:], true
}

func setString(dst *string, attr string, v any) error {
	switch v := v.(type) {
	case string:
		*dst = v
	case nil:
		*dst = ""
	default:
		return scimErr(http.StatusBadRequest, "invalidValue", attr+" must be a string.")
	}
	return nil
}

// scimBool reads a boolean, also in the form Entra ID sends it: the strings "True" and "False".
func scimBool(v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, scimErr(http.StatusBadRequest, "invalidValue", "active must be true or false.")
}

// readSCIMObject reads a request body that must be a JSON object.
func readSCIMObject(c echo.Context) (map[string]any, error) {
	var m map[string]any
	if err := readSCIMBody(c, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "The request body must be a JSON object.")
	}
	return m, nil
}

// storeSCIMError maps the store's refusals to SCIM errors.
func storeSCIMError(err error) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return scimErr(http.StatusConflict, "uniqueness", "userName is already taken by another person.")
	case errors.Is(err, store.ErrNotFound):
		return scimErr(http.StatusNotFound, "", "No such user.")
	case errors.Is(err, store.ErrLinked):
		return scimErr(http.StatusBadRequest, "mutability", "The person is linked to an SSO identity, so their e-mail address cannot change; remove the link in portvakt first.")
	case errors.Is(err, store.ErrLastAdmin):
		return scimErr(http.StatusConflict, "", "The person is portvakt's last active administrator and stays; make someone else an administrator first.")
	}
	return err
}
