package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The survivors of gremlins' run 3 on dac.go (MUTATION.md, "dag/dac.go's run 3
// survivors (sixth session)"): each test names the Exchange fact the line models.

// restored lists the Restore-DatabaseAvailabilityGroup events of the journal.
func (w *world) restored() []DAGRestored {
	var out []DAGRestored
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(DAGRestored); ok {
			out = append(out, e)
		}
	}
	return out
}

// dagField is one field of Get-DatabaseAvailabilityGroup DAG1 [-Status].
func (w *world) dagField(status bool, name string) string {
	w.t.Helper()
	rows, err := w.o.DAGStatus("DAG1", status)
	require.NoError(w.t, err)
	require.Len(w.t, rows, 1)
	for _, f := range rows[0].Fields() {
		if f.Name == name {
			return f.Value
		}
	}
	w.t.Fatalf("no field %s", name)
	return ""
}

// fact: exchange-site-resilience.md §1.3: every time Active Manager starts in a DAC
// mode DAG its bit is 0, and it sets 1 only when another member answers with 1; in a
// two-member DAG whose member restarted with the witness, it does not mount, and
// Restore-DatabaseAvailabilityGroup (after Stop-DatabaseAvailabilityGroup, §2.4)
// resets the bit and lets it mount. Stopping the lost member leaves the survivor
// alone on StartedMailboxServers: it reaches no other started server, and that alone
// sets no bit. (The reference says only that the bit is set when another member
// answers with 1; with no started member to answer, exsim sets none.)
func TestTwoMemberDACSurvivorRestartedWithTheWitnessMountsOnlyAfterRestoreDAG(t *testing.T) {
	w := two(t)
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{AlternateWitness: "FSW2", DAC: DACDagOnly}))
	w.run(time.Minute)
	w.o.ServerDown("EX2") // lost for good
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.o.WitnessBooted("FSW") // site power loss: the witness restarts with EX1
	w.o.NetworkChanged()
	w.o.ServerUp("EX1")
	w.run(time.Minute)
	_, mounted := w.active("DB1")
	require.False(t, mounted, "EX1 restarted with the witness")

	require.NoError(t, w.o.StopDAG("DAG1", "", []string{"EX2"}, true))
	w.run(time.Minute)
	require.Equal(t, "{EX1}", w.dagField(false, "StartedMailboxServers"))
	require.False(t, w.o.servers["ex1"].dacp, "EX1 alone on StartedMailboxServers reaches no server that could answer 1")
	_, mounted = w.active("DB1")
	require.False(t, mounted, "Stop-DatabaseAvailabilityGroup resets no DACP bit")

	require.NoError(t, w.o.RestoreDAG("DAG1", RestoreOptions{}))
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted, "Restore-DatabaseAvailabilityGroup reset EX1's bit")
}

// fact: exchange-site-resilience.md §1.3 (two-member DAGs): a member whose DACP bit
// was set after the witness booted assumes an isolated reboot and may mount. EX1's
// bit set by EX2's answer in the same instant as, but after, the witness's boot
// counts as set after it. (The reference does not order the two within an instant;
// exsim takes the order its events ran in.)
func TestTwoMemberDACPBitSetRightAfterTheWitnessBootedAllowsAnIsolatedReboot(t *testing.T) {
	w := two(t)
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{DAC: DACDagOnly}))
	w.run(time.Minute)
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.o.WitnessBooted("FSW") // the witness restarted; EX1 comes back at the same instant
	w.o.NetworkChanged()
	w.journalFrom()
	w.o.ServerUp("EX1")
	sets := w.dacpSets()
	require.NotEmpty(t, sets)
	require.Equal(t, DACPBitSet{DAG: "DAG1", Server: "EX1", By: "EX2"}, sets[len(sets)-1])
	require.Equal(t, w.o.witnessBoot["fsw"], w.o.servers["ex1"].dacpSetAt, "the same instant")
	w.run(time.Minute)

	w.o.ServerDown("EX2") // the other member is gone for good
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.o.ServerUp("EX1") // an isolated reboot: the witness did not restart
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted, "the bit was set after the witness booted")
}

// redCutOffAndSwitchedToBlue is the stretched DAG in DAC mode whose WAN fails while
// Red keeps its power: Red keeps quorum (EX1, EX2 and the witness, 3 of 5), and the
// administrators in Blue run Stop-DatabaseAvailabilityGroup -ConfigurationOnly for
// Red and Restore-DatabaseAvailabilityGroup for Blue without reaching Red, whose
// servers keep running with their DACP bits at 1.
func redCutOffAndSwitchedToBlue(t *testing.T) *world {
	w := stretched(t, true)
	w.partition(redNodes, blueNodes)
	w.run(time.Minute)
	w.switchoverToBlue()
	w.run(time.Minute)
	return w
}

// fact: exchange-site-resilience.md §2.2 and §1.3: terminating the primary with
// Stop-DatabaseAvailabilityGroup -ConfigurationOnly only (servers neither stopped
// nor powered off) risks split brain: the cut-off members still have their DACP
// bit, and a member that restarts there sets its own from a member that answers
// with 1 and mounts its databases too.
func TestACutOffPrimaryMemberThatRestartsTakesItsDACPBitFromAPeerAndMounts(t *testing.T) {
	w := redCutOffAndSwitchedToBlue(t)
	require.Equal(t, []string{"DB1", "DB2"}, w.splitBrain(), "EX1 and EX2 were never stopped")
	w.o.ServerDown("EX2")
	w.run(time.Minute)
	require.Empty(t, w.splitBrain(), "EX1 and the witness: 2 of 5")
	w.journalFrom()
	w.o.ServerUp("EX2")
	w.run(time.Minute)
	sets := w.dacpSets()
	require.NotEmpty(t, sets)
	require.Equal(t, DACPBitSet{DAG: "DAG1", Server: "EX2", By: "EX1"}, sets[len(sets)-1])
	require.Equal(t, []string{"DB1", "DB2"}, w.splitBrain(), "EX2 answered by EX1 mounts DB2 again")
	require.Contains(t, w.o.MountedCopies("DB2"), "EX2")
}

// fact: exchange-site-resilience.md §1.2: the primary members that return with the
// WAN down start and mount their databases: each the databases that were active on
// it (DB1 on EX1, DB2 on EX2), not another member's.
func TestReturningPrimaryMembersMountTheDatabasesThatWereActiveOnThem(t *testing.T) {
	w := nonDACSwitchedToBlue(t)
	w.o.ServerUp("EX1")
	w.o.ServerUp("EX2")
	w.run(time.Minute)
	require.Equal(t, []string{"DB1", "DB2"}, w.splitBrain())
	db1, db2 := w.o.MountedCopies("DB1"), w.o.MountedCopies("DB2")
	require.Contains(t, db1, "EX1")
	require.NotContains(t, db1, "EX2")
	require.Contains(t, db2, "EX2")
	require.NotContains(t, db2, "EX1")
}

// fact: exchange-site-resilience.md §2.4 and §2.1: neither the witness server nor the
// alternate witness server may be a DAG member (Set-DatabaseAvailabilityGroup
// -WitnessServer / -AlternateWitnessServer, and the topology's alternate witness).
func TestAWitnessOrAlternateWitnessMustNotBeADAGMember(t *testing.T) {
	w := stretched(t, true)
	require.ErrorContains(t, w.o.SetSiteOptions("DAG1", SiteOptions{AlternateWitness: "ex3"}), "must not be a DAG member")
	require.ErrorContains(t, w.o.SetDAG("DAG1", SetDAGOptions{WitnessServer: "EX1"}), "must not be a DAG member")
	require.ErrorContains(t, w.o.SetDAG("DAG1", SetDAGOptions{AlternateWitness: "EX4"}), "must not be a DAG member")
	require.Equal(t, "FSW", w.dagField(false, "WitnessServer"))
	require.Equal(t, "FSW2", w.dagField(false, "AlternateWitnessServer"))
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{AlternateWitness: "FSW3"}))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{WitnessServer: "FSW4"}))
	require.Equal(t, "FSW3", w.dagField(false, "AlternateWitnessServer"))
	require.Equal(t, "FSW4", w.dagField(false, "WitnessServer"))
}

// fact: exchange-site-resilience.md §2.4: the alternate witness server and directory
// are preconfigured with Set-DatabaseAvailabilityGroup (-AlternateWitnessServer CAS3
// -AlternateWitnessDirectory ...), and -WitnessDirectory likewise (§2.1); a later
// Set-DatabaseAvailabilityGroup that does not name them leaves them as they are.
func TestSetDAGKeepsTheWitnessDirectoriesAndAlternateWitnessItWasNotGiven(t *testing.T) {
	w := stretched(t, true)
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{AlternateWitness: "CAS3", AlternateWitnessSite: "Blue", WitnessDirectory: `C:\DAGFileShareWitnesses\DAG1.contoso.com`}))
	require.Equal(t, "CAS3", w.dagField(false, "AlternateWitnessServer"))
	require.Equal(t, `C:\DAGFileShareWitnesses\DAG1.contoso.com`, w.dagField(false, "WitnessDirectory"))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{}))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{DAC: DACDagOnly}))
	require.Equal(t, "CAS3", w.dagField(false, "AlternateWitnessServer"))
	require.Equal(t, `C:\DAGFileShareWitnesses\DAG1.contoso.com`, w.dagField(false, "WitnessDirectory"))
}

// fact: exchange-site-resilience.md §2.6 and §2.1: after a switchover the quorum model
// goes back to the primary witness with the bare Set-DatabaseAvailabilityGroup
// -Identity, or with -WitnessServer (the 2010 guide's switchback); a
// Set-DatabaseAvailabilityGroup that sets other properties only (here the alternate
// witness directory, §2.4) leaves the alternate witness in use.
func TestSetDAGWithTheWitnessServerGoesBackToThePrimaryWitnessOtherParametersDoNot(t *testing.T) {
	w := stretched(t, true)
	w.failRed()
	w.run(time.Minute)
	w.switchoverToBlue()
	w.run(time.Minute)
	require.Equal(t, "Alternate", w.dagField(true, "WitnessShareInUse"))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{AlternateWitnessDirectory: `C:\DAGFileShareWitnesses\DAG1.contoso.com`}))
	require.Equal(t, "Alternate", w.dagField(true, "WitnessShareInUse"))
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{WitnessServer: "FSW"}))
	require.Equal(t, "Primary", w.dagField(true, "WitnessShareInUse"))
}

// fact: exchange-site-resilience.md §2.3 and §2.4: Restore-DatabaseAvailabilityGroup
// -AlternateWitnessDirectory sets the alternate witness directory; without it the one
// preconfigured with Set-DatabaseAvailabilityGroup stays.
func TestRestoreDAGSetsTheAlternateWitnessDirectoryOnlyWhenGiven(t *testing.T) {
	w := stretched(t, true)
	require.NoError(t, w.o.SetDAG("DAG1", SetDAGOptions{AlternateWitnessDirectory: `C:\DAGFileShareWitnesses\DAG1.contoso.com`}))
	w.failRed()
	w.run(time.Minute)
	w.switchoverToBlue()
	w.run(time.Minute)
	require.Equal(t, `C:\DAGFileShareWitnesses\DAG1.contoso.com`, w.dagField(false, "AlternateWitnessDirectory"))

	w = stretched(t, true)
	w.failRed()
	w.run(time.Minute)
	require.NoError(t, w.o.StopDAG("DAG1", "Red", nil, true))
	require.NoError(t, w.o.RestoreDAG("DAG1", RestoreOptions{Site: "Blue", AlternateWitness: "CAS3", AlternateWitnessSite: "Blue", AlternateWitnessDirectory: `D:\DAG1`}))
	w.run(time.Minute)
	require.Equal(t, `D:\DAG1`, w.dagField(false, "AlternateWitnessDirectory"))
	require.Equal(t, "CAS3", w.dagField(false, "AlternateWitnessServer"))
}

// fact: exchange-site-resilience.md §2.2 and §2.5: when the standby site's surviving
// members are even, Restore-DatabaseAvailabilityGroup moves the DAG to Node and File
// Share Majority with the alternate witness, and says so.
func TestRestoreDAGWithEvenSurvivorsReportsTheAlternateWitness(t *testing.T) {
	w := stretched(t, true)
	w.failRed()
	w.run(time.Minute)
	w.switchoverToBlue()
	w.run(time.Minute)
	got := w.restored()
	require.Len(t, got, 1)
	require.Equal(t, []string{"EX3", "EX4"}, got[0].Survivors)
	require.Equal(t, "FSW2", got[0].Witness)
	require.True(t, got[0].Alternate)
}

// fact: exchange-site-resilience.md §2.4 and §2.3: Restore-DatabaseAvailabilityGroup
// configures the alternate witness also when a single member survives (Node and File
// Share Majority with the alternate witness "if the resulting count is even or a
// single node"), so it needs one (-AlternateWitnessServer, or
// -UsePrimaryWitnessServer).
func TestRestoreDAGToASingleSurvivorNeedsTheAlternateWitness(t *testing.T) {
	w := two(t)
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{DAC: DACDagOnly}))
	w.run(time.Minute)
	w.o.ServerDown("EX2")
	w.run(time.Minute)
	require.NoError(t, w.o.StopDAG("DAG1", "", []string{"EX2"}, true))
	require.ErrorContains(t, w.o.RestoreDAG("DAG1", RestoreOptions{}), "no alternate witness server is configured")
	require.NoError(t, w.o.RestoreDAG("DAG1", RestoreOptions{AlternateWitness: "FSW2"}))
	w.run(time.Minute)
	got := w.restored()
	require.Len(t, got, 1)
	require.Equal(t, []string{"EX1"}, got[0].Survivors)
	require.Equal(t, "FSW2", got[0].Witness)
	require.True(t, got[0].Alternate)
	require.Equal(t, "FSW2", w.o.dagByN["dag1"].witnessInUse())
}

// fact: exchange-site-resilience.md §2.3: the alternate witness is configured only
// when the count left after evicting the stopped servers is even or a single node;
// three members left are Node Majority, and Restore-DatabaseAvailabilityGroup
// needs no alternate witness.
func TestRestoreDAGWithThreeMembersLeftIsNodeMajorityWithoutAWitness(t *testing.T) {
	w := newWorld(t)
	for _, s := range [][2]string{{"EX1", "Red"}, {"EX2", "Red"}, {"EX3", "Blue"}, {"EX4", "Blue"}} {
		require.NoError(t, w.o.AddServer(s[0], s[1]))
	}
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2", "EX3", "EX4"}, "FSW"))
	require.NoError(t, w.o.SetSiteOptions("DAG1", SiteOptions{WitnessSite: "Red", DAC: DACDagOnly}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3", "EX4"}))
	w.run(time.Minute)
	w.o.ServerDown("EX4")
	w.run(time.Minute)
	require.NoError(t, w.o.StopDAG("DAG1", "", []string{"EX4"}, true))
	require.NoError(t, w.o.RestoreDAG("DAG1", RestoreOptions{}))
	w.run(time.Minute)
	got := w.restored()
	require.Len(t, got, 1)
	require.Equal(t, []string{"EX4"}, got[0].Evicted)
	require.Equal(t, []string{"EX1", "EX2", "EX3"}, got[0].Survivors)
	require.Empty(t, got[0].Witness)
	require.False(t, got[0].Alternate)
	require.Equal(t, "None", w.dagField(true, "WitnessShareInUse"))
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
}
