package store_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"portvakt/store/storetest"
)

func TestProvidersServingDomain(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	d, err := st.AddDomain(ctx, admin, "example.se", "tok")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := st.AddDomain(ctx, admin, "other.se", "tok")

	db, err := sql.Open("sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'identity_provider_domains'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables == 0 {
		t.Run("names none before identity providers exist", func(t *testing.T) {
			got, err := st.ProvidersServingDomain(ctx, "example.se")
			if err != nil || got != nil {
				t.Errorf("got %q, %v; want none", got, err)
			}
		})
		// The columns identity providers' own migration (0004) requires.
		mustExec(t, db, `CREATE TABLE identity_providers (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
			preset TEXT NOT NULL, issuer TEXT NOT NULL, client_id TEXT NOT NULL, secret_enc BLOB NOT NULL,
			created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`)
		mustExec(t, db, `CREATE TABLE identity_provider_domains (idp_id INTEGER NOT NULL, domain_id INTEGER NOT NULL)`)
	}
	for id, name := range map[int64]string{1: "Okta", 2: "Entra ID", 3: "Keycloak"} {
		mustExec(t, db, `INSERT INTO identity_providers (id, name, preset, issuer, client_id, secret_enc, created_at, updated_at)
			VALUES (?, ?, 'other', 'https://idp.example.se', 'portvakt', x'00', 0, 0)`, id, name)
	}
	mustExec(t, db, `INSERT INTO identity_provider_domains (idp_id, domain_id) VALUES (1, ?), (2, ?), (3, ?)`, d.ID, d.ID, other.ID)

	got, err := st.ProvidersServingDomain(ctx, "example.se")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Entra ID", "Okta"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, _ := st.ProvidersServingDomain(ctx, "unused.se"); got != nil {
		t.Errorf("unused domain: got %q, want none", got)
	}
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
