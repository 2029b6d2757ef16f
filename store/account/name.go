package account

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons a person's name is refused; each has its own message.
var (
	ErrNameEmpty   = errors.New("empty name")
	ErrNameTooLong = errors.New("name too long")
	// ErrNameInvalid: the name is not valid UTF-8 or has a control or format character (NUL,
	// line breaks, the direction overrides and isolates U+202A..U+202E and U+2066..U+2069, and
	// the other Cc and Cf characters), which would be shown raw in pages and mail and could make
	// a name read as something else.
	ErrNameInvalid = errors.New("name has invalid characters")
)

// CheckName trims a person's name and checks it: not empty, at most MaxName characters, valid
// UTF-8 without control, format or line and paragraph separator characters.
func CheckName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", ErrNameInvalid
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", ErrNameEmpty
	case utf8.RuneCountInString(name) > MaxName:
		return name, ErrNameTooLong
	case strings.IndexFunc(name, badNameRune) >= 0:
		return name, ErrNameInvalid
	}
	return name, nil
}

// badNameRune reports the characters a name may not hold. Zero-width joiners (U+200C, U+200D)
// are format characters that some scripts and emoji need, so they are allowed.
func badNameRune(r rune) bool {
	if r == '\u200c' || r == '\u200d' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) || r == utf8.RuneError
}

// ShowName returns name with invalid UTF-8 and every character CheckName refuses replaced by
// U+FFFD, so that a refused name can be shown back to the person who typed it.
func ShowName(name string) string {
	return strings.Map(func(r rune) rune {
		if badNameRune(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(name, string(utf8.RuneError)))
}

// HasBadNameChars reports whether name is invalid UTF-8 or has a character CheckName refuses,
// for the store, which keeps such names out whatever its caller checked.
func HasBadNameChars(name string) bool {
	return !utf8.ValidString(name) || strings.IndexFunc(name, badNameRune) >= 0
}
