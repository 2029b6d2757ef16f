package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"portvakt/store"
	"portvakt/views/paths"
)

// summary is what a soak saw.
type summary struct {
	clients   int
	elapsed   time.Duration
	requests  map[string]int // by kind
	latency   map[string][]time.Duration
	status5xx map[string]int
	locked    int      // answers that let "database is locked" through to the client
	failures  []string // transport errors and unexpected answers, a few kept
	otherBad  int
	users     []string // acknowledged user creations (e-mail)
	domains   []string // acknowledged domain creations
	missing   []string // acknowledged writes not found afterwards
	logLocked int      // lines of portvakt's own log that mention a locked database
}

// violations are the soak's failures: any 5xx, any "database is locked" reaching a client, any
// acknowledged write missing, any request that did not get its expected answer.
func (s *summary) violations() []string {
	var v []string
	for k, n := range s.status5xx {
		v = append(v, fmt.Sprintf("%d answers 5xx on %s", n, k))
	}
	if s.locked > 0 {
		v = append(v, fmt.Sprintf(`%d answers said "database is locked"`, s.locked))
	}
	for _, m := range s.missing {
		v = append(v, "acknowledged but missing: "+m)
	}
	if s.otherBad > 0 {
		v = append(v, fmt.Sprintf("%d requests failed or got an unexpected answer", s.otherBad))
	}
	sort.Strings(v)
	return v
}

func (s *summary) print(w io.Writer) {
	total := 0
	kinds := make([]string, 0, len(s.requests))
	for k, n := range s.requests {
		total += n
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "soak: %d clients for %s, %d requests (%.0f/s)\n", s.clients, s.elapsed.Round(time.Millisecond), total, float64(total)/s.elapsed.Seconds())
	for _, k := range kinds {
		lat := slices.Sorted(slices.Values(s.latency[k]))
		fmt.Fprintf(w, "  %-28s %7d  p50 %9s  p99 %9s  5xx %d\n", k, s.requests[k], ms(percentile(lat, 50)), ms(percentile(lat, 99)), s.status5xx[k])
	}
	fmt.Fprintf(w, "acknowledged writes: %d users, %d domains; missing afterwards: %d\n", len(s.users), len(s.domains), len(s.missing))
	fmt.Fprintf(w, `answers with "database is locked": %d (lines in portvakt's log: %d)`+"\n", s.locked, s.logLocked)
	for _, f := range s.failures {
		fmt.Fprintln(w, "  failure:", f)
	}
	if v := s.violations(); len(v) > 0 {
		fmt.Fprintln(w, "FAIL:")
		for _, x := range v {
			fmt.Fprintln(w, "  -", x)
		}
	} else {
		fmt.Fprintln(w, "OK: no 5xx, no \"database is locked\", every acknowledged write present")
	}
}

// soak starts portvakt and runs c.clients signed-in administrators for c.duration, each mixing
// page reads with user and domain creations, then reads every acknowledged write back through
// the store.
func soak(ctx context.Context, dir string, c config, log io.Writer) (*summary, error) {
	e, err := start(ctx, dir, c.people, c.binary, log)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	s := &summary{clients: c.clients, requests: map[string]int{}, status5xx: map[string]int{}, latency: map[string][]time.Duration{}}
	tr := newTransport(c.clients)
	defer tr.CloseIdleConnections()
	clients := make([]*client, c.clients)
	for i := range clients {
		ck, err := e.adminCookie(ctx)
		if err != nil {
			return nil, err
		}
		clients[i] = newClient(e.URL, tr)
		clients[i].setCookie(ck)
		if _, err := clients[i].csrf(); err != nil {
			return nil, err
		}
	}
	var mu sync.Mutex
	record := func(kind string, t0 time.Time, r response, err error, want int) bool {
		d := time.Since(t0)
		mu.Lock()
		defer mu.Unlock()
		s.requests[kind]++
		s.latency[kind] = append(s.latency[kind], d)
		note := func(msg string) {
			s.otherBad++
			if len(s.failures) < 10 {
				s.failures = append(s.failures, kind+": "+msg)
			}
		}
		if err != nil {
			note(err.Error())
			return false
		}
		if bytes.Contains(r.body, []byte("database is locked")) || bytes.Contains(r.body, []byte("SQLITE_BUSY")) {
			s.locked++
		}
		if r.status >= 500 {
			s.status5xx[kind]++
			if len(s.failures) < 10 {
				s.failures = append(s.failures, fmt.Sprintf("%s: status %d", kind, r.status))
			}
			return false
		}
		if r.status != want {
			note(fmt.Sprintf("status %d, want %d", r.status, want))
			return false
		}
		return true
	}
	began := time.Now()
	deadline := began.Add(c.duration)
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				t0 := time.Now()
				switch n % 10 {
				case 0, 4:
					r, err := cl.get(paths.Login)
					// Signed in, the sign-in page sends the administrator on.
					record("GET /login", t0, r, err, r.status)
				case 1, 5, 8:
					r, err := cl.get(paths.Users + "?q=" + url.QueryEscape(lastNames[(i+n)%len(lastNames)]))
					record("GET /users?q=", t0, r, err, http.StatusOK)
				case 2, 6:
					r, err := cl.get(paths.Domains)
					record("GET /auth-settings/domains", t0, r, err, http.StatusOK)
				case 3, 9:
					email := fmt.Sprintf("soak%d-%d@%s", i, n, domainName((i+n)%seedDomains))
					r, err := cl.post(paths.Users, url.Values{"name": {fmt.Sprintf("Soak %d %d", i, n)}, "email": {email}, "lang": {"sv"}})
					if record("POST /users", t0, r, err, http.StatusSeeOther) {
						mu.Lock()
						s.users = append(s.users, email)
						mu.Unlock()
					}
				case 7:
					name := fmt.Sprintf("soak%d-%d.example.org", i, n)
					r, err := cl.post(paths.Domains, url.Values{"domain": {name}})
					if record("POST /auth-settings/domains", t0, r, err, http.StatusSeeOther) {
						mu.Lock()
						s.domains = append(s.domains, name)
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	s.elapsed = time.Since(began)
	s.logLocked = strings.Count(e.serverLog(), "database is locked") + strings.Count(e.serverLog(), "SQLITE_BUSY")
	if err := s.readBack(ctx, e.Store); err != nil {
		return nil, err
	}
	return s, nil
}

// readBack looks up every acknowledged write through the store.
func (s *summary) readBack(ctx context.Context, st *store.Store) error {
	for _, email := range s.users {
		_, err := st.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			s.missing = append(s.missing, "user "+email)
			continue
		}
		if err != nil {
			return err
		}
	}
	for _, name := range s.domains {
		ds, err := st.ListDomains(ctx, store.DomainFilter{Query: name})
		if err != nil {
			return err
		}
		found := false
		for _, d := range ds {
			found = found || d.Name == name
		}
		if !found {
			s.missing = append(s.missing, "domain "+name)
		}
	}
	return nil
}
