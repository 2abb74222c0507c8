package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of lagged.go that survived the mutation run of the code
// added since ff5252e~1 (MUTATION.md, "dag, second run (fifth session)").

// fact: exchange-site-resilience.md §3.1 (ReplayLagTime: min 0, max 14 days, default
// 00.00:00:00): a ReplayLagTime of 0 is in range and turns a lagged copy back into
// one that replays at once.
func TestReplayLagTimeZeroIsInRangeAndEndsTheLag(t *testing.T) {
	w := three(t)
	lag := time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	zero := time.Duration(0)
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &zero, &zero))
	w.commit("DB1", 1)
	w.run(time.Minute)
	require.EqualValues(t, 0, w.status(`DB1\EX3`).ReplayQueueLength)
	require.Empty(t, w.o.LaggedCopies())
	neg := -time.Second
	require.Error(t, w.o.SetCopyLag("DB1", "EX3", &neg, nil))
}

// fact: exchange-site-resilience.md §3.5 (ReplayLagStatus "Percentage:0;
// Configured:00:00:00; MaxDelay:1.00:00:00; Actual:141.22:54:54"; exsim reads Actual
// as how far in the past the copy's database is): a copy lagging 2 hours that holds
// one log committed an hour ago shows Actual:01:00:00 and Percentage:50; once it has
// replayed the log, Actual is the age of that newest replayed log.
func TestReplayLagStatusActualIsHowFarBehindTheCopysDatabaseIs(t *testing.T) {
	w := three(t)
	lag := 2 * time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	w.run(30 * time.Minute) // the log's commit time is not the simulation's start
	w.commit("DB1", 1)
	w.run(time.Hour)
	require.Equal(t, "Enabled:True; PlayDownReason:None; ReplaySuspendReason:None; Percentage:50; Configured:02:00:00; MaxDelay:1.00:00:00; Actual:01:00:00", w.status(`DB1\EX3`).ReplayLagStatus)
	w.run(2 * time.Hour)
	require.Equal(t, "Enabled:True; PlayDownReason:None; ReplaySuspendReason:None; Percentage:100; Configured:02:00:00; MaxDelay:1.00:00:00; Actual:03:00:00", w.status(`DB1\EX3`).ReplayLagStatus)
}

// fact: exchange-site-resilience.md §3.5 (the real capture of a non-lagged copy:
// "Enabled:False; PlayDownReason:None; ... Configured:00:00:00"): a played-down copy
// whose ReplayLagTime is set to 0 is a non-lagged copy and shows PlayDownReason:None,
// even while another copy of the DAG still lags (so Replay Lag Manager keeps running).
func TestACopyWhoseLagIsRemovedShowsPlayDownReasonNone(t *testing.T) {
	w := lagWorld(t, true)
	lag := 24 * time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	require.NoError(t, w.o.SetCopyFreeSpace("DB1", "EX4", 100))
	w.run(2 * time.Minute)
	require.Contains(t, w.lagStatus(), "Enabled:False; PlayDownReason:NotEnoughFreeSpace")
	zero := time.Duration(0)
	require.NoError(t, w.o.SetCopyLag("DB1", "EX4", &zero, nil))
	require.Contains(t, w.lagStatus(), "Enabled:False; PlayDownReason:None; ReplaySuspendReason:None; Percentage:0; Configured:00:00:00")
}

// fact: exchange-site-resilience.md §3.4 ("replay everything": a lagged copy activated
// with -SkipLagChecks replays its replay queue as it mounts; §3.1 the lag holds each
// copied log): the activation counts the logs the lagged copy still had to replay,
// not those it replayed before; a copy without a lag replays nothing as a lagged one.
func TestLaggedActivationReplaysOnlyItsReplayQueue(t *testing.T) {
	w := three(t)
	w.commit("DB1", 2)
	w.run(2500 * time.Millisecond) // shipped after 2 s, replayed 1 s later
	require.EqualValues(t, 2, w.status(`DB1\EX2`).ReplayQueueLength)
	require.NoError(t, w.o.Move("DB1", "EX2"))
	require.Zero(t, w.activations()[len(w.activations())-1].LaggedReplay)
	w.run(time.Minute)

	lag := time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	w.commit("DB1", 3)
	w.run(lag + time.Minute) // EX3 replays these three
	w.commit("DB1", 5)
	w.run(time.Minute)
	require.EqualValues(t, 5, w.status(`DB1\EX3`).ReplayQueueLength)
	require.NoError(t, w.o.MoveWith("DB1", "EX3", MoveOptions{SkipLagChecks: true}))
	require.EqualValues(t, 5, w.activations()[len(w.activations())-1].LaggedReplay)
}
