package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dacpSets lists who set each DACP bit and why, from the journal.
func (w *world) dacpSets() []DACPBitSet {
	var out []DACPBitSet
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(DACPBitSet); ok {
			out = append(out, e)
		}
	}
	return out
}

// fact: exchange-site-resilience.md §1.3: a member that starts in a DAC mode DAG sets
// its DACP bit to 1 when another member answers with 1; it needs every member of
// StartedMailboxServers only when no member with the bit answers. One member with
// the bit is enough even while another started member is down.
func TestDACPBitIsSetByOnePeerWithItsBitWhileAStartedMemberIsDown(t *testing.T) {
	w := stretched(t, true)
	w.o.ServerDown("EX4")
	w.run(time.Minute)
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.journalFrom()
	w.o.ServerUp("EX1")
	w.run(time.Minute)
	require.True(t, w.o.servers["ex1"].dacp, "EX2 and EX3 answer with 1")
	sets := w.dacpSets()
	require.NotEmpty(t, sets)
	last := sets[len(sets)-1]
	require.Equal(t, "EX1", last.Server)
	require.NotEqual(t, "StartedMailboxServers", last.By, "a peer's bit, not the started list, set it")
}

// The narration of DAC-mode events says which rule set a DACP bit, whether a copy
// lags, and only what Set-DatabaseAvailabilityGroup changed.
func TestDACNarrationSaysWhichRuleActedAndWhatChanged(t *testing.T) {
	for _, c := range []struct {
		e    interface{ Narrate() string }
		want string
	}{
		{DACPBitSet{DAG: "DAG1", Server: "EX1", By: "StartedMailboxServers"}, "reaches every server on StartedMailboxServers of DAG1 (automount consensus)"},
		{DACPBitSet{DAG: "DAG1", Server: "EX1", By: "EX2"}, "EX2 answered with DACP bit 1"},
		{CopyLagSet{Database: "DB1", Server: "EX4"}, `DB1\EX4 is not a lagged copy (ReplayLagTime 00:00:00)`},
		{CopyLagSet{Database: "DB1", Server: "EX4", ReplayLagTime: 24 * time.Hour}, `DB1\EX4 is a lagged copy: ReplayLagTime 1.00:00:00`},
		{DAGSet{DAG: "DAG1", DAC: DACDagOnly}, "Set-DatabaseAvailabilityGroup DAG1 set DatacenterActivationMode DagOnly"},
		{DAGSet{DAG: "DAG1", WitnessServer: "FSW3"}, "Set-DatabaseAvailabilityGroup DAG1 set WitnessServer FSW3"},
	} {
		require.Contains(t, c.e.Narrate(), c.want)
	}
	require.NotContains(t, DAGSet{DAG: "DAG1", WitnessServer: "FSW3"}.Narrate(), "DatacenterActivationMode")
	require.NotContains(t, DAGSet{DAG: "DAG1", DAC: DACDagOnly}.Narrate(), "WitnessServer")
}

// nonDACSwitchedToBlue is the stretched DAG without DAC mode after Red's power loss
// and the non-DAC switchover (Blue forces quorum and evicts Red); Red's power is
// back and the WAN is still down, with every Red server still off.
func nonDACSwitchedToBlue(t *testing.T) *world {
	w := stretched(t, false)
	w.failRed()
	w.run(time.Minute)
	d := w.o.dagByN["dag1"]
	red := []*server{w.o.servers["ex1"], w.o.servers["ex2"]}
	blue := []*server{w.o.servers["ex3"], w.o.servers["ex4"]}
	require.NoError(t, w.o.forceQuorum(d, red, blue, false, "the non-DAC switchover"))
	w.run(time.Minute)
	w.cut = map[[2]string]bool{}
	w.partition(redNodes, blueNodes)
	return w
}

// fact: exchange-site-resilience.md §1.3: the split brain DAC mode prevents comes from
// members of the primary site that return with their old view of the cluster and form
// a majority of its votes (EX1, EX2 and the witness: 3 of 5). One member and the
// witness are 2 of 5: without DAC mode they still do not mount.
func TestWithoutDACModeAReturningMinorityOfTheOldClusterDoesNotMount(t *testing.T) {
	w := nonDACSwitchedToBlue(t)
	// power back in Red for EX1 and the witness only; the WAN stays down
	w.o.ServerUp("EX1")
	w.run(time.Minute)
	require.Empty(t, w.splitBrain(), "2 of 5 votes")
	w.o.ServerUp("EX2")
	w.run(time.Minute)
	require.Equal(t, []string{"DB1", "DB2"}, w.splitBrain(), "3 of 5 votes: the split brain of a non-DAC DAG")
}

// The site-resilience cmdlets' narrations name the parameters given
// (-ActiveDirectorySite, -ConfigurationOnly) and only the parts that apply.
func TestSiteResilienceNarrationsNameWhatWasGivenAndWhatApplies(t *testing.T) {
	for _, c := range []struct {
		e    interface{ Narrate() string }
		want string
	}{
		{DAGSet{DAG: "DAG1", AlternateWitness: "FSW2"}, "Set-DatabaseAvailabilityGroup DAG1 set AlternateWitnessServer FSW2."},
		{DAGSet{DAG: "DAG1"}, "Set-DatabaseAvailabilityGroup DAG1 re-adjusted the quorum model."},
		{DAGStopped{DAG: "DAG1", Site: "Red", Servers: []string{"EX1", "EX2"}},
			"Stop-DatabaseAvailabilityGroup DAG1 -ActiveDirectorySite Red: EX1, EX2 on StoppedMailboxServers, so Active Manager will not mount databases there; their cluster service is stopped and disabled."},
		{DAGStopped{DAG: "DAG1", Servers: []string{"EX1"}, ConfigurationOnly: true, Unreachable: []string{"EX1"}},
			"Stop-DatabaseAvailabilityGroup DAG1 -ConfigurationOnly: EX1 on StoppedMailboxServers, so Active Manager will not mount databases there (EX1 could not be reached and were only marked in Active Directory)."},
		{DAGRestored{DAG: "DAG1", By: "Restore-DatabaseAvailabilityGroup", Survivors: []string{"EX3", "EX4"}, Evicted: []string{"EX1", "EX2"}, Witness: "FSW2", Alternate: true, Unaware: []string{"EX1"}},
			"Restore-DatabaseAvailabilityGroup DAG1: the cluster is forced to start on EX3, EX4 and evicts EX1, EX2; the remaining members are even (or one), so quorum is Node and File Share Majority with the alternate witness FSW2. The survivors' DACP bits are reset to 1; EX1, down or cut off, do not know they were evicted."},
		{DAGRestored{DAG: "DAG1", By: "Restore-DatabaseAvailabilityGroup", Survivors: []string{"EX3"}, Evicted: []string{"EX1"}},
			"Restore-DatabaseAvailabilityGroup DAG1: the cluster is forced to start on EX3 and evicts EX1; quorum is Node Majority. The survivors' DACP bits are reset to 1."},
		{DAGStarted{DAG: "DAG1", Site: "Red", Servers: []string{"EX1"}, Joined: []string{"EX1"}},
			"Start-DatabaseAvailabilityGroup DAG1 -ActiveDirectorySite Red: EX1 leave StoppedMailboxServers and EX1 rejoin the cluster."},
		{DAGStarted{DAG: "DAG1", Servers: []string{"EX1"}, ConfigurationOnly: true},
			"Start-DatabaseAvailabilityGroup DAG1 -ConfigurationOnly: EX1 leave StoppedMailboxServers."},
		{SplitBrainMount{DAG: "DAG1", Database: "DB1", Server: "EX1", Why: "3 of 5 votes", AlsoMountedOn: "EX3"},
			"SPLIT BRAIN: EX1, evicted from DAG1 while it was cut off, believes the old cluster has quorum (3 of 5 votes) and mounts DB1, which it still thinks is active there; DB1 is also mounted on EX3."},
		{SplitBrainMount{DAG: "DAG1", Database: "DB1", Server: "EX1", Why: "3 of 5 votes"},
			"SPLIT BRAIN: EX1, evicted from DAG1 while it was cut off, believes the old cluster has quorum (3 of 5 votes) and mounts DB1, which it still thinks is active there."},
	} {
		require.Equal(t, c.want, c.e.Narrate())
	}
}

// fact: exchange-site-resilience.md §1.3: the returning members count the old
// cluster's votes among those they reach: EX1 and EX2 back in Red but cut off from
// each other (and from Blue) each hold their own vote and the witness's, 2 of 5, and
// neither mounts.
func TestReturningMembersThatCannotReachEachOtherCountTheirVotesApart(t *testing.T) {
	w := nonDACSwitchedToBlue(t)
	w.partition([]string{"EX1"}, []string{"EX2"})
	w.o.ServerUp("EX1")
	w.o.ServerUp("EX2")
	w.run(time.Minute)
	require.Empty(t, w.splitBrain(), "2 of 5 votes on each side")
}
