package dag

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lagWorld is a 2016 DAG of EX1-EX4 (witness FSW) with DB1 on all four; DB1\EX4 lags
// 7 days (the preferred architecture's lagged copy) and holds 5 unreplayed logs.
func lagWorld(t *testing.T, manager bool) *world {
	w := newWorld(t)
	for _, s := range []string{"EX1", "EX2", "EX3", "EX4"} {
		require.NoError(t, w.o.AddServer(s, "Red"))
	}
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2", "EX3", "EX4"}, "FSW",
		DAGOptions{Exchange2016: true, DynamicQuorum: true, ReplayLagManager: true, ReplayLagManagerEnabled: manager}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3", "EX4"}))
	lag := 7 * 24 * time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX4", &lag, nil))
	w.commit("DB1", 5)
	w.run(10 * time.Second)
	require.EqualValues(t, 5, w.status(`DB1\EX4`).ReplayQueueLength)
	return w
}

func (w *world) lagStatus() string { return w.status(`DB1\EX4`).ReplayLagStatus }

// fact: exchange-site-resilience.md §3.3 (play down when fewer than three healthy
// copies, active or passive, lagged not counted, exist for more than 24 hours;
// example: 3 HA + 1 lagged, one HA copy suspended, the lagged copy plays down after
// 24 hours; Replay Lag Manager checks every 60 seconds) and §3.5 (ReplayLagStatus
// starts "Enabled:False; Pl..." once played down).
func TestLaggedCopyPlaysDownAfterFewerThanThreeHealthyCopiesForMoreThan24Hours(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	w.run(24 * time.Hour)
	require.True(t, strings.HasPrefix(w.lagStatus(), "Enabled:True; PlayDownReason:None"), w.lagStatus())
	w.run(2 * time.Minute)
	require.True(t, strings.HasPrefix(w.lagStatus(), "Enabled:False; PlayDownReason:NotEnoughHealthyCopies"), w.lagStatus())
	w.run(2 * time.Second)
	require.EqualValues(t, 0, w.status(`DB1\EX4`).ReplayQueueLength, "a played-down copy replays everything it holds")
	w.commit("DB1", 2)
	w.run(5 * time.Second)
	require.EqualValues(t, 0, w.status(`DB1\EX4`).ReplayQueueLength, "while played down it does not lag")
	// The suspended copy returns: the copy lags again for what it copies next.
	require.NoError(t, w.o.ResumeCopy("DB1", "EX2"))
	w.run(2 * time.Minute)
	require.True(t, strings.HasPrefix(w.lagStatus(), "Enabled:True; PlayDownReason:None"), w.lagStatus())
	w.commit("DB1", 3)
	w.run(5 * time.Second)
	require.EqualValues(t, 3, w.status(`DB1\EX4`).ReplayQueueLength)
	var played []LagPlayedDown
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(LagPlayedDown); ok {
			played = append(played, e)
		}
	}
	require.Len(t, played, 1)
	require.Equal(t, 2, played[0].HealthyCopies)
	require.Contains(t, played[0].Narrate(), "fewer than 3 healthy non-lagged copies")
}

// fact: exchange-site-resilience.md §3.1 and Conflict 5 (ReplayLagManagerEnabled
// controls automatic play down; its default: off in the 2013 documentation, on from
// 2016 CU1 per the Exchange team): with the manager off the same loss never plays
// the copy down; turning it on does, and a DAG without the property (2010) refuses it.
func TestReplayLagManagerOffNeverPlaysDownAndExistsFrom2013(t *testing.T) {
	w := lagWorld(t, false)
	require.False(t, w.o.ReplayLagManagerEnabled("DAG1"))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	w.run(25 * time.Hour)
	require.True(t, strings.HasPrefix(w.lagStatus(), "Enabled:True; PlayDownReason:None"), w.lagStatus())
	require.NoError(t, w.o.SetReplayLagManager("DAG1", true))
	w.run(24*time.Hour + 2*time.Minute)
	require.Contains(t, w.lagStatus(), "PlayDownReason:NotEnoughHealthyCopies")

	old := newWorld(t)
	require.NoError(t, old.o.AddServer("EX1", "Red"))
	require.NoError(t, old.o.AddDAG("DAG1", []string{"EX1"}, ""))
	require.ErrorContains(t, old.o.SetReplayLagManager("DAG1", true), "ReplayLagManagerEnabled")
}

// fact: exchange-site-resilience.md §3.3 (low-disk-space threshold 10,000 MB;
// capacity pressure overrides the deferral): a copy whose disk falls below
// 10,000 MB free plays down at the next check even with a slow disk.
func TestLowDiskSpacePlaysDownAtOnceEvenWithHighReadLatency(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SetCopyReadLatency("DB1", "EX4", 80))
	require.NoError(t, w.o.SetCopyFreeSpace("DB1", "EX4", 10000))
	w.run(2 * time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:True", "10,000 MB is not below the threshold")
	require.NoError(t, w.o.SetCopyFreeSpace("DB1", "EX4", 9999))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:False; PlayDownReason:NotEnoughFreeSpace")
	require.NoError(t, w.o.SetCopyFreeSpace("DB1", "EX4", 50000))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:True; PlayDownReason:None")
}

// fact: exchange-site-resilience.md §3.3 (a lagged copy with physical corruption
// plays down to be page patched, 2013+): the copy plays down, patches the page once
// its replay queue is empty, and lags again.
func TestCorruptPageOnALaggedCopyPlaysItDownForPagePatching(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.CorruptCopyPage("DB1", "EX4"))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "PlayDownReason:PagePatching")
	w.run(2 * time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:True; PlayDownReason:None")
	patched := false
	for _, r := range w.s.Journal().Records() {
		if _, ok := r.Data.(PagePatched); ok {
			patched = true
		}
	}
	require.True(t, patched)
}

// fact: exchange-site-resilience.md §3.3 and Conflict 6 (2016 CU1+: play down is
// deferred while disk read latency is above 35 ms and resumes below 25 ms; §3.1:
// at most ReplayLagMaxDelay, default 1.00:00:00): 40 ms defers, 30 ms still
// defers, 20 ms lets it play down; a disk that stays slow plays down after
// ReplayLagMaxDelay.
func TestPlayDownDeferredWhileReadLatencyIsHighAtMostReplayLagMaxDelay(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SetCopyReadLatency("DB1", "EX4", 40))
	require.NoError(t, w.o.CorruptCopyPage("DB1", "EX4"))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:True")
	require.NoError(t, w.o.SetCopyReadLatency("DB1", "EX4", 30))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:True", "the deferral lasts until the latency is below 25 ms")
	require.NoError(t, w.o.SetCopyReadLatency("DB1", "EX4", 20))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "PlayDownReason:PagePatching")

	s := lagWorld(t, true)
	require.NoError(t, s.o.SetReplayLagMaxDelay("DB1", "EX4", time.Hour))
	require.Contains(t, s.lagStatus(), "MaxDelay:01:00:00")
	require.NoError(t, s.o.SetCopyReadLatency("DB1", "EX4", 90))
	require.NoError(t, s.o.CorruptCopyPage("DB1", "EX4"))
	s.run(59 * time.Minute)
	require.Contains(t, s.lagStatus(), "Enabled:True")
	s.run(2 * time.Minute)
	require.Contains(t, s.lagStatus(), "PlayDownReason:PagePatching")
	require.Error(t, s.o.SetReplayLagMaxDelay("DB1", "EX4", 15*24*time.Hour))
	var deferred []PlayDownDeferred
	for _, r := range s.s.Journal().Records() {
		if e, ok := r.Data.(PlayDownDeferred); ok {
			deferred = append(deferred, e)
		}
	}
	require.Len(t, deferred, 1)
	require.Contains(t, deferred[0].Narrate(), "90 ms")
}
