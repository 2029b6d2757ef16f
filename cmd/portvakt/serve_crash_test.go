package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"portvakt/store/storetest"
)

// processArgsEnv carries portvakt's arguments, one per line, to the test binary started again
// as portvakt's own process (TestPortvaktProcess). It is not a PORTVAKT_ variable, so that
// portvakt's flags never read it.
const processArgsEnv = "PVTEST_PROCESS_ARGS"

// TestPortvaktProcess is portvakt itself when startProcess starts the test binary again, so
// that a test can kill it with SIGKILL without building the binary first. In a test run it has
// nothing to do.
func TestPortvaktProcess(t *testing.T) {
	args := os.Getenv(processArgsEnv)
	if args == "" {
		t.Skip("portvakt's own process for the crash test, started by it")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, strings.Split(args, "\n"), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portvakt:", err)
	}
	os.Exit(exitCode(err))
}

// process is portvakt running as a process of its own.
type process struct {
	URL    string
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
	err    error // once exited
}

// startProcess runs `portvakt serve` on data in a process of its own and waits until /readyz
// answers; the process is killed when the test ends, if it still runs.
func startProcess(t *testing.T, data string, extra ...string) *process {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--domain-recheck", "0"}, extra...)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPortvaktProcess$", "-test.count=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTVAKT_") && !strings.HasPrefix(kv, processArgsEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, processArgsEnv+"="+strings.Join(args, "\n"))
	p := &process{cmd: cmd, log: &lockedBuffer{}, exited: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = writerFunc(func(b []byte) (int, error) { p.log.WriteString(string(b)); return len(b), nil })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.log.WriteString(sc.Text() + "\n")
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
	})
	select {
	case p.URL = <-urlc:
	case <-p.exited:
		t.Fatalf("portvakt stopped before listening: %v\n%s", p.err, p.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("portvakt did not print its address within 30 s\n%s", p.log.String())
	}
	waitReady(t, p.URL)
	return p
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer would.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

// stop asks the process to stop, as systemd does, and checks that it stopped cleanly.
func (p *process) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("portvakt did not stop within 20 s of SIGINT\n%s", p.log.String())
	}
	if p.err != nil {
		t.Errorf("portvakt stopped with %v\n%s", p.err, p.log.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// acked is the writes portvakt acknowledged: users and domains made through the web pages,
// users made by the host command.
type acked struct {
	mu      sync.Mutex
	users   []string
	domains []string
	count   int
}

func (a *acked) add(user, domain string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if user != "" {
		a.users = append(a.users, user)
	}
	if domain != "" {
		a.domains = append(a.domains, domain)
	}
	a.count++
}

func (a *acked) n() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.count
}

func (a *acked) snapshot() (users, domains []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.users...), append([]string(nil), a.domains...)
}

// writeLoad runs web writers (user and domain creation through the administrators' forms) and a
// host-command writer (`portvakt user add` beside the server) until the returned function is
// called. A write counts when portvakt acknowledged it: 303 from a form, exit 0 from the command.
// Requests that fail because the server is gone are not counted; any other answer is an error.
func writeLoad(t *testing.T, base, data string, admin *http.Cookie, tag string, ack *acked) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	stopped := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	for w := range 6 {
		wg.Go(func() {
			c := newWebClient(t, base, admin)
			for n := 0; !stopped(); n++ {
				var r webResponse
				var user, domain string
				if w == 0 {
					domain = fmt.Sprintf("%s-%d.example.org", tag, n)
					r = c.post("/auth-settings/domains", url.Values{"domain": {domain}})
				} else {
					user = fmt.Sprintf("%s-w%d-%d@example.se", tag, w, n)
					r = c.post("/users", url.Values{"name": {fmt.Sprintf("Person %s %d %d", tag, w, n)}, "email": {user}, "lang": {"sv"}})
				}
				switch {
				case r.err != nil:
					return // the server is gone
				case r.status == http.StatusSeeOther:
					ack.add(user, domain)
				default:
					t.Errorf("%s %s: status %d, want 303\n%.300s", tag, user+domain, r.status, r.body)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for n := 0; !stopped(); n++ {
			email := fmt.Sprintf("%s-host-%d@example.se", tag, n)
			if out, err := runCLI(t, "", "user", "add", "--data", data, "--email", email, "--name", "Host "+tag); err != nil {
				t.Errorf("user add beside the server: %v\n%s", err, out)
				return
			}
			ack.add(email, "")
		}
	})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(done)
			wg.Wait()
		})
	}
	t.Cleanup(stop) // also when the test ends early
	return stop
}

// waitAcked waits until n more writes were acknowledged than at the call's start.
func waitAcked(t *testing.T, ack *acked, n int) {
	t.Helper()
	want := ack.n() + n
	deadline := time.Now().Add(10 * time.Second)
	for ack.n() < want {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writes acknowledged within 10 s", ack.n(), want)
		}
		time.Sleep(10 * time.Millisecond) // polling the count of acknowledged writes
	}
}

// TestCrashKeepsAcknowledgedWrites: portvakt killed with SIGKILL in the middle of concurrent
// writes (web forms and a host command), five times, starts again on the same folder with an
// intact database (integrity_check ok, no foreign key violations), every acknowledged write
// present and its audit entry with it. Then `portvakt backup` taken under write load gives a
// copy that portvakt starts on, holding every write acknowledged before the backup began.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts portvakt under load (a few seconds)")
	}
	t.Parallel()
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	admin := adminCookie(t, data, "it@example.se")
	ack := &acked{}
	for round := range 5 {
		p := startProcess(t, data)
		stop := writeLoad(t, p.URL, data, admin, fmt.Sprintf("crash%d", round), ack)
		waitAcked(t, ack, 60+40*round) // mid-stream, at a different point each round
		p.kill(t)
		stop()
		if t.Failed() {
			t.FailNow()
		}
	}

	p := startProcess(t, data)
	st := openStore(t, data)
	db := storetest.DB(t, st)
	users, domains := ack.snapshot()
	if checkDatabase(t, db, users, domains); !t.Failed() {
		t.Logf("%d users and %d domains acknowledged across 5 kills, all present", len(users), len(domains))
	}

	// A backup under write load is consistent, and portvakt starts on it.
	stop := writeLoad(t, p.URL, data, admin, "backup", ack)
	waitAcked(t, ack, 30)
	before, beforeDomains := ack.snapshot()
	backup := filepath.Join(t.TempDir(), "portvakt.db")
	out, err := runCLI(t, "", "backup", "--data", data, backup)
	waitAcked(t, ack, 30) // writes went on during the backup
	stop()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	p.stop(t)

	restored := t.TempDir()
	if err := os.Rename(backup, filepath.Join(restored, "portvakt.db")); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(data, "portvakt.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "portvakt.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	p = startProcess(t, restored)
	if r := newWebClient(t, p.URL, admin).get("/users?q=crash0"); r.status != http.StatusOK {
		t.Errorf("the administrator's session from before the backup: GET /users answers %d", r.status)
	}
	checkDatabase(t, storetest.DB(t, openStore(t, restored)), before, beforeDomains)
	p.stop(t)
}

// checkDatabase checks that the database is intact and holds every user and domain, each with
// the audit entry of its creation.
func checkDatabase(t *testing.T, db *sql.DB, users, domains []string) {
	t.Helper()
	var integrity string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check: %q, %v", integrity, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check found violations")
	}
	rows.Close()
	have := func(query string) map[string]bool {
		t.Helper()
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		set := map[string]bool{}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			set[s] = true
		}
		return set
	}
	for _, c := range []struct {
		what, rows, audit string
		want              []string
	}{
		{"user", "SELECT email FROM users", "SELECT target FROM audit_log WHERE action = 'user.create'", users},
		{"domain", "SELECT name FROM domains", "SELECT target FROM audit_log WHERE action = 'domain.add'", domains},
	} {
		present, audited := have(c.rows), have(c.audit)
		missing, unaudited := 0, 0
		for _, w := range c.want {
			if !present[w] {
				missing++
				if missing <= 5 {
					t.Errorf("acknowledged %s %s is missing", c.what, w)
				}
			}
			if !audited[w] {
				unaudited++
				if unaudited <= 5 {
					t.Errorf("acknowledged %s %s has no audit entry", c.what, w)
				}
			}
		}
		if missing+unaudited > 0 {
			t.Errorf("%d of %d acknowledged %ss missing, %d without an audit entry", missing, len(c.want), c.what, unaudited)
		}
	}
}
