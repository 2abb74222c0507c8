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

// fact: exchange-dag-components.md §2.3 (StartDagServerMaintenance.ps1 and
// GetCriticalMailboxResources): being the PAM is a critical resource, in a two-member
// DAG too. With the other member down the PAM cannot move, so maintenance fails.
func TestStartDagServerMaintenanceFailsWhileThePAMOfATwoMemberDAGCannotMove(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Red"))
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2"}, "FSW"))
	w.o.ServerDown("EX2")
	require.Equal(t, "EX1", w.o.PAM("DAG1"))
	err := w.o.StartDagServerMaintenance("EX1")
	require.ErrorContains(t, err, "EX1 is the Primary Active Manager of DAG DAG1")
}

// fact: exchange-dag-components.md §2.3: when StartDagServerMaintenance.ps1 fails it
// rolls back what it did, including the activation-only suspensions of the legacy
// (-SuspendActivationOnly) path.
func TestStartDagServerMaintenanceRollbackResumesActivationOnlySuspensions(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false)) // DB1 has EX1 (active) and EX2 healthy
	err := w.o.StartDagServerMaintenanceWith("EX2", MaintenanceOptions{SuspendActivationOnly: true})
	require.ErrorContains(t, err, "DB1: fails redundancy validation")
	require.False(t, w.status(`DB1\EX2`).ActivationSuspended, "rolled back")
}

// fact: exchange-dag-components.md §3.8 (quorum, witness): the file share witness
// votes with the side of the node that holds its lock, even when a member earlier in
// the list on the other side could reach the witness too.
func TestWitnessVotesWithTheLockHoldersSideNotTheFirstMemberThatReachesIt(t *testing.T) {
	w := newWorld(t)
	for _, s := range []string{"A", "B", "C", "D"} {
		require.NoError(t, w.o.AddServer(s, "Red"))
	}
	require.NoError(t, w.o.AddDAG("DAG1", []string{"A", "B", "C", "D"}, "FSW"))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"B", "A"}))
	// A and B lose the witness: C takes its lock.
	w.partition([]string{"A", "B"}, []string{"FSW"})
	// Then the DAG splits {A, C} | {B, D}; B reaches the witness again, A still not.
	w.cut = map[[2]string]bool{{"A", "FSW"}: true}
	w.partition([]string{"A", "C"}, []string{"B", "D"})
	require.True(t, w.o.HasQuorum("DAG1"))
	_, mounted := w.active("DB1")
	require.False(t, mounted, "B's side has 2 of 5 votes: the witness votes with C")
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "A", srv)
	require.True(t, mounted)
}

// A database about to mount again on a server with DatabaseCopyActivationDisabledAndMoveNow
// is moved away by Active Manager instead, while another healthy copy exists
// (SET-MBXSRV, dag-components 3.4 candidate list). EX1 is cut off (DB1 dismounts),
// gets the setting, and comes back before the failover.
func TestMountOnAMoveNowServerMovesTheDatabaseAway(t *testing.T) {
	w := three(t)
	w.partition([]string{"EX1"}, []string{"EX2", "EX3"})
	_, mounted := w.active("DB1")
	require.False(t, mounted)
	require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX1", true))
	w.heal()
	srv, mounted := w.active("DB1")
	require.NotEqual(t, "EX1", srv)
	require.True(t, mounted)
}

// A failover that keeps finding no target is journalled once, not at every retry.
func TestNoFailoverTargetIsJournalledOnceWhileNothingChanges(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.o.NetworkChanged()
	w.o.NetworkChanged()
	w.run(time.Minute)
	var db1 int
	for _, nt := range w.noTargets() {
		if nt.Database == "DB1" {
			db1++
		}
	}
	require.Equal(t, 1, db1)
}

// SetTimings accepts zero durations (an instant transition) and refuses any negative
// one.
func TestSetTimingsRefusesNegativeDurationsOnly(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.o.SetTimings(Timings{}))
	for name, set := range map[string]func(*Timings){
		"Initializing":     func(tm *Timings) { tm.Initializing = -1 },
		"Resynchronizing":  func(tm *Timings) { tm.Resynchronizing = -1 },
		"FailureDetection": func(tm *Timings) { tm.FailureDetection = -1 },
		"LogShipping":      func(tm *Timings) { tm.LogShipping = -1 },
		"LogReplay":        func(tm *Timings) { tm.LogReplay = -1 },
	} {
		var tm Timings
		set(&tm)
		require.Error(t, w.o.SetTimings(tm), name)
	}
}

// fact: exchange-dag-components.md §3.4 (ten ordered criteria): the narration of an
// activation names the criterion that picked the copy, the first and the tenth too.
func TestActivationNarrationNamesTheFirstAndTenthCriterion(t *testing.T) {
	for k, want := range map[int]string{1: "CI Healthy, CQL < 10, RQL < 50", 10: "any eligible status"} {
		text := Activation{Database: "DB1", From: "EX1", To: "EX2", Action: ActionFailover, Automatic: true, By: "the PAM (EX3)", Criterion: k, Dial: GoodAvailability}.Narrate()
		require.Contains(t, text, want, "criterion %d", k)
	}
}

// PreferenceMoveFrequency 0 turns automatic rebalancing off (site-resilience 6.3).
func TestPreferenceMoveFrequencyZeroNarratesRebalancingOff(t *testing.T) {
	require.Contains(t, PreferenceMoveFrequencySet{DAG: "DAG1"}.Narrate(), "automatic rebalancing is off")
	require.Contains(t, PreferenceMoveFrequencySet{DAG: "DAG1", Every: time.Hour}.Narrate(), "moves each database back")
}

// PreferenceMoveFrequency prints as a .NET TimeSpan, as Get-DatabaseAvailabilityGroup
// shows it (site-resilience 6.3: default 01:00:00; off is InfiniteTimeSpan).
func TestFmtSpanPrintsDotNetTimeSpans(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                              "InfiniteTimeSpan",
		-time.Second:                   "InfiniteTimeSpan",
		time.Second:                    "00:00:01",
		time.Hour:                      "01:00:00",
		90*time.Minute + 5*time.Second: "01:30:05",
		23*time.Hour + 59*time.Minute:  "23:59:00",
		24 * time.Hour:                 "1.00:00:00",
		51*time.Hour + 4*time.Minute + 5*time.Second: "2.03:04:05",
	} {
		require.Equal(t, want, fmtSpan(d), d.String())
	}
}

// fact: exchange-dag-components.md §3.1 (copy status, replay queue): a copy that
// reconnects replays the logs it already holds. Suspended between shipping and replay,
// then resumed, its replay queue empties.
func TestResumedCopyReplaysTheLogsItAlreadyHolds(t *testing.T) {
	w := three(t)
	w.commit("DB1", 3)
	w.run(2 * time.Second) // shipped, replay due in a second
	require.EqualValues(t, 3, w.status(`DB1\EX2`).ReplayQueueLength)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	w.run(5 * time.Second)
	require.EqualValues(t, 3, w.status(`DB1\EX2`).ReplayQueueLength, "a suspended copy does not replay")
	require.NoError(t, w.o.ResumeCopy("DB1", "EX2"))
	w.run(20 * time.Second)
	r := w.status(`DB1\EX2`)
	require.Equal(t, Healthy, r.Status)
	require.EqualValues(t, 0, r.CopyQueueLength)
	require.EqualValues(t, 0, r.ReplayQueueLength)
}

// fact: exchange-dag-components.md §3.5 (AutoDatabaseMountDial): GoodAvailability mounts
// a copy missing up to 6 logs, BestAvailability up to 12; one log more and the copy is
// skipped. EX1 (active) is cut off from EX2 while N logs are written, then fails; EX3's
// copy is suspended.
func TestAutoDatabaseMountDialBoundsAreInclusive(t *testing.T) {
	cases := []struct {
		dial    string
		logs    int
		mounted bool
	}{
		{"GoodAvailability", 6, true},
		{"GoodAvailability", 7, false},
		{"BestAvailability", 12, true},
		{"BestAvailability", 13, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %d", c.dial, c.logs), func(t *testing.T) {
			w := three(t)
			require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
			require.NoError(t, w.o.SetAutoDatabaseMountDial("EX2", c.dial))
			w.partition([]string{"EX1"}, []string{"EX2"}) // EX1 keeps quorum with EX3
			w.commit("DB1", c.logs)
			w.heal()
			w.o.ServerDown("EX1")
			w.run(10 * time.Second)
			srv, mounted := w.active("DB1")
			require.Equal(t, c.mounted, mounted)
			if c.mounted {
				require.Equal(t, "EX2", srv)
			}
		})
	}
}

// The PreferenceMoveFrequency checks run at the DAG's creation plus whole intervals
// (site-resilience 6.3; dag/doc.go), for a DAG created after the start too: created at
// 30m with the 1-hour default, a database moved away at 40m returns at 1h30m.
func TestPreferenceMoveFrequencyChecksCountFromTheDAGsCreation(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.s.RunUntil(30*time.Minute))
	for _, s := range []struct{ name, site string }{{"EX1", "Red"}, {"EX2", "Red"}, {"EX3", "Blue"}} {
		require.NoError(t, w.o.AddServer(s.name, s.site))
	}
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2", "EX3"}, "", DAGOptions{Exchange2016: true}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3"}))
	w.run(10 * time.Minute)
	require.NoError(t, w.o.Move("DB1", "EX2"))
	w.run(49*time.Minute + 59*time.Second) // 1h29m59s
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)
	w.run(time.Second) // 1h30m
	srv, _ = w.active("DB1")
	require.Equal(t, "EX1", srv)
}

// fact: exchange-dag-components.md §2.3: a server that is down can still be put into
// maintenance: the script blocks its activation policy, so its ServiceDown copies are
// not a critical resource.
func TestStartDagServerMaintenanceOnADownServerSucceeds(t *testing.T) {
	w := three(t)
	w.o.ServerDown("EX3")
	require.NoError(t, w.o.StartDagServerMaintenance("EX3"))
}
