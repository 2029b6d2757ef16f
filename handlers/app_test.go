package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// webAppForm is the form that adds a web app for everyone.
func webAppForm(name string) url.Values {
	return url.Values{"kind": {"web"}, "name": {name}, "redirect_uris": {"https://hr.example.se/callback\r\nhttp://localhost:3000/callback"},
		"post_logout_uris": {"https://hr.example.se/"}, "backchannel_uri": {"https://hr.example.se/backchannel"},
		"access": {"everyone"}, "access_ttl": {"10"}, "refresh_ttl": {"30"}, "enabled": {"on"}, "action": {"save"}}
}

// onlyApp returns the one application there is, or fails the test.
func onlyApp(t *testing.T, app *handlertest.App) store.Application {
	t.Helper()
	apps, err := app.Store.ListApplications(context.Background())
	if err != nil || len(apps) != 1 {
		t.Fatalf("applications %+v, %v; want one", apps, err)
	}
	return apps[0]
}

// TestAppWebCreateShowsTheSecretOnce: adding a web app answers with the issuer, the client ID,
// the secret (which works) and a snippet, each with a copy button; the secret is never shown
// again, the list shows the app, and the change is audit-logged.
func TestAppWebCreateShowsTheSecretOnce(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	r := c.Post(t, "/auth-settings/apps", webAppForm("HR-systemet"))
	if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: status %d, Cache-Control %q\n%s", r.Status, r.Header.Get("Cache-Control"), r.Body)
	}
	doc := r.Doc(t)
	a := onlyApp(t, app)
	secret := strings.TrimSpace(doc.Find("#app-secret").Text())
	if got := strings.TrimSpace(doc.Find("#app-issuer").Text()); got != app.URL {
		t.Errorf("issuer %q, want %q", got, app.URL)
	}
	if got := strings.TrimSpace(doc.Find("#app-client-id").Text()); got != a.ClientID {
		t.Errorf("client ID %q, want %q", got, a.ClientID)
	}
	if _, err := app.Store.CheckApplicationSecret(context.Background(), a.ClientID, secret); err != nil {
		t.Fatalf("the secret shown does not work: %q: %v", secret, err)
	}
	snippet := doc.Find("#app-snippet").Text()
	for _, want := range []string{"issuer: " + app.URL, "client_id: " + a.ClientID, "client_secret: " + secret,
		"redirect_uri: https://hr.example.se/callback", "scopes: openid email profile offline_access"} {
		if !strings.Contains(snippet, want) {
			t.Errorf("snippet lacks %q:\n%s", want, snippet)
		}
	}
	for _, id := range []string{"app-issuer", "app-client-id", "app-secret", "app-snippet"} {
		if doc.Find(`button[data-copy="`+id+`"]`).Length() != 1 {
			t.Errorf("no copy button for %s", id)
		}
	}
	if a.Kind != store.AppWeb || !a.Enabled || !a.Everyone || len(a.RedirectURIs) != 2 || a.BackchannelURI != "https://hr.example.se/backchannel" ||
		len(a.PostLogoutURIs) != 1 || a.AccessTTL != store.DefaultAccessTTL || a.RefreshTTL != store.DefaultRefreshTTL {
		t.Errorf("stored %+v", a)
	}
	list := c.Get(t, "/auth-settings/apps")
	if strings.Contains(list.Body, secret) || c.Get(t, "/auth-settings/apps/"+itoa(a.ID)).Body == "" {
		t.Fatal("the secret is shown again")
	}
	row := list.Doc(t).Find(`[data-testid="app-row"]`)
	if !strings.Contains(row.Text(), "HR-systemet") || !strings.Contains(row.Text(), "https://hr.example.se/callback") ||
		strings.TrimSpace(row.Find(`[data-testid="app-people"]`).Text()) != "Alla i organisationen" ||
		strings.TrimSpace(row.Find(`[data-testid="app-status"]`).Text()) != "PÅ" {
		t.Errorf("list row: %q", row.Text())
	}
	edit := c.Get(t, "/auth-settings/apps/"+itoa(a.ID))
	if strings.Contains(edit.Body, secret) || !strings.Contains(edit.Doc(t).Find("#app-snippet").Text(), "client_id: "+a.ClientID) {
		t.Error("the app's page shows the secret, or no snippet")
	}
	if got := storetest.AuditActions(t, app.Store, "HR-systemet"); len(got) != 1 || got[0] != string(store.ActionAppCreate) {
		t.Errorf("audit %v, want one app.create", got)
	}
}

// TestAppNativeAndIntegrationForms: each type's form asks only for its settings; a mobile app
// takes a private-use scheme and a loopback redirect and gets no secret but PKCE in its snippet;
// an integration takes no addresses and gets a secret and the client credentials grant.
func TestAppNativeAndIntegrationForms(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	fields := map[string][]string{
		"web":         {"redirect_uris", "post_logout_uris", "backchannel_uri", "access-everyone", "access_ttl", "refresh_ttl"},
		"native":      {"redirect_uris", "post_logout_uris", "access-everyone", "access_ttl", "refresh_ttl"},
		"spa":         {"redirect_uris", "post_logout_uris", "access-everyone", "access_ttl", "refresh_ttl"},
		"integration": {"access_ttl"},
	}
	all := []string{"redirect_uris", "post_logout_uris", "backchannel_uri", "access-everyone", "access_ttl", "refresh_ttl"}
	for kind, want := range fields {
		doc := c.Get(t, "/auth-settings/apps/new?type="+kind).Doc(t)
		for _, id := range all {
			has := doc.Find("#"+id).Length() == 1
			if has != strings.Contains(" "+strings.Join(want, " ")+" ", " "+id+" ") {
				t.Errorf("%s form: field %s shown %t", kind, id, has)
			}
		}
	}
	if doc := c.Get(t, "/auth-settings/apps/new").Doc(t); doc.Find(`a[data-testid^="app-kind-"]`).Length() != 4 {
		t.Error("the type choice does not offer four types")
	}

	r := c.Post(t, "/auth-settings/apps", url.Values{"kind": {"native"}, "name": {"HR-appen"}, "access": {"everyone"},
		"redirect_uris": {"se.example.hr:/callback\nhttp://127.0.0.1/callback"}, "enabled": {"on"}})
	if r.Status != http.StatusOK {
		t.Fatalf("native: status %d\n%s", r.Status, r.Body)
	}
	doc := r.Doc(t)
	snippet := doc.Find("#app-snippet").Text()
	if doc.Find("#app-secret").Length() != 0 || strings.Contains(snippet, "client_secret") ||
		!strings.Contains(snippet, "pkce: S256") || !strings.Contains(snippet, "token_endpoint_auth_method: none") {
		t.Errorf("a public app's answer: secret shown or no PKCE:\n%s", snippet)
	}

	r = c.Post(t, "/auth-settings/apps", url.Values{"kind": {"integration"}, "name": {"Tidsstämpling"}, "enabled": {"on"},
		"redirect_uris": {"https://ignored.example.se/"}, "access": {"people"}})
	if r.Status != http.StatusOK {
		t.Fatalf("integration: status %d\n%s", r.Status, r.Body)
	}
	doc = r.Doc(t)
	snippet = doc.Find("#app-snippet").Text()
	if !strings.HasPrefix(strings.TrimSpace(doc.Find("#app-secret").Text()), store.AppSecretPrefix) ||
		!strings.Contains(snippet, "grant_type: client_credentials") || !strings.Contains(snippet, "token_endpoint: "+app.URL+"/oauth/token") {
		t.Errorf("an integration's answer:\n%s", snippet)
	}
	apps, _ := app.Store.ListApplications(context.Background())
	for _, a := range apps {
		if a.Kind == store.AppIntegration && (len(a.RedirectURIs) != 0 || !a.Everyone) {
			t.Errorf("integration stored with addresses or people: %+v", a)
		}
	}
	if r := c.Post(t, "/auth-settings/apps", url.Values{"kind": {"desktop"}, "name": {"x"}}); r.Status != http.StatusBadRequest {
		t.Errorf("unknown type: status %d, want 400", r.Status)
	}
}

// TestAppFormRefusals: each problem is shown next to its field and in the summary, in words,
// with every value kept and nothing saved.
func TestAppFormRefusals(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	tests := []struct {
		name, kind, field, value, errField, want string
	}{
		{"no name", "web", "name", "  ", "name", "Skriv applikationens namn."},
		{"a name too long", "web", "name", strings.Repeat("n", 101), "name", "Namnet är för långt"},
		{"a name with a control character", "web", "name", "HR\u202e", "name", "tecken som inte är tillåtna"},
		{"no redirect URI", "web", "redirect_uris", "", "redirect_uris", "minst en omdirigerings-URI"},
		{"a web redirect over http", "web", "redirect_uris", "http://hr.example.se/cb", "redirect_uris", "använder inte https"},
		{"which of several addresses", "web", "redirect_uris", "https://hr.example.se/cb\nhttp://hr.example.se/cb", "redirect_uris",
			"Adressen det gäller är http://hr.example.se/cb."},
		{"a single-page app on http localhost", "spa", "redirect_uris", "http://localhost:8080/cb", "redirect_uris", "använder inte https"},
		{"a fragment", "spa", "redirect_uris", "https://app.example.se/#/cb", "redirect_uris", "#-del"},
		{"a scheme without a dot", "native", "redirect_uris", "hrapp:/callback", "redirect_uris", "domän ni äger"},
		{"not a URI", "web", "redirect_uris", "hr.example.se/callback", "redirect_uris", "går inte att läsa som en URI"},
		{"a redirect URI too long", "web", "redirect_uris", "https://hr.example.se/" + strings.Repeat("p", 600), "redirect_uris", "högst 512 tecken"},
		{"eleven redirect URIs", "web", "redirect_uris", strings.Repeat("https://hr.example.se/cb\n", 11), "redirect_uris", "Ange högst 10"},
		{"far too much text", "web", "redirect_uris", strings.Repeat("https://hr.example.se/cb\n", 400), "redirect_uris", "För mycket text"},
		{"a back-channel URI on http", "web", "backchannel_uri", "http://hr.example.se/bc", "backchannel_uri", "använder inte https"},
		{"an access lifetime that is not a number", "web", "access_ttl", "ten", "access_ttl", "mellan 1 och 60 minuter"},
		{"an access lifetime of 0", "web", "access_ttl", "0", "access_ttl", "mellan 1 och 60 minuter"},
		{"an access lifetime over an hour", "web", "access_ttl", "61", "access_ttl", "mellan 1 och 60 minuter"},
		{"a refresh lifetime over 90 days", "native", "refresh_ttl", "91", "refresh_ttl", "mellan 1 och 90 dagar"},
		{"only listed people, but nobody", "web", "access", "people", "access-people", "minst en person"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"kind": {tt.kind}, "name": {"Appen"}, "redirect_uris": {"https://app.example.se/cb"},
				"access": {"everyone"}, "access_ttl": {"10"}, "refresh_ttl": {"30"}, "enabled": {"on"}}
			if tt.kind == "native" {
				form.Set("redirect_uris", "se.example.app:/cb")
			}
			form.Set(tt.field, tt.value)
			r := c.Post(t, "/auth-settings/apps", form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			doc := r.Doc(t)
			summary := doc.Find(`[data-testid="error-summary"] a[href="#` + tt.errField + `"]`)
			if !strings.Contains(summary.Text(), tt.want) {
				t.Errorf("summary link to #%s says %q, want %q", tt.errField, summary.Text(), tt.want)
			}
			if tt.field != "access" && tt.value != "" && len(tt.value) < 1000 {
				got := doc.Find("#"+tt.field).AttrOr("value", doc.Find("#"+tt.field).Text())
				if strings.TrimSpace(got) != strings.TrimSpace(tt.value) {
					t.Errorf("the typed value is not kept: %q", got)
				}
			}
			if apps, _ := app.Store.ListApplications(context.Background()); len(apps) != 0 {
				t.Errorf("saved %d apps", len(apps))
			}
		})
	}
}

// TestAppEditPeopleAndSwitchOff: the people are edited like the grant list (Add row, a name that
// matches several people offers them, nothing saved until Save); the app can be switched OFF; the
// list says how many people may use it; every save is audit-logged.
func TestAppEditPeopleAndSwitchOff(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	app.User(t, "anna.berg@example.se", handlertest.UserOpts{})
	app.User(t, "anna.lind@example.se", handlertest.UserOpts{})
	if r := c.Post(t, "/auth-settings/apps", webAppForm("HR")); r.Status != http.StatusOK {
		t.Fatalf("create: %d", r.Status)
	}
	a := onlyApp(t, app)
	path := "/auth-settings/apps/" + itoa(a.ID)
	form := webAppForm("HR")
	form.Set("access", "everyone")
	form.Set("action", "add")
	r := c.Post(t, path, form)
	doc := r.Doc(t)
	if r.Status != http.StatusOK || doc.Find(`[data-testid="app-person-row"]`).Length() != 1 || doc.Find("#access-people[checked]").Length() != 1 {
		t.Fatalf("Add row: status %d, rows %d", r.Status, doc.Find(`[data-testid="app-person-row"]`).Length())
	}
	if doc.Find(`input[data-suggest="/auth-settings/apps/people"]`).Length() != 1 {
		t.Error("the row does not suggest people from the Applications route")
	}
	form.Set("access", "people")
	form.Set("action", "save")
	form.Set("person", "anna")
	r = c.Post(t, path, form)
	if r.Status != http.StatusUnprocessableEntity || r.Doc(t).Find(`[data-testid="app-person-choice"]`).Length() != 2 {
		t.Fatalf("an ambiguous name: status %d, want 422 with two choices", r.Status)
	}
	form.Set("action", "pick:0:anna.lind@example.se")
	r = c.Post(t, path, form)
	if got := r.Doc(t).Find("#person-0").AttrOr("value", ""); r.Status != http.StatusOK || got != "anna.lind@example.se" {
		t.Fatalf("pick: status %d, row %q", r.Status, got)
	}
	if a2, _ := app.Store.ApplicationByID(context.Background(), a.ID); !a2.Everyone {
		t.Fatal("a row button saved the app")
	}
	form.Set("person", "anna.lind@example.se")
	form.Set("action", "save")
	form.Del("enabled")
	r = c.Post(t, path, form)
	if r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("save: status %d, Location %q\n%s", r.Status, r.Location, r.Body)
	}
	people, _ := app.Store.ApplicationPeople(context.Background(), a.ID)
	if a2, _ := app.Store.ApplicationByID(context.Background(), a.ID); a2.Everyone || a2.Enabled || len(people) != 1 || people[0].Email != "anna.lind@example.se" {
		t.Fatalf("stored %+v, people %+v", a2, people)
	}
	page := c.Get(t, path)
	if !strings.Contains(page.Doc(t).Find(`[data-testid="flash"]`).Text(), "Sparat") || page.Doc(t).Find("#person-0").AttrOr("value", "") != "anna.lind@example.se" {
		t.Error("the app's page does not confirm the save or list the person")
	}
	row := c.Get(t, "/auth-settings/apps").Doc(t).Find(`[data-testid="app-row"]`)
	if got := strings.TrimSpace(row.Find(`[data-testid="app-people"]`).Text()); got != "1 person" {
		t.Errorf("people column %q", got)
	}
	if got := strings.TrimSpace(row.Find(`[data-testid="app-status"]`).Text()); got != "AV" {
		t.Errorf("status column %q, want AV", got)
	}
	if got := storetest.AuditActions(t, app.Store, "HR"); len(got) != 2 || got[1] != string(store.ActionAppUpdate) {
		t.Errorf("audit %v", got)
	}
	if r := c.Post(t, "/auth-settings/apps/999999", form); r.Status != http.StatusNotFound {
		t.Errorf("an app that is not there: status %d", r.Status)
	}
}

// TestAppPeopleSuggestions: the people search of the Applications page answers Authentication
// Settings users (who cannot use General > Security's).
func TestAppPeopleSuggestions(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	app.User(t, "anna.berg@example.se", handlertest.UserOpts{})
	r := c.Get(t, "/auth-settings/apps/people?q=anna")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"email":"anna.berg@example.se"`) {
		t.Fatalf("status %d, body %s", r.Status, r.Body)
	}
	if r := c.Get(t, "/security/people?q=anna"); r.Status != http.StatusForbidden {
		t.Errorf("General > Security's search: status %d, want 403", r.Status)
	}
}

// TestAppSecretRotation: rotating with the overlap keeps the previous secret working beside the
// new one; rotating at once ends it; an app without a secret has nothing to rotate.
func TestAppSecretRotation(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	ctx := context.Background()
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	first := strings.TrimSpace(c.Post(t, "/auth-settings/apps", webAppForm("HR")).Doc(t).Find("#app-secret").Text())
	a := onlyApp(t, app)
	secretPath := "/auth-settings/apps/" + itoa(a.ID) + "/secret"
	if r := c.Get(t, "/auth-settings/apps/"+itoa(a.ID)); r.Doc(t).Find(`form[action="`+secretPath+`"]`).Length() != 1 {
		t.Fatal("the app's page has no rotation form")
	}
	r := c.Post(t, secretPath, url.Values{"overlap": {"keep"}})
	doc := r.Doc(t)
	second := strings.TrimSpace(doc.Find("#app-secret").Text())
	if r.Status != http.StatusOK || second == "" || second == first || !strings.Contains(doc.Find(`[data-testid="app-overlap"]`).Text(), "fungerar till") {
		t.Fatalf("rotate: status %d, secret %q", r.Status, second)
	}
	for _, s := range []string{first, second} {
		if _, err := app.Store.CheckApplicationSecret(ctx, a.ClientID, s); err != nil {
			t.Errorf("during the overlap, %q: %v", s[:8], err)
		}
	}
	r = c.Post(t, secretPath, url.Values{"overlap": {"now"}})
	third := strings.TrimSpace(r.Doc(t).Find("#app-secret").Text())
	if _, err := app.Store.CheckApplicationSecret(ctx, a.ClientID, second); err == nil {
		t.Error("the previous secret works after a rotation at once")
	}
	if _, err := app.Store.CheckApplicationSecret(ctx, a.ClientID, third); err != nil {
		t.Errorf("the new secret: %v", err)
	}
	if r := c.Post(t, secretPath, url.Values{}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("no overlap chosen: status %d, want 422", r.Status)
	}
	if got := storetest.AuditRows(t, app.Store, string(store.ActionAppSecretRotate)); len(got) != 2 {
		t.Errorf("%d rotations logged, want 2", len(got))
	}
	c.Post(t, "/auth-settings/apps", url.Values{"kind": {"spa"}, "name": {"Schema"}, "redirect_uris": {"https://s.example.se/cb"}, "access": {"everyone"}})
	apps, _ := app.Store.ListApplications(ctx)
	for _, x := range apps {
		if x.Kind == store.AppSPA {
			if r := c.Post(t, "/auth-settings/apps/"+itoa(x.ID)+"/secret", url.Values{"overlap": {"now"}}); r.Status != http.StatusNotFound {
				t.Errorf("a public app's secret: status %d, want 404", r.Status)
			}
		}
	}
}

// TestAppRemoveNeedsItsName: removal says what stops working and needs the app's name typed.
func TestAppRemoveNeedsItsName(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	c.Post(t, "/auth-settings/apps", webAppForm("HR-systemet"))
	a := onlyApp(t, app)
	path := "/auth-settings/apps/" + itoa(a.ID) + "/remove"
	if r := c.Get(t, path); r.Status != http.StatusOK || !strings.Contains(r.Body, a.ClientID) {
		t.Fatalf("review: status %d", r.Status)
	}
	r := c.Post(t, path, url.Values{"confirm": {"HR"}})
	if r.Status != http.StatusUnprocessableEntity || r.Doc(t).Find("#confirm").AttrOr("value", "") != "HR" {
		t.Fatalf("a wrong name: status %d, want 422 with the name kept", r.Status)
	}
	onlyApp(t, app)
	if r := c.Post(t, path, url.Values{"confirm": {" hr-systemet "}}); r.Status != http.StatusSeeOther || r.Location != "/auth-settings/apps" {
		t.Fatalf("remove: status %d", r.Status)
	}
	if apps, _ := app.Store.ListApplications(context.Background()); len(apps) != 0 {
		t.Fatal("the app is still there")
	}
	if got := storetest.AuditActions(t, app.Store, "HR-systemet"); len(got) != 2 || got[1] != string(store.ActionAppRemove) {
		t.Errorf("audit %v", got)
	}
	if rows := c.Get(t, "/audit").Doc(t).Find("tbody tr").Text(); !strings.Contains(rows, "HR-systemet") {
		t.Error("the audit log does not show an Authentication Settings user the changes to applications")
	}
}

// TestAppsHelpAnswersInBothLanguages: the Questions and answers page is linked from the
// Applications page and the Authentication Settings overview, and answers what the guide does.
func TestAppsHelpAnswersInBothLanguages(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c, _ := app.SignedIn(t, "it@example.se", handlertest.UserOpts{AuthSettings: true})
	for _, from := range []string{"/auth-settings/apps", "/auth-settings"} {
		if c.Get(t, from).Doc(t).Find(`a[href="/auth-settings/apps/help"]`).Length() == 0 {
			t.Errorf("%s does not link to the questions and answers", from)
		}
	}
	sv := c.Get(t, "/auth-settings/apps/help")
	for _, want := range []string{"Frågor och svar", "mobilappar", "client credentials", "Ta bort koppling", "villkorsstyrd åtkomst", "MFA"} {
		if !strings.Contains(sv.Body, want) {
			t.Errorf("Swedish page lacks %q", want)
		}
	}
	c.Post(t, "/lang", url.Values{"lang": {"en"}, "return": {"/auth-settings/apps/help"}})
	en := c.Get(t, "/auth-settings/apps/help")
	for _, want := range []string{"Questions and answers", "mobile apps", "time clock", "Remove link", "Conditional Access", "device ID", "MFA"} {
		if !strings.Contains(en.Body, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
}
