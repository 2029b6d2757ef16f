// Package dnstest runs a real DNS server on 127.0.0.1 for tests. It answers
// over UDP and TCP on the same port from records the test sets, and can be
// told to fail a name with an rcode or to never answer it.
package dnstest

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// entry is what the server knows about one name.
type entry struct {
	exists bool          // the name exists (NOERROR), perhaps without TXT records
	txt    [][]string    // TXT records, each a list of character-strings
	rcode  int           // when non-zero, the answer's rcode instead of records
	silent bool          // never answer queries for the name
	delay  time.Duration // wait this long before answering
}

// Server is a DNS server on 127.0.0.1 that serves the TXT records a test
// sets. Names it does not know get NXDOMAIN. It is safe for concurrent use.
type Server struct {
	addr string

	mu      sync.Mutex
	names   map[string]*entry
	queries []string
}

// Start starts a server on an unused UDP and TCP port of 127.0.0.1 and stops
// it when the test ends. It returns once both listeners answer.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{names: make(map[string]*entry)}
	pc, ln := listen(t)
	s.addr = pc.LocalAddr().String()
	for _, srv := range []*dns.Server{
		{PacketConn: pc, Handler: s},
		{Listener: ln, Handler: s},
	} {
		started := make(chan struct{})
		failed := make(chan error, 1)
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { failed <- srv.ActivateAndServe() }()
		select {
		case <-started:
		case err := <-failed:
			t.Fatalf("dnstest: start server: %v", err)
		}
		t.Cleanup(func() { _ = srv.Shutdown() })
	}
	return s
}

// listen opens a UDP socket and a TCP listener on the same loopback port,
// retrying when another process holds the TCP side of the chosen port.
func listen(t testing.TB) (net.PacketConn, net.Listener) {
	t.Helper()
	var lastErr error
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("dnstest: listen udp: %v", err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		lastErr = err
		_ = pc.Close()
	}
	t.Fatalf("dnstest: listen tcp on the udp port: %v", lastErr)
	return nil, nil
}

// Addr returns the server's host:port, for UDP and TCP alike.
func (s *Server) Addr() string { return s.addr }

// SetTXT replaces the TXT records of name with one record per value. Values
// longer than 255 bytes are split into several character-strings, as DNS
// requires. With no values, the name exists but has no TXT records, so
// queries get NOERROR with an empty answer. It clears any rcode or silence
// set for the name.
func (s *Server) SetTXT(name string, values ...string) {
	records := make([][]string, 0, len(values))
	for _, v := range values {
		records = append(records, split(v))
	}
	s.set(name, &entry{exists: true, txt: records})
}

// AddSplitTXT adds one TXT record to name made of the given
// character-strings, which a client must join to read the value.
func (s *Server) AddSplitTXT(name string, parts ...string) {
	s.update(name, func(e *entry) {
		e.exists = true
		e.txt = append(e.txt, append([]string(nil), parts...))
	})
}

// Remove forgets name, so queries for it get NXDOMAIN.
func (s *Server) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.names, dns.CanonicalName(name))
}

// SetRcode makes every answer for name carry rcode (for example
// dns.RcodeServerFailure) and no records.
func (s *Server) SetRcode(name string, rcode int) {
	s.update(name, func(e *entry) { e.rcode = rcode })
}

// SetSilent makes the server drop queries for name without answering, so
// that clients time out, or answer them again.
func (s *Server) SetSilent(name string, silent bool) {
	s.update(name, func(e *entry) { e.silent = silent })
}

// SetDelay makes the server wait d before it answers queries for name, like a slow server far
// away.
func (s *Server) SetDelay(name string, d time.Duration) {
	s.update(name, func(e *entry) { e.delay = d })
}

// Queries returns the names asked for so far, in order, in canonical form
// (lower case, with the trailing dot).
func (s *Server) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.queries...)
}

func (s *Server) set(name string, e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[dns.CanonicalName(name)] = e
}

func (s *Server) update(name string, f func(*entry)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := dns.CanonicalName(name)
	e := s.names[key]
	if e == nil {
		e = &entry{}
		s.names[key] = e
	}
	f(e)
}

// split cuts v into character-strings of at most 255 bytes.
func split(v string) []string {
	parts := []string{}
	for len(v) > 255 {
		parts = append(parts, v[:255])
		v = v[255:]
	}
	return append(parts, v)
}
