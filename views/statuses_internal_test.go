package views

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"portvakt/store"
)

// TestViewsCompareStatusesByConstant: a view that compares a status or sign-in method with a
// plain string keeps working after the store renames the value, silently showing the wrong
// thing; the views use the store's constants instead.
func TestViewsCompareStatusesByConstant(t *testing.T) {
	var values []string
	for _, s := range store.DomainStatuses {
		values = append(values, string(s))
	}
	values = append(values, store.MailStatuses...)
	values = append(values, store.MethodSSO, store.MethodPassword)
	// A comparison whose left side names a status or method, or a case under such a switch.
	compare := regexp.MustCompile(`(?i:status|method)\)?\s*(?:==|!=)\s*"([a-z_]+)"`)
	switchOn := regexp.MustCompile(`\bswitch\s+(.*)\{`)
	caseOf := regexp.MustCompile(`^\s*case\s+(.*):`)
	literal := regexp.MustCompile(`"([a-z_]+)"`)
	files, err := filepath.Glob("*")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if !(strings.HasSuffix(name, ".templ") || strings.HasSuffix(name, ".go")) ||
			strings.HasSuffix(name, "_templ.go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		subject := ""
		for i, line := range strings.Split(string(b), "\n") {
			var lits []string
			for _, m := range compare.FindAllStringSubmatch(line, -1) {
				lits = append(lits, m[1])
			}
			if m := switchOn.FindStringSubmatch(line); m != nil {
				subject = strings.ToLower(m[1])
			}
			if m := caseOf.FindStringSubmatch(line); m != nil && (strings.Contains(subject, "status") || strings.Contains(subject, "method")) {
				for _, l := range literal.FindAllStringSubmatch(m[1], -1) {
					lits = append(lits, l[1])
				}
			}
			for _, l := range lits {
				if slices.Contains(values, l) {
					t.Errorf("%s:%d compares a status with %q: use the store's constant", name, i+1, l)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d files", checked)
	}
}

// TestMailStatusBadges: every outbox status has its own word, in both languages.
func TestMailStatusBadges(t *testing.T) {
	for _, l := range Langs {
		seen := map[string]string{}
		for _, status := range store.MailStatuses {
			var b strings.Builder
			if err := mailStatus(Page{Lang: l}, MailRow{Status: status}).Render(context.Background(), &b); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			if strings.Contains(html, "[") {
				t.Errorf("%s: status %s has no text: %s", l, status, html)
			}
			if other, ok := seen[html]; ok && !(status == store.MailQueued || other == store.MailQueued) {
				t.Errorf("%s: statuses %s and %s look the same", l, other, status)
			}
			seen[html] = status
		}
	}
}
