package views_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"portvakt/views"
)

// keyUse finds literal text keys passed to T, and TitleKey/BodyKey/TextKey fields.
var keyUse = regexp.MustCompile(`(?:\bT\(|(?:Key|titleKey|msgKey|errKey|key)\s*[:=]\s*|[cC]rumbs?\(c, |s\.page\(c, |setFlash\(c, |add\(&v\.\w+, )"([a-z][a-z0-9_.]+)"`)

// TestEveryTextKeyExists reads the views and handlers for text keys and checks that each has a
// Swedish and an English text.
func TestEveryTextKeyExists(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.templ", "*.go", "../handlers/*.go", "../handlers/*/*.go"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
			found++
			if !views.HasText(m[1]) {
				t.Errorf("%s uses text key %q, which has no text", f, m[1])
			}
		}
	}
	if found < 20 {
		t.Fatalf("found only %d key uses: the pattern no longer matches the code", found)
	}
}

func TestEveryTextHasBothLanguages(t *testing.T) {
	for _, k := range views.TextKeys() {
		sv, en := views.SV.T(k), views.EN.T(k)
		if strings.TrimSpace(sv) == "" || strings.TrimSpace(en) == "" {
			t.Errorf("%s: Swedish %q, English %q: both are needed", k, sv, en)
		}
		if strings.Contains(sv, "!") || strings.Contains(en, "!") {
			t.Errorf("%s: no exclamation marks, please", k)
		}
		if a, b := verbs(sv), verbs(en); a != b {
			t.Errorf("%s: the languages take different arguments (%s / %s): %q / %q", k, a, b, sv, en)
		}
	}
}

// verb is one fmt placeholder: an optional explicit argument index, flags, width, precision and
// the verb letter.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// verbs describes the arguments a format takes, as "1:s 2:d": the verb each argument is shown
// with, by argument number, so that two texts agree only when they take the same arguments in
// the same order with the same verbs. %% takes none.
func verbs(format string) string {
	byArg := map[int]string{}
	next, last := 1, 0
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		n := next
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		}
		if prev, ok := byArg[n]; ok && prev != m[2] {
			byArg[n] = prev + "|" + m[2]
		} else {
			byArg[n] = m[2]
		}
		next = n + 1
		last = max(last, n)
	}
	var out []string
	for n := 1; n <= last; n++ {
		out = append(out, strconv.Itoa(n)+":"+byArg[n])
	}
	return strings.Join(out, " ")
}

// TestVerbsCompareOrder: the placeholder check tells apart texts that take the same number of
// arguments in another order or with another verb.
func TestVerbsCompareOrder(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"%s har %d", "%s has %d", true},
		{"%d har %s", "%s has %d", false},
		{"%[2]d av %[1]s", "%s: %d", true},
		{"100 %% av %s", "%s, 100 %%", true},
		{"%s", "%v", false},
		{"%s och %s", "%s", false},
	} {
		if got := verbs(c.a) == verbs(c.b); got != c.same {
			t.Errorf("verbs(%q)=%q, verbs(%q)=%q: same = %t, want %t", c.a, verbs(c.a), c.b, verbs(c.b), got, c.same)
		}
	}
}
