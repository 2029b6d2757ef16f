package views

import (
	"fmt"
	"strings"
)

// Lang is a UI language: "sv" or "en".
type Lang string

// The languages portvakt speaks.
const (
	SV Lang = "sv"
	EN Lang = "en"
)

// Langs lists the supported languages, Swedish first.
var Langs = []Lang{SV, EN}

// ParseLang returns the language for a tag such as "sv-SE" or "en", and false when unsupported.
func ParseLang(tag string) (Lang, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "sv":
		return SV, true
	case "en":
		return EN, true
	}
	return "", false
}

// texts maps a key to its Swedish and English text. Each area registers its own texts from a
// text_*.go file, so that a key and both its translations stand side by side.
var texts = map[string][2]string{}

// register adds texts; a key registered twice is a programming error.
func register(m map[string][2]string) {
	for k, v := range m {
		if _, dup := texts[k]; dup {
			panic("views: text key registered twice: " + k)
		}
		texts[k] = v
	}
}

// T returns the text for key in this language, formatted with args when given. A missing key shows
// as the key in brackets (and fails TestEveryTextKeyExists).
func (l Lang) T(key string, args ...any) string {
	v, ok := texts[key]
	if !ok {
		return "[" + key + "]"
	}
	s := v[0]
	if l == EN {
		s = v[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// HasText reports whether key is registered.
func HasText(key string) bool {
	_, ok := texts[key]
	return ok
}

// TextKeys lists every registered key, for tests.
func TextKeys() []string {
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	return keys
}

// Name is the language's own name, for the language switch.
func (l Lang) Name() string {
	if l == EN {
		return "English"
	}
	return "Svenska"
}
