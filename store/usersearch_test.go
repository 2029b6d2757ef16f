package store_test

import (
	"context"
	"slices"
	"testing"

	"portvakt/store"
	"portvakt/store/storetest"
)

// searchNames runs a search through ListUsers and returns the names found and the total.
func searchNames(t *testing.T, st *store.Store, q string) ([]string, int) {
	t.Helper()
	items, total, err := st.ListUsers(context.Background(), store.UserFilter{Query: q})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}
	return names, total
}

func TestSearchFindsPrefixesOfNameAndEmail(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	for _, nu := range []store.NewUser{
		{Email: "asa@example.se", Name: "Åsa Öberg"},
		{Email: "bertil@example.se", Name: "Bertil Ek"},
		{Email: "cecilia@firma.se", Name: "Cecilia Ås"},
		{Email: "ob@example.org", Name: "Anna-Karin O'Brien"},
	} {
		storetest.MustUser(t, st, nu)
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"Bert", []string{"Bertil Ek"}},                    // start of a first name
		{"ek", []string{"Bertil Ek"}},                      // a last name, any case
		{"öBE", []string{"Åsa Öberg"}},                     // å, ä and ö fold too
		{"os", nil},                                        // ö is not o
		{"fir", []string{"Cecilia Ås"}},                    // start of the e-mail's domain
		{"cecilia@firma.se", []string{"Cecilia Ås"}},       // a whole e-mail
		{"bertil@ex", []string{"Bertil Ek"}},               // an e-mail as it is typed
		{"example.se", []string{"Bertil Ek", "Åsa Öberg"}}, // a domain
		{"åsa öberg", []string{"Åsa Öberg"}},               // every word must match
		{"cecilia example", nil},                           // in the name or the e-mail
		{"karin", []string{"Anna-Karin O'Brien"}},          // a part of a double name
		{"o'bri", []string{"Anna-Karin O'Brien"}},          // an apostrophe
		{"ert", nil}, // the middle of a word is not a prefix
		{"  ", []string{"Anna-Karin O'Brien", "Bertil Ek", "Cecilia Ås", "Åsa Öberg"}}, // no search
	} {
		got, total := searchNames(t, st, tt.q)
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("search %q: %q (total %d), want %q", tt.q, got, total, tt.want)
		}
	}
}

// TestSearchTakesTheQueryLiterally: what is typed is searched for, never read as FTS5 syntax:
// quotes, operators, column filters, prefixes and parentheses neither fail nor widen the search.
func TestSearchTakesTheQueryLiterally(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se", Name: `Anna "Nisse" Berg`})
	storetest.MustUser(t, st, store.NewUser{Email: "bo@example.se", Name: "Bo Or"})
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{`"`, nil},
		{`""`, nil},
		{`"nisse"`, []string{`Anna "Nisse" Berg`}},
		{`nisse"`, []string{`Anna "Nisse" Berg`}},
		{`anna" OR "bo`, nil},        // not two searches joined by OR
		{`anna OR bo`, nil},          // OR is a word: nobody has anna, or and bo
		{`bo OR`, []string{"Bo Or"}}, // ... and it can be found as one
		{`NOT anna`, nil},
		{`anna NOT`, nil},
		{`NEAR(anna bo)`, nil},
		{`name:anna`, nil}, // a column filter would find Anna
		{`email:bo`, nil},  // ... and this Bo
		{`{name email}:bo`, nil},
		{`^anna`, []string{`Anna "Nisse" Berg`}},
		{`anna*`, []string{`Anna "Nisse" Berg`}},
		{`*`, nil},
		{`(anna)`, []string{`Anna "Nisse" Berg`}},
		{`a AND b`, nil},
		{`+ - % _ \ ;`, nil},
		{"an\x00na", nil},
		{"bo\x00or", []string{"Bo Or"}},
		{"\xff\xfe", nil},
		{`'; DROP TABLE users; --`, nil},
	} {
		got, total := searchNames(t, st, tt.q)
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("search %q: %q (total %d), want %q", tt.q, got, total, tt.want)
		}
	}
	if got, _ := searchNames(t, st, ""); len(got) != 2 {
		t.Errorf("after the odd searches %d people, want both", len(got))
	}
}

// TestSearchCountsEveryMatch: the total is every person the search matches, on every page, in
// ListUsers and in the groups of ListUsersCounted.
func TestSearchCountsEveryMatch(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	seedUsers(t, st, 2000)
	ctx := context.Background()
	// person1, person10..19, person100..199 and person1000..1999, by e-mail or by name.
	for q, want := range map[string]int{"person1": 1111, "person 1": 1111, "person": 2000, "1999": 1, "example.se": 2000, "x": 0} {
		var seen int
		for offset := 0; ; offset += 500 {
			items, total, err := st.ListUsers(ctx, store.UserFilter{Query: q, Offset: offset, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if total != want {
				t.Errorf("search %q: total %d, want %d", q, total, want)
			}
			seen += len(items)
			if len(items) < 500 {
				break
			}
		}
		if seen != want {
			t.Errorf("search %q: %d people on the pages, want %d", q, seen, want)
		}
		_, counts, err := st.ListUsersCounted(ctx, store.UserFilter{Query: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if counts[store.ShowAll] != want {
			t.Errorf("search %q: counted %d, want %d", q, counts[store.ShowAll], want)
		}
	}
}

// TestSearchIndexFollowsThePeople: a person is found as soon as they are created, by their new
// name and e-mail once changed and no longer by the old ones, and not at all once deleted.
func TestSearchIndexFollowsThePeople(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	storetest.MustUser(t, st, store.NewUser{Email: "boss@example.se", Name: "Boss", Admin: true})
	u := storetest.MustUser(t, st, store.NewUser{Email: "anna@example.se", Name: "Anna Berg"})
	found := func(q string) bool {
		got, total := searchNames(t, st, q)
		return total == 1 && len(got) == 1
	}
	if !found("berg") || !found("anna@") {
		t.Fatal("a new person is not found")
	}
	vm := verificationFor("anna.lund@firma.se")
	if _, err := st.UpdateUser(ctx, store.CLIActor, u.ID, store.UserUpdate{Name: "Anna Lund", Email: "anna.lund@firma.se"}, &vm); err != nil {
		t.Fatal(err)
	}
	if found("berg") || found("anna@example") {
		t.Error("found by the old name or e-mail after a change")
	}
	if !found("lund") || !found("firma") {
		t.Error("not found by the new name or e-mail after a change")
	}
	if err := st.RecordLogin(ctx, store.CLIActor, u.ID, store.MethodPassword); err != nil {
		t.Fatal(err) // an update of other columns leaves the index as it is
	}
	if !found("lund") {
		t.Error("not found after a sign-in")
	}
	if err := st.DeleteUser(ctx, store.CLIActor, u.ID); err != nil {
		t.Fatal(err)
	}
	if found("lund") || found("anna") {
		t.Error("found after being deleted")
	}
	var n int
	if err := storetest.DB(t, st).QueryRow("SELECT COUNT(*) FROM users_fts WHERE users_fts MATCH 'anna*'").Scan(&n); err != nil || n != 0 {
		t.Errorf("the index still has %d rows for anna (%v)", n, err)
	}
	if _, err := storetest.DB(t, st).Exec("INSERT INTO users_fts (users_fts) VALUES ('integrity-check')"); err != nil {
		t.Errorf("the index does not match the people: %v", err)
	}
}
