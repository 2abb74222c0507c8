package input

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// scenarioFiles are every scenario in the repository: the built-ins, the loader's
// good and bad examples (the bad ones must reach the loader's own errors) and the
// explorer's.
func scenarioFiles(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../*.yaml", "../format/testdata/good/*.yaml", "../format/testdata/bad/*.yaml", "../testdata/bench/*.yaml", "../explore/testdata/*.yaml"} {
		m, err := filepath.Glob(g)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.Greater(t, len(files), 20)
	return files
}

// The defaults must pass every real scenario, and Scan's depth of each must be
// go-yaml's: the limit of 32 is measured against the same number.
func TestEveryScenarioPassesTheDefaults(t *testing.T) {
	deepest := 0
	for _, f := range scenarioFiles(t) {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		s := newScanner(filepath.Base(f), data, Limits{})
		require.NoError(t, s.run(), f)
		if d := yamlDepth(data); d >= 0 {
			require.Equal(t, d, s.maxDepth, "%s: Scan's depth is not go-yaml's", f)
		}
		deepest = max(deepest, s.maxDepth)
	}
	// 6 since internet.domains.<domain>.mx (issue 16): still far under the limit
	require.Equal(t, 6, deepest, "the deepest scenario; if it changed, check Limits.Depth's comment")
	require.Less(t, deepest*4, DefaultLimits().Depth+1)
}

func TestDefaultLimits(t *testing.T) {
	require.Equal(t, Limits{Size: 1 << 20, Depth: 32, Items: 30_000, Keys: 256, Documents: 100, Anchors: 1000, Aliases: 1000, Lines: 100_000, Line: 4096, Scalar: 65_536}, DefaultLimits())
	require.Equal(t, 7, Limits{Depth: 7}.withDefaults().Depth, "a set field is kept")
}

func TestScan(t *testing.T) {
	deep := func(open string, n int) string { return "a: " + strings.Repeat(open, n) + "\n" }
	nested := func(n int) string { // a:\n a:\n  a: ... n mappings deep
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat(" ", i) + "a:\n")
		}
		return b.String()
	}
	tests := []struct {
		name string
		in   string
		lim  Limits
		err  string // "" when accepted
	}{
		// nesting: the mapping counts, so the 32nd '[' is the 33rd level
		{"flow 31 deep under a key", deep("[", 31), Limits{}, ""},
		{"flow 33 deep", deep("[", 40), Limits{}, "f.yaml:1:35: collections nested more than 32 deep; the limit is 32"},
		{"flow mappings", deep("{", 40), Limits{}, "f.yaml:1:35: collections nested more than 32 deep; the limit is 32"},
		{"closed brackets do not add up", "a: " + strings.Repeat("[[]]", 1000) + "\n", Limits{}, ""},
		{"block mappings 32 deep", nested(32), Limits{}, ""},
		{"block mappings 33 deep", nested(33), Limits{}, "f.yaml:33:33: collections nested more than 32 deep; the limit is 32"},
		{"compact sequences", strings.Repeat("- ", 40) + "x\n", Limits{}, "f.yaml:1:65: collections nested more than 32 deep; the limit is 32"},
		{"block and flow add up", nested(30) + strings.Repeat(" ", 30) + "b: [[x]]\n", Limits{}, "f.yaml:31:35: collections nested more than 32 deep; the limit is 32"},
		{"sequence at its key's column counts", "a:\n- b:\n  - c: [x]\n", Limits{Depth: 4}, "f.yaml:3:5: collections nested more than 4 deep; the limit is 4"},
		{"a dedent closes levels", nested(30) + "b: [[[[x]]]]\n", Limits{}, ""},

		// brackets that are text
		{"in double quotes", `a: "` + strings.Repeat("[", 100) + `"` + "\n", Limits{}, ""},
		{"in single quotes, '' escaped", `a: '` + strings.Repeat("[''", 100) + `'` + "\n", Limits{}, ""},
		{"in a quoted string over lines", "a: \"x\n  " + strings.Repeat("[", 100) + "\"\nb: 1\n", Limits{}, ""},
		{"escaped quote", `a: "\"` + strings.Repeat("[", 100) + `"` + "\n", Limits{}, ""},
		{"in a comment", "a: 1 # " + strings.Repeat("[", 100) + "\n", Limits{}, ""},
		{"in a comment line", "# " + strings.Repeat("{", 100) + "\na: 1\n", Limits{}, ""},
		{"in a literal block scalar", "a: |\n  " + strings.Repeat("[", 100) + "\n  x\nb: 1\n", Limits{}, ""},
		{"in a folded block scalar with indicators", "a: >2-\n  " + strings.Repeat("[", 100) + "\nb: 1\n", Limits{}, ""},
		{"in a plain scalar", "a: b" + strings.Repeat("[", 100) + "\n", Limits{}, ""},
		{"a quote inside a plain scalar opens nothing", "a: don't\nb: " + strings.Repeat("[", 40) + "\n", Limits{}, "f.yaml:2:35: collections nested more than 32 deep; the limit is 32"},
		{"'#' without a space before is text", "a: b#" + strings.Repeat("[", 100) + "\n", Limits{}, ""},
		{"a block scalar ends at a dedent", "a: |\n  [[[\nb: " + strings.Repeat("[", 40) + "\n", Limits{}, "f.yaml:3:35: collections nested more than 32 deep; the limit is 32"},
		{"a quote ends", "a: '[[['\nb: " + strings.Repeat("[", 40) + "\n", Limits{}, "f.yaml:2:35: collections nested more than 32 deep; the limit is 32"},
		{"in flow, brackets after plain text still nest", "a: [b" + strings.Repeat("[", 40) + "\n", Limits{}, "f.yaml:1:36: collections nested more than 32 deep; the limit is 32"},
		{"a pair in a flow sequence is a mapping", "a: [b: [c]]\n", Limits{Depth: 3}, "f.yaml:1:8: collections nested more than 3 deep; the limit is 3"},
		{"go-yaml reads '-' in a flow mapping as a sequence", "a: {b: - c: [d]}\n", Limits{Depth: 4}, "f.yaml:1:13: collections nested more than 4 deep; the limit is 4"},
		{"a quoted ']' closes nothing", "a: [" + strings.Repeat(`"]", [`, 40) + "\n", Limits{}, "f.yaml:1:190: collections nested more than 32 deep; the limit is 32"},

		// counts
		{"aliases", "a: &x 1\nb: *x\nc: *x\nd: *x\n", Limits{Aliases: 2}, "f.yaml:4:4: more than 2 aliases; the limit is 2"},
		{"anchors", "a: &x 1\nb: &y 2\n", Limits{Anchors: 1}, "f.yaml:2:4: more than 1 anchors; the limit is 1"},
		{"'*' inside a plain scalar is text", "a: b*x *y\n", Limits{Aliases: 1}, ""},
		{"items", "a: [1, 2, 3]\n", Limits{Items: 3}, "f.yaml:1:9: more than 3 collection entries; the limit is 3"},
		{"items in block", "- 1\n- 2\n", Limits{Items: 1}, "f.yaml:2:1: more than 1 collection entries; the limit is 1"},
		{"keys of one block mapping", "a: 1\nb: 2\nc: 3\n", Limits{Keys: 2}, "f.yaml:3:1: a mapping of more than 2 keys; the limit is 2"},
		{"keys are counted per mapping", "a:\n  x: 1\n  y: 2\nb:\n  x: 1\n  y: 2\n", Limits{Keys: 2}, ""},
		{"keys after a sequence at the key's column", "a:\n- 1\nb:\n- 2\nc: 3\n", Limits{Keys: 2}, "f.yaml:5:1: a mapping of more than 2 keys; the limit is 2"},
		{"flow mappings cost go-yaml no more per key", "{a: 1, b: 2, c: 3}\n", Limits{Keys: 2}, ""},
		{"documents", "---\na: 1\n---\nb: 2\n", Limits{Documents: 1}, "f.yaml:3:1: more than 1 document markers (--- or ...); the limit is 1"},
		{"lines", "a: 1\nb: 2\nc: 3\n", Limits{Lines: 2}, "f.yaml:3:1: more than 2 lines; the limit is 2"},
		{"lines: a last line break is no line", "a: 1\nb: 2\n", Limits{Lines: 2}, ""},

		// lengths
		{"line", "a: 12345678901\n", Limits{Line: 10}, "f.yaml:1:11: a line longer than 10 characters; the limit is 10"},
		{"line in characters", "a: éééééééé\n", Limits{Line: 10}, "f.yaml:1:11: a line longer than 10 characters; the limit is 10"},
		{"line of exactly the limit", "a: 1234567\n", Limits{Line: 10}, ""},
		{"quoted scalar: at its start", `a: "123456"`, Limits{Scalar: 5}, "f.yaml:1:4: a string longer than 5 characters; the limit is 5"},
		{"plain scalar", "a: 123456\n", Limits{Scalar: 5}, "f.yaml:1:4: a string longer than 5 characters; the limit is 5"},
		{"plain scalar over lines", "a: 123\n  456\n", Limits{Scalar: 5}, "f.yaml:1:4: a string longer than 5 characters; the limit is 5"},
		{"block scalar", "a: |\n  123\n  456\n", Limits{Scalar: 6}, "f.yaml:1:4: a string longer than 6 characters; the limit is 6"},
		{"size", "a: 1234567890\n", Limits{Size: 10}, "f.yaml:1:11: the file is longer than 10 bytes; the limit is 10 bytes"},
		{"size exactly", "a: 123456\n", Limits{Size: 10}, ""},

		// characters
		{"invalid UTF-8", "a: \xff\n", Limits{}, "f.yaml:1:4: invalid UTF-8 (byte 0xFF); a YAML file is UTF-8"},
		{"truncated UTF-8", "a: b\xc3", Limits{}, "f.yaml:1:5: invalid UTF-8 (byte 0xC3); a YAML file is UTF-8"},
		{"NUL", "a: b\x00\n", Limits{}, "f.yaml:1:5: control character U+0000 (NUL); YAML allows only tab, line feed and carriage return"},
		{"NUL inside quotes too", "a: \"\x00\"\n", Limits{}, "f.yaml:1:5: control character U+0000 (NUL); YAML allows only tab, line feed and carriage return"},
		{"ESC", "a: \x1b[31m\n", Limits{}, "f.yaml:1:4: control character U+001B (ESC); YAML allows only tab, line feed and carriage return"},
		{"DEL", "a: \x7f\n", Limits{}, "f.yaml:1:4: control character U+007F (DEL); YAML allows only tab, line feed and carriage return"},
		{"C1", "a: \u0080\n", Limits{}, "f.yaml:1:4: control character U+0080; YAML allows only tab, line feed and carriage return"},
		{"NEL is allowed", "a: b\u0085c\n", Limits{}, ""},
		{"U+FFFE", "a: \ufffe\n", Limits{}, "f.yaml:1:4: control character U+FFFE; YAML allows only tab, line feed and carriage return"},
		{"BOM", "\ufeffa: 1\n", Limits{}, ""},
		{"column in characters", "é: \x00\n", Limits{}, "f.yaml:1:4: control character U+0000 (NUL); YAML allows only tab, line feed and carriage return"},
		{"CR LF is one line break", "a: 1\r\nb: \x00\r\n", Limits{}, "f.yaml:2:4: control character U+0000 (NUL); YAML allows only tab, line feed and carriage return"},
		{"a lone CR is a line break", "a: 1\rb: \x00", Limits{}, "f.yaml:2:4: control character U+0000 (NUL); YAML allows only tab, line feed and carriage return"},

		// tabs
		{"tab as indentation", "a:\n\tb: 1\n", Limits{}, "f.yaml:2:1: a tab in the indentation; YAML indents with spaces only"},
		{"tab after spaces in the indentation", "a:\n  \tb: 1\n", Limits{}, "f.yaml:2:3: a tab in the indentation; YAML indents with spaces only"},
		{"tab before a sequence entry", "a:\n\t- 1\n", Limits{}, "f.yaml:2:1: a tab in the indentation; YAML indents with spaces only"},
		{"tab in quotes", "a: \"x\ty\"\nb: 'x\ty'\n", Limits{}, ""},
		{"tab between tokens", "a:\tb\n", Limits{}, "f.yaml:1:3: a tab outside a quoted string, block scalar or comment; use spaces"},
		{"tab inside a plain scalar", "a: b\tc\n", Limits{}, "f.yaml:1:5: a tab outside a quoted string, block scalar or comment; use spaces"},
		{"tab in a flow collection", "a: [1,\t2]\n", Limits{}, "f.yaml:1:7: a tab outside a quoted string, block scalar or comment; use spaces"},
		{"tab before a comment and at the end of a line", "c: d\t# e\nf: g \t\n", Limits{}, ""},
		{"tab in a comment and before one", "# a\tb\n\t# c\na: 1\n", Limits{}, ""},
		{"tab indenting a flow collection's line", "a: [1,\n\t2]\n", Limits{}, "f.yaml:2:1: a tab in the indentation; YAML indents with spaces only"},
		{"tab indenting a plain scalar's next line", "a: b\n \tc\n", Limits{}, "f.yaml:2:2: a tab in the indentation; YAML indents with spaces only"},
		{"tab in a block scalar after the indentation", "a: |\n  x\n  \ty\n", Limits{}, ""},
		{"tab on a blank line", "a: 1\n\t\nb: 2\n", Limits{}, ""},

		// odd corners of the syntax
		{"empty", "", Limits{}, ""},
		{"documents", "---\na: [[x]]\n---\nb: 1\n...\n", Limits{}, ""},
		{"tags and anchors before collections", "a: !!seq &s [x]\nb: *s\n", Limits{}, ""},
		{"explicit keys", "? a\n: [x]\n", Limits{}, ""},
		{"go-yaml nests a mapping under a tag that ends a line", strings.Repeat("a: !t\n", 40), Limits{}, "f.yaml:33:1: collections nested more than 32 deep; the limit is 32"},
		{"go-yaml nests a key under a '-' that ends a line", strings.Repeat("a:\n-\n", 40), Limits{}, "f.yaml:33:1: collections nested more than 32 deep; the limit is 32"},
		{"but not a '-' under a '-'", strings.Repeat("-\n", 100), Limits{}, ""},
		{"keys go on counting in a mapping Scan nests after an anchor", "a: &x\nb: 1\nc: &x\nd: 1\n", Limits{Keys: 3}, "f.yaml:4:1: a mapping of more than 3 keys; the limit is 3"},
		{"or an anchor alone on its line", "a:\n  &x\nb:\n  &x\nc: [[x]]\n", Limits{Depth: 4}, "f.yaml:5:5: collections nested more than 4 deep; the limit is 4"},
		{"JSON style", `{"a":[1,{"b":"]]]"}]}`, Limits{}, ""},
		{"merge key", "a: &m {x: 1}\nb:\n  <<: *m\n", Limits{}, ""},
		{"unclosed quote runs to the end", "a: 'x\n", Limits{}, ""},
		{"a key over two lines", "a\n  b: c\n", Limits{}, "f.yaml:1:1: a key over more than one line; YAML keys are on one line"},
		{"a plain value over two lines", "a: b\n  c\nd: e\n", Limits{}, ""},
		{"a flow key over two lines", "{a\n b: c}\n", Limits{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Scan("f.yaml", []byte(tt.in), tt.lim)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.err)
			var e *Error
			require.ErrorAs(t, err, &e)
		})
	}
}

// refuseCheaply checks that Scan refuses data with want, allocating almost nothing:
// the cost is in the input's prefix, not its size.
func refuseCheaply(t *testing.T, data []byte, want string) {
	t.Helper()
	require.EqualError(t, Scan("f.yaml", data, Limits{}), want)
	allocs := testing.AllocsPerRun(5, func() { _ = Scan("f.yaml", data, Limits{}) })
	require.LessOrEqual(t, allocs, 8.0, "allocations to refuse %d bytes", len(data))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_ = Scan("f.yaml", data, Limits{})
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated to refuse %d bytes", len(data))
}

// Finding: "a: [[[[...]]]] 40,000 deep (an 80 KB file) takes 2.5 GB and 6.5 s
// before its error".
func TestFindingFlowNesting40000DeepIsRefusedCheaply(t *testing.T) {
	data := []byte("a: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000))
	refuseCheaply(t, data, "f.yaml:1:35: collections nested more than 32 deep; the limit is 32")
}

// Finding: "520,000 deep (1 MB) takes over 18 GB and does not finish in 60 s".
func TestFindingFlowNesting520000DeepIsRefusedCheaply(t *testing.T) {
	data := []byte("a: " + strings.Repeat("[", 520000) + strings.Repeat("]", 520000))
	require.Less(t, len(data), 1<<20+100)
	refuseCheaply(t, data, "f.yaml:1:35: collections nested more than 32 deep; the limit is 32")
	refuseCheaply(t, []byte(strings.Repeat("[", 1<<20)), "f.yaml:1:33: collections nested more than 32 deep; the limit is 32")
	refuseCheaply(t, []byte(strings.Repeat("- ", 1<<19)), "f.yaml:1:65: collections nested more than 32 deep; the limit is 32")
}

// Finding: "the whole file is read before the size check" (and "the size error has
// no position"): data Scan is given is checked against the size limit first thing
// per byte, with a position, whatever its length.
func TestFindingSizeErrorHasAPosition(t *testing.T) {
	data := []byte(strings.Repeat("a: b\n", 50<<20/5)) // 50 MB
	err := Scan("f.yaml", data, Limits{Lines: 1 << 30, Items: 1 << 30, Keys: 1 << 30})
	require.EqualError(t, err, "f.yaml:209716:2: the file is longer than 1048576 bytes; the limit is 1048576 bytes")
}

// Finding: "Invalid UTF-8 and a NUL byte in a string are accepted; YAML forbids
// both". Scan refuses them in the file's bytes; ValidString in decoded values.
func TestFindingNULAndInvalidUTF8InTheFileAreRefused(t *testing.T) {
	require.EqualError(t, Scan("f.yaml", []byte("name: \"EX\x001\"\n"), Limits{}),
		"f.yaml:1:10: control character U+0000 (NUL); YAML allows only tab, line feed and carriage return")
	require.EqualError(t, Scan("f.yaml", []byte("name: EX\xc31\n"), Limits{}),
		"f.yaml:1:9: invalid UTF-8 (byte 0xC3); a YAML file is UTF-8")
}

// Scan is linear and allocates nothing per byte: a large file it accepts costs it
// the same few allocations as a small one.
func TestScanAllocatesNothingPerByte(t *testing.T) {
	var b strings.Builder
	b.WriteString("traffic:\n")
	for b.Len() < 1<<20-200 {
		b.WriteString("  - {at: 10m, from: \"a@b.net\", to: [x@y.net], subject: 'it''s [1]'} # [[\n")
	}
	data := []byte(b.String())
	lim := Limits{Items: 1 << 30}
	require.NoError(t, Scan("f.yaml", data, lim))
	small := testing.AllocsPerRun(3, func() { _ = Scan("f.yaml", data[:200], lim) })
	large := testing.AllocsPerRun(3, func() { _ = Scan("f.yaml", data, lim) })
	require.Equal(t, small, large)
	require.LessOrEqual(t, large, 3.0, "the scanner and its two stacks")
}

// go-yaml places a flow key over more than one line at its first line's break less
// the length of that line's text without the blanks ending it (scanNewLine's
// savedPos), so "{k \n" puts the key k at column 3, right of its 'k': a '-' at column
// 3 on a later line is then at or left of the key and ends the scalar there, as a
// sequence entry, where without the blank it goes on as folded text. The sixth
// finding of the soak (FuzzScanTokens): 8 flow levels, Scan counted 2.
func TestFlowKeyOverTwoLinesIsPlacedRightOfItsTrailingBlanks(t *testing.T) {
	for _, tt := range []struct {
		in   string
		flow int
	}{
		{strings.Repeat("{k \n  - a: ", 4), 4},
		{strings.Repeat("{k \r\n  - a: ", 4), 4},
		{strings.Repeat("{k  \n   - a: ", 4), 4},
		{strings.Repeat("{k\n  - a: ", 4), 2}, // the rest is folded text
		{strings.Repeat("{k \t\n  - a: ", 4), 4},
		{strings.Repeat("{k \t\n   - a: ", 4), 2}, // go-yaml counts no column for that tab: the key is at 3
	} {
		requireFlowDepth(t, tt.in, tt.flow)
	}
}

// go-yaml places a key at its anchor when it is on the key's line, also
// when the ':' is on the next line: "-\n&a x\n: " is a mapping at column 1, so a '-'
// at column 1 after it is the empty key's value, one level deeper, not the next
// entry of the outer sequence. The seventh finding of the soak (FuzzScanTokens):
// a '-' line, an anchor named by an empty single-quoted string with "---" after it,
// then ": ", eight times over, is 16 deep; Scan counted 2.
func TestKeyWithItsColonOnTheNextLineIsAtItsAnchor(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("-\r\n&''---\n: \n", 4),
		strings.Repeat("-\n&a x\n: \n", 4),
		strings.Repeat("-\n&'' x\n: \n", 4),
	} {
		s := newScanner("f.yaml", []byte(in), Limits{}.withDefaults())
		require.NoError(t, s.run(), "%q", in)
		require.Equal(t, yamlDepth([]byte(in)), s.maxDepth, "Scan's depth of %q is not go-yaml's", in)
	}
}

// A block scalar of line breaks only that ends at a line left of its indentation
// leaves them buffered, so go-yaml reads what follows as plain text ("|\n\n  ["
// is the string "["); with the keep indicator '+' they are the scalar's own text
// and a token, and what follows is read afresh: "|+\r\r\n  [" opens a flow sequence.
// The eighth finding of the soak (FuzzScan), behind a double-quoted key over three
// lines: 8 flow levels, Scan counted none.
func TestBlockScalarKeepingItsLineBreaksEndsAsAToken(t *testing.T) {
	for _, tt := range []struct {
		in   string
		flow int
	}{
		{"  a: |+\r\r\n  [", 1},
		{"  a: |2+\r\r\n  [", 1},
		{"  a: >+\r\r\n  [", 1},
		{"  a: |\r\r\n  [", 0},
		{"  a: |-\n\n  [", 0},
		{strings.Repeat("\"'': |+\r\r\n  [", 4), 2},
	} {
		requireFlowDepth(t, tt.in, tt.flow)
	}
}

// requireFlowDepth checks that go-yaml finds flow depth flow in the document in and
// that Scan, which accepts it, finds the same.
func requireFlowDepth(t *testing.T, in string, flow int) {
	t.Helper()
	s := newScanner("f.yaml", []byte(in), Limits{}.withDefaults())
	require.NoError(t, s.run(), "%q", in)
	fd, ok := yamlFlowDepth([]byte(in))
	require.True(t, ok, "%q", in)
	require.Equal(t, flow, fd, "go-yaml's flow depth of %q", in)
	require.Equal(t, fd, s.maxFlow, "Scan's flow depth of %q", in)
}
