package handlers

import (
	"strings"
	"unicode/utf8"

	"portvakt/store/account"
	"portvakt/views"
)

// Length limits of form fields, from the account rules (store/account).
const (
	maxEmail    = account.MaxEmail
	maxName     = account.MaxName
	maxPassword = account.MaxPassword
)

// fieldProblems collects the refused fields of a form: each message is shown next to its field
// and, as a link to it, in the error summary.
type fieldProblems []views.FieldError

// add marks f as refused with msg.
func (ps *fieldProblems) add(f *views.Field, msg string) {
	f.Error = msg
	*ps = append(*ps, views.FieldError{Field: f.ID, Message: msg})
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
