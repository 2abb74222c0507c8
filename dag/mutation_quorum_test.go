package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of quorum_dynamic.go that survived the mutation run of the
// code added since ff5252e~1 (MUTATION.md, "dag, second run (fifth session)").

// fact: exchange-site-resilience.md §2.8 (dynamic witness keeps the vote count odd:
// even nodes without a witness, one node's vote is zeroed): with two voting members,
// the witness unreachable and EX2 the PAM, the vote taken is the first member's,
// EX1 (exsim takes the last member that is not the PAM, here the only one).
func TestEvenNodesWithoutAWitnessZeroOneVoteEvenTheFirstMembers(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Red"))
	require.NoError(t, w.o.AddDAGWith("DAG1", []string{"EX1", "EX2"}, "FSW", DAGOptions{Exchange2016: true, DynamicQuorum: true}))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2"}))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	require.Equal(t, "EX2", w.o.PAM("DAG1"))
	w.o.ServerUp("EX1")
	w.run(time.Minute)
	require.Equal(t, map[string]int{"EX1": 1, "EX2": 1}, w.weights())
	w.partition([]string{"EX1", "EX2"}, []string{"FSW"})
	w.run(time.Minute)
	require.True(t, w.o.HasQuorum("DAG1"))
	require.Equal(t, "EX2", w.o.PAM("DAG1"))
	require.Equal(t, map[string]int{"EX1": 0, "EX2": 1}, w.weights())
	require.Equal(t, 0, w.witnessWeight())
}

// fact: exchange-site-resilience.md §2.8 (dynamic quorum recomputes the majority after
// each sequential failure; a member that rejoins votes again; dynamic witness keeps
// the count odd): each vote adjustment says which of the three it was, and only that.
func TestVoteAdjustmentsSayWhoLeftWhoReturnedAndWhoseVoteKeepsTheCountOdd(t *testing.T) {
	w := fourPlusWitness(t, true)
	w.o.ServerDown("EX4")
	w.run(time.Minute)
	w.o.ServerUp("EX4")
	w.run(time.Minute)
	w.partition([]string{"EX1", "EX2", "EX3", "EX4"}, []string{"FSW"})
	w.run(time.Minute)
	var why []string
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(VotesAdjusted); ok {
			why = append(why, e.Why)
		}
	}
	require.Equal(t, []string{
		"the cluster removed EX4 from its membership and vote",
		"it gave EX4 a vote again",
		"it took the vote of EX4 to keep the count odd",
	}, why)
}

// fact: exchange-site-resilience.md §2.1 (4 members + witness = 5 voters; at least 3
// must communicate) with §2.8 (dynamic weights): the vote adjustment's narration
// gives the votes in all and the majority of them that quorum needs.
func TestVoteAdjustmentNarrationGivesTheMajorityNeeded(t *testing.T) {
	w := fourPlusWitness(t, true)
	w.o.ServerDown("EX4")
	w.run(time.Minute)
	var got []string
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(VotesAdjusted); ok {
			got = append(got, e.Narrate())
		}
	}
	require.Equal(t, []string{"Dynamic quorum: the cluster removed EX4 from its membership and vote, so DAG DAG1's votes are now DynamicWeight EX1=1, EX2=1, EX3=1, EX4=0; witness FSW WitnessDynamicWeight 0; 3 vote(s) in all, a majority of 2 needed."}, got)
}
