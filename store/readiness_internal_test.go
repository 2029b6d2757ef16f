package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"
)

// readinessFixture: example.se verified and served by a tested provider (it@example.se linked to
// it); example.org verified and served by an untested one; other.se not served at all.
type readinessFixture struct {
	*offFixture
	okta                      int64
	anna, bo, cia, dan, admin User
}

func newReadinessFixture(t *testing.T) *readinessFixture {
	t.Helper()
	ctx := context.Background()
	f := &readinessFixture{offFixture: newOffFixture(t)}
	org := addDomain(t, f.s, "example.org", "verified")
	var err error
	f.okta, err = f.s.CreateIdP(ctx, CLIActor, IdPInput{Name: "Okta", Preset: "okta", Issuer: "https://okta.example.org",
		ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid email", Enabled: true, DomainIDs: []int64{org}})
	if err != nil {
		t.Fatal(err)
	}
	f.anna = f.user(t, "anna@example.se", true) // ready, not linked
	f.bo = f.user(t, "bo@example.se", false)    // ready, e-mail unverified: cannot link
	f.cia = f.user(t, "cia@example.org", true)  // served, but the provider is untested: no way in
	f.dan = f.user(t, "dan@other.se", true)     // no provider
	f.admin, err = f.s.CreateUser(ctx, CLIActor, NewUser{Email: "boss@example.se", Name: "Boss", Admin: true, EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// moveClock moves the store clock to at until the test ends.
func moveClock(t *testing.T, s *Store, at time.Time) {
	t.Helper()
	old := s.Now
	s.Now = func() time.Time { return at }
	t.Cleanup(func() { s.Now = old })
}

func TestCountUsers(t *testing.T) {
	ctx := context.Background()
	f := newReadinessFixture(t)
	now := time.Now()
	moveClock(t, f.s, now.Add(-40*24*time.Hour))
	if err := f.s.RecordLogin(ctx, CLIActor, f.anna.ID, MethodPassword); err != nil { // too long ago
		t.Fatal(err)
	}
	f.s.Now = func() time.Time { return now }
	if err := f.s.RecordLogin(ctx, CLIActor, f.dan.ID, MethodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SignInSSO(ctx, SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: "it-1"}}); err != nil {
		t.Fatal(err)
	}
	_, got, err := f.s.userGroups(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := UserCounts{ShowAll: 6, ShowVerified: 5, ShowReady: 4, ShowLinked: 1, ShowNotLinked: 3,
		ShowSSO: 1, ShowPassword: 1, ShowLosing: 4}
	if !maps.Equal(got, want) {
		t.Errorf("counts:\n got %v\nwant %v", got, want)
	}
	ov, err := f.s.ReadOverview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(ov.Counts, want) {
		t.Errorf("the overview's one pass counts:\n got %v\nwant %v", ov.Counts, want)
	}

	t.Run("every group lists the people it counts, within a search", func(t *testing.T) {
		for g, want := range map[UserShow][]string{
			ShowReady:     {"anna@example.se", "bo@example.se", "boss@example.se", "it@example.se"},
			ShowNotLinked: {"anna@example.se", "bo@example.se", "boss@example.se"},
			ShowLosing:    {"bo@example.se", "boss@example.se", "cia@example.org", "dan@other.se"},
			ShowPassword:  {"dan@other.se"},
			ShowSSO:       {"it@example.se"},
			ShowLinked:    {"it@example.se"},
		} {
			items, total, err := f.s.ListUsers(ctx, UserFilter{Show: g})
			if err != nil {
				t.Fatal(err)
			}
			if got := emails(items); total != len(want) || !slices.Equal(got, want) {
				t.Errorf("%s: %d %v, want %v", g, total, got, want)
			}
		}
		items, counts, err := f.s.ListUsersCounted(ctx, UserFilter{Show: ShowLosing, Query: "example.se"})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(items); !slices.Equal(got, []string{"bo@example.se", "boss@example.se"}) {
			t.Errorf("losing within example.se: %v", got)
		}
		if counts[ShowAll] != 4 || counts[ShowLosing] != 2 || counts[ShowReady] != 4 {
			t.Errorf("counts within example.se: %v", counts)
		}
		all, err := f.s.ExportUsers(ctx, UserFilter{Show: ShowNotLinked, Query: "b"})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(all); !slices.Equal(got, []string{"bo@example.se", "boss@example.se"}) {
			t.Errorf("export of not linked with b: %v", got)
		}
	})

	t.Run("testing the second provider makes its people ready", func(t *testing.T) {
		if err := f.s.SaveIdPTest(ctx, Actor{UserID: f.it.ID, Label: f.it.Email}, f.okta, revisionOf(t, f.s, f.okta), true, "{}", ""); err != nil {
			t.Fatal(err)
		}
		_, got, err := f.s.userGroups(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if got[ShowReady] != 5 || got[ShowNotLinked] != 4 || got[ShowLosing] != 3 {
			t.Errorf("after testing Okta: %v", got)
		}
	})
}

func emails(items []UserListItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Email)
	}
	slices.Sort(out)
	return out
}

func TestSignInRollup(t *testing.T) {
	ctx := context.Background()
	f := newReadinessFixture(t)
	midnight := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	moveClock(t, f.s, midnight.Add(-30*time.Second))
	sso := SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: "it-1"}}
	if err := f.s.RecordLogin(ctx, CLIActor, f.anna.ID, MethodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SignInSSO(ctx, sso); err != nil {
		t.Fatal(err)
	}
	f.s.Now = func() time.Time { return midnight.Add(30 * time.Second) }
	for range 2 {
		if _, err := f.s.SignInSSO(ctx, sso); err != nil {
			t.Fatal(err)
		}
	}
	// Refused sign-ins are not counted: an unknown identity, and a provider that was removed.
	refused := SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: "nobody", Email: "nobody@example.se"}}
	var r *LinkRefusal
	if _, err := f.s.SignInSSO(ctx, refused); !errors.As(err, &r) {
		t.Fatalf("unknown identity: %v", err)
	}
	if err := f.s.AppendAudit(ctx, CLIActor, AuditEntry{Action: "login.failure", Target: "anna@example.se", Detail: "wrong password"}); err != nil {
		t.Fatal(err)
	}

	got, err := f.s.SignInsPerDay(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := midnight.Add(-48 * time.Hour); !got.First.Equal(want) || got.Days != 3 {
		t.Errorf("period from %v, %d days; want %v, 3", got.First, got.Days, want)
	}
	if len(got.Methods) != 2 || got.Methods[0].Method != MethodPassword || got.Methods[1].IdPID != f.idp || got.Methods[1].Name != "Entra" {
		t.Fatalf("methods %+v", got.Methods)
	}
	if want := [][]int{{0, 1, 0}, {0, 1, 2}}; !slices.Equal(got.Counts[0], want[0]) || !slices.Equal(got.Counts[1], want[1]) {
		t.Errorf("counts %v, want %v", got.Counts, want)
	}
	if got.Total(1) != 3 {
		t.Errorf("SSO total %d, want 3", got.Total(1))
	}

	t.Run("a day without sign-ins still shows password, and old days drop out", func(t *testing.T) {
		f.s.Now = func() time.Time { return midnight.Add(5 * 24 * time.Hour) }
		got, err := f.s.SignInsPerDay(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Methods) != 1 || got.Methods[0].Method != MethodPassword || !slices.Equal(got.Counts[0], []int{0, 0}) {
			t.Errorf("got %+v", got)
		}
	})
}

func TestLinkInvites(t *testing.T) {
	ctx := context.Background()
	f := newReadinessFixture(t)
	start := time.Now()
	moveClock(t, f.s, start)
	inv, err := f.s.LinkInvites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var due []string
	for _, d := range inv.Due {
		due = append(due, d.Email)
	}
	if !slices.Equal(due, []string{"anna@example.se", "boss@example.se"}) || inv.Blocked != 1 || inv.Waiting != 0 {
		t.Fatalf("due %v, blocked %d, waiting %d; want anna and boss, 1 blocked (bo, unverified)", due, inv.Blocked, inv.Waiting)
	}
	if inv.Due[0].Privileged || !inv.Due[1].Privileged || inv.Due[0].Provider != "Entra" {
		t.Errorf("privileged marks and providers: %+v", inv.Due)
	}
	overviewInvites := func(due, profile, waiting, blocked int) {
		t.Helper()
		ov, err := f.s.ReadOverview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ov.InvitePossible || ov.InviteDue != due || ov.InviteProfile != profile || ov.InviteWaiting != waiting || ov.InviteBlocked != blocked {
			t.Errorf("overview invitations %+v, want due %d (profile %d), waiting %d, blocked %d", ov, due, profile, waiting, blocked)
		}
	}
	overviewInvites(2, 1, 0, 1)
	send := func() []int64 {
		t.Helper()
		ids, err := f.s.SendLinkInvites(ctx, Actor{UserID: f.it.ID, Label: f.it.Email}, []InviteMail{
			{UserID: f.anna.ID, Mail: NewMail{Kind: "link_invite", To: f.anna.Email, Subject: "s", Body: []byte{1}}},
			{UserID: f.admin.ID, ViaProfile: true, Mail: NewMail{Kind: "link_invite", To: f.admin.Email, Subject: "s", Body: []byte{1}}},
			{UserID: f.bo.ID, Mail: NewMail{Kind: "link_invite", To: f.bo.Email, Subject: "s", Body: []byte{1}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if ids := send(); len(ids) != 2 {
		t.Fatalf("sent %d, want 2 (bo cannot link)", len(ids))
	}
	if got := AuditActionsFor(t, f.s, "anna@example.se"); !slices.Contains(got, "link.invite") {
		t.Errorf("no link.invite audit row for anna: %v", got)
	}
	overviewInvites(0, 0, 2, 1)
	if ids := send(); len(ids) != 0 {
		t.Errorf("sent again within a day: %d", len(ids))
	}
	f.s.Now = func() time.Time { return start.Add(InviteInterval + time.Minute) }
	if err := f.s.CreateLink(ctx, CLIActor, Link{UserID: f.anna.ID, IdPID: f.idp, Issuer: fixtureIssuer, Subject: "anna-1"}); err != nil {
		t.Fatal(err)
	}
	if ids := send(); len(ids) != 1 {
		t.Errorf("a day later sent %d, want 1 (boss; anna has linked)", len(ids))
	}
	inv, err = f.s.LinkInvites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Sent != 3 || inv.Invited != 2 || inv.LinkedSince != 1 || len(inv.Due) != 0 || inv.Waiting != 1 {
		t.Errorf("sent %d, invited %d, linked since %d, due %d, waiting %d; want 3, 2, 1, 0, 1",
			inv.Sent, inv.Invited, inv.LinkedSince, len(inv.Due), inv.Waiting)
	}
	if len(inv.Recent) != 3 || inv.Recent[0].Email != "boss@example.se" || !inv.Recent[0].ViaProfile || inv.Recent[0].MailStatus != MailQueued {
		t.Errorf("recent %+v", inv.Recent)
	}
}

// AuditActionsFor lists the audit actions whose target is target.
func AuditActionsFor(t *testing.T, s *Store, target string) []string {
	t.Helper()
	rows, err := s.write.Query("SELECT action FROM audit_log WHERE target = ? ORDER BY id", target)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// Two people pressing the button at once send each invitation once: the rule is read again in
// the transaction that records it.
func TestLinkInvitesConcurrently(t *testing.T) {
	ctx := context.Background()
	f := newReadinessFixture(t)
	mails := []InviteMail{{UserID: f.anna.ID, Mail: NewMail{Kind: "link_invite", To: f.anna.Email, Subject: "s", Body: []byte{1}}}}
	done := make(chan int, 4)
	for range 4 {
		go func() {
			ids, err := f.s.SendLinkInvites(ctx, CLIActor, mails)
			if err != nil {
				t.Error(err)
			}
			done <- len(ids)
		}()
	}
	sent := 0
	for range 4 {
		sent += <-done
	}
	if sent != 1 {
		t.Errorf("%d invitations sent to anna, want 1", sent)
	}
}
