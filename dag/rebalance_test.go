package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// three2016 is three() with a 2016 CU2+ DAG (PreferenceMoveFrequency 1 h).
func three2016(t *testing.T) *world {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Red"))
	require.NoError(t, w.o.AddServer("EX3", "Blue"))
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2", "EX3"}, "", DAGOptions{Exchange2016: true}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3"}))
	require.NoError(t, w.o.AddDatabase("DB2", []string{"EX2", "EX1", "EX3"}))
	return w
}

// rebalances returns the activations PreferenceMoveFrequency made.
func (w *world) rebalances() []Activation {
	var out []Activation
	for _, r := range w.s.Journal().Records() {
		if a, ok := r.Data.(Activation); ok && a.Rebalance {
			out = append(out, a)
		}
	}
	return out
}

func TestPreferenceMoveFrequencyDefaultsToOneHourOn2016AndNoneBefore(t *testing.T) {
	w := three2016(t)
	require.Equal(t, time.Hour, w.o.PreferenceMoveFrequency("DAG1"))
	old := three(t)
	require.Zero(t, old.o.PreferenceMoveFrequency("DAG1"))
	require.ErrorContains(t, old.o.SetPreferenceMoveFrequency("DAG1", time.Hour), "PreferenceMoveFrequency")
	require.Error(t, w.o.SetPreferenceMoveFrequency("DAG9", time.Hour))
	require.Error(t, w.o.SetPreferenceMoveFrequency("DAG1", -time.Hour))
}

func TestAfterMaintenanceEndsDatabaseDriftsBackToPreferenceOneWithinAnHour(t *testing.T) {
	w := three2016(t)
	w.run(10 * time.Minute)
	require.NoError(t, w.o.StartDagServerMaintenance("EX1"))
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)
	w.run(20 * time.Minute)
	require.NoError(t, w.o.StopDagServerMaintenance("EX1"))
	stopped := w.s.Now()
	w.run(59*time.Minute - stopped) // just before the first check (1 h after creation)
	srv, _ = w.active("DB1")
	require.Equal(t, "EX2", srv, "rebalancing waits for the next PreferenceMoveFrequency check")
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
	require.LessOrEqual(t, w.s.Now()-stopped, time.Hour)
	got := w.rebalances()
	require.Len(t, got, 1)
	require.Equal(t, Activation{Database: "DB1", From: "EX2", To: "EX1", Action: ActionSwitchover, Automatic: true, By: "Active Manager", Rebalance: true, Every: time.Hour, Mounted: true}, got[0])
	srv, _ = w.active("DB2")
	require.Equal(t, "EX2", srv, "DB2 already sits on its preference-1 copy")
	// Nothing more to do: the DAG leaves the agenda.
	w.run(5 * time.Hour)
	require.Len(t, w.rebalances(), 1)
	require.Zero(t, w.s.Pending())
}

func TestPreferredCopyThatMayNotBeActivatedAutomaticallyIsNotMovedTo(t *testing.T) {
	cases := []struct {
		name         string
		block, clear func(w *world)
		reason       string
	}{
		{"Blocked", func(w *world) { require.NoError(t, w.o.SetAutoActivationPolicy("EX1", "Blocked")) },
			func(w *world) { require.NoError(t, w.o.SetAutoActivationPolicy("EX1", "Unrestricted")) }, "Blocked"},
		{"paused", func(w *world) { require.NoError(t, w.o.SuspendClusterNode("EX1")) },
			func(w *world) { require.NoError(t, w.o.ResumeClusterNode("EX1")) }, "paused"},
		{"HighAvailability Inactive", func(w *world) { w.ha["EX1"] = true; w.o.Refresh("HA") },
			func(w *world) { w.ha["EX1"] = false; w.o.Refresh("HA") }, "HighAvailability"},
		{"activation suspended", func(w *world) { require.NoError(t, w.o.SuspendCopy("DB1", "EX1", true)) },
			func(w *world) { require.NoError(t, w.o.ResumeCopy("DB1", "EX1")) }, "activation is suspended"},
		{"suspended", func(w *world) { require.NoError(t, w.o.SuspendCopy("DB1", "EX1", false)) },
			func(w *world) { require.NoError(t, w.o.ResumeCopy("DB1", "EX1")) }, "activation is suspended"},
		{"ActivationDisabledAndMoveNow", func(w *world) { require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX1", true)) },
			func(w *world) { require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX1", false)) }, "MoveNow"},
		{"server down", func(w *world) { w.o.ServerDown("EX1") }, func(w *world) { w.o.ServerUp("EX1") }, "down"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := three2016(t)
			require.NoError(t, w.o.Move("DB1", "EX2"))
			tc.block(w)
			w.run(3*time.Hour + time.Minute)
			srv, _ := w.active("DB1")
			require.Equal(t, "EX2", srv)
			require.Empty(t, w.rebalances())
			var said []string
			for _, r := range w.s.Journal().Records() {
				if r.Kind == "dag.rebalance" {
					said = append(said, r.Text())
				}
			}
			require.Len(t, said, 1, "the reason is said once, not every hour")
			require.Contains(t, said[0], tc.reason)
			tc.clear(w)
			w.run(time.Hour)
			srv, _ = w.active("DB1")
			require.Equal(t, "EX1", srv, "once the block is gone the next check moves it")
		})
	}
}

func TestDAGBefore2016NeverRebalances(t *testing.T) {
	w := three(t) // AddDAG: a 2013 DAG
	require.NoError(t, w.o.Move("DB1", "EX2"))
	w.run(24 * time.Hour)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.Empty(t, w.rebalances())
	require.Zero(t, w.s.Pending())
}

func TestInfiniteTimeSpanDisablesRebalancing(t *testing.T) {
	for _, off := range []time.Duration{InfiniteTimeSpan, 0} {
		w := three2016(t)
		require.NoError(t, w.o.SetPreferenceMoveFrequency("DAG1", off))
		require.NoError(t, w.o.Move("DB1", "EX2"))
		w.run(24 * time.Hour)
		srv, _ := w.active("DB1")
		require.Equal(t, "EX2", srv)
		require.Empty(t, w.rebalances())
		require.Zero(t, w.s.Pending())
		// Turned back on, the DAG's schedule (multiples of the interval since its
		// creation) resumes.
		require.NoError(t, w.o.SetPreferenceMoveFrequency("DAG1", 30*time.Minute))
		w.run(29 * time.Minute)
		srv, _ = w.active("DB1")
		require.Equal(t, "EX2", srv)
		w.run(time.Minute)
		srv, _ = w.active("DB1")
		require.Equal(t, "EX1", srv)
	}
}

func TestRebalancingSwitchoverIsLossless(t *testing.T) {
	w := three2016(t)
	var lossy int
	w.o.env.LossyFailover = func(string, time.Duration, time.Duration) { lossy++ }
	require.NoError(t, w.o.Move("DB1", "EX2"))
	w.run(time.Hour - time.Second)
	w.commit("DB1", 5) // still being shipped when the check runs
	require.Positive(t, w.status(`DB1\EX1`).CopyQueueLength)
	w.run(time.Second)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX1", srv)
	got := w.rebalances()
	require.Len(t, got, 1)
	require.Zero(t, got[0].LostLogs)
	require.Zero(t, lossy)
	require.Equal(t, int64(5), w.o.Generation("DB1"))
}

func TestRebalancingSkipsAMoveThatCannotBeLossless(t *testing.T) {
	w := three2016(t)
	require.NoError(t, w.o.Move("DB1", "EX2"))
	w.run(30 * time.Minute)
	// EX1 cannot reach EX2 (the active copy) but both still reach EX3, so the DAG keeps
	// quorum; EX1's copy falls behind and could not get the last logs.
	w.partition([]string{"EX1"}, []string{"EX2"})
	w.commit("DB1", 3)
	w.run(31 * time.Minute)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.Empty(t, w.rebalances())
	w.heal()
	w.run(time.Hour)
	srv, _ = w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.Zero(t, w.rebalances()[0].LostLogs)
	require.Empty(t, w.losses)
}
