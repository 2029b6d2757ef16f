package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestRemoveDomainKeepsTheWayIn: while password sign-in is off, a domain that an enabled
// provider serves cannot be removed, since its people would have no way to sign in; the same
// guard the provider form has. With password sign-in on, or for a domain nobody serves, removal
// goes ahead.
func TestRemoveDomainKeepsTheWayIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	add := func(name string) int64 {
		t.Helper()
		d, err := st.AddDomain(ctx, store.CLIActor, name, "token-"+name)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.RecordDomainCheck(ctx, store.CLIActor, d.ID, store.DomainCheck{Kind: store.CheckVerified}); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	served, spare, later := add("example.se"), add("example.org"), add("example.net")
	if _, err := st.CreateIdP(ctx, store.CLIActor, store.IdPInput{Name: "P", Preset: "other", Issuer: "https://p.example",
		ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid", Enabled: true, DomainIDs: []int64{served, later}}); err != nil {
		t.Fatal(err)
	}
	storetest.PasswordLogin(t, st, false)
	if _, err := st.RemoveDomain(ctx, store.CLIActor, served); !errors.Is(err, store.ErrNeededWhilePasswordOff) {
		t.Errorf("removing a served domain while password sign-in is off: %v, want ErrNeededWhilePasswordOff", err)
	}
	if _, err := st.RemoveDomain(ctx, store.CLIActor, spare); err != nil {
		t.Errorf("removing a domain nobody serves: %v", err)
	}
	storetest.PasswordLogin(t, st, true)
	if _, err := st.RemoveDomain(ctx, store.CLIActor, later); err != nil {
		t.Errorf("removing a served domain while password sign-in is on: %v", err)
	}
}
