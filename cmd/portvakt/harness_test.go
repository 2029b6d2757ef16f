package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portvakt/store"
)

// How a test of this package stays fast (serve_*, cli_*, browser_* files alike):
//
//   - It calls t.Parallel(), unless it changes something of the whole process (the working
//     directory, the umask, the environment), and then says so.
//   - startPortvakt runs portvakt inside the test process, on the test's own data folder and a
//     free port, and returns once /readyz answers: no binary is built, nothing is installed.
//   - newBrowser opens a fresh browser context (its own cookies and storage) in the package's one
//     Chromium per language, started by the first browser test and stopped by TestMain: a test
//     never starts a Chromium of its own. Browser tests skip under -short.
//   - It waits for the event itself (the page changing, with chromedp.Poll; a row in the outbox;
//     /readyz), each wait with a deadline, never a sleep of a guessed length.
//   - b.axe() checks each new page state; b.shot(name) checks the phone width and writes
//     screenshots only when PORTVAKT_SCREENSHOTS is set.
//
// TestMain (browser_harness_test.go) runs four tests at once, since they mostly wait on Chromium,
// collects garbage less often, makes serve and the user commands hash passwords at the cheap
// test cost (passwordHasher), and gives each serve a signing key from four made once
// (signingKeyMaker).

// instance is portvakt started in-process by run(), on a temporary data folder and a free
// loopback port, exactly as `portvakt serve` runs.
type instance struct {
	URL    string
	Data   string
	stdout *lockedBuffer
	stop   context.CancelFunc
	done   chan error
}

// startPortvakt runs portvakt with extra serve flags and waits until /readyz answers.
func startPortvakt(t *testing.T, env map[string]string, extra ...string) *instance {
	t.Helper()
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	pr, pw := io.Pipe()
	inst := &instance{Data: data, stdout: out, stop: cancel, done: make(chan error, 1)}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, extra...)
	getenv := func(k string) string { return env[k] }
	go func() {
		err := run(ctx, args, getenv, strings.NewReader(""), pw, io.Discard)
		pw.Close()
		inst.done <- err
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if m := listeningRE.FindStringSubmatch(line); m != nil && !sent {
				urlc <- m[1]
				sent = true
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-inst.done; err != nil {
			t.Errorf("portvakt stopped with an error: %v", err)
		}
	})
	select {
	case inst.URL = <-urlc:
	case err := <-inst.done:
		t.Fatalf("portvakt did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("portvakt did not print its address within a minute")
	}
	waitReady(t, inst.URL)
	return inst
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// waitReady polls /readyz until it answers 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond) // polling a readiness probe, not waiting blind
	}
	t.Fatalf("%s/readyz did not answer 200 within 30 s", base)
}

// setupLink returns the one-time setup link portvakt printed.
func (in *instance) setupLink(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`http://\S+/setup\?token=\S+`).FindString(in.stdout.String())
	if m == "" {
		t.Fatalf("no setup link in the output:\n%s", in.stdout.String())
	}
	return m
}

// lockedBuffer is a strings.Builder safe for one writer and many readers.
type lockedBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *lockedBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sb.WriteString(s)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// screenshotDir is where browser tests write their screenshots, for people to look at.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// openStore opens the data folder's database beside a running portvakt (SQLite WAL), as the
// user and recover commands do, closed when the test ends.
func openStore(t *testing.T, data string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, "portvakt.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testPassword is the password of the users the tests create.
const testPassword = "en lång och bra fras"

// addUser creates a user with a verified e-mail, testPassword and access to Authentication
// Settings while portvakt runs, with the user commands; extra goes to `user add` (e.g. --admin).
func addUser(t *testing.T, pv *instance, email, name string, extra ...string) {
	t.Helper()
	args := append([]string{"user", "add", "--data", pv.Data, "--email", email, "--name", name,
		"--verified", "--password-stdin"}, extra...)
	if out, err := runCLI(t, testPassword+"\n", args...); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "", "user", "grant", "--data", pv.Data, "--email", email); err != nil {
		t.Fatalf("user grant: %v\n%s", err, out)
	}
}

// signIn signs in with the e-mail and testPassword through the sign-in pages.
func signIn(b *browser, pv *instance, email string) {
	b.t.Helper()
	b.open(pv.URL + "/login")
	b.fill("email", email)
	b.click("[data-testid=login-next]")
	b.fill("password", testPassword)
	b.click("[data-testid=login-submit]")
}
