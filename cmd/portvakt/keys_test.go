package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"portvakt/handlers"
	"portvakt/store"
)

// TestKeysRotate: a new signing key is published at once and signs only after --publish-for;
// the key it replaces stays published until tokens it signed have expired; a leaked key can be
// replaced at once with --now.
func TestKeysRotate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if out, err := runCLI(t, "", "migrate", "--data", data); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if _, _, code := runSplit(t, "keys", "rotate", "--data", data); code == 0 {
		t.Fatal("rotate without a key file succeeded")
	}
	if _, err := handlers.LoadOrCreateKeys(filepath.Join(data, "portvakt.key")); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runSplit(t, "keys", "rotate", "--data", data, "--publish-for", "10m"); code == 0 || !strings.Contains(errOut, "1h") {
		t.Errorf("a publication shorter than an hour: exit %d %q %q", code, out, errOut)
	}
	out, errOut, code := runSplit(t, "keys", "rotate", "--data", data)
	if code != 0 || !strings.Contains(out, "signs from") {
		t.Fatalf("rotate: exit %d, %q %q", code, out, errOut)
	}
	out, errOut, code = runSplit(t, "keys", "rotate", "--data", data, "--now")
	if code != 0 {
		t.Fatalf("rotate --now: exit %d, %q %q", code, out, errOut)
	}
	st, err := store.Open(context.Background(), filepath.Join(data, "portvakt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := st.PublishedSigningKeys(context.Background())
	if err != nil || len(keys) != 2 {
		t.Fatalf("published keys %d, %v; want both", len(keys), err)
	}
	now := time.Now()
	current, ok := store.CurrentSigningKey(keys, now)
	if !ok || current.SignsFrom.After(now) {
		t.Fatalf("no key signs now after --now")
	}
	for _, k := range keys {
		if k.KID != current.KID && (k.RetireAt.IsZero() || k.RetireAt.After(now.Add(store.SigningKeyRetireAfter+time.Minute))) {
			t.Errorf("the replaced key %s retires at %v, want within %v", k.KID, k.RetireAt, store.SigningKeyRetireAfter)
		}
	}
	rows, _, err := st.ListAudit(context.Background(), store.AuditFilter{Action: string(store.ActionSigningKeyAdd)})
	if err != nil || len(rows) != 2 || rows[0].Actor != "portvakt keys rotate" {
		t.Errorf("audit rows for key rotation: %+v, %v; want 2 by the host command", rows, err)
	}
}
