package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

func TestPasswordSignIn(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})

	t.Run("signs in with the right password and lands on the overview", func(t *testing.T) {
		c := app.Client()
		c.SignIn(t, "Anna@Example.SE", handlertest.Password)
		if r := c.Get(t, "/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "anna") {
			t.Fatalf("GET / after sign-in: %d", r.Status)
		}
	})

	t.Run("wrong password and unknown account get the same answer", func(t *testing.T) {
		answer := func(email string) (int, string) {
			c := app.Client()
			c.Post(t, "/login", url.Values{"email": {email}})
			r := c.Post(t, "/login/password", url.Values{"password": {"not the password"}})
			return r.Status, r.Doc(t).Find("[data-testid=error-summary]").Text()
		}
		s1, m1 := answer("anna@example.se")
		s2, m2 := answer("nobody@example.se")
		if s1 != http.StatusUnprocessableEntity || s1 != s2 || m1 != m2 || m1 == "" {
			t.Fatalf("known: %d %q; unknown: %d %q; want the same 422 and message", s1, m1, s2, m2)
		}
	})

	t.Run("the audit log records the real reasons", func(t *testing.T) {
		got := auditDetails(t, app.Store, "login.failure")
		for _, want := range []string{"wrong password", "unknown account"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit details %q lack %q", got, want)
			}
		}
	})

	t.Run("the e-mail step refuses a malformed address and keeps it", func(t *testing.T) {
		c := app.Client()
		r := c.Post(t, "/login", url.Values{"email": {"not an address"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.Status)
		}
		if v, _ := r.Doc(t).Find("#email").Attr("value"); v != "not an address" {
			t.Errorf("typed value lost: %q", v)
		}
	})

	t.Run("the password step without the e-mail step goes back to it", func(t *testing.T) {
		r := app.Client().Post(t, "/login/password", url.Values{"password": {"x"}})
		if r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Fatalf("status %d to %q, want 303 to /login", r.Status, r.Location)
		}
	})
}

func TestSignInIsRateLimited(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	c := app.Client()
	c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
	for i := 0; i < 5; i++ {
		if r := c.Post(t, "/login/password", url.Values{"password": {"wrong"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: status %d, want 422", i+1, r.Status)
		}
	}
	r := c.Post(t, "/login/password", url.Values{"password": {handlertest.Password}})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt with the right password: status %d, want 429", r.Status)
	}
	// Another account from the same address is not blocked by this account's failures.
	app.User(t, "bo@example.se", handlertest.UserOpts{})
	other := app.Client()
	other.SignIn(t, "bo@example.se", handlertest.Password)
}

func TestSignInRenewsTheSession(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	c := app.Client()
	c.SignIn(t, "anna@example.se", handlertest.Password)
	stolen := sessionCookie(t, app, c)
	c.SignIn(t, "anna@example.se", handlertest.Password)
	if sessionCookie(t, app, c) == stolen {
		t.Fatal("the session cookie did not change at sign-in")
	}
	thief := app.Client()
	u, _ := url.Parse(app.URL)
	thief.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "portvakt", Value: stolen, Path: "/"}})
	if r := thief.Get(t, "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("old session cookie still works: status %d", r.Status)
	}
}

func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	c := app.Client()
	c.SignIn(t, "anna@example.se", handlertest.Password)
	kept := sessionCookie(t, app, c)
	if r := c.Post(t, "/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	replay := app.Client()
	u, _ := url.Parse(app.URL)
	replay.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "portvakt", Value: kept, Path: "/"}})
	if r := replay.Get(t, "/profile"); r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("replayed cookie after sign-out: %d %q, want 303 to /login", r.Status, r.Location)
	}
}

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	u := app.User(t, "anna@example.se", handlertest.UserOpts{})
	base := time.Now()
	for _, tc := range []struct {
		name  string
		steps []time.Duration // moments of requests after sign-in
		ok    bool
	}{
		{"active sessions stay", []time.Duration{20 * time.Minute, 40 * time.Minute, 60 * time.Minute}, true},
		{"idle sessions end", []time.Duration{31 * time.Minute}, false},
		{"sessions end after the absolute lifetime", []time.Duration{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.SetClock(t, app.Store, func() time.Time { return base })
			c := app.ClientAs(t, u)
			ok := true
			steps := tc.steps
			if len(steps) == 0 { // keep it busy past 12 hours
				for d := 25 * time.Minute; d <= 12*time.Hour+25*time.Minute; d += 25 * time.Minute {
					steps = append(steps, d)
				}
			}
			for _, d := range steps {
				storetest.SetClock(t, app.Store, func() time.Time { return base.Add(d) })
				ok = c.Get(t, "/profile").Status == http.StatusOK
			}
			if ok != tc.ok {
				t.Fatalf("still signed in = %t, want %t", ok, tc.ok)
			}
		})
	}
}

func TestRevokedAccessActsOnTheNextRequest(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	u := app.User(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	c := app.ClientAs(t, u)
	if r := c.Get(t, "/auth-settings"); r.Status != http.StatusOK {
		t.Fatalf("granted: %d", r.Status)
	}
	if err := app.Store.DeleteUserSessions(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	if r := c.Get(t, "/auth-settings"); r.Status != http.StatusSeeOther {
		t.Fatalf("after the sessions were ended: %d, want 303", r.Status)
	}
}

// sessionCookie returns the client's session cookie value.
func sessionCookie(t *testing.T, app *handlertest.App, c *handlertest.Client) string {
	t.Helper()
	u, _ := url.Parse(app.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "portvakt" {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestPasswordSignInOff(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	storetest.PasswordLogin(t, app.Store, false)
	c := app.Client()
	c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
	doc := c.Get(t, "/login/method").Doc(t)
	if doc.Find("input[type=password]").Length() != 0 {
		t.Error("the password field is shown while password sign-in is off")
	}
	if doc.Find("[data-testid=login-nomethod]").Length() != 1 {
		t.Error("no message that there is no way to sign in")
	}
	if r := c.Post(t, "/login/password", url.Values{"password": {handlertest.Password}}); r.Status != http.StatusForbidden {
		t.Fatalf("password posted directly: status %d, want 403", r.Status)
	}
	if rows := auditDetails(t, app.Store, "login.failure"); !strings.Contains(rows, "password sign-in is off") {
		t.Errorf("audit: %q", rows)
	}
}

// auditDetails joins target and detail of every audit row with the action.
func auditDetails(t *testing.T, st *store.Store, action string) string {
	t.Helper()
	var rows []string
	for _, r := range storetest.AuditRows(t, st, action) {
		rows = append(rows, r.Target+" "+r.Detail)
	}
	return strings.Join(rows, "\n")
}

// TestSimultaneousSignInsAreNotFailures: sign-ins in progress are not failures. Eight correct
// sign-ins for one account at once, and forty people signing in at once from one address (an
// office behind NAT), all get in; none is refused or logged as rate limited.
func TestSimultaneousSignInsAreNotFailures(t *testing.T) {
	app := handlertest.New(t)
	people := make([]string, 40)
	for i := range people {
		people[i] = fmt.Sprintf("person%02d@example.se", i)
		app.User(t, people[i], handlertest.UserOpts{})
	}
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	run := func(t *testing.T, emails []string) {
		clients := make([]*handlertest.Client, len(emails))
		for i, e := range emails {
			clients[i] = app.Client()
			if r := clients[i].Post(t, "/login", url.Values{"email": {e}}); r.Status != http.StatusSeeOther {
				t.Fatalf("e-mail step for %s: status %d", e, r.Status)
			}
		}
		start := make(chan struct{})
		statuses := make([]int, len(emails))
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				statuses[i] = c.Post(t, "/login/password", url.Values{"password": {handlertest.Password}}).Status
			}()
		}
		close(start)
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusSeeOther {
				t.Errorf("sign-in %d (%s): status %d, want 303", i, emails[i], s)
			}
		}
	}
	t.Run("one account eight times", func(t *testing.T) {
		run(t, slices.Repeat([]string{"anna@example.se"}, 8))
	})
	t.Run("forty people from one address", func(t *testing.T) {
		run(t, people)
	})
	if got := auditDetails(t, app.Store, "login.failure"); strings.Contains(got, "rate limited") {
		t.Errorf("audit log has a rate-limit failure: %q", got)
	}
}
