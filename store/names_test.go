package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/account"
	"portvakt/store/storetest"
)

// TestStoreRefusesBadNameCharacters: the store keeps names with NUL, invalid UTF-8 or direction
// overrides out, whatever its caller checked.
func TestStoreRefusesBadNameCharacters(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	u := storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se", Name: "Anna"})
	for _, name := range []string{"Anna\x00", "Anna\xff", "Anna\u202e"} {
		if _, err := st.CreateUser(ctx, store.CLIActor, store.NewUser{Email: "bo@example.se", Name: name}); !errors.Is(err, account.ErrNameInvalid) {
			t.Errorf("create with %q: %v, want ErrNameInvalid", name, err)
		}
		if _, err := st.UpdateUser(ctx, store.CLIActor, u.ID, store.UserUpdate{Name: name, Email: u.Email}, nil); !errors.Is(err, account.ErrNameInvalid) {
			t.Errorf("update with %q: %v, want ErrNameInvalid", name, err)
		}
	}
}
