package logs

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// csvQuotes reports whether encoding/csv quotes f, the reference csvNeedsQuotes follows.
func csvQuotes(t *testing.T, f string) bool {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write([]string{f}))
	w.Flush()
	return len(b.String()) > 0 && b.String()[0] == '"'
}

// The tracking rows' fields are quoted exactly when encoding/csv would quote them:
// a quote, comma, CR or LF anywhere (in the eight-byte chunks and in the tail), a
// leading space or ASCII control space (tab to CR), a leading Unicode space, and the
// field \. alone.
func TestTrackingFieldsAreQuotedAsEncodingCSVQuotesThem(t *testing.T) {
	for _, f := range []string{
		"", "x", "12345678", "1234567,", "abc,defgh", "abcdefg\rhij", "abcdefgh\nij", `abcdefgh"`,
		"\tx", "\vx", "\fx", "\rx", " x", "x ", "\u00a0x", "\u2003x", "\x80x", `\.`, `\.x`,
		"0123456789abcdef", "0123456789abcde,",
	} {
		require.Equal(t, csvQuotes(t, f), csvNeedsQuotes(f), "%q", f)
		require.Equal(t, csvQuotes(t, f), csvNeedsQuotes(bytesView([]byte(f))), "%q as bytes", f)
	}
}

// A day that starts at the Unix epoch still gets its date-time written on its first
// row (the stamper's cached second starts at 0).
func TestStamperWritesTheFirstRowOfAnEpochStart(t *testing.T) {
	start := time.Unix(0, 0).UTC()
	got := string(newStamper(start).append(nil, 500*time.Millisecond))
	require.Equal(t, "1970-01-01T00:00:00.500Z", got)
}

// indexQuoteOrBreak is strings.IndexAny(f, "\"\r\n") for strings and byte slices,
// with the bytes anywhere in and after the eight-byte words it tests at once.
func TestPropertyIndexQuoteOrBreakIsIndexAny(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.StringOfN(rapid.SampledFrom([]rune{'a', '"', '\r', '\n', ',', ' ', 0x80, 0xff}), 0, 30, -1).Draw(t, "f")
		require.Equal(t, strings.IndexAny(f, "\"\r\n"), indexQuoteOrBreak(f), "%q", f)
		require.Equal(t, strings.IndexAny(f, "\"\r\n"), indexQuoteOrBreak(bytesView([]byte(f))), "%q as bytes", f)
	})
}
