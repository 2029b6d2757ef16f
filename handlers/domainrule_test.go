package handlers

import (
	"errors"
	"strings"
	"testing"
)

func TestNormaliseAllowedDomain(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"example.se", "example.se", nil},
		{"  Example.SE. ", "example.se", nil},
		{"räksmörgås.se", "xn--rksmrgs-5wao1o.se", nil},
		{"sub.example.co.uk", "sub.example.co.uk", nil},
		{"se", "", errDomainSuffix},
		{"co.uk", "", errDomainSuffix},
		{"localhost", "", errDomainInvalid},
		{"user@example.se", "", errDomainInvalid},
		{"https://example.se", "", errDomainInvalid},
		{"exa mple.se", "", errDomainInvalid},
		{"-bad.se", "", errDomainInvalid},
		{"a..se", "", errDomainInvalid},
		{"gmail.com", "", errDomainConsumer},
		{"", "", errDomainInvalid},
		{strings.Repeat("a", 64) + ".se", "", errDomainInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := normaliseAllowedDomain(tt.in)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("normaliseAllowedDomain(%q) = %q, %v, want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func FuzzNormaliseAllowedDomain(f *testing.F) {
	for _, s := range []string{"example.se", "Räksmörgås.SE.", "xn--rksmrgs-5wao1o.se", "se", "a@b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := normaliseAllowedDomain(s)
		if err != nil {
			return
		}
		if got != strings.ToLower(got) || strings.ContainsFunc(got, func(r rune) bool { return r > 127 }) {
			t.Fatalf("%q -> %q: not lower-case ASCII", s, got)
		}
		again, err := normaliseAllowedDomain(got)
		if err != nil || again != got {
			t.Fatalf("%q -> %q -> %q, %v: not stable", s, got, again, err)
		}
	})
}
