package handlers_test

import (
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
)

var roleNames = map[role]string{anonymous: "anonymous", plainUser: "user", administrator: "administrator", authSettingsUser: "auth-settings user"}

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
	"GET /healthz":           everyone,
	"GET /readyz":            everyone,
	"GET /static/*":          everyone,
	"GET /setup":             everyone,
	"POST /setup":            everyone,
	"GET /login":             everyone,
	"POST /login":            everyone,
	"GET /login/method":      everyone,
	"POST /login/password":   everyone,
	"POST /logout":           everyone,
	"POST /lang":             everyone,
	"GET /":                  signedInRoles,
	"GET /profile":           signedInRoles,
	"POST /profile/link/:id": signedInRoles,
	"GET /auth-settings":     authRoles,

	// General > Security.
	"GET /security":          adminRoles,
	"POST /security/grants":  adminRoles,
	"GET /security/people":   adminRoles,
	"POST /security/domains": adminRoles,

	// Users.
	"GET /users":                   adminRoles,
	"POST /users":                  adminRoles,
	"GET /users/new":               adminRoles,
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
		for _, r := range everyone {
			t.Run(key+" as "+roleNames[r], func(t *testing.T) {
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
