package main

import (
	"io"
	"testing"
)

func TestParseServeInsecureIssuersFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want bool
	}{
		{name: "off by default"},
		{name: "on with the flag", args: []string{"--allow-insecure-issuers"}, want: true},
		{name: "on with the environment", env: map[string]string{"PORTVAKT_ALLOW_INSECURE_ISSUERS": "true"}, want: true},
		{name: "the flag wins over the environment", args: []string{"--allow-insecure-issuers=false"},
			env: map[string]string{"PORTVAKT_ALLOW_INSECURE_ISSUERS": "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseServe(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.insecureIdPs; got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
