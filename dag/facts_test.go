package dag

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// activations are the Activation payloads journalled so far.
func (w *world) activations() []Activation {
	var out []Activation
	for _, r := range w.s.Journal().Records() {
		if a, ok := r.Data.(Activation); ok {
			out = append(out, a)
		}
	}
	return out
}

// noTargets are the NoFailoverTarget payloads journalled so far.
func (w *world) noTargets() []NoFailoverTarget {
	var out []NoFailoverTarget
	for _, r := range w.s.Journal().Records() {
		if a, ok := r.Data.(NoFailoverTarget); ok {
			out = append(out, a)
		}
	}
	return out
}

// fact: exchange-dag-components.md §3.4 (ten ordered criteria): "CQL < 10" and
// "RQL < 50" are strict. A targetless switchover runs best copy selection at once:
// with 9 logs not yet shipped the copies meet criterion 1; with 10 they miss the CQL
// bound and criterion 3 (CI Healthy & RQL < 50) picks; with 49 logs shipped and not
// replayed criterion 1 still holds; with 50 criterion 6 (CI Healthy & CQL < 10) picks.
func TestBestCopySelectionCriteriaBoundsAreStrict(t *testing.T) {
	cases := []struct {
		logs      int64
		shipped   bool // let log shipping run (the logs wait in the replay queue)
		criterion int
	}{
		{9, false, 1},
		{10, false, 3},
		{49, true, 1},
		{50, true, 6},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d shipped=%v", c.logs, c.shipped), func(t *testing.T) {
			w := three(t)
			w.commit("DB1", int(c.logs))
			if c.shipped {
				w.run(2 * time.Second) // shipped, not replayed
				require.EqualValues(t, c.logs, w.status(`DB1\EX2`).ReplayQueueLength)
			} else {
				require.EqualValues(t, c.logs, w.status(`DB1\EX2`).CopyQueueLength)
			}
			require.NoError(t, w.o.Move("DB1", ""))
			as := w.activations()
			require.NotEmpty(t, as)
			require.Equal(t, c.criterion, as[len(as)-1].Criterion)
		})
	}
}

// fact: exchange-dag-components.md §3.4 (candidate list) with SET-MBXSRV:
// DatabaseCopyActivationDisabledAndMoveNow keeps databases off a server only while
// another healthy copy exists. When every other copy's server has it set, a failover
// still activates one of them.
func TestMoveNowServersStillTakeAFailoverWhenNoOtherCopyExists(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX2", true))
	require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX3", true))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.NotEqual(t, "EX1", srv)
	require.True(t, mounted)
}

// fact: exchange-dag-components.md §3.4: if no copy matches there is no automatic
// activation; the journal says why each candidate was skipped, and "no other copy"
// only when there was none.
func TestNoFailoverTargetNamesWhyEachCopyWasSkipped(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	nt := w.noTargets()
	require.NotEmpty(t, nt)
	require.Len(t, nt[0].Skipped, 2)
	for _, s := range nt[0].Skipped {
		require.NotEqual(t, "no other copy", s)
	}
}
