package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"portvakt/store"
	"portvakt/store/storetest"
)

func TestSetGrantsAddsAndRemoves(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	a := storetest.MustUser(t, st, store.NewUser{Email: "a@example.se", Name: "Anna"})
	b := storetest.MustUser(t, st, store.NewUser{Email: "b@example.se", Name: "Bo"})
	steps := []struct {
		name                   string
		ids                    []int64
		wantAdded, wantRemoved int
		want                   []string
		wantErr                error
	}{
		{"adds two", []int64{a.ID, b.ID}, 2, 0, []string{"a@example.se", "b@example.se"}, nil},
		{"saving again changes nothing", []int64{b.ID, a.ID}, 0, 0, []string{"a@example.se", "b@example.se"}, nil},
		{"removes one", []int64{b.ID}, 0, 1, []string{"b@example.se"}, nil},
		{"unknown user changes nothing", []int64{b.ID, a.ID, 4242}, 0, 0, []string{"b@example.se"}, store.ErrNotFound},
		{"empties the list", nil, 0, 1, nil, nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			added, removed, err := st.SetGrants(ctx, cliActor, s.ids)
			if !errors.Is(err, s.wantErr) {
				t.Fatalf("err = %v, want %v", err, s.wantErr)
			}
			if err == nil && (added != s.wantAdded || removed != s.wantRemoved) {
				t.Errorf("added, removed = %d, %d, want %d, %d", added, removed, s.wantAdded, s.wantRemoved)
			}
			grants, err := st.ListGrants(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range grants {
				got = append(got, g.Email)
			}
			if !slices.Equal(got, s.want) {
				t.Errorf("grants = %v, want %v", got, s.want)
			}
		})
	}
	if got := fmt.Sprint(storetest.AuditActions(t, st, "a@example.se")); got != "[user.create grant.add grant.remove]" {
		t.Errorf("audit of a = %s", got)
	}
}

func TestSetAllowedDomains(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	if _, _, err := st.SetAllowedDomains(ctx, cliActor, []string{"example.se", "xn--rksmrgs-5wao1o.se"}); err != nil {
		t.Fatal(err)
	}
	added, removed, err := st.SetAllowedDomains(ctx, cliActor, []string{"example.se", "example.com"})
	if err != nil || added != 1 || removed != 1 {
		t.Fatalf("second save: added %d removed %d err %v, want 1, 1, nil", added, removed, err)
	}
	list, err := st.ListAllowedDomains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range list {
		got = append(got, d.Name)
	}
	if want := []string{"example.com", "example.se"}; !slices.Equal(got, want) {
		t.Errorf("domains = %v, want %v", got, want)
	}
	if got := fmt.Sprint(storetest.AuditActions(t, st, "xn--rksmrgs-5wao1o.se")); got != "[allowed_domain.add allowed_domain.remove]" {
		t.Errorf("audit = %s", got)
	}
}

func TestListUsersSearchAndPaging(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	for _, nu := range []store.NewUser{
		{Email: "asa@example.se", Name: "Åsa Öberg"},
		{Email: "bertil@example.se", Name: "Bertil Ek"},
		{Email: "cecilia@firma.se", Name: "Cecilia Ås"},
	} {
		storetest.MustUser(t, st, nu)
	}
	tests := []struct {
		name  string
		f     store.UserFilter
		want  []string
		total int
	}{
		{"everybody by name", store.UserFilter{}, []string{"Bertil Ek", "Cecilia Ås", "Åsa Öberg"}, 3},
		{"name in other case with å", store.UserFilter{Query: "åS"}, []string{"Cecilia Ås", "Åsa Öberg"}, 2},
		{"part of e-mail", store.UserFilter{Query: "FIRMA"}, []string{"Cecilia Ås"}, 1},
		{"second page", store.UserFilter{Offset: 2, Limit: 2}, []string{"Åsa Öberg"}, 3},
		{"no match", store.UserFilter{Query: "%"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, total, err := st.ListUsers(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Name)
			}
			if !slices.Equal(got, tt.want) || total != tt.total {
				t.Errorf("got %v (total %d), want %v (total %d)", got, total, tt.want, tt.total)
			}
		})
	}
}

// seedUsers adds n users in one statement, as fast as the test needs.
func seedUsers(tb testing.TB, st *store.Store, n int) {
	tb.Helper()
	db := storetest.DB(tb, st)
	_, err := db.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO users (email, name, created_at, updated_at)
		SELECT 'person' || i || '@example.se', 'Person ' || i, 0, 0 FROM seq`, n)
	if err != nil {
		tb.Fatal(err)
	}
}

func TestListUsersStaysFastWithTenThousandUsers(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	seedUsers(t, st, 10000)
	items, total, err := st.ListUsers(context.Background(), store.UserFilter{Query: "person99", Offset: 0, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	// person99, person990..person999, person9900..person9999: 1 + 10 + 100.
	if total != 111 || len(items) != 50 {
		t.Errorf("total %d, page %d, want 111 and 50", total, len(items))
	}
}

func BenchmarkListUsersSearch(b *testing.B) {
	st := storetest.Open(b)
	seedUsers(b, st, 10000)
	ctx := context.Background()
	for b.Loop() {
		// A search matches the starts of words: "person77" finds person77 and person770..person7799.
		if _, _, err := st.ListUsers(ctx, store.UserFilter{Query: "person77", Offset: 0, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListUsersLastPage(b *testing.B) {
	st := storetest.Open(b)
	seedUsers(b, st, 10000)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := st.ListUsers(ctx, store.UserFilter{Offset: 9950, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestListAuditFilters(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	storetest.SetClock(t, st, func() time.Time { return now })
	write := func(label string, action store.AuditAction) {
		if err := st.AppendAudit(ctx, store.Actor{Label: label}, store.AuditEntry{Action: action, Target: label + "/" + string(action)}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
	}
	write("anna@example.se", "grant.add")   // 1 Nov
	write("anna@example.se", "domain.add")  // 2 Nov
	write("bo@example.se", "domain.verify") // 3 Nov
	write("bo@example.se", "login.failure") // 4 Nov
	write("cli", "user.create")             // 5 Nov
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		f        store.AuditFilter
		want     []string
		wantMore bool
	}{
		{"newest first", store.AuditFilter{Limit: 2}, []string{"user.create", "login.failure"}, true},
		{"by action", store.AuditFilter{Action: "domain.add"}, []string{"domain.add"}, false},
		{"by actor, any case", store.AuditFilter{Actor: "BO@"}, []string{"login.failure", "domain.verify"}, false},
		{"date range", store.AuditFilter{From: day(2), To: day(4)}, []string{"domain.verify", "domain.add"}, false},
		{"area only", store.AuditFilter{Areas: []string{"domain."}}, []string{"domain.verify", "domain.add"}, false},
		{"area hides other actions", store.AuditFilter{Areas: []string{"domain."}, Action: "grant.add"}, nil, false},
		{"second page", store.AuditFilter{Offset: 4, Limit: 2}, []string{"grant.add"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, more, err := st.ListAudit(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, string(r.Action))
			}
			if !slices.Equal(got, tt.want) || more != tt.wantMore {
				t.Errorf("got %v more=%v, want %v more=%v", got, more, tt.want, tt.wantMore)
			}
		})
	}
	actions, err := st.AuditActions(ctx, []string{"domain."})
	if err != nil || !slices.Equal(actions, []string{"domain.add", "domain.verify"}) {
		t.Errorf("AuditActions = %v, %v", actions, err)
	}
}

func TestAuditRowsCannotBeChanged(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	if err := st.AppendAudit(context.Background(), cliActor, store.AuditEntry{Action: "x.y"}); err != nil {
		t.Fatal(err)
	}
	db := storetest.DB(t, st)
	for _, q := range []string{"UPDATE audit_log SET action = 'z'", "DELETE FROM audit_log"} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s succeeded, want it refused", q)
		}
	}
}

func TestOutboxClaimAndFinish(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	vm := verificationFor("mia@example.se")
	_, id, err := st.CreateUserWithVerification(ctx, cliActor, store.NewUser{Email: "mia@example.se", Name: "Mia"}, "sv", vm)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.ClaimMail(ctx, id)
	if err != nil || string(m.Body) != "sealed" || m.Attempts != 1 || m.Status != store.MailSending {
		t.Fatalf("ClaimMail = %+v, %v", m, err)
	}
	if _, err := st.ClaimMail(ctx, id); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second claim: err = %v, want ErrConflict", err)
	}
	if err := st.FinishMail(ctx, cliActor, id, "mail: server refused RCPT TO: 550 no such user"); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.MailByID(ctx, id); m.Status != store.MailFailed || m.LastError == "" {
		t.Errorf("after failure: %+v", m)
	}
	if _, err := st.ClaimMail(ctx, id); err != nil {
		t.Fatalf("retry claim: %v", err)
	}
	if err := st.FinishMail(ctx, cliActor, id, ""); err != nil {
		t.Fatal(err)
	}
	list, total, err := st.ListMail(ctx, store.MailFilter{})
	if err != nil || total != 1 || list[0].Status != store.MailSent || list[0].Attempts != 2 || list[0].Body != nil {
		t.Errorf("ListMail = %+v, %d, %v", list, total, err)
	}
	if _, err := st.ClaimMail(ctx, id); !errors.Is(err, store.ErrConflict) {
		t.Errorf("claim of sent mail: err = %v, want ErrConflict", err)
	}
	if got := fmt.Sprint(storetest.AuditActions(t, st, "mia@example.se")); got != "[user.create verification.send mail.failed mail.sent]" {
		t.Errorf("audit = %s", got)
	}
}
