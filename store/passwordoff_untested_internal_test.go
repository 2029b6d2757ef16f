package store

import (
	"context"
	"testing"
)

// TestPasswordOffListCountsOnlyTestedProviders: the list of people who would lose access when
// password sign-in goes off must not count a provider nobody has tested with its current
// configuration as their way in. Here other.se is served by a second provider whose client secret
// was changed (mistyped) after boss@other.se linked through it: it is untested now, its sign-ins
// fail, and yet the administrator is not on the list, so the switch goes through and leaves them
// without a way in.
func TestPasswordOffListCountsOnlyTestedProviders(t *testing.T) {
	ctx := context.Background()
	f := newOffFixture(t)
	other := addDomain(t, f.s, "other.se", "verified")
	in := IdPInput{Name: "Other", Preset: "other", Issuer: "https://idp.other.se", ClientID: "o", SecretEnc: []byte{2},
		Scopes: "openid email", Enabled: true, DomainIDs: []int64{other}}
	q, err := f.s.CreateIdP(ctx, CLIActor, in)
	if err != nil {
		t.Fatal(err)
	}
	boss, err := f.s.CreateUser(ctx, CLIActor, NewUser{Email: "boss@other.se", Name: "Boss", EmailVerified: true, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.CreateLink(ctx, CLIActor, Link{UserID: boss.ID, IdPID: q, Issuer: in.Issuer, Subject: "boss-1"}); err != nil {
		t.Fatal(err)
	}
	in.SecretEnc = []byte{3} // the mistyped secret: the provider is untested from now on
	if err := f.s.UpdateIdP(ctx, CLIActor, q, in); err != nil {
		t.Fatal(err)
	}
	if p, err := f.s.IdP(ctx, q); err != nil || !p.TestedAt.IsZero() {
		t.Fatalf("provider tested %v, %v; want untested", !p.TestedAt.IsZero(), err)
	}

	st, err := f.s.PasswordOffCheck(ctx, f.token)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range st.Affected {
		found = found || u.ID == boss.ID
	}
	if !found {
		t.Errorf("boss@other.se, whose only way in is an untested provider, is not on the list: %+v", st.Affected)
	}
}
