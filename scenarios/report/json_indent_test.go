package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// genJSONValue draws a value of nested objects, arrays, strings (with quotes,
// backslashes, control characters, HTML characters and non-ASCII), numbers, booleans
// and null, empty containers included.
func genJSONValue(t *rapid.T, depth int) any {
	kinds := 4
	if depth < 3 {
		kinds = 6
	}
	switch rapid.IntRange(0, kinds-1).Draw(t, "kind") {
	case 0:
		return rapid.StringOf(rapid.SampledFrom([]rune{'a', '"', '\\', '\n', '\t', '<', '&', ',', ':', '{', ']', 'é', '\u2028', 0x01})).Draw(t, "string")
	case 1:
		return rapid.Float64().Draw(t, "number")
	case 2:
		return rapid.Bool().Draw(t, "bool")
	case 3:
		return nil
	case 4:
		n := rapid.IntRange(0, 4).Draw(t, "len")
		a := make([]any, n)
		for i := range a {
			a[i] = genJSONValue(t, depth+1)
		}
		return a
	default:
		m := map[string]any{}
		for range rapid.IntRange(0, 4).Draw(t, "keys") {
			m[rapid.StringOf(rapid.SampledFrom([]rune{'k', '"', '\\', ':', ','})).Draw(t, "key")] = genJSONValue(t, depth+1)
		}
		return m
	}
}

// indentCompact indents what json.Marshal writes byte for byte as json.Indent does,
// so WriteJSON is what json.Encoder with SetIndent wrote.
func TestPropertyIndentCompactIsJSONIndent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b, err := json.Marshal(genJSONValue(t, 0))
		if err != nil {
			t.Skip("not representable:", err) // NaN or an infinity
		}
		var want bytes.Buffer
		require.NoError(t, json.Indent(&want, b, "", "  "))
		require.Equal(t, want.String(), string(indentCompact(nil, b, "  ")))
	})
}
