// Package domainname turns what a person types as a domain name into the one
// canonical form portvakt stores and compares: ASCII, lower case, without a
// trailing dot. It refuses names that cannot belong to one organisation, such
// as bare public suffixes ("se", "co.uk") and consumer mail domains.
package domainname

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// MaxLength is the longest domain name, in ASCII characters without the
// trailing dot, that DNS can carry.
const MaxLength = 253

// maxLabel is the longest single label DNS allows.
const maxLabel = 63

// maxInput bounds the work done on input that could never become a valid
// name, however it maps; Unicode input is longer than its ASCII form only
// by a bounded factor, so anything longer is refused before IDNA runs.
const maxInput = 4 * MaxLength

// The kinds of refusal. Normalise wraps exactly one of them, so callers can
// pick a message with errors.Is.
var (
	// ErrEmpty means nothing but white space was given.
	ErrEmpty = errors.New("domain name is empty")
	// ErrTooLong means the name, or one of its labels, exceeds DNS limits.
	ErrTooLong = errors.New("domain name is too long")
	// ErrInvalid means the name has characters or labels DNS does not allow.
	ErrInvalid = errors.New("domain name has invalid characters or labels")
	// ErrSingleLabel means the name has no dot, such as "intranet".
	ErrSingleLabel = errors.New("domain name has a single label")
	// ErrPublicSuffix means the name is a public suffix, such as "se" or
	// "co.uk", under which anyone can register names.
	ErrPublicSuffix = errors.New("domain name is a public suffix")
	// ErrConsumerMail means the name belongs to a public mail service, such
	// as gmail.com, whose addresses belong to unrelated people.
	ErrConsumerMail = errors.New("domain name belongs to a consumer mail service")
)

// Normalise returns the canonical form of the domain name s: surrounding
// white space trimmed, mapped to lower-case ASCII with IDNA (so "Exämple.SE."
// becomes "xn--exmple-cua.se"), and one trailing dot removed. It refuses
// malformed names, single labels, bare public suffixes and consumer mail
// domains with an error that wraps one of the Err* kinds.
func Normalise(s string) (string, error) {
	name, err := canonical(s)
	if err != nil {
		return "", err
	}
	// The canonical form must be a fixed point: a stored name normalised
	// again must not change, or comparisons against stored names would
	// depend on the path the name took.
	if again, err := canonical(name); err != nil || again != name {
		return "", fmt.Errorf("domainname: %q: %w", s, ErrInvalid)
	}
	if err := checkRegistrable(name); err != nil {
		return "", fmt.Errorf("domainname: %q: %w", s, err)
	}
	return name, nil
}

// canonical maps s to lower-case ASCII and checks DNS syntax.
func canonical(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("domainname: %w", ErrEmpty)
	}
	if len(s) > maxInput {
		return "", fmt.Errorf("domainname: %d bytes: %w", len(s), ErrTooLong)
	}
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(s))
	if err != nil {
		return "", fmt.Errorf("domainname: %q: %w (%v)", s, ErrInvalid, err)
	}
	// IDNA maps full-width and ideographic dots to ".", so the trailing
	// dot is removed only now.
	name := strings.TrimSuffix(ascii, ".")
	if err := checkSyntax(name); err != nil {
		return "", fmt.Errorf("domainname: %q: %w", s, err)
	}
	return name, nil
}

// checkSyntax checks an ASCII name against the letter-digit-hyphen rules of
// RFC 1035 and RFC 5891.
func checkSyntax(name string) error {
	if name == "" {
		return ErrEmpty
	}
	if len(name) > MaxLength {
		return ErrTooLong
	}
	labels := strings.Split(name, ".")
	for _, label := range labels {
		if err := checkLabel(label); err != nil {
			return err
		}
	}
	// A top-level label of digits only would make an IP address such as
	// 192.0.2.1 look like a domain name.
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return ErrInvalid
	}
	return nil
}

// checkLabel checks one label: 1 to 63 letters, digits or hyphens, neither
// starting nor ending with a hyphen.
func checkLabel(label string) error {
	switch {
	case label == "":
		return ErrInvalid
	case len(label) > maxLabel:
		return ErrTooLong
	case label[0] == '-' || label[len(label)-1] == '-':
		return ErrInvalid
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return ErrInvalid
		}
	}
	return nil
}

// checkRegistrable refuses names that no single organisation can own.
func checkRegistrable(name string) error {
	if !strings.Contains(name, ".") {
		// "se" deserves a different answer than "intranet".
		if _, icann := publicsuffix.PublicSuffix(name); icann {
			return ErrPublicSuffix
		}
		return ErrSingleLabel
	}
	if _, err := publicsuffix.EffectiveTLDPlusOne(name); err != nil {
		return ErrPublicSuffix
	}
	if IsConsumerMail(name) {
		return ErrConsumerMail
	}
	return nil
}
