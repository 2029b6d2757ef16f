package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// Tests from a review of FinishSSOTest: what a test of a draft may leave behind when the draft is
// not applied, and what it may claim for a person it cannot sign in.

// grantedTester is a person at example.se with the Authentication Settings grant, e-mail
// verified, not linked.
func grantedTester(t *testing.T, f *draftFixture, email string) (store.User, store.Actor) {
	t.Helper()
	u := storetest.MustUser(t, f.s, store.NewUser{Email: email, Name: "Ny", EmailVerified: true})
	if err := f.s.GrantAuthSettings(context.Background(), store.CLIActor, u.ID); err != nil {
		t.Fatal(err)
	}
	return u, store.Actor{UserID: u.ID, Label: u.Email}
}

// TestFinishSSOTestDraftLinksNobodyUntilApplied: a test of a draft that keeps the issuer (a new
// client ID and secret) by someone not linked yet passes, but the draft is not applied (here it
// was saved again while the test ran). The identity came through settings that never went live:
// it must not be left linked to the person. With pairwise subjects (one per client ID, as Entra
// gives them) such a link never matches the live client, yet it counts as the person's way in
// and keeps them from linking again.
func TestFinishSSOTestDraftLinksNobodyUntilApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	ny, nyActor := grantedTester(t, f, "ny@example.se")
	in := f.in
	in.ClientID, in.SecretEnc = "c2", []byte("sealed-c2")
	if _, err := f.s.SaveIdPDraft(ctx, nyActor, f.id, in); err != nil {
		t.Fatal(err)
	}
	d, err := f.s.IdPDraft(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	in.Scopes = "openid email profile" // saved again while the test is out at the provider
	if _, err := f.s.SaveIdPDraft(ctx, nyActor, f.id, in); err != nil {
		t.Fatal(err)
	}
	out, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(ny, "https://old.example", "ny-pairwise-c2"),
		Revision: d.Revision, Draft: true, Record: recordOutcome})
	if err != nil || out.Applied != nil || out.Session != "" {
		t.Fatalf("got %+v, %v; want not applied, nobody signed in", out, err)
	}
	if l, err := f.s.LinkOfUser(ctx, ny.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ny linked to %+v (%v) by a test of settings that were not applied", l, err)
	}
	for _, r := range storetest.AuditRows(t, f.s, "link.create") {
		if r.Target == ny.Email {
			t.Errorf("audit of a link: %+v", r)
		}
	}
}

func (f *draftFixture) revision(t *testing.T) int64 {
	t.Helper()
	p, err := f.s.IdP(context.Background(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Revision
}
