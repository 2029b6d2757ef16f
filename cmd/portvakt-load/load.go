package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/labstack/echo/v4"

	"portvakt/views/paths"
)

// endpoint is one thing a crowd does: prep readies a client for the next request and is not
// timed (for the SSO start: the e-mail step before it), req is the timed request; its answer
// must have status and, for a redirect, go where to says.
type endpoint struct {
	name   string
	admin  bool // the client is signed in as the administrator
	prep   func(c *client, n int) error
	req    func(c *client, n int) (response, error)
	status int
	to     string // the start of the Location a redirect must have
	empty  bool   // an empty 200 is fine (the echo handler standing in for a redirect)
}

// check reports what is wrong with an answer, or "".
func (ep endpoint) check(r response) string {
	switch {
	case r.status != ep.status:
		return "status " + strconv.Itoa(r.status)
	case ep.to != "" && !strings.HasPrefix(r.location, ep.to):
		return "redirect to " + r.location + ", want " + ep.to
	case r.status == http.StatusOK && len(r.body) == 0 && !ep.empty:
		return "empty page"
	}
	return ""
}

// endpoints are the pages a Monday-morning rush hits.
func endpoints(e *env) []endpoint {
	loginEmail := func(email func(int) string) func(*client, int) (response, error) {
		return func(c *client, n int) (response, error) {
			return c.post(paths.Login, url.Values{"email": {email(n)}})
		}
	}
	return []endpoint{
		{name: "GET /login", status: http.StatusOK,
			req: func(c *client, _ int) (response, error) { return c.get(paths.Login) }},
		{name: "GET /auth-settings/domains (100)", admin: true, status: http.StatusOK,
			req: func(c *client, _ int) (response, error) { return c.get(paths.Domains) }},
		{name: "GET /users?q= (search)", admin: true, status: http.StatusOK,
			req: func(c *client, n int) (response, error) {
				q := lastNames[n%len(lastNames)]
				if n%2 == 1 {
					q = firstNames[n%len(firstNames)]
				}
				return c.get(paths.Users + "?q=" + url.QueryEscape(q))
			}},
		{name: "POST /login (SSO domain)", status: http.StatusSeeOther, to: paths.LoginMethod, req: loginEmail(ssoEmail)},
		{name: "POST /login (password domain)", status: http.StatusSeeOther, to: paths.LoginMethod, req: loginEmail(passwordEmail)},
		{name: "POST /login/sso/:id (SSO start)", status: http.StatusSeeOther, to: e.issuer + "/authorize?",
			prep: func(c *client, n int) error {
				r, err := c.post(paths.Login, url.Values{"email": {ssoEmail(n)}})
				if err == nil && r.status != http.StatusSeeOther {
					err = fmt.Errorf("e-mail step: status %d", r.status)
				}
				return err
			},
			req: func(c *client, _ int) (response, error) { return c.post(paths.LoginSSO(e.ssoIdP), nil) }},
		{name: "GET /oauth/keys (JWKS)", status: http.StatusOK,
			req: func(c *client, _ int) (response, error) { return c.get(paths.OPKeys) }},
		{name: "POST /oauth/token (client credentials)", status: http.StatusOK,
			req: func(c *client, _ int) (response, error) {
				return c.do(http.MethodPost, paths.OPToken, url.Values{"grant_type": {"client_credentials"},
					"client_id": {e.clockID}, "client_secret": {e.clockSecret}, "scope": {"openid"}})
			}},
	}
}

// selected are the endpoints whose name contains one of the comma-separated parts of only;
// all of them when only is empty.
func selected(eps []endpoint, only string) []endpoint {
	if strings.TrimSpace(only) == "" {
		return eps
	}
	var out []endpoint
	for _, ep := range eps {
		for part := range strings.SplitSeq(only, ",") {
			if part = strings.TrimSpace(part); part != "" && strings.Contains(ep.name, part) {
				out = append(out, ep)
				break
			}
		}
	}
	return out
}

// result is one measured run.
type result struct {
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
	bytes    int
	firstErr string
	cpu      time.Duration // the server's CPU time per request; 0 when unknown
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// row is one line of the table: an endpoint and the echo handler serving as many bytes.
type row struct {
	name string
	pv   result
	echo result
}

// measure seeds and starts portvakt and the echo server, then drives every endpoint in turn.
func measure(ctx context.Context, dir string, c config, log io.Writer) ([]row, error) {
	e, err := start(ctx, dir, c.people, c.binary, log)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	bare, err := startEcho()
	if err != nil {
		return nil, err
	}
	defer bare.Close()
	admin, err := e.adminCookie(ctx)
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, ep := range selected(endpoints(e), c.only) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tr := newTransport(c.connections)
		clients := make([]*client, c.connections)
		for i := range clients {
			clients[i] = newClient(e.URL, tr)
			if ep.admin {
				clients[i].setCookie(admin)
			}
			if _, err := clients[i].csrf(); err != nil {
				return nil, err
			}
		}
		// One request first, for the size of the answer the echo handler then serves.
		if ep.prep != nil {
			if err := ep.prep(clients[0], 0); err != nil {
				return nil, fmt.Errorf("%s: %w", ep.name, err)
			}
		}
		sample, err := ep.req(clients[0], 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ep.name, err)
		}
		// A warm-up that is not counted (connections opened, caches filled), then the run.
		warm := min(c.duration/5, time.Second)
		drive(ctx, clients, warm, ep)
		cpu0, cpuErr := processCPU(e.pid)
		pv := drive(ctx, clients, c.duration, ep)
		pv.bytes = len(sample.body)
		if cpu1, err := processCPU(e.pid); cpuErr == nil && err == nil && pv.requests > 0 {
			pv.cpu = (cpu1 - cpu0) / time.Duration(pv.requests)
		}
		tr.CloseIdleConnections()

		bare.body.Store(bodyOf(len(sample.body)))
		etr := newTransport(c.connections)
		eclients := make([]*client, c.connections)
		for i := range eclients {
			eclients[i] = newClient(bare.url, etr)
		}
		bareEP := endpoint{status: http.StatusOK, empty: true, req: func(c *client, _ int) (response, error) { return c.get("/") }}
		drive(ctx, eclients, warm, bareEP)
		er := drive(ctx, eclients, c.duration, bareEP)
		er.bytes = len(sample.body)
		etr.CloseIdleConnections()
		fmt.Fprintf(log, "%-36s %8.0f req/s (echo %8.0f req/s)\n", ep.name, pv.rps(), er.rps())
		rows = append(rows, row{name: ep.name, pv: pv, echo: er})
	}
	return rows, nil
}

// drive runs one client per connection against ep until d has passed.
func drive(ctx context.Context, clients []*client, d time.Duration, ep endpoint) result {
	var seq atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	var res result
	var wg sync.WaitGroup
	began := time.Now()
	deadline := began.Add(d)
	for _, c := range clients {
		wg.Go(func() {
			var lat []time.Duration
			var errs int
			var first string
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := int(seq.Add(1))
				if ep.prep != nil {
					if err := ep.prep(c, n); err != nil {
						errs++
						if first == "" {
							first = "prepare: " + err.Error()
						}
						continue
					}
				}
				t0 := time.Now()
				r, err := ep.req(c, n)
				lat = append(lat, time.Since(t0))
				switch {
				case err != nil:
					errs++
					if first == "" {
						first = err.Error()
					}
				default:
					if msg := ep.check(r); msg != "" {
						errs++
						if first == "" {
							first = msg
						}
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			res.errors += errs
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(began)
	res.requests = len(all)
	slices.Sort(all)
	res.p50, res.p99 = percentile(all, 50), percentile(all, 99)
	return res
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

// bareEcho is an echo server with no middleware that answers GET / with body.
type bareEcho struct {
	url  string
	body atomic.Pointer[[]byte]
	srv  *http.Server
}

func startEcho() (*bareEcho, error) {
	b := &bareEcho{}
	b.body.Store(bodyOf(0))
	e := echo.New()
	e.GET("/", func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, *b.body.Load()) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.url = "http://" + ln.Addr().String()
	b.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = b.srv.Serve(ln) }()
	return b, nil
}

func (b *bareEcho) Close() { _ = b.srv.Close() }

func bodyOf(n int) *[]byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = 'a' + byte(rand.IntN(26))
	}
	return &p
}

// printTable prints the one table: each endpoint beside the echo handler with the same bytes.
func printTable(w io.Writer, c config, rows []row) {
	fmt.Fprintf(w, "portvakt-load: %d people, %d domains, %d providers; %d connections, %s per endpoint after a warm-up, loopback\n\n",
		c.people, seedDomains, seedProviders, c.connections, c.duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\treq/s\tp50\tp99\terrors\tbytes\tcpu/req\techo req/s\techo p50\techo p99\tratio\t")
	for _, r := range rows {
		ratio := 0.0
		if r.echo.rps() > 0 {
			ratio = r.pv.rps() / r.echo.rps()
		}
		cpu := "-"
		if r.pv.cpu > 0 {
			cpu = ms(r.pv.cpu)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%d\t%d\t%s\t%.0f\t%s\t%s\t%.3f\t\n", r.name, r.pv.rps(), ms(r.pv.p50), ms(r.pv.p99),
			r.pv.errors, r.pv.bytes, cpu, r.echo.rps(), ms(r.echo.p50), ms(r.echo.p99), ratio)
	}
	tw.Flush()
	for _, r := range rows {
		if r.pv.firstErr != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", r.name, r.pv.firstErr)
		}
		if r.echo.errors > 0 {
			fmt.Fprintf(w, "%s: the echo handler beside it had %d errors (first: %s)\n", r.name, r.echo.errors, r.echo.firstErr)
		}
	}
	fmt.Fprintln(w, "\nratio: portvakt's requests/s over the bare echo handler's for a body of the same size, same run.")
	fmt.Fprintln(w, "cpu/req: portvakt's CPU time (user and system) per request, which other work on the machine changes far less than requests/s.")
}

// processCPU is the CPU time (user and system) process pid has used, from /proc/PID/stat.
func processCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, errors.New("no process")
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	return parseProcStat(string(b))
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux port Go runs on.
const clockTicks = 100

// parseProcStat reads utime and stime from a /proc/PID/stat line. The command name in
// parentheses may hold spaces and parentheses, so the fields are counted after its last ")".
func parseProcStat(line string) (time.Duration, error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc stat %q: no command name", line)
	}
	f := strings.Fields(line[i+1:])
	if len(f) < 13 { // state is field 3 of the line, utime 14 and stime 15
		return 0, fmt.Errorf("/proc stat %q: too few fields", line)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc stat %q: %w", line, err)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
