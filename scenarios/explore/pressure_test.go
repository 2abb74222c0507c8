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

// The external host faults expand over every smart host and MX host, are repaired
// by up, and the liveness phase brings every host back: a smart host outage delays
// mail but loses none.
func TestSmartHostFaultsExpandAndNeverLose(t *testing.T) {
	sc := load(t, "smarthost-failover")
	got, err := Expand(sc, []string{"down any", "refuse any 451"})
	require.NoError(t, err)
	require.Equal(t, []string{"down smarthost01.contoso.net", "down smarthost02.contoso.net", "down mx1.fabrikam.net", "down mx2.fabrikam.net",
		"refuse smarthost01.contoso.net 451", "refuse smarthost02.contoso.net 451", "refuse mx1.fabrikam.net 451", "refuse mx2.fabrikam.net 451"}, got)
	_, err = Expand(sc, []string{"down mx9.fabrikam.net"})
	require.ErrorContains(t, err, "unknown smart host or MX host")
	props := []Property{NoLoss(), NoStuck()}
	v := Variant{Seed: 1, Faults: []Fault{
		{At: 5 * time.Minute, Line: "down smarthost02.contoso.net"},
		{At: 6 * time.Minute, Line: "down mx2.fabrikam.net"},
		{At: 90 * time.Minute, Line: "refuse smarthost01.contoso.net 421", For: 10 * time.Minute},
	}}
	o := RunVariant(sc, props, v, DefaultSettle)
	require.False(t, o.Failed(), "%v %v", o.Violations, o.Err)
	steps, err := Steps(sc, []Fault{{At: time.Minute, Line: "down mx1.fabrikam.net", For: 5 * time.Minute}})
	require.NoError(t, err)
	require.Equal(t, "up mx1.fabrikam.net", steps[1].Text)
}
