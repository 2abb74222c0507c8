package explore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The back pressure faults expand over every transport server, like crashes.
func TestExpandBackPressureFaultsOverTransportServers(t *testing.T) {
	sc := dag2(t)
	got, err := Expand(sc, []string{"disk any queue 96%", "memory any 95%"})
	require.NoError(t, err)
	require.Equal(t, []string{"disk EX1 queue 96%", "disk EX2 queue 96%", "memory EX1 95%", "memory EX2 95%"}, got)
	_, err = Expand(sc, []string{"release any"})
	require.Error(t, err)
	_, err = Expand(sc, []string{"release EX1"})
	require.ErrorContains(t, err, "release is a repair")
}

// A back pressure fault is repaired by release, and the liveness phase releases
// what is still pressed: back pressure delays mail but never loses it, and a
// latency bound it breaks shrinks to the one fault that breaks it.
func TestBackPressureDelaysButNeverLoses(t *testing.T) {
	sc := dag2(t)
	props := []Property{NoLoss(), NoStuck(), LatencyUnder(40 * time.Minute)}
	v := Variant{Seed: 1, Faults: []Fault{
		{At: 5 * time.Minute, Line: "memory EX1 80%", For: 2 * time.Minute},
		{At: 6 * time.Minute, Line: "disk EX2 queue 99%"},
		{At: 7 * time.Minute, Line: "disk EX1 queue 99%"},
	}}
	o := RunVariant(sc, props, v, DefaultSettle)
	require.True(t, o.Failed())
	for _, viol := range o.Violations {
		require.Equal(t, "latency-under:40m", viol.Property, "back pressure loses nothing: %v", o.Violations)
	}
	s, err := Shrink(sc, props, v, DefaultSettle, time.Minute)
	require.NoError(t, err)
	require.LessOrEqual(t, len(s.Faults), 2)
	for _, f := range s.Faults {
		require.Contains(t, f.Line, "disk")
	}
	steps, err := Steps(sc, []Fault{{At: time.Minute, Line: "memory EX1 95%", For: 5 * time.Minute}})
	require.NoError(t, err)
	require.Equal(t, "release EX1", steps[1].Text)
}
