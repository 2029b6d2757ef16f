package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
)

// TestCSRFTokenIsNeverReadFromTheQueryString: the token counts only in the form body or the
// X-CSRF-Token header. In a URL it leaks through logs, history and Referer, and a page that
// reflected it would let another site post with it.
func TestCSRFTokenIsNeverReadFromTheQueryString(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	post := func(c *handlertest.Client, path string, form url.Values, header string) int {
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if header != "" {
			req.Header.Set("X-CSRF-Token", header)
		}
		return c.Do(t, req).Status
	}
	email := url.Values{"email": {"anna@example.se"}}
	tests := []struct {
		name   string
		path   string
		form   url.Values
		header bool
		want   int
	}{
		{"token only in the query string is refused", "/login?_csrf=TOKEN", email, false, http.StatusForbidden},
		{"token in the form is accepted", "/login", url.Values{"email": email["email"], "_csrf": {"TOKEN"}}, false, http.StatusSeeOther},
		{"token in the header is accepted", "/login", email, true, http.StatusSeeOther},
		{"a wrong form token is not saved by a right one in the query", "/login?_csrf=TOKEN",
			url.Values{"email": email["email"], "_csrf": {"wrong"}}, false, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.Client()
			token := c.CSRF(t)
			path := strings.Replace(tt.path, "TOKEN", url.QueryEscape(token), 1)
			form := url.Values{}
			for k, v := range tt.form {
				form[k] = []string{strings.Replace(v[0], "TOKEN", token, 1)}
			}
			header := ""
			if tt.header {
				header = token
			}
			if got := post(c, path, form, header); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
}
