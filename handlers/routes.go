package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"portvakt/static"
	"portvakt/store"
)

// access says who may use a route. It is checked on the server for every request.
type access int

const (
	public              access = iota // anybody, signed in or not
	signedIn                          // any signed-in person
	adminOnly                         // administrators
	authSettings                      // people granted Authentication Settings
	adminOrAuthSettings               // either of the two
	scimToken                         // an API token for SCIM provisioning (no session)
	auditToken                        // an API token for reading the audit log (no session)
)

// tokenPurposes are the access kinds granted by an API token, with the purpose it must have.
var tokenPurposes = map[access]string{scimToken: store.PurposeSCIM, auditToken: store.PurposeAudit}

// route is one row of the route table.
type route struct {
	method  string
	path    string
	access  access
	handler echo.HandlerFunc
}

// routes is the whole route table, grouped by area. The authorization matrix test
// (TestAuthorizationMatrix) must have a row for every entry.
func (s *Server) routes() []route {
	table := []route{
		// Operations.
		{http.MethodGet, "/healthz", public, s.handleHealthz},
		{http.MethodGet, "/readyz", public, s.handleReadyz},

		// First run.
		{http.MethodGet, "/setup", public, s.handleSetupForm},
		{http.MethodPost, "/setup", public, s.handleSetupSubmit},

		// Sign-in and sign-out.
		{http.MethodGet, "/login", public, s.handleLoginEmailForm},
		{http.MethodPost, "/login", public, s.handleLoginEmailSubmit},
		{http.MethodGet, "/login/method", public, s.handleLoginMethod},
		{http.MethodPost, "/login/password", public, s.handleLoginPassword},
		{http.MethodPost, "/logout", public, s.handleLogout},
		{http.MethodPost, "/lang", public, s.handleLanguage},

		// Everybody signed in.
		{http.MethodGet, "/", signedIn, s.handleHome},
		{http.MethodGet, "/profile", signedIn, s.handleProfile},
		{http.MethodPost, "/profile/link/:id", signedIn, s.handleProfileLink},

		// General > Security (administrators).
		{http.MethodGet, "/security", adminOnly, s.handleSecurity},
		{http.MethodPost, "/security/grants", adminOnly, s.handleGrantsSubmit},
		{http.MethodGet, "/security/people", adminOnly, s.handlePeopleSuggest},
		{http.MethodPost, "/security/domains", adminOnly, s.handleAllowedDomainsSubmit},

		// Users (administrators).
		{http.MethodGet, "/users", adminOnly, s.handleUsers},
		{http.MethodPost, "/users", adminOnly, s.handleUserCreate},
		{http.MethodGet, "/users/new", adminOnly, s.handleUserNew},
		{http.MethodGet, "/users/export.csv", adminOnly, s.handleUsersCSV},
		{http.MethodGet, "/users/outbox", adminOnly, s.handleOutbox},
		{http.MethodGet, "/users/outbox/:id", adminOnly, s.handleOutboxMail},
		{http.MethodPost, "/users/outbox/:id/retry", adminOnly, s.handleOutboxRetry},
		{http.MethodGet, "/users/:id", adminOnly, s.handleUser},
		{http.MethodPost, "/users/:id", adminOnly, s.handleUserUpdate},
		{http.MethodPost, "/users/:id/admin", adminOnly, s.handleUserAdmin},
		{http.MethodPost, "/users/:id/resend", adminOnly, s.handleUserResend},
		{http.MethodPost, "/users/:id/unlink", adminOnly, s.handleUserUnlink},
		// E-mail verification links (anybody with the link).
		{http.MethodGet, "/verify", public, s.handleVerifyForm},
		{http.MethodPost, "/verify", public, s.handleVerifySubmit},

		// Audit log.
		{http.MethodGet, "/audit", adminOrAuthSettings, s.handleAudit},
		{http.MethodGet, "/audit/export.csv", adminOrAuthSettings, s.handleAuditCSV},

		// Authentication Settings.
		{http.MethodGet, "/auth-settings", authSettings, s.handleAuthSettings},
		{http.MethodPost, "/auth-settings/invites", authSettings, s.handleInvitesSend},

		// Authentication Settings > Domains.
		{http.MethodGet, "/auth-settings/domains", authSettings, s.handleDomains},
		{http.MethodPost, "/auth-settings/domains", authSettings, s.handleDomainAdd},
		{http.MethodGet, "/auth-settings/domains/:id", authSettings, s.handleDomain},
		{http.MethodPost, "/auth-settings/domains/:id/verify", authSettings, s.handleDomainVerify},
		{http.MethodGet, "/auth-settings/domains/:id/remove", authSettings, s.handleDomainRemoveForm},
		{http.MethodPost, "/auth-settings/domains/:id/remove", authSettings, s.handleDomainRemove},

		// Authentication Settings > Single sign-on.
		{http.MethodGet, "/auth-settings/sso", authSettings, s.handleIdPList},
		{http.MethodGet, "/auth-settings/sso/new", authSettings, s.handleIdPNew},
		{http.MethodPost, "/auth-settings/sso", authSettings, s.handleIdPCreate},
		{http.MethodGet, "/auth-settings/sso/:id", authSettings, s.handleIdPEdit},
		{http.MethodPost, "/auth-settings/sso/:id", authSettings, s.handleIdPUpdate},
		{http.MethodPost, "/auth-settings/sso/:id/test", authSettings, s.handleIdPTestStart},
		{http.MethodGet, "/auth-settings/sso/:id/test", authSettings, s.handleIdPTestResult},
		{http.MethodPost, "/auth-settings/sso/:id/draft/discard", authSettings, s.handleIdPDraftDiscard},
		{http.MethodGet, "/auth-settings/sso/:id/remove", authSettings, s.handleIdPRemoveForm},
		{http.MethodPost, "/auth-settings/sso/:id/remove", authSettings, s.handleIdPRemove},
		{http.MethodPost, "/login/sso/:id", public, s.handleLoginSSO},
		{http.MethodGet, "/auth/oidc/callback", public, s.handleOIDCCallback},

		// Authentication Settings > Policies.
		{http.MethodGet, "/auth-settings/policies", authSettings, s.handlePolicies},
		{http.MethodGet, "/auth-settings/policies/password/off", authSettings, s.handlePasswordOffReview},
		{http.MethodPost, "/auth-settings/policies/password/off", authSettings, s.handlePasswordOff},
		{http.MethodPost, "/auth-settings/policies/password/on", authSettings, s.handlePasswordOn},
		{http.MethodPost, "/auth-settings/policies/password/confirm", authSettings, s.handlePasswordConfirm},

		// Authentication Settings > Applications (portvakt as the apps' OpenID provider).
		{http.MethodGet, "/auth-settings/apps", authSettings, s.handleApps},
		{http.MethodPost, "/auth-settings/apps", authSettings, s.handleAppCreate},
		{http.MethodGet, "/auth-settings/apps/new", authSettings, s.handleAppNew},
		{http.MethodGet, "/auth-settings/apps/people", authSettings, s.handlePeopleSuggest},
		{http.MethodGet, "/auth-settings/apps/help", authSettings, s.handleAppsHelp},
		{http.MethodGet, "/auth-settings/apps/:id", authSettings, s.handleApp},
		{http.MethodPost, "/auth-settings/apps/:id", authSettings, s.handleAppUpdate},
		{http.MethodPost, "/auth-settings/apps/:id/secret", authSettings, s.handleAppSecretRotate},
		{http.MethodGet, "/auth-settings/apps/:id/remove", authSettings, s.handleAppRemoveForm},
		{http.MethodPost, "/auth-settings/apps/:id/remove", authSettings, s.handleAppRemove},
	}
	table = append(table, s.opRoutes()...)
	return append(table, s.apiRoutes()...)
}

// register adds the route table and the static files to e.
func (s *Server) register(e *echo.Echo) {
	for _, r := range s.routes() {
		e.Add(r.method, r.path, r.handler, s.require(r.access))
	}
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", staticHandler(static.FS))))
}
