package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestStoreRefusesEmailNotNormalised: the store keeps every address in account.NormaliseEmail's
// form, so that one address is never two people; a caller that forgets to normalise is refused
// instead of creating a second "Anna@Example.se" beside "anna@example.se".
func TestStoreRefusesEmailNotNormalised(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	for _, email := range []string{"Anna@example.se", "anna@Example.se", " anna@example.se", "anna@exämple.se", "anna"} {
		if _, err := st.CreateUser(ctx, store.CLIActor, store.NewUser{Email: email, Name: "Anna"}); !errors.Is(err, store.ErrEmailNotNormalised) {
			t.Errorf("CreateUser(%q) = %v, want ErrEmailNotNormalised", email, err)
		}
		if _, _, err := st.CreateUserWithVerification(ctx, store.CLIActor, store.NewUser{Email: email, Name: "Anna"}, "", verificationFor(email)); !errors.Is(err, store.ErrEmailNotNormalised) {
			t.Errorf("CreateUserWithVerification(%q) = %v, want ErrEmailNotNormalised", email, err)
		}
	}
	u := storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se", Name: "Anna"})
	vm := verificationFor("Anna.B@example.se")
	if _, err := st.UpdateUser(ctx, store.CLIActor, u.ID, store.UserUpdate{Name: "Anna", Email: "Anna.B@example.se"}, &vm); !errors.Is(err, store.ErrEmailNotNormalised) {
		t.Errorf("UpdateUser to Anna.B@example.se = %v, want ErrEmailNotNormalised", err)
	}
	vm = verificationFor("anna.b@example.se")
	if _, err := st.UpdateUser(ctx, store.CLIActor, u.ID, store.UserUpdate{Name: "Anna", Email: "anna.b@example.se"}, &vm); err != nil {
		t.Errorf("UpdateUser to a normalised address: %v", err)
	}
	if _, err := st.CreateUser(ctx, store.CLIActor, store.NewUser{Email: "anna@xn--exmple-cua.se", Name: "Anna"}); err != nil {
		t.Errorf("CreateUser with a normalised IDN address: %v", err)
	}
}
