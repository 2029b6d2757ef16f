package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"portvakt/handlers/dnscheck"
	"portvakt/handlers/oidcrp"
	"portvakt/store"
	"portvakt/store/account"
	"portvakt/views"
)

// constsOfType reads the package in dir and returns the value of every string constant declared
// with type typ, so that a list kept by hand can be checked against the declarations.
func constsOfType(t *testing.T, dir, typ string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); !ok || id.Name != typ {
					continue
				}
				for _, val := range v.Values {
					if lit, ok := val.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out = append(out, s)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no constants of type %s in %s", typ, dir)
	}
	return out
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// TestCodeListsAreComplete: the texts for codes (refusal kinds, reasons, presets, statuses...)
// are checked by walking the lists their packages export; each list must name every constant
// its package declares, or a new code would go out without words.
func TestCodeListsAreComplete(t *testing.T) {
	for _, c := range []struct {
		dir, typ string
		list     []string
	}{
		{"oidcrp", "Kind", strs(oidcrp.Kinds)},
		{"oidcrp", "DiscoveryKind", strs(oidcrp.DiscoveryKinds)},
		{"oidcrp", "Problem", strs(oidcrp.Problems)},
		{"oidcrp", "Preset", strs(oidcrp.Presets)},
		{"dnscheck", "Outcome", strs(dnscheck.Outcomes)},
		{"../store", "LinkRefusalKind", strs(store.LinkRefusalKinds)},
		{"../store", "LossReason", strs(store.LossReasons)},
		{"../store", "PasswordOffReason", strs(store.PasswordOffReasons)},
		{"../store", "ConfirmRefusal", strs(store.ConfirmRefusals)},
		{"../store", "DomainStatus", strs(store.DomainStatuses)},
		{"../store/account", "PasswordProblem", strs(account.PasswordProblems)},
	} {
		declared := constsOfType(t, c.dir, c.typ)
		for _, v := range declared {
			if !slices.Contains(c.list, v) {
				t.Errorf("%s: %s %q is not in the exported list", c.dir, c.typ, v)
			}
		}
		if len(c.list) != len(declared) {
			t.Errorf("%s: the list of %s has %d entries, %d are declared", c.dir, c.typ, len(c.list), len(declared))
		}
	}
}

// TestSSOKindsHaveTexts checks that every reason a sign-in can be refused has a message.
func TestSSOKindsHaveTexts(t *testing.T) {
	t.Parallel()
	kinds := append([]string{kindEmailInvalid, "error"}, strs(store.LinkRefusalKinds)...)
	kinds = append(kinds, strs(oidcrp.Kinds)...)
	for _, k := range kinds {
		if !views.HasText(refusalTextKey(k)) {
			t.Errorf("no text for refusal %q", k)
		}
	}
	for _, k := range oidcrp.DiscoveryKinds {
		if key := dynamicKey("sso.err.discovery.", string(k)); !views.HasText(key) {
			t.Errorf("no text %q", key)
		}
	}
	for _, p := range oidcrp.Problems {
		if key := dynamicKey("sso.err.problem.", string(p)); !views.HasText(key) {
			t.Errorf("no text %q", key)
		}
	}
	for _, p := range oidcrp.Presets {
		for _, suffix := range []string{"", ".about", ".howto", ".inline"} {
			if key := presetKey(string(p), suffix); !views.HasText(key) {
				t.Errorf("no text %q", key)
			}
		}
	}
}
