package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"portvakt/store"
	"portvakt/store/storetest"
)

var cliActor = store.Actor{Label: "cli", ClientIP: "127.0.0.1", RequestID: "req-1"}

func verificationFor(email string) store.VerificationMail {
	return store.VerificationMail{Token: store.NewToken(), Mail: store.NewMail{
		Kind: "verification", To: email, Subject: "Confirm", Body: []byte("sealed"),
	}}
}

func TestSetAdminKeepsTheLastAdministratorUnderConcurrency(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3, 5} {
		t.Run(fmt.Sprintf("%d administrators demoted at once", n), func(t *testing.T) {
			st := storetest.Open(t)
			var ids []int64
			for i := range n {
				ids = append(ids, storetest.MustUser(t, st, store.NewUser{Email: fmt.Sprintf("a%d@example.se", i), Admin: true}).ID)
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			start := make(chan struct{})
			for i, id := range ids {
				wg.Go(func() {
					<-start
					errs[i] = st.SetAdmin(context.Background(), cliActor, id, false)
				})
			}
			close(start)
			wg.Wait()
			var refused int
			for _, err := range errs {
				switch {
				case errors.Is(err, store.ErrLastAdmin):
					refused++
				case err != nil:
					t.Fatalf("SetAdmin: %v", err)
				}
			}
			if refused != 1 {
				t.Errorf("%d demotions refused, want exactly 1", refused)
			}
			if has, _ := st.HasAdmin(context.Background()); !has {
				t.Error("no administrator left")
			}
		})
	}
}

func TestSetAdminPromotesAndAudits(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	storetest.MustUser(t, st, store.NewUser{Email: "boss@example.se", Admin: true})
	u := storetest.MustUser(t, st, store.NewUser{Email: "ann@example.se"})
	ctx := context.Background()
	if err := st.SetAdmin(ctx, cliActor, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := st.SetAdmin(ctx, cliActor, u.ID, true); err != nil {
		t.Fatalf("promoting twice: %v", err)
	}
	if err := st.SetAdmin(ctx, cliActor, u.ID, false); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(storetest.AuditActions(t, st, "ann@example.se"))
	if want := "[user.create user.admin user.admin]"; got != want {
		t.Errorf("audit = %s, want %s", got, want)
	}
	if err := st.SetAdmin(ctx, cliActor, 999, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: err = %v, want ErrNotFound", err)
	}
}

func TestVerificationLifecycle(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	storetest.SetClock(t, st, func() time.Time { return now })
	first := verificationFor("eva@example.se")
	u, mailID, err := st.CreateUserWithVerification(ctx, cliActor, store.NewUser{Email: "eva@example.se", Name: "Eva", EmailVerified: true}, "en", first)
	if err != nil {
		t.Fatal(err)
	}
	if u.EmailVerified || mailID == 0 {
		t.Fatalf("new user verified=%v mail=%d, want unverified with a mail", u.EmailVerified, mailID)
	}
	v, err := st.VerificationByToken(ctx, first.Token)
	if err != nil || v.UserID != u.ID || v.Lang != "en" || !v.ExpiresAt.Equal(now.Add(store.VerificationTTL)) {
		t.Fatalf("VerificationByToken = %+v, %v", v, err)
	}
	second := verificationFor("eva@example.se")
	if _, err := st.ResendVerification(ctx, cliActor, u.ID, second); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompleteVerification(ctx, cliActor, first.Token); !errors.Is(err, store.ErrExpired) {
		t.Errorf("voided link: err = %v, want ErrExpired", err)
	}
	if _, err := st.CompleteVerification(ctx, cliActor, second.Token); err != nil {
		t.Fatalf("CompleteVerification: %v", err)
	}
	if _, err := st.CompleteVerification(ctx, cliActor, second.Token); !errors.Is(err, store.ErrExpired) {
		t.Errorf("used link: err = %v, want ErrExpired", err)
	}
	if got, _ := st.UserByID(ctx, u.ID); !got.EmailVerified {
		t.Error("e-mail not verified after the link was used")
	}
	if _, err := st.ResendVerification(ctx, cliActor, u.ID, verificationFor("eva@example.se")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("resend to verified address: err = %v, want ErrConflict", err)
	}
	if _, err := st.VerificationByToken(ctx, "no-such-token"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: err = %v, want ErrNotFound", err)
	}
	got := fmt.Sprint(storetest.AuditActions(t, st, "eva@example.se"))
	if want := "[user.create verification.send verification.send verification.complete]"; got != want {
		t.Errorf("audit = %s, want %s", got, want)
	}
}

func TestVerificationExpires(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Now()
	storetest.SetClock(t, st, func() time.Time { return now })
	vm := verificationFor("ulf@example.se")
	if _, _, err := st.CreateUserWithVerification(ctx, cliActor, store.NewUser{Email: "ulf@example.se", Name: "Ulf"}, "", vm); err != nil {
		t.Fatal(err)
	}
	now = now.Add(store.VerificationTTL)
	if _, err := st.CompleteVerification(ctx, cliActor, vm.Token); !errors.Is(err, store.ErrExpired) {
		t.Errorf("after %s: err = %v, want ErrExpired", store.VerificationTTL, err)
	}
}

func TestVerificationStoresOnlyTheHash(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	vm := verificationFor("ida@example.se")
	if _, _, err := st.CreateUserWithVerification(context.Background(), cliActor, store.NewUser{Email: "ida@example.se", Name: "Ida"}, "", vm); err != nil {
		t.Fatal(err)
	}
	db := storetest.DB(t, st)
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM email_verifications WHERE token_hash = ?", vm.Token).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the token itself is stored")
	}
}

func TestUpdateUserEmail(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "old@example.se", Name: "Olle", EmailVerified: true})
	storetest.MustUser(t, st, store.NewUser{Email: "taken@example.se"})
	pending := verificationFor("old@example.se")
	tests := []struct {
		name    string
		upd     store.UserUpdate
		vm      *store.VerificationMail
		want    error
		wantVer bool
	}{
		{"name only keeps verification", store.UserUpdate{Name: "Olle B", Email: "old@example.se"}, nil, nil, true},
		{"address of another user", store.UserUpdate{Name: "Olle", Email: "taken@example.se"}, ptr(verificationFor("taken@example.se")), store.ErrConflict, true},
		{"new address unverifies", store.UserUpdate{Name: "Olle", Email: "new@example.se"}, ptr(verificationFor("new@example.se")), nil, false},
		{"back again needs a new link", store.UserUpdate{Name: "Olle", Email: "old@example.se"}, &pending, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.UpdateUser(ctx, cliActor, u.ID, tt.upd, tt.vm)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UpdateUser: err = %v, want %v", err, tt.want)
			}
			got, _ := st.UserByID(ctx, u.ID)
			if got.EmailVerified != tt.wantVer {
				t.Errorf("verified = %v, want %v", got.EmailVerified, tt.wantVer)
			}
		})
	}
	if _, err := st.CompleteVerification(ctx, cliActor, pending.Token); err != nil {
		t.Errorf("link to the current address: %v", err)
	}
}

func TestUpdateUserRefusesEmailChangeOfLinkedUser(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	u := storetest.MustUser(t, st, store.NewUser{Email: "lena@example.se", Name: "Lena", EmailVerified: true})
	storetest.Link(t, st, u.ID, "https://idp.example.se", "sub-1")
	vm := verificationFor("lena2@example.se")
	if _, err := st.UpdateUser(ctx, cliActor, u.ID, store.UserUpdate{Name: "Lena", Email: "lena2@example.se"}, &vm); !errors.Is(err, store.ErrLinked) {
		t.Fatalf("err = %v, want ErrLinked", err)
	}
	if err := st.RemoveLink(ctx, cliActor, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveLink(ctx, cliActor, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second removal: err = %v, want ErrNotFound", err)
	}
	if _, err := st.UpdateUser(ctx, cliActor, u.ID, store.UserUpdate{Name: "Lena", Email: "lena2@example.se"}, &vm); err != nil {
		t.Fatalf("after removing the link: %v", err)
	}
	if got := fmt.Sprint(storetest.AuditActions(t, st, "lena@example.se")); got != "[user.create link.create link.remove]" {
		t.Errorf("audit = %s", got)
	}
}

func ptr[T any](v T) *T { return &v }
