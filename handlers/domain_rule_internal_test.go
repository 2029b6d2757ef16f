package handlers

import (
	"strings"
	"testing"

	"portvakt/handlers/domainname"
	"portvakt/views"
)

func TestDomainNameMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, typed, sv, en string
	}{
		{"names nothing typed", " ", "Ange en domän", "Enter a domain"},
		{"says a name is too long", strings.Repeat("a", 64) + ".se", "för lång", "too long"},
		{"quotes what is not a domain name", "https://example.se", "”https://example.se” är inte ett domännamn", "“https://example.se” is not a domain name"},
		{"asks for the ending of a single label", "intranet", "”intranet” är inte en hel domän", "“intranet” is not a whole domain"},
		{"suggests a name under a public suffix", "Co.UK.", "”co.uk” är en ändelse", "for example company.co.uk."},
		{"names a consumer mail service", "gmail.com", "”gmail.com” är en allmän e-posttjänst", "“gmail.com” is a public e-mail service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domainname.Normalise(tt.typed)
			if err == nil {
				t.Fatalf("Normalise(%q) accepted it", tt.typed)
			}
			for _, want := range []struct {
				l    views.Lang
				text string
			}{{views.SV, tt.sv}, {views.EN, tt.en}} {
				if got := domainNameMessage(want.l, tt.typed, err); !strings.Contains(got, want.text) {
					t.Errorf("%s: message = %q, want one containing %q", want.l, got, want.text)
				}
			}
		})
	}
}
