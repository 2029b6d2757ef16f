package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// offFixture is an organisation ready to switch passwords off: example.se verified and served by
// a tested provider, and it@example.se signed in through it just now.
type offFixture struct {
	s      *Store
	idp    int64
	domain int64
	in     IdPInput
	it     User
	token  string
}

const fixtureIssuer = "https://idp.example.se"

func newOffFixture(t *testing.T) *offFixture {
	t.Helper()
	ctx := context.Background()
	f := &offFixture{s: openTestStore(t)}
	f.domain = addDomain(t, f.s, "example.se", "verified")
	f.in = IdPInput{Name: "Entra", Preset: "entra", Issuer: fixtureIssuer, ClientID: "c", SecretEnc: []byte{1},
		Scopes: "openid email", Enabled: true, DomainIDs: []int64{f.domain}}
	var err error
	if f.idp, err = f.s.CreateIdP(ctx, CLIActor, f.in); err != nil {
		t.Fatal(err)
	}
	f.it = f.user(t, "it@example.se", true)
	if err := f.s.CreateLink(ctx, CLIActor, Link{UserID: f.it.ID, IdPID: f.idp, Issuer: fixtureIssuer, Subject: "it-1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SaveIdPTest(ctx, Actor{UserID: f.it.ID, Label: f.it.Email}, f.idp, revisionOf(t, f.s, f.idp), true, "{}", ""); err != nil {
		t.Fatal(err)
	}
	f.token = f.session(t, f.it, MethodSSO)
	return f
}

func (f *offFixture) user(t *testing.T, email string, verified bool) User {
	t.Helper()
	u, err := f.s.CreateUser(context.Background(), CLIActor, NewUser{Email: email, Name: email, EmailVerified: verified})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *offFixture) session(t *testing.T, u User, method string) string {
	t.Helper()
	token, err := f.s.CreateSession(context.Background(), NewSession{UserID: u.ID, Method: method})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// guard is what the review page would send: the current list's digest and the domain typed.
func (f *offFixture) guard(t *testing.T) PasswordOffGuard {
	t.Helper()
	st, err := f.s.PasswordOffCheck(context.Background(), f.token)
	if err != nil {
		t.Fatal(err)
	}
	return PasswordOffGuard{SessionToken: f.token, Reviewed: st.Reviewed, ConfirmDomain: "example.se"}
}

func (f *offFixture) passwordOn(t *testing.T) bool {
	t.Helper()
	on, err := f.s.PasswordLoginEnabled(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return on
}

func TestDisablePasswordLoginRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, f *offFixture, g *PasswordOffGuard)
		want    PasswordOffReason
	}{
		{"refuses without a verified domain", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			f.s.write.Exec("UPDATE domains SET status = 'failed'")
		}, ReasonNoVerifiedDomain},
		{"refuses when no enabled provider serves a verified domain", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			in := f.in
			in.Enabled = false
			if err := f.s.UpdateIdP(ctx, CLIActor, f.idp, in); err != nil {
				t.Fatal(err)
			}
		}, ReasonNoServedDomain},
		{"refuses when the provider is not tested with its current settings", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			f.s.write.Exec("UPDATE identity_providers SET tested_at = NULL, tested_by = NULL")
		}, ReasonNotTested},
		{"refuses a password session", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			g.SessionToken = f.session(t, f.it, MethodPassword)
		}, ReasonNoSSOSession},
		{"refuses without a session", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			g.SessionToken = ""
		}, ReasonNoSSOSession},
		{"refuses an SSO sign-in more than an hour old", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			setNow(t, f.s, func() time.Time { return time.Now().Add(SSOSignInMaxAge + time.Minute) })
		}, ReasonSSOTooOld},
		{"refuses when the person would lock themselves out", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			f.s.write.Exec("UPDATE identity_links SET issuer = 'https://elsewhere' WHERE user_id = ?", f.it.ID)
			*g = f.guard(t)
		}, ReasonLocksOutSelf},
		{"refuses a confirmation for a list that changed", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			f.user(t, "new@example.se", false)
		}, ReasonNotReviewed},
		{"refuses without the review", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			g.Reviewed = ""
		}, ReasonNotReviewed},
		{"refuses a wrongly typed domain", func(t *testing.T, f *offFixture, g *PasswordOffGuard) {
			g.ConfirmDomain = "example.com"
		}, ReasonNotConfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOffFixture(t)
			g := f.guard(t)
			tt.prepare(t, f, &g)
			_, err := f.s.DisablePasswordLogin(ctx, Actor{UserID: f.it.ID, Label: f.it.Email}, g)
			var pe *PasswordOffError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PasswordOffError", err)
			}
			if !slices.Contains(pe.Reasons, tt.want) {
				t.Errorf("reasons %v, want %s among them", pe.Reasons, tt.want)
			}
			if !f.passwordOn(t) {
				t.Error("password sign-in went off despite the refusal")
			}
		})
	}
}

func TestDisablePasswordLoginListsEveryReason(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	_, err := s.DisablePasswordLogin(context.Background(), CLIActor, PasswordOffGuard{})
	var pe *PasswordOffError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want a *PasswordOffError", err)
	}
	if want := []PasswordOffReason{ReasonNoVerifiedDomain, ReasonNoSSOSession}; !slices.Equal(pe.Reasons, want) {
		t.Errorf("reasons %v, want %v", pe.Reasons, want)
	}
}

func TestDisablePasswordLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newOffFixture(t)
	f.s.write.Exec("UPDATE domains SET status = 'needs_attention'") // still counts as verified
	anna := f.user(t, "anna@example.se", true)
	annaPw := f.session(t, anna, MethodPassword)
	f.user(t, "bo@example.se", false)
	f.user(t, "cy@other.se", true)
	dan := f.user(t, "dan@example.se", true)
	f.s.CreateLink(ctx, CLIActor, Link{UserID: dan.ID, Issuer: "https://old-idp", Subject: "dan"})
	// An administrator is never linked by a sign-in: without a link made from their own
	// profile, they would have no way in.
	if _, err := f.s.CreateUser(ctx, CLIActor, NewUser{Email: "eva@example.se", Name: "Eva", EmailVerified: true, Admin: true}); err != nil {
		t.Fatal(err)
	}

	st, err := f.s.PasswordOffCheck(ctx, f.token)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("lists who would lose access and why", func(t *testing.T) {
		var got []string
		for _, u := range st.Affected {
			got = append(got, u.Email+" "+string(u.Why))
		}
		want := []string{"bo@example.se email_unverified", "cy@other.se domain_not_served", "dan@example.se linked_elsewhere",
			"eva@example.se privileged_unlinked"}
		if !slices.Equal(got, want) || st.Users != 6 || len(st.Reasons) != 0 || st.PasswordSessions != 1 {
			t.Errorf("affected %v of %d, reasons %v, sessions %d; want %v of 6, none, 1", got, st.Users, st.Reasons, st.PasswordSessions, want)
		}
	})
	ended, err := f.s.DisablePasswordLogin(ctx, Actor{UserID: f.it.ID, Label: f.it.Email},
		PasswordOffGuard{SessionToken: f.token, Reviewed: st.Reviewed, ConfirmDomain: " Example.SE "})
	if err != nil {
		t.Fatalf("DisablePasswordLogin: %v", err)
	}
	t.Run("switches off and ends every password session", func(t *testing.T) {
		if f.passwordOn(t) || ended != 1 {
			t.Errorf("password on %v, %d sessions ended; want off, 1", f.passwordOn(t), ended)
		}
		if _, err := f.s.SessionByToken(ctx, annaPw); !errors.Is(err, ErrNotFound) {
			t.Errorf("Anna's password session: %v, want it ended", err)
		}
		if _, err := f.s.SessionByToken(ctx, f.token); err != nil {
			t.Errorf("the SSO session ended: %v", err)
		}
	})
	t.Run("writes the audit row with before and after", func(t *testing.T) {
		var before, after, detail string
		f.s.read.QueryRowContext(context.Background(), "SELECT before, after, detail FROM audit_log WHERE action = 'policy.password_login'").Scan(&before, &after, &detail)
		if before != "on" || after != "off" || detail == "" {
			t.Errorf("audit %q -> %q (%q)", before, after, detail)
		}
	})
	t.Run("refuses a password session started after the switch", func(t *testing.T) {
		if _, err := f.s.CreateSession(ctx, NewSession{UserID: anna.ID, Method: MethodPassword}); !errors.Is(err, ErrPasswordLoginOff) {
			t.Errorf("password session: %v, want ErrPasswordLoginOff", err)
		}
		if _, err := f.s.CreateSession(ctx, NewSession{UserID: anna.ID, Method: MethodSSO}); err != nil {
			t.Errorf("SSO session: %v", err)
		}
	})
	t.Run("says when it is already off", func(t *testing.T) {
		if _, err := f.s.DisablePasswordLogin(ctx, CLIActor, f.guard(t)); !errors.Is(err, ErrPasswordAlreadyOff) {
			t.Errorf("got %v, want ErrPasswordAlreadyOff", err)
		}
	})
}

// TestDisablePasswordLoginUnderConcurrency races switching passwords off against disabling the
// provider, against password sign-ins and against each other: passwords never end up off with
// no provider serving the domain or with a password session left, and at most one switch is
// recorded.
func TestDisablePasswordLoginUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for round := range 5 {
		f := newOffFixture(t)
		g := f.guard(t)
		off := Actor{UserID: f.it.ID, Label: f.it.Email}
		var wg sync.WaitGroup
		var mu sync.Mutex
		switched, disabled := 0, 0
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%3 == 2 {
					f.s.CreateSession(ctx, NewSession{UserID: f.it.ID, Method: MethodPassword})
					return
				}
				if i%3 == 0 {
					if _, err := f.s.DisablePasswordLogin(ctx, off, g); err == nil {
						mu.Lock()
						switched++
						mu.Unlock()
					}
					return
				}
				in := f.in
				in.Enabled = false
				if err := f.s.UpdateIdP(ctx, CLIActor, f.idp, in); err == nil {
					mu.Lock()
					disabled++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		p, err := f.s.IdP(ctx, f.idp)
		if err != nil {
			t.Fatal(err)
		}
		var rows int
		f.s.read.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'policy.password_login'").Scan(&rows)
		if !f.passwordOn(t) && !p.Enabled {
			t.Errorf("round %d: passwords off and the only provider disabled", round)
		}
		if switched > 1 || rows != switched || (switched == 1) == f.passwordOn(t) {
			t.Errorf("round %d: %d switches, %d audit rows, password on %v", round, switched, rows, f.passwordOn(t))
		}
		var pwSessions int
		f.s.read.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM sessions WHERE method = 'password'").Scan(&pwSessions)
		if !f.passwordOn(t) && pwSessions != 0 {
			t.Errorf("round %d: passwords off with %d password sessions left", round, pwSessions)
		}
		if switched+disabled == 0 {
			t.Errorf("round %d: neither the switch nor the disabling went through", round)
		}
	}
}

func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "portvakt.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// addDomain inserts a domain row in the given state, as the domains area leaves it after checks.
func addDomain(t *testing.T, s *Store, name, status string) int64 {
	t.Helper()
	res, err := s.write.Exec("INSERT INTO domains (name, token, status, created_at) VALUES (?, 'tok', ?, 0)", name, status)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

// revisionOf is the provider's revision now: the one a test sign-in must have run with to mark it.
func revisionOf(t testing.TB, s *Store, id int64) int64 {
	t.Helper()
	p, err := s.IdP(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Revision
}
