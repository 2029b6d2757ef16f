package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// testBinary is portvakt built once for every test of the package.
var testBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "portvakt-load-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testBinary, err = buildPortvakt(context.Background(), dir)
	code := 1
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestLoadTable runs the table for about two seconds with few people and connections: every
// endpoint is in the table, measured, without errors.
func TestLoadTable(t *testing.T) {
	t.Parallel()
	c := config{duration: 150 * time.Millisecond, connections: 4, people: 300, clients: 1, binary: testBinary}
	var log bytes.Buffer
	rows, err := measure(context.Background(), t.TempDir(), c, &log)
	if err != nil {
		t.Fatalf("measure: %v\n%s", err, log.String())
	}
	var out bytes.Buffer
	printTable(&out, c, rows)
	table := out.String()
	for _, ep := range endpoints(&env{}) {
		if !strings.Contains(table, ep.name) {
			t.Errorf("the table has no line for %s:\n%s", ep.name, table)
		}
	}
	if len(rows) != len(endpoints(&env{})) {
		t.Errorf("%d rows, want %d", len(rows), len(endpoints(&env{})))
	}
	for _, r := range rows {
		if r.pv.requests == 0 || r.echo.requests == 0 {
			t.Errorf("%s: %d requests, echo %d: want some of each", r.name, r.pv.requests, r.echo.requests)
		}
		if r.pv.cpu <= 0 {
			t.Errorf("%s: no CPU time per request measured", r.name)
		}
		if r.pv.errors != 0 || r.echo.errors != 0 {
			t.Errorf("%s: %d errors (first: %s), echo %d", r.name, r.pv.errors, r.pv.firstErr, r.echo.errors)
		}
	}
	if t.Failed() {
		t.Log(table)
	}
}

// TestSoak runs a short soak: writes were acknowledged, and every one is found afterwards; and
// a write that is not in the database counts as a violation.
func TestSoak(t *testing.T) {
	t.Parallel()
	c := config{duration: 3 * time.Second, connections: 1, people: 100, clients: 20, binary: testBinary}
	s, err := soak(context.Background(), t.TempDir(), c, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("soak: %v", err)
	}
	var out bytes.Buffer
	s.print(&out)
	if v := s.violations(); len(v) > 0 {
		t.Fatalf("violations: %v\n%s", v, out.String())
	}
	if len(s.users) == 0 || len(s.domains) == 0 {
		t.Fatalf("acknowledged %d users and %d domains, want some of each\n%s", len(s.users), len(s.domains), out.String())
	}
	if !strings.Contains(out.String(), "missing afterwards: 0") {
		t.Errorf("summary does not say nothing was missing:\n%s", out.String())
	}

	// The read-back is a real check: an acknowledged write that is not there is a violation.
	dir := t.TempDir()
	e, err := start(context.Background(), dir, 1, testBinary, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	lost := &summary{users: []string{"never-created@d001.example.se"}, domains: []string{"never-created.example.org"}}
	if err := lost.readBack(context.Background(), e.Store); err != nil {
		t.Fatal(err)
	}
	if len(lost.missing) != 2 || len(lost.violations()) != 2 {
		t.Errorf("missing %v, violations %v: want both writes reported", lost.missing, lost.violations())
	}
}

// TestSoakViolations: a 5xx, a locked database reaching a client and a failed request each
// fail the soak, and so does the command's exit.
func TestSoakViolations(t *testing.T) {
	t.Parallel()
	s := &summary{status5xx: map[string]int{"POST /users": 1}, locked: 2, otherBad: 3}
	if v := s.violations(); len(v) != 3 {
		t.Errorf("violations %v, want three", v)
	}
	if v := (&summary{status5xx: map[string]int{}}).violations(); len(v) != 0 {
		t.Errorf("a clean soak has violations %v", v)
	}
}

// TestSelected: -only keeps the endpoints named by any of its parts, and everything without it.
func TestSelected(t *testing.T) {
	t.Parallel()
	all := endpoints(&env{})
	if got := selected(all, ""); len(got) != len(all) {
		t.Errorf("no -only: %d endpoints, want %d", len(got), len(all))
	}
	got := selected(all, "search, SSO start")
	if len(got) != 2 || got[0].name != "GET /users?q= (search)" || got[1].name != "POST /login/sso/:id (SSO start)" {
		t.Errorf("-only search,SSO start: %v", got)
	}
	if got := selected(all, "nothing like it"); len(got) != 0 {
		t.Errorf("-only naming nothing: %d endpoints", len(got))
	}
}

// TestParseProcStat reads the CPU times after a command name with spaces and parentheses.
func TestParseProcStat(t *testing.T) {
	t.Parallel()
	line := "4242 (port vakt (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 12 0 100 0 0\n"
	got, err := parseProcStat(line)
	if err != nil || got != 3250*time.Millisecond {
		t.Errorf("parseProcStat = %v, %v; want 3.25s (250 + 75 ticks)", got, err)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 ten 12"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q) gave no error", bad)
		}
	}
}

// TestEndpointCheck: an answer counts as an error when its status is wrong, when a redirect goes
// elsewhere (an SSO start sent back to the method page) or when a page is empty.
func TestEndpointCheck(t *testing.T) {
	t.Parallel()
	ep := endpoint{status: 303, to: "http://127.0.0.1:1/authorize?"}
	for _, c := range []struct {
		r    response
		good bool
	}{
		{response{status: 303, location: "http://127.0.0.1:1/authorize?state=x"}, true},
		{response{status: 303, location: "/login/method"}, false},
		{response{status: 429}, false},
	} {
		if got := ep.check(c.r) == ""; got != c.good {
			t.Errorf("check(%+v) = %q, want good %v", c.r, ep.check(c.r), c.good)
		}
	}
	if (endpoint{status: 200}).check(response{status: 200}) == "" {
		t.Error("an empty page passed")
	}
	if (endpoint{status: 200, empty: true}).check(response{status: 200}) != "" {
		t.Error("an empty answer failed where one is fine")
	}
}
