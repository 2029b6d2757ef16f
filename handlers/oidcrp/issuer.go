// Package oidcrp is portvakt's OpenID Connect relying party: it turns an
// identity provider's configuration into an issuer URL, checks the provider's
// discovery document, starts the authorization code flow (PKCE S256, state,
// nonce) and verifies what comes back on the callback.
//
// Every check that go-oidc's verifier leaves to the caller (nonce, sub, iat,
// azp, the RFC 9207 iss parameter, the UserInfo subject) is done here, and
// every refusal is a *Failure whose Kind says exactly what went wrong.
package oidcrp

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// Problem names what is wrong with one field of a provider's configuration.
// Handlers turn it into a message in the person's language.
type Problem string

// Problems found while building or checking an issuer URL.
const (
	ProblemRequired     Problem = "required"
	ProblemMultiTenant  Problem = "multi_tenant"  // Entra common, organizations or consumers
	ProblemTenantFormat Problem = "tenant_format" // neither a GUID nor a domain name
	ProblemNotURL       Problem = "not_url"
	ProblemScheme       Problem = "scheme"   // neither http nor https
	ProblemInsecure     Problem = "insecure" // http for a host that is not loopback
	ProblemUserinfo     Problem = "userinfo"
	ProblemQuery        Problem = "query"
	ProblemFragment     Problem = "fragment"
	ProblemRealm        Problem = "realm"
	ProblemAuthServer   Problem = "auth_server"
)

// Problems lists every Problem, for checks that each has a message.
var Problems = []Problem{ProblemRequired, ProblemMultiTenant, ProblemTenantFormat, ProblemNotURL, ProblemScheme,
	ProblemInsecure, ProblemUserinfo, ProblemQuery, ProblemFragment, ProblemRealm, ProblemAuthServer}

// InputError reports a problem with one field of a provider's configuration.
type InputError struct {
	// Field is the name of the form field: tenant, org_url, auth_server,
	// base_url, realm or issuer.
	Field   string
	Problem Problem
}

// Error names the refused field and the problem with it.
func (e *InputError) Error() string {
	return "oidcrp: field " + e.Field + ": " + string(e.Problem)
}

// Preset names a kind of identity provider with its own way of forming the issuer.
type Preset string

// The presets offered when adding an identity provider.
const (
	PresetEntra    Preset = "entra"
	PresetOkta     Preset = "okta"
	PresetGoogle   Preset = "google"
	PresetKeycloak Preset = "keycloak"
	PresetOther    Preset = "other"
)

// Presets lists every preset in the order a form offers them.
var Presets = []Preset{PresetEntra, PresetOkta, PresetGoogle, PresetKeycloak, PresetOther}

// ErrUnknownPreset is returned for a preset that is not in Presets.
var ErrUnknownPreset = errors.New("oidcrp: unknown preset")

// GoogleIssuer is the issuer of Google Workspace accounts.
const GoogleIssuer = "https://accounts.google.com"

// googleIssuerNoScheme is the iss Google may also sign ID tokens with (its documentation allows
// both), which go-oidc accepts for GoogleIssuer.
const googleIssuerNoScheme = "accounts.google.com"

// PresetInput holds the fields a preset asks for; each preset reads only its own.
type PresetInput struct {
	Tenant     string // Entra ID: directory (tenant) id or a verified tenant domain
	OrgURL     string // Okta: https://example.okta.com
	AuthServer string // Okta: optional custom authorization server id, e.g. "default"
	BaseURL    string // Keycloak: https://sso.example.com (with /auth for old versions)
	Realm      string // Keycloak: realm name
	Issuer     string // other: the issuer URL itself
}

var (
	guidRE       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domainRE     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	authServerRE = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	realmRE      = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// multiTenant holds Entra's authorities that accept accounts from any tenant:
// an issuer built on them would let any Microsoft account sign in.
var multiTenant = map[string]bool{"common": true, "organizations": true, "consumers": true}

// BuildIssuer forms and checks the issuer URL for a preset. allowInsecure
// permits http:// issuers on hosts that are not loopback (for tests only).
func BuildIssuer(p Preset, in PresetInput, allowInsecure bool) (string, error) {
	switch p {
	case PresetEntra:
		tenant, err := EntraTenant(in.Tenant)
		if err != nil {
			return "", err
		}
		return "https://login.microsoftonline.com/" + tenant + "/v2.0", nil
	case PresetOkta:
		return oktaIssuer(in, allowInsecure)
	case PresetGoogle:
		return GoogleIssuer, nil
	case PresetKeycloak:
		return keycloakIssuer(in, allowInsecure)
	case PresetOther:
		return checkIssuerField("issuer", in.Issuer, allowInsecure)
	}
	return "", ErrUnknownPreset
}

// EntraTenant checks an Entra ID tenant: a directory GUID or a tenant domain
// such as contoso.onmicrosoft.com, never one of the multi-tenant authorities.
// It returns the tenant in the form used in the authority URL.
func EntraTenant(raw string) (string, error) {
	t := strings.TrimSpace(raw)
	if t == "" {
		return "", &InputError{Field: "tenant", Problem: ProblemRequired}
	}
	lower := strings.ToLower(t)
	if multiTenant[lower] {
		return "", &InputError{Field: "tenant", Problem: ProblemMultiTenant}
	}
	if guidRE.MatchString(t) {
		return lower, nil
	}
	if len(lower) <= 253 && domainRE.MatchString(lower) {
		return lower, nil
	}
	return "", &InputError{Field: "tenant", Problem: ProblemTenantFormat}
}

func oktaIssuer(in PresetInput, allowInsecure bool) (string, error) {
	base, err := checkIssuerField("org_url", in.OrgURL, allowInsecure)
	if err != nil {
		return "", err
	}
	base = strings.TrimSuffix(base, "/")
	as := strings.TrimSpace(in.AuthServer)
	if as == "" {
		return base, nil
	}
	if !authServerRE.MatchString(as) {
		return "", &InputError{Field: "auth_server", Problem: ProblemAuthServer}
	}
	return base + "/oauth2/" + as, nil
}

func keycloakIssuer(in PresetInput, allowInsecure bool) (string, error) {
	base, err := checkIssuerField("base_url", in.BaseURL, allowInsecure)
	if err != nil {
		return "", err
	}
	realm := strings.TrimSpace(in.Realm)
	if realm == "" {
		return "", &InputError{Field: "realm", Problem: ProblemRequired}
	}
	if !realmRE.MatchString(realm) {
		return "", &InputError{Field: "realm", Problem: ProblemRealm}
	}
	return strings.TrimSuffix(base, "/") + "/realms/" + realm, nil
}

func checkIssuerField(field, raw string, allowInsecure bool) (string, error) {
	s, problem := checkIssuer(raw, allowInsecure)
	if problem != "" {
		return "", &InputError{Field: field, Problem: problem}
	}
	return s, nil
}

// ValidateIssuer checks an issuer URL: https (http only for loopback hosts or
// when allowInsecure is set), a host, and no user info, query or fragment.
// It returns the trimmed URL, unchanged otherwise, because the issuer must
// match the provider's own spelling exactly.
func ValidateIssuer(raw string, allowInsecure bool) (string, error) {
	return checkIssuerField("issuer", raw, allowInsecure)
}

func checkIssuer(raw string, allowInsecure bool) (string, Problem) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ProblemRequired
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", ProblemNotURL
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http":
		if !allowInsecure && !IsLoopback(u.Hostname()) {
			return "", ProblemInsecure
		}
	default:
		return "", ProblemScheme
	}
	switch {
	case isMultiTenantAuthority(u):
		return "", ProblemMultiTenant
	case u.User != nil:
		return "", ProblemUserinfo
	case u.RawQuery != "" || u.ForceQuery:
		return "", ProblemQuery
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "", ProblemFragment
	}
	return s, ""
}

// microsoftLoginHosts are the hosts of Microsoft's sign-in authorities.
var microsoftLoginHosts = map[string]bool{
	"login.microsoftonline.com": true, "login.microsoft.com": true, "login.windows.net": true,
	"sts.windows.net": true, "login.microsoftonline.us": true, "login.partner.microsoftonline.cn": true,
}

// isMultiTenantAuthority reports whether u is one of Entra's multi-tenant authorities, typed
// into any field. Their discovery names no single issuer, so go-oidc's issuer check would refuse
// them too; naming the problem here gives the person the right message.
func isMultiTenantAuthority(u *url.URL) bool {
	if !microsoftLoginHosts[strings.ToLower(u.Hostname())] {
		return false
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	return multiTenant[strings.ToLower(first)]
}

// IsLoopback reports whether host is localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
