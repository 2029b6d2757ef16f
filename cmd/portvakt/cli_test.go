package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// runCLI runs a portvakt command with stdin and returns its output.
func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestUserAddAndGrant(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := runCLI(t, "a long and good password\n", "user", "add", "--data", data, "--email", "Anna@Example.SE",
		"--name", "Anna", "--admin", "--verified", "--password-stdin")
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if !strings.Contains(out, "anna@example.se") || !strings.Contains(out, "administrator=true") {
		t.Errorf("user add said %q", out)
	}
	if out, err := runCLI(t, "", "user", "grant", "--data", data, "--email", "anna@example.se"); err != nil {
		t.Fatalf("user grant: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"refuses a duplicate", "", []string{"--email", "anna@example.se", "--name", "A"}, "already exists"},
		{"refuses a short password", "short\n", []string{"--email", "b@example.se", "--name", "B", "--password-stdin"}, "at least 8"},
		{"refuses a bad address", "", []string{"--email", "nope", "--name", "B"}, "not a valid e-mail"},
		{"refuses a Kelvin sign for K", "", []string{"--email", "\u212Aalle@example.se", "--name", "K"}, "Kelvin sign"},
		{"requires a name", "", []string{"--email", "c@example.se"}, "--name is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(t, tc.stdin, append([]string{"user", "add", "--data", data}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error()+out, tc.want) {
				t.Fatalf("err = %v, out %q; want an error saying %q", err, out, tc.want)
			}
		})
	}
	st := openStore(t, data)
	u, err := st.UserByEmail(context.Background(), "anna@example.se")
	if err != nil || !u.IsAdmin || !u.EmailVerified || !u.HasPassword {
		t.Fatalf("user = %+v, %v", u, err)
	}
	// Host changes name the command that made them, and read as such.
	if rows := storetest.AuditRows(t, st, "user.create"); len(rows) != 1 || rows[0].Actor != "portvakt user add" || rows[0].Kind() != store.ActorHost {
		t.Errorf("user audit rows = %+v, want one by portvakt user add", rows)
	}
	if rows := storetest.AuditRows(t, st, "grant.add"); len(rows) != 1 || rows[0].Actor != "portvakt user grant" || rows[0].Kind() != store.ActorHost {
		t.Errorf("grant audit rows = %+v, want one by portvakt user grant", rows)
	}
}

func TestCommandsAndFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr bool
		want    string
	}{
		{"help lists the commands", []string{"help"}, false, "portvakt user add"},
		{"unknown command", []string{"frobnicate"}, true, "Usage"},
		{"serve help lists flags with their environment variables", []string{"serve", "--help"}, false, "PORTVAKT_BASE_URL"},
		{"bad language", []string{"serve", "--lang", "de"}, true, ""},
		{"bad base URL", []string{"serve", "--addr", "127.0.0.1:0", "--base-url", "ftp://x", "--data", t.TempDir()}, true, ""},
		{"backup needs a file", []string{"backup", "--data", t.TempDir()}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(t, "", tc.args...)
			if (err != nil) != tc.wantErr || !strings.Contains(out, tc.want) {
				t.Fatalf("err = %v, output %q", err, out)
			}
		})
	}
}

func TestMigrateAndBackup(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	out, err := runCLI(t, "", "migrate", "--data", data)
	if err != nil || !strings.Contains(out, "0001_init.sql") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if out, err := runCLI(t, "", "backup", "--data", data, copyPath); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if _, err := os.Stat(copyPath); err != nil {
		t.Fatal(err)
	}
}

func TestServeCreatesPrivateKeyFileAndServesHealth(t *testing.T) {
	t.Parallel()
	pv := startPortvakt(t, map[string]string{"PORTVAKT_LOG_FORMAT": "json"})
	st, err := os.Stat(filepath.Join(pv.Data, "portvakt.key"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	resp, err := http.Get(pv.URL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestServeRefusesKeyFileReadableByOthers(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "portvakt.key"), make([]byte, 128), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--data", data)
	if err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("serve with a 0644 key file: %v", err)
	}
}

func TestRecoverPasswordLoginWhileServing(t *testing.T) {
	t.Parallel()
	pv := startPortvakt(t, nil)
	ctx := context.Background()
	st := openStore(t, pv.Data)
	storetest.PasswordLogin(t, st, false)
	out, err := runCLI(t, "", "recover", "password-login", "--data", pv.Data)
	if err != nil || !strings.Contains(out, "was OFF and is now ON") {
		t.Fatalf("recover: %v\n%s", err, out)
	}
	if on, _ := st.PasswordLoginEnabled(ctx); !on {
		t.Fatal("password sign-in still off")
	}
	rows := storetest.AuditRows(t, st, "policy.password_login")
	if len(rows) != 1 || rows[0].Actor != "portvakt recover password-login" || rows[0].Before != "off" || rows[0].After != "on" {
		t.Errorf("audit rows %+v, want the recovery by portvakt recover password-login, off -> on", rows)
	}
	if out, _ := runCLI(t, "", "recover", "password-login", "--data", pv.Data); !strings.Contains(out, "already ON") {
		t.Errorf("second recover said %q", out)
	}
}

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	t.Parallel()
	pv := startPortvakt(t, map[string]string{"PORTVAKT_METRICS_ADDR": "127.0.0.1:0"})
	m := regexp.MustCompile(`metrics on (http://\S+)`).FindStringSubmatch(pv.stdout.String())
	if m == nil {
		t.Fatalf("no metrics address printed:\n%s", pv.stdout.String())
	}
	if resp, err := http.Get(pv.URL + "/login"); err == nil {
		resp.Body.Close()
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`portvakt_http_requests_total{method="GET",route="/login",status="200"} 1`, "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if resp, err := http.Get(pv.URL + "/metrics"); err == nil {
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("the portal itself serves /metrics: %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
}
