package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/views"
)

const (
	defaultScopes = "openid email profile"
	maxIdPName    = 100
	maxClientID   = 255
	maxSecret     = 1000
	maxScopes     = 500
	maxURLField   = 500
)

var scopeRE = regexp.MustCompile(`^[A-Za-z0-9_:./-]{1,100}$`)

// idpForm is the SSO form as submitted.
type idpForm struct {
	preset    oidcrp.Preset
	in        oidcrp.PresetInput
	name      string
	clientID  string
	secret    string
	scopes    string
	domainIDs []int64
	enabled   bool
}

func readIdPForm(c echo.Context) idpForm {
	f := idpForm{
		preset: oidcrp.Preset(c.FormValue("preset")),
		in: oidcrp.PresetInput{Tenant: c.FormValue("tenant"), OrgURL: c.FormValue("org_url"),
			AuthServer: c.FormValue("auth_server"), BaseURL: c.FormValue("base_url"), Realm: c.FormValue("realm"),
			Issuer: c.FormValue("issuer")},
		name: c.FormValue("name"), clientID: c.FormValue("client_id"), secret: c.FormValue("client_secret"),
		scopes: c.FormValue("scopes"), enabled: c.FormValue("enabled") == "on",
	}
	form, _ := c.FormParams()
	for _, raw := range form["domain"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && !slices.Contains(f.domainIDs, id) {
			f.domainIDs = append(f.domainIDs, id)
		}
	}
	return f
}

// presetFieldIDs lists the fields each preset asks for, the first one being where discovery
// problems are reported.
var presetFieldIDs = map[oidcrp.Preset][]string{
	oidcrp.PresetEntra:    {"tenant"},
	oidcrp.PresetOkta:     {"org_url", "auth_server"},
	oidcrp.PresetGoogle:   nil,
	oidcrp.PresetKeycloak: {"base_url", "realm"},
	oidcrp.PresetOther:    {"issuer"},
}

func presetValue(in oidcrp.PresetInput, id string) string {
	return map[string]string{"tenant": in.Tenant, "org_url": in.OrgURL, "auth_server": in.AuthServer,
		"base_url": in.BaseURL, "realm": in.Realm, "issuer": in.Issuer}[id]
}

// idpFormView builds the form's view with the values typed (never the secret).
func (s *Server) idpFormView(c echo.Context, old *store.IdP, f idpForm) (views.IdPFormView, error) {
	l := lang(c)
	ps := string(f.preset)
	v := views.IdPFormView{Preset: ps, PresetName: l.T(presetKey(ps, ".inline")), RedirectURI: s.RedirectURI(),
		Instructions: l.T(presetKey(ps, ".howto")), Enabled: f.enabled}
	text := func(id, value string, max int, required bool) views.Field {
		return views.Field{ID: id, Name: id, Label: l.T(fieldKey(id, "")), Hint: l.T(fieldKey(id, ".hint")),
			Value: truncate(strings.TrimSpace(value), max*4), MaxLen: max, Required: required}
	}
	v.Name = text("name", f.name, maxIdPName, true)
	for _, id := range presetFieldIDs[f.preset] {
		v.PresetFields = append(v.PresetFields, text(id, presetValue(f.in, id), maxURLField, id != "auth_server"))
	}
	v.ClientID = text("client_id", f.clientID, maxClientID, true)
	v.ClientSecret = text("client_secret", "", maxSecret, old == nil)
	v.ClientSecret.Type, v.ClientSecret.Autocomplete = "password", "off"
	if old != nil {
		v.ID, v.Issuer = old.ID, old.Issuer
		v.ClientSecret.Hint = l.T("sso.field.client_secret.keep")
		if !old.TestedAt.IsZero() {
			v.TestedText = l.T("sso.tested.by", old.TestedBy, l.Time(old.TestedAt))
			v.Staged = true
		}
		d, err := s.store.IdPDraft(c.Request().Context(), old.ID)
		if err == nil {
			v.Draft = draftView(l, *old, d, currentSession(c).UserID)
			if v.Draft.IssuerChanges {
				if v.Draft.Links, err = s.othersLinkedAt(c, old.Issuer); err != nil {
					return v, err
				}
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return v, err
		}
	}
	v.Scopes = text("scopes", f.scopes, maxScopes, true)
	return v, s.domainChoices(c.Request().Context(), &v, old, f.domainIDs)
}

// domainChoices lists the verified domains, with the provider that serves each.
func (s *Server) domainChoices(ctx context.Context, v *views.IdPFormView, old *store.IdP, chosen []int64) error {
	domains, err := s.store.VerifiedDomains(ctx)
	if err != nil {
		return err
	}
	ps, err := s.store.IdPs(ctx)
	if err != nil {
		return err
	}
	for _, d := range domains {
		dc := views.DomainChoice{ID: d.ID, Name: d.Name, Checked: slices.Contains(chosen, d.ID)}
		for _, p := range ps {
			if p.Enabled && (old == nil || p.ID != old.ID) && slices.ContainsFunc(p.Domains, func(x store.DomainRef) bool { return x.ID == d.ID }) {
				dc.ServedBy = p.Name
			}
		}
		v.Domains = append(v.Domains, dc)
	}
	return nil
}

// validateIdP checks every field and returns what to store; ok is false when a field was refused.
func (s *Server) validateIdP(c echo.Context, v *views.IdPFormView, f idpForm, old *store.IdP) (store.IdPInput, bool) {
	l := lang(c)
	ok := true
	bad := func(field *views.Field, msg string) {
		if field.Error == "" {
			field.Error, ok = msg, false
		}
	}
	in := store.IdPInput{Preset: string(f.preset), ClientID: strings.TrimSpace(f.clientID), Enabled: f.enabled, DomainIDs: f.domainIDs}
	name, nameOK := formText(f.name, maxIdPName)
	in.Name = name
	switch {
	case name == "":
		bad(&v.Name, l.T("sso.err.name"))
	case !nameOK:
		bad(&v.Name, l.T("sso.err.toolong", maxIdPName))
	}
	for i := range v.PresetFields {
		if _, fine := formText(presetValue(f.in, v.PresetFields[i].ID), maxURLField); !fine {
			bad(&v.PresetFields[i], l.T("sso.err.toolong", maxURLField))
		}
	}
	issuer, err := oidcrp.BuildIssuer(f.preset, f.in, s.cfg.AllowInsecureIssuers)
	var ie *oidcrp.InputError
	if errors.As(err, &ie) {
		for i := range v.PresetFields {
			if v.PresetFields[i].ID == ie.Field {
				bad(&v.PresetFields[i], problemText(l, ie.Problem, v.PresetFields[i].Label))
			}
		}
	}
	in.Issuer = issuer
	if err == nil && sameOrigin(issuer, s.issuer()) && len(v.PresetFields) > 0 {
		// portvakt signs its apps in through the organisation's provider: as that provider
		// itself, it would need a portvakt session to make one, and with passwords off nobody
		// could sign in.
		bad(&v.PresetFields[0], l.T("sso.err.self"))
	}
	presetJSON, _ := json.Marshal(f.in)
	in.PresetJSON = string(presetJSON)
	switch {
	case in.ClientID == "":
		bad(&v.ClientID, l.T("sso.err.client_id"))
	case len(in.ClientID) > maxClientID:
		bad(&v.ClientID, l.T("sso.err.toolong", maxClientID))
	}
	in.SecretEnc, ok = s.validateSecret(c, v, f.secret, old == nil, ok)
	in.Scopes = s.validateScopes(c, v, f.scopes, &ok)
	return in, ok
}

func (s *Server) validateSecret(c echo.Context, v *views.IdPFormView, secret string, required, ok bool) ([]byte, bool) {
	l := lang(c)
	switch {
	case secret == "" && required:
		v.ClientSecret.Error = l.T("sso.err.client_secret")
		return nil, false
	case secret == "":
		return nil, ok
	case len(secret) > maxSecret:
		v.ClientSecret.Error = l.T("sso.err.toolong", maxSecret)
		return nil, false
	}
	sealed, err := s.sealSecret(secret)
	if err != nil {
		v.ClientSecret.Error = l.T("sso.err.client_secret")
		return nil, false
	}
	return sealed, ok
}

func (s *Server) validateScopes(c echo.Context, v *views.IdPFormView, raw string, ok *bool) string {
	l := lang(c)
	scopes := strings.Fields(raw)
	switch {
	case len(raw) > maxScopes:
		v.Scopes.Error = l.T("sso.err.toolong", maxScopes)
	case !slices.Contains(scopes, "openid"):
		v.Scopes.Error = l.T("sso.err.scopes.openid")
	case slices.ContainsFunc(scopes, func(sc string) bool { return !scopeRE.MatchString(sc) }):
		v.Scopes.Error = l.T("sso.err.scopes.chars")
	default:
		return strings.Join(scopes, " ")
	}
	*ok = false
	return raw
}

// checkDiscovery reads the provider's discovery document and reports exactly what is wrong.
// It returns the issuer to keep (for Entra ID, the tenant's GUID form).
func (s *Server) checkDiscovery(c echo.Context, v *views.IdPFormView, preset oidcrp.Preset, issuer string) (string, bool) {
	issuer, _, err := oidcrp.DiscoverPreset(c.Request().Context(), s.rp.HTTPClient(), preset, issuer)
	if err == nil {
		return issuer, true
	}
	l := lang(c)
	msg := l.T("sso.err.discovery.unreachable", issuer)
	var de *oidcrp.DiscoveryError
	if errors.As(err, &de) {
		msg = discoveryMessage(l, de)
	}
	if len(v.PresetFields) > 0 {
		v.PresetFields[0].Error = msg
	} else {
		v.DiscoveryError = msg
	}
	return issuer, false
}

func discoveryMessage(l views.Lang, de *oidcrp.DiscoveryError) string {
	switch de.Kind {
	case oidcrp.DiscoveryIssuerMismatch:
		return l.T("sso.err.discovery.issuer_mismatch", de.Found, de.Expected)
	case oidcrp.DiscoveryHTTPStatus:
		return l.T("sso.err.discovery.http_status", de.URL, de.Status)
	case oidcrp.DiscoveryNotJSON:
		return l.T("sso.err.discovery.not_json", de.URL)
	case oidcrp.DiscoveryInsecureEndpoint:
		return l.T("sso.err.discovery.insecure_endpoint", de.Endpoint)
	}
	return l.T(dynamicKey("sso.err.discovery.", string(de.Kind)), de.URL)
}

// problemText explains a refused preset field; only "required" names the field.
func problemText(l views.Lang, p oidcrp.Problem, label string) string {
	if p == oidcrp.ProblemRequired {
		return l.T("sso.err.problem.required", strings.ToLower(label[:1])+label[1:])
	}
	return l.T(dynamicKey("sso.err.problem.", string(p)))
}

// dynamicKey joins a text key from a prefix and a code; every code's text is checked by
// TestSSOKindsHaveTexts.
func dynamicKey(prefix, code string) string { return prefix + code }

func presetKey(preset, suffix string) string { return dynamicKey("sso.preset.", preset+suffix) }

func fieldKey(id, suffix string) string { return dynamicKey("sso.field.", id+suffix) }

// sameOrigin reports whether two absolute URLs have the same scheme and host.
func sameOrigin(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host)
}
