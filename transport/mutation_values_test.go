package transport

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Tests of parameter values (config.go) found by mutation testing (issue 24).

// A duration in days ("2d", exsim's shorthand beside TimeSpan) may be zero, as the
// TimeSpan 00:00:00 may; only a negative one is an error.
func TestZeroDaysIsAZeroDuration(t *testing.T) {
	for _, in := range []string{"0d", "0.0d"} {
		d, err := parseDuration(in)
		require.NoError(t, err, in)
		require.Zero(t, d, in)
	}
}
