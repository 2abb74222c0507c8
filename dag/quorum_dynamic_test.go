package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fourPlusWitness is a DAG of EX1-EX4 with witness FSW and DB1 on all four, with
// dynamic quorum on or off.
func fourPlusWitness(t *testing.T, dynamic bool) *world {
	w := newWorld(t)
	for _, s := range []string{"EX1", "EX2", "EX3", "EX4"} {
		require.NoError(t, w.o.AddServer(s, "Red"))
	}
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2", "EX3", "EX4"}, "FSW", DAGOptions{Exchange2016: true, DynamicQuorum: dynamic}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3", "EX4"}))
	return w
}

func (w *world) weights() map[string]int {
	rows, err := w.o.ClusterNodes("DAG1")
	require.NoError(w.t, err)
	out := map[string]int{}
	for _, r := range rows {
		out[r.Name] = r.DynamicWeight
	}
	return out
}

func (w *world) witnessWeight() int {
	c, err := w.o.Cluster("DAG1")
	require.NoError(w.t, err)
	return c.WitnessDynamicWeight
}

// fact: exchange-site-resilience.md §2.8 (dynamic quorum recomputes the majority among
// survivors after each sequential failure, down to the last man standing) against
// §2.1 (static: 4 members + witness = 5 votes, at most 2 may be lost): losing EX1,
// EX2 and EX3 one at a time, a minute apart, leaves EX4 with quorum and DB1 mounted
// under dynamic quorum; the static cluster stops at the third loss.
func TestDynamicQuorumSurvivesSequentialLossesStaticQuorumDoesNot(t *testing.T) {
	for _, dynamic := range []bool{false, true} {
		w := fourPlusWitness(t, dynamic)
		for _, s := range []string{"EX1", "EX2", "EX3"} {
			w.o.ServerDown(s)
			w.run(time.Minute)
		}
		srv, mounted := w.active("DB1")
		require.Equal(t, dynamic, w.o.HasQuorum("DAG1"), "dynamic=%v", dynamic)
		require.Equal(t, dynamic, mounted, "dynamic=%v", dynamic)
		if dynamic {
			require.Equal(t, "EX4", srv)
			require.Equal(t, map[string]int{"EX1": 0, "EX2": 0, "EX3": 0, "EX4": 1}, w.weights(), "the last man standing holds the only vote")
			require.Equal(t, 0, w.witnessWeight(), "one voting node is odd: the witness does not vote")
		}
	}
}

// fact: exchange-site-resilience.md §2.8: dynamic quorum "cannot survive the
// simultaneous loss of a majority": three of four members lost in one instant leave
// EX4 and the witness with 2 of 5 votes.
func TestDynamicQuorumCannotSurviveSimultaneousLossOfAMajority(t *testing.T) {
	w := fourPlusWitness(t, true)
	for _, s := range []string{"EX1", "EX2", "EX3"} {
		w.o.ServerDown(s)
	}
	w.run(time.Minute)
	require.False(t, w.o.HasQuorum("DAG1"))
	_, mounted := w.active("DB1")
	require.False(t, mounted)
	require.Equal(t, map[string]int{"EX1": 1, "EX2": 1, "EX3": 1, "EX4": 1}, w.weights(), "without quorum the cluster adjusts nothing")
}

// fact: exchange-site-resilience.md §2.8 (survivability table: 4 + witness survives
// two simultaneous failures).
func TestFourMembersAndWitnessSurviveTwoSimultaneousFailures(t *testing.T) {
	w := fourPlusWitness(t, true)
	w.o.ServerDown("EX1")
	w.o.ServerDown("EX2")
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"))
	require.Equal(t, 1, w.witnessWeight(), "two voting nodes are even: the witness votes")
}

// fact: exchange-site-resilience.md §2.8 (dynamic witness keeps the total odd: even
// voting nodes + witness: the witness votes; odd: it does not).
func TestDynamicWitnessVotesOnlyWithAnEvenNumberOfVotingMembers(t *testing.T) {
	w := fourPlusWitness(t, true)
	require.Equal(t, 1, w.witnessWeight())
	w.o.ServerDown("EX4")
	require.Equal(t, 1, w.witnessWeight(), "inside the membership window nothing changes yet")
	w.run(time.Minute)
	require.Equal(t, 0, w.witnessWeight())
	require.Equal(t, 0, w.weights()["EX4"])
	w.o.ServerUp("EX4")
	w.run(time.Minute)
	require.Equal(t, 1, w.witnessWeight(), "EX4 rejoined and has its vote back")
	require.Equal(t, 1, w.weights()["EX4"])
	var adj []VotesAdjusted
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(VotesAdjusted); ok {
			adj = append(adj, e)
		}
	}
	require.Len(t, adj, 2)
	require.Equal(t, 3, adj[0].Total)
	require.Contains(t, adj[0].Narrate(), "WitnessDynamicWeight 0")
}

// fact: exchange-site-resilience.md §2.8 (even nodes without a witness: one node's
// vote is zeroed; 2 nodes = 50/50 for one failure): a three-member DAG (Node
// Majority) that lost EX3 zeroes EX2's vote, so losing EX1 (the PAM, holding the
// vote) stops the cluster while losing EX2 would not.
func TestEvenVotingMembersWithoutWitnessZeroOneVote(t *testing.T) {
	w := newWorld(t)
	for _, s := range []string{"EX1", "EX2", "EX3"} {
		require.NoError(t, w.o.AddServer(s, "Red"))
	}
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2", "EX3"}, "", DAGOptions{DynamicQuorum: true}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3"}))
	w.o.ServerDown("EX3")
	w.run(time.Minute)
	require.Equal(t, map[string]int{"EX1": 1, "EX2": 0, "EX3": 0}, w.weights())
	w.o.ServerDown("EX2")
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"), "EX2 had no vote to lose")
	// The last man standing goes down: EX2 and EX3 restarting hold no vote.
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	w.o.ServerUp("EX2")
	w.o.ServerUp("EX3")
	w.run(time.Minute)
	require.False(t, w.o.HasQuorum("DAG1"), "the members with DynamicWeight 0 cannot form quorum without the last man standing")
	w.o.ServerUp("EX1")
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"))
	require.Equal(t, map[string]int{"EX1": 1, "EX2": 1, "EX3": 1}, w.weights(), "rejoined members get their votes back")
}

// fact: exchange-site-resilience.md §2.8 (Get-ClusterNode columns name, dynamicweight,
// state, nodeweight, id; (Get-Cluster).WitnessDynamicWeight; DynamicQuorum 1): a
// down member shows State Down and NodeWeight 1; a static (2010) cluster shows
// DynamicQuorum 0.
func TestGetClusterNodeShowsDynamicWeightStateNodeWeightId(t *testing.T) {
	w := fourPlusWitness(t, true)
	w.o.ServerDown("EX2")
	w.run(time.Minute)
	rows, err := w.o.ClusterNodes("DAG1")
	require.NoError(t, err)
	require.Equal(t, ClusterNodeRow{Name: "EX2", State: "Down", DynamicWeight: 0, NodeWeight: 1, ID: 2}, rows[1])
	c, err := w.o.Cluster("DAG1")
	require.NoError(t, err)
	require.Equal(t, 1, c.DynamicQuorum)
	s := fourPlusWitness(t, false)
	c, err = s.o.Cluster("DAG1")
	require.NoError(t, err)
	require.Equal(t, ClusterRow{Name: "DAG1", DynamicQuorum: 0, WitnessDynamicWeight: 1}, c)
	_, err = s.o.ClusterNodes("NOPE")
	require.Error(t, err)
}
