package store

import (
	"context"
	"errors"
	"testing"
)

// opFixture is one person signed in to portvakt and one web app, in the store alone.
type opFixture struct {
	s     *Store
	user  User
	token string
	app   Application
}

func newOPFixture(t *testing.T) *opFixture {
	t.Helper()
	ctx := context.Background()
	f := &opFixture{s: openTestStore(t)}
	var err error
	if f.user, err = f.s.CreateUser(ctx, CLIActor, NewUser{Email: "ann@example.com", Name: "Ann", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	if f.token, err = f.s.CreateSession(ctx, NewSession{UserID: f.user.ID, Method: MethodSSO}); err != nil {
		t.Fatal(err)
	}
	st := AppSettings{Name: "HR", Kind: AppWeb, Enabled: true, Everyone: true, RedirectURIs: []string{"https://hr.example.com/cb"}}
	if f.app, _, err = f.s.CreateApplication(ctx, CLIActor, st.Normalize()); err != nil {
		t.Fatal(err)
	}
	return f
}

// code runs a sign-in for the app up to an issued authorization code.
func (f *opFixture) code(t *testing.T, code string) {
	t.Helper()
	ctx := context.Background()
	r, err := f.s.CreateOPAuthRequest(ctx, f.app.ClientID, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CompleteOPAuthRequest(ctx, CLIActor, r.ID, f.token); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SaveOPCode(ctx, r.ID, code); err != nil {
		t.Fatal(err)
	}
}

// TestCodeReusedDuringExchangeIssuesNothing: two exchanges of one code at once. The
// protocol layer takes the code (TakeOPCode) and issues the tokens (IssueOPTokens) in two
// transactions; a second exchange that lands between them is refused as a reuse, but the grant
// does not exist yet, so nothing is revoked, and the first exchange then issues tokens that
// live on although the code was used twice (RFC 6749 4.1.2: the tokens SHOULD be revoked).
func TestCodeReusedDuringExchangeIssuesNothing(t *testing.T) {
	t.Parallel()
	f := newOPFixture(t)
	ctx := context.Background()
	f.code(t, "code-1")

	first, err := f.s.TakeOPCode(ctx, "code-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.TakeOPCode(ctx, "code-1"); !errors.Is(err, ErrTokenReused) {
		t.Fatalf("second exchange: %v, want ErrTokenReused", err)
	}
	issued, err := f.s.IssueOPTokens(ctx, first, []string{"openid", "offline_access"}, true)
	if err != nil {
		return // refusing to issue for a code seen twice is a safe answer
	}
	if _, err := f.s.OPRefreshGrant(ctx, issued.Refresh); err == nil {
		t.Error("the refresh token issued for a code that was presented twice works")
	}
	if _, err := f.s.OPAccessGrant(ctx, issued.AccessID); err == nil {
		t.Error("the access token issued for a code that was presented twice is live")
	}
}

// TestCodeEndsWithItsSession: a sign-in for an app is completed and its code issued, then the
// person signs out of portvakt (or an administrator ends all their sessions, say after a stolen
// session cookie). Whoever holds the code (it lives 60 s) still exchanges it: TakeOPCode checks
// that the person may use the app but not that the session the code came from still stands,
// and the grant it issues is tied to a session that is gone, so no later sign-out reaches it.
func TestCodeEndsWithItsSession(t *testing.T) {
	t.Parallel()
	for _, end := range []struct {
		name string
		do   func(f *opFixture) error
	}{
		{"sign-out", func(f *opFixture) error { return f.s.SignOut(context.Background(), f.token) }},
		{"all sessions ended", func(f *opFixture) error { return f.s.DeleteUserSessions(context.Background(), f.user.ID) }},
	} {
		t.Run(end.name, func(t *testing.T) {
			f := newOPFixture(t)
			ctx := context.Background()
			f.code(t, "code-1")
			if err := end.do(f); err != nil {
				t.Fatal(err)
			}
			r, err := f.s.TakeOPCode(ctx, "code-1")
			if err != nil {
				return // refused: right
			}
			issued, err := f.s.IssueOPTokens(ctx, r, []string{"openid", "offline_access"}, true)
			if err != nil {
				return
			}
			if _, err := f.s.OPRefreshGrant(ctx, issued.Refresh); err == nil {
				t.Errorf("after %s, the code from that session was exchanged for a working refresh token", end.name)
			}
		})
	}
}

// TestAppGrantEndsWithItsSSOBasis: a person signs in through the identity provider and
// into an app; their portvakt session then ends on its own (idle expiry deletes it, as a new
// sign-in replaces it). Later their link is removed, or the provider is removed, because the
// upstream account was compromised, say. Both end "the SSO sessions that rest on it" and what
// apps were given from them, but they find the app grant through the session, which is gone:
// the app keeps refreshing for as long as it likes.
func TestAppGrantEndsWithItsSSOBasis(t *testing.T) {
	t.Parallel()
	for _, end := range []struct {
		name string
		do   func(f *offFixture) error
	}{
		{"link removed", func(f *offFixture) error { return f.s.RemoveLink(context.Background(), CLIActor, f.it.ID) }},
		{"provider removed", func(f *offFixture) error { return f.s.DeleteIdP(context.Background(), CLIActor, f.idp) }},
	} {
		t.Run(end.name, func(t *testing.T) {
			f := newOffFixture(t)
			ctx := context.Background()
			st := AppSettings{Name: "HR", Kind: AppWeb, Enabled: true, Everyone: true, RedirectURIs: []string{"https://hr.example.se/cb"}}
			app, _, err := f.s.CreateApplication(ctx, CLIActor, st.Normalize())
			if err != nil {
				t.Fatal(err)
			}
			r, err := f.s.CreateOPAuthRequest(ctx, app.ClientID, []byte(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			// A session through the provider, as a sign-in through it makes.
			token, err := f.s.CreateSession(ctx, NewSession{UserID: f.it.ID, Method: MethodSSO, IdPID: f.idp})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.CompleteOPAuthRequest(ctx, CLIActor, r.ID, token); err != nil {
				t.Fatal(err)
			}
			if err := f.s.SaveOPCode(ctx, r.ID, "code-1"); err != nil {
				t.Fatal(err)
			}
			taken, err := f.s.TakeOPCode(ctx, "code-1")
			if err != nil {
				t.Fatal(err)
			}
			issued, err := f.s.IssueOPTokens(ctx, taken, []string{"openid", "offline_access"}, true)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.s.DeleteSession(ctx, token); err != nil { // idle expiry
				t.Fatal(err)
			}
			if err := end.do(f); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.OPRefreshGrant(ctx, issued.Refresh); err == nil {
				t.Errorf("%s: the app's refresh token from a sign-in through it still works", end.name)
			}
		})
	}
}

// TestLeakedSecretRotationEndsTokens: an integration's secret leaks; an
// administrator rotates it with no overlap, which is meant to end the leaked secret at once.
// The access tokens the thief already took with it stay active (introspection says so) for
// their whole lifetime, up to an hour.
func TestLeakedSecretRotationEndsTokens(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	app, _, err := s.CreateApplication(ctx, CLIActor, AppSettings{Name: "Time clock", Kind: AppIntegration, Enabled: true}.Normalize())
	if err != nil {
		t.Fatal(err)
	}
	stolen, err := s.IssueOPClientToken(ctx, app.ClientID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateApplicationSecret(ctx, CLIActor, app.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OPAccessGrant(ctx, stolen.AccessID); err == nil {
		t.Error("after the secret was rotated with no overlap, a token taken with the leaked secret is still active")
	}
}
