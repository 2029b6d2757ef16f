package handlers

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormaliseEmail(t *testing.T) {
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
	} {
		got, err := NormaliseEmail(tc.in)
		if got != tc.want || err != tc.err {
			t.Errorf("NormaliseEmail(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func FuzzNormaliseEmail(f *testing.F) {
	for _, s := range []string{"anna@example.se", "Å@ö.se", "a@b", "\x00@x.se", "a@xn--exmple-cua.se"} {
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
	})
}

func TestSafeNext(t *testing.T) {
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
