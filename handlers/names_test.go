package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/views/paths"
)

// hostileNames are names that would be shown raw in pages and mail: a NUL, invalid UTF-8, the
// direction overrides and isolates, and other control and format characters.
var hostileNames = map[string]string{
	"NUL":                     "Anna\x00Admin",
	"invalid UTF-8":           "Anna\xff\xfe",
	"right-to-left override":  "Anna\u202egnp.exe",
	"left-to-right embedding": "\u202aAnna",
	"first strong isolate":    "\u2068Anna\u2069",
	"line break":              "Anna\nAdmin",
	"bell":                    "Anna\a",
}

// TestNamesRefuseControlAndDirectionCharacters: creating or editing a user refuses such a name
// with a message at the field in the page's language, and stores nothing.
func TestNamesRefuseControlAndDirectionCharacters(t *testing.T) {
	app := handlertest.New(t)
	admin, _ := app.SignedIn(t, "admin@example.se", handlertest.UserOpts{Admin: true, Verified: true})
	bo := app.User(t, "bo@example.se", handlertest.UserOpts{})
	for what, name := range hostileNames {
		t.Run("create with a "+what, func(t *testing.T) {
			r := admin.Post(t, paths.Users, url.Values{"name": {name}, "email": {"new@example.se"}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if got := r.Doc(t).Find("#name-error").Text(); !strings.Contains(got, "styrtecken") {
				t.Errorf("field message %q lacks the reason", got)
			}
			if strings.ContainsAny(r.Body, "\x00\u202e\u202a\u2068") {
				t.Error("the page shows the refused characters raw")
			}
		})
		t.Run("edit with a "+what, func(t *testing.T) {
			r := admin.Post(t, paths.User(bo.ID), url.Values{"name": {name}, "email": {"bo@example.se"}, "lang": {"en"}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			u, err := app.Store.UserByEmail(context.Background(), "bo@example.se")
			if err != nil || u.Name != "bo" {
				t.Errorf("name became %q (%v)", u.Name, err)
			}
		})
	}
	if _, err := app.Store.UserByEmail(context.Background(), "new@example.se"); err == nil {
		t.Error("a user was created with a refused name")
	}
}

// TestSCIMRefusesHostileNames: SCIM names with such characters get 400 invalidValue (RFC 7644,
// section 3.12), and the person is not created or changed.
func TestSCIMRefusesHostileNames(t *testing.T) {
	app := handlertest.New(t)
	_, secret, err := app.Store.CreateAPIToken(context.Background(), store.CLIActor, store.NewAPIToken{Name: "x", Purpose: store.PurposeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	for what, name := range hostileNames {
		n, _ := json.Marshal(strings.ToValidUTF8(name, "\ufffd"))
		if !strings.Contains(what, "UTF-8") {
			n, _ = json.Marshal(name)
		} else {
			n = []byte(`"Anna` + "\xff" + `"`)
		}
		for _, attr := range []string{`"displayName":%s`, `"name":{"givenName":%s}`, `"name":{"familyName":%s}`, `"name":{"formatted":%s}`} {
			body := `{"userName":"p@example.se",` + fmt.Sprintf(attr, n) + `}`
			resp := scimRequest(t, app, secret, http.MethodPost, "/scim/v2/Users", body)
			if resp.Status != http.StatusBadRequest || !strings.Contains(resp.Body, "invalidValue") {
				t.Errorf("%s in %s: status %d, want 400 invalidValue: %s", what, attr, resp.Status, resp.Body)
			}
		}
	}
	if _, err := app.Store.UserByEmail(context.Background(), "p@example.se"); err == nil {
		t.Error("a person was provisioned with a refused name")
	}
}
