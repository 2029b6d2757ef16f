package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func wantRefusal(t *testing.T, err error, kind LinkRefusalKind) {
	t.Helper()
	var r *LinkRefusal
	if !errors.As(err, &r) || r.Kind != kind {
		t.Fatalf("got %v, want refusal %s", err, kind)
	}
}

// TestSignInSSORules: every linking rule holds in the store, whatever the caller checked.
func TestSignInSSORules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	anna := f.user(t, "anna@example.se", true)
	f.user(t, "bo@example.se", false)
	boss, err := f.s.CreateUser(ctx, CLIActor, NewUser{Email: "boss@example.se", Name: "Boss", EmailVerified: true, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	id := func(sub, email string) SSOIdentity {
		return SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: sub, Email: email}
	}
	tests := []struct {
		name string
		in   SSOSignIn
		want LinkRefusalKind
	}{
		{"an unverified e-mail in portvakt", SSOSignIn{Identity: id("b", "bo@example.se")}, RefuseUserUnverified},
		{"nobody with the e-mail", SSOSignIn{Identity: id("x", "x@example.se")}, RefuseNoUser},
		{"a domain that is not verified", SSOSignIn{Identity: id("y", "y@other.se")}, RefuseDomainNotVerified},
		{"an administrator by a sign-in", SSOSignIn{Identity: id("boss", "boss@example.se")}, RefusePrivileged},
		{"a grant holder by a sign-in", SSOSignIn{Identity: id("it-2", "it@example.se")}, RefuseAlreadyLinked},
		{"another person's identity when linking oneself", SSOSignIn{Identity: id("a", "anna@example.se"), Self: boss.ID}, RefuseOtherUser},
		{"an issuer that is not the provider's", SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: "https://evil", Subject: "it-1"}}, RefuseProviderChanged},
		{"a linked identity used by another person linking themselves", SSOSignIn{Identity: id("it-1", ""), Self: anna.ID}, RefuseOtherUser},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := f.s.SignInSSO(ctx, tt.in)
			wantRefusal(t, err, tt.want)
		})
	}
	t.Run("an administrator links themselves", func(t *testing.T) {
		out, err := f.s.SignInSSO(ctx, SSOSignIn{Identity: id("boss", "boss@example.se"), Self: boss.ID})
		if err != nil || !out.Linked || out.Session == "" || out.User.ID != boss.ID {
			t.Fatalf("got %+v, %v", out, err)
		}
	})
	t.Run("a disabled provider signs nobody in", func(t *testing.T) {
		f.s.write.Exec("UPDATE identity_providers SET enabled = 0")
		t.Cleanup(func() { f.s.write.Exec("UPDATE identity_providers SET enabled = 1") })
		_, err := f.s.SignInSSO(ctx, SSOSignIn{Identity: id("it-1", "")})
		wantRefusal(t, err, RefuseProviderDisabled)
	})
	t.Run("a refusal leaves nothing behind", func(t *testing.T) {
		var links, sessions int
		f.s.write.QueryRow("SELECT (SELECT COUNT(*) FROM identity_links), (SELECT COUNT(*) FROM sessions)").Scan(&links, &sessions)
		if links != 2 || sessions != 2 {
			t.Errorf("%d links, %d sessions; want 2 (it, boss) and 2 (fixture, boss)", links, sessions)
		}
	})
}

// TestSignInSSOUnderConcurrency: first sign-ins racing with different identities for one person
// leave exactly one link, and one session per accepted sign-in.
func TestSignInSSOUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	anna := f.user(t, "anna@example.se", true)
	var wg sync.WaitGroup
	results := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.SignInSSO(ctx, SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer,
				Subject: fmt.Sprintf("anna-%d", i), Email: anna.Email}})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		default:
			wantRefusal(t, err, RefuseAlreadyLinked)
		}
	}
	var links int
	f.s.write.QueryRow("SELECT COUNT(*) FROM identity_links WHERE user_id = ?", anna.ID).Scan(&links)
	if ok != 1 || links != 1 {
		t.Errorf("%d sign-ins accepted, %d links; want 1 and 1", ok, links)
	}
}
