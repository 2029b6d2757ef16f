package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestMailFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		wantLog string
	}{
		{name: "without --smtp mail stays in the outbox", wantLog: "mail is kept in the outbox"},
		{name: "STARTTLS from the environment", env: map[string]string{
			"PORTVAKT_SMTP": "smtp://relay:secret@mail.example.se:587", "PORTVAKT_MAIL_FROM": "portvakt <portvakt@example.se>",
		}, wantLog: "sending through smtp://relay@mail.example.se:587"},
		{name: "flags", args: []string{"--smtp", "smtps://mail.example.se", "--mail-from", "portvakt@example.se"},
			wantLog: "sending through smtps://mail.example.se:465"},
		{name: "--smtp needs --mail-from", args: []string{"--smtp", "smtps://mail.example.se"}, wantErr: "--mail-from is required"},
		{name: "credentials without TLS are refused", args: []string{"--smtp", "smtp://u:p@mail.example.se:25?starttls=false", "--mail-from", "a@example.se"},
			wantErr: "without TLS"},
		{name: "a misspelt option is refused", args: []string{"--smtp", "smtp://mail.example.se?startls=false", "--mail-from", "a@example.se"},
			wantErr: "unknown option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServe(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			var logs bytes.Buffer
			if err == nil {
				_, err = mailSender(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(logs.String(), tt.wantLog) || strings.Contains(logs.String(), "secret") {
				t.Errorf("log = %q, want %q and no password", logs.String(), tt.wantLog)
			}
		})
	}
}
