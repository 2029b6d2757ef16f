package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"portvakt/handlers/handlertest"
)

func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	ctx := context.Background()
	token, err := app.Store.NewSetupToken(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	good := url.Values{"token": {token}, "name": {"Anna"}, "email": {"anna@example.se"},
		"password": {"correct horse battery"}, "confirm": {"correct horse battery"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range good {
			f[key] = vals
		}
		f.Set(k, v)
		return f
	}

	t.Run("a wrong token shows that the link cannot be used", func(t *testing.T) {
		if r := app.Client().Get(t, "/setup?token=wrong"); r.Status != http.StatusGone {
			t.Fatalf("status %d, want 410", r.Status)
		}
	})

	for _, tc := range []struct {
		name, field string
		form        url.Values
	}{
		{"refuses an empty name", "name", with("name", " ")},
		{"refuses a long name", "name", with("name", string(make([]rune, 201)))},
		{"refuses a NUL in the name", "name", with("name", "Anna\x00Admin")},
		{"refuses invalid UTF-8 in the name", "name", with("name", "Anna\xff")},
		{"refuses a right-to-left override in the name", "name", with("name", "Anna\u202egnp.exe")},
		{"refuses a bad e-mail", "email", with("email", "anna")},
		{"refuses a short password", "password", with("password", "short")},
		{"refuses a common password", "password", with("password", "password123")},
		{"refuses passwords that differ", "confirm", with("confirm", "something else")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("confirm", tc.form.Get("confirm"))
			if tc.field == "password" {
				tc.form.Set("confirm", tc.form.Get("password"))
			}
			r := app.Client().Post(t, "/setup", tc.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			doc := r.Doc(t)
			if doc.Find("#"+tc.field+"-error").Length() != 1 || doc.Find(`.error-summary a[href="#`+tc.field+`"]`).Length() != 1 {
				t.Errorf("no message for %s in the field and the summary", tc.field)
			}
			if v, _ := doc.Find("#email").Attr("value"); v != tc.form.Get("email") {
				t.Errorf("typed e-mail not kept: %q", v)
			}
			if v, _ := doc.Find("#password").Attr("value"); v != "" {
				t.Error("the password was sent back to the browser")
			}
		})
	}

	t.Run("creates the administrator and signs them in", func(t *testing.T) {
		c := app.Client()
		if r := c.Get(t, "/setup?token="+url.QueryEscape(token)); r.Status != http.StatusOK {
			t.Fatalf("GET with the token: %d", r.Status)
		}
		if r := c.Post(t, "/setup", good); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("POST: %d to %q", r.Status, r.Location)
		}
		if r := c.Get(t, "/profile"); r.Status != http.StatusOK {
			t.Fatalf("profile after setup: %d", r.Status)
		}
		u, err := app.Store.UserByEmail(ctx, "anna@example.se")
		if err != nil || !u.IsAdmin {
			t.Fatalf("administrator not created: %+v, %v", u, err)
		}
	})

	t.Run("the link works only once", func(t *testing.T) {
		if r := app.Client().Post(t, "/setup", with("email", "other@example.se")); r.Status != http.StatusGone {
			t.Fatalf("second use: %d, want 410", r.Status)
		}
	})
}
