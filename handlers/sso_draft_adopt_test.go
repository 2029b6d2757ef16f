package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portvakt/handlers/handlertest"
	"portvakt/handlers/oidcrp/oidctest"
)

// editForm returns what the provider's edit form sends as the page fills it in.
func editForm(t *testing.T, c *handlertest.Client, idp int64) url.Values {
	t.Helper()
	path := "/auth-settings/sso/" + strconv.FormatInt(idp, 10)
	form := c.Get(t, path).Doc(t).Find(`form[action="` + path + `"]`)
	if form.Length() != 1 {
		t.Fatalf("no edit form on %s", path)
	}
	f := url.Values{}
	form.Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		switch {
		case goquery.NodeName(s) == "select":
			f.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		case goquery.NodeName(s) == "textarea":
			f.Add(name, s.Text())
		case typ == "checkbox" || typ == "radio":
			if _, on := s.Attr("checked"); on {
				f.Add(name, s.AttrOr("value", "on"))
			}
		case typ == "submit":
		default:
			f.Add(name, s.AttrOr("value", ""))
		}
	})
	return f
}

// TestSSODraftStaysItsAuthors: a delegate stages a new issuer that they control. An
// administrator who also holds the grant then renames the provider, sending the edit form as the
// page fills it in, which carries the waiting draft's settings. That save must not make the
// administrator the author of a draft they never wrote: as its author, their own test of "their"
// draft applies it and moves their link to an identity the delegate's issuer made up, and the
// delegate then signs in as the administrator.
func TestSSODraftStaysItsAuthors(t *testing.T) {
	env := handlertest.New(t, handlertest.WithSSO())
	testSignIn(t, env)
	eve := env.User(t, "eve@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true})
	evil := env.NewOP(t) // eve's own provider, which vouches for whatever eve likes
	idp := strconv.FormatInt(env.IdP, 10)

	form := handlertest.IdPForm(env.OP, env.DomainID)
	form.Set("issuer", evil.Issuer())
	form.Set("client_id", evil.ClientID())
	form.Set("client_secret", evil.ClientSecret())
	if r := env.ClientAs(t, eve).Post(t, "/auth-settings/sso/"+idp, form); r.Status != http.StatusSeeOther {
		t.Fatalf("eve saves a draft: status %d\n%s", r.Status, r.Body)
	}

	bossC := env.ClientAs(t, boss)
	f := editForm(t, bossC, env.IdP)
	f.Set("name", "Test IdP (Entra)")
	if r := bossC.Post(t, "/auth-settings/sso/"+idp, f); r.Status != http.StatusSeeOther {
		t.Fatalf("boss renames the provider: status %d\n%s", r.Status, r.Body)
	}
	if d, err := env.Store.IdPDraft(t.Context(), env.IdP); err != nil || d.AuthorID != eve.ID {
		t.Errorf("draft author %q, %v; want it to stay eve's", d.Author, err)
	}

	// What follows from it: boss tests the draft, now his; eve's issuer answers as boss.
	evil.SetUser(oidctest.User{Subject: "made-up-by-eve", Email: "boss@example.se", EmailVerified: true})
	r := bossC.Post(t, "/auth-settings/sso/"+idp+"/test", url.Values{"draft": {"1"}})
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, evil.Issuer()+"/authorize") {
		env.SSOCallback(t, bossC, r.Location)
	}
	eveC := env.Client()
	if r := eveC.Post(t, "/login", url.Values{"email": {"boss@example.se"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("e-mail step: status %d", r.Status)
	}
	r = eveC.Post(t, "/login/sso/"+idp, nil)
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, evil.Issuer()+"/authorize") {
		env.SSOCallback(t, eveC, r.Location)
	}
	if r := eveC.Get(t, "/users"); r.Status == http.StatusOK {
		t.Errorf("eve signed in as the administrator through her own issuer")
	}
}
