package main

import (
	"fmt"
	"net"
	"strings"
)

// parseTrustedProxies reads --trusted-proxies: comma-separated CIDR ranges, such as
// "10.0.0.0/8, ::1/128". Empty means no proxy is trusted.
func parseTrustedProxies(s string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies must be comma-separated CIDR ranges, like 10.0.0.0/8 or 192.0.2.10/32, not %q", part)
		}
		nets = append(nets, n)
	}
	return nets, nil
}
