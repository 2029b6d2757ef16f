package store_test

import (
	"context"
	"slices"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

func TestProvidersServingDomain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	t.Run("names none before a provider serves the domain", func(t *testing.T) {
		got, err := st.ProvidersServingDomain(ctx, "example.se")
		if err != nil || got != nil {
			t.Errorf("got %q, %v; want none", got, err)
		}
	})
	d := storetest.VerifiedDomain(t, st, "example.se")
	other := storetest.VerifiedDomain(t, st, "other.se")
	for _, p := range []struct {
		name    string
		enabled bool
		domain  int64
	}{
		{"Okta", true, d.ID},
		{"Entra ID", false, d.ID}, // a disabled provider may list a served domain
		{"Keycloak", true, other.ID},
	} {
		_, err := st.CreateIdP(ctx, store.CLIActor, store.IdPInput{Name: p.name, Preset: "other",
			Issuer: "https://idp.example.se", ClientID: "portvakt", SecretEnc: []byte{0}, Scopes: "openid",
			Enabled: p.enabled, DomainIDs: []int64{p.domain}})
		if err != nil {
			t.Fatalf("create %s: %v", p.name, err)
		}
	}

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
