package handlers

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormaliseEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"Anna@Example.SE", "anna@example.se", nil},
		{"  anna@example.se ", "anna@example.se", nil},
		{"anna@exämple.se", "anna@xn--exmple-cua.se", nil},
		{"anna@example.se.", "anna@example.se", nil},
		{"", "", errEmailEmpty},
		{"anna", "", errEmailInvalid},
		{"anna@localhost", "", errEmailInvalid},
		{"Anna <anna@example.se>", "", errEmailInvalid},
		{"a@b@example.se", "", errEmailInvalid},
		{"anna@example.se\r\nBcc: x@y.se", "", errEmailInvalid},
		{strings.Repeat("a", 250) + "@example.se", "", errEmailTooLong},
		// The local part is folded with ASCII rules only: a letter outside ASCII is kept as typed,
		// so that no character becomes another person's ASCII letter.
		{"Åsa@Example.SE", "Åsa@example.se", nil},
		{"åsa@example.se", "åsa@example.se", nil},
		{"ÉMILE.Z@example.se", "Émile.z@example.se", nil},
		// Characters whose compatibility form (NFKC) is another character are refused, not mapped:
		// KELVIN SIGN would become k and meet kalle@, fullwidth letters their ASCII twins.
		{"\u212Aalle@example.se", "", errEmailNotNormal},
		{"ﬁona@example.se", "", errEmailNotNormal},
		{"ａnna@example.se", "", errEmailNotNormal},
		{"anna＠example.se", "", errEmailNotNormal},
		{"anna@ｅxample.se", "", errEmailNotNormal},
		{"a\u0308sa@example.se", "", errEmailNotNormal},
		{"anna@exa\u0308mple.se", "", errEmailNotNormal},
		// Characters that only have a different lower case outside ASCII stay apart too.
		{"\u0130da@example.se", "\u0130da@example.se", nil},
	} {
		got, err := NormaliseEmail(tc.in)
		if got != tc.want || err != tc.err {
			t.Errorf("NormaliseEmail(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func FuzzNormaliseEmail(f *testing.F) {
	for _, s := range []string{"anna@example.se", "Å@ö.se", "\u212A@x.se", "a@b", "\x00@x.se", "a@xn--exmple-cua.se"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormaliseEmail(s)
		if err != nil {
			return
		}
		if len(out) > maxEmail || !utf8.ValidString(out) || strings.ContainsAny(out, " \r\n<>") {
			t.Fatalf("NormaliseEmail(%q) = %q: not a clean address", s, out)
		}
		again, err := NormaliseEmail(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, out, again, err)
		}
		if !norm.NFKC.IsNormalString(out) {
			t.Fatalf("NormaliseEmail(%q) = %q: not in NFKC form", s, out)
		}
		// The local part changes only by ASCII A-Z becoming a-z: no other character is folded
		// into a letter someone else's address may hold.
		in, _, _ := strings.Cut(strings.TrimSpace(s), "@")
		got, _, _ := strings.Cut(out, "@")
		if got != lowerAZ(in) {
			t.Fatalf("NormaliseEmail(%q) = %q: local part %q is not %q folded in ASCII", s, out, got, in)
		}
	})
}

// lowerAZ lowers A-Z and nothing else, written apart from the code under test.
func lowerAZ(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// TestNormaliseEmailNeverJoinsTwoPeople: two different addresses that both pass normalise to one
// only when they differ in ASCII case (or the IDNA form of the domain).
func TestNormaliseEmailNeverJoinsTwoPeople(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"kalle@example.se", "\u212Aalle@example.se"},
		{"sven@example.se", "\u017Fven@example.se"}, // LATIN SMALL LETTER LONG S upper-cases to S
		{"ida@example.se", "\u0130da@example.se"},
		{"ida@example.se", "\u0131da@example.se"}, // dotless i
	}
	for _, p := range pairs {
		a, errA := NormaliseEmail(p[0])
		b, errB := NormaliseEmail(p[1])
		if errA == nil && errB == nil && a == b {
			t.Errorf("%q and %q both become %q", p[0], p[1], a)
		}
	}
}

func FuzzNormaliseEmailSeparatesNonASCII(f *testing.F) {
	for _, s := range []string{"\u212Aalle", "\u017Fven", "Åsa", "\u0130da"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, local string) {
		a, errA := NormaliseEmail(local + "@example.se")
		b, errB := NormaliseEmail(lowerAZ(local) + "@example.se")
		if errA == nil && errB == nil && a != b {
			t.Fatalf("%q and its ASCII lower case normalise apart: %q, %q", local, a, b)
		}
		if errA == nil && strings.ToLower(local) != lowerAZ(local) {
			// a non-ASCII letter with a case: its lower case is another address
			c, errC := NormaliseEmail(strings.ToLower(local) + "@example.se")
			if errC == nil && c == a {
				t.Fatalf("%q meets its Unicode lower case %q", local, strings.ToLower(local))
			}
		}
	})
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/profile":             "/profile",
		"/auth-settings?x=1":   "/auth-settings?x=1",
		"":                     "/",
		"https://evil.example": "/",
		"//evil.example/x":     "/",
		"/\\evil.example":      "/",
		"javascript:alert(1)":  "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"sv-SE,sv;q=0.9,en;q=0.8": "sv",
		"en-GB,en;q=0.9":          "en",
		"de,en;q=0.5,sv;q=0.7":    "sv",
		"fr":                      "",
		"sv;q=0,en":               "en",
	} {
		got, _ := acceptLanguage(in)
		if string(got) != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPasswordHasher(t *testing.T) {
	t.Parallel()
	h := NewPasswordHasher(1)
	enc, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q lacks the OWASP argon2id parameters", enc)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := h.Verify(enc, pw); ok != want || err != nil {
			t.Errorf("Verify(%q) = %t, %v; want %t", pw, ok, err, want)
		}
	}
	if _, err := h.Verify("$2a$10$notargon", "x"); err == nil {
		t.Error("a foreign hash format was accepted")
	}
}
