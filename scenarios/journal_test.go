package scenarios

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the module root, two levels up from this package's directory at most.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, "go.mod"))
	require.NoError(t, err, "scenarios/ is expected one level below go.mod")
	return dir
}

// No writer decides anything from narration text: outside the narrate.go files that
// render sentences, no non-test code passes a record's Text() to a strings function
// or compares it with anything but "" (whether a record is narrated at all).
func TestNoWriterReadsNarrationText(t *testing.T) {
	root := repoRoot(t)
	var bad []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || d.Name() == "narrate.go" {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "strings" || pkg.Name == "regexp") {
						for _, a := range n.Args {
							if isTextCall(a) {
								bad = append(bad, fset.Position(n.Pos()).String()+": "+rel+" passes narration to "+pkg.Name+"."+sel.Sel.Name)
							}
						}
					}
				}
			case *ast.BinaryExpr:
				if (isTextCall(n.X) && !isEmptyString(n.Y)) || (isTextCall(n.Y) && !isEmptyString(n.X)) {
					bad = append(bad, fset.Position(n.Pos()).String()+": compares narration text")
				}
			case *ast.SwitchStmt:
				if n.Tag != nil && isTextCall(n.Tag) {
					bad = append(bad, fset.Position(n.Pos()).String()+": switches on narration text")
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, bad, "writers must switch on the record's typed payload (Record.Data), not its sentence")
}

func isTextCall(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok || len(c.Args) != 0 {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && (sel.Sel.Name == "Text" || sel.Sel.Name == "Line" || sel.Sel.Name == "Narrate")
}

func isEmptyString(e ast.Expr) bool {
	l, ok := e.(*ast.BasicLit)
	return ok && l.Value == `""`
}

// Every record of every built-in scenario carries a typed payload, and each payload
// type is listed in the doc.go of the package that declares it.
func TestEveryJournalPayloadIsTypedAndDocumented(t *testing.T) {
	root := repoRoot(t)
	list, err := Builtins()
	require.NoError(t, err)
	seen := map[reflect.Type]bool{}
	for _, b := range list {
		res := runBuiltin(t, b.Name)
		for _, rec := range res.Journal {
			require.NotNil(t, rec.Data, "%s: record %d (%s) has no payload", b.Name, rec.Seq, rec.Kind)
			require.Equal(t, rec.Data.Kind(), rec.Kind, "%s: a record's kind is its payload's", b.Name)
			seen[reflect.TypeOf(rec.Data)] = true
		}
	}
	docs := map[string]string{}
	for ty := range seen {
		pkg := strings.TrimPrefix(ty.PkgPath(), "github.com/exsim/exsim/")
		if _, ok := docs[pkg]; !ok {
			b, err := os.ReadFile(filepath.Join(root, pkg, "doc.go"))
			require.NoError(t, err)
			docs[pkg] = string(b)
		}
		require.Contains(t, docs[pkg], "["+ty.Name()+"]", "%s.%s is journaled but not listed in %s/doc.go", pkg, ty.Name(), pkg)
	}
}

func runBuiltin(t testing.TB, name string) *Result {
	t.Helper()
	sc, err := Open(name)
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	return res
}
