package dag

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCopyOneIsMountedAndOthersHealthyAtStart(t *testing.T) {
	w := three(t)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
	require.Equal(t, Mounted, w.status(`DB1\EX1`).Status)
	require.Equal(t, Healthy, w.status(`DB1\EX2`).Status)
	require.Equal(t, "EX1", w.o.PAM("DAG1"))
	require.True(t, w.o.HasQuorum("DAG1"))
}

func TestAddValidation(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Red"))
	require.NoError(t, w.o.AddServer("SOLO", "Red"))
	require.Error(t, w.o.AddServer("ex1", "Red"), "names are case-insensitive, as in AD")
	require.ErrorContains(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2"}, ""), "needs a witness")
	require.ErrorContains(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2"}, "EX1"), "must not be a DAG member")
	require.ErrorContains(t, w.o.AddDAG("DAG1", []string{"EX1", "NOPE"}, "FSW"), "unknown server")
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2"}, "FSW"))
	require.ErrorContains(t, w.o.AddDatabase("DB1", []string{"EX1", "SOLO"}), "not in a DAG")
	require.ErrorContains(t, w.o.AddDatabase("DB1", []string{"SOLO", "EX1"}), "not in a DAG")
	require.ErrorContains(t, w.o.AddDatabase("DB1", []string{"EX1", "NOPE"}), "unknown server")
	require.ErrorContains(t, w.o.AddDatabase("DB1", []string{"EX1", "EX1"}), "two copies")
	require.Error(t, w.o.AddDatabase("DB1", nil))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2"}))
	require.Error(t, w.o.AddDatabase("db1", []string{"EX1"}))
	require.Error(t, w.o.SetTimings(Timings{Initializing: -1}))
	_, err := w.o.CopyStatus(`DB1\SOLO`)
	require.Error(t, err)
	_, err = w.o.CopyStatus("DB9")
	require.Error(t, err)
}

func TestLogShippingCreatesCopyQueueThenReplayQueue(t *testing.T) {
	w := three(t)
	w.commit("DB1", 5)
	r := w.status(`DB1\EX2`)
	require.EqualValues(t, 5, r.CopyQueueLength, "logs not yet shipped are in the copy queue")
	require.EqualValues(t, 0, r.ReplayQueueLength)
	require.False(t, w.o.Replicated("DB1", w.s.Now()), "a delivery counts as replicated once a passive copy holds its log")
	w.run(2 * time.Second) // LogShipping
	r = w.status(`DB1\EX2`)
	require.EqualValues(t, 0, r.CopyQueueLength)
	require.EqualValues(t, 5, r.ReplayQueueLength, "copied logs wait for replay")
	require.False(t, r.LastInspectedLogTime.IsZero())
	require.True(t, w.o.Replicated("DB1", w.s.Now()))
	w.run(time.Second) // LogReplay
	r = w.status(`DB1\EX2`)
	require.EqualValues(t, 0, r.ReplayQueueLength)
	require.EqualValues(t, 5, w.o.Generation("DB1"))
}

func TestCommittedRefusedWhenDismounted(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.Dismount("DB1"))
	require.Error(t, w.o.Committed("DB1"))
	require.Error(t, w.o.Committed("NOPE"))
}

func TestResumeGoesThroughInitializingForAbout15Seconds(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.Equal(t, Suspended, w.status(`DB1\EX2`).Status)
	w.commit("DB1", 3)
	w.run(10 * time.Second)
	require.EqualValues(t, 3, w.status(`DB1\EX2`).CopyQueueLength, "a suspended copy stops copying logs")
	require.NoError(t, w.o.ResumeCopy("DB1", "EX2"))
	require.Equal(t, Initializing, w.status(`DB1\EX2`).Status)
	w.run(14 * time.Second)
	require.Equal(t, Initializing, w.status(`DB1\EX2`).Status)
	w.run(time.Second)
	require.Equal(t, Healthy, w.status(`DB1\EX2`).Status)
	w.run(3 * time.Second)
	r := w.status(`DB1\EX2`)
	require.EqualValues(t, 0, r.CopyQueueLength, "a copy that reconnects catches up")
	require.EqualValues(t, 0, r.ReplayQueueLength)
}

func TestSuspendActivationOnlyKeepsReplicatingButBlocksActivation(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", true))
	r := w.status(`DB1\EX2`)
	require.Equal(t, Healthy, r.Status)
	require.True(t, r.ActivationSuspended)
	w.commit("DB1", 2)
	w.run(3 * time.Second)
	require.EqualValues(t, 0, w.status(`DB1\EX2`).CopyQueueLength)
	err := w.o.Move("DB1", "EX2")
	require.ErrorContains(t, err, "activation")
	require.NoError(t, w.o.Move("DB1", ""))
	srv, _ := w.active("DB1")
	require.Equal(t, "EX3", srv, "targetless switchover skips the activation-suspended copy")
}

func TestSuspendActiveCopyIsRefused(t *testing.T) {
	w := three(t)
	err := w.o.SuspendCopy("DB1", "EX1", false)
	require.EqualError(t, err, "The suspend operation can't proceed because database 'DB1' on Exchange Mailbox server 'EX1' is the active mailbox database copy.")
}

func TestSwitchoverTargetedIsLossless(t *testing.T) {
	w := three(t)
	w.commit("DB1", 4) // not shipped yet
	require.NoError(t, w.o.Move("DB1", "EX3"))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX3", srv)
	require.True(t, mounted)
	require.Empty(t, w.losses, "a switchover copies the remaining logs from the source")
	require.EqualValues(t, 4, w.o.Generation("DB1"))
	require.Equal(t, Initializing, w.status(`DB1\EX1`).Status, "the old active copy becomes passive")
	w.run(15 * time.Second)
	require.Equal(t, Healthy, w.status(`DB1\EX1`).Status)
}

func TestSwitchoverWithNoHealthyTargetErrorsAndStaysMounted(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", true))
	err := w.o.Move("DB1", "")
	require.ErrorContains(t, err, "No database copy of 'DB1' is eligible for activation")
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
	require.ErrorContains(t, w.o.Move("DB1", "EX2"), "Suspended")
	require.ErrorContains(t, w.o.Move("DB1", "EX1"), "already active")
	require.ErrorContains(t, w.o.Move("NOPE", ""), "couldn't be found")
}

func TestMoveToServerWithHighAvailabilityInactiveIsRefused(t *testing.T) {
	w := three(t)
	w.ha["EX2"] = true
	err := w.o.Move("DB1", "EX2")
	require.EqualError(t, err, "Server 'EX2' component (HighAvailability) state is offline. If you need to activate databases copies on this server, you can use Set-ServerComponentState -Component 'HighAvailability' -State 'Active' and retry Move-ActiveMailboxDatabase.")
	require.NoError(t, w.o.Move("DB1", ""))
	srv, _ := w.active("DB1")
	require.Equal(t, "EX3", srv)
}

func TestFailoverAfterServerDownWaitsForDetectionThenPicksLowestCopyQueue(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	w.commit("DB1", 3)
	w.run(5 * time.Second) // EX3 has all 3 logs, EX2 none
	require.NoError(t, w.o.ResumeCopy("DB1", "EX2"))
	w.run(15 * time.Second) // EX2 Healthy again, but its catch-up is still in flight
	w.o.ServerDown("EX1")
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.False(t, mounted, "the database is unavailable as soon as its server is lost")
	require.Equal(t, DisconnectedAndHealthy, w.status(`DB1\EX2`).Status)
	w.run(9 * time.Second)
	_, mounted = w.active("DB1")
	require.False(t, mounted, "the PAM has not detected the failure yet")
	w.run(time.Second)
	srv, mounted = w.active("DB1")
	require.Equal(t, "EX3", srv, "sorted by copy queue length: EX3 has every log, EX2 does not")
	require.True(t, mounted)
	require.Empty(t, w.losses)
	require.Equal(t, "EX2", w.o.PAM("DAG1"), "the PAM moved with the cluster group when EX1 failed")
}

func TestFailoverTiesGoToActivationPreference(t *testing.T) {
	w := three(t)
	w.commit("DB2", 2)
	w.run(5 * time.Second)
	w.o.ServerDown("EX2")
	w.run(10 * time.Second)
	srv, _ := w.active("DB2")
	require.Equal(t, "EX1", srv, "DB2's preference order is EX2, EX1, EX3")
}

func TestLossyFailoverWithinMountDialMountsAndReportsLostWindow(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.commit("DB1", 2)
	w.run(5 * time.Second)
	t1 := w.s.Now()
	w.commit("DB1", 3)
	w.run(time.Second)
	t2 := w.s.Now()
	w.commit("DB1", 2) // 5 logs not shipped to EX2
	w.o.ServerDown("EX1")
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted, "5 missing logs are within GoodAvailability's 6")
	require.Equal(t, []loss{{"DB1", t1, t2}}, w.losses)
	require.EqualValues(t, 2, w.o.Generation("DB1"))
}

func TestLossyFailoverBeyondMountDialSkipsCopy(t *testing.T) {
	for _, tc := range []struct {
		dial    string
		mounted bool
	}{{"GoodAvailability", false}, {"BestAvailability", true}, {"Lossless", false}} {
		t.Run(tc.dial, func(t *testing.T) {
			w := three(t)
			require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
			require.NoError(t, w.o.SetAutoDatabaseMountDial("EX2", tc.dial))
			w.partition([]string{"EX1"}, []string{"EX2"}) // EX1 still has quorum with EX3
			w.commit("DB1", 8)
			require.EqualValues(t, 8, w.status(`DB1\EX2`).CopyQueueLength)
			w.heal()
			w.o.ServerDown("EX1")
			w.run(10 * time.Second)
			_, mounted := w.active("DB1")
			require.Equal(t, tc.mounted, mounted)
			if tc.mounted {
				require.Len(t, w.losses, 1)
			} else {
				require.Empty(t, w.losses)
			}
		})
	}
}

func TestLosslessDialSortsByActivationPreference(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	w.commit("DB1", 3)
	w.run(5 * time.Second)
	require.NoError(t, w.o.ResumeCopy("DB1", "EX2"))
	w.run(20 * time.Second)
	require.NoError(t, w.o.SetAutoDatabaseMountDial("EX3", "Lossless"))
	require.NoError(t, w.o.Move("DB1", ""))
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv, "with a Lossless server the list is sorted by ActivationPreference")
}

func TestFailoverWithNoEligibleCopyLeavesDatabaseDismounted(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.False(t, mounted)
	w.o.ServerUp("EX1")
	srv, mounted = w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted, "the active copy mounts again when its server returns")
}

func TestBlockedAndIntrasiteOnlyServersAreNotActivatedAutomatically(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SetAutoActivationPolicy("EX2", "blocked"))
	require.NoError(t, w.o.SetAutoActivationPolicy("EX3", "IntrasiteOnly"))
	require.Error(t, w.o.SetAutoActivationPolicy("EX3", "Sometimes"))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	_, mounted := w.active("DB1")
	require.False(t, mounted, "EX2 is Blocked and EX3 is in another site with IntrasiteOnly")
	require.NoError(t, w.o.SetAutoActivationPolicy("EX2", "Unrestricted"))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv, "selection runs again on the next change")
	require.True(t, mounted)
}

func TestManualMoveToBlockedServerIsAllowed(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SetAutoActivationPolicy("EX2", "Blocked"))
	require.NoError(t, w.o.Move("DB1", "EX2"))
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)
}

func TestPausedNodeGetsNoAutomaticActivationAndCannotBecomePAM(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendClusterNode("EX2"))
	require.Error(t, w.o.SuspendClusterNode("NOPE"))
	w.o.ServerDown("EX1")
	require.Equal(t, "EX3", w.o.PAM("DAG1"), "groups cannot move to a paused node")
	w.run(10 * time.Second)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX3", srv)
	require.True(t, w.o.HasQuorum("DAG1"), "a paused node keeps its vote")
	require.NoError(t, w.o.ResumeClusterNode("EX2"))
}

func TestPausedPAMKeepsTheClusterGroup(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendClusterNode("EX1"))
	require.Equal(t, "EX1", w.o.PAM("DAG1"))
}

func TestNodeMajorityLosesQuorumWhenTwoOfThreeFail(t *testing.T) {
	w := three(t)
	w.o.ServerDown("EX3")
	require.True(t, w.o.HasQuorum("DAG1"))
	w.o.ServerDown("EX2")
	require.False(t, w.o.HasQuorum("DAG1"))
	for _, db := range []string{"DB1", "DB2"} {
		_, mounted := w.active(db)
		require.False(t, mounted, "losing quorum dismounts every database in the DAG")
	}
	require.Equal(t, "", w.o.PAM("DAG1"))
	w.run(time.Minute)
	_, mounted := w.active("DB1")
	require.False(t, mounted)
	w.o.ServerUp("EX2")
	require.True(t, w.o.HasQuorum("DAG1"))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted, "quorum returned: the reachable active copy mounts again")
	srv, mounted = w.active("DB2")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
}

func TestNodeAndFileShareMajorityWitnessVotesForEvenMembers(t *testing.T) {
	w := two(t)
	w.o.ServerDown("EX1")
	require.True(t, w.o.HasQuorum("DAG1"), "EX2 plus the witness are 2 of 3 votes")
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)

	w = two(t)
	w.partition([]string{"EX1", "EX2"}, []string{"FSW"})
	require.True(t, w.o.HasQuorum("DAG1"), "two members are 2 of 3 votes")
	w.o.ServerDown("EX1")
	require.False(t, w.o.HasQuorum("DAG1"), "one member without the witness is 1 of 3")
	_, mounted = w.active("DB1")
	require.False(t, mounted)
}

func TestPartitionedMinorityDismountsAndMajorityFailsOver(t *testing.T) {
	w := two(t)
	w.commit("DB1", 2)
	w.run(5 * time.Second)
	// EX1 (PAM, lock holder) loses the witness and EX2; EX2 keeps the witness.
	w.partition([]string{"EX1"}, []string{"EX2", "FSW"})
	_, mounted := w.active("DB1")
	require.False(t, mounted, "EX1 is in the minority, so it dismounts at once")
	require.Equal(t, "EX2", w.o.PAM("DAG1"))
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
	w.heal()
	require.Equal(t, Initializing, w.status(`DB1\EX1`).Status)
}

func TestWitnessStaysWithTheLockingNodeSide(t *testing.T) {
	w := newWorld(t)
	for _, s := range []string{"A", "B", "C", "D"} {
		require.NoError(t, w.o.AddServer(s, "Red"))
	}
	require.NoError(t, w.o.AddDAG("DAG1", []string{"A", "B", "C", "D"}, "FSW"))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"C", "A"}))
	w.partition([]string{"A", "B"}, []string{"C", "D"})
	require.True(t, w.o.HasQuorum("DAG1"), "A, B and the witness are 3 of 5 votes")
	_, mounted := w.active("DB1")
	require.False(t, mounted, "C is in the minority")
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "A", srv)
	require.True(t, mounted)
}

func TestOldActiveCopyResynchronizesAfterLossyFailover(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.commit("DB1", 3)
	w.o.ServerDown("EX1")
	w.run(10 * time.Second)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.Len(t, w.losses, 1)
	w.commit("DB1", 1)
	w.o.ServerUp("EX1")
	require.Equal(t, Initializing, w.status(`DB1\EX1`).Status)
	w.run(15 * time.Second)
	require.Equal(t, Resynchronizing, w.status(`DB1\EX1`).Status, "EX1 holds 3 logs EX2 never had")
	w.run(10 * time.Second)
	require.Equal(t, Healthy, w.status(`DB1\EX1`).Status)
	w.run(5 * time.Second)
	r := w.status(`DB1\EX1`)
	require.EqualValues(t, 0, r.CopyQueueLength)
	require.EqualValues(t, 0, r.ReplayQueueLength)
}

func TestActiveCopyFailureFailsOverAndCopyShowsFailed(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.FailCopy("DB1", "EX1"))
	_, mounted := w.active("DB1")
	require.False(t, mounted)
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
	require.Equal(t, Failed, w.status(`DB1\EX1`).Status)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX1", false))
	require.Equal(t, FailedAndSuspended, w.status(`DB1\EX1`).Status)
	require.NoError(t, w.o.RepairCopy("DB1", "EX1"))
	require.NoError(t, w.o.ResumeCopy("DB1", "EX1"))
	require.Equal(t, Initializing, w.status(`DB1\EX1`).Status)
}

func TestDismountDatabaseDoesNotFailOver(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.Dismount("DB1"))
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.False(t, mounted)
	require.Equal(t, Dismounted, w.status(`DB1\EX1`).Status)
	require.NoError(t, w.o.Mount("DB1"))
	_, mounted = w.active("DB1")
	require.True(t, mounted)
}

func TestMountFailsWhenActiveServerIsDown(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.o.ServerDown("EX1")
	err := w.o.Mount("DB1")
	require.ErrorContains(t, err, "Couldn't mount the database that you specified")
}

func TestActivationDisabledAndMoveNowMovesActiveDatabasesAway(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX1", true))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
	require.NoError(t, w.o.Move("DB2", ""))
	srv, _ = w.active("DB2")
	require.Equal(t, "EX3", srv, "no database moves onto it while another healthy copy exists")
}

func TestActivationDisabledAndMoveNowKeepsDatabaseWithoutOtherHealthyCopy(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX2", false))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	require.NoError(t, w.o.SetActivationDisabledAndMoveNow("EX1", true))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
}

func TestStandaloneDatabaseDismountsWithItsServerAndNeverFailsOver(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.AddServer("SOLO", "Red"))
	require.NoError(t, w.o.AddDatabase("DB9", []string{"SOLO"}))
	w.commit("DB9", 2)
	require.False(t, w.o.Replicated("DB9", w.s.Now()))
	require.ErrorContains(t, w.o.Move("DB9", ""), "isn't replicated")
	require.Error(t, w.o.SuspendCopy("DB9", "SOLO", false))
	w.o.ServerDown("SOLO")
	w.run(time.Minute)
	_, mounted := w.active("DB9")
	require.False(t, mounted)
	require.Equal(t, ServiceDown, w.status(`DB9\SOLO`).Status)
	w.o.ServerUp("SOLO")
	_, mounted = w.active("DB9")
	require.True(t, mounted)
}

func TestStartDagServerMaintenanceMovesDatabasesAndPAM(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.StartDagServerMaintenance("EX1"))
	srv, mounted := w.active("DB1")
	require.NotEqual(t, "EX1", srv)
	require.True(t, mounted)
	require.Equal(t, "EX2", w.o.PAM("DAG1"))
	require.True(t, w.ha["EX1"], "the 2016/2019 script sets HighAvailability Inactive")
	// Nothing comes back automatically while in maintenance.
	w.o.ServerDown("EX2")
	w.run(10 * time.Second)
	srv, _ = w.active("DB1")
	require.Equal(t, "EX3", srv)
	srv, _ = w.active("DB2")
	require.Equal(t, "EX3", srv)
	require.NoError(t, w.o.StopDagServerMaintenance("EX1"))
	require.False(t, w.ha["EX1"])
}

func TestStartDagServerMaintenanceRefusesLastHealthyCopyAndRollsBack(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false)) // DB1 has EX1 (active) and EX2 healthy
	err := w.o.StartDagServerMaintenance("EX2")
	require.ErrorContains(t, err, "DB1: fails redundancy validation")
	require.True(t, strings.Contains(err.Error(), "StartDagServerMaintenance.ps1 failed"))
	require.False(t, w.ha["EX2"], "rollback restores HighAvailability")
	// Rollback: the node is resumed and the policy is Unrestricted, so EX2 can take DB1.
	srv, _ := w.active("DB2")
	require.NotEqual(t, "EX2", srv, "database moves that succeeded are not undone")
	w.o.ServerDown("EX1")
	w.run(10 * time.Second)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
}

func TestStartDagServerMaintenanceTwoCopyRuleWithTwoServersUp(t *testing.T) {
	w := two(t)
	require.NoError(t, w.o.StartDagServerMaintenance("EX1"), "with exactly two DAG servers up one remaining copy is enough")
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv)

	w = three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	require.NoError(t, w.o.StartDagServerMaintenanceWith("EX2", MaintenanceOptions{PauseClusterNode: true, OverrideMinimumTwoCopies: true}))
}

func TestStartDagServerMaintenanceForceSkipsRollback(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	err := w.o.StartDagServerMaintenanceWith("EX2", MaintenanceOptions{PauseClusterNode: true, Force: true})
	require.Error(t, err)
	require.True(t, w.ha["EX2"], "-Force keeps the blocks")
}

func TestStartDagServerMaintenanceLegacySuspendsActivationOnlyAndRollbackResumes(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.StartDagServerMaintenanceWith("EX3", MaintenanceOptions{PauseClusterNode: true, SuspendActivationOnly: true}))
	require.True(t, w.status(`DB1\EX3`).ActivationSuspended)
	require.NoError(t, w.o.StopDagServerMaintenance("EX3"))
	require.False(t, w.status(`DB1\EX3`).ActivationSuspended)
}

func TestStopDagServerMaintenanceClearsBlocksThatExistedBeforeMaintenance(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", true))
	require.NoError(t, w.o.SetAutoActivationPolicy("EX3", "IntrasiteOnly"))
	require.NoError(t, w.o.StartDagServerMaintenance("EX3"))
	require.NoError(t, w.o.StopDagServerMaintenance("EX3"))
	require.False(t, w.status(`DB1\EX3`).ActivationSuspended, "by design, every activation block is reset")
	w.o.ServerDown("EX1")
	w.o.ServerDown("EX2")
	// EX3 alone has no quorum; the policy reset is what we check here.
	require.Equal(t, Unrestricted, w.o.servers["ex3"].policy)
}

func TestDatabaseChangedIsCalledWhenTheActiveCopyMovesOrMounts(t *testing.T) {
	w := three(t)
	var got []string
	w.o.env.DatabaseChanged = func(db, server string, mounted bool) {
		got = append(got, db+"@"+server+"/"+map[bool]string{true: "mounted", false: "dismounted"}[mounted])
	}
	require.NoError(t, w.o.Move("DB1", "EX2"))
	require.NoError(t, w.o.Dismount("DB1"))
	require.NoError(t, w.o.Mount("DB1"))
	w.o.ServerDown("EX3")
	require.Equal(t, []string{"DB1@EX2/mounted", "DB1@EX2/dismounted", "DB1@EX2/mounted"}, got)
}

func TestRefreshRetriesFailoverWhenHighAvailabilityReturns(t *testing.T) {
	w := three(t)
	w.ha["EX2"], w.ha["EX3"] = true, true
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	_, mounted := w.active("DB1")
	require.False(t, mounted, "HighAvailability Inactive blocks activation")
	w.ha["EX2"] = false
	w.o.Refresh("HighAvailability of EX2 is Active")
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
}

func TestMountDialOverrideBestEffortMountsBeyondTheDial(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.partition([]string{"EX1"}, []string{"EX2"})
	w.commit("DB1", 20)
	w.heal()
	w.o.ServerDown("EX1")
	w.run(10 * time.Second)
	_, mounted := w.active("DB1")
	require.False(t, mounted, "20 missing logs are beyond GoodAvailability")
	require.ErrorContains(t, w.o.Move("DB1", "EX2"), "copy queue length of 20 logs")
	require.NoError(t, w.o.MoveWith("DB1", "EX2", MoveOptions{MountDialOverride: BestEffort}))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted)
	require.Len(t, w.losses, 1, "a forced mount loses the logs that were not shipped")
}

func TestStartDagServerMaintenanceRefusedWhileItIsPAMAndHoldsActiveCopies(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SuspendClusterNode("EX2"))
	require.NoError(t, w.o.SuspendClusterNode("EX3"))
	err := w.o.StartDagServerMaintenance("EX1")
	require.ErrorContains(t, err, "EX1 is the Primary Active Manager of DAG DAG1")
	require.ErrorContains(t, err, "DB1: Copy is active")
	require.Equal(t, "EX1", w.o.PAM("DAG1"))
	require.False(t, w.o.servers["ex1"].paused, "rollback resumes the node")
	require.Equal(t, Unrestricted, w.o.servers["ex1"].policy, "rollback sets the policy to Unrestricted")
}

func TestStartDagServerMaintenanceRefusedWhenActiveIsDismountedElsewhere(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.Dismount("DB1"))
	err := w.o.StartDagServerMaintenance("EX3")
	require.ErrorContains(t, err, "DB1: Active is dismounted on EX1")
}

func TestEmptyCopyStatusPrintsNothing(t *testing.T) {
	require.Equal(t, "", FormatCopyStatus(nil))
}

func TestCleanShutdownActivatesAnotherCopyFirst(t *testing.T) {
	w := three(t)
	w.commit("DB1", 3)
	w.o.ServerStop("EX1")
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv)
	require.True(t, mounted, "no outage: the database moved before the server went down")
	require.Empty(t, w.losses)
	require.Equal(t, ServiceDown, w.status(`DB1\EX1`).Status)
}

// 2010's StartDagServerMaintenance.ps1 suspends activation of every copy on the
// server, the active ones included, before it moves them, and 2010 has no component
// states: nothing about HighAvailability happens or is journaled (seed 003, step 4).
func TestExchange2010StartDagServerMaintenanceSuspendsEveryCopyAndHasNoHighAvailability(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.StartDagServerMaintenanceWith("EX1", Exchange2010Maintenance))
	require.True(t, w.status(`DB1\EX1`).ActivationSuspended, "the copy that was active")
	require.True(t, w.status(`DB2\EX1`).ActivationSuspended, "the passive copy")
	srv, _ := w.active("DB1")
	require.NotEqual(t, "EX1", srv)
	require.False(t, w.ha["EX1"], "HighAvailability untouched (still Active)")
	for _, r := range w.s.Journal().Records() {
		_, isHA := r.Data.(HighAvailabilitySet)
		require.False(t, isHA, "no HighAvailability event on 2010")
	}
	require.NoError(t, w.o.StopDagServerMaintenance("EX1"))
	require.False(t, w.status(`DB1\EX1`).ActivationSuspended)
}

// Move-ClusterGroup "Cluster Group" moves the PAM (seed 003, step 3), and
// Get-DatabaseAvailabilityGroup -Status shows it; a paused node cannot take it.
func TestMoveClusterGroupMovesThePAMAndGetDatabaseAvailabilityGroupStatusShowsIt(t *testing.T) {
	w := two(t)
	require.Equal(t, "EX1", w.o.PAM("DAG1"))
	require.NoError(t, w.o.MoveClusterGroup("EX2"))
	rows, err := w.o.DAGStatus("DAG1", true)
	require.NoError(t, err)
	require.Equal(t, "EX2", rows[0].PrimaryActiveManager)
	require.Equal(t, []string{"EX1", "EX2"}, rows[0].OperationalServers)
	require.NoError(t, w.o.SuspendClusterNode("EX1"))
	require.Error(t, w.o.MoveClusterGroup("EX1"))
	rows, _ = w.o.DAGStatus("", true)
	require.Equal(t, []string{"EX1"}, rows[0].ServersInMaintenance)
	plain, _ := w.o.DAGStatus("DAG1", false)
	require.Empty(t, plain[0].PrimaryActiveManager, "without -Status")
	require.Equal(t, "Name Member Servers Operational Servers\n---- -------------- -------------------\nDAG1 {EX1, EX2}\n", FormatDAGStatus(plain))
}

// Resume-MailboxDatabaseCopy works on a passive copy of a replicated database: the
// only copy of a standalone database is refused, as Suspend refuses it (seed 001).
func TestResumeOfAStandaloneDatabaseCopyIsRefusedAsTheSuspendIs(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "HQ"))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1"}))
	require.EqualError(t, w.o.SuspendCopy("DB1", "EX1", false), "Database 'DB1' isn't replicated, so its copy can't be suspended.")
	require.EqualError(t, w.o.ResumeCopy("DB1", "EX1"), "Database 'DB1' isn't replicated, so its copy can't be resumed.")
}
