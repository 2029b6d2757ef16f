package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
)

// TestClientThatHangsUpIsNotAServerError: a request whose client went away is the client's
// doing. It is logged without an error and counted as 499, so that nobody can trip a 5xx alert
// by closing connections.
func TestClientThatHangsUpIsNotAServerError(t *testing.T) {
	var logs syncBuffer
	reg := prometheus.NewRegistry()
	app := handlertest.New(t, handlertest.WithConfig(func(c *handlers.Config) {
		c.Metrics = reg
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	}))
	c, _ := app.SignedIn(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/profile", nil).WithContext(ctx)
	u, _ := url.Parse(app.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	app.Echo.ServeHTTP(rec, req)

	if rec.Code >= 500 {
		t.Errorf("status %d for a client that hung up", rec.Code)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("logged as an error:\n%s", logs.String())
	}
	if n := requestsWithStatus(t, reg, "499"); n != 1 {
		t.Errorf("%v requests counted as 499, want 1", n)
	}
}

// requestsWithStatus counts the requests of the status in the metrics.
func requestsWithStatus(t *testing.T, reg *prometheus.Registry, status string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "portvakt_http_requests_total" {
			continue
		}
		for _, m := range mf.Metric {
			for _, l := range m.Label {
				if l.GetName() == "status" && l.GetValue() == status {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}
