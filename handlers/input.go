package handlers

import (
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"portvakt/views"
)

// Length limits of form fields, checked on the server (the browser's maxlength is a courtesy).
const (
	maxEmail    = 254
	maxName     = 200
	maxPassword = 128
	minPassword = 8
)

// Reasons an e-mail address is refused; each has its own message.
var (
	errEmailEmpty   = errors.New("empty e-mail")
	errEmailTooLong = errors.New("e-mail too long")
	errEmailInvalid = errors.New("invalid e-mail")
	// errEmailNotNormal: the address has characters whose compatibility form (NFKC) is another
	// character, such as KELVIN SIGN for K or fullwidth letters.
	errEmailNotNormal = errors.New("e-mail not in NFKC form")
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
		return "", errEmailEmpty
	}
	if len(s) > maxEmail {
		return "", errEmailTooLong
	}
	if !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n<>\"(),;:[]\\") {
		return "", errEmailInvalid
	}
	if !norm.NFKC.IsNormalString(s) {
		return "", errEmailNotNormal
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return "", errEmailInvalid
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return "", errEmailInvalid
	}
	domain, err = idna.Lookup.ToASCII(domain)
	domain = strings.ToLower(domain)
	if err != nil || !isHostname(domain) {
		return "", errEmailInvalid
	}
	out := asciiLower(local) + "@" + domain
	if len(out) > maxEmail {
		return "", errEmailTooLong
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

// EmailErrorKey is the text key that explains why NormaliseEmail refused an address, or "" when
// it did not.
func EmailErrorKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errEmailTooLong):
		return "login.err.email.long"
	case errors.Is(err, errEmailNotNormal):
		return "login.err.email.nfkc"
	}
	return "login.err.email"
}

// fieldProblems collects the refused fields of a form: each message is shown next to its field
// and, as a link to it, in the error summary.
type fieldProblems []views.FieldError

// add marks f as refused with msg.
func (ps *fieldProblems) add(f *views.Field, msg string) {
	f.Error = msg
	*ps = append(*ps, views.FieldError{Field: f.ID, Message: msg})
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

// truncate cuts s to at most n bytes on a rune boundary, for values we log but do not validate
// (user agents).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// formText reads a form field, trimmed, and reports whether it is within max characters.
func formText(v string, max int) (string, bool) {
	v = strings.TrimSpace(v)
	return v, utf8.RuneCountInString(v) <= max
}
