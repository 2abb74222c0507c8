package transport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// lastAt is strings.LastIndexByte(s, '@') for any string: none, one or many '@',
// at either end, and bytes that are not UTF-8.
func TestPropertyLastAtIsLastIndexByte(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringOfN(rapid.SampledFrom([]rune{'@', 'a', '.', 'K', '\u212a', 0xfffd}), 0, 40, -1).Draw(t, "s")
		require.Equal(t, strings.LastIndexByte(s, '@'), lastAt(s), "%q", s)
	})
	for _, s := range []string{"", "@", "@@", "a@", "@a", "user1@contoso.com", "a@b@c", "\xff@\xfe"} {
		require.Equal(t, strings.LastIndexByte(s, '@'), lastAt(s), "%q", s)
	}
}

// hexTo writes v's low len(dst) hex digits as fmt's %0*x does, at odd and even
// widths.
func TestPropertyHexToIsZeroPaddedHex(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.Uint64().Draw(t, "v")
		n := rapid.IntRange(1, 16).Draw(t, "n")
		dst := make([]byte, n)
		hexTo(dst, v)
		want := fmt.Sprintf("%016x", v)[16-n:]
		require.Equal(t, want, string(dst))
	})
}
