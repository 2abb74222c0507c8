package suggest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An exact match (distance 0) stays the suggestion whatever candidates follow it
// (kills the bestD <= 0 mutant of Closest; MUTATION.md).
func TestClosestKeepsAnExactMatchAgainstLaterCandidates(t *testing.T) {
	got, ok := Closest("hub1", []string{"HUB1", "HUB2", "HUB12"})
	require.True(t, ok)
	require.Equal(t, "HUB1", got)
}
