package handlers

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	filter "github.com/scim2/filter-parser/v2"
)

func TestParseSCIMFilter(t *testing.T) {
	tests := []struct {
		filter string
		want   scimLookup
		bad    bool
	}{
		{`userName eq "Anna@Example.SE"`, scimLookup{email: "anna@example.se"}, false},
		{`USERNAME Eq "anna@example.se"`, scimLookup{email: "anna@example.se"}, false},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "anna@example.se"`, scimLookup{email: "anna@example.se"}, false},
		{`externalId eq "abc"`, scimLookup{externalID: "abc"}, false},
		{`externalId eq ""`, scimLookup{nothing: true}, false},
		{`emails[type eq "work"].value eq "anna@example.se"`, scimLookup{email: "anna@example.se"}, false},
		{`emails[type eq "work" and value eq "anna@example.se"]`, scimLookup{email: "anna@example.se"}, false},
		{`emails.value eq "anna@example.se"`, scimLookup{email: "anna@example.se"}, false},
		{`emails[type eq "home"].value eq "anna@example.se"`, scimLookup{email: "anna@example.se", nothing: true}, false},
		{`userName eq "not an address"`, scimLookup{nothing: true}, false},
		{`userName eq "a@example.se" and userName eq "b@example.se"`, scimLookup{email: "a@example.se", nothing: true}, false},
		{`userName eq "a@example.se" or userName eq "b@example.se"`, scimLookup{}, true},
		{`userName sw "a"`, scimLookup{}, true},
		{`displayName eq "Anna"`, scimLookup{}, true},
		{`not (userName eq "a@example.se")`, scimLookup{}, true},
		{`userName eq`, scimLookup{}, true},
		{`urn:example:ext:User:userName eq "a@example.se"`, scimLookup{}, true},
		{strings.Repeat("(", 6) + `userName eq "a@example.se"` + strings.Repeat(")", 6), scimLookup{}, true},
		{`userName eq "` + strings.Repeat("a", 600) + `"`, scimLookup{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.filter[:min(len(tt.filter), 60)], func(t *testing.T) {
			got, err := parseSCIMFilter(tt.filter)
			if tt.bad {
				var ae *apiError
				if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.scimType != "invalidFilter" {
					t.Fatalf("got %+v, %v; want 400 invalidFilter", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestSimpleFilterAgreesWithTheParser: the parser-free reading of the common look-ups means
// what the parser's reading means.
func TestSimpleFilterAgreesWithTheParser(t *testing.T) {
	for _, f := range []string{`userName eq "Anna@Example.SE"`, `username EQ "a@b.se"`, `externalId eq "Ab-1"`,
		`userName eq "not an address"`, `externalId eq ""`} {
		fast, ok := simpleFilter(f)
		if !ok {
			t.Errorf("%q: not read without the parser", f)
			continue
		}
		if slow, err := parsedFilter(f); err != nil || slow != fast {
			t.Errorf("%q: without the parser %+v, with it %+v (%v)", f, fast, slow, err)
		}
	}
	for _, f := range []string{`userName eq "a\"b"`, `userName eq "a" and externalId eq "b"`, `displayName eq "x"`, `userName sw "a"`, `userName eq 1`, ` userName eq "a@b.se"`, `userName  eq "a@b.se"`} {
		if _, ok := simpleFilter(f); ok {
			t.Errorf("%q: read without the parser", f)
		}
	}
}

// parsedFilter reads f with the parser only.
func parsedFilter(f string) (scimLookup, error) {
	expr, err := filter.ParseFilter([]byte(f))
	if err != nil {
		return scimLookup{}, err
	}
	var q scimLookup
	return q, q.add(expr)
}

// FuzzSCIMFilter: any filter text gives a lookup or a 400 invalidFilter, never a panic.
func FuzzSCIMFilter(f *testing.F) {
	for _, s := range []string{`userName eq "a@b.se"`, `emails[type eq "work"].value eq "x"`, `((a eq 1) and b pr)`, `emails[type eq "\""].value eq "]"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSCIMFilter(s)
		if fast, ok := simpleFilter(s); ok && len(s) <= scimMaxFilterLen {
			if slow, perr := parsedFilter(s); perr == nil && slow != fast {
				t.Fatalf("%q: without the parser %+v, with it %+v", s, fast, slow)
			}
			if got != fast {
				t.Fatalf("%q: %+v, want %+v", s, got, fast)
			}
		}
		var ae *apiError
		if err != nil && (!errors.As(err, &ae) || ae.status != http.StatusBadRequest) {
			t.Fatalf("%q: %v", s, err)
		}
		_, _, err = parseSCIMPath(s)
		if err != nil && (!errors.As(err, &ae) || ae.status != http.StatusBadRequest) {
			t.Fatalf("path %q: %v", s, err)
		}
	})
}
