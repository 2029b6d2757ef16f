package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"portvakt/store"
)

// appOutput reads the "key: value" lines app add prints.
func appOutput(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		}
	}
	return m
}

// TestAppAddListRemove: app add prints the issuer (from --base-url, as serve takes it), the
// client ID and, for a web app or an integration, the secret once, which works; a mobile app
// gets none. list shows them; remove by client ID ends the app. Each change is a host action
// in the audit log, and bad flags are refused in words with nothing stored.
func TestAppAddListRemove(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, errOut, code := runSplit(t, "app", "add", "--data", data, "--base-url", "https://portvakt.example.se/", "--name", "HR-systemet",
		"--type", "web", "--redirect-uri", "https://hr.example.se/callback", "--redirect-uri", "https://hr.example.se/cb2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	web := appOutput(out)
	if web["issuer"] != "https://portvakt.example.se" || !strings.HasPrefix(web["client_id"], "app-") ||
		!strings.HasPrefix(web["client_secret"], store.AppSecretPrefix) || !strings.Contains(errOut, "shown once") {
		t.Fatalf("stdout %q, stderr %q", out, errOut)
	}
	out, errOut, code = runSplit(t, "app", "add", "--data", data, "--name", "HR-appen", "--type", "native",
		"--redirect-uri", "se.example.hr:/callback", "--redirect-uri", "http://127.0.0.1/callback")
	native := appOutput(out)
	if code != 0 || native["issuer"] != "http://127.0.0.1:8080" || native["client_secret"] != "" || !strings.Contains(errOut, "PKCE") {
		t.Fatalf("native: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, _, code = runSplit(t, "app", "add", "--data", data, "--name", "Tidsstämpling", "--type", "integration")
	if integ := appOutput(out); code != 0 || !strings.HasPrefix(integ["client_secret"], store.AppSecretPrefix) {
		t.Fatalf("integration: exit %d, %q", code, out)
	}

	st, err := store.Open(context.Background(), filepath.Join(data, "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.CheckApplicationSecret(context.Background(), web["client_id"], web["client_secret"])
	if err != nil || a.Kind != store.AppWeb || !a.Everyone || len(a.RedirectURIs) != 2 {
		t.Fatalf("the printed secret: %+v, %v", a, err)
	}
	rows := 0
	for _, r := range auditRowsOf(t, st, store.ActionAppCreate) {
		if r.Kind() == store.ActorHost && r.Actor == "portvakt app add" {
			rows++
		}
	}
	if rows != 3 {
		t.Errorf("%d app.create rows by the host command, want 3", rows)
	}

	out, _, code = runSplit(t, "app", "list", "--data", data, "--base-url", "https://portvakt.example.se")
	for _, want := range []string{"Issuer: https://portvakt.example.se", web["client_id"], native["client_id"], "HR-systemet",
		"se.example.hr:/callback", "integration", "ON"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, web["client_secret"]) {
		t.Error("list shows a secret")
	}

	out, errOut, code = runSplit(t, "app", "remove", "--data", data, web["client_id"])
	if code != 0 || !strings.Contains(out, "Removed application") {
		t.Fatalf("remove: exit %d, %q %q", code, out, errOut)
	}
	if _, _, code = runSplit(t, "app", "remove", "--data", data, "--client-id", native["client_id"]); code != 0 {
		t.Fatalf("remove --client-id: exit %d", code)
	}
	apps, _ := st.ListApplications(context.Background())
	if len(apps) != 1 || apps[0].Name != "Tidsstämpling" {
		t.Fatalf("left %+v", apps)
	}
	if got := auditRowsOf(t, st, store.ActionAppRemove); len(got) != 2 || got[0].Actor != "portvakt app remove" || got[0].Kind() != store.ActorHost {
		t.Errorf("remove audit rows %+v", got)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"refuses no name", []string{"app", "add", "--type", "web", "--redirect-uri", "https://x.example.se/cb"}, "--name: Enter the application's name"},
		{"refuses an unknown type", []string{"app", "add", "--name", "x", "--type", "desktop"}, "--type: choose web, native, spa or integration"},
		{"refuses a web app without a redirect URI", []string{"app", "add", "--name", "x", "--type", "web"}, "--redirect-uri: Enter at least one"},
		{"refuses http for a single-page app", []string{"app", "add", "--name", "x", "--type", "spa", "--redirect-uri", "http://localhost/cb"}, "does not use https"},
		{"refuses redirect URIs for an integration", []string{"app", "add", "--name", "x", "--type", "integration", "--redirect-uri", "https://x.example.se/"}, "no such addresses"},
		{"refuses a bad base URL", []string{"app", "add", "--name", "x", "--type", "integration", "--base-url", "ftp://x"}, "--base-url"},
		{"refuses an unknown client ID", []string{"app", "remove", "app-nothere"}, "no application has the client ID"},
		{"refuses no client ID", []string{"app", "remove", "--client-id", " "}, "give the client ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{tc.args[0], tc.args[1], "--data", data}, tc.args[2:]...)
			out, errOut, code := runSplit(t, args...)
			if code == 0 || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want a refusal saying %q", code, out, errOut, tc.want)
			}
		})
	}
	if apps, _ := st.ListApplications(context.Background()); len(apps) != 1 {
		t.Errorf("a refused command changed the applications: %d", len(apps))
	}
}

func auditRowsOf(t *testing.T, st *store.Store, action store.AuditAction) []store.AuditRow {
	t.Helper()
	var out []store.AuditRow
	err := st.EachAudit(context.Background(), store.AuditFilter{Action: string(action)}, func(r store.AuditRow) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
