package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"portvakt/handlers/handlertest"
)

// The benchmarks serve pages through the whole middleware chain (session, CSRF, headers,
// logging) and the real store, beside a bare echo handler that returns a page of the same size:
// the ratio between the two is the cost of portvakt's own work. Run: go test -bench . ./handlers/

func benchmarkPage(b *testing.B, e http.Handler, path string, cookies []*http.Cookie) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

// bareEcho serves a fixed body of n bytes from a plain echo instance.
func bareEcho(n int) *echo.Echo {
	body := strings.Repeat("x", n)
	e := echo.New()
	e.GET("/", func(c echo.Context) error { return c.HTML(http.StatusOK, body) })
	return e
}

func pageSize(b *testing.B, h http.Handler, path string, cookies []*http.Cookie) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.Len()
}

func BenchmarkLoginPage(b *testing.B) {
	app := handlertest.New(b)
	b.Run("portvakt", func(b *testing.B) { benchmarkPage(b, app.Echo, "/login", nil) })
	n := pageSize(b, app.Echo, "/login", nil)
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
}

func BenchmarkProfilePage(b *testing.B) {
	app := handlertest.New(b)
	u := app.User(b, "anna@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true})
	c := app.ClientAs(b, u)
	cookies := c.HTTP.Jar.Cookies(mustURL(app.URL))
	b.Run("portvakt", func(b *testing.B) { benchmarkPage(b, app.Echo, "/profile", cookies) })
	n := pageSize(b, app.Echo, "/profile", cookies)
	b.Run("bare-echo", func(b *testing.B) { benchmarkPage(b, bareEcho(n), "/", nil) })
}
