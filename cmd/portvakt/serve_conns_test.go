package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// dialRaw opens a TCP connection to the instance and sends raw, possibly unfinished, HTTP.
func dialRaw(t *testing.T, inst *instance, send string) net.Conn {
	t.Helper()
	u, err := url.Parse(inst.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, send); err != nil {
		t.Fatal(err)
	}
	return c
}

// readAnswer reads one response from c within five seconds.
func readAnswer(t *testing.T, c net.Conn, br *bufio.Reader) (*http.Response, string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// TestShutdownIsNotHeldBySlowClients: at shutdown an idle kept-alive connection, a client still
// sending its headers and one sending its body slowly are all closed at once, and the stop is
// clean (no error, exit status 0) well within the grace period.
func TestShutdownIsNotHeldBySlowClients(t *testing.T) {
	inst := startPortvakt(t, nil)
	idle := dialRaw(t, inst, "GET /readyz HTTP/1.1\r\nHost: portvakt\r\n\r\n")
	if resp, _ := readAnswer(t, idle, bufio.NewReader(idle)); resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %d", resp.StatusCode)
	}
	slowHeaders := dialRaw(t, inst, "GET / HTTP/1.1\r\nHost: portvakt\r\n")
	slowBody := dialRaw(t, inst, "POST /login HTTP/1.1\r\nHost: portvakt\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a")
	time.Sleep(300 * time.Millisecond) // let the server read what was sent
	start := time.Now()
	inst.stop()
	var err error
	select {
	case err = <-inst.done:
		inst.done <- err // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("portvakt did not stop within 10 s with slow clients connected")
	}
	if err != nil {
		t.Errorf("stop with slow clients connected: %v, want a clean stop", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("shutdown took %s, want the slow clients closed at once", took)
	}
	for name, c := range map[string]net.Conn{"idle": idle, "slow headers": slowHeaders, "slow body": slowBody} {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err := io.ReadAll(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("%s connection still open after shutdown", name)
		}
	}
}

// TestConnectionLimit: past --max-connections a new connection gets a 503 that says why in both
// languages, with Retry-After, instead of waiting unseen; once a connection closes, a new one is
// served. Out-of-range values are refused at start.
func TestConnectionLimit(t *testing.T) {
	for _, v := range []string{"5", "1000000", "many"} {
		if _, err := parseServe([]string{"--max-connections", v}, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("--max-connections %s accepted", v)
		}
	}
	inst := startPortvakt(t, nil, "--max-connections", "16")
	var held []net.Conn
	for i := 0; i < 16; i++ {
		c := dialRaw(t, inst, "GET /healthz HTTP/1.1\r\nHost: portvakt\r\n\r\n")
		readAnswer(t, c, bufio.NewReader(c))
		held = append(held, c)
	}
	over := dialRaw(t, inst, "GET /readyz HTTP/1.1\r\nHost: portvakt\r\n\r\n")
	resp, body := readAnswer(t, over, bufio.NewReader(over))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, "Too many connections") || !strings.Contains(body, "För många anslutningar") {
		t.Fatalf("past the limit: %d %q %q", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	held[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := dialRaw(t, inst, "GET /readyz HTTP/1.1\r\nHost: portvakt\r\n\r\n")
		resp, _ := readAnswer(t, c, bufio.NewReader(c))
		c.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a connection closed: status %d, want 200", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond) // waiting for the server to see the close
	}
}
