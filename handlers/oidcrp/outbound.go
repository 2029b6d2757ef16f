package oidcrp

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Every request to an identity provider (discovery, JWKS, token, UserInfo) goes through the
// one client NewHTTPClient builds: go-oidc and x/oauth2 take it from the context
// (oidc.ClientContext). A provider's address is typed in by an administrator, and the
// addresses it names in its discovery document are chosen by the provider, so the client
// must not become a way to reach what only portvakt's host can reach: it follows redirects
// only on the same scheme and host, refuses link-local and cloud metadata addresses when it
// connects, and reads answers only up to a size.

// RequestTimeout bounds every request to an identity provider.
const RequestTimeout = 10 * time.Second

// dialTimeout bounds making the connection, within RequestTimeout.
const dialTimeout = 5 * time.Second

// maxRedirects bounds the redirects followed on one request.
const maxRedirects = 3

// MaxResponse bounds the body of every answer from a provider. Discovery documents, key sets,
// token responses and UserInfo answers are a few KiB; the largest real ones stay far below.
const MaxResponse = 1 << 20

// ErrResponseTooLarge is returned while reading an answer longer than MaxResponse.
var ErrResponseTooLarge = fmt.Errorf("oidcrp: answer longer than %d bytes", MaxResponse)

// NewHTTPClient returns the client used for every request to identity providers.
func NewHTTPClient() *http.Client {
	d := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: dialControl}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = d.DialContext
	t.ResponseHeaderTimeout = RequestTimeout
	t.TLSHandshakeTimeout = dialTimeout
	return &http.Client{
		Timeout:       RequestTimeout,
		Transport:     &limitTransport{base: t},
		CheckRedirect: checkRedirect,
	}
}

// RedirectError reports a redirect that was not followed.
type RedirectError struct {
	From, To string // From is the first request's address; empty when TooMany
	// TooMany is true when the redirect was refused because of the number before it.
	TooMany bool
}

// Error names both addresses, or the number of redirects.
func (e *RedirectError) Error() string {
	if e.TooMany {
		return fmt.Sprintf("oidcrp: stopped after %d redirects", maxRedirects)
	}
	return fmt.Sprintf("oidcrp: refusing redirect from %s to %s (another scheme or host)", e.From, e.To)
}

// checkRedirect follows a redirect only to the scheme and host (with port) of the first
// request: an https issuer must not send portvakt to an http or internal address.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return &RedirectError{To: req.URL.Redacted(), TooMany: true}
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
		return &RedirectError{From: first.Redacted(), To: req.URL.Redacted()}
	}
	return nil
}

// AddressError reports a connection refused because of the address it would go to.
type AddressError struct {
	Addr netip.Addr
}

// Error names the refused address.
func (e *AddressError) Error() string {
	return "oidcrp: refusing to connect to " + e.Addr.String() + ", a link-local, metadata or non-unicast address"
}

// dialControl runs after the name is resolved and before the connection is made, so it sees
// the address actually used: a name that resolves to a refused address (DNS rebinding
// included) is refused as well as the address itself.
func dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("oidcrp: unexpected dial address %q: %w", address, err)
	}
	if refusedAddress(ap.Addr()) {
		return &AddressError{Addr: ap.Addr().Unmap()}
	}
	return nil
}

// metadataAddrs are cloud metadata and platform services outside the link-local range.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),   // AWS instance metadata over IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud metadata
	netip.MustParseAddr("168.63.129.16"),   // Azure WireServer
}

// nat64 is the well-known NAT64 prefix (RFC 6052), through which an IPv4 address can be
// reached from IPv6.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// refusedAddress reports whether portvakt refuses to connect to a. Loopback and private
// addresses stay allowed: on-premises providers live there.
func refusedAddress(a netip.Addr) bool {
	a = a.Unmap()
	if nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:]))
	}
	switch {
	case !a.IsValid(), a.IsUnspecified(), a.IsLinkLocalUnicast(), a.IsMulticast(),
		a.Is4() && a.As4() == [4]byte{255, 255, 255, 255}, a.Is4() && a.As4()[0] == 0:
		return true
	}
	for _, m := range metadataAddrs {
		if a == m {
			return true
		}
	}
	return false
}

// limitTransport bounds the body of every answer. It also refuses a refused address written
// as such in the URL: when a proxy is set (HTTPS_PROXY), the dialer sees only the proxy's
// address, and names are then resolved by the proxy, whose own rules apply.
type limitTransport struct {
	base http.RoundTripper
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if a, err := netip.ParseAddr(req.URL.Hostname()); err == nil && refusedAddress(a) {
		return nil, &AddressError{Addr: a.Unmap()}
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: MaxResponse}
	return resp, nil
}

// limitedBody reads up to left bytes and fails with ErrResponseTooLarge if there are more.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var probe [1]byte
		n, err := b.rc.Read(probe[:])
		if n > 0 {
			return 0, ErrResponseTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
