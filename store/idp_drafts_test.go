package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// draftFixture is a tested provider serving example.se, tested by it@example.se, who holds the
// Authentication Settings grant, is linked at its issuer and signed in through it.
type draftFixture struct {
	s     *store.Store
	id    int64
	in    store.IdPInput
	it    store.User
	me    store.Actor
	token string // it's SSO session
}

func newDraftFixture(t *testing.T) *draftFixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t)
	f := &draftFixture{s: s}
	domain := storetest.VerifiedDomain(t, s, "example.se").ID
	f.it = storetest.MustUser(t, s, store.NewUser{Email: "it@example.se", Name: "IT", EmailVerified: true})
	f.me = store.Actor{UserID: f.it.ID, Label: f.it.Email}
	if err := s.GrantAuthSettings(ctx, store.CLIActor, f.it.ID); err != nil {
		t.Fatal(err)
	}
	f.in = store.IdPInput{Name: "Entra", Preset: "entra", PresetJSON: `{"Tenant":"a"}`, Issuer: "https://old.example", ClientID: "c",
		SecretEnc: []byte("sealed-old"), Scopes: "openid email", Enabled: true, DomainIDs: []int64{domain}}
	var err error
	if f.id, err = s.CreateIdP(ctx, store.CLIActor, f.in); err != nil {
		t.Fatal(err)
	}
	p, _ := s.IdP(ctx, f.id)
	if err := s.SaveIdPTest(ctx, f.me, f.id, p.Revision, true, "{}", ""); err != nil {
		t.Fatal(err)
	}
	storetest.Link(t, s, f.it.ID, "https://old.example", "it-old")
	if f.token, err = s.CreateSession(ctx, store.NewSession{UserID: f.it.ID, Method: store.MethodSSO, IdPID: f.id}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *draftFixture) draft(t *testing.T, change func(*store.IdPInput)) store.IdPDraft {
	t.Helper()
	in := f.in
	in.SecretEnc = nil
	change(&in)
	staged, err := f.s.SaveIdPDraft(context.Background(), f.me, f.id, in)
	if err != nil || !staged {
		t.Fatalf("SaveIdPDraft: staged %v, %v", staged, err)
	}
	d, err := f.s.IdPDraft(context.Background(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestIdPDraftSecretFollowsIssuer: a draft with a new issuer or client ID cannot carry the
// sealed secret of the live settings, nor of an earlier draft with another issuer.
func TestIdPDraftSecretFollowsIssuer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	newIssuer := f.in
	newIssuer.Issuer, newIssuer.SecretEnc = "https://new.example", nil
	if _, err := f.s.SaveIdPDraft(ctx, f.me, f.id, newIssuer); !errors.Is(err, store.ErrSecretRequired) {
		t.Errorf("new issuer without a secret: got %v, want ErrSecretRequired", err)
	}
	newClient := f.in
	newClient.ClientID, newClient.SecretEnc = "d", nil
	if _, err := f.s.SaveIdPDraft(ctx, f.me, f.id, newClient); !errors.Is(err, store.ErrSecretRequired) {
		t.Errorf("new client ID without a secret: got %v, want ErrSecretRequired", err)
	}
	d := f.draft(t, func(in *store.IdPInput) { in.Issuer, in.SecretEnc = "https://new.example", []byte("sealed-new") })
	if !bytes.Equal(d.SecretEnc, []byte("sealed-new")) {
		t.Errorf("draft secret %q", d.SecretEnc)
	}
	t.Run("the draft's secret stays with the draft's issuer", func(t *testing.T) {
		d := f.draft(t, func(in *store.IdPInput) { in.Issuer, in.Scopes = "https://new.example", "openid" })
		if !bytes.Equal(d.SecretEnc, []byte("sealed-new")) {
			t.Errorf("draft secret %q, want the draft's", d.SecretEnc)
		}
		third := f.in
		third.Issuer, third.SecretEnc = "https://third.example", nil
		if _, err := f.s.SaveIdPDraft(ctx, f.me, f.id, third); !errors.Is(err, store.ErrSecretRequired) {
			t.Errorf("a third issuer without a secret: got %v, want ErrSecretRequired", err)
		}
	})
	t.Run("back to the live issuer takes the live secret again", func(t *testing.T) {
		d := f.draft(t, func(in *store.IdPInput) { in.Scopes = "openid" })
		if !bytes.Equal(d.SecretEnc, []byte("sealed-old")) {
			t.Errorf("draft secret %q, want the live one", d.SecretEnc)
		}
	})
}

// TestIdPDraftStaysBesideTheLiveSettings: saving a draft changes nothing a sign-in uses.
func TestIdPDraftStaysBesideTheLiveSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newDraftFixture(t)
	before, _ := f.s.IdP(ctx, f.id)
	d1 := f.draft(t, func(in *store.IdPInput) { in.Scopes = "openid email profile" })
	d2 := f.draft(t, func(in *store.IdPInput) { in.Scopes = "openid profile" })
	if d2.Revision <= d1.Revision || d2.AuthorID != f.it.ID || d2.Author != "it@example.se" {
		t.Errorf("drafts %+v then %+v: want a higher revision by it", d1, d2)
	}
	after, _ := f.s.IdP(ctx, f.id)
	if after.Scopes != before.Scopes || after.Revision != before.Revision || after.TestedAt.IsZero() {
		t.Errorf("live settings changed: %+v", after)
	}
	t.Run("the live settings again discard the draft", func(t *testing.T) {
		in := f.in
		in.SecretEnc = nil
		if staged, err := f.s.SaveIdPDraft(ctx, f.me, f.id, in); err != nil || staged {
			t.Errorf("staged %v, %v; want no draft", staged, err)
		}
		if _, err := f.s.IdPDraft(ctx, f.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft still there: %v", err)
		}
	})
	t.Run("discarding is audit-logged without secrets", func(t *testing.T) {
		f.draft(t, func(in *store.IdPInput) { in.Scopes = "openid"; in.SecretEnc = []byte("sealed-x") })
		if err := f.s.DiscardIdPDraft(ctx, f.me, f.id); err != nil {
			t.Fatal(err)
		}
		if err := f.s.DiscardIdPDraft(ctx, f.me, f.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second discard: %v, want ErrNotFound", err)
		}
		got := storetest.AuditActions(t, f.s, "Entra")
		for _, want := range []string{"idp.draft.save", "idp.draft.discard"} {
			if !slices.Contains(got, want) {
				t.Errorf("audit %q lacks %q", got, want)
			}
		}
		for _, r := range storetest.AuditRows(t, f.s, "idp.draft.save") {
			if strings.Contains(r.Before+r.After+r.Detail, "sealed") {
				t.Errorf("audit row shows a secret: %+v", r)
			}
		}
	})
}
