package dnstest_test

import (
	"testing"

	"github.com/miekg/dns"

	"portvakt/handlers/dnscheck/dnstest"
)

func TestServer(t *testing.T) {
	t.Parallel()
	const name = "_portvakt-challenge.Example.se"
	tests := []struct {
		name      string
		setup     func(s *dnstest.Server)
		network   string
		wantRcode int
		wantTXT   int
	}{
		{"answers NXDOMAIN for unknown names", func(s *dnstest.Server) {}, "udp", dns.RcodeNameError, 0},
		{"serves TXT records over UDP", func(s *dnstest.Server) { s.SetTXT(name, "a", "b") }, "udp", dns.RcodeSuccess, 2},
		{"serves TXT records over TCP", func(s *dnstest.Server) { s.SetTXT(name, "a") }, "tcp", dns.RcodeSuccess, 1},
		{"matches names case-insensitively", func(s *dnstest.Server) { s.SetTXT("_PORTVAKT-challenge.example.SE.", "a") }, "udp", dns.RcodeSuccess, 1},
		{"forgets removed names", func(s *dnstest.Server) { s.SetTXT(name, "a"); s.Remove(name) }, "udp", dns.RcodeNameError, 0},
		{"answers with a set rcode", func(s *dnstest.Server) { s.SetTXT(name, "a"); s.SetRcode(name, dns.RcodeRefused) }, "udp", dns.RcodeRefused, 0},
		{"clears the rcode when records are set", func(s *dnstest.Server) { s.SetRcode(name, dns.RcodeRefused); s.SetTXT(name, "a") }, "udp", dns.RcodeSuccess, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnstest.Start(t)
			tt.setup(s)
			m := new(dns.Msg)
			m.SetQuestion(dns.Fqdn(name), dns.TypeTXT)

			reply, _, err := (&dns.Client{Net: tt.network}).Exchange(m, s.Addr())
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if reply.Rcode != tt.wantRcode || len(reply.Answer) != tt.wantTXT {
				t.Errorf("got rcode %s with %d records, want %s with %d",
					dns.RcodeToString[reply.Rcode], len(reply.Answer), dns.RcodeToString[tt.wantRcode], tt.wantTXT)
			}
		})
	}
}
