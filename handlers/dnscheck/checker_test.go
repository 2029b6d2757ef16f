package dnscheck_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/dnscheck/dnstest"
)

const (
	domain = "example.se"
	record = "_portvakt-challenge.example.se"
	token  = "n2b6uxq4a7kq3mdzv5w3jz3c4e6r7y2f"
)

var want = dnscheck.RecordValue(token)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(s *dnstest.Server)
		outcome   dnscheck.Outcome
		found     []string
		rcode     string
		mentioned string // must appear in Detail
	}{
		{
			name:    "verifies the exact value",
			setup:   func(s *dnstest.Server) { s.SetTXT(record, want) },
			outcome: dnscheck.Verified,
			found:   []string{want},
		},
		{
			name:      "reports a missing name as not found",
			setup:     func(s *dnstest.Server) {},
			outcome:   dnscheck.NotFound,
			mentioned: "NXDOMAIN",
		},
		{
			name:      "reports a name without TXT records as not found",
			setup:     func(s *dnstest.Server) { s.SetTXT(record) },
			outcome:   dnscheck.NotFound,
			mentioned: "no TXT",
		},
		{
			name:    "shows the values of a record with another token",
			setup:   func(s *dnstest.Server) { s.SetTXT(record, dnscheck.RecordValue("old"), "v=spf1 -all") },
			outcome: dnscheck.WrongValue,
			found:   []string{dnscheck.RecordValue("old"), "v=spf1 -all"},
		},
		{
			name:    "compares the token case-sensitively",
			setup:   func(s *dnstest.Server) { s.SetTXT(record, dnscheck.RecordValue(strings.ToUpper(token))) },
			outcome: dnscheck.WrongValue,
			found:   []string{dnscheck.RecordValue(strings.ToUpper(token))},
		},
		{
			name:    "refuses a value with extra text",
			setup:   func(s *dnstest.Server) { s.SetTXT(record, want+" ") },
			outcome: dnscheck.WrongValue,
			found:   []string{want + " "},
		},
		{
			name:    "verifies when one of several records matches",
			setup:   func(s *dnstest.Server) { s.SetTXT(record, "first", want, "third") },
			outcome: dnscheck.Verified,
			found:   []string{"first", want, "third"},
		},
		{
			name:    "joins a value split into several strings",
			setup:   func(s *dnstest.Server) { s.AddSplitTXT(record, "portvakt-veri", "fication=", token) },
			outcome: dnscheck.Verified,
			found:   []string{want},
		},
		{
			name: "asks again over TCP when the answer is truncated",
			setup: func(s *dnstest.Server) {
				values := []string{}
				for i := range 20 {
					values = append(values, fmt.Sprintf("filler-%02d-%s", i, strings.Repeat("x", 200)))
				}
				s.SetTXT(record, append(values, want)...)
			},
			outcome: dnscheck.Verified,
		},
		{
			name:      "reports SERVFAIL",
			setup:     func(s *dnstest.Server) { s.SetRcode(record, dns.RcodeServerFailure) },
			outcome:   dnscheck.DNSError,
			rcode:     "SERVFAIL",
			mentioned: "SERVFAIL",
		},
		{
			name:    "reports REFUSED",
			setup:   func(s *dnstest.Server) { s.SetRcode(record, dns.RcodeRefused) },
			outcome: dnscheck.DNSError,
			rcode:   "REFUSED",
		},
		{
			name:    "never verifies the parent with a subdomain's record",
			setup:   func(s *dnstest.Server) { s.SetTXT("_portvakt-challenge.sub.example.se", want) },
			outcome: dnscheck.NotFound,
		},
		{
			name:    "never verifies with a record on the domain itself",
			setup:   func(s *dnstest.Server) { s.SetTXT(domain, want) },
			outcome: dnscheck.NotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := dnstest.Start(t)
			tt.setup(srv)
			c := &dnscheck.Checker{Server: srv.Addr(), Timeout: 2 * time.Second}

			got := c.Check(context.Background(), domain, token)

			if got.Outcome != tt.outcome {
				t.Fatalf("Outcome = %q (%s), want %q", got.Outcome, got.Detail, tt.outcome)
			}
			if tt.found != nil && !slices.Equal(got.Found, tt.found) {
				t.Errorf("Found = %q, want %q", got.Found, tt.found)
			}
			if got.Rcode != tt.rcode {
				t.Errorf("Rcode = %q, want %q", got.Rcode, tt.rcode)
			}
			if !strings.Contains(got.Detail, tt.mentioned) || !strings.Contains(got.Detail, srv.Addr()) {
				t.Errorf("Detail = %q, want it to name the server and %q", got.Detail, tt.mentioned)
			}
			if queries := srv.Queries(); len(queries) == 0 || queries[0] != record+"." {
				t.Errorf("queries = %q, want the first to be %q", queries, record+".")
			}
		})
	}
}

func TestCheckTimesOut(t *testing.T) {
	t.Parallel()
	srv := dnstest.Start(t)
	srv.SetTXT(record, want)
	srv.SetSilent(record, true)
	c := &dnscheck.Checker{Server: srv.Addr(), Timeout: 300 * time.Millisecond}

	start := time.Now()
	got := c.Check(context.Background(), domain, token)
	elapsed := time.Since(start)

	if got.Outcome != dnscheck.Timeout {
		t.Errorf("Outcome = %q (%s), want %q", got.Outcome, got.Detail, dnscheck.Timeout)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Check took %v with a timeout of 300ms", elapsed)
	}
}

// TestCheckWaitsAsLongAsItsTimeout: a server that answers after the DNS client's own default
// read timeout (2 s) is still heard when the check's timeout is longer.
func TestCheckWaitsAsLongAsItsTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 2.5 s for a slow server")
	}
	srv := dnstest.Start(t)
	srv.SetTXT(record, want)
	srv.SetDelay(record, 2500*time.Millisecond)
	c := &dnscheck.Checker{Server: srv.Addr(), Timeout: 5 * time.Second}
	if got := c.Check(context.Background(), domain, token); got.Outcome != dnscheck.Verified {
		t.Errorf("Outcome = %q (%s), want %q", got.Outcome, got.Detail, dnscheck.Verified)
	}
}

func TestCheckHonoursCancellation(t *testing.T) {
	t.Parallel()
	srv := dnstest.Start(t)
	srv.SetSilent(record, true)
	c := &dnscheck.Checker{Server: srv.Addr(), Timeout: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())

	done := make(chan dnscheck.Result)
	go func() { done <- c.Check(ctx, domain, token) }()
	// Cancel once the server has seen the query, so that the check is
	// surely waiting for an answer.
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Queries()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server saw no query within 10 s")
		}
		select {
		case got := <-done:
			t.Fatalf("Check returned %q before cancellation", got.Outcome)
		default:
			time.Sleep(time.Millisecond) // polling the server's query log
		}
	}
	cancel()

	select {
	case got := <-done:
		if got.Outcome != dnscheck.Cancelled {
			t.Errorf("Outcome = %q (%s), want %q", got.Outcome, got.Detail, dnscheck.Cancelled)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Check did not return within 5s of cancellation")
	}
}

func TestCheckRecoversFromSilence(t *testing.T) {
	t.Parallel()
	srv := dnstest.Start(t)
	srv.SetTXT(record, want)
	c := &dnscheck.Checker{Server: srv.Addr(), Timeout: 300 * time.Millisecond}

	srv.SetSilent(record, true)
	if got := c.Check(context.Background(), domain, token); got.Outcome != dnscheck.Timeout {
		t.Fatalf("silent server: Outcome = %q, want %q", got.Outcome, dnscheck.Timeout)
	}
	srv.SetSilent(record, false)
	if got := c.Check(context.Background(), domain, token); got.Outcome != dnscheck.Verified {
		t.Errorf("answering again: Outcome = %q (%s), want %q", got.Outcome, got.Detail, dnscheck.Verified)
	}
}

func TestCheckUnreachableServer(t *testing.T) {
	t.Parallel()
	c := &dnscheck.Checker{Server: closedPort(t), Timeout: 2 * time.Second}

	got := c.Check(context.Background(), domain, token)

	if got.Outcome != dnscheck.DNSError {
		t.Errorf("Outcome = %q (%s), want %q", got.Outcome, got.Detail, dnscheck.DNSError)
	}
	if got.Rcode != "" {
		t.Errorf("Rcode = %q, want none: no server answered", got.Rcode)
	}
}

// closedPort returns a loopback UDP address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	if err := pc.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
