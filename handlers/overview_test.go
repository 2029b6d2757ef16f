package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

// overviewEnv: example.se verified and served by a tested provider; people ready, not linked,
// unverified, and on a domain no provider serves; it@example.se an administrator with the
// Authentication Settings grant.
type overviewEnv struct {
	*handlertest.App
	admin *handlertest.Client
}

func newOverviewEnv(t *testing.T) *overviewEnv {
	t.Helper()
	env := &overviewEnv{App: handlertest.New(t, handlertest.WithSSO())}
	ctx := context.Background()
	p, err := env.Store.IdP(ctx, env.IdP)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.SaveIdPTest(ctx, store.Actor{UserID: env.ITUser.ID, Label: env.ITUser.Email}, env.IdP, p.Revision, true, "{}", ""); err != nil {
		t.Fatal(err)
	}
	env.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	env.User(t, "bo@example.se", handlertest.UserOpts{})
	env.User(t, "=cmd|'/c_calc'!a0@other.se", handlertest.UserOpts{Verified: true})
	boss := env.User(t, "boss@example.se", handlertest.UserOpts{Admin: true, AuthSettings: true, Verified: true})
	env.admin = env.ClientAs(t, boss)
	return env
}

// chartCounts reads the counts back from the SVG: each polyline's y coordinates, through the
// axis's top (data-ymax) and the plot's height, which the grid lines at 0 and the top give.
func chartCounts(t *testing.T, doc *goquery.Document) map[string][]int {
	t.Helper()
	svg := doc.Find(`svg[data-testid="chart"]`)
	ymax, err := strconv.Atoi(svg.AttrOr("data-ymax", ""))
	if err != nil {
		t.Fatalf("data-ymax: %v", err)
	}
	grid := svg.Find("line.chart__grid")
	y0, _ := strconv.ParseFloat(grid.First().AttrOr("y1", ""), 64)
	yTop, _ := strconv.ParseFloat(grid.Last().AttrOr("y1", ""), 64)
	out := map[string][]int{}
	svg.Find("polyline").Each(func(_ int, s *goquery.Selection) {
		var counts []int
		for _, pt := range strings.Fields(s.AttrOr("points", "")) {
			_, ys, _ := strings.Cut(pt, ",")
			y, _ := strconv.ParseFloat(ys, 64)
			counts = append(counts, int((y0-y)/(y0-yTop)*float64(ymax)+0.5))
		}
		out[s.AttrOr("data-series", "")] = counts
	})
	return out
}

// tableCounts reads the same from the table beside the chart, oldest day first.
func tableCounts(t *testing.T, doc *goquery.Document) map[string][]int {
	t.Helper()
	table := doc.Find(`table[data-testid="chart-table"]`)
	var names []string
	table.Find("thead th[data-series]").Each(func(_ int, s *goquery.Selection) { names = append(names, s.AttrOr("data-series", "")) })
	out := map[string][]int{}
	rows := table.Find("tbody tr")
	for i := rows.Length() - 1; i >= 0; i-- {
		rows.Eq(i).Find("td").Each(func(j int, s *goquery.Selection) {
			if j < len(names) {
				n, err := strconv.Atoi(strings.TrimSpace(s.Text()))
				if err != nil {
					t.Fatalf("cell %q: %v", s.Text(), err)
				}
				out[names[j]] = append(out[names[j]], n)
			}
		})
	}
	return out
}

func TestOverviewChartDrawsTheTableNumbers(t *testing.T) {
	env := newOverviewEnv(t)
	ctx := context.Background()
	st := env.Store
	now, clock := time.Now(), st.Now
	t.Cleanup(func() { st.Now = clock })
	anna, _ := st.UserByEmail(ctx, "anna@example.se")
	// Sign-ins on several days: password on three, SSO (through the provider) on two.
	for i, d := range []int{0, 0, 1, 3, 3, 3, 12} {
		st.Now = func() time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
		if err := st.RecordLogin(ctx, store.CLIActor, anna.ID, store.MethodPassword); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := st.SignInSSO(ctx, store.SSOSignIn{Identity: store.SSOIdentity{IdPID: env.IdP, Issuer: env.OP.Issuer(),
				Subject: "it-1", Email: "it@example.se"}, Self: env.ITUser.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	st.Now = clock
	for _, lang := range []string{"sv", "en"} {
		for _, days := range []string{"", "?days=90"} {
			t.Run(lang+days, func(t *testing.T) {
				env.IT.Post(t, "/lang", url.Values{"lang": {lang}})
				doc := env.IT.Get(t, "/auth-settings"+days).Doc(t)
				fromSVG, fromTable := chartCounts(t, doc), tableCounts(t, doc)
				if len(fromTable) != 2 {
					t.Fatalf("table series %v, want password and the provider", fromTable)
				}
				for name, want := range fromTable {
					got := fromSVG[name]
					if intsText(got) != intsText(want) {
						t.Errorf("%s: chart %v, table %v", name, got, want)
					}
				}
				password := fromTable[map[string]string{"sv": "Lösenord", "en": "Password"}[lang]]
				if password[len(password)-1] != 2 || password[len(password)-4] != 3 {
					t.Errorf("password per day %v: want 2 today and 3 three days ago", password)
				}
				if title := doc.Find("svg title").Text(); title == "" || doc.Find("svg desc").Text() == "" {
					t.Error("the chart has no title or description for screen readers")
				}
			})
		}
	}
}

func intsText(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " ")
}

func TestOverviewNumbersLeadToTheirPeople(t *testing.T) {
	env := newOverviewEnv(t)
	doc := env.admin.Get(t, "/auth-settings").Doc(t)
	want := map[string]int{"all": 5, "verified": 4, "ready": 4, "linked": 0, "notlinked": 4, "lose": 4}
	doc.Find(`[data-testid="numbers"] li`).Each(func(_ int, s *goquery.Selection) {
		group := strings.TrimPrefix(s.AttrOr("data-testid", ""), "number-")
		count, _ := strconv.Atoi(s.Find(`[data-testid="count"]`).Text())
		if w, ok := want[group]; ok && count != w {
			t.Errorf("%s: %d, want %d", group, count, w)
		}
		href := s.Find("a").AttrOr("href", "")
		if href == "" {
			t.Errorf("%s: no link for an administrator", group)
			return
		}
		list := env.admin.Get(t, href).Doc(t)
		if got := list.Find(`[data-testid="user-row"]`).Length(); got != count {
			t.Errorf("%s: the list at %s has %d people, the overview says %d", group, href, got, count)
		}
		if cur := list.Find(`[data-testid="user-filters"] a[aria-current]`).AttrOr("data-testid", ""); cur != "filter-"+group {
			t.Errorf("%s: current filter %q", group, cur)
		}
	})
	if n := env.IT.Get(t, "/auth-settings").Doc(t).Find(`[data-testid="numbers"] a`).Length(); n != 0 {
		t.Errorf("an Authentication Settings user who is no administrator gets %d links to Users", n)
	}
	steps := map[string]string{}
	doc.Find(`[data-testid="checklist"] li`).Each(func(_ int, s *goquery.Selection) {
		steps[s.AttrOr("data-testid", "")] = s.AttrOr("data-done", "")
	})
	for step, done := range map[string]string{"step-access": "yes", "step-domain": "yes", "step-idp": "yes", "step-test": "yes",
		"step-allowed": "no", "step-people": "no", "step-password": "no"} {
		if steps[step] != done {
			t.Errorf("%s done=%q, want %q (all: %v)", step, steps[step], done, steps)
		}
	}
}

func TestUsersFiltersAndExport(t *testing.T) {
	env := newOverviewEnv(t)
	doc := env.admin.Get(t, "/users?show=lose&q=example.se").Doc(t)
	if got := doc.Find(`[data-testid="user-row"]`).Length(); got != 3 {
		t.Errorf("losing within example.se: %d rows, want 3 (bo unverified, boss and it privileged)", got)
	}
	if c := doc.Find(`[data-testid="filter-ready"] .groups__count`).Text(); c != "4" {
		t.Errorf("ready within example.se: %q", c)
	}
	if v := doc.Find(`input[name="show"]`).AttrOr("value", ""); v != "lose" {
		t.Errorf("the search keeps the group: %q", v)
	}
	if r := env.admin.Get(t, "/users?show=nonsense"); r.Status != http.StatusOK {
		t.Errorf("unknown group: status %d", r.Status)
	}
	r := env.admin.Get(t, doc.Find(`[data-testid="users-export"]`).AttrOr("href", ""))
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Errorf("export has %d rows, want a header and 3", len(rows))
	}
	all, _ := csv.NewReader(strings.NewReader(env.admin.Get(t, "/users/export.csv?show=lose").Body)).ReadAll()
	found := false
	for _, row := range all {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") || strings.HasPrefix(cell, "@") {
				t.Errorf("a cell starts a formula: %q", cell)
			}
			if strings.HasPrefix(cell, "'=cmd") {
				found = true
			}
		}
	}
	if !found {
		t.Error("the person with a formula for a name is not in the export of who would lose access")
	}
}

func TestOverviewInvitations(t *testing.T) {
	app := handlertest.New(t, handlertest.WithSMTP(), exempelAB)
	ctx := context.Background()
	d := storetest.VerifiedDomain(t, app.Store, "example.se")
	idp, err := app.Store.CreateIdP(ctx, store.CLIActor, store.IdPInput{Name: "Entra", Preset: "entra", Issuer: "https://login.example.se",
		ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid email", Enabled: true, DomainIDs: []int64{d.ID}})
	if err != nil {
		t.Fatal(err)
	}
	it := app.User(t, "it@example.se", handlertest.UserOpts{AuthSettings: true, Verified: true})
	if err := app.Store.SaveIdPTest(ctx, store.Actor{UserID: it.ID}, idp, storetest.IdPRevision(t, app.Store, idp), true, "{}", ""); err != nil {
		t.Fatal(err)
	}
	anna := app.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	storetest.Lang(t, app.Store, anna.Email, "en")
	app.User(t, "bo@example.se", handlertest.UserOpts{})
	c := app.ClientAs(t, it)

	doc := c.Get(t, "/auth-settings").Doc(t)
	if got := doc.Find(`[data-testid="invite-send"]`).Text(); !strings.Contains(got, "2") {
		t.Fatalf("send button %q: want 2 invitations (anna, and it from the profile)", got)
	}
	r := c.Post(t, "/auth-settings/invites", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", r.Status, r.Body)
	}
	mails := map[string]string{}
	for range 2 {
		m := app.SMTP.Next(t)
		mails[m.To[0]] = m.Subject + "\n" + m.Text
	}
	if m := mails["anna@example.se"]; !strings.Contains(m, "Sign in once through single sign-on") ||
		!strings.Contains(m, app.URL+"/login?email=anna%40example.se") {
		t.Errorf("anna's mail, in English with the sign-in link:\n%s", m)
	}
	if m := mails["it@example.se"]; !strings.Contains(m, "Min profil") || !strings.Contains(m, app.URL+"/profile") ||
		strings.Contains(m, "/login?") {
		t.Errorf("it's mail, in Swedish, to link from the profile:\n%s", m)
	}
	if got := storetest.AuditActions(t, app.Store, "anna@example.se"); !strings.Contains(strings.Join(got, " "), "link.invite") {
		t.Errorf("no link.invite audit row: %v", got)
	}
	page := c.Get(t, "/auth-settings").Doc(t)
	if n := page.Find(`[data-testid="invite-row"]`).Length(); n != 2 {
		t.Errorf("%d invitations listed, want 2", n)
	}
	if page.Find(`[data-testid="invite-send"]`).Length() != 0 {
		t.Error("a send button while everybody was invited today")
	}
	if r := c.Post(t, "/auth-settings/invites", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("send again: %d", r.Status)
	}
	if got := len(storetest.AuditRows(t, app.Store, "link.invite")); got != 2 {
		t.Errorf("%d invitations after sending twice in a day, want 2", got)
	}

	t.Run("the invitation's link fills in the sign-in", func(t *testing.T) {
		f := app.Client().Get(t, "/login?email=anna%40example.se").Doc(t).Find("input#email").AttrOr("value", "")
		if f != "anna@example.se" {
			t.Errorf("e-mail field %q", f)
		}
	})
}

// A refused sign-in is audit-logged but not counted; a successful one is counted on its day.
func TestOverviewCountsOnlySuccessfulSignIns(t *testing.T) {
	app := handlertest.New(t)
	app.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	c := app.Client()
	c.Post(t, "/login", url.Values{"email": {"anna@example.se"}})
	if r := c.Post(t, "/login/password", url.Values{"password": {"not the password"}}); r.Status == http.StatusSeeOther {
		t.Fatal("a wrong password signed in")
	}
	if len(storetest.AuditRows(t, app.Store, "login.failure")) != 1 {
		t.Fatal("the refused sign-in is not in the audit log")
	}
	days, err := app.Store.SignInsPerDay(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if days.Total(0) != 0 {
		t.Errorf("a refused sign-in was counted: %v", days.Counts)
	}
	c.SignIn(t, "anna@example.se", handlertest.Password)
	if days, _ = app.Store.SignInsPerDay(context.Background(), 1); days.Total(0) != 1 {
		t.Errorf("password sign-ins today %v, want 1", days.Counts)
	}
}
