package store

import (
	"context"
	"errors"
	"testing"
)

// TestDeactivatedPersonCannotSignIn: deactivation ends the person's sessions in its own
// transaction, SSO refuses them by link and by e-mail, and reactivation lets them back in.
func TestDeactivatedPersonCannotSignIn(t *testing.T) {
	ctx := context.Background()
	f := newOffFixture(t)
	anna := f.user(t, "anna@example.se", true)
	tk, _, err := f.s.CreateAPIToken(ctx, CLIActor, NewAPIToken{Name: "Entra ID", Purpose: PurposeSCIM})
	if err != nil {
		t.Fatal(err)
	}
	pt := ProvisionToken{ID: tk.ID, Name: tk.Name}
	linked, err := f.s.SignInSSO(ctx, SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: "anna", Email: anna.Email}})
	if err != nil || !linked.Linked {
		t.Fatalf("first sign-in: %+v %v", linked, err)
	}
	set := func(active bool) {
		t.Helper()
		p, err := f.s.ProvisionedByID(ctx, anna.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := Provision{Email: p.Email, Name: p.Name, Active: active}
		if _, _, err := f.s.UpdateProvisioned(ctx, CLIActor, pt, anna.ID, in, VerificationMail{}); err != nil {
			t.Fatal(err)
		}
	}
	set(false)
	if _, err := f.s.SessionByToken(ctx, linked.Session); !errors.Is(err, ErrNotFound) {
		t.Errorf("the session outlived the deactivation: %v", err)
	}
	_, err = f.s.SignInSSO(ctx, SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: "anna"}})
	wantRefusal(t, err, RefuseDeactivated)
	it, err := f.s.UserItem(ctx, anna.ID)
	if err != nil || !it.Deactivated || it.Source != SourceSCIM || it.SourceToken != "Entra ID" || it.DeactivatedReason == "" {
		t.Errorf("Users item: %+v %v", it, err)
	}
	set(true)
	out, err := f.s.SignInSSO(ctx, SSOSignIn{Identity: SSOIdentity{IdPID: f.idp, Issuer: fixtureIssuer, Subject: "anna"}})
	if err != nil || !out.ByLink {
		t.Errorf("after reactivation: %+v %v", out, err)
	}
}

// TestLastActiveAdministratorStays: a deactivated administrator cannot sign in, so they do not
// count as the one who stays: demoting, deactivating or deleting the last active administrator
// is refused.
func TestLastActiveAdministratorStays(t *testing.T) {
	ctx := context.Background()
	f := newOffFixture(t)
	a, err := f.s.CreateUser(ctx, CLIActor, NewUser{Email: "a@example.se", Name: "A", Admin: true, EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.s.CreateUser(ctx, CLIActor, NewUser{Email: "b@example.se", Name: "B", Admin: true, EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	// Every other administrator of the fixture is demoted, so a and b are the only ones.
	if _, err := f.s.write.Exec("UPDATE users SET is_admin = 0 WHERE id NOT IN (?, ?)", a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	pt := ProvisionToken{Name: "Entra ID"}
	if _, _, err := f.s.UpdateProvisioned(ctx, CLIActor, pt, a.ID, Provision{Email: a.Email, Name: a.Name, Active: false}, VerificationMail{}); err != nil {
		t.Fatalf("deactivate a: %v", err)
	}
	if err := f.s.SetAdmin(ctx, CLIActor, b.ID, false); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("demote b: %v, want ErrLastAdmin", err)
	}
	if _, _, err := f.s.UpdateProvisioned(ctx, CLIActor, pt, b.ID, Provision{Email: b.Email, Name: b.Name, Active: false}, VerificationMail{}); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("deactivate b: %v, want ErrLastAdmin", err)
	}
	if err := f.s.DeleteUser(ctx, CLIActor, b.ID); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("delete b: %v, want ErrLastAdmin", err)
	}
}
