package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/views"
)

// TestSignInRefusesAnAddressWithCompatibilityCharacters: an address that NFKC would change (here
// with KELVIN SIGN for K) is refused at sign-in with its own message, in the person's language,
// rather than meeting kalle@'s account.
func TestSignInRefusesAnAddressWithCompatibilityCharacters(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "kalle@example.se", handlertest.UserOpts{Verified: true})
	for _, lang := range []struct {
		header string
		l      views.Lang
	}{{"sv", views.SV}, {"en", views.EN}} {
		t.Run(lang.header, func(t *testing.T) {
			c := app.Client()
			form := url.Values{"email": {"\u212Aalle@example.se"}, "_csrf": {c.CSRF(t)}}
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", lang.header)
			r := c.Do(t, req)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if want := lang.l.T("login.err.email.nfkc"); !strings.Contains(r.Doc(t).Text(), want) {
				t.Errorf("page lacks %q", want)
			}
		})
	}
}
