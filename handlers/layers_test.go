package handlers_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPackageLayers keeps the direction of imports: the store knows nothing of the web, views
// use the store's types but never the handlers, the address builders and the account rules
// import nothing of portvakt, and the protocol packages under handlers (oidcrp, oidcop, mail,
// dnscheck, domainname) import nothing of the web layer above them, so that the host commands and the
// store can use them without it.
func TestPackageLayers(t *testing.T) {
	// "=" marks a path refused exactly, not with its sub-packages.
	web := []string{"=portvakt/handlers", "portvakt/views", "github.com/labstack/echo", "github.com/a-h/templ", "github.com/gorilla/"}
	for _, c := range []struct {
		dir    string
		refuse []string
	}{
		{"../store", []string{"portvakt/handlers", "portvakt/views", "github.com/labstack/echo"}},
		{"../store/account", []string{"portvakt/"}},
		{"../views", []string{"portvakt/handlers"}},
		{"../views/paths", []string{"portvakt/"}},
		{"oidcrp", web},
		{"mail", web},
		{"dnscheck", web},
		{"domainname", web},
		// The provider's adapter builds addresses with views/paths, which imports nothing.
		{"oidcop", []string{"=portvakt/handlers", "=portvakt/views", "github.com/labstack/echo", "github.com/a-h/templ", "github.com/gorilla/"}},
	} {
		files, err := filepath.Glob(filepath.Join(c.dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files (%v)", c.dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, r := range c.refuse {
					exact, ok := strings.CutPrefix(r, "=")
					if ok && path == exact || !ok && strings.HasPrefix(path, r) {
						t.Errorf("%s imports %s", name, path)
					}
				}
			}
		}
	}
}
