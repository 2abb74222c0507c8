package format

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Mutation testing of duration.go (issue 24): the boundaries of the Go and TimeSpan
// forms, each accepted at its limit and refused one past it.

// TestDurationOfTwoToTheSixtyThreeNanosecondsIsTooLong: 2^63 ns is one past the
// largest time.Duration; it used to wrap to a negative duration, which a step's at:
// accepted as a time before the start.
func TestDurationOfTwoToTheSixtyThreeNanosecondsIsTooLong(t *testing.T) {
	for _, in := range []string{"9223372036854775807ns", "9223372036854775808ns", "106751d23h47m16.854775807s"} {
		_, err := ParseDuration(in)
		require.ErrorContains(t, err, "is too long", in)
	}
	d, err := ParseDuration("9223372036854774784ns") // the largest float64 below 2^63
	require.NoError(t, err)
	require.Equal(t, time.Duration(9223372036854774784), d)
	_, err = Parse("neg.yaml", []byte(minimal+"steps:\n  - {at: 9223372036854775807ns, run: Get-Queue}\n"))
	require.EqualError(t, err, `neg.yaml:8:10: at: duration "9223372036854775807ns" is too long`)
}
