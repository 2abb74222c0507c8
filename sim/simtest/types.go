package simtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/stretchr/testify/require"
)

// StructTypes lists the exported struct types declared in a Go file, as %T prints
// them with prefix ("dag."): a package's journal-event tests check every type of its
// events.go has a sample.
func StructTypes(t testing.TB, file, prefix string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	require.NoError(t, err)
	out := map[string]bool{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, sp := range g.Specs {
				if ts := sp.(*ast.TypeSpec); ts.Name.IsExported() {
					if _, ok := ts.Type.(*ast.StructType); ok {
						out[prefix+ts.Name.Name] = true
					}
				}
			}
		}
	}
	return out
}
