// Package account holds the rules of a person's account that the web pages, the host commands
// and the store all apply: the normal form of an e-mail address, the password rules, and
// password hashing. It lives under store because the store refuses an address that is not in
// this form, and it imports nothing of portvakt, so handlers, views and cmd can use it too.
package account

import (
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Length limits of an account's fields, checked on the server (the browser's maxlength is a
// courtesy) and by the store.
const (
	MaxEmail    = 254
	MaxName     = 200
	MaxPassword = 128
	MinPassword = 8
)

// Reasons an e-mail address is refused; each has its own message (views.EmailErrorKey).
var (
	ErrEmailEmpty   = errors.New("empty e-mail")
	ErrEmailTooLong = errors.New("e-mail too long")
	ErrEmailInvalid = errors.New("invalid e-mail")
	// ErrEmailNotNormal: the address has characters whose compatibility form (NFKC) is another
	// character, such as KELVIN SIGN for K or fullwidth letters.
	ErrEmailNotNormal = errors.New("e-mail not in NFKC form")
)

// NormaliseEmail trims an address, checks its form and returns it with the domain in lower-case
// ASCII (IDNA) and the local part with A-Z in lower case, the form in which portvakt stores and
// compares addresses.
//
// The local part is folded with ASCII rules only, and an address that NFKC normalisation would
// change is refused rather than mapped: Unicode case and compatibility mappings turn KELVIN SIGN
// into k and fullwidth letters into ASCII ones, which would let a second, different address meet
// an existing person's (and their links and grants). A letter outside ASCII is kept as typed.
func NormaliseEmail(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return "", ErrEmailEmpty
	}
	if len(s) > MaxEmail {
		return "", ErrEmailTooLong
	}
	if !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n<>\"(),;:[]\\") {
		return "", ErrEmailInvalid
	}
	if !norm.NFKC.IsNormalString(s) {
		return "", ErrEmailNotNormal
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return "", ErrEmailInvalid
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return "", ErrEmailInvalid
	}
	domain, err = idna.Lookup.ToASCII(domain)
	domain = strings.ToLower(domain)
	if err != nil || !isHostname(domain) {
		return "", ErrEmailInvalid
	}
	out := asciiLower(local) + "@" + domain
	if len(out) > MaxEmail {
		return "", ErrEmailTooLong
	}
	return out, nil
}

// asciiLower turns A-Z into a-z and leaves every other byte as it is.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// IsNormalised reports whether email is already in the form NormaliseEmail returns.
func IsNormalised(email string) bool {
	n, err := NormaliseEmail(email)
	return err == nil && n == email
}

// Domain returns the domain part of a normalised address.
func Domain(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return d
}

// isHostname reports whether s is a lower-case ASCII host name of at least two labels, each 1 to
// 63 letters, digits or inner hyphens.
func isHostname(s string) bool {
	labels := strings.Split(s, ".")
	if len(s) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// EmailDomain returns the domain part of a normalised address.
func EmailDomain(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return d
}
