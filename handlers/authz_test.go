package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
)

// role is a kind of person in the authorization matrix.
type role int

const (
	anonymous role = iota
	plainUser
	administrator
	authSettingsUser
	scimTokenHolder  // a request with a SCIM API token and no session
	auditTokenHolder // a request with an audit-read API token and no session
)

var roleNames = map[role]string{anonymous: "anonymous", plainUser: "user", administrator: "administrator", authSettingsUser: "auth-settings user",
	scimTokenHolder: "SCIM token", auditTokenHolder: "audit token"}

// tokenRoles are the kinds of API token, by purpose.
var tokenRoles = map[string]role{store.PurposeSCIM: scimTokenHolder, store.PurposeAudit: auditTokenHolder}

// tokenOnly is the access of a machine API route: a token with the purpose, nobody else.
func tokenOnly(purpose string) []role { return []role{tokenRoles[purpose]} }

// Who may use a route. Written out here, apart from the route table, so that a change of access
// in one place without the other fails this test.
var (
	everyone      = []role{anonymous, plainUser, administrator, authSettingsUser}
	signedInRoles = []role{plainUser, administrator, authSettingsUser}
	adminRoles    = []role{administrator}
	authRoles     = []role{authSettingsUser}
	adminOrAuth   = []role{administrator, authSettingsUser}
)

// matrix has one row per registered route: "METHOD path" -> the roles allowed.
var matrix = map[string][]role{
	"GET /healthz":                everyone,
	"GET /readyz":                 everyone,
	"GET /static/*":               everyone,
	"GET /setup":                  everyone,
	"POST /setup":                 everyone,
	"GET /login":                  everyone,
	"POST /login":                 everyone,
	"GET /login/method":           everyone,
	"POST /login/password":        everyone,
	"POST /logout":                everyone,
	"POST /lang":                  everyone,
	"GET /":                       signedInRoles,
	"GET /profile":                signedInRoles,
	"POST /profile/link/:id":      signedInRoles,
	"GET /auth-settings":          authRoles,
	"POST /auth-settings/invites": authRoles,

	// General > Security.
	"GET /security":          adminRoles,
	"POST /security/grants":  adminRoles,
	"GET /security/people":   adminRoles,
	"POST /security/domains": adminRoles,

	// Users.
	"GET /users":                   adminRoles,
	"POST /users":                  adminRoles,
	"GET /users/new":               adminRoles,
	"GET /users/export.csv":        adminRoles,
	"GET /users/outbox":            adminRoles,
	"GET /users/outbox/:id":        adminRoles,
	"POST /users/outbox/:id/retry": adminRoles,
	"GET /users/:id":               adminRoles,
	"POST /users/:id":              adminRoles,
	"POST /users/:id/admin":        adminRoles,
	"POST /users/:id/resend":       adminRoles,
	"POST /users/:id/unlink":       adminRoles,
	"GET /verify":                  everyone,
	"POST /verify":                 everyone,

	// Audit log.
	"GET /audit":            adminOrAuth,
	"GET /audit/export.csv": adminOrAuth,

	// Authentication Settings > Domains.
	"GET /auth-settings/domains":             authRoles,
	"POST /auth-settings/domains":            authRoles,
	"GET /auth-settings/domains/:id":         authRoles,
	"POST /auth-settings/domains/:id/verify": authRoles,
	"GET /auth-settings/domains/:id/remove":  authRoles,
	"POST /auth-settings/domains/:id/remove": authRoles,

	// Authentication Settings > Single sign-on.
	"GET /auth-settings/sso":             authRoles,
	"GET /auth-settings/sso/new":         authRoles,
	"POST /auth-settings/sso":            authRoles,
	"GET /auth-settings/sso/:id":         authRoles,
	"POST /auth-settings/sso/:id":        authRoles,
	"POST /auth-settings/sso/:id/test":   authRoles,
	"GET /auth-settings/sso/:id/remove":  authRoles,
	"POST /auth-settings/sso/:id/remove": authRoles,
	"GET /auth-settings/sso/:id/test":    authRoles,
	"POST /login/sso/:id":                everyone,
	"GET /auth/oidc/callback":            everyone,

	"POST /auth-settings/sso/:id/draft/discard": authRoles,

	// Authentication Settings > Policies.
	"GET /auth-settings/policies":                   authRoles,
	"GET /auth-settings/policies/password/off":      authRoles,
	"POST /auth-settings/policies/password/off":     authRoles,
	"POST /auth-settings/policies/password/on":      authRoles,
	"POST /auth-settings/policies/password/confirm": authRoles,

	// Authentication Settings > Applications.
	"GET /auth-settings/apps":             authRoles,
	"POST /auth-settings/apps":            authRoles,
	"GET /auth-settings/apps/new":         authRoles,
	"GET /auth-settings/apps/people":      authRoles,
	"GET /auth-settings/apps/help":        authRoles,
	"GET /auth-settings/apps/:id":         authRoles,
	"POST /auth-settings/apps/:id":        authRoles,
	"POST /auth-settings/apps/:id/secret": authRoles,
	"GET /auth-settings/apps/:id/remove":  authRoles,
	"POST /auth-settings/apps/:id/remove": authRoles,

	// Authentication Settings > API tokens.
	"GET /auth-settings/tokens":             adminRoles,
	"POST /auth-settings/tokens":            adminRoles,
	"GET /auth-settings/tokens/:id/revoke":  adminRoles,
	"POST /auth-settings/tokens/:id/revoke": adminRoles,

	// The OpenID provider: the protocol authenticates apps itself (client secret, PKCE, bearer
	// access token); a person signs in for an app through /oauth/continue and portvakt's sign-in.
	"GET /.well-known/openid-configuration":     everyone,
	"OPTIONS /.well-known/openid-configuration": everyone,
	"GET /oauth/keys":                           everyone,
	"OPTIONS /oauth/keys":                       everyone,
	"GET /oauth/authorize":                      everyone,
	"GET /oauth/continue":                       everyone,
	"POST /oauth/token":                         everyone,
	"OPTIONS /oauth/token":                      everyone,
	"GET /oauth/userinfo":                       everyone,
	"POST /oauth/userinfo":                      everyone,
	"OPTIONS /oauth/userinfo":                   everyone,
	"POST /oauth/revoke":                        everyone,
	"OPTIONS /oauth/revoke":                     everyone,
	"POST /oauth/introspect":                    everyone,
	"GET /oauth/logout":                         everyone,

	// Machine API: API tokens, never a session (see TestAuthorizationMatrixTokens).
	"GET /api/v1/audit": tokenOnly(store.PurposeAudit),

	"GET /scim/v2/ServiceProviderConfig": tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/ResourceTypes":         tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/ResourceTypes/:name":   tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/Schemas":               tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/Schemas/:name":         tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/Users":                 tokenOnly(store.PurposeSCIM),
	"POST /scim/v2/Users":                tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/Users/:id":             tokenOnly(store.PurposeSCIM),
	"PUT /scim/v2/Users/:id":             tokenOnly(store.PurposeSCIM),
	"PATCH /scim/v2/Users/:id":           tokenOnly(store.PurposeSCIM),
	"DELETE /scim/v2/Users/:id":          tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/Groups":                tokenOnly(store.PurposeSCIM),
	"POST /scim/v2/Groups":               tokenOnly(store.PurposeSCIM),
	"GET /scim/v2/Groups/:id":            tokenOnly(store.PurposeSCIM),
	"PUT /scim/v2/Groups/:id":            tokenOnly(store.PurposeSCIM),
	"PATCH /scim/v2/Groups/:id":          tokenOnly(store.PurposeSCIM),
	"DELETE /scim/v2/Groups/:id":         tokenOnly(store.PurposeSCIM),
	"GET /api/v1/openapi.yaml":           everyone,
}

var _ = adminRoles
var _ = adminOrAuth

var pathParam = regexp.MustCompile(`:[a-zA-Z]+`)

// TestAuthorizationMatrix sends every registered route a request as every kind of person and
// checks that exactly the allowed ones get through: the others are sent to sign-in (anonymous)
// or refused with 403. A route without a row in the matrix fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	users := map[role]store.User{
		plainUser:        app.User(t, "user@example.se", handlertest.UserOpts{}),
		administrator:    app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}),
		authSettingsUser: app.User(t, "it@example.se", handlertest.UserOpts{AuthSettings: true}),
	}
	// Token 1 is a decoy: the matrix revokes whatever POST /auth-settings/tokens/1/revoke names.
	if _, _, err := app.Store.CreateAPIToken(context.Background(), store.CLIActor, store.NewAPIToken{Name: "decoy", Purpose: store.PurposeAudit}); err != nil {
		t.Fatal(err)
	}
	secrets := map[role]string{}
	for purpose, r := range tokenRoles {
		_, secrets[r], _ = app.Store.CreateAPIToken(context.Background(), store.CLIActor,
			store.NewAPIToken{Name: roleNames[r], Purpose: purpose})
	}
	var keys []string
	for _, r := range app.Echo.Routes() {
		keys = append(keys, r.Method+" "+r.Path)
	}
	sort.Strings(keys)
	seen := map[string]bool{}
	for _, key := range keys {
		if seen[key] {
			continue
		}
		seen[key] = true
		allowed, ok := matrix[key]
		if !ok {
			t.Errorf("route %s has no row in the authorization matrix", key)
			continue
		}
		method, path, _ := strings.Cut(key, " ")
		path = strings.ReplaceAll(pathParam.ReplaceAllString(path, "1"), "*", "css/app.css")
		for _, r := range append(everyone, scimTokenHolder, auditTokenHolder) {
			t.Run(key+" as "+roleNames[r], func(t *testing.T) {
				if isAPIRoute(allowed) { // an id nobody has: a DELETE must not remove the people of this test
					apiPath := pathParam.ReplaceAllString(strings.TrimPrefix(key, method+" "), "999999")
					checkTokenAccess(t, app.Client().Do(t, tokenRequest(t, app.URL, method, apiPath, secrets[r])), r, allowed)
					return
				}
				if secrets[r] != "" { // a browser route, with a CSRF token like a form: the API token counts for nothing
					c := app.Client()
					req, _ := http.NewRequest(method, app.URL+path, strings.NewReader(url.Values{"_csrf": {c.CSRF(t)}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Authorization", "Bearer "+secrets[r])
					checkTokenAccess(t, c.Do(t, req), r, allowed)
					return
				}
				c := app.Client()
				if r != anonymous {
					c = app.ClientAs(t, users[r])
				}
				var resp *handlertest.Response
				if method == http.MethodGet {
					resp = c.Get(t, path)
				} else {
					resp = c.Post(t, path, url.Values{})
				}
				checkAccess(t, resp, r, allowed)
			})
		}
	}
	for key := range matrix {
		if !seen[key] {
			t.Errorf("matrix row %s names no registered route", key)
		}
	}
}

// checkAccess compares a response with the matrix. On a public route, being sent to the sign-in
// page is a normal answer (e.g. the sign-in step expired), so it counts as access.
func checkAccess(t *testing.T, resp *handlertest.Response, r role, roles []role) {
	t.Helper()
	allowed := contains(roles, r)
	public := contains(roles, anonymous)
	if resp.Status >= 500 {
		t.Fatalf("status %d: a request must never cause a server error", resp.Status)
	}
	toLogin := resp.Status == http.StatusSeeOther && resp.Location == "/login"
	switch {
	case allowed && resp.Status == http.StatusForbidden:
		t.Errorf("status 403, want access")
	case allowed && r != anonymous && toLogin && !public:
		t.Errorf("sent to sign-in, want access")
	case !allowed && r == anonymous && !toLogin:
		t.Errorf("status %d (Location %q), want 303 to /login", resp.Status, resp.Location)
	case !allowed && r != anonymous && resp.Status != http.StatusForbidden:
		t.Errorf("status %d, want 403", resp.Status)
	}
}

func contains(roles []role, r role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// isAPIRoute reports whether a matrix row is a machine API route (open to a token only).
func isAPIRoute(roles []role) bool {
	return contains(roles, scimTokenHolder) || contains(roles, auditTokenHolder)
}

// tokenRequest is a request with no cookies, and with secret as a Bearer token when not empty.
func tokenRequest(t *testing.T, base, method, path, secret string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/scim+json")
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	return req
}

// checkTokenAccess checks a request made with an API token (or, on a machine API route, by a
// person without one). A machine API route refuses everybody without a token with 401 and a
// token with another purpose with 403; elsewhere a token counts for nothing, so its holder is
// anonymous there.
func checkTokenAccess(t *testing.T, resp *handlertest.Response, r role, roles []role) {
	t.Helper()
	if resp.Status >= 500 {
		t.Fatalf("status %d: a request must never cause a server error", resp.Status)
	}
	if !isAPIRoute(roles) {
		if contains(roles, anonymous) {
			roles = append(roles, r)
		}
		checkAccess(t, resp, anonymous, roles)
		return
	}
	switch {
	case contains(roles, r) && (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden):
		t.Errorf("status %d, want access", resp.Status)
	case !contains(roles, r) && r != scimTokenHolder && r != auditTokenHolder && resp.Status != http.StatusUnauthorized:
		t.Errorf("status %d without a token, want 401", resp.Status)
	case !contains(roles, r) && (r == scimTokenHolder || r == auditTokenHolder) && resp.Status != http.StatusForbidden:
		t.Errorf("status %d with a token of another purpose, want 403", resp.Status)
	}
}
