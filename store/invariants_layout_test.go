package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// storeFiles parses the store's own Go files, tests left out.
func storeFiles(t *testing.T) map[string]*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	return files
}

// TestSentinelErrorsLiveInErrorsGo: handlers map the store's sentinel errors to statuses, so
// they are all declared in one file, where a reader sees the whole list.
func TestSentinelErrorsLiveInErrorsGo(t *testing.T) {
	t.Parallel()
	for name, f := range storeFiles(t) {
		if name == "errors.go" {
			continue
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				for _, id := range s.(*ast.ValueSpec).Names {
					if strings.HasPrefix(id.Name, "Err") {
						t.Errorf("%s declares %s: sentinel errors belong in errors.go", name, id.Name)
					}
				}
			}
		}
	}
}

// TestPasswordLoginSettingReadInOnePlace: password sign-in being on or off decides who can get
// in; it is read and written by settings.go only (passwordLoginOn, setPasswordLogin), inside the
// caller's transaction where a rule depends on it, so a new reader cannot read it differently.
func TestPasswordLoginSettingReadInOnePlace(t *testing.T) {
	t.Parallel()
	for name, f := range storeFiles(t) {
		if name == "settings.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.Contains(lit.Value, "'password_login'") {
				t.Errorf("%s reads or writes the password_login setting itself: use passwordLoginOn or setPasswordLogin", name)
			}
			return true
		})
	}
}
