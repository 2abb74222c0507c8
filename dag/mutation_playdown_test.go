package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of playdown.go that survived the mutation run of the code
// added since ff5252e~1 (MUTATION.md, "dag, second run (fifth session)").

func lagResumes(w *world) []LagResumed {
	var out []LagResumed
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(LagResumed); ok {
			out = append(out, e)
		}
	}
	return out
}

// fact: exchange-site-resilience.md §3.1 (ReplayLagMaxDelay: the maximum deferral of
// play down when read latency is high; Conflict 7: ([TimeSpan]::Zero) or 00:00:00
// turns deferred play down off; like the lags, at most 14 days): 0 and 14.00:00:00
// are accepted, and with 0 a copy on a slow disk plays down at the next check.
func TestReplayLagMaxDelayZeroTurnsDeferredPlayDownOff(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SetReplayLagMaxDelay("DB1", "EX4", MaxLag))
	require.Contains(t, w.lagStatus(), "MaxDelay:14.00:00:00")
	require.Error(t, w.o.SetReplayLagMaxDelay("DB1", "EX4", -time.Second))
	require.NoError(t, w.o.SetReplayLagMaxDelay("DB1", "EX4", 0))
	require.Contains(t, w.lagStatus(), "MaxDelay:00:00:00")
	require.NoError(t, w.o.SetCopyReadLatency("DB1", "EX4", 90))
	require.NoError(t, w.o.CorruptCopyPage("DB1", "EX4"))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:False; PlayDownReason:PagePatching")
}

// fact: exchange-site-resilience.md §3.1 (Set-DatabaseAvailabilityGroup
// -ReplayLagManagerEnabled controls automatic play down): turning Replay Lag Manager
// off while it has a copy played down lets the copy lag again.
func TestTurningReplayLagManagerOffLetsAPlayedDownCopyLagAgain(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SetCopyFreeSpace("DB1", "EX4", 100))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:False; PlayDownReason:NotEnoughFreeSpace")
	require.NoError(t, w.o.SetReplayLagManager("DAG1", false))
	require.Contains(t, w.lagStatus(), "Enabled:True; PlayDownReason:None")
	require.Len(t, lagResumes(w), 1)
	w.commit("DB1", 2)
	w.run(time.Minute)
	require.EqualValues(t, 2, w.status(`DB1\EX4`).ReplayQueueLength, "it lags again")
}

// fact: exchange-site-resilience.md §3.1 (ReplayLagTime above 0 makes a lagged copy)
// and §3.3 (play down is of lagged copies): when the only lagged copy of the DAG
// stops lagging, Replay Lag Manager has nothing to check and ends its play down.
func TestRemovingTheOnlyLagEndsItsPlayDown(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SetCopyFreeSpace("DB1", "EX4", 100))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "PlayDownReason:NotEnoughFreeSpace")
	zero := time.Duration(0)
	require.NoError(t, w.o.SetCopyLag("DB1", "EX4", &zero, nil))
	w.run(time.Minute)
	got := lagResumes(w)
	require.Len(t, got, 1)
	require.Equal(t, "Replay Lag Manager was turned off or the copy no longer lags", got[0].Why)
}

// fact: exchange-site-resilience.md §3.3 and Conflict 6 (2016 CU1+: play down is
// deferred while disk read latency is above 35 ms and resumes below 25 ms): 35 ms is
// not above 35 and plays down at once; a deferral begun at 40 ms still holds at
// 25 ms, which is not below 25, and ends at 24 ms.
func TestPlayDownDeferralBoundsAreAbove35AndBelow25Milliseconds(t *testing.T) {
	w := lagWorld(t, true)
	require.NoError(t, w.o.SetCopyReadLatency("DB1", "EX4", PlayDownDeferAboveLatencyMs))
	require.NoError(t, w.o.CorruptCopyPage("DB1", "EX4"))
	w.run(time.Minute)
	require.Contains(t, w.lagStatus(), "PlayDownReason:PagePatching", "35 ms does not defer")

	s := lagWorld(t, true)
	require.NoError(t, s.o.SetCopyReadLatency("DB1", "EX4", 40))
	require.NoError(t, s.o.CorruptCopyPage("DB1", "EX4"))
	s.run(time.Minute)
	require.Contains(t, s.lagStatus(), "Enabled:True")
	require.NoError(t, s.o.SetCopyReadLatency("DB1", "EX4", PlayDownResumeBelowLatencyMs))
	s.run(time.Minute)
	require.Contains(t, s.lagStatus(), "Enabled:True", "25 ms is not below 25 ms")
	require.NoError(t, s.o.SetCopyReadLatency("DB1", "EX4", PlayDownResumeBelowLatencyMs-1))
	s.run(time.Minute)
	require.Contains(t, s.lagStatus(), "PlayDownReason:PagePatching")
}
