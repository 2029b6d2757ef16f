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
	// A test of the current draft applies it; the sign-in through the settings now live links ny.
	d, err = f.s.IdPDraft(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	out, err = f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(ny, "https://old.example", "ny-pairwise-c2"),
		Revision: d.Revision, Draft: true, Record: recordOutcome})
	if err != nil || out.Applied == nil || out.SignInRefused != nil || out.Session == "" {
		t.Fatalf("got %+v, %v; want applied and ny signed in", out, err)
	}
	if l, err := f.s.LinkOfUser(ctx, ny.ID); err != nil || l.Issuer != "https://old.example" || l.Subject != "ny-pairwise-c2" || !l.BySelf {
		t.Errorf("ny's link %+v, %v; want the tested identity, linked by ny", l, err)
	}
}

// TestFinishSSOTestDraftAppliedOnlyForItsTestersWayIn: once applied, a draft must get its tester
// in. A tester linked at another issuer than the provider's (another provider's) keeps that link:
// the draft's identity cannot become theirs. A test of the live settings refuses them as already
// linked; so must a test of the draft, instead of applying it, marking the provider tested by
// them, and recording a success for a sign-in that is then refused.
func TestFinishSSOTestDraftAppliedOnlyForItsTestersWayIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	ny, nyActor := grantedTester(t, f, "ny@example.se")
	storetest.Link(t, f.s, ny.ID, "https://other.example", "ny-other")
	in := f.in
	in.Issuer, in.SecretEnc = "https://new.example", []byte("sealed-new")
	if _, err := f.s.SaveIdPDraft(ctx, nyActor, f.id, in); err != nil {
		t.Fatal(err)
	}
	d, err := f.s.IdPDraft(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	live, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(ny, "https://old.example", "ny-old"),
		Revision: f.revision(t), Record: recordOutcome})
	if err != nil || live.Passed() || live.Refusal.Kind != store.RefuseAlreadyLinked {
		t.Fatalf("test of the live settings: %+v, %v; want refused as already linked", live, err)
	}
	out, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(ny, "https://new.example", "ny-new"),
		Revision: d.Revision, Draft: true, Record: recordOutcome})
	if err != nil {
		t.Fatal(err)
	}
	if out.Passed() || out.Refusal.Kind != store.RefuseAlreadyLinked || out.Applied != nil {
		t.Errorf("test of the draft: %+v; want refused as already linked, not applied", out)
	}
	p, _ := f.s.IdP(ctx, f.id)
	if p.Issuer != "https://old.example" || p.TestedBy == ny.Email {
		t.Errorf("provider %q tested by %q: the draft was applied for a tester who cannot sign in with it", p.Issuer, p.TestedBy)
	}
	if l, err := f.s.LinkOfUser(ctx, ny.ID); err != nil || l.Issuer != "https://other.example" {
		t.Errorf("ny's link %+v, %v; want it left where it was", l, err)
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
