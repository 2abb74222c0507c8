package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of autoreseed.go that survived the second mutation run
// (MUTATION.md, "dag, second run (fifth session)").

// fact: exchange-site-resilience.md §4.4 (AutoReseed: Disk Reclaimer allocates a spare,
// then an in-place seed; without a spare present the prerequisite checks fail): a
// reseed uses up the server's one spare disk, and a DAG set back to 0 spares has no
// AutoReseed at all (its failed copy is not even suspended); a negative count is
// refused.
func TestAutoReseedUsesUpASpareAndZeroSparesTurnsItOff(t *testing.T) {
	w := four(t)
	require.NoError(t, w.o.SetAutoReseedSpares("DAG1", 1))
	require.NoError(t, w.o.FailCopy("DB1", "EX2"))
	w.run(45 * time.Minute)
	var steps []AutoReseedStep
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(AutoReseedStep); ok && e.Step == "reseed" {
			steps = append(steps, e)
		}
	}
	require.Len(t, steps, 1)
	require.Equal(t, 0, steps[0].SparesLeft)

	w = four(t)
	require.Error(t, w.o.SetAutoReseedSpares("DAG1", -1))
	require.NoError(t, w.o.SetAutoReseedSpares("DAG1", 1))
	require.NoError(t, w.o.SetAutoReseedSpares("DAG1", 0))
	require.NoError(t, w.o.FailCopy("DB1", "EX2"))
	w.run(2 * time.Hour)
	require.Equal(t, Failed, w.status(`DB1\EX2`).Status, "no AutoReseed with 0 spares")
}
