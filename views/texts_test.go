package views_test

import (
	"os"
	"path/filepath"
	"regexp"
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
	for _, pattern := range []string{"*.templ", "*.go", "../handlers/*.go"} {
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
		if strings.Count(sv, "%") != strings.Count(en, "%") {
			t.Errorf("%s: the languages take different arguments: %q / %q", k, sv, en)
		}
	}
}
