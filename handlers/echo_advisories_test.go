package handlers_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

// spoofing sends every request with made-up X-Forwarded-For and X-Real-IP headers.
type spoofing struct{ next http.RoundTripper }

func (s spoofing) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-Real-IP", "198.51.100.9")
	return s.next.RoundTrip(req)
}

// TestNotAffectedByEchoAdvisories: the two echo advisories without a fix (see the README's
// security notes) do not apply to portvakt's configuration.
//
// GO-2026-6872: echo's rate limiter, in its default configuration, keys clients by an address
// taken from a spoofable X-Forwarded-For. portvakt sets its own IP extractor (clientip.go), so
// neither header names the client unless its direct peer is a trusted proxy, and X-Real-IP never
// does; and it does not use echo's rate limiter.
//
// GO-2026-6875: echo's reverse-proxy middleware forwards a client's X-Real-IP upstream. portvakt
// does not use that middleware.
func TestNotAffectedByEchoAdvisories(t *testing.T) {
	for _, trusted := range [][]string{nil, {"192.0.2.0/24"}, {"127.0.0.1/32"}} {
		app := handlertest.New(t, handlertest.WithConfig(func(cfg *handlers.Config) {
			for _, s := range trusted {
				cfg.TrustedProxies = append(cfg.TrustedProxies, mustCIDR(t, s))
			}
		}))
		if app.Echo.IPExtractor == nil {
			t.Fatal("no IP extractor set: echo would fall back to its default, which trusts the headers")
		}
		c := app.Client()
		c.HTTP.Transport = spoofing{next: c.HTTP.Transport}
		c.Post(t, "/login", url.Values{"email": {"nobody@example.se"}})
		c.Post(t, "/login/password", url.Values{"password": {"wrong password"}})
		rows := storetest.AuditRows(t, app.Store, "login.failure")
		want := "127.0.0.1"
		if len(trusted) > 0 && trusted[0] == "127.0.0.1/32" {
			want = "203.0.113.9" // X-Forwarded-For from a trusted proxy; never X-Real-IP
		}
		if len(rows) == 0 || rows[len(rows)-1].ClientIP != want {
			t.Errorf("trusted %v: client address %v, want %q", trusted, rows, want)
		}
	}

	// Neither middleware is used anywhere in the program, nor those of the echo advisories that
	// govulncheck finds imported but not called (GO-2026-6838..6842: Decompress, BodyDump, the
	// WebSocket proxy).
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".tmp" || d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, use := range []string{"middleware.RateLimiter", "middleware.NewRateLimiterMemoryStore", "middleware.Proxy",
			"middleware.Decompress", "middleware.BodyDump"} {
			if strings.Contains(string(src), use) {
				t.Errorf("%s uses %s: check GO-2026-6872 and GO-2026-6875 before removing this test", path, use)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
