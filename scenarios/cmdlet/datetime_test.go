package cmdlet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The en-US shell takes month-first dates with a 12- or 24-hour clock, and ISO 8601;
// seed 003's author wrote -Start "8/27/2016 10:45:00 PM".
func TestDateTimeTakesTheEnUSShellForms(t *testing.T) {
	want := time.Date(2016, 8, 27, 22, 45, 0, 0, time.UTC)
	for _, s := range []string{
		"8/27/2016 10:45:00 PM", "08/27/2016 10:45:00 PM", "8/27/2016 10:45 PM", "8/27/2016 10:45:00 pm",
		"8/27/2016 22:45:00", "08/27/2016 22:45", "2016-08-27 22:45:00", "2016-08-27T22:45:00Z", "2016-08-27T22:45",
	} {
		got, ok := ParseDateTime(s)
		require.True(t, ok, s)
		require.Equal(t, want, got, s)
	}
	d, ok := ParseDateTime("8/27/2016")
	require.True(t, ok)
	require.Equal(t, time.Date(2016, 8, 27, 0, 0, 0, 0, time.UTC), d)
	for _, s := range []string{"9999-99-99", "27/8/2016", "13/1/2016", "8/27/2016 25:00", "yesterday", ""} {
		_, ok := ParseDateTime(s)
		require.False(t, ok, s)
	}
}

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"8/27/2016 10:45:00 PM", "2016-08-27", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := ParseDateTime(s); ok {
			require.False(t, d.IsZero() && s == "", s)
		}
	})
}
