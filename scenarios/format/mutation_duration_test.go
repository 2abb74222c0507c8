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

// TestTimeSpanFieldsAcceptTheirLargestValue: 23 hours, 59 minutes, 59 seconds, nine
// digits of a second and 106,750 days are the largest of each TimeSpan field; one more
// is refused, with why.
func TestTimeSpanFieldsAcceptTheirLargestValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"23:59:59", 23*time.Hour + 59*time.Minute + 59*time.Second},
		{"00:00:01.123456789", time.Second + 123456789},
		{"00:00:01.5", 1500 * time.Millisecond},
		{"106750.23:59:59", 106750*24*time.Hour + 23*time.Hour + 59*time.Minute + 59*time.Second},
	} {
		got, err := ParseDuration(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
	for _, tt := range []struct{ in, why string }{
		{"24:00:00", "hours must be 0-23"},
		{"00:60:00", "minutes must be 0-59"},
		{"00:00:60", "seconds must be 0-59"},
		{"00:00:01.1234567890", "bad fraction of a second"},
		{"106751.00:00:00", "too many days"},
		{".01:00:00", "bad day count"},
		{"1:2:3:4", "too many or too few fields"},
		{"001:00", "each field is one or two digits"},
		{"ab:00", "each field is one or two digits"},
		{"+1:00", "each field is one or two digits"},
		{"+1.00:00:00", "bad day count"},
		{"00:00:01.x", "bad fraction of a second"},
	} {
		_, err := ParseDuration(tt.in)
		require.EqualError(t, err, `invalid duration "`+tt.in+`" (`+tt.why+`; want hh:mm:ss or d.hh:mm:ss)`)
	}
}

// TestGoDurationsNameTheirUnitOrItsAbsence: a number without a unit and an unknown
// unit are told apart, so the author knows which to fix.
func TestGoDurationsNameTheirUnitOrItsAbsence(t *testing.T) {
	_, err := ParseDuration("5m3")
	require.EqualError(t, err, `duration "5m3" needs a unit (ns, us, ms, s, m, h, d)`)
	_, err = ParseDuration("5w")
	require.EqualError(t, err, `unknown unit "w" in duration "5w" (want ns, us, ms, s, m, h or d)`)
	_, err = ParseDuration("5 m")
	require.EqualError(t, err, `invalid duration "5 m" (want e.g. 90s, 30m, 2h, 2d or hh:mm:ss)`)
	d, err := ParseDuration("1h0.5m9s")
	require.NoError(t, err)
	require.Equal(t, time.Hour+39*time.Second, d)
}
