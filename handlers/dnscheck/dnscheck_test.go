package dnscheck_test

import (
	"regexp"
	"testing"

	"portvakt/handlers/dnscheck"
)

func TestRecord(t *testing.T) {
	t.Parallel()
	if got, want := dnscheck.RecordName("example.se"), "_portvakt-challenge.example.se"; got != want {
		t.Errorf("RecordName = %q, want %q", got, want)
	}
	if got, want := dnscheck.RecordValue("abc"), "portvakt-verification=abc"; got != want {
		t.Errorf("RecordValue = %q, want %q", got, want)
	}
}

func TestNewToken(t *testing.T) {
	t.Parallel()
	// 160 bits in base32 are 32 characters of 5 bits each.
	shape := regexp.MustCompile(`^[a-z2-7]{32}$`)
	seen := make(map[string]bool)
	for range 1000 {
		tok := dnscheck.NewToken()
		if !shape.MatchString(tok) {
			t.Fatalf("NewToken() = %q, want 32 lower-case base32 characters", tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken() returned %q twice", tok)
		}
		seen[tok] = true
	}
}
