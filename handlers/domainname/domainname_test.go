package domainname

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormaliseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"keeps a plain name", "example.se", "example.se"},
		{"lower-cases", "EXAMPLE.SE", "example.se"},
		{"trims white space", "  example.se \t\n", "example.se"},
		{"strips one trailing dot", "example.se.", "example.se"},
		{"maps Unicode to ASCII", "Exämple.SE.", "xn--exmple-cua.se"},
		{"keeps an ASCII IDN label", "xn--exmple-cua.se", "xn--exmple-cua.se"},
		{"maps full-width letters", "ｅｘａｍｐｌｅ.se", "example.se"},
		{"maps an ideographic full stop", "example。se", "example.se"},
		{"accepts subdomains", "Mail.Example.co.uk", "mail.example.co.uk"},
		{"accepts names under a multi-label suffix", "example.co.uk", "example.co.uk"},
		{"accepts digits and inner hyphens", "a-1.b2.se", "a-1.b2.se"},
		{"accepts a label of 63 characters", strings.Repeat("a", 63) + ".se", strings.Repeat("a", 63) + ".se"},
		{"accepts a name of 253 characters", long(253), long(253)},
		{"accepts Swedish letters", "Åäö-bolaget.SE", "xn---bolaget-zzaj2q.se"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalise(tt.in)
			if err != nil {
				t.Fatalf("Normalise(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Normalise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormaliseRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     error
	}{
		{"refuses an empty string", "", ErrEmpty},
		{"refuses white space", " \t ", ErrEmpty},
		{"refuses a lone dot", ".", ErrEmpty},
		{"refuses a label of 64 characters", strings.Repeat("a", 64) + ".se", ErrTooLong},
		{"refuses a name of 254 characters", long(254), ErrTooLong},
		{"refuses huge input", strings.Repeat("ä", 5000), ErrTooLong},
		{"refuses an underscore", "a_b.se", ErrInvalid},
		{"refuses a space inside", "exa mple.se", ErrInvalid},
		{"refuses an empty label", "example..se", ErrInvalid},
		{"refuses a leading dot", ".example.se", ErrInvalid},
		{"refuses two trailing dots", "example.se..", ErrInvalid},
		{"refuses a leading hyphen", "-example.se", ErrInvalid},
		{"refuses a trailing hyphen", "example-.se", ErrInvalid},
		{"refuses a URL", "https://example.se/", ErrInvalid},
		{"refuses an e-mail address", "anna@example.se", ErrInvalid},
		{"refuses broken punycode", "xn--abc.se", ErrInvalid},
		{"refuses an IPv4 address", "192.0.2.1", ErrInvalid},
		{"refuses a single label", "intranet", ErrSingleLabel},
		{"refuses a top-level domain", "se", ErrPublicSuffix},
		{"refuses a top-level domain with a dot", "SE.", ErrPublicSuffix},
		{"refuses a two-label public suffix", "co.uk", ErrPublicSuffix},
		{"refuses a private public suffix", "github.io", ErrPublicSuffix},
		{"refuses a wildcard public suffix", "anything.ck", ErrPublicSuffix},
		{"refuses gmail.com", "gmail.com", ErrConsumerMail},
		{"refuses upper-case GMAIL.COM", "GMAIL.COM.", ErrConsumerMail},
		{"refuses a subdomain of gmail.com", "mail.gmail.com", ErrConsumerMail},
		{"refuses outlook.com", "outlook.com", ErrConsumerMail},
		{"refuses hotmail.se", "hotmail.se", ErrConsumerMail},
		{"refuses telia.com", "telia.com", ErrConsumerMail},
		{"refuses gmx under any country", "gmx.at", ErrConsumerMail},
		{"refuses yandex under any country", "yandex.com.tr", ErrConsumerMail},
		{"refuses yahoo under a two-label suffix", "yahoo.co.uk", ErrConsumerMail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalise(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Normalise(%q) = %q, %v; want error %v", tt.in, got, err, tt.want)
			}
			if got != "" {
				t.Errorf("Normalise(%q) returned %q with an error", tt.in, got)
			}
		})
	}
}

func TestIsConsumerMail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"gmail.com", true},
		{"proton.me", true},
		{"gmx.de", true},
		{"live.se", true},
		{"example.se", false},
		{"gmail.example.se", false},
		{"mygmx.de", false},
		{"se", false},
	}
	for _, tt := range tests {
		if got := IsConsumerMail(tt.in); got != tt.want {
			t.Errorf("IsConsumerMail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{
		"example.se", "Exämple.SE.", "xn--exmple-cua.se", "gmail.com", "co.uk",
		"a..b", "ｅｘａｍｐｌｅ.se", "example。se", "\u200d.se", "xn--.se", "1.2.3.4",
		"ß.de", "ς.gr", "\u0627\u0644.eg", "a\u0301.se",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalise(in)
		if err != nil {
			if out != "" {
				t.Fatalf("Normalise(%q) = %q with error %v", in, out, err)
			}
			return
		}
		again, err := Normalise(out)
		if err != nil || again != out {
			t.Fatalf("Normalise(%q) = %q, but Normalise(%q) = %q, %v", in, out, out, again, err)
		}
		if !utf8.ValidString(out) || strings.ToLower(out) != out || len(out) > MaxLength {
			t.Fatalf("Normalise(%q) = %q: not short lower-case ASCII", in, out)
		}
		for i := 0; i < len(out); i++ {
			if out[i] >= 0x80 {
				t.Fatalf("Normalise(%q) = %q: not ASCII", in, out)
			}
		}
	})
}

// long returns a valid-looking name of exactly n characters (196 <= n <= 258)
// under .se: three labels of 63 characters and one shorter label.
func long(n int) string {
	return strings.Repeat(strings.Repeat("a", 63)+".", 3) + strings.Repeat("b", n-192-len(".se")) + ".se"
}
