package handlers_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store/storetest"
)

// passwordAttempt walks both sign-in steps on a fresh client and returns the password step's answer.
func passwordAttempt(t *testing.T, app *handlertest.App, email, password string) *handlertest.Response {
	t.Helper()
	c := app.Client()
	if r := c.Post(t, "/login", url.Values{"email": {email}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	return c.Post(t, "/login/password", url.Values{"password": {password}})
}

// TestRulesSignInLimitHoldsUnderConcurrency sends a burst of wrong passwords for one account at
// once. The limit of five failures per account must hold: the other attempts are refused with
// 429 before any password is checked, and the right password is refused after the burst too.
func TestRulesSignInLimitHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	const burst = 16
	clients := make([]*handlertest.Client, burst)
	for i := range clients {
		clients[i] = app.Client()
		clients[i].Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		clients[i].CSRF(t)
	}
	statuses := make([]int, burst)
	errs := make([]error, burst)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			r, err := clients[i].TryPost("/login/password", url.Values{"password": {fmt.Sprintf("wrong %d", i)}})
			if errs[i] = err; err == nil {
				statuses[i] = r.Status
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, s := range statuses {
		switch s {
		case http.StatusUnprocessableEntity:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("status %d, want 422 or 429", s)
		}
	}
	if checked > 5 {
		t.Errorf("%d passwords were checked in a burst of %d, want at most 5 (statuses %v)", checked, burst, statuses)
	}
	if r := passwordAttempt(t, app, "anna@example.se", handlertest.Password); r.Status != http.StatusTooManyRequests {
		t.Errorf("right password after the burst: status %d, want 429", r.Status)
	}
}

// TestRulesSignInLimitPerClient spreads failures over many accounts from one address: the
// client's own limit (30 per window) stops it, also for an account it never tried.
func TestRulesSignInLimitPerClient(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	for i := range 30 {
		email := fmt.Sprintf("nobody%d@example.se", i/5) // five per account, under its own limit
		if r := passwordAttempt(t, app, email, "wrong password"); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: status %d, want 422", i+1, r.Status)
		}
	}
	if r := passwordAttempt(t, app, "anna@example.se", handlertest.Password); r.Status != http.StatusTooManyRequests {
		t.Errorf("a fresh account from the same address: status %d, want 429", r.Status)
	}
}

// TestRulesSignInSameAnswerForEveryAccount compares the answers for a known account with a wrong
// password, an unknown account, and an account without a password: same status, same page
// (apart from the CSRF token), also once the account limit is reached.
func TestRulesSignInSameAnswerForEveryAccount(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	app.User(t, "sso@example.se", handlertest.UserOpts{NoPassword: true})
	answer := func(email string) (int, string) {
		r := passwordAttempt(t, app, email, "not the password")
		doc := r.Doc(t)
		doc.Find("input[name=_csrf]").Remove()
		main, _ := doc.Find("main").Html()
		return r.Status, main
	}
	for round := range 6 { // the sixth is over the account limit
		s1, p1 := answer("anna@example.se")
		for _, other := range []string{"nobody@example.se", "sso@example.se"} {
			s2, p2 := answer(other)
			if s1 != s2 {
				t.Errorf("round %d: %s got %d, anna@example.se %d", round+1, other, s2, s1)
			}
			if p1 != replaceEmail(p2, other) {
				t.Errorf("round %d: the page for %s differs from a known account's:\n%s\n---\n%s", round+1, other, p1, p2)
			}
		}
	}
}

// replaceEmail puts anna's address where the page shows the typed one.
func replaceEmail(page, email string) string {
	return strings.ReplaceAll(page, email, "anna@example.se")
}

// TestRulesEmailStepSameForEveryAccount: the e-mail step and the method page answer the same
// for an existing account, an unknown one and one without a password (home-realm discovery
// depends on the domain only).
func TestRulesEmailStepSameForEveryAccount(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{})
	app.User(t, "sso@example.se", handlertest.UserOpts{NoPassword: true})
	answer := func(email string) (string, string) {
		c := app.Client()
		r := c.Post(t, "/login", url.Values{"email": {email}})
		step := fmt.Sprintf("%d %s", r.Status, r.Location)
		doc := c.Get(t, "/login/method").Doc(t)
		doc.Find("input[name=_csrf]").Remove()
		main, _ := doc.Find("main").Html()
		return step, replaceEmail(main, email)
	}
	s1, p1 := answer("anna@example.se")
	for _, other := range []string{"nobody@example.se", "sso@example.se"} {
		s2, p2 := answer(other)
		if s1 != s2 || p1 != p2 {
			t.Errorf("%s: e-mail step %q and method page differ from a known account's (%q)", other, s2, s1)
		}
	}
}

// TestRulesSignInLockoutLoggedOnce: failed attempts are logged one by one, but while an account
// or a client is rate limited only its first refusal is, so that anonymous clients cannot grow
// the audit log by repeating refused attempts.
func TestRulesSignInLockoutLoggedOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failures func(i int) string // the account of the i-th failure
		refused  func(i int) string // the account of the i-th refused attempt
		wantFail int
	}{
		{name: "an account",
			failures: func(int) string { return "anna@example.se" },
			refused:  func(int) string { return "anna@example.se" }, wantFail: 5},
		{name: "a client",
			failures: func(i int) string { return fmt.Sprintf("nobody%d@example.se", i/5) },
			refused:  func(i int) string { return fmt.Sprintf("fresh%d@example.se", i) }, wantFail: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := handlertest.New(t)
			app.User(t, "anna@example.se", handlertest.UserOpts{})
			for i := range tt.wantFail {
				if r := passwordAttempt(t, app, tt.failures(i), "wrong password"); r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("failure %d: status %d, want 422", i+1, r.Status)
				}
			}
			for i := range 10 {
				if r := passwordAttempt(t, app, tt.refused(i), "wrong password"); r.Status != http.StatusTooManyRequests {
					t.Fatalf("refused attempt %d: status %d, want 429", i+1, r.Status)
				}
			}
			var failures, limited int
			for _, r := range storetest.AuditRows(t, app.Store, "login.failure") {
				if strings.HasPrefix(r.Detail, "rate limited") {
					limited++
				} else {
					failures++
				}
			}
			if failures != tt.wantFail || limited != 1 {
				t.Errorf("audit rows: %d failures and %d rate limited, want %d and 1", failures, limited, tt.wantFail)
			}
		})
	}
}

// TestRulesSignInRefusalsLoggedWithinBudget: refusals that no sign-in limit counts (password
// sign-in off, an unknown state on the SSO callback) are logged up to a budget per client and
// window (100 rows), the last with a note; further ones are refused as before but not logged.
func TestRulesSignInRefusalsLoggedWithinBudget(t *testing.T) {
	t.Parallel()
	const budget, extra = 100, 20
	tests := []struct {
		name   string
		setup  func(*handlertest.App, *handlertest.Client)
		refuse func(*handlertest.Client) int // one refused request; its status
		want   int
	}{
		{name: "password posts while password sign-in is off",
			setup: func(app *handlertest.App, c *handlertest.Client) {
				c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
				storetest.PasswordLogin(t, app.Store, false)
			},
			refuse: func(c *handlertest.Client) int {
				return c.Post(t, "/login/password", url.Values{"password": {"anything at all"}}).Status
			}, want: http.StatusForbidden},
		{name: "callbacks with an unknown state",
			setup: func(*handlertest.App, *handlertest.Client) {},
			refuse: func(c *handlertest.Client) int {
				return c.Get(t, "/auth/oidc/callback?code=x&state=made-up").Status
			}, want: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := handlertest.New(t)
			c := app.Client()
			tt.setup(app, c)
			for i := range budget + extra {
				if got := tt.refuse(c); got != tt.want {
					t.Fatalf("request %d: status %d, want %d", i+1, got, tt.want)
				}
			}
			rows := storetest.AuditRows(t, app.Store, "login.failure")
			if len(rows) != budget+1 {
				t.Fatalf("%d login.failure rows after %d refusals, want %d", len(rows), budget+extra, budget+1)
			}
			if got := rows[len(rows)-1].Detail; !strings.Contains(got, "not logged") {
				t.Errorf("last row %q does not say that further failures are not logged", got)
			}
		})
	}
}

// TestRulesSignInStepsLimitedPerClient: the steps before the password, the e-mail step and the
// start of an SSO sign-in, are open to anyone and limited per client address like the password
// step: past the limit they answer 429 with the same message, and only the first refusal in a
// window is logged. It sends 900 requests one after another, which the race detector has
// nothing to learn from (TestRulesSignInLimitHoldsUnderConcurrency is the concurrent case), so
// it runs in the pass without -short.
func TestRulesSignInStepsLimitedPerClient(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("900 requests in a row; runs without -short")
	}
	t.Run("the e-mail step", func(t *testing.T) {
		app := handlertest.New(t)
		c := app.Client()
		for i := range handlers.LimitEmailStepPerClient {
			if r := c.Post(t, "/login", url.Values{"email": {fmt.Sprintf("p%d@example.se", i)}}); r.Status != http.StatusSeeOther {
				t.Fatalf("e-mail step %d: status %d, want 303", i+1, r.Status)
			}
		}
		r := app.Client().Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("past the limit, from a fresh browser: status %d, want 429", r.Status)
		}
		if got := r.Doc(t).Find("main").Text(); !strings.Contains(got, "För många försök") {
			t.Errorf("no rate-limit message on the page:\n%s", r.Body)
		}
	})
	t.Run("the SSO start", func(t *testing.T) {
		env := handlertest.New(t, handlertest.WithSSO())
		c := env.Client()
		c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
		start := "/login/sso/" + fmt.Sprint(env.IdP)
		for i := range handlers.LimitSSOStartPerClient {
			if r := c.Post(t, start, nil); r.Status != http.StatusSeeOther {
				t.Fatalf("start %d: status %d, want 303", i+1, r.Status)
			}
		}
		for i := range 3 {
			r := c.Post(t, start, nil)
			if r.Status != http.StatusTooManyRequests {
				t.Fatalf("start past the limit %d: status %d, want 429", i+1, r.Status)
			}
			if got := r.Doc(t).Find("main").Text(); !strings.Contains(got, "För många försök") {
				t.Errorf("no rate-limit message on the page:\n%s", r.Body)
			}
		}
		var limited int
		for _, r := range storetest.AuditRows(t, env.Store, "login.failure") {
			if strings.Contains(r.Detail, "rate limited") {
				limited++
			}
		}
		if limited != 1 {
			t.Errorf("%d rate-limited rows after three refusals, want 1", limited)
		}
	})
}
