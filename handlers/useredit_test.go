package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

func userPath(u store.User) string { return fmt.Sprintf("/users/%d", u.ID) }

func TestChangingEmailUnverifiesAndNeedsLinkRemoved(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithSMTP(), exempelAB)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	u := app.User(t, "kim@example.se", handlertest.UserOpts{Verified: true})
	storetest.Link(t, app.Store, u.ID, "https://login.example.se", "abc-123")
	form := url.Values{"name": {"Kim"}, "email": {"kim.new@example.se"}, "lang": {""}}

	refused := c.Post(t, userPath(u), form)
	if refused.Status != http.StatusUnprocessableEntity {
		t.Fatalf("change of linked user's e-mail: status %d, want 422", refused.Status)
	}
	doc := refused.Doc(t)
	if msg := doc.Find("#email-error").Text(); !strings.Contains(msg, "https://login.example.se") || !strings.Contains(msg, "Ta bort kopplingen") {
		t.Errorf("message = %q, want it to name the link and say to remove it", msg)
	}
	if got := doc.Find("#email").AttrOr("value", ""); got != "kim.new@example.se" {
		t.Errorf("typed e-mail not kept: %q", got)
	}

	page := follow(t, c, c.Post(t, userPath(u)+"/unlink", nil))
	if got := page.Doc(t).Find(`[data-testid="user-link"]`).Text(); !strings.Contains(got, "Ingen koppling") {
		t.Errorf("link section after removal = %q", got)
	}
	page = follow(t, c, c.Post(t, userPath(u), form))
	if got := page.Doc(t).Find(`[data-testid="email-status"]`).Text(); got != "Inte verifierad" {
		t.Errorf("status after change = %q, want Inte verifierad", got)
	}
	if m := app.SMTP.Next(t); m.To[0] != "kim.new@example.se" {
		t.Errorf("verification mail went to %v", m.To)
	}
	got := strings.Join(storetest.AuditActions(t, app.Store, "kim@example.se"), " ") + " | " + strings.Join(storetest.AuditActions(t, app.Store, "kim.new@example.se"), " ")
	if want := "user.create link.create link.remove | user.update verification.send mail.sent"; got != want {
		t.Errorf("audit = %s, want %s", got, want)
	}
}

func TestResendVoidsTheOldLink(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, handlertest.WithSMTP(), exempelAB)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	page := follow(t, c, c.Post(t, "/users", url.Values{"name": {"Per"}, "email": {"per@example.se"}}))
	first := linkPath(t, app.SMTP.Next(t).Text)
	resendPath := page.Doc(t).Find(`form[action$="/resend"]`).AttrOr("action", "")
	follow(t, c, c.Post(t, resendPath, nil))
	second := linkPath(t, app.SMTP.Next(t).Text)
	visitor := app.Client()
	if r := visitor.Get(t, first); r.Status != http.StatusGone {
		t.Errorf("old link: status %d, want 410", r.Status)
	}
	if r := visitor.Get(t, second); r.Status != http.StatusOK {
		t.Errorf("new link: status %d, want 200", r.Status)
	}
}

func TestLastAdministratorCannotBeRemoved(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	me := app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true})
	c := app.ClientAs(t, me)
	r := c.Post(t, userPath(me)+"/admin", url.Values{"admin": {"off"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "enda administratören") {
		t.Fatalf("demoting the only administrator: status %d, want 409 with a reason", r.Status)
	}
	other := app.User(t, "other@example.se", handlertest.UserOpts{})
	if r := c.Post(t, userPath(other)+"/admin", url.Values{"admin": {"on"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("promote: status %d", r.Status)
	}
	if r := c.Post(t, userPath(other)+"/admin", url.Values{"admin": {"maybe"}}); r.Status != http.StatusBadRequest {
		t.Errorf("bad value: status %d, want 400", r.Status)
	}
}

func TestConcurrentDemotionsKeepAnAdministrator(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	a := app.User(t, "a@example.se", handlertest.UserOpts{Admin: true})
	b := app.User(t, "b@example.se", handlertest.UserOpts{Admin: true})
	ca, cb := app.ClientAs(t, a), app.ClientAs(t, b)
	formA := url.Values{"admin": {"off"}, "_csrf": {ca.CSRF(t)}}
	formB := url.Values{"admin": {"off"}, "_csrf": {cb.CSRF(t)}}
	for round := range 5 {
		var wg sync.WaitGroup
		responses := make([]*handlertest.Response, 2)
		errs := make([]error, 2)
		start := make(chan struct{})
		// Each demotes the other at the same moment.
		wg.Go(func() { <-start; responses[0], errs[0] = ca.TryPostRaw(userPath(b)+"/admin", formA) })
		wg.Go(func() { <-start; responses[1], errs[1] = cb.TryPostRaw(userPath(a)+"/admin", formB) })
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		statuses := []int{responses[0].Status, responses[1].Status}
		if has, _ := app.Store.HasAdmin(context.Background()); !has {
			t.Fatalf("round %d: no administrator left (statuses %v)", round, statuses)
		}
		// Make both administrators again for the next round.
		for _, u := range []store.User{a, b} {
			if err := app.Store.SetAdmin(context.Background(), store.CLIActor, u.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestDemotingYourselfLeadsToTheOverview(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.User(t, "boss@example.se", handlertest.UserOpts{Admin: true})
	me := app.User(t, "me@example.se", handlertest.UserOpts{Admin: true})
	c := app.ClientAs(t, me)
	r := c.Post(t, userPath(me)+"/admin", url.Values{"admin": {"off"}})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("status %d to %q, want 303 to /", r.Status, r.Location)
	}
	if r := c.Get(t, "/users"); r.Status != http.StatusForbidden {
		t.Errorf("Users after demotion: status %d, want 403", r.Status)
	}
}

func TestUserFormsRefuseBadInput(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	taken := app.User(t, "taken@example.se", handlertest.UserOpts{})
	u := app.User(t, "ulla@example.se", handlertest.UserOpts{Verified: true})
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		field      string
	}{
		{"create without a name", "/users", url.Values{"email": {"new@example.se"}}, 422, "name"},
		{"create with a bad address", "/users", url.Values{"name": {"N"}, "email": {"not an address"}}, 422, "email"},
		{"create with a taken address", "/users", url.Values{"name": {"N"}, "email": {"TAKEN@example.se"}}, 422, "email"},
		{"name too long", userPath(u), url.Values{"name": {strings.Repeat("å", 201)}, "email": {"ulla@example.se"}}, 422, "name"},
		{"address of another user", userPath(u), url.Values{"name": {"Ulla"}, "email": {taken.Email}}, 422, "email"},
		{"unknown user", "/users/9999", url.Values{"name": {"X"}, "email": {"x@example.se"}}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Post(t, tt.path, tt.form)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d", r.Status, tt.status)
			}
			if tt.field != "" && r.Doc(t).Find("#"+tt.field+"-error").Length() != 1 {
				t.Errorf("no message next to %s", tt.field)
			}
		})
	}
	if got, _ := app.Store.UserByID(context.Background(), u.ID); got.Name != u.Name || !got.EmailVerified {
		t.Errorf("a refused edit changed the user: %+v", got)
	}
}
