package input

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// The oracle: what go-yaml itself makes of some bytes, for comparing with Scan.

// yamlFlowDepth is the deepest nesting of go-yaml's flow tokens, and whether the
// parser would see those tokens at all (it refuses a stream with an invalid token
// before building anything).
func yamlFlowDepth(data []byte) (depth int, parsed bool) {
	d := 0
	for _, tk := range lexer.Tokenize(string(data)) {
		switch tk.Type {
		case token.InvalidType:
			return 0, false
		case token.SequenceStartType, token.MappingStartType:
			d++
			depth = max(depth, d)
		case token.SequenceEndType, token.MappingEndType:
			if d == 0 {
				return depth, true // the parser stops at an unmatched end
			}
			d--
		}
	}
	return depth, true
}

// yamlDepth is how deep collections nest in go-yaml's tree, or -1 when it refuses
// the bytes.
func yamlDepth(data []byte) int {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return -1
	}
	depth := 0
	for _, d := range f.Docs {
		depth = max(depth, nodeDepth(d.Body))
	}
	return depth
}

func nodeDepth(n ast.Node) int {
	switch v := n.(type) {
	case nil:
		return 0
	case *ast.MappingNode:
		d := 0
		for _, mv := range v.Values {
			d = max(d, nodeDepth(mv.Key), nodeDepth(mv.Value))
		}
		return d + 1
	case *ast.MappingValueNode:
		return max(nodeDepth(v.Key), nodeDepth(v.Value)) + 1
	case *ast.SequenceNode:
		d := 0
		for _, e := range v.Values {
			d = max(d, nodeDepth(e))
		}
		return d + 1
	case *ast.AnchorNode:
		return nodeDepth(v.Value)
	case *ast.TagNode:
		return nodeDepth(v.Value)
	case *ast.MappingKeyNode:
		return nodeDepth(v.Value)
	case *ast.DocumentNode:
		return nodeDepth(v.Body)
	}
	return 0
}

// yamlForbids reports whether a Scan error is about what YAML forbids, which go-yaml
// may let through.
func yamlForbids(err error) bool {
	m := err.Error()
	for _, forbidden := range []string{"control character", "invalid UTF-8", "a tab in the indentation", "a tab outside", "a key over more than one line"} {
		if strings.Contains(m, forbidden) {
			return true
		}
	}
	return false
}
