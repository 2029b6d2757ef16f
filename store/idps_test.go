package store_test

import (
	"context"
	"errors"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

func TestIdPDomains(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	se := storetest.VerifiedDomain(t, s, "example.se").ID
	pending := pendingDomain(t, s, "pending.se")
	in := store.IdPInput{Name: "Entra", Preset: "entra", Issuer: "https://idp.example", ClientID: "c", SecretEnc: []byte{1},
		Scopes: "openid email", Enabled: true, DomainIDs: []int64{se}}
	id, err := s.CreateIdP(ctx, store.CLIActor, in)
	if err != nil {
		t.Fatalf("CreateIdP: %v", err)
	}
	t.Run("serves its verified domain", func(t *testing.T) {
		got, err := s.IdPServesDomain(ctx, id, "example.se")
		if err != nil || !got {
			t.Errorf("got %v, %v, want true", got, err)
		}
	})
	t.Run("refuses a domain that is not verified", func(t *testing.T) {
		in2 := in
		in2.Name, in2.DomainIDs = "Other", []int64{pending}
		if _, err := s.CreateIdP(ctx, store.CLIActor, in2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("refuses a domain served by another enabled provider", func(t *testing.T) {
		in2 := in
		in2.Name = "Okta"
		if _, err := s.CreateIdP(ctx, store.CLIActor, in2); !errors.Is(err, store.ErrDomainServed) {
			t.Errorf("got %v, want ErrDomainServed", err)
		}
	})
	t.Run("a disabled provider may list a served domain", func(t *testing.T) {
		in2 := in
		in2.Name, in2.Enabled = "Okta", false
		id2, err := s.CreateIdP(ctx, store.CLIActor, in2)
		if err != nil {
			t.Fatalf("got %v", err)
		}
		ps, _ := s.IdPsForDomain(ctx, "example.se")
		if len(ps) != 1 || ps[0].ID != id {
			t.Errorf("providers for the domain: %+v, want only the enabled one", ps)
		}
		in2.Enabled = true
		if err := s.UpdateIdP(ctx, store.CLIActor, id2, in2); !errors.Is(err, store.ErrDomainServed) {
			t.Errorf("enabling it: got %v, want ErrDomainServed", err)
		}
	})
}

func TestIdPTestedMark(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	u, err := s.CreateUser(ctx, store.CLIActor, store.NewUser{Email: "it@example.se", Name: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	me := store.Actor{UserID: u.ID, Label: u.Email}
	in := store.IdPInput{Name: "Keycloak", Preset: "keycloak", Issuer: "https://kc/realms/x", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid", Enabled: true}
	id, err := s.CreateIdP(ctx, me, in)
	if err != nil {
		t.Fatal(err)
	}
	mark := func(t *testing.T) store.IdP {
		t.Helper()
		p, _ := s.IdP(ctx, id)
		if err := s.SaveIdPTest(ctx, me, id, p.Revision, true, `{"ok":true}`, ""); err != nil {
			t.Fatal(err)
		}
		p, _ = s.IdP(ctx, id)
		if p.TestedAt.IsZero() || p.TestedBy != "it@example.se" || p.LastTest != `{"ok":true}` {
			t.Fatalf("not marked tested: %+v", p)
		}
		return p
	}
	changes := []struct {
		name    string
		change  func(*store.IdPInput)
		refused bool
	}{
		{"renaming keeps the mark", func(in *store.IdPInput) { in.Name = "Keycloak staff" }, false},
		{"keeping the secret keeps the mark", func(in *store.IdPInput) { in.SecretEnc = nil }, false},
		{"a new issuer needs a draft", func(in *store.IdPInput) { in.Issuer, in.SecretEnc = "https://kc/realms/y", []byte{2} }, true},
		{"a new client id needs a draft", func(in *store.IdPInput) { in.ClientID, in.SecretEnc = "d", []byte{2} }, true},
		{"a new secret needs a draft", func(in *store.IdPInput) { in.SecretEnc = []byte{2} }, true},
		{"new scopes need a draft", func(in *store.IdPInput) { in.Scopes = "openid email" }, true},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			before := mark(t)
			next := in
			c.change(&next)
			err := s.UpdateIdP(ctx, me, id, next)
			if c.refused != errors.Is(err, store.ErrDraftRequired) || (!c.refused && err != nil) {
				t.Fatalf("got %v, want refused %v", err, c.refused)
			}
			p, _ := s.IdP(ctx, id)
			if p.TestedAt.IsZero() || p.Issuer != before.Issuer || p.Scopes != before.Scopes || p.Revision != before.Revision {
				t.Errorf("the tested settings changed: %+v", p)
			}
			in.Name = p.Name
		})
	}
	t.Run("a test started before a change does not mark", func(t *testing.T) {
		fresh := in
		fresh.Name = "Untested"
		id2, err := s.CreateIdP(ctx, me, fresh)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := s.IdP(ctx, id2)
		fresh.Scopes = "openid profile"
		if err := s.UpdateIdP(ctx, me, id2, fresh); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveIdPTest(ctx, me, id2, p.Revision, true, "{}", ""); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.IdP(ctx, id2); !p.TestedAt.IsZero() {
			t.Error("marked tested with an old revision")
		}
	})
}

func TestIdPDomainServedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	d := storetest.VerifiedDomain(t, s, "example.se").ID
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			_, err := s.CreateIdP(ctx, store.CLIActor, store.IdPInput{Name: "P" + string(rune('a'+i)), Preset: "other",
				Issuer: "https://p", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid", Enabled: true, DomainIDs: []int64{d}})
			errs <- err
		}()
	}
	ok := 0
	for range 4 {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrDomainServed):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d providers serve the domain, want exactly 1", ok)
	}
}

func TestIdPNeededWhilePasswordOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	d := storetest.VerifiedDomain(t, s, "example.se").ID
	in := store.IdPInput{Name: "P", Preset: "other", Issuer: "https://p", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid",
		Enabled: true, DomainIDs: []int64{d}}
	id, err := s.CreateIdP(ctx, store.CLIActor, in)
	if err != nil {
		t.Fatal(err)
	}
	storetest.PasswordLogin(t, s, false)
	changes := []struct {
		name   string
		change func(*store.IdPInput)
		want   error
	}{
		{"refuses disabling it", func(in *store.IdPInput) { in.Enabled = false }, store.ErrNeededWhilePasswordOff},
		{"refuses dropping its domain", func(in *store.IdPInput) { in.DomainIDs = nil }, store.ErrNeededWhilePasswordOff},
		{"allows a new secret", func(in *store.IdPInput) { in.SecretEnc = []byte{2} }, nil},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			next := in
			c.change(&next)
			if err := s.UpdateIdP(ctx, store.CLIActor, id, next); !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestDeleteIdP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	d := storetest.VerifiedDomain(t, s, "example.se").ID
	in := store.IdPInput{Name: "P", Preset: "other", Issuer: "https://p", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid",
		Enabled: true, DomainIDs: []int64{d}}
	id, err := s.CreateIdP(ctx, store.CLIActor, in)
	if err != nil {
		t.Fatal(err)
	}
	storetest.PasswordLogin(t, s, false)
	if err := s.DeleteIdP(ctx, store.CLIActor, id); !errors.Is(err, store.ErrNeededWhilePasswordOff) {
		t.Errorf("with password sign-in off: got %v", err)
	}
	storetest.PasswordLogin(t, s, true)
	if err := s.DeleteIdP(ctx, store.CLIActor, id); err != nil {
		t.Fatalf("DeleteIdP: %v", err)
	}
	if _, err := s.IdP(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after removal: %v", err)
	}
	if ps, _ := s.IdPsForDomain(ctx, "example.se"); len(ps) != 0 {
		t.Errorf("domain still served: %+v", ps)
	}
}

// pendingDomain adds a domain that has not been verified.
func pendingDomain(t *testing.T, s *store.Store, name string) int64 {
	t.Helper()
	d, err := s.AddDomain(context.Background(), store.CLIActor, name, "tok")
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestIdPSecretFollowsIssuer: a sealed client secret belongs to its issuer and client ID. A change
// of either without a new secret is refused, so that the stored secret never reaches another
// provider's token endpoint.
func TestIdPSecretFollowsIssuer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	in := store.IdPInput{Name: "P", Preset: "other", Issuer: "https://p.example", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid", Enabled: true}
	id, err := s.CreateIdP(ctx, store.CLIActor, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		change func(*store.IdPInput)
	}{
		{"a new issuer", func(in *store.IdPInput) { in.Issuer = "https://evil.example" }},
		{"a new client ID", func(in *store.IdPInput) { in.ClientID = "d" }},
	} {
		t.Run(c.name+" without a secret is refused", func(t *testing.T) {
			next := in
			next.SecretEnc = nil
			c.change(&next)
			if err := s.UpdateIdP(ctx, store.CLIActor, id, next); !errors.Is(err, store.ErrSecretRequired) {
				t.Errorf("got %v, want ErrSecretRequired", err)
			}
			if p, _ := s.IdP(ctx, id); p.Issuer != in.Issuer || p.ClientID != in.ClientID {
				t.Errorf("changed anyway: issuer %q client %q", p.Issuer, p.ClientID)
			}
		})
	}
}

// TestIdPInPlaceOfARemovedOneTestedOnlyByItsOwnTest: a provider made after another was removed
// may get the removed one's id; a test sign-in begun with the removed provider must not mark the
// new one tested, however alike their settings, so the new one never starts at its revision.
func TestIdPInPlaceOfARemovedOneTestedOnlyByItsOwnTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	d := storetest.VerifiedDomain(t, s, "example.se").ID
	in := store.IdPInput{Name: "P", Preset: "other", Issuer: "https://p", ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid",
		Enabled: true, DomainIDs: []int64{d}}
	old, err := s.CreateIdP(ctx, store.CLIActor, in)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.IdP(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteIdP(ctx, store.CLIActor, old); err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateIdP(ctx, store.CLIActor, in)
	if err != nil {
		t.Fatal(err)
	}
	now, err := s.IdP(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if id != old {
		t.Logf("the new provider got id %d, the removed one had %d", id, old)
	}
	if now.Revision == before.Revision {
		t.Errorf("the provider made in place of a removed one starts at its revision %d: a test of the removed one would mark it", now.Revision)
	}
}
