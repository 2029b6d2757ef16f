package handlers

import (
	"testing"

	"portvakt/store"
	"portvakt/views"
)

// TestAppTextsExist: every text the Applications pages build from a code (types, fields, the
// store's problems, the questions and answers) is there in both languages.
func TestAppTextsExist(t *testing.T) {
	var keys []string
	for _, k := range store.AppKinds {
		keys = append(keys, dynamicKey("apps.kind.", string(k)), dynamicKey("apps.kind.", string(k)+".about"),
			dynamicKey("apps.kind.", string(k)+".new"))
		if k.SignsPeopleIn() {
			keys = append(keys, dynamicKey("apps.field.redirect_uris.hint.", string(k)))
		}
	}
	for _, id := range []string{"name", "redirect_uris", "post_logout_uris", "backchannel_uri", "access_ttl", "refresh_ttl"} {
		keys = append(keys, dynamicKey("apps.field.", id))
		if id != "redirect_uris" {
			keys = append(keys, dynamicKey("apps.field.", id+".hint"))
		}
	}
	for _, code := range store.AppProblemList {
		keys = append(keys, dynamicKey("app.problem.", code))
	}
	for _, h := range views.NewAppsHelpView(views.EN).Topics {
		if h.Question == "" || len(h.Answer) == 0 {
			t.Errorf("question %s has no words", h.ID)
		}
		for _, a := range append([]string{h.Question}, h.Answer...) {
			if a[0] == '[' {
				t.Errorf("question %s: text missing: %s", h.ID, a)
			}
		}
	}
	for _, k := range keys {
		if !views.HasText(k) {
			t.Errorf("no text %q", k)
		}
	}
}
