package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/miekg/dns"
)

// DefaultTimeout bounds a check when Checker.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// resolvConf is where the system resolver is configured.
const resolvConf = "/etc/resolv.conf"

// Outcome is what a check found. Its values are stable and may be stored.
type Outcome string

// The outcomes of a check.
const (
	// Verified means a TXT record holds exactly the expected value.
	Verified Outcome = "verified"
	// NotFound means the name does not exist (NXDOMAIN) or has no TXT
	// records.
	NotFound Outcome = "not_found"
	// WrongValue means TXT records exist but none holds the expected
	// value; Result.Found lists what they hold.
	WrongValue Outcome = "wrong_value"
	// DNSError means the server answered with an error such as SERVFAIL
	// or REFUSED (Result.Rcode says which), or could not be reached.
	DNSError Outcome = "dns_error"
	// Timeout means no answer came within the timeout.
	Timeout Outcome = "timeout"
	// Cancelled means the caller's context ended the check; it says
	// nothing about the domain.
	Cancelled Outcome = "cancelled"
)

// Outcomes lists every outcome of a check, for the texts that explain them.
var Outcomes = []Outcome{Verified, NotFound, WrongValue, DNSError, Timeout, Cancelled}

// Limits on what a Result carries back from an untrusted server.
const (
	maxFound      = 10
	maxFoundBytes = 300
)

// Result is what one check found.
type Result struct {
	// Outcome sums the check up.
	Outcome Outcome
	// Found holds the values of the TXT records found, each with its
	// character-strings joined, when Outcome is WrongValue (and Verified).
	Found []string
	// Rcode names the DNS error, such as "SERVFAIL", when Outcome is
	// DNSError because of the server's answer.
	Rcode string
	// Detail describes the check for the log: server, name, and error.
	Detail string
}

// Checker looks up verification records. The zero value uses the system
// resolver and DefaultTimeout.
type Checker struct {
	// Server is the DNS server to ask, as host:port (port 53 when left
	// out). Empty means the servers in /etc/resolv.conf.
	Server string
	// Timeout bounds each check, including a retry over TCP.
	Timeout time.Duration
}

// Check looks up the TXT record RecordName(domain) and compares each value
// exactly with RecordValue(token). It never takes longer than the timeout
// and returns early when ctx ends.
func (c *Checker) Check(ctx context.Context, domain, token string) Result {
	name := dns.Fqdn(RecordName(domain))
	if _, ok := dns.IsDomainName(name); !ok || domain == "" {
		return Result{Outcome: DNSError, Detail: fmt.Sprintf("dnscheck: invalid name %q", name)}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	servers, err := c.servers()
	if err != nil {
		return Result{Outcome: DNSError, Detail: err.Error()}
	}
	var res Result
	for _, server := range servers {
		reply, err := exchange(ctx, name, server)
		if err != nil {
			res = failure(ctx, err)
			res.Detail = fmt.Sprintf("dnscheck: TXT %s at %s: %v", name, server, err)
			if res.Outcome == DNSError {
				continue // unreachable: try the next server
			}
			return res
		}
		res = judge(reply, name, RecordValue(token))
		res.Detail = fmt.Sprintf("dnscheck: TXT %s at %s: %s", name, server, res.Detail)
		return res
	}
	return res
}

// servers returns the servers to ask, in order.
func (c *Checker) servers() ([]string, error) {
	if c.Server != "" {
		if _, _, err := net.SplitHostPort(c.Server); err != nil {
			return []string{net.JoinHostPort(c.Server, "53")}, nil
		}
		return []string{c.Server}, nil
	}
	conf, err := dns.ClientConfigFromFile(resolvConf)
	if err != nil {
		return nil, fmt.Errorf("dnscheck: read %s: %w", resolvConf, err)
	}
	if len(conf.Servers) == 0 {
		return nil, fmt.Errorf("dnscheck: no nameserver in %s", resolvConf)
	}
	servers := make([]string, 0, len(conf.Servers))
	for _, s := range conf.Servers {
		servers = append(servers, net.JoinHostPort(s, conf.Port))
	}
	return servers, nil
}

// failure classifies an error from exchange.
func failure(ctx context.Context, err error) Result {
	var nerr net.Error
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return Result{Outcome: Cancelled}
	case ctx.Err() != nil, errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &nerr) && nerr.Timeout():
		return Result{Outcome: Timeout}
	default:
		return Result{Outcome: DNSError}
	}
}
