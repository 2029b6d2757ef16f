package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"portvakt/store"
)

// TestTokenCreate: the token alone goes to standard output (for a script to capture), works
// for its purpose, and the lifetime rules of the web form hold on the host too.
func TestTokenCreate(t *testing.T) {
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, errOut, code := runSplit(t, "token", "create", "--data", data, "--name", "Entra ID", "--purpose", "scim", "--idp-vouches", "--expires", "90d")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	secret := strings.TrimSpace(out)
	if !strings.HasPrefix(secret, "pvk_") || strings.Contains(secret, "\n") || !strings.Contains(errOut, "shown once") {
		t.Fatalf("stdout %q, stderr %q", out, errOut)
	}
	st, err := store.Open(context.Background(), filepath.Join(data, "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tk, err := st.APITokenBySecret(context.Background(), secret)
	if err != nil || tk.Purpose != store.PurposeSCIM || !tk.IdPVouches || tk.CreatedBy != "portvakt token create" {
		t.Fatalf("token %+v, %v", tk, err)
	}
	if days := tk.ExpiresAt.Sub(tk.CreatedAt).Hours() / 24; days != 90 {
		t.Errorf("expires after %v days, want 90", days)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"refuses no name", []string{"--purpose", "scim"}, "--name"},
		{"refuses an unknown purpose", []string{"--name", "x", "--purpose", "admin"}, "--purpose"},
		{"refuses more than two years", []string{"--name", "x", "--purpose", "audit", "--expires", "731d"}, "730"},
		{"refuses never without confirmation", []string{"--name", "x", "--purpose", "audit", "--expires", "never"}, "--confirm-never"},
		{"refuses vouching on an audit token", []string{"--name", "x", "--purpose", "audit", "--idp-vouches"}, "scim"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runSplit(t, append([]string{"token", "create", "--data", data}, tc.args...)...)
			if code == 0 || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want a refusal naming %q", code, out, errOut, tc.want)
			}
		})
	}
	out, _, code = runSplit(t, "token", "create", "--data", data, "--name", "forever", "--purpose", "audit", "--expires", "never", "--confirm-never")
	if code != 0 || !strings.HasPrefix(out, "pvk_") {
		t.Errorf("never with confirmation: exit %d, %q", code, out)
	}
}
