package dag

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fact: exchange-site-resilience.md §3.1: a ReplayLagTime above 0 makes a lagged
// copy; the lag timer starts when a log has been copied. The copy holds the log
// (copy queue 0) and replays it only after the lag (replay queue 1 until then).
func TestLaggedCopyReplaysAfterReplayLagTime(t *testing.T) {
	w := three(t)
	lag := 10 * time.Minute
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	w.commit("DB1", 1)
	w.run(time.Minute)
	r := w.status(`DB1\EX3`)
	require.EqualValues(t, 0, r.CopyQueueLength)
	require.EqualValues(t, 1, r.ReplayQueueLength)
	require.EqualValues(t, 0, w.status(`DB1\EX2`).ReplayQueueLength, "a copy without lag replays at once")
	w.run(10 * time.Minute)
	require.EqualValues(t, 0, w.status(`DB1\EX3`).ReplayQueueLength)
}

// fact: exchange-site-resilience.md §3.1: ReplayLagTime and TruncationLagTime are at
// most 14 days.
func TestLagAtMostFourteenDays(t *testing.T) {
	w := three(t)
	over := MaxLag + time.Second
	require.Error(t, w.o.SetCopyLag("DB1", "EX3", &over, nil))
	require.Error(t, w.o.SetCopyLag("DB1", "EX3", nil, &over))
	ok := MaxLag
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &ok, &ok))
}

// fact: exchange-site-resilience.md §3.5, the real capture's field order and forms:
// "Enabled:False; PlayDownReason:None; ReplaySuspendReason:None; Percentage:0;
// Configured:00:00:00; MaxDelay:1.00:00:00; Actual:..." and 00:00:00 on the active
// copy; a lagged copy shows Enabled:True and its Configured lag.
func TestReplayLagStatusAsTheShellPrintsIt(t *testing.T) {
	w := three(t)
	lag := 2 * time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	w.commit("DB1", 1)
	w.run(3 * time.Hour)
	require.Equal(t, "Enabled:False; PlayDownReason:None; ReplaySuspendReason:None; Percentage:0; Configured:00:00:00; MaxDelay:1.00:00:00; Actual:00:00:00", w.status(`DB1\EX1`).ReplayLagStatus)
	got := w.status(`DB1\EX3`).ReplayLagStatus
	require.True(t, strings.HasPrefix(got, "Enabled:True; PlayDownReason:None; ReplaySuspendReason:None; Percentage:"), got)
	require.Contains(t, got, "Configured:02:00:00; MaxDelay:1.00:00:00; Actual:")
	require.Equal(t, "14.00:00:00", FormatTimeSpan(MaxLag))
	require.Equal(t, "141.22:54:54", FormatTimeSpan(141*24*time.Hour+22*time.Hour+54*time.Minute+54*time.Second))
}

// fact: exchange-site-resilience.md §3.4 ("Replay everything: suspend, then
// Move-ActiveMailboxDatabase DB1 -ActivateOnServer EX3 -SkipLagChecks"): without
// -SkipLagChecks the lagged copy is refused; with it, even suspended, it activates
// and replays its whole replay queue, so nothing it had copied is lost.
func TestLaggedCopyActivatesOnlyWithSkipLagChecks(t *testing.T) {
	w := three(t)
	lag := time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX3", &lag, nil))
	w.commit("DB1", 5)
	w.run(time.Minute)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	require.ErrorContains(t, w.o.Move("DB1", "EX3"), "SkipLagChecks")
	require.NoError(t, w.o.MoveWith("DB1", "EX3", MoveOptions{SkipLagChecks: true}))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX3", srv)
	require.True(t, mounted)
	require.Zero(t, w.activations()[len(w.activations())-1].LostLogs)
}
