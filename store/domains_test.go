package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"portvakt/store"
	"portvakt/store/storetest"
)

var admin = store.Actor{UserID: 0, Label: "it@example.se", ClientIP: "127.0.0.1"}

func TestAddDomain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)

	d, err := st.AddDomain(ctx, admin, "example.se", "tok")
	if err != nil {
		t.Fatalf("AddDomain: %v", err)
	}
	if d.Name != "example.se" || d.Token != "tok" || d.Status != store.DomainPending || d.LastResult != "" {
		t.Errorf("added domain = %+v, want example.se pending with token tok", d)
	}
	if d.LastFound == nil || len(d.LastFound) != 0 {
		t.Errorf("LastFound = %#v, want empty", d.LastFound)
	}
	t.Run("refuses the same name twice", func(t *testing.T) {
		_, err := st.AddDomain(ctx, admin, "example.se", "other")
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("second AddDomain: %v, want ErrConflict", err)
		}
	})
	t.Run("writes one audit row", func(t *testing.T) {
		if got, want := storetest.AuditActions(t, st, "example.se"), []string{"domain.add"}; !slices.Equal(got, want) {
			t.Errorf("audit = %q, want %q", got, want)
		}
	})
}

func TestRecordDomainCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		from       []store.CheckKind // checks that bring the domain to its starting status
		kind       store.CheckKind
		background bool
		want       store.DomainStatus
		audit      []string // audit actions written by this check
	}{
		{"verifies a pending domain", nil, store.CheckVerified, false, store.DomainVerified, []string{"domain.verify"}},
		{"fails a pending domain without record", nil, store.CheckMissing, false, store.DomainFailed, []string{"domain.verify"}},
		{"fails a pending domain on a DNS error", nil, store.CheckUnanswered, false, store.DomainFailed, []string{"domain.verify"}},
		{"verifies a failed domain", []store.CheckKind{store.CheckMissing}, store.CheckVerified, false, store.DomainVerified, []string{"domain.verify"}},
		{"flags a verified domain whose record is gone", []store.CheckKind{store.CheckVerified}, store.CheckMissing, true, store.DomainNeedsAttention, []string{"domain.record_lost"}},
		{"flags on a check somebody asked for too", []store.CheckKind{store.CheckVerified}, store.CheckMissing, false, store.DomainNeedsAttention, []string{"domain.verify"}},
		{"keeps a verified domain on a DNS error", []store.CheckKind{store.CheckVerified}, store.CheckUnanswered, true, store.DomainVerified, nil},
		{"keeps a verified domain verified quietly", []store.CheckKind{store.CheckVerified}, store.CheckVerified, true, store.DomainVerified, nil},
		{"keeps needing attention on a DNS error", []store.CheckKind{store.CheckVerified, store.CheckMissing}, store.CheckUnanswered, true, store.DomainNeedsAttention, nil},
		{"restores a domain whose record is back", []store.CheckKind{store.CheckVerified, store.CheckMissing}, store.CheckVerified, true, store.DomainVerified, []string{"domain.record_restored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t)
			now := time.Unix(1_800_000_000, 0)
			storetest.SetClock(t, st, func() time.Time { return now })
			d, err := st.AddDomain(ctx, admin, "example.se", "tok")
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.from {
				if _, _, err := st.RecordDomainCheck(ctx, admin, d.ID, store.DomainCheck{Kind: k}); err != nil {
					t.Fatal(err)
				}
			}
			auditBefore := len(storetest.AuditActions(t, st, "example.se"))
			now = now.Add(time.Hour)

			c := store.DomainCheck{Kind: tt.kind, Result: "some_outcome", Rcode: "SERVFAIL",
				Found: []string{"a", "b"}, Detail: "detail", Background: tt.background}
			before, after, err := st.RecordDomainCheck(ctx, store.SystemActor, d.ID, c)
			if err != nil {
				t.Fatalf("RecordDomainCheck: %v", err)
			}

			if after.Status != tt.want {
				t.Errorf("status %s -> %s, want %s", before.Status, after.Status, tt.want)
			}
			if !after.LastCheckedAt.Equal(now) || after.LastResult != "some_outcome" || after.LastRcode != "SERVFAIL" ||
				!slices.Equal(after.LastFound, []string{"a", "b"}) || after.LastDetail != "detail" {
				t.Errorf("last check = %v %q %q %q %q, want it recorded", after.LastCheckedAt, after.LastResult, after.LastRcode, after.LastFound, after.LastDetail)
			}
			if got := after.Status == store.DomainNeedsAttention; got != !after.AttentionSince.IsZero() {
				t.Errorf("AttentionSince = %v with status %s", after.AttentionSince, after.Status)
			}
			if after.Status.CountsAsVerified() && after.VerifiedAt.IsZero() {
				t.Errorf("VerifiedAt is zero for a verified domain")
			}
			if got := storetest.AuditActions(t, st, "example.se")[auditBefore:]; !slices.Equal(got, tt.audit) {
				t.Errorf("audit = %q, want %q", got, tt.audit)
			}
			reread, err := st.Domain(ctx, d.ID)
			if err != nil || reread.Status != after.Status {
				t.Errorf("Domain() = %v, %v; want status %s", reread.Status, err, after.Status)
			}
		})
	}
}

func TestAttentionSinceKeepsTheFirstLoss(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	now := time.Unix(1_800_000_000, 0)
	storetest.SetClock(t, st, func() time.Time { return now })
	d, _ := st.AddDomain(ctx, admin, "example.se", "tok")
	check := func(k store.CheckKind) store.Domain {
		t.Helper()
		_, after, err := st.RecordDomainCheck(ctx, store.SystemActor, d.ID, store.DomainCheck{Kind: k, Background: true})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		return after
	}
	check(store.CheckVerified)
	first := check(store.CheckMissing).AttentionSince
	if again := check(store.CheckMissing).AttentionSince; !again.Equal(first) {
		t.Errorf("AttentionSince moved from %v to %v on a second failed check", first, again)
	}
	if got := storetest.AuditActions(t, st, "example.se"); !slices.Equal(got, []string{"domain.add", "domain.verify", "domain.record_lost"}) {
		t.Errorf("audit = %q, want one record_lost", got)
	}
}

func TestListDomains(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	now := time.Unix(1_800_000_000, 0)
	storetest.SetClock(t, st, func() time.Time { return now })
	ids := map[string]int64{}
	for _, n := range []string{"c.se", "a.se", "b.se", "d.se"} {
		d, err := st.AddDomain(ctx, admin, n, "tok")
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = d.ID
	}
	record := func(name string, k store.CheckKind) {
		if _, _, err := st.RecordDomainCheck(ctx, admin, ids[name], store.DomainCheck{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	record("a.se", store.CheckVerified) // checked at now
	now = now.Add(2 * time.Hour)
	record("b.se", store.CheckVerified) // checked at now+2h
	record("c.se", store.CheckMissing)  // failed

	tests := []struct {
		name   string
		filter store.DomainFilter
		want   []string
	}{
		{"lists all by name", store.DomainFilter{}, []string{"a.se", "b.se", "c.se", "d.se"}},
		{"filters by status", store.DomainFilter{Statuses: []store.DomainStatus{store.DomainVerified, store.DomainPending}}, []string{"a.se", "b.se", "d.se"}},
		{"filters by last check", store.DomainFilter{
			Statuses:      []store.DomainStatus{store.DomainVerified},
			CheckedBefore: now.Add(-time.Hour),
		}, []string{"a.se"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := st.ListDomains(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRemoveDomain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	d, _ := st.AddDomain(ctx, admin, "example.se", "tok")

	removed, err := st.RemoveDomain(ctx, admin, d.ID)
	if err != nil || removed.Name != "example.se" {
		t.Fatalf("RemoveDomain = %q, %v", removed.Name, err)
	}
	if _, err := st.Domain(ctx, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Domain after removal: %v, want ErrNotFound", err)
	}
	if _, err := st.RemoveDomain(ctx, admin, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second RemoveDomain: %v, want ErrNotFound", err)
	}
	if _, _, err := st.RecordDomainCheck(ctx, admin, d.ID, store.DomainCheck{Kind: store.CheckVerified}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RecordDomainCheck after removal: %v, want ErrNotFound", err)
	}
	if got, want := storetest.AuditActions(t, st, "example.se"), []string{"domain.add", "domain.remove"}; !slices.Equal(got, want) {
		t.Errorf("audit = %q, want %q", got, want)
	}
}
