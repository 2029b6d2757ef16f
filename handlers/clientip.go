package handlers

import (
	"net"

	"github.com/labstack/echo/v4"
)

// clientIPExtractor says where a request comes from, for the sign-in limits, sessions and the
// audit log. With no trusted proxies it is the direct peer and X-Forwarded-For is ignored. With
// trusted proxies, X-Forwarded-For is read from the right, and the first address that is not a
// trusted proxy is the client; a request whose direct peer is not trusted keeps the peer's
// address, whatever the header says. echo trusts loopback, link-local and private addresses by
// default: that is switched off, so only the configured ranges are trusted.
func clientIPExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
