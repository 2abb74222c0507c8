package input

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzScan checks that Scan never panics, and compares it with go-yaml on what
// Scan lets through: Scan's depth is never below the nesting go-yaml builds (of
// its flow tokens, and of its tree), and whatever go-yaml parses Scan accepts
// unless YAML forbids it (a tab as indentation, a control character).
func FuzzScan(f *testing.F) {
	for _, g := range []string{"../*.yaml", "../testdata/good/*.yaml", "../explore/testdata/*.yaml"} {
		files, _ := filepath.Glob(g)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Scan("f.yaml", data, Limits{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		compareWithYAML(t, data)
		// A shape that nests one level more each time it is repeated is the
		// hostile kind: repeat the input to find those.
		if rep := bytes.Repeat(data, 8); len(rep) <= 8192 && Scan("f.yaml", rep, Limits{}) == nil {
			compareWithYAML(t, rep)
		}
	})
}

// slack is how many levels Scan's count may fall short of go-yaml's nesting. A
// shortfall that stays constant cannot be used to nest deep (the limit is 32 and
// go-yaml's cost at 34 levels is nothing); one that grows with the input can, and
// shows on the input repeated eight times as a shortfall of 8 or more. So the
// comparisons allow a constant shortfall of one or two levels (quirks of go-yaml
// around empty keys and aliases that Scan does not follow) and no growth.
const slack = 2

// compareWithYAML fails if go-yaml nests data deeper than Scan counts, by more
// than slack.
func compareWithYAML(t *testing.T, data []byte) {
	t.Helper()
	if len(data) > 8192 {
		return // keep go-yaml's cost per execution small
	}
	huge := Limits{Depth: 1 << 30, Items: 1 << 30, Keys: 1 << 30, Documents: 1 << 30, Anchors: 1 << 30, Aliases: 1 << 30, Lines: 1 << 30, Line: 1 << 30, Scalar: 1 << 30}
	s := newScanner("f.yaml", data, huge)
	if err := s.run(); err != nil {
		t.Fatalf("refused with larger limits only: %v", err)
	}
	if fd, ok := yamlFlowDepth(data); ok && fd > s.maxFlow+slack {
		t.Fatalf("go-yaml's flow tokens nest %d deep, Scan counted %d in %q", fd, s.maxFlow, data)
	}
	if yd := yamlDepth(data); yd > s.maxDepth+slack {
		t.Fatalf("go-yaml's tree is %d deep, Scan counted %d in %q", yd, s.maxDepth, data)
	}
}

// FuzzScanAccepts: what go-yaml parses, Scan accepts (with limits it cannot reach),
// unless YAML forbids it.
func FuzzScanAccepts(f *testing.F) {
	for _, g := range []string{"../*.yaml", "../testdata/good/*.yaml"} {
		files, _ := filepath.Glob(g)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8192 || Scan("f.yaml", data, Limits{}) != nil && !utf8.Valid(data) {
			return
		}
		if d := yamlDepth(data); d < 0 || d > 30 {
			return
		}
		huge := Limits{Depth: 1 << 30, Items: 1 << 30, Keys: 1 << 30, Documents: 1 << 30, Anchors: 1 << 30, Aliases: 1 << 30, Lines: 1 << 30, Line: 1 << 30, Scalar: 1 << 30}
		if err := Scan("f.yaml", data, huge); err != nil && !yamlForbids(err) {
			t.Fatalf("go-yaml parses it, Scan refuses: %v", err)
		}
	})
}

// yamlTokens is the vocabulary of FuzzScanTokens: the pieces whose combinations
// decide how go-yaml nests, so random inputs are mostly structure.
var yamlTokens = []string{
	"- ", "-", ": ", ":", "? ", "[", "]", "{", "}", ", ", "'", "\"", "|", ">", "|2-",
	"&a ", "&", "*a ", "!t ", "!", "#c", "\n", "\r\n", " ", "  ", "x", "k", "<<: ",
	"%", "---\n", "...\n", "\\", "''", "\t#", "a: ", "- a: ", "[a: ", "{a: ",
}

// FuzzScanTokens is FuzzScan on inputs built from yamlTokens, one per byte.
func FuzzScanTokens(f *testing.F) {
	for _, seed := range []string{"\x00\x03", "\x25\x05\x15\x13", "\x24\x15\x20\x0d", "\x22\x15\x02\x15"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var data []byte
		for _, c := range b {
			data = append(data, yamlTokens[int(c)%len(yamlTokens)]...)
		}
		if Scan("f.yaml", data, Limits{}) != nil {
			return
		}
		compareWithYAML(t, data)
		if rep := bytes.Repeat(data, 8); len(rep) <= 8192 && Scan("f.yaml", rep, Limits{}) == nil {
			compareWithYAML(t, rep)
		}
	})
}
