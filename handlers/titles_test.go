package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
)

// Pages about one thing are titled after it, in every area, so that tabs and history tell them apart.
func TestPagesAboutOneThingAreTitledAfterIt(t *testing.T) {
	env := newSSOEnv(t)
	idp := "/auth-settings/sso/" + strconv.FormatInt(env.idp, 10)
	tests := []struct {
		name, path, want string
	}{
		{"a domain", "/auth-settings/domains/" + strconv.FormatInt(env.domain, 10), "example.se – portvakt"},
		{"an identity provider", idp, "Test IdP – portvakt"},
		{"removing an identity provider", idp + "/remove", "Ta bort Test IdP? – portvakt"},
		{"a provider's test sign-in", idp + "/test", "Testa inloggning: Test IdP – portvakt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.it.Get(t, tt.path)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: status %d", tt.path, r.Status)
			}
			if got := r.Doc(t).Find("title").Text(); got != tt.want {
				t.Errorf("title = %q, want %q", got, tt.want)
			}
		})
	}
}
