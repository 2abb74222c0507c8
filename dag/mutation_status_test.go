package dag

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of status.go that survived the mutation run of the code
// added since ff5252e~1 (MUTATION.md, "dag, second run (fifth session)").

// fact: exchange-site-resilience.md §5 (Get-DatabaseAvailabilityGroup shows
// ReplayLagManagerEnabled) and §3.1 (-ReplayLagManagerEnabled exists from 2013): a
// 2016 DAG lists the property with its value, a 2010 DAG does not have it.
func TestGetDatabaseAvailabilityGroupShowsReplayLagManagerEnabledFrom2013(t *testing.T) {
	field := func(w *world) (string, bool) {
		rows, err := w.o.DAGStatus("DAG1", false)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		for _, f := range rows[0].Fields() {
			if f.Name == "ReplayLagManagerEnabled" {
				return f.Value, true
			}
		}
		return "", false
	}
	w := lagWorld(t, true)
	v, ok := field(w)
	require.True(t, ok)
	require.Equal(t, "True", v)

	old := newWorld(t)
	require.NoError(t, old.o.AddServer("EX1", "Red"))
	require.NoError(t, old.o.AddDAG("DAG1", []string{"EX1"}, ""))
	_, ok = field(old)
	require.False(t, ok, "Exchange 2010 has no ReplayLagManagerEnabled")
}

// fact: exchange-site-resilience.md §5 (Get-DatabaseAvailabilityGroup [[-Identity]
// <DAG>]): without -Identity it lists every DAG, none being an empty answer; an
// -Identity that names no DAG is an error.
func TestGetDatabaseAvailabilityGroupOfAnUnknownIdentityIsAnError(t *testing.T) {
	w := newWorld(t)
	rows, err := w.o.DAGStatus("", true)
	require.NoError(t, err)
	require.Empty(t, rows)
	_, err = w.o.DAGStatus("DAG9", true)
	require.ErrorContains(t, err, "couldn't be found")
}
