package transport

import (
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
