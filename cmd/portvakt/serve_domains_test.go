package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseServeDNSFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		server  string
		timeout time.Duration
		recheck time.Duration
		wantErr string
	}{
		{name: "defaults to the system resolver, 5 s and 12 h", timeout: 5 * time.Second, recheck: 12 * time.Hour},
		{name: "reads flags", args: []string{"--dns-server", "127.0.0.1:5353", "--dns-timeout", "2s", "--domain-recheck", "1h"},
			server: "127.0.0.1:5353", timeout: 2 * time.Second, recheck: time.Hour},
		{name: "reads the environment", env: map[string]string{"PORTVAKT_DNS_SERVER": "[::1]:53", "PORTVAKT_DNS_TIMEOUT": "3s", "PORTVAKT_DOMAIN_RECHECK": "0"},
			server: "[::1]:53", timeout: 3 * time.Second, recheck: 0},
		{name: "prefers flags to the environment", args: []string{"--dns-server", "127.0.0.1:53"}, env: map[string]string{"PORTVAKT_DNS_SERVER": "127.0.0.2:53"},
			server: "127.0.0.1:53", timeout: 5 * time.Second, recheck: 12 * time.Hour},
		{name: "refuses a server without port", args: []string{"--dns-server", "127.0.0.1"}, wantErr: "--dns-server must be host:port"},
		{name: "refuses a zero timeout", args: []string{"--dns-timeout", "0s"}, wantErr: "--dns-timeout"},
		{name: "refuses a timeout of minutes", args: []string{"--dns-timeout", "5m"}, wantErr: "--dns-timeout"},
		{name: "refuses a negative re-check interval", args: []string{"--domain-recheck", "-1h"}, wantErr: "--domain-recheck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseServe(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.dnsServer != tt.server || c.dnsTimeout != tt.timeout || c.domainRecheck != tt.recheck {
				t.Errorf("got server %q, timeout %s, re-check %s; want %q, %s, %s",
					c.dnsServer, c.dnsTimeout, c.domainRecheck, tt.server, tt.timeout, tt.recheck)
			}
		})
	}
}
