package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseServeConfirmWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    time.Duration
		wantErr string
	}{
		{name: "defaults to 10 minutes", want: 10 * time.Minute},
		{name: "reads the flag", args: []string{"--confirm-window", "30m"}, want: 30 * time.Minute},
		{name: "reads the environment", env: map[string]string{"PORTVAKT_CONFIRM_WINDOW": "2h"}, want: 2 * time.Hour},
		{name: "takes a short window for tests", args: []string{"--confirm-window", "10s"}, want: 10 * time.Second},
		{name: "refuses a window too short to sign in again", args: []string{"--confirm-window", "5s"}, wantErr: "--confirm-window must be between 10s and 24h0m0s"},
		{name: "refuses more than a day", args: []string{"--confirm-window", "25h"}, wantErr: "--confirm-window"},
		{name: "refuses zero", env: map[string]string{"PORTVAKT_CONFIRM_WINDOW": "0s"}, wantErr: "--confirm-window"},
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
			if err != nil || c.confirmWindow != tt.want {
				t.Fatalf("window = %s, %v; want %s", c.confirmWindow, err, tt.want)
			}
		})
	}
}
