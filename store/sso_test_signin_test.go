package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// testBy is a test sign-in by u with the identity (issuer, subject) and u's e-mail.
func (f *draftFixture) testBy(u store.User, issuer, subject string) store.SSOSignIn {
	return store.SSOSignIn{Identity: store.SSOIdentity{IdPID: f.id, Issuer: issuer, Subject: subject, Email: u.Email},
		Self: u.ID, Actor: store.Actor{UserID: u.ID, Label: u.Email}}
}

// recordOutcome is the Record of the tests: the outcome in a line, kept as the test's result.
func recordOutcome(o store.SSOTestOutcome) (string, error) {
	return fmt.Sprintf("passed=%t marked=%t applied=%t not_applied=%s", o.Passed(), o.Marked, o.Applied != nil,
		strings.Join(o.NotApplied, ",")), nil
}

func lastTest(t *testing.T, s *store.Store, id int64) string {
	t.Helper()
	p, err := s.IdP(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.LastTest
}

// TestFinishSSOTestOfLiveSettings: a test of the live settings signs the person in and marks the
// provider tested only when it ran with the provider's current revision; a refused identity
// records its refusal and nothing else; without the grant nothing is recorded.
func TestFinishSSOTestOfLiveSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	bo := storetest.MustUser(t, f.s, store.NewUser{Email: "bo@example.se", Name: "Bo", EmailVerified: true})
	p, _ := f.s.IdP(ctx, f.id)
	test := func(in store.SSOSignIn, revision int64) store.SSOTest {
		return store.SSOTest{SignIn: in, Revision: revision, Record: recordOutcome}
	}
	t.Run("a test begun at an older revision passes without marking", func(t *testing.T) {
		out, err := f.s.FinishSSOTest(ctx, test(f.testBy(f.it, "https://old.example", "it-old"), p.Revision-1))
		if err != nil || !out.Passed() || out.Marked || out.Session == "" || !out.ByLink {
			t.Fatalf("got %+v, %v; want passed by the link, signed in, not marked", out, err)
		}
		if got := storetest.AuditRows(t, f.s, "idp.test.success"); !strings.Contains(got[len(got)-1].Detail, "not marked tested") {
			t.Errorf("audit %+v", got[len(got)-1])
		}
	})
	t.Run("a test at the current revision marks the provider tested", func(t *testing.T) {
		out, err := f.s.FinishSSOTest(ctx, test(f.testBy(f.it, "https://old.example", "it-old"), p.Revision))
		if err != nil || !out.Marked {
			t.Fatalf("got %+v, %v; want marked", out, err)
		}
		if _, err := f.s.SessionByToken(ctx, out.Session); err != nil {
			t.Errorf("the new session: %v", err)
		}
		if got := lastTest(t, f.s, f.id); got != "passed=true marked=true applied=false not_applied=" {
			t.Errorf("result %q", got)
		}
	})
	t.Run("a refused identity records the refusal and nothing else", func(t *testing.T) {
		out, err := f.s.FinishSSOTest(ctx, test(f.testBy(bo, "https://old.example", "bo-1"), p.Revision))
		if err == nil {
			// bo is not the person testing: Self is bo, who holds no grant.
			t.Fatalf("got %+v, want ErrNoGrant", out)
		}
		in := f.testBy(bo, "https://old.example", "bo-1")
		in.Self, in.Actor = f.it.ID, f.me
		out, err = f.s.FinishSSOTest(ctx, test(in, p.Revision))
		if err != nil || out.Passed() || out.Refusal.Kind != store.RefuseOtherUser || out.User.ID != bo.ID || out.Session != "" {
			t.Fatalf("got %+v, %v; want refused as another person's", out, err)
		}
		if _, err := f.s.LinkOfUser(ctx, bo.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bo linked by a refused test: %v", err)
		}
		if got := lastTest(t, f.s, f.id); got != "passed=false marked=false applied=false not_applied=" {
			t.Errorf("result %q", got)
		}
		if got := storetest.AuditRows(t, f.s, "idp.test.failure"); len(got) != 1 || !strings.HasPrefix(got[0].Detail, "other_user: ") {
			t.Errorf("audit %+v", got)
		}
	})
	t.Run("a failure before the answer is recorded as it came", func(t *testing.T) {
		in := test(store.SSOSignIn{Identity: store.SSOIdentity{IdPID: f.id}, Self: f.it.ID, Actor: f.me}, p.Revision)
		in.Failure = &store.LinkRefusal{Kind: "token", Detail: "invalid_client"}
		if out, err := f.s.FinishSSOTest(ctx, in); err != nil || out.Passed() {
			t.Fatalf("got %+v, %v", out, err)
		}
		if got := storetest.AuditRows(t, f.s, "idp.test.failure"); got[len(got)-1].Detail != "token: invalid_client" {
			t.Errorf("audit %+v", got[len(got)-1])
		}
	})
	t.Run("without the grant nothing is recorded", func(t *testing.T) {
		if _, _, err := f.s.SetGrants(ctx, store.CLIActor, nil); err != nil {
			t.Fatal(err)
		}
		before := lastTest(t, f.s, f.id)
		rows := len(storetest.AuditRows(t, f.s, "idp.test.success"))
		_, err := f.s.FinishSSOTest(ctx, test(f.testBy(f.it, "https://old.example", "it-old"), p.Revision))
		if !errors.Is(err, store.ErrNoGrant) {
			t.Fatalf("got %v, want ErrNoGrant", err)
		}
		if lastTest(t, f.s, f.id) != before || len(storetest.AuditRows(t, f.s, "idp.test.success")) != rows {
			t.Error("a test without the grant was recorded")
		}
	})
}

// TestFinishSSOTestAppliesDraft: only a passing test of the current draft by its author applies
// it; applying a new issuer ends the provider's sessions, moves the tester's link, marks the
// provider tested, mails every administrator, records the result and signs the tester in through
// the new settings, all in one transaction.
func TestFinishSSOTestAppliesDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	admin := storetest.MustUser(t, f.s, store.NewUser{Email: "admin@example.se", Name: "Admin", Admin: true, EmailVerified: true})
	if err := f.s.GrantAuthSettings(ctx, store.CLIActor, admin.ID); err != nil {
		t.Fatal(err)
	}
	bo := storetest.MustUser(t, f.s, store.NewUser{Email: "bo@example.se", Name: "Bo"})
	boSession, err := f.s.CreateSession(ctx, store.NewSession{UserID: bo.ID, Method: store.MethodSSO, IdPID: f.id})
	if err != nil {
		t.Fatal(err)
	}
	d := f.draft(t, func(in *store.IdPInput) { in.Issuer, in.SecretEnc = "https://new.example", []byte("sealed-new") })
	var told []string
	notify := func(a store.DraftApplied, to []store.MailRecipient) ([]store.NewMail, error) {
		var out []store.NewMail
		for _, r := range to {
			told = append(told, r.Email)
			out = append(out, store.NewMail{Kind: "idp_change", To: r.Email, Subject: a.Name + " " + a.After.Issuer, Body: []byte("x")})
		}
		return out, nil
	}
	test := func(u store.User, revision int64, subject string) store.SSOTest {
		return store.SSOTest{SignIn: f.testBy(u, "https://new.example", subject), Revision: revision, Draft: true,
			Notify: notify, Record: recordOutcome}
	}
	for _, tt := range []struct {
		name string
		in   store.SSOTest
	}{
		{"another person's test", test(admin, d.Revision, "admin-new")},
		{"a test of an older revision", test(f.it, d.Revision-1, "it-new")},
	} {
		t.Run(tt.name+" passes and applies nothing", func(t *testing.T) {
			out, err := f.s.FinishSSOTest(ctx, tt.in)
			if err != nil || !out.Passed() || out.Applied != nil || !slices.Equal(out.NotApplied, []string{"draft_changed"}) || out.Session != "" {
				t.Errorf("got %+v, %v; want passed, not applied: draft_changed", out, err)
			}
		})
	}
	if p, _ := f.s.IdP(ctx, f.id); p.Issuer != "https://old.example" {
		t.Fatalf("applied by a refused call: %+v", p)
	}
	out, err := f.s.FinishSSOTest(ctx, test(f.it, d.Revision, "it-new"))
	if err != nil || out.Applied == nil || !out.Relink {
		t.Fatalf("got %+v, %v; want applied", out, err)
	}
	p, _ := f.s.IdP(ctx, f.id)
	if p.Issuer != "https://new.example" || p.TestedAt.IsZero() || p.TestedBy != "it@example.se" {
		t.Errorf("live settings after apply: %+v", p)
	}
	if p.LastTest != "passed=true marked=false applied=true not_applied=" {
		t.Errorf("result %q", p.LastTest)
	}
	if _, err := f.s.IdPDraft(ctx, f.id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("draft left after apply: %v", err)
	}
	for name, token := range map[string]string{"it": f.token, "bo": boSession} {
		if _, err := f.s.SessionByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s's session through the old issuer goes on: %v", name, err)
		}
	}
	if s, err := f.s.SessionByToken(ctx, out.Session); err != nil || s.UserID != f.it.ID || s.Method != store.MethodSSO {
		t.Errorf("the tester's session through the new settings: %+v, %v", s, err)
	}
	if l, err := f.s.LinkOfUser(ctx, f.it.ID); err != nil || l.Issuer != "https://new.example" || l.Subject != "it-new" {
		t.Errorf("tester's link %+v, %v; want it at the new issuer", l, err)
	}
	if !slices.Equal(told, []string{"admin@example.se"}) || len(out.Applied.MailIDs) != 1 {
		t.Errorf("told %q, mails %v; want the administrator", told, out.Applied.MailIDs)
	}
	if m, err := f.s.MailByID(ctx, out.Applied.MailIDs[0]); err != nil || m.To != "admin@example.se" {
		t.Errorf("queued mail %+v, %v", m, err)
	}
	rows := storetest.AuditRows(t, f.s, "idp.draft.apply")
	if len(rows) != 1 || !strings.Contains(rows[0].Before, "https://old.example") || !strings.Contains(rows[0].After, "https://new.example") ||
		!strings.Contains(rows[0].Detail, "2 SSO sessions ended") || strings.Contains(rows[0].Before+rows[0].After+rows[0].Detail, "sealed") {
		t.Errorf("audit %+v", rows)
	}
	if rows := storetest.AuditRows(t, f.s, "idp.draft.test.success"); len(rows) != 3 || rows[2].Detail != "draft applied" {
		t.Errorf("audit %+v", rows)
	}
}

// TestFinishSSOTestDraftRefusedByTheGuard: with password sign-in off, a draft whose new issuer
// would leave an administrator without a way in is not applied. The test's result is recorded in
// the same transaction, and nothing of the refused application stays: not the settings, not the
// tester's moved link, not the ended sessions.
func TestFinishSSOTestDraftRefusedByTheGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	boss := storetest.MustUser(t, f.s, store.NewUser{Email: "boss@example.se", Name: "Boss", Admin: true, EmailVerified: true})
	storetest.Link(t, f.s, boss.ID, "https://old.example", "boss-old")
	storetest.PasswordLogin(t, f.s, false)
	d := f.draft(t, func(in *store.IdPInput) { in.Issuer, in.SecretEnc = "https://new.example", []byte("sealed-new") })
	out, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(f.it, "https://new.example", "it-new"), Revision: d.Revision,
		Draft: true, Record: recordOutcome})
	if err != nil || !out.Passed() || out.Applied != nil || !slices.Contains(out.NotApplied, string(store.ReasonLocksOutPrivileged)) {
		t.Fatalf("got %+v, %v; want passed, not applied: locks out an administrator", out, err)
	}
	p, _ := f.s.IdP(ctx, f.id)
	if p.Issuer != "https://old.example" {
		t.Errorf("applied anyway: %+v", p)
	}
	if !strings.HasPrefix(p.LastTest, "passed=true marked=false applied=false not_applied=") {
		t.Errorf("result %q", p.LastTest)
	}
	if _, err := f.s.IdPDraft(ctx, f.id); err != nil {
		t.Errorf("the draft is gone: %v", err)
	}
	if _, err := f.s.SessionByToken(ctx, f.token); err != nil {
		t.Errorf("the refused apply ended the session: %v", err)
	}
	if l, err := f.s.LinkOfUser(ctx, f.it.ID); err != nil || l.Issuer != "https://old.example" {
		t.Errorf("tester's link %+v, %v; want it left at the old issuer", l, err)
	}
	if rows := storetest.AuditRows(t, f.s, "idp.draft.apply"); len(rows) != 0 {
		t.Errorf("audit of an apply that did not happen: %+v", rows)
	}
	if rows := storetest.AuditRows(t, f.s, "idp.draft.test.success"); len(rows) != 1 || !strings.Contains(rows[0].Detail, "draft not applied: locks_out_privileged") {
		t.Errorf("audit %+v", rows)
	}
}

// TestFinishSSOTestUnderConcurrency: tests of one draft finish while its author saves, discards
// and saves other settings. At most one test applies, and what goes live is only ever the
// settings a test ran with.
func TestFinishSSOTestUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for round := range 5 {
		f := newDraftFixture(t)
		d := f.draft(t, func(in *store.IdPInput) { in.Scopes = "openid email profile" })
		untested := f.in
		untested.SecretEnc, untested.Scopes = nil, "openid"
		var wg sync.WaitGroup
		applied := make(chan bool, 4)
		for range 4 {
			wg.Go(func() {
				out, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(f.it, "https://old.example", "it-old"),
					Revision: d.Revision, Draft: true, Record: recordOutcome})
				if err != nil {
					t.Errorf("round %d: %v", round, err)
				}
				applied <- out.Applied != nil
			})
		}
		wg.Go(func() {
			if _, err := f.s.SaveIdPDraft(ctx, f.me, f.id, untested); err != nil {
				t.Errorf("round %d: save: %v", round, err)
			}
			if err := f.s.DiscardIdPDraft(ctx, f.me, f.id); err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("round %d: discard: %v", round, err)
			}
			if _, err := f.s.SaveIdPDraft(ctx, f.me, f.id, untested); err != nil {
				t.Errorf("round %d: save again: %v", round, err)
			}
		})
		wg.Wait()
		close(applied)
		n := 0
		for a := range applied {
			if a {
				n++
			}
		}
		p, _ := f.s.IdP(ctx, f.id)
		if n > 1 || p.Scopes == "openid" || (n == 1) != (p.Scopes == "openid email profile") {
			t.Errorf("round %d: %d tests applied, live scopes %q; want at most one, and only the tested settings", round, n, p.Scopes)
		}
	}
}

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

// TestFinishSSOTestDraftOnlyForAnAnswerOfTheDraftsIssuer: a test of a draft applies it only for
// an identity from the draft's issuer. An answer from another issuer (the live one here; or
// Google's "accounts.google.com", which go-oidc accepts for "https://accounts.google.com") says
// nothing about the draft's settings: applying on it would mark them tested and leave the tester
// refused by the sign-in through them.
func TestFinishSSOTestDraftOnlyForAnAnswerOfTheDraftsIssuer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	d := f.draft(t, func(in *store.IdPInput) { in.Issuer, in.SecretEnc = "https://new.example", []byte("sealed-new") })
	out, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: f.testBy(f.it, "https://old.example", "it-old"),
		Revision: d.Revision, Draft: true, Record: recordOutcome})
	if err != nil {
		t.Fatal(err)
	}
	if out.Passed() || out.Refusal.Kind != store.RefuseProviderChanged || out.Applied != nil {
		t.Errorf("got %+v; want refused, the answer not being the draft's issuer's", out)
	}
	if p, _ := f.s.IdP(ctx, f.id); p.Issuer != "https://old.example" {
		t.Errorf("the draft was applied on an answer from %q: live issuer %q", "https://old.example", p.Issuer)
	}
	if _, err := f.s.IdPDraft(ctx, f.id); err != nil {
		t.Errorf("the draft is gone: %v", err)
	}
}

// TestFinishSSOTestConfirmingALinkIsAudited: a link a sign-in made before its person got the
// Authentication Settings grant gets them in only once they prove it from their own session. A
// test sign-in proves it, also a test of a draft that is then not applied; that change of who
// has a way in must stand in the audit log like every other change of a link.
func TestFinishSSOTestConfirmingALinkIsAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	ny := storetest.MustUser(t, f.s, store.NewUser{Email: "ny@example.se", Name: "Ny", EmailVerified: true})
	if _, err := f.s.SignInSSO(ctx, store.SSOSignIn{Identity: store.SSOIdentity{IdPID: f.id, Issuer: "https://old.example",
		Subject: "ny-old", Email: ny.Email}}); err != nil {
		t.Fatalf("ny's first sign-in: %v", err)
	}
	if err := f.s.GrantAuthSettings(ctx, store.CLIActor, ny.ID); err != nil {
		t.Fatal(err)
	}
	if l, err := f.s.LinkOfUser(ctx, ny.ID); err != nil || l.BySelf {
		t.Fatalf("ny's link %+v, %v; want one a sign-in made", l, err)
	}
	before := len(storetest.AuditRows(t, f.s, "link.update"))
	out, err := f.s.FinishSSOTest(ctx, store.SSOTest{SignIn: store.SSOSignIn{Identity: store.SSOIdentity{IdPID: f.id,
		Issuer: "https://old.example", Subject: "ny-old", Email: ny.Email}, Self: ny.ID, Actor: store.Actor{UserID: ny.ID, Label: ny.Email}},
		Revision: f.revision(t), Record: recordOutcome})
	if err != nil || !out.Passed() {
		t.Fatalf("ny's test: %+v, %v", out, err)
	}
	if l, err := f.s.LinkOfUser(ctx, ny.ID); err != nil || !l.BySelf {
		t.Fatalf("ny's link %+v, %v; want it confirmed", l, err)
	}
	rows := storetest.AuditRows(t, f.s, "link.update")
	if len(rows) != before+1 || rows[len(rows)-1].Target != ny.Email {
		t.Errorf("audit link.update %+v; want a row for ny's link confirmed from their own session", rows)
	}
}
