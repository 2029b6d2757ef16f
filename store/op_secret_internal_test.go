package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// TestAppSecretIsKeptOnlyAsAHash: a client secret is 256 random bits behind the pvs_ prefix, and
// the database keeps no copy of it from which it could be read back (SECURITY.md), neither at
// creation nor after a rotation that keeps the old one for a day.
func TestAppSecretIsKeptOnlyAsAHash(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	app, first, err := s.CreateApplication(ctx, CLIActor, AppSettings{Name: "Time clock", Kind: AppIntegration, Enabled: true}.Normalize())
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.RotateApplicationSecret(ctx, CLIActor, app.ID, AppSecretOverlap)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{first, second} {
		raw, ok := strings.CutPrefix(secret, AppSecretPrefix)
		if b, err := base64.RawURLEncoding.DecodeString(raw); !ok || err != nil || len(b) != 32 {
			t.Errorf("secret %q is not %s and 256 bits", secret, AppSecretPrefix)
		}
	}
	rows, err := s.write.QueryContext(ctx, "SELECT * FROM applications WHERE id = ?", app.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			for _, secret := range []string{first, second} {
				if strings.Contains(fmt.Sprint(v), strings.TrimPrefix(secret, AppSecretPrefix)[:16]) {
					t.Errorf("column %s holds the client secret", cols[i])
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
