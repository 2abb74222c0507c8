package logs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// AppendTime and FormatTime write what time's AppendFormat writes for TimeLayout in
// UTC, for any instant in any zone (years outside 0-9999 included).
func TestAppendTimeIsTheLayoutsFormat(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sec := rapid.OneOf(rapid.Int64Range(-62135596800-86400*400, 253402300799+86400*400), rapid.Int64Range(1e9, 2e9)).Draw(t, "unix")
		nsec := rapid.Int64Range(0, 999999999).Draw(t, "nsec")
		zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
		at := time.Unix(sec, nsec).In(zone)
		want := at.UTC().Format(TimeLayout)
		require.Equal(t, want, FormatTime(at))
		require.Equal(t, "x"+want, string(AppendTime([]byte("x"), at)))
	})
	for _, at := range []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		require.Equal(t, at.UTC().Format(TimeLayout), FormatTime(at))
	}
}
