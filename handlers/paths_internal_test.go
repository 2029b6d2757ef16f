package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"portvakt/views/paths"
)

// builtPaths is every builder of views/paths with sample ids, and the methods it is used with.
var builtPaths = map[string][]struct{ method, path string }{
	"Home":            {{http.MethodGet, paths.Home}},
	"OPDiscovery":     {{http.MethodGet, paths.OPDiscovery}},
	"OPKeys":          {{http.MethodGet, paths.OPKeys}},
	"OPAuthorize":     {{http.MethodGet, paths.OPAuthorize}},
	"OPContinue":      {{http.MethodGet, paths.OPContinue}},
	"OPContinueFor":   {{http.MethodGet, paths.OPContinueFor("abc")}},
	"OPToken":         {{http.MethodPost, paths.OPToken}},
	"OPUserinfo":      {{http.MethodGet, paths.OPUserinfo}, {http.MethodPost, paths.OPUserinfo}},
	"OPRevoke":        {{http.MethodPost, paths.OPRevoke}},
	"OPIntrospect":    {{http.MethodPost, paths.OPIntrospect}},
	"OPLogout":        {{http.MethodGet, paths.OPLogout}},
	"Setup":           {{http.MethodGet, paths.Setup}, {http.MethodPost, paths.Setup}},
	"Login":           {{http.MethodGet, paths.Login}, {http.MethodPost, paths.Login}},
	"LoginMethod":     {{http.MethodGet, paths.LoginMethod}},
	"LoginPassword":   {{http.MethodPost, paths.LoginPassword}},
	"Logout":          {{http.MethodPost, paths.Logout}},
	"Lang":            {{http.MethodPost, paths.Lang}},
	"Profile":         {{http.MethodGet, paths.Profile}},
	"Security":        {{http.MethodGet, paths.Security}},
	"SecurityGrants":  {{http.MethodPost, paths.SecurityGrants}},
	"SecurityPeople":  {{http.MethodGet, paths.SecurityPeople}},
	"SecurityDomains": {{http.MethodPost, paths.SecurityDomains}},
	"Users":           {{http.MethodGet, paths.Users}, {http.MethodPost, paths.Users}},
	"UserNew":         {{http.MethodGet, paths.UserNew}},
	"Outbox":          {{http.MethodGet, paths.Outbox}},
	"Verify":          {{http.MethodGet, paths.Verify}, {http.MethodPost, paths.Verify}},
	"Audit":           {{http.MethodGet, paths.Audit}},
	"AuditCSV":        {{http.MethodGet, paths.AuditCSV}},
	"AuthSettings":    {{http.MethodGet, paths.AuthSettings}},
	"Invites":         {{http.MethodPost, paths.Invites}},
	"UsersExport":     {{http.MethodGet, paths.UsersExport}},
	"Tokens":          {{http.MethodGet, paths.Tokens}, {http.MethodPost, paths.Tokens}},
	"TokenRevoke":     {{http.MethodGet, paths.TokenRevoke(7)}, {http.MethodPost, paths.TokenRevoke(7)}},
	"APIAudit":        {{http.MethodGet, paths.APIAudit}},
	"Domains":         {{http.MethodGet, paths.Domains}, {http.MethodPost, paths.Domains}},
	"DomainsList":     {{http.MethodGet, paths.DomainsList("example", 2)}},
	"SSO":             {{http.MethodGet, paths.SSO}, {http.MethodPost, paths.SSO}},
	"SSONew":          {{http.MethodGet, paths.SSONew}},
	"OIDCCallback":    {{http.MethodGet, paths.OIDCCallback}},
	"Policies":        {{http.MethodGet, paths.Policies}},
	"PasswordOff":     {{http.MethodGet, paths.PasswordOff}, {http.MethodPost, paths.PasswordOff}},
	"PasswordOn":      {{http.MethodPost, paths.PasswordOn}},
	"PasswordConfirm": {{http.MethodPost, paths.PasswordConfirm}},
	"ProfileLink":     {{http.MethodPost, paths.ProfileLink(7)}},
	"LoginSSO":        {{http.MethodPost, paths.LoginSSO(7)}},
	"User":            {{http.MethodGet, paths.User(7)}, {http.MethodPost, paths.User(7)}},
	"UserAdmin":       {{http.MethodPost, paths.UserAdmin(7)}},
	"UserResend":      {{http.MethodPost, paths.UserResend(7)}},
	"UserUnlink":      {{http.MethodPost, paths.UserUnlink(7)}},
	"OutboxMail":      {{http.MethodGet, paths.OutboxMail(7)}},
	"OutboxRetry":     {{http.MethodPost, paths.OutboxRetry(7)}},
	"Domain":          {{http.MethodGet, paths.Domain(7)}},
	"DomainVerify":    {{http.MethodPost, paths.DomainVerify(7)}},
	"DomainRemove":    {{http.MethodGet, paths.DomainRemove(7)}, {http.MethodPost, paths.DomainRemove(7)}},
	"IdP":             {{http.MethodGet, paths.IdP(7)}, {http.MethodPost, paths.IdP(7)}},
	"IdPTest":         {{http.MethodGet, paths.IdPTest(7)}, {http.MethodPost, paths.IdPTest(7)}},
	"IdPDraftDiscard": {{http.MethodPost, paths.IdPDraftDiscard(7)}},
	"IdPRemove":       {{http.MethodGet, paths.IdPRemove(7)}, {http.MethodPost, paths.IdPRemove(7)}},
	"SSONewPreset":    {{http.MethodGet, paths.SSONewPreset("entra")}},
	"Apps":            {{http.MethodGet, paths.Apps}, {http.MethodPost, paths.Apps}},
	"AppNew":          {{http.MethodGet, paths.AppNew}},
	"AppPeople":       {{http.MethodGet, paths.AppPeople}},
	"AppsHelp":        {{http.MethodGet, paths.AppsHelp}},
	"App":             {{http.MethodGet, paths.App(7)}, {http.MethodPost, paths.App(7)}},
	"AppRemove":       {{http.MethodGet, paths.AppRemove(7)}, {http.MethodPost, paths.AppRemove(7)}},
	"AppSecret":       {{http.MethodPost, paths.AppSecret(7)}},
}

// TestPathsResolveToRoutes walks every exported name of views/paths (read from its source, so a
// new builder cannot be left out) and checks that what it builds reaches a registered route with
// the method it is used with, and the sample id as the route's :id.
func TestPathsResolveToRoutes(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "views", "paths", "paths.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, obj := range f.Scope.Objects {
		if ast.IsExported(name) && (obj.Kind == ast.Con || obj.Kind == ast.Fun) {
			if _, ok := builtPaths[name]; !ok {
				t.Errorf("paths.%s is not walked by this test: add it to builtPaths", name)
			}
		}
	}
	e := echo.New()
	s := &Server{}
	registered := map[string]bool{}
	for _, r := range s.routes() {
		e.Add(r.method, r.path, r.handler)
		registered[r.method+" "+r.path] = true
	}
	for name, uses := range builtPaths {
		for _, u := range uses {
			path, _, _ := strings.Cut(u.path, "?")
			c := e.NewContext(httptest.NewRequest(u.method, path, nil), httptest.NewRecorder())
			e.Router().Find(u.method, path, c)
			if !registered[u.method+" "+c.Path()] {
				t.Errorf("paths.%s: %s %s reaches no route (matched %q)", name, u.method, u.path, c.Path())
				continue
			}
			if slices.Contains(c.ParamNames(), "id") && c.Param("id") != "7" {
				t.Errorf("paths.%s: %s %s gives :id %q, want 7", name, u.method, u.path, c.Param("id"))
			}
		}
	}
}

// routePathLiteral is a string literal that starts like an address of the portal.
var routePathLiteral = regexp.MustCompile(`"/(setup|login|logout|lang|profile|security|users|verify|audit|auth-settings|auth/)`)

// TestNoRoutePathLiterals: outside routes.go (the table) and views/paths (the builders), no
// handler or view writes an address of its own, so that moving a page changes one place.
func TestNoRoutePathLiterals(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.go", "../views/*.go", "../views/*.templ"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("found only %d files", len(files))
	}
	for _, name := range files {
		if name == "routes.go" || strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if routePathLiteral.MatchString(line) || strings.Contains(line, `="/"`) {
				t.Errorf("%s:%s writes an address: use views/paths\n\t%s", name, strconv.Itoa(i+1), strings.TrimSpace(line))
			}
		}
	}
}
