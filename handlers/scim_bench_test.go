package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store"
)

// BenchmarkSCIM serves the two requests of a provisioning cycle that run once per person, the
// look-up by userName and the create, over 10,000 people, through the whole middleware chain and
// the token check, beside a bare echo handler answering with as many bytes.
func BenchmarkSCIM(b *testing.B) {
	app := handlertest.New(b, handlertest.WithConfig(func(c *handlers.Config) { c.TokenRate, c.TokenBurst = 1e9, 1e9 }))
	db, err := sql.Open("sqlite", "file:"+app.Store.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 10000)
		INSERT INTO users (email, name, created_at, updated_at, external_id)
		SELECT 'person' || i || '@example.se', 'Person ' || i, 0, 0, 'ext-' || i FROM seq`)
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	_, secret, err := app.Store.CreateAPIToken(context.Background(), store.CLIActor, store.NewAPIToken{Name: "bench", Purpose: store.PurposeSCIM})
	if err != nil {
		b.Fatal(err)
	}
	lookup := "/scim/v2/Users?filter=" + url.QueryEscape(`userName eq "person7777@example.se"`)
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		if body != "" {
			req.Header.Set("Content-Type", "application/scim+json")
		}
		rec := httptest.NewRecorder()
		app.Echo.ServeHTTP(rec, req)
		return rec
	}
	b.Run("portvakt GET filter userName eq", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rec := serve(http.MethodGet, lookup, ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"totalResults":1`) {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	getSize := serve(http.MethodGet, lookup, "").Body.Len()
	b.Run("bare-echo GET", func(b *testing.B) { benchmarkPage(b, bareEcho(getSize), "/", nil) })

	n := 0
	body := func() string {
		n++
		return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new%d@example.se",`+
			`"name":{"givenName":"New","familyName":"Person %d"},"externalId":"new-%d","active":true}`, n, n, n)
	}
	b.Run("portvakt POST /Users", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if rec := serve(http.MethodPost, "/scim/v2/Users", body()); rec.Code != http.StatusCreated {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	postSize := serve(http.MethodPost, "/scim/v2/Users", body()).Body.Len()
	bare := echo.New()
	out := strings.Repeat("x", postSize)
	bare.POST("/", func(c echo.Context) error {
		_, _ = io.Copy(io.Discard, c.Request().Body)
		return c.String(http.StatusCreated, out)
	})
	b.Run("bare-echo POST", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body()))
			rec := httptest.NewRecorder()
			bare.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatal(rec.Code)
			}
		}
	})
}
