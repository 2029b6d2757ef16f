package handlers

import (
	"errors"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Reasons an allowed domain is refused; each has its own message.
var (
	errDomainInvalid = errors.New("not a domain name")
	errDomainSuffix  = errors.New("a public suffix")
)

// normaliseAllowedDomain returns the stored form of a domain typed for the allowed-domains list:
// trimmed, IDNA to ASCII, lower case, without a trailing dot. A name that is not a domain, or
// is only a public suffix such as "se" or "co.uk", is refused.
func normaliseAllowedDomain(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" || len(s) > 253 || strings.ContainsAny(s, " @/:") {
		return "", errDomainInvalid
	}
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(s))
	if err != nil || ascii == "" {
		return "", errDomainInvalid
	}
	for _, label := range strings.Split(ascii, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", errDomainInvalid
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return "", errDomainInvalid
			}
		}
	}
	suffix, icann := publicsuffix.PublicSuffix(ascii)
	switch {
	case suffix == ascii && (icann || strings.Contains(ascii, ".")):
		return "", errDomainSuffix
	case !strings.Contains(ascii, "."):
		return "", errDomainInvalid
	}
	return ascii, nil
}
