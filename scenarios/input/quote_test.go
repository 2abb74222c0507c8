package input

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestQuote(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "DB1", 40, `"DB1"`},
		{"exactly max", "abcde", 5, `"abcde"`},
		{"no limit", strings.Repeat("a", 100), 0, `"` + strings.Repeat("a", 100) + `"`},
		{"tab and NUL escaped", "a\tb\x00c", 0, `"a\tb\x00c"`},
		{"quote and backslash", `a"b\c`, 0, `"a\"b\\c"`},
		{"invalid UTF-8", "a\xffb", 0, `"a\xffb"`},
		{"non-ASCII kept", "Zürich", 0, `"Zürich"`},
		{"bidi override escaped", "a\u202eb", 0, `"a\u202eb"`},
		{"shortened by characters, not bytes", "ééééé", 2, `"éé…" (5 characters)`},
		{"shortened before an escape", "ab\x00cd", 2, `"ab…" (5 characters)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Quote(tt.in, tt.max))
		})
	}
}

// Finding: "a 5,000-character bad name is echoed in full in the error".
func TestFindingLongNameIsShortenedInErrors(t *testing.T) {
	require.Equal(t, `"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (5000 characters)`, Quote(strings.Repeat("x", 5000), 40))
}

// Finding: "the tab error prints a raw tab".
func TestFindingTabIsEscapedInErrors(t *testing.T) {
	require.Equal(t, `"\tname"`, Quote("\tname", 40))
}

func TestValidString(t *testing.T) {
	tests := []struct{ name, in, err string }{
		{"plain", "EX1", ""},
		{"tab and newline allowed", "a\tb\nc", ""},
		{"non-ASCII", "Zürich 東京", ""},
		{"empty", "", ""},
		{"NUL", "ab\x00", "control character U+0000 (NUL) at character 3; a string may hold tab and newline but no other control character"},
		{"carriage return", "a\rb", "control character U+000D (CR) at character 2; a string may hold tab and newline but no other control character"},
		{"DEL", "\x7f", "control character U+007F (DEL) at character 1; a string may hold tab and newline but no other control character"},
		{"C1 (NEL)", "a\u0085", "control character U+0085 at character 2; a string may hold tab and newline but no other control character"},
		{"invalid UTF-8", "é\xff", "invalid UTF-8 (byte 0xFF) at character 2"},
		{"U+FFFD itself is fine", "a\uFFFDb", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidString(tt.in)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.err)
		})
	}
}

// Finding: "Invalid UTF-8 and a NUL byte in a string are accepted". ValidString is
// for decoded values (a "\0" escape makes a NUL that Scan cannot see).
func TestFindingNULAndInvalidUTF8InAStringAreRefused(t *testing.T) {
	require.Error(t, ValidString("EX\x001"))
	require.Error(t, ValidString("EX\xc3"))
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "DB1", "a\tb\x00", "\xff\xfe", "ééé", strings.Repeat("x", 100), "a\u202e\u2028"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max % 1000
		q := Quote(s, max)
		require.True(t, utf8.ValidString(q), "not UTF-8: %q", q)
		require.NoError(t, ValidString(q))
		require.NotContains(t, q, "\t")
		require.NotContains(t, q, "\n")
		n := utf8.RuneCountInString(s)
		if max < 1 || n <= max {
			u, err := strconv.Unquote(q)
			require.NoError(t, err)
			if utf8.ValidString(s) {
				require.Equal(t, s, u)
			}
			return
		}
		require.True(t, strings.HasSuffix(q, "…\" ("+strconv.Itoa(n)+" characters)"), q)
	})
}
