package dnstest

import (
	"net"
	"time"

	"github.com/miekg/dns"
)

// ServeDNS answers one query from the records set on the server.
func (s *Server) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	if len(r.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	name := dns.CanonicalName(q.Name)

	s.mu.Lock()
	s.queries = append(s.queries, name)
	var e entry
	if found := s.names[name]; found != nil {
		e = *found
		e.txt = append([][]string(nil), found.txt...)
	}
	s.mu.Unlock()

	time.Sleep(e.delay)
	switch {
	case e.silent:
		return
	case e.rcode != 0:
		m.Rcode = e.rcode
	case !e.exists:
		m.Rcode = dns.RcodeNameError
	default:
		m.Authoritative = true
		if q.Qtype == dns.TypeTXT || q.Qtype == dns.TypeANY {
			for _, txt := range e.txt {
				m.Answer = append(m.Answer, &dns.TXT{
					Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60},
					Txt: txt,
				})
			}
		}
	}
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		// Like a real server, send over UDP only what fits and set TC so
		// that the client asks again over TCP.
		size := dns.MinMsgSize
		if opt := r.IsEdns0(); opt != nil {
			size = int(opt.UDPSize())
		}
		m.Truncate(size)
	}
	_ = w.WriteMsg(m)
}
