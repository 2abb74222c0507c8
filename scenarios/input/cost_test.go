package input

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/parser"
	"github.com/stretchr/testify/require"
)

// fill repeats unit after head while Scan (with the defaults) accepts the result
// and it stays under 1 MiB: the largest file of that shape the defaults accept.
func fill(head, unit, tail string) string {
	var b strings.Builder
	b.WriteString(head)
	lo, hi := 0, (1<<20-len(head)-len(tail))/len(unit)
	for lo < hi { // the largest count Scan accepts
		mid := (lo + hi + 1) / 2
		if Scan("f", []byte(head+strings.Repeat(unit, mid)+tail), Limits{}) == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	b.WriteString(strings.Repeat(unit, lo))
	b.WriteString(tail)
	return b.String()
}

// The defaults are chosen so that no file they accept costs go-yaml more than
// 100 MB: these are the costliest shapes found, each as large as Scan lets it be.
// (About 1 s, 8 s and 180 MB under -race; skipped with -short.)
func TestWorstAcceptedFilesCostTheParserLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("measures go-yaml on inputs up to 1 MB")
	}
	keys := func(n int, indent string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%sk%d: v\n", indent, i)
		}
		return b.String()
	}
	tests := []struct{ name, data string }{
		{"mappings of the most keys", fill("", "-\n"+keys(256, "  "), "")},
		{"small block mappings", fill("a:\n", "- a: 1\n  b: 2\n", "")},
		{"block sequence entries", fill("a:\n", "- x\n", "")},
		{"flow entries", fill("a:\n", "- ["+strings.Repeat("x,", 1000)+"x]\n", "")},
		{"flow entries with tags", fill("a:\n", "- ["+strings.Repeat("!t x,", 500)+"x]\n", "")},
		{"comment lines", fill("", "#\n", "")},
		{"nesting 32 deep, repeated", fill("a:\n", "- "+strings.Repeat("[", 30)+strings.Repeat("]", 30)+"\n", "")},
		{"anchors and aliases", fill("a:\n"+strings.Repeat("- &a x\n", 1000), "- *a\n", "")},
		{"documents", fill("", "---\n"+keys(200, ""), "")},
		{"one mapping's keys between anchors Scan nests", fill("", "a: &x\n"+keys(100, ""), "")},
		{"long strings", fill("a:\n", "- '"+strings.Repeat("x", 4000)+"\n  "+strings.Repeat("y", 4000)+"'\n", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, Scan("f", []byte(tt.data), Limits{}))
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _ = parser.ParseBytes([]byte(tt.data), 0)
			runtime.ReadMemStats(&after)
			mb := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
			t.Logf("%d bytes: go-yaml allocated %.0f MB", len(tt.data), mb)
			require.Less(t, mb, 100.0)
		})
	}
}
