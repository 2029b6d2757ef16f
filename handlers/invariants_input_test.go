package handlers_test

import (
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"portvakt/handlers/handlertest"
)

// formFields are the names of every field a portvakt form or handler reads.
var formFields = []string{
	"email", "password", "name", "lang", "return", "admin", "action", "person", "domain", "confirm", "token",
	"preset", "tenant", "org_url", "auth_server", "base_url", "realm", "issuer", "client_id", "client_secret",
	"scopes", "enabled", "q", "page", "kind", "type", "redirect_uris", "post_logout_uris", "backchannel_uri", "access",
	"access_ttl", "refresh_ttl", "overlap",
}

// oddValues are values a careless or hostile client may send. None names a host other than
// loopback, so that no test ever reaches out.
var oddValues = map[string]string{
	"empty":           "",
	"long":            strings.Repeat("a", 5000),
	"very long":       strings.Repeat("ö", 35000),
	"very long ascii": strings.Repeat("a", 60000), // past SQLite's limit on LIKE patterns (50,000 bytes)
	"long e-mail":     strings.Repeat("a", 300) + "@example.se",
	"markup":          `<script>alert(1)</script>"'&`,
	"nul and breaks":  "a\x00b\r\nc\td",
	"invalid utf-8":   "\xff\xfe\xc3",
	"huge number":     "99999999999999999999999999",
	"negative":        "-1",
	"row action":      "pick:0:" + strings.Repeat("x", 60000),
	"remove action":   "remove:-5",
	"loopback url":    "http://127.0.0.1:1/" + strings.Repeat("p", 600),
	"percent":         "%00%zz%",
	"spaces":          "   ",
	"emoji":           strings.Repeat("🦊", 300),
}

// badIDs replace a route's :id to reach its not-found paths.
var badIDs = []string{"999999", "0", "-1", "abc", "99999999999999999999", "1e3", "%20"}

// TestRulesFormsNeverServerError posts every POST route, as a person who may use them all and as
// nobody, with every field set to each odd value, and with many repeated fields; and the same with
// ids that name nothing. A bad request must get a 4xx (or a redirect), never a 5xx.
//
// Each route gets a world of its own and walks the values in a fixed order, with a random source
// seeded by the route's place in the table: a failure repeats with -run for that route alone,
// whatever the other routes did, and the routes run in parallel.
func TestRulesFormsNeverServerError(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("walks the whole route table; it runs without -short")
	}
	var statuses statusCount
	t.Cleanup(func() { t.Logf("statuses: %v", statuses.m) })
	for i, rt := range routesOf(handlertest.New(t), http.MethodPost) {
		t.Run(rt.String(), func(t *testing.T) {
			t.Parallel()
			w, ids := newRulesWorld(t)
			defer checkNothingHuge(t, w)
			rng := rand.New(rand.NewPCG(1, uint64(i)))
			for _, who := range []string{"anonymous", "boss"} {
				for _, name := range oddValueNames() {
					t.Run("as "+who+" with "+name, func(t *testing.T) {
						c := client(t, w, who)
						for _, body := range oddBodies(name, formFields) {
							r := postEncoded(t, c, w.URL+routePath(ids, rt.path), body)
							checkNo5xx(t, r)
							statuses.add(r.Status)
						}
					})
				}
				t.Run("as "+who+" with a random mix", func(t *testing.T) {
					c := client(t, w, who)
					for range 5 {
						form := url.Values{}
						for _, f := range formFields {
							for range rng.IntN(4) {
								form.Add(f, randomValue(rng))
							}
						}
						checkNo5xx(t, c.Post(t, routePath(ids, rt.path), form))
					}
				})
				t.Run("as "+who+" with many rows", func(t *testing.T) {
					c := client(t, w, who)
					form := url.Values{}
					for range 500 {
						form.Add("person", "a")
						form.Add("domain", "1")
					}
					checkNo5xx(t, c.Post(t, routePath(ids, rt.path), form))
				})
				if !strings.Contains(rt.path, ":id") {
					continue
				}
				for _, id := range badIDs {
					t.Run("as "+who+" with id "+id, func(t *testing.T) {
						r := client(t, w, who).Post(t, strings.Replace(rt.path, ":id", id, 1), url.Values{"admin": {"on"}})
						checkNo5xx(t, r)
						if who == "boss" && r.Status != http.StatusNotFound && r.Status != http.StatusSeeOther {
							t.Errorf("status %d, want 404 for an id that names nothing", r.Status)
						}
					})
				}
			}
		})
	}
}

// TestRulesPagesNeverServerError does the same for the query parameters of every GET route.
func TestRulesPagesNeverServerError(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("walks the whole route table; it runs without -short")
	}
	for _, rt := range routesOf(handlertest.New(t), http.MethodGet) {
		t.Run(rt.String(), func(t *testing.T) {
			t.Parallel()
			w, ids := newRulesWorld(t)
			for _, name := range oddValueNames() {
				t.Run("with "+name, func(t *testing.T) {
					c := client(t, w, "boss")
					for _, q := range oddBodies(name, queryFields) {
						checkNo5xx(t, c.Get(t, routePath(ids, rt.path)+"?"+q))
					}
				})
			}
			if !strings.Contains(rt.path, ":id") {
				return
			}
			for _, id := range badIDs {
				t.Run("with id "+id, func(t *testing.T) {
					r := client(t, w, "boss").Get(t, strings.Replace(rt.path, ":id", id, 1))
					if r.Status != http.StatusNotFound {
						t.Errorf("status %d, want 404 for an id that names nothing", r.Status)
					}
				})
			}
		})
	}
}

// oddValueNames are the names of oddValues in a fixed order, so that every run sends the values
// in the same order.
func oddValueNames() []string {
	return slices.Sorted(maps.Keys(oddValues))
}

// statusCount counts response statuses across parallel subtests.
type statusCount struct {
	mu sync.Mutex
	m  map[int]int
}

func (s *statusCount) add(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[int]int{}
	}
	s.m[status]++
}

// queryFields are formFields and the names of every query parameter a page reads.
var queryFields = append(slices.Clip(formFields), "state", "code", "error", "error_description", "iss", "from", "to", "actor")

// oddEncoded holds oddBodies' forms, encoded once: every route sends the same ones, and
// encoding the long values again for each took a tenth of the walks' time.
var oddEncoded struct {
	mu sync.Mutex
	m  map[string][]string
}

// oddBodies returns oddForms of the odd value called name over fields, URL-encoded.
func oddBodies(name string, fields []string) []string {
	key := name + "\x00" + strings.Join(fields, ",")
	oddEncoded.mu.Lock()
	defer oddEncoded.mu.Unlock()
	if bodies, ok := oddEncoded.m[key]; ok {
		return bodies
	}
	var bodies []string
	for _, form := range oddForms(oddValues[name], fields) {
		bodies = append(bodies, form.Encode())
	}
	if oddEncoded.m == nil {
		oddEncoded.m = map[string][]string{}
	}
	oddEncoded.m[key] = bodies
	return bodies
}

// postEncoded posts an encoded form with the client's CSRF token added, as Client.Post does.
func postEncoded(t *testing.T, c *handlertest.Client, target, body string) *handlertest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body+"&_csrf="+url.QueryEscape(c.CSRF(t))))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(t, req)
}

// oddForms sets every field to value at once, or, when that would pass the body limit, one field
// at a time beside ordinary values, so that each field's own limit is what gets tested.
func oddForms(value string, fields []string) []url.Values {
	if len(url.QueryEscape(value))*len(fields) < 200_000 {
		form := url.Values{}
		for _, f := range fields {
			form.Set(f, value)
		}
		return []url.Values{form}
	}
	var out []url.Values
	for _, f := range fields {
		form := url.Values{"email": {"someone@example.se"}, "name": {"Someone"}, "password": {"a fine long password"}}
		form.Set(f, value)
		out = append(out, form)
	}
	return out
}

func client(t *testing.T, w *handlertest.App, who string) *handlertest.Client {
	if who == "boss" {
		return w.ClientAs(t, w.UserByEmail(t, "boss@example.se"))
	}
	c := w.Client()
	c.Post(t, "/login", url.Values{"email": {"boss@example.se"}}) // reach the later sign-in steps
	return c
}

// checkNothingHuge fails when a value longer than any field's limit reached the database.
func checkNothingHuge(t *testing.T, w *handlertest.App) {
	t.Helper()
	for table, rows := range snapshot(t, w) {
		for _, row := range rows {
			for _, col := range strings.Split(row, " ") {
				if len([]rune(col)) > 2100 {
					t.Errorf("%s holds a value of %d characters: %.120s...", table, len([]rune(col)), col)
				}
			}
		}
	}
}

func checkNo5xx(t *testing.T, r *handlertest.Response) {
	t.Helper()
	if r.Status >= 500 {
		t.Fatalf("status %d: bad input must get a 4xx, never a server error\n%.300s", r.Status, r.Body)
	}
}

func randomValue(rng *rand.Rand) string {
	alphabet := []rune("aZ09.-_@:/ <>&\"'%\x00\nåäö€🦊")
	n := rng.IntN(3000)
	if rng.IntN(4) == 0 {
		n = rng.IntN(10)
	}
	b := make([]rune, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// TestRulesSearchInputIsBounded: the people suggestions and a picked suggestion are bounded like
// typed fields; an overlong query is a 400, never a database error.
func TestRulesSearchInputIsBounded(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	long := strings.Repeat("a", 60000)
	if r := c.Get(t, "/security/people?q="+long); r.Status != http.StatusBadRequest {
		t.Errorf("suggestions for a 60000-character query: status %d, want 400", r.Status)
	}
	if r := c.Get(t, "/security/people?q=adm"); r.Status != http.StatusOK || !strings.Contains(r.Body, "admin@example.se") {
		t.Errorf("suggestions for a short query: status %d, %s", r.Status, r.Body)
	}
	r := c.Post(t, "/security/grants", url.Values{"person": {"x"}, "action": {"pick:0:" + long}})
	checkNo5xx(t, r)
	v, _ := r.Doc(t).Find("#person-0").Attr("value")
	if len(v) > 4*254 {
		t.Errorf("a picked value of %d characters came back as a row", len(v))
	}
}
