package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"portvakt/handlers"
	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views/paths"
)

// The targets -memory checks (issue 13): ready soon after start on a database of 10,000
// people, little memory held idle, and a bounded peak under a burst of password sign-ins.
const (
	targetReady    = 300 * time.Millisecond
	targetIdleRSS  = 40 << 20
	targetBurstRSS = 250 << 20
	memoryStarts   = 5 // starts measured; the table shows the median
	burstPassword  = "en lång och bra fras för mätningen"
)

// memoryReport is what -memory measured.
type memoryReport struct {
	people    int
	starts    []time.Duration // from exec to the first 200 from /readyz
	idleRSS   int64           // VmRSS a few seconds after start, idle
	burst     int             // password attempts at once
	burstTime time.Duration   // until every attempt was answered
	burstHWM  int64           // VmHWM after the burst: the process's peak RSS over its life
	afterRSS  int64           // VmRSS after the burst
	answers   map[string]int  // "signed in", "refused", "429"
	failed    int             // transport errors and 5xx
	failures  []string        // a few of them
}

// memory seeds a data folder (c.people people, and c.burst people with a password), starts
// portvakt on it memoryStarts times to time its readiness, reads its idle RSS, then sends
// c.burst password attempts at once (half right, a quarter wrong for as many people, a quarter
// wrong for one person) from as many addresses and reads its peak RSS.
func memory(ctx context.Context, dir string, c config, log io.Writer) (*memoryReport, error) {
	rep := &memoryReport{people: c.people, burst: c.burst, answers: map[string]int{}}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	binary := c.binary
	if binary == "" {
		var err error
		if binary, err = buildPortvakt(ctx, dir); err != nil {
			return nil, err
		}
	}
	if err := seedMemory(ctx, data, c.people, c.burst, log); err != nil {
		return nil, err
	}

	var p *timedProcess
	for i := range memoryStarts {
		var err error
		if p, err = startTimed(ctx, binary, data, filepath.Join(dir, "portvakt.log")); err != nil {
			return nil, err
		}
		rep.starts = append(rep.starts, p.ready)
		fmt.Fprintf(log, "start %d: ready after %s\n", i+1, p.ready.Round(100*time.Microsecond))
		if i < memoryStarts-1 {
			if err := p.stop(); err != nil {
				return nil, err
			}
		}
	}
	defer p.stop()

	// Idle: what the process holds once start-up is over and nobody asks anything.
	select {
	case <-time.After(c.idle):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var err error
	if rep.idleRSS, _, err = procMemory(p.pid()); err != nil {
		return nil, err
	}

	if err := rep.passwordBurst(ctx, p.url); err != nil {
		return nil, err
	}
	if rep.afterRSS, rep.burstHWM, err = procMemory(p.pid()); err != nil {
		return nil, err
	}
	return rep, nil
}

// seedMemory creates the people, domains and providers of the load table, and burst people
// with a password on the last domain (which has no provider), all with the same hash at
// production cost: the server checks each attempt at full cost, and seeding stays quick.
func seedMemory(ctx context.Context, data string, people, burst int, log io.Writer) error {
	e := &env{}
	defer e.Close()
	keys, err := handlers.LoadOrCreateKeys(filepath.Join(data, "portvakt.key"))
	if err != nil {
		return err
	}
	e.keys = keys
	st, err := store.Open(ctx, filepath.Join(data, "portvakt.db"))
	if err != nil {
		return err
	}
	e.Store = st
	e.close = append(e.close, func() { st.Close() })
	issuer, err := e.startProvider()
	if err != nil {
		return err
	}
	began := time.Now()
	if err := e.seed(ctx, people, issuer); err != nil {
		return err
	}
	hash, err := account.NewPasswordHasher(1).Hash(burstPassword)
	if err != nil {
		return err
	}
	actor := store.HostActor("portvakt user add")
	for n := range burst {
		if _, err := st.CreateUser(ctx, actor, store.NewUser{Email: burstEmail(n), Name: fmt.Sprintf("Burst %d", n),
			EmailVerified: true, PasswordHash: hash}); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "seeded %d people (%d with a password) in %s\n", people+burst, burst, time.Since(began).Round(time.Millisecond))
	return nil
}

func burstEmail(n int) string { return fmt.Sprintf("burst%d@%s", n, domainName(seedDomains-1)) }

// passwordBurst makes rep.burst browsers each type an address, then sends all their passwords at
// once, while sampling nothing: the peak is read from VmHWM afterwards.
func (rep *memoryReport) passwordBurst(ctx context.Context, base string) error {
	tr := newTransport(rep.burst)
	defer tr.CloseIdleConnections()
	clients := make([]*client, rep.burst)
	for i := range clients {
		clients[i] = newClient(base, tr)
		email := burstEmail(i)
		if i%4 == 3 {
			email = burstEmail(0) // a quarter guess at one account
		}
		r, err := clients[i].post(paths.Login, url.Values{"email": {email}})
		if err != nil {
			return fmt.Errorf("e-mail step: %w", err)
		}
		if r.status != http.StatusSeeOther {
			return fmt.Errorf("e-mail step for %s: status %d", email, r.status)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, cl := range clients {
		wg.Go(func() {
			password := burstPassword
			if i%2 == 1 {
				password = "not the password " + strconv.Itoa(i)
			}
			<-start
			r, err := cl.post(paths.LoginPassword, url.Values{"password": {password}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				rep.fail(err.Error())
			case r.status >= 500:
				rep.fail(fmt.Sprintf("status %d", r.status))
			case r.status == http.StatusTooManyRequests:
				rep.answers["429"]++
			case r.status == http.StatusSeeOther && i%2 == 0:
				rep.answers["signed in"]++
			case r.status >= 400:
				rep.answers["refused"]++
			default:
				rep.fail(fmt.Sprintf("status %d for attempt %d", r.status, i))
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	rep.burstTime = time.Since(began)
	return ctx.Err()
}

func (rep *memoryReport) fail(msg string) {
	rep.failed++
	if len(rep.failures) < 5 {
		rep.failures = append(rep.failures, msg)
	}
}

// ok reports whether every target was met and every attempt answered.
func (rep *memoryReport) ok() bool {
	return rep.medianStart() < targetReady && rep.idleRSS < targetIdleRSS && rep.burstHWM < targetBurstRSS && rep.failed == 0
}

func (rep *memoryReport) medianStart() time.Duration {
	s := slices.Sorted(slices.Values(rep.starts))
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func (rep *memoryReport) print(w io.Writer) {
	mark := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	mb := func(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
	s := slices.Sorted(slices.Values(rep.starts))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "startup and memory, %d people\tfigure\ttarget\t\n", rep.people)
	fmt.Fprintf(tw, "ready after start (median of %d; %s to %s)\t%s\t< %s\t%s\n", len(s), ms(s[0]), ms(s[len(s)-1]), ms(rep.medianStart()), ms(targetReady), mark(rep.medianStart() < targetReady))
	fmt.Fprintf(tw, "RSS idle after start\t%s\t< %s\t%s\n", mb(rep.idleRSS), mb(targetIdleRSS), mark(rep.idleRSS < targetIdleRSS))
	fmt.Fprintf(tw, "peak RSS, %d password attempts at once (VmHWM)\t%s\t< %s\t%s\n", rep.burst, mb(rep.burstHWM), mb(targetBurstRSS), mark(rep.burstHWM < targetBurstRSS))
	fmt.Fprintf(tw, "RSS after the burst\t%s\t\t\n", mb(rep.afterRSS))
	fmt.Fprintf(tw, "answers to the burst (in %s)\tsigned in %d, refused %d, 429 %d\tall answered\t%s\n", ms(rep.burstTime),
		rep.answers["signed in"], rep.answers["refused"], rep.answers["429"], mark(rep.failed == 0))
	tw.Flush()
	for _, f := range rep.failures {
		fmt.Fprintln(w, "  failure:", f)
	}
	if rep.failed > 0 {
		fmt.Fprintf(w, "%d attempts failed (transport error or 5xx)\n", rep.failed)
	}
}

// procMemory reads a process's resident set now (VmRSS) and at its peak (VmHWM), in bytes.
func procMemory(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read the memory of process %d (Linux /proc only): %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status: %s: %w", pid, k, err)
		}
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	if rss == 0 || hwm == 0 {
		return 0, 0, fmt.Errorf("/proc/%d/status has no VmRSS or VmHWM", pid)
	}
	return rss, hwm, sc.Err()
}

// timedProcess is portvakt started by startTimed.
type timedProcess struct {
	cmd    *exec.Cmd
	url    string
	ready  time.Duration
	exited chan struct{}
	logf   *os.File
}

func (p *timedProcess) pid() int { return p.cmd.Process.Pid }

// stop asks portvakt to stop and waits until it has.
func (p *timedProcess) stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
		return nil
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("portvakt did not stop within 20 s of SIGINT")
	}
}

// startTimed starts `portvakt serve` on data and measures the time from exec until /readyz first
// answers 200, asking every millisecond once the address is printed.
func startTimed(ctx context.Context, binary, data, logPath string) (*timedProcess, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "serve", "--data", data, "--addr", "127.0.0.1:0", "--lang", "en",
		"--trusted-proxies", "127.0.0.0/8", "--domain-recheck", "0")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTVAKT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	p := &timedProcess{cmd: cmd, exited: make(chan struct{}), logf: logf}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
		_ = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	select {
	case p.url = <-urlc:
	case <-p.exited:
		return nil, errors.New("portvakt stopped before listening; see " + logPath)
	case <-time.After(60 * time.Second):
		_ = p.stop()
		return nil, errors.New("portvakt did not print its address within a minute; see " + logPath)
	case <-ctx.Done():
		_ = p.stop()
		return nil, ctx.Err()
	}
	hc := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		resp, err := hc.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ready = time.Since(began)
				hc.CloseIdleConnections()
				return p, nil
			}
		}
		time.Sleep(time.Millisecond) // polling the readiness probe
	}
	_ = p.stop()
	return nil, errors.New("/readyz did not answer 200 within 30 s; see " + logPath)
}
