package suggest

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestClosest(t *testing.T) {
	servers := []string{"FAB-RED-HUB1", "FAB-RED-HUB2", "FAB-RED-MBX1"}
	for _, c := range []struct {
		word, want string
		ok         bool
	}{
		{"FAB-RED-HUB3", "FAB-RED-HUB1", true}, // one typo; the earliest of equals wins
		{"fab-red-mbx1", "FAB-RED-MBX1", true}, // case does not count
		{"xyz", "", false},                     // nonsense gets no suggestion
		{"", "", false},
	} {
		got, ok := Closest(c.word, servers)
		require.Equal(t, c.want, got, c.word)
		require.Equal(t, c.ok, ok, c.word)
	}
	require.Equal(t, 3, Distance("kitten", "sitting"))
	require.Equal(t, 0, Distance("", ""))
	require.Equal(t, 4, Distance("", "abcd"))
	got, ok := Closest("rolse", []string{"roles", "sites"})
	require.True(t, ok)
	require.Equal(t, "roles", got, "a swap of neighbours is one typo")
	got, _ = Closest("Hub", []string{"FrontendTransport", "HubTransport"})
	require.Equal(t, "HubTransport", got, "an abbreviation suggests the full name")
	require.Equal(t, ` (did you mean "crash"?)`, DidYouMean("crsh", []string{"crash", "start"}))
	require.Equal(t, "", DidYouMean("zzzzzz", []string{"crash", "start"}))
}

// Distance is a metric: zero only for equal strings, symmetric, bounded by the longer
// length, and a candidate equal to the word is always the one suggested.
func TestDistanceProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.StringMatching(`[a-c]{0,6}`).Draw(t, "a")
		b := rapid.StringMatching(`[a-c]{0,6}`).Draw(t, "b")
		d := Distance(a, b)
		if (d == 0) != (a == b) {
			t.Fatalf("Distance(%q,%q)=%d", a, b, d)
		}
		if d != Distance(b, a) {
			t.Fatalf("not symmetric: %q %q", a, b)
		}
		if d > max(len(a), len(b)) {
			t.Fatalf("Distance(%q,%q)=%d exceeds the longer length", a, b, d)
		}
		if a != "" {
			if got, ok := Closest(a, []string{b + "zzzzzzzz", a}); !ok || got != a {
				t.Fatalf("Closest(%q) = %q, want itself", a, got)
			}
		}
	})
}
