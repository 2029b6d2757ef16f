package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"portvakt/handlers/handlertest"
)

// These tests walk the route table itself, so that a route added later is covered without
// anybody remembering to add it here.

// TestRulesNoStateChangeOnGET sends every GET route, with and without query parameters, as every
// kind of person, and compares the whole database before and after (ASVS 3.5.3). The OIDC
// callback is the one GET that consumes something (a sign-in's state); it may only add audit rows.
func TestRulesNoStateChangeOnGET(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("walks the whole route table; it runs without -short")
	}
	w, ids := newRulesWorld(t)
	clients := map[string]func() *handlertest.Client{
		"anonymous": w.Client,
		"user":      func() *handlertest.Client { return w.ClientAs(t, w.UserByEmail(t, "plain@example.se")) },
		"boss":      func() *handlertest.Client { return w.ClientAs(t, w.UserByEmail(t, "boss@example.se")) },
	}
	queries := []string{"", "?q=a&page=2&preset=other&action=x&actor=boss%40example.se&from=2020-01-01&to=2030-01-01&token=abc&state=abc&code=abc"}
	routes := routesOf(w, http.MethodGet)
	if len(routes) < 20 {
		t.Fatalf("only %d GET routes found", len(routes))
	}
	for _, rt := range routes {
		for who, client := range clients {
			for _, q := range queries {
				t.Run(rt.String()+q+" as "+who, func(t *testing.T) {
					c := client()
					before := snapshot(t, w)
					r := c.Get(t, routePath(ids, rt.path)+q)
					if r.Status >= 500 {
						t.Fatalf("status %d", r.Status)
					}
					after := snapshot(t, w)
					if rt.path == "/auth/oidc/callback" {
						delete(before, "audit_log")
						delete(after, "audit_log")
					}
					if d := diffSnapshots(before, after); d != "" {
						t.Errorf("a GET changed the database:\n%s", d)
					}
				})
			}
		}
	}
}

// TestRulesEveryPostNeedsCSRF sends every POST route a form that lacks a valid CSRF token in
// each way a forger could try, as a person who may use every route, and as nobody. Each must be
// refused with 403 and change nothing.
func TestRulesEveryPostNeedsCSRF(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("walks the whole route table; it runs without -short")
	}
	w, ids := newRulesWorld(t)
	routes := routesOf(w, http.MethodPost)
	if len(routes) < 20 {
		t.Fatalf("only %d POST routes found", len(routes))
	}
	other := w.Client()
	foreignToken := other.CSRF(t) // valid, but for another browser
	cases := []struct {
		name   string
		token  func(c *handlertest.Client) string
		header map[string]string
	}{
		{"without a token", func(*handlertest.Client) string { return "" }, nil},
		{"with a wrong token", func(*handlertest.Client) string { return "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, nil},
		{"with another browser's token", func(*handlertest.Client) string { return foreignToken }, nil},
		{"with a wrong token in the header", func(*handlertest.Client) string { return "" }, map[string]string{"X-CSRF-Token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		{"from a same-origin browser without a token", func(*handlertest.Client) string { return "" }, map[string]string{"Sec-Fetch-Site": "same-origin"}},
		{"from a same-site browser without a token", func(*handlertest.Client) string { return "" }, map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"cross-site even with the right token", func(c *handlertest.Client) string { return c.CSRF(t) }, map[string]string{"Sec-Fetch-Site": "cross-site"}},
	}
	for _, rt := range routes {
		for _, who := range []string{"anonymous", "boss"} {
			for _, tc := range cases {
				t.Run(rt.String()+" as "+who+" "+tc.name, func(t *testing.T) {
					c := w.Client()
					if who == "boss" {
						c = w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
					}
					form := url.Values{"email": {"boss@example.se"}, "admin": {"off"}, "lang": {"en"}, "name": {"X"}, "domain": {"example.net"}}
					if tok := tc.token(c); tok != "" {
						form.Set("_csrf", tok)
					} else {
						c.CSRF(t) // the browser has a token cookie; the form just does not carry it
					}
					before := snapshot(t, w)
					req, _ := http.NewRequest(http.MethodPost, w.URL+routePath(ids, rt.path), strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					for k, v := range tc.header {
						req.Header.Set(k, v)
					}
					r := c.Do(t, req)
					if r.Status != http.StatusForbidden {
						t.Errorf("status %d, want 403", r.Status)
					}
					if d := diffSnapshots(before, snapshot(t, w)); d != "" {
						t.Errorf("a refused POST changed the database:\n%s", d)
					}
				})
			}
		}
	}
}

var mailVerifyLink = regexp.MustCompile(`/verify\?token=([^\s&"<>]+)`)

// TestRulesLinksChangeNothingOnGET: opening a valid verification or setup link (as a mail
// scanner does) uses nothing up; only the form's POST does.
func TestRulesLinksChangeNothingOnGET(t *testing.T) {
	t.Parallel()
	w, ids := newRulesWorld(t)
	boss := w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
	m := mailVerifyLink.FindStringSubmatch(boss.Get(t, routePath(ids, "/users/outbox/:id")).Body)
	if m == nil {
		t.Fatal("no verification link in the outbox mail")
	}
	fresh := handlertest.New(t) // no administrator yet: the setup link is valid
	setup, err := fresh.Store.NewSetupToken(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		app  *handlertest.App
		link string
	}{{w, "/verify?token=" + m[1]}, {fresh, "/setup?token=" + setup}} {
		t.Run(tc.link[:7], func(t *testing.T) {
			before := snapshot(t, tc.app)
			for range 2 {
				if r := tc.app.Client().Get(t, tc.link); r.Status != http.StatusOK {
					t.Fatalf("status %d, want the form", r.Status)
				}
			}
			if d := diffSnapshots(before, snapshot(t, tc.app)); d != "" {
				t.Errorf("opening the link changed the database:\n%s", d)
			}
		})
	}
	if r := w.Client().Post(t, "/verify", url.Values{"token": {m[1]}}); r.Status != http.StatusOK {
		t.Errorf("the link's form afterwards: status %d, want 200", r.Status)
	}
}
