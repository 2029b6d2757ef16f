package views_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unescaped matches the ways of writing markup that templ does not escape.
var unescaped = regexp.MustCompile(`templ\.Raw\(|templ\.FromGoHTML\(|@templ\.Raw|template\.HTML\(`)

// TestNoUnescapedOutput proves "all output escaped by templ (no templ.Raw on user data)" the
// strict way: no component of portvakt writes unescaped markup, and no page has inline script.
func TestNoUnescapedOutput(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.templ", "*.go", "../handlers/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d files found", len(files))
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			inlineScript := strings.Contains(line, "<script") && !strings.Contains(line, "src=")
			if unescaped.MatchString(line) || inlineScript || strings.Contains(line, " onclick=") {
				t.Errorf("%s:%d writes unescaped markup: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
