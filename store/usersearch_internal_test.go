package store

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
)

// TestUserGroupsLoseWhomTheReviewLoses: the Users list's "would lose access", within any
// search, is exactly the Password OFF review's list (affectedUsers), also where two providers
// serve one domain and the first of them, which sign-in uses, is untested.
func TestUserGroupsLoseWhomTheReviewLoses(t *testing.T) {
	ctx := context.Background()
	f := newReadinessFixture(t)
	// A third provider, tested, also serving example.org after the untested Okta.
	third, err := f.s.CreateIdP(ctx, CLIActor, IdPInput{Name: "Third", Issuer: "https://third.example.org",
		ClientID: "c", SecretEnc: []byte{1}, Scopes: "openid email", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.write.Exec(`INSERT INTO identity_provider_domains (idp_id, domain_id)
		SELECT ?, id FROM domains WHERE name = 'example.org'`, third); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.write.Exec("UPDATE identity_providers SET tested_at = 1 WHERE id = ?", third); err != nil {
		t.Fatal(err)
	}
	f.user(t, "eve@example.org", true)
	served, err := servedDomains(ctx, f.s.read)
	if err != nil {
		t.Fatal(err)
	}
	affected, _, err := affectedUsers(ctx, f.s.read, served)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, u := range affected {
		want = append(want, u.ID)
	}
	slices.Sort(want)
	if !slices.Contains(want, f.cia.ID) {
		t.Fatalf("the review keeps cia@example.org, whose first provider is untested: %v", affected)
	}
	for _, q := range []string{"", "example", "example.org", "bo", "nobody"} {
		b, counts, err := f.s.userGroups(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		if err := json.Unmarshal([]byte(b.losing), &got); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		var inSearch []int64
		items, _, err := f.s.ListUsers(ctx, UserFilter{Query: q, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if slices.Contains(want, it.ID) {
				inSearch = append(inSearch, it.ID)
			}
		}
		slices.Sort(inSearch)
		if !slices.Equal(got, inSearch) || counts[ShowLosing] != len(inSearch) {
			t.Errorf("search %q: losing %v (counted %d), the review's within it %v", q, got, counts[ShowLosing], inSearch)
		}
	}
}
