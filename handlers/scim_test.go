package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// scimFixture is one SCIM scenario in handlers/testdata/scim: the state to start from, then
// each request with the response it must get.
type scimFixture struct {
	About           string   `json:"about"`
	VerifiedDomains []string `json:"verified_domains"`
	Users           []struct {
		Email string `json:"email"`
		Admin bool   `json:"admin"`
	} `json:"users"`
	TokenVouches bool       `json:"token_vouches"`
	Steps        []scimStep `json:"steps"`
}

// scimStep is a request and the response it must get. In paths and bodies, {{name}} is a value
// captured earlier. In an expected body, every key given must be there with that value (other
// keys may be there too), "*" matches any value, and lists must match element by element.
type scimStep struct {
	Name    string `json:"name"`
	Request struct {
		Method      string          `json:"method"`
		Path        string          `json:"path"`
		ContentType string          `json:"content_type"`
		Body        json.RawMessage `json:"body"`
		RawBody     string          `json:"raw_body"`
	} `json:"request"`
	Response struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	} `json:"response"`
	Capture map[string]string `json:"capture"` // name -> top-level key of the response
}

var placeholder = regexp.MustCompile(`\{\{([a-zA-Z0-9_]+)\}\}`)

// TestSCIMFixtures runs every scenario in testdata/scim through the real handlers and store.
func TestSCIMFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/scim/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fx scimFixture
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&fx); err != nil {
				t.Fatalf("fixture: %v", err)
			}
			runSCIMFixture(t, fx)
		})
	}
}

func runSCIMFixture(t *testing.T, fx scimFixture) {
	app := handlertest.New(t)
	ctx := context.Background()
	for _, d := range fx.VerifiedDomains {
		verifiedDomain(t, app, d)
	}
	vars := map[string]string{}
	for i, u := range fx.Users {
		vars[fmt.Sprintf("user%d", i)] = fmt.Sprint(app.User(t, u.Email, handlertest.UserOpts{Admin: u.Admin, Verified: true}).ID)
	}
	tk, secret, err := app.Store.CreateAPIToken(ctx, store.CLIActor, store.NewAPIToken{Name: "Entra ID", Purpose: store.PurposeSCIM, IdPVouches: fx.TokenVouches})
	if err != nil {
		t.Fatal(err)
	}
	_ = tk
	vars["base"] = app.URL
	expand := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			v, ok := vars[placeholder.FindStringSubmatch(m)[1]]
			if !ok {
				t.Fatalf("%s: nothing captured as %s", m, m)
			}
			return v
		})
	}
	for i, st := range fx.Steps {
		name := fmt.Sprintf("%d %s", i+1, st.Name)
		body := st.Request.RawBody
		if len(st.Request.Body) > 0 {
			body = string(st.Request.Body)
		}
		req, err := http.NewRequest(st.Request.Method, app.URL+expand(st.Request.Path), strings.NewReader(expand(body)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		req.Header.Set("Authorization", "Bearer "+secret)
		ct := st.Request.ContentType
		if ct == "" {
			ct = "application/scim+json"
		}
		if body != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp := app.Client().Do(t, req)
		if resp.Status != st.Response.Status {
			t.Fatalf("%s: status %d, want %d; body %s", name, resp.Status, st.Response.Status, resp.Body)
		}
		if resp.Body == "" {
			if len(st.Response.Body) > 0 {
				t.Fatalf("%s: empty body", name)
			}
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != "application/scim+json" {
			t.Errorf("%s: Content-Type %q, want application/scim+json", name, got)
		}
		var got any
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
			t.Fatalf("%s: response is not JSON: %s", name, resp.Body)
		}
		if len(st.Response.Body) > 0 {
			var want any
			if err := json.Unmarshal([]byte(expand(string(st.Response.Body))), &want); err != nil {
				t.Fatalf("%s: expected body: %v", name, err)
			}
			if path, ok := jsonMatches(want, got, "$"); !ok {
				t.Fatalf("%s: at %s the response differs\n got: %s\nwant: %s", name, path, resp.Body, st.Response.Body)
			}
		}
		for v, key := range st.Capture {
			m, _ := got.(map[string]any)
			vars[v] = fmt.Sprint(m[key])
		}
	}
}

// jsonMatches reports whether got has everything want has (see scimStep), and where not.
func jsonMatches(want, got any, path string) (string, bool) {
	if want == "*" {
		return "", got != nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if w[k] == nil { // null: the key must be absent
				if _, there := g[k]; there {
					return path + "." + k, false
				}
				continue
			}
			if p, ok := jsonMatches(w[k], g[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := jsonMatches(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(want, got)
}

// verifiedDomain adds a verified domain, as the Domains page does.
func verifiedDomain(t *testing.T, app *handlertest.App, name string) {
	t.Helper()
	storetest.VerifiedDomain(t, app.Store, name)
}

// scimRequest sends one SCIM request with a token.
func scimRequest(t *testing.T, app *handlertest.App, secret, method, path, body string) *handlertest.Response {
	t.Helper()
	req, err := http.NewRequest(method, app.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	return app.Client().Do(t, req)
}

// TestSCIMDeactivationEndsSessionsAtOnce: a person the identity provider deactivates is signed
// out on their very next request, cannot sign in with a password, and stays in Users greyed,
// with the reason; reactivation lets them sign in again.
func TestSCIMDeactivationEndsSessionsAtOnce(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	_, secret, err := app.Store.CreateAPIToken(ctx, store.CLIActor, store.NewAPIToken{Name: "Entra ID", Purpose: store.PurposeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	leaver := app.User(t, "leaver@example.se", handlertest.UserOpts{Verified: true})
	browser := app.ClientAs(t, leaver)
	if resp := browser.Get(t, "/profile"); resp.Status != 200 {
		t.Fatalf("before: status %d", resp.Status)
	}
	path := fmt.Sprintf("/scim/v2/Users/%d", leaver.ID)
	off := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`
	if resp := scimRequest(t, app, secret, http.MethodPatch, path, off); resp.Status != 200 || !strings.Contains(resp.Body, `"active":false`) {
		t.Fatalf("deactivate: %d %s", resp.Status, resp.Body)
	}
	if resp := browser.Get(t, "/profile"); resp.Status != http.StatusSeeOther || resp.Location != "/login" {
		t.Fatalf("after deactivation: status %d to %q, want 303 to /login", resp.Status, resp.Location)
	}
	fresh := app.Client()
	fresh.Post(t, "/login", url.Values{"email": {"leaver@example.se"}})
	if resp := fresh.Post(t, "/login/password", url.Values{"password": {handlertest.Password}}); resp.Status == http.StatusSeeOther {
		t.Fatalf("a deactivated person signed in with a password")
	}
	admin, _ := app.SignedIn(t, "admin@example.se", handlertest.UserOpts{Admin: true})
	doc := admin.Get(t, "/users").Doc(t)
	row := doc.Find(`[data-testid="user-row"]:contains("leaver@example.se")`)
	if row.Length() != 1 || !row.HasClass("deactivated") || !strings.Contains(row.Text(), "Entra ID") {
		t.Errorf("Users row of the deactivated person: %q", row.Text())
	}
	on := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`
	if resp := scimRequest(t, app, secret, http.MethodPatch, path, on); resp.Status != 200 {
		t.Fatalf("reactivate: %d %s", resp.Status, resp.Body)
	}
	again := app.Client()
	again.SignIn(t, "leaver@example.se", handlertest.Password)
}

// TestSCIMVerification: a provisioned address counts as verified only when the token's
// identity provider vouches for addresses and the domain is verified; otherwise the person
// gets the usual verification mail.
func TestSCIMVerification(t *testing.T) {
	cases := []struct {
		name          string
		vouches       bool
		domain        string
		wantVerified  bool
		wantMailCount int
	}{
		{"vouched on a verified domain", true, "example.se", true, 0},
		{"vouched on another domain", true, "other.se", false, 1},
		{"not vouched on a verified domain", false, "example.se", false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := handlertest.New(t)
			ctx := context.Background()
			verifiedDomain(t, app, "example.se")
			_, secret, err := app.Store.CreateAPIToken(ctx, store.CLIActor, store.NewAPIToken{Name: "Okta", Purpose: store.PurposeSCIM, IdPVouches: tc.vouches})
			if err != nil {
				t.Fatal(err)
			}
			email := "new@" + tc.domain
			resp := scimRequest(t, app, secret, http.MethodPost, "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`+email+`","displayName":"New Person"}`)
			if resp.Status != 201 {
				t.Fatalf("create: %d %s", resp.Status, resp.Body)
			}
			u, err := app.Store.UserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			if u.EmailVerified != tc.wantVerified {
				t.Errorf("verified %t, want %t", u.EmailVerified, tc.wantVerified)
			}
			mails, _, err := app.Store.ListMail(ctx, store.MailFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(mails) != tc.wantMailCount {
				t.Errorf("%d mails, want %d", len(mails), tc.wantMailCount)
			}
		})
	}
}

// TestSCIMHostileInput: nothing a client sends causes a server error.
func TestSCIMHostileInput(t *testing.T) {
	app := handlertest.New(t)
	_, secret, err := app.Store.CreateAPIToken(context.Background(), store.CLIActor, store.NewAPIToken{Name: "x", Purpose: store.PurposeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	u := app.User(t, "person@example.se", handlertest.UserOpts{})
	id := fmt.Sprint(u.ID)
	deep := strings.Repeat("(", 5000) + `userName eq "a@b.se"` + strings.Repeat(")", 5000)
	cases := []struct{ method, path, body string }{
		{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(deep), ""},
		{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(strings.Repeat(`userName eq "a@b.se" and `, 40)+`userName eq "a@b.se"`), ""},
		{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(`emails[type eq "work"`), ""},
		{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(`userName eq 12`), ""},
		{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(`userName pr`), ""},
		{"GET", "/scim/v2/Users?filter=" + url.QueryEscape(`not (userName eq "a")`), ""},
		{"GET", "/scim/v2/Users?startIndex=99999999999999999999", ""},
		{"GET", "/scim/v2/Users/99999999999999999999", ""},
		{"POST", "/scim/v2/Users", `[]`},
		{"POST", "/scim/v2/Users", `null`},
		{"POST", "/scim/v2/Users", `{"userName":{"a":1}}`},
		{"POST", "/scim/v2/Users", `{"userName":"x@y.se","name":"flat"}`},
		{"POST", "/scim/v2/Users", `{"userName":"x@y.se","displayName":"` + strings.Repeat("å", 300) + `"}`},
		{"POST", "/scim/v2/Users", `{"userName":"x@y.se","externalId":"` + strings.Repeat("e", 300) + `"}`},
		{"POST", "/scim/v2/Users", `{"userName":"x@y.se","emails":"nope"}`},
		{"POST", "/scim/v2/Users", `{"userName":"x@y.se"}{"more":1}`},
		{"POST", "/scim/v2/Users", `{"userName":"` + strings.Repeat("a", 70000) + `"}`},
		{"PATCH", "/scim/v2/Users/" + id, `{"Operations":"x"}`},
		{"PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"replace","path":"` + strings.Repeat("[", 600) + `","value":1}]}`},
		{"PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":{"value":7}}]}`},
		{"PATCH", "/scim/v2/Users/" + id, `{"Operations":[{"op":"replace","path":"name","value":7}]}`},
		{"PATCH", "/scim/v2/Users/" + id, `{"Operations":[` + strings.Repeat(`{"op":"replace","path":"displayName","value":"x"},`, 100) + `{"op":"replace","path":"displayName","value":"x"}]}`},
		{"PUT", "/scim/v2/Users/" + id, `{"userName":"not an address"}`},
		{"PUT", "/scim/v2/Users/" + id, `{"userName":"person@example.se","active":"maybe"}`},
	}
	for _, tc := range cases {
		resp := scimRequest(t, app, secret, tc.method, tc.path, tc.body)
		if resp.Status >= 500 || resp.Status < 400 {
			t.Errorf("%s %s %.80s: status %d, want a 4xx: %s", tc.method, truncateForLog(tc.path), tc.body, resp.Status, resp.Body)
		}
		if !strings.Contains(resp.Body, "urn:ietf:params:scim:api:messages:2.0:Error") {
			t.Errorf("%s %s: not a SCIM error: %.200s", tc.method, truncateForLog(tc.path), resp.Body)
		}
	}
}

func truncateForLog(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

var _ = handlers.DefaultTokenLifetime

// TestSCIMOwnedFieldsRefusedOnUsersPage: the Users page names the source of each person and
// refuses to change the name or e-mail of a provisioned one, saying why; the language stays
// the administrator's to change.
func TestSCIMOwnedFieldsRefusedOnUsersPage(t *testing.T) {
	app := handlertest.New(t)
	_, secret, err := app.Store.CreateAPIToken(context.Background(), store.CLIActor, store.NewAPIToken{Name: "Okta", Purpose: store.PurposeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	resp := scimRequest(t, app, secret, http.MethodPost, "/scim/v2/Users", `{"userName":"prov@example.se","displayName":"Pro Vision"}`)
	if resp.Status != 201 {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal([]byte(resp.Body), &created)
	admin, _ := app.SignedIn(t, "admin@example.se", handlertest.UserOpts{Admin: true})
	list := admin.Get(t, "/users").Doc(t)
	// handlertest makes people as the host command does.
	for email, want := range map[string]string{"prov@example.se": "SCIM (Okta)", "admin@example.se": "Värdkommando"} {
		row := list.Find(`[data-testid="user-row"]:contains("` + email + `")`)
		if got := strings.TrimSpace(row.Find(`[data-testid="user-source"]`).Text()); got != want {
			t.Errorf("source of %s: %q, want %q", email, got, want)
		}
	}
	page := "/users/" + created.ID
	for _, tc := range []struct{ name, email string }{{"Someone Else", "prov@example.se"}, {"Pro Vision", "other@example.se"}} {
		resp := admin.Post(t, page, url.Values{"name": {tc.name}, "email": {tc.email}, "lang": {"en"}})
		if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Okta") {
			t.Errorf("edit %v: status %d, want 422 naming the token", tc, resp.Status)
		}
	}
	if resp := admin.Post(t, page, url.Values{"name": {"Pro Vision"}, "email": {"prov@example.se"}, "lang": {"en"}}); resp.Status != http.StatusSeeOther {
		t.Errorf("changing only the language: status %d, want 303", resp.Status)
	}
	p, err := app.Store.ProvisionedByID(context.Background(), mustID(t, created.ID))
	if err != nil || p.Name != "Pro Vision" || p.Email != "prov@example.se" {
		t.Errorf("after the refused edits: %+v %v", p, err)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSCIMConcurrentCreates: a provider that retries, or runs two cycles at once, creates the
// person once; the other requests get 409 uniqueness, never a server error.
func TestSCIMConcurrentCreates(t *testing.T) {
	app := handlertest.New(t)
	_, secret, err := app.Store.CreateAPIToken(context.Background(), store.CLIActor, store.NewAPIToken{Name: "x", Purpose: store.PurposeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	statuses := make(chan int, n)
	for range n {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/scim/v2/Users", strings.NewReader(`{"userName":"same@example.se"}`))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/scim+json")
			resp, err := app.HTTP.Client().Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	count := map[int]int{}
	for range n {
		count[<-statuses]++
	}
	if count[201] != 1 || count[409] != n-1 {
		t.Errorf("statuses %v, want one 201 and %d 409", count, n-1)
	}
}
