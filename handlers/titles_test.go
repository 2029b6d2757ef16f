package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portvakt/handlers/handlertest"
)

// Pages about one thing are titled after it, in every area, so that tabs and history tell them apart.
func TestPagesAboutOneThingAreTitledAfterIt(t *testing.T) {
	t.Parallel()
	env := handlertest.New(t, handlertest.WithSSO())
	idp := "/auth-settings/sso/" + strconv.FormatInt(env.IdP, 10)
	tests := []struct {
		name, path, want string
	}{
		{"a domain", "/auth-settings/domains/" + strconv.FormatInt(env.DomainID, 10), "example.se – portvakt"},
		{"an identity provider", idp, "Test IdP – portvakt"},
		{"removing an identity provider", idp + "/remove", "Ta bort Test IdP? – portvakt"},
		{"a provider's test sign-in", idp + "/test", "Testa inloggning: Test IdP – portvakt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.IT.Get(t, tt.path)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: status %d", tt.path, r.Status)
			}
			if got := r.Doc(t).Find("title").Text(); got != tt.want {
				t.Errorf("title = %q, want %q", got, tt.want)
			}
		})
	}
}

// Every page's breadcrumb starts with the navigation group the page sits in.
func TestBreadcrumbsStartWithTheNavigationGroup(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true}))
	tests := []struct {
		name, path, want string
	}{
		{"the profile under Start", "/profile", "Start > Min profil"},
		{"Security under General", "/security", "Allmänt > Säkerhet"},
		{"Domains under Authentication Settings", "/auth-settings/domains", "Authentication Settings > Domäner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crumbs := c.Get(t, tt.path).Doc(t).Find(".breadcrumb li")
			got := strings.Join(crumbs.Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }), " > ")
			if got != tt.want {
				t.Errorf("breadcrumb = %q, want %q", got, tt.want)
			}
		})
	}
}
