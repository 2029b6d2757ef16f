package dnscheck

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// ednsSize is the UDP payload size offered to servers (the DNS flag day
// 2020 value, which avoids IP fragmentation).
const ednsSize = 1232

// exchange asks server for the TXT records of name over UDP, and again over
// TCP when the answer was truncated.
func exchange(ctx context.Context, name, server string) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeTXT)
	m.RecursionDesired = true
	m.SetEdns0(ednsSize, false)

	reply, err := exchangeOver(ctx, "udp", m, server)
	if err == nil && reply.Truncated {
		reply, err = exchangeOver(ctx, "tcp", m, server)
	}
	return reply, err
}

// exchangeOver sends m over network and waits for the reply. Closing the
// connection when ctx ends interrupts the wait even when ctx carries no
// deadline, which miekg/dns alone would not do.
func exchangeOver(ctx context.Context, network string, m *dns.Msg, server string) (*dns.Msg, error) {
	// The dial and the exchange both honour ctx's deadline; the client's own timeouts (2 s by
	// default for each of dial, write and read) are set to it, or they would cut the wait short.
	client := &dns.Client{Net: network}
	if deadline, ok := ctx.Deadline(); ok {
		client.Timeout = time.Until(deadline)
	}
	conn, err := client.DialContext(ctx, server)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", network, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	reply, _, err := client.ExchangeWithConnContext(ctx, m, conn)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", network, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %w", network, err)
	}
	return reply, nil
}

// judge reads the reply to a query for qname and compares its TXT values
// with want.
func judge(reply *dns.Msg, qname, want string) Result {
	switch reply.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return Result{Outcome: NotFound, Detail: "NXDOMAIN"}
	default:
		rcode := dns.RcodeToString[reply.Rcode]
		if rcode == "" {
			rcode = fmt.Sprintf("RCODE%d", reply.Rcode)
		}
		return Result{Outcome: DNSError, Rcode: rcode, Detail: rcode}
	}
	var found []string
	verified := false
	for _, rr := range reply.Answer {
		txt, ok := rr.(*dns.TXT)
		// Only records owned by the asked name count: a CNAME target or
		// stray record elsewhere proves nothing about this domain.
		if !ok || !strings.EqualFold(txt.Hdr.Name, qname) {
			continue
		}
		value := strings.Join(txt.Txt, "")
		if value == want {
			verified = true
		}
		found = append(found, value)
	}
	switch {
	case verified:
		return Result{Outcome: Verified, Found: clip(found), Detail: "verified"}
	case len(found) == 0:
		return Result{Outcome: NotFound, Detail: "NOERROR, no TXT records"}
	default:
		return Result{Outcome: WrongValue, Found: clip(found),
			Detail: fmt.Sprintf("%d TXT records, none matches", len(found))}
	}
}

// clip bounds how much of what a server sent is kept and shown.
func clip(values []string) []string {
	if len(values) > maxFound {
		values = values[:maxFound]
	}
	out := make([]string, len(values))
	for i, v := range values {
		if len(v) > maxFoundBytes {
			v = strings.ToValidUTF8(v[:maxFoundBytes], "") + "…"
		}
		out[i] = v
	}
	return out
}
