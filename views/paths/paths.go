// Package paths builds the address of every page and form target of the portal. handlers
// (redirects, breadcrumbs, links in mail) and views (links and form actions) both use it, so an
// address is written once; handlers/routes.go registers the same addresses, and
// TestPathsResolveToRoutes in handlers checks that every builder here resolves to a route.
//
// It is a package of its own, not part of views, so that it imports nothing: handlers, views
// and tests can all use it without taking in templates, and it cannot grow behaviour.
package paths

import (
	"net/url"
	"strconv"
)

// Fixed addresses.
const (
	Home            = "/"
	Setup           = "/setup"
	Login           = "/login"
	LoginMethod     = "/login/method"
	LoginPassword   = "/login/password"
	Logout          = "/logout"
	Lang            = "/lang"
	Profile         = "/profile"
	Security        = "/security"
	SecurityGrants  = "/security/grants"
	SecurityPeople  = "/security/people"
	SecurityDomains = "/security/domains"
	Users           = "/users"
	UserNew         = "/users/new"
	Outbox          = "/users/outbox"
	Verify          = "/verify"
	Audit           = "/audit"
	AuditCSV        = "/audit/export.csv"
	AuthSettings    = "/auth-settings"
	Invites         = "/auth-settings/invites"
	UsersExport     = "/users/export.csv"
	Tokens          = "/auth-settings/tokens"
	APIAudit        = "/api/v1/audit"
	Domains         = "/auth-settings/domains"
	SSO             = "/auth-settings/sso"
	SSONew          = "/auth-settings/sso/new"
	OIDCCallback    = "/auth/oidc/callback"
	Policies        = "/auth-settings/policies"
	PasswordOff     = "/auth-settings/policies/password/off"
	PasswordOn      = "/auth-settings/policies/password/on"
	PasswordConfirm = "/auth-settings/policies/password/confirm"
	Apps            = "/auth-settings/apps"
	AppNew          = "/auth-settings/apps/new"
	AppPeople       = "/auth-settings/apps/people"
	AppsHelp        = "/auth-settings/apps/help"
)

// The OpenID provider's endpoints, under portvakt's base URL (the issuer). Apps find them through
// discovery; only these addresses are fixed by the protocol layer.
const (
	OPDiscovery  = "/.well-known/openid-configuration"
	OPAuthorize  = "/oauth/authorize"
	OPContinue   = "/oauth/continue"
	OPToken      = "/oauth/token"
	OPUserinfo   = "/oauth/userinfo"
	OPKeys       = "/oauth/keys"
	OPRevoke     = "/oauth/revoke"
	OPIntrospect = "/oauth/introspect"
	OPLogout     = "/oauth/logout"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// ProfileLink starts linking the signed-in person to provider idpID.
func ProfileLink(idpID int64) string { return "/profile/link/" + id(idpID) }

// LoginSSO starts sign-in through provider idpID.
func LoginSSO(idpID int64) string { return "/login/sso/" + id(idpID) }

// User is a user's page; UserAdmin, UserResend and UserUnlink are its forms.
func User(userID int64) string       { return Users + "/" + id(userID) }
func UserAdmin(userID int64) string  { return User(userID) + "/admin" }
func UserResend(userID int64) string { return User(userID) + "/resend" }
func UserUnlink(userID int64) string { return User(userID) + "/unlink" }

// OutboxMail is one mail in the outbox; OutboxRetry sends it again.
func OutboxMail(mailID int64) string  { return Outbox + "/" + id(mailID) }
func OutboxRetry(mailID int64) string { return OutboxMail(mailID) + "/retry" }

// DomainsList is the list of domains searched for q (empty: all), on page (from 1).
func DomainsList(q string, page int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return Domains
	}
	return Domains + "?" + v.Encode()
}

// Domain is a domain's page; DomainVerify and DomainRemove are its forms.
func Domain(domainID int64) string       { return Domains + "/" + id(domainID) }
func DomainVerify(domainID int64) string { return Domain(domainID) + "/verify" }
func DomainRemove(domainID int64) string { return Domain(domainID) + "/remove" }

// IdP is an identity provider's page; IdPTest, IdPDraftDiscard and IdPRemove are its forms
// (IdPTest is also the page of the last test's result).
func IdP(idpID int64) string             { return SSO + "/" + id(idpID) }
func IdPTest(idpID int64) string         { return IdP(idpID) + "/test" }
func IdPDraftDiscard(idpID int64) string { return IdP(idpID) + "/draft/discard" }
func IdPRemove(idpID int64) string       { return IdP(idpID) + "/remove" }

// SSONewPreset is the new-provider form filled in for a preset.
func SSONewPreset(preset string) string { return SSONew + "?preset=" + url.QueryEscape(preset) }

// TokenRevoke confirms and revokes API token tokenID.
func TokenRevoke(tokenID int64) string { return Tokens + "/" + id(tokenID) + "/revoke" }

// App is an application's page; AppRemove, AppSecret are its forms.
func App(appID int64) string       { return Apps + "/" + id(appID) }
func AppRemove(appID int64) string { return App(appID) + "/remove" }
func AppSecret(appID int64) string { return App(appID) + "/secret" }

// OPContinueFor is where a person signs in for an application's sign-in id.
func OPContinueFor(id string) string { return OPContinue + "?" + url.Values{"id": {id}}.Encode() }
