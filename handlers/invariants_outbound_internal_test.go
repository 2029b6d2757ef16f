package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"portvakt/handlers/oidcrp"
	"portvakt/store/storetest"
)

// TestIdPClientIsBounded: unless a test injects its own, every request to identity providers
// goes through oidcrp's client, which has a timeout and refuses redirects to other schemes or
// hosts and beyond a few hops.
func TestIdPClientIsBounded(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("http://127.0.0.1:1")
	_, s, err := New(Config{BaseURL: base, Keys: NewRandomKeys(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, storetest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	c := s.rp.HTTPClient()
	if c.Timeout <= 0 || c.Timeout > oidcrp.RequestTimeout {
		t.Errorf("timeout %v, want at most %v", c.Timeout, oidcrp.RequestTimeout)
	}
	if c.CheckRedirect == nil {
		t.Fatal("redirects are not checked")
	}
	req := func(raw string) *http.Request {
		u, _ := url.Parse(raw)
		return &http.Request{URL: u}
	}
	if err := c.CheckRedirect(req("file:///etc/passwd"), []*http.Request{req("https://idp.example")}); err == nil {
		t.Error("a redirect to file: is followed")
	}
	if err := c.CheckRedirect(req("http://10.0.0.5/"), []*http.Request{req("https://idp.example")}); err == nil {
		t.Error("a redirect to another scheme and host is followed")
	}
	via := make([]*http.Request, 10)
	if err := c.CheckRedirect(req("https://idp.example/next"), via); err == nil {
		t.Error("a tenth redirect is followed")
	}
}
