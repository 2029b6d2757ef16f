package store_test

import (
	"context"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

func TestEnabledIdPIssuersListsOnlyTheEnabled(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	for _, in := range []store.IdPInput{
		{Name: "Okta", Issuer: "https://okta.example.se", ClientID: "a", Enabled: true},
		{Name: "Entra", Issuer: "https://login.example.org/t/v2.0", ClientID: "b", Enabled: true},
		{Name: "Off", Issuer: "https://off.example.se", ClientID: "c", Enabled: false},
	} {
		in.Scopes, in.SecretEnc = "openid email", []byte{1}
		if _, err := st.CreateIdP(ctx, store.CLIActor, in); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.EnabledIdPIssuers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Issuer != "https://login.example.org/t/v2.0" || got[0].ClientID != "b" ||
		got[1].Issuer != "https://okta.example.se" || got[1].ClientID != "a" || !got[0].Enabled {
		t.Errorf("enabled providers = %+v, want Entra and Okta by name", got)
	}
}
