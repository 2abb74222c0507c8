package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stretched builds the two-site DAG of dac-mode.md's example: EX1, EX2 and the
// witness FSW in Red, EX3, EX4 and the alternate witness FSW2 in Blue; DB1 and DB2
// active in Red. dac says whether DAC mode is DagOnly.
func stretched(t *testing.T, dac bool) *world {
	w := newWorld(t)
	for _, s := range [][2]string{{"EX1", "Red"}, {"EX2", "Red"}, {"EX3", "Blue"}, {"EX4", "Blue"}} {
		require.NoError(t, w.o.AddServer(s[0], s[1]))
	}
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2", "EX3", "EX4"}, "FSW"))
	mode := DACOff
	if dac {
		mode = DACDagOnly
	}
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{WitnessSite: "Red", AlternateWitness: "FSW2", AlternateWitnessSite: "Blue", DAC: mode}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3", "EX4"}))
	require.NoError(t, w.o.AddDatabase("DB2", []string{"EX2", "EX1", "EX4", "EX3"}))
	return w
}

var (
	redNodes  = []string{"EX1", "EX2", "FSW"}
	blueNodes = []string{"EX3", "EX4", "FSW2"}
)

// failRed is a power loss of site Red: its servers and witness go down, and (the
// WAN going with it) Red is cut off from Blue.
func (w *world) failRed() {
	w.o.ServerDown("EX1")
	w.o.ServerDown("EX2")
	for _, n := range append(append([]string{}, redNodes...), blueNodes...) {
		w.cut[[2]string{"FSW", n}] = true // the witness is down: nobody reaches it
	}
	w.partition(redNodes, blueNodes)
}

// powerBackWANDown: Red's servers and witness boot, the WAN stays down.
func (w *world) powerBackWANDown() {
	w.cut = map[[2]string]bool{}
	w.partition(redNodes, blueNodes)
	w.o.ServerUp("EX1")
	w.o.ServerUp("EX2")
}

func (w *world) switchoverToBlue() {
	w.t.Helper()
	require.NoError(w.t, w.o.StopDAG("DAG1", "Red", nil, true))
	require.NoError(w.t, w.o.RestoreDAG("DAG1", RestoreOptions{Site: "Blue"}))
}

func (w *world) splitBrain() []string {
	var out []string
	for _, db := range w.o.Databases() {
		if len(w.o.MountedCopies(db)) > 1 {
			out = append(out, db)
		}
	}
	return out
}

// fact: exchange-site-resilience.md §2.1 and §2.5: with the witness in the lost site
// the surviving site lacks a majority (2 of 5 votes), the cluster stops and every
// database of the DAG dismounts.
func TestSiteLossWithWitnessInLostSiteDismountsEveryDatabase(t *testing.T) {
	w := stretched(t, true)
	w.failRed()
	w.run(time.Minute)
	require.False(t, w.o.HasQuorum("DAG1"))
	for _, db := range []string{"DB1", "DB2"} {
		require.Empty(t, w.o.MountedCopies(db), db)
	}
	require.Equal(t, DisconnectedAndHealthy, w.status(`DB1\EX3`).Status)
}

// fact: exchange-site-resilience.md §2.7: with the members split evenly and the
// witness in a third location, the surviving site arbitrates the witness and the
// databases fail over by themselves.
func TestWitnessInThirdSiteSurvivesSiteLoss(t *testing.T) {
	w := stretched(t, true)
	w.o.ServerDown("EX1")
	w.o.ServerDown("EX2")
	w.partition([]string{"EX1", "EX2"}, []string{"EX3", "EX4", "FSW"})
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"))
	for _, db := range []string{"DB1", "DB2"} {
		require.Len(t, w.o.MountedCopies(db), 1, db)
		srv, _ := w.active(db)
		require.Contains(t, []string{"EX3", "EX4"}, srv)
	}
}

// fact: exchange-site-resilience.md §1.3 and §2.4: Stop-, Restore- and
// Start-DatabaseAvailabilityGroup can only be run against a DAG whose
// DatacenterActivationMode is DagOnly.
func TestSiteResilienceCmdletsNeedDagOnly(t *testing.T) {
	w := stretched(t, false)
	require.ErrorContains(t, w.o.StopDAG("DAG1", "Red", nil, true), "DagOnly")
	require.ErrorContains(t, w.o.RestoreDAG("DAG1", RestoreOptions{Site: "Blue"}), "DagOnly")
	require.ErrorContains(t, w.o.StartDAG("DAG1", "Red", nil, false), "DagOnly")
}

// fact: exchange-site-resilience.md §2.2 (DAC procedure) and §2.4/§2.5: after
// Stop-DatabaseAvailabilityGroup -ConfigurationOnly of the failed site, Restore-
// DatabaseAvailabilityGroup evicts the stopped servers, and with two (even) survivors
// moves quorum to the alternate witness; the databases then activate in Blue.
// StoppedMailboxServers lists Red, StartedMailboxServers Blue, WitnessShareInUse
// reads Alternate.
func TestRestoreDAGShrinksQuorumToSurvivorsWithAlternateWitness(t *testing.T) {
	w := stretched(t, true)
	w.failRed()
	w.run(time.Minute)
	require.ErrorContains(t, w.o.RestoreDAG("DAG1", RestoreOptions{Site: "Blue"}), "Stop-DatabaseAvailabilityGroup first")
	w.switchoverToBlue()
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"))
	for _, db := range []string{"DB1", "DB2"} {
		srv, mounted := w.active(db)
		require.True(t, mounted, db)
		require.Contains(t, []string{"EX3", "EX4"}, srv)
	}
	rows, err := w.o.DAGStatus("DAG1", true)
	require.NoError(t, err)
	r := rows[0]
	require.Equal(t, []string{"EX1", "EX2"}, r.StoppedMailboxServers)
	require.Equal(t, []string{"EX3", "EX4"}, r.StartedMailboxServers)
	require.Equal(t, "Alternate", r.WitnessShareInUse)
	require.Equal(t, DACDagOnly, r.DatacenterActivationMode)
	require.Equal(t, 64327, r.ReplicationPort)
}

// fact: exchange-site-resilience.md §1.2/§1.3, the motivating scenario: after the
// switchover, power returns to Red but the WAN does not. EX1, EX2 and the witness
// form 3 of the old 5 votes. With DAC mode their DACP bits are 0 and they reach no
// member with 1, so nothing mounts; without DAC mode they mount their databases
// beside Blue's: split brain.
func TestDACPKeepsIsolatedRestoredPrimaryFromSplitBrain(t *testing.T) {
	for _, dac := range []bool{true, false} {
		w := stretched(t, dac)
		w.failRed()
		w.run(time.Minute)
		if dac {
			w.switchoverToBlue()
		} else {
			// the non-DAC procedure: force quorum in Blue and evict Red
			d := w.o.dagByN["dag1"]
			red := []*server{w.o.servers["ex1"], w.o.servers["ex2"]}
			blue := []*server{w.o.servers["ex3"], w.o.servers["ex4"]}
			require.NoError(t, w.o.forceQuorum(d, red, blue, false, "the non-DAC switchover"))
		}
		w.run(time.Minute)
		w.powerBackWANDown()
		w.run(time.Minute)
		if dac {
			require.Empty(t, w.splitBrain(), "DAC mode on")
		} else {
			require.Equal(t, []string{"DB1", "DB2"}, w.splitBrain(), "DAC mode off")
		}
		// the WAN comes back: the evicted servers learn it, the stale mounts end
		w.heal()
		w.run(time.Minute)
		require.Empty(t, w.splitBrain())
	}
}

// fact: exchange-site-resilience.md §2.5/§2.6: Start-DatabaseAvailabilityGroup
// brings the primary members back into the cluster and empties
// StoppedMailboxServers; they set their DACP bit from a running member, the bare
// Set-DatabaseAvailabilityGroup moves quorum back to the primary witness, and the
// databases can be moved home.
func TestStartDAGReincorporatesPrimaryAndSwitchbackMovesHome(t *testing.T) {
	w := stretched(t, true)
	w.failRed()
	w.run(time.Minute)
	w.switchoverToBlue()
	w.run(time.Minute)
	w.heal()
	w.o.ServerUp("EX1")
	w.o.ServerUp("EX2")
	w.run(time.Minute)
	require.NoError(t, w.o.StartDAG("DAG1", "Red", nil, false))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{}))
	w.run(time.Minute)
	rows, err := w.o.DAGStatus("DAG1", true)
	require.NoError(t, err)
	require.Empty(t, rows[0].StoppedMailboxServers)
	require.Equal(t, []string{"EX1", "EX2", "EX3", "EX4"}, rows[0].StartedMailboxServers)
	require.Equal(t, "Primary", rows[0].WitnessShareInUse)
	require.Equal(t, []string{"EX1", "EX2", "EX3", "EX4"}, rows[0].OperationalServers)
	require.NoError(t, w.o.Move("DB1", "EX1"))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
}

// fact: exchange-site-resilience.md §1.3: every time Active Manager starts in a DAC
// mode DAG its bit is 0; it sets 1 when another member answers with 1. A restarted
// member whose peers run mounts again; when every member restarts together they reach
// each other's started list (automount consensus) and mount; when one started member
// stays down, nobody mounts until Restore-DatabaseAvailabilityGroup.
func TestDACPBitAfterRestart(t *testing.T) {
	w := stretched(t, true)
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.o.ServerUp("EX1")
	w.run(time.Minute)
	require.True(t, w.o.servers["ex1"].dacp, "a peer with bit 1 answered")

	w = stretched(t, true)
	for _, s := range []string{"EX1", "EX2", "EX3", "EX4"} {
		w.o.ServerDown(s)
	}
	for _, s := range []string{"EX1", "EX2", "EX3"} {
		w.o.ServerUp(s)
	}
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"))
	require.Empty(t, w.o.MountedCopies("DB1"), "EX4 is on StartedMailboxServers and down: no consensus")
	w.o.ServerUp("EX4")
	w.run(time.Minute)
	require.Len(t, w.o.MountedCopies("DB1"), 1)
}

// fact: exchange-site-resilience.md §5: Get-DatabaseAvailabilityGroup shows
// DatacenterActivationMode, the witnesses, StoppedMailboxServers and
// StartedMailboxServers always; ReplicationPort (64327) and WitnessShareInUse only
// with -Status; NetworkCompression/NetworkEncryption default InterSubnetOnly, and a
// 2016+ DAG has PreferenceMoveFrequency (01:00:00).
func TestGetDAGPropertiesWithAndWithoutStatus(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Blue"))
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2"}, "FSW", DAGOptions{Exchange2016: true}))
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{AlternateWitness: "FSW2", DAC: DACDagOnly}))
	field := func(status bool, name string) string {
		rows, err := w.o.DAGStatus("DAG1", status)
		require.NoError(t, err)
		for _, f := range rows[0].Fields() {
			if f.Name == name {
				return f.Value
			}
		}
		t.Fatalf("no field %s", name)
		return ""
	}
	require.Equal(t, "DagOnly", field(false, "DatacenterActivationMode"))
	require.Equal(t, "FSW2", field(false, "AlternateWitnessServer"))
	require.Equal(t, "{}", field(false, "StoppedMailboxServers"))
	require.Equal(t, "{EX1, EX2}", field(false, "StartedMailboxServers"))
	require.Equal(t, "", field(false, "ReplicationPort"))
	require.Equal(t, "", field(false, "WitnessShareInUse"))
	require.Equal(t, "64327", field(true, "ReplicationPort"))
	require.Equal(t, "Primary", field(true, "WitnessShareInUse"))
	require.Equal(t, "InterSubnetOnly", field(true, "NetworkCompression"))
	require.Equal(t, "01:00:00", field(true, "PreferenceMoveFrequency"))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{AlternateWitnessDirectory: `C:\DAGFileShareWitnesses\DAG1.contoso.com`}))
	require.Equal(t, `C:\DAGFileShareWitnesses\DAG1.contoso.com`, field(false, "AlternateWitnessDirectory"))
}

// fact: exchange-site-resilience.md §1.3 (two-member DAGs): a member whose DACP bit
// was set after the witness booted rebooted alone and may mount; when the member and
// the witness restart together (the bit was set before the witness booted), it does
// not mount.
func TestTwoMemberDACPComparesWitnessBootTime(t *testing.T) {
	for _, together := range []bool{false, true} {
		w := two(t)
		require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{DAC: DACDagOnly}))
		w.run(time.Minute)
		w.o.ServerDown("EX2") // the other member is gone for good
		w.o.ServerDown("EX1")
		w.run(time.Minute)
		if together {
			w.o.WitnessBooted("FSW") // site power loss: the witness restarts too
			w.o.NetworkChanged()
		}
		w.o.ServerUp("EX1")
		w.run(time.Minute)
		srv, mounted := w.active("DB1")
		require.Equal(t, "EX1", srv)
		require.Equal(t, !together, mounted, "together=%v", together)
	}
}
