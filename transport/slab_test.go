package transport

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// prefault stores the zero already there: a chunk of items stays all zero values,
// pointers nil, at sizes under a page, across page boundaries and empty.
func TestPrefaultTouchesEveryPageAndChangesNothing(t *testing.T) {
	for _, n := range []int{0, 1, 33, 34, 35, 1000} {
		b := make([]item, n)
		prefault(b)
		for i := range b {
			require.Zero(t, b[i], "item %d of %d", i, n)
		}
	}
}

// appendDoubling keeps every element and doubles the capacity of a full list of 256
// or more, so a list that only grows is copied about twice, not five times.
func TestAppendDoublingDoublesFullListsAndKeepsTheirElements(t *testing.T) {
	var s []int
	for i := range 1000 {
		s = appendDoubling(s, i)
	}
	for i, v := range s {
		require.Equal(t, i, v)
	}
	s = make([]int, 256)
	s = appendDoubling(s, 7)
	require.Equal(t, 512, cap(s))
	require.Equal(t, 7, s[256])
}

// sameString is ==: the same bytes at two addresses, at one address, and strings of
// one length that differ.
func TestSameStringIsStringEquality(t *testing.T) {
	a := "Exchange2016"
	b := string([]byte(a)) // other bytes, same text
	require.True(t, sameString(a, a))
	require.True(t, sameString(a, b))
	require.False(t, sameString(a, "Exchange2019"))
	require.False(t, sameString(a, a[:len(a)-1]))
	require.True(t, sameString("", ""))
}
