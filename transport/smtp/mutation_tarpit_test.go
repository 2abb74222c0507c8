package smtp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tarpit's protocol-log context gives its delay as a TimeSpan d.hh:mm:ss, with
// milliseconds only when there are some.
func TestTarpitContextWritesTheDelayAsATimeSpan(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "0.00:00:05"},
		{26*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Millisecond, "1.02:03:04.005"},
		{59*time.Minute + 59*time.Second + 999*time.Millisecond, "0.00:59:59.999"},
	} {
		require.Contains(t, TarpitContext(c.d, "r"), c.want, c.d)
		require.NotContains(t, TarpitContext(c.d, "r"), c.want+"0", c.d)
	}
}
