package main

import (
	"io"
	"strings"
	"testing"
)

func TestParseServeTrustedProxies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    []string
		wantErr string
	}{
		{name: "trusts no proxy by default"},
		{name: "reads comma-separated ranges", args: []string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.10/32,::1/128"},
			want: []string{"10.0.0.0/8", "192.0.2.10/32", "::1/128"}},
		{name: "reads the environment", env: map[string]string{"PORTVAKT_TRUSTED_PROXIES": "172.16.0.0/12"}, want: []string{"172.16.0.0/12"}},
		{name: "prefers the flag to the environment", args: []string{"--trusted-proxies", "10.1.0.0/16"},
			env: map[string]string{"PORTVAKT_TRUSTED_PROXIES": "172.16.0.0/12"}, want: []string{"10.1.0.0/16"}},
		{name: "refuses an address without a prefix length", args: []string{"--trusted-proxies", "10.0.0.1"},
			wantErr: `--trusted-proxies must be comma-separated CIDR ranges, like 10.0.0.0/8 or 192.0.2.10/32, not "10.0.0.1"`},
		{name: "refuses a host name", args: []string{"--trusted-proxies", "10.0.0.0/8,proxy.example.se/32"}, wantErr: `not "proxy.example.se/32"`},
		{name: "refuses a prefix too long", args: []string{"--trusted-proxies", "10.0.0.0/33"}, wantErr: `not "10.0.0.0/33"`},
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
			var got []string
			for _, n := range c.proxies {
				got = append(got, n.String())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
