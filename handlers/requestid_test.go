package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portvakt/handlers"
	"portvakt/handlers/handlertest"
	"portvakt/store"
	"portvakt/store/storetest"
)

var requestIDForm = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// syncBuffer is a log sink the server writes to while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRequestIDFromTheClientIsUsedOnlyWhenItIsShortAndPlain: a client's X-Request-ID reaches the
// response, the request log and audit rows only when it matches [A-Za-z0-9._-]{1,64}; anything
// else (a spreadsheet formula, kilobytes of text) is replaced by an id portvakt makes.
func TestRequestIDFromTheClientIsUsedOnlyWhenItIsShortAndPlain(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	app := handlertest.New(t, handlertest.WithConfig(func(cfg *handlers.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}))
	app.User(t, "anna@example.se", handlertest.UserOpts{Verified: true})
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"a plain id is kept", "trace-01.abc_DEF", true},
		{"64 characters are kept", strings.Repeat("a", 64), true},
		{"65 characters are replaced", strings.Repeat("a", 65), false},
		{"a formula is replaced", `=HYPERLINK("http://evil.example","x")`, false},
		{"10 kB are replaced", strings.Repeat("x", 10000), false},
		{"spaces and quotes are replaced", `a b"c`, false},
		{"non-ASCII letters are replaced", "åäö", false},
		{"none gives a fresh one", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.Client()
			csrf := c.CSRF(t)
			if r := c.Post(t, "/login", url.Values{"email": {"anna@example.se"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("e-mail step: %d", r.Status)
			}
			form := url.Values{"password": {handlertest.Password}, "_csrf": {csrf}}
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/login/password", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.sent != "" {
				req.Header.Set("X-Request-ID", tt.sent)
			}
			r := c.Do(t, req)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("password step: %d", r.Status)
			}
			got := r.Header.Get("X-Request-ID")
			if !requestIDForm.MatchString(got) {
				t.Fatalf("response X-Request-ID = %.80q, not a plain id", got)
			}
			if tt.kept != (got == tt.sent) {
				t.Errorf("response X-Request-ID = %.80q for %.80q; kept = %t, want %t", got, tt.sent, got == tt.sent, tt.kept)
			}
			found := false
			for _, row := range storetest.AuditRows(t, app.Store, "login.success") {
				found = found || row.RequestID == got
				if tt.sent != "" && !tt.kept && row.RequestID == tt.sent {
					t.Errorf("the client's id %.80q reached the audit log", tt.sent)
				}
			}
			if !found {
				t.Errorf("no login.success audit row with request id %q", got)
			}
			line := "request_id=" + got
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(logs.String(), "path=/login/password status=303") || !strings.Contains(logs.String(), line) {
				if time.Now().After(deadline) {
					t.Fatalf("no request log line with %s", line)
				}
				time.Sleep(10 * time.Millisecond) // the log line is written just after the response
			}
			if tt.sent != "" && !tt.kept && strings.Contains(logs.String(), tt.sent) {
				t.Errorf("the client's id %.80q reached the log", tt.sent)
			}
		})
	}
}

// TestAuditExportGuardsEveryCell: every cell of the CSV export goes through the formula guard,
// the client address and request id included.
func TestAuditExportGuardsEveryCell(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	admin := app.ClientAs(t, app.User(t, "admin@example.se", handlertest.UserOpts{Admin: true}))
	hostile := store.Actor{Label: "=cmd|' /C calc'!A0", ClientIP: "+1+1", RequestID: "@SUM(1)"}
	if err := app.Store.AppendAudit(context.Background(), hostile, store.AuditEntry{
		Action: "-2+3", Target: "=HYPERLINK(\"x\")", Before: "\tx", After: "\rx", Detail: "=1"}); err != nil {
		t.Fatal(err)
	}
	r := admin.Get(t, "/audit/export.csv")
	records, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(records) < 2 {
		t.Fatalf("CSV: %d records, %v", len(records), err)
	}
	for _, rec := range records[1:] {
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s = %q starts a formula", records[0][i], cell)
			}
		}
	}
}
