package dag

import (
	"fmt"
	"strings"
)

// Dynamic quorum and dynamic witness (exchange-site-resilience.md §2.8): the Windows
// Server 2012 / 2012 R2 cluster under a DAG of Exchange 2013 or later adjusts the
// votes as members leave one at a time, so the majority is recomputed among the
// survivors down to the "last man standing"; it cannot survive the simultaneous loss
// of a majority of the votes it holds at that moment [manage-cluster-quorum.md].
//
// The rules exsim applies (the Windows documents give the outcome, not an algorithm;
// no Exchange document says how DAGs account for it, see the reference's Gaps):
//
//   - Each member has NodeWeight 1 (its configured vote) and a DynamicWeight, 1 at
//     creation. Quorum needs a majority of the DynamicWeights plus the witness's
//     WitnessDynamicWeight.
//   - A member that leaves the cluster (down, its cluster service stopped, cut off
//     from the majority) keeps its vote until the cluster has removed it from
//     membership: Timings.FailureDetection later (chosen: the same missed-heartbeat
//     window that makes the PAM notice a lost server). Only then, and only while the
//     cluster has quorum, does its DynamicWeight become 0. Losses inside that window
//     are simultaneous; losses further apart are sequential. A member that rejoins
//     gets its vote back after the same delay.
//   - Dynamic witness [understand-quorum.md]: in Node and File Share Majority the
//     witness votes when the members holding a vote are even, not when they are odd;
//     a witness the majority cannot reach does not vote (the same document's "even
//     nodes without witness" case). With an even number of voting members and no
//     usable witness, one member's vote is zeroed: the last in member order that is
//     not the PAM (Windows' LowerQuorumPriorityNodeID tie-breaker is undocumented).
//   - A member that starts while the cluster has no quorum brings only its
//     DynamicWeight: after the last man standing goes down, the others (weight 0)
//     cannot form quorum until it returns or an admin forces quorum
//     (Restore-DatabaseAvailabilityGroup gives the survivors their votes).
//   - Servers evicted behind the cluster's back (split brain, dac.go) judge by the
//     voters they knew before they were cut off, all with a vote: the update that
//     zeroed their weights never reached them.
//
// Known divergence: the TechNet wiki capture of a two-member 2013 SP1 DAG on 2012 R2
// with one member down still shows the down member with DynamicWeight 1 and
// WitnessDynamicWeight 1; these rules give 0 and 0 once the member is removed. Both
// survive the same sequential failures (the survivor alone, or with the witness), so
// the rule that follows the Windows survivability table was kept.
//
// Versions (chosen): Exchange 2010 (Windows Server 2008 R2) keeps static quorum;
// Exchange 2013 is assumed to run on Windows Server 2012 R2 (the first release with
// dynamic witness); 2016, 2019 and SE run on 2012 R2 or later. DAGOptions.DynamicQuorum
// says which.

// ClusterNodeRow is one row of Get-ClusterNode (the captured columns Name,
// DynamicWeight, State, NodeWeight, Id).
type ClusterNodeRow struct {
	Name          string
	State         string // Up, Down, Paused
	DynamicWeight int
	NodeWeight    int
	ID            int
}

// ClusterRow is the quorum properties of Get-Cluster: DynamicQuorum 1 on Windows
// Server 2012+, WitnessDynamicWeight (2012 R2+).
type ClusterRow struct {
	Name                 string
	DynamicQuorum        int
	WitnessDynamicWeight int
}

// ClusterNodes is Get-ClusterNode for the DAG's cluster, in member order. Evicted
// members are not cluster nodes. Under static quorum DynamicWeight equals NodeWeight.
func (o *Org) ClusterNodes(dagName string) ([]ClusterNodeRow, error) {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return nil, err
	}
	var out []ClusterNodeRow
	for i, m := range d.members {
		if m.evicted {
			continue
		}
		st := "Up"
		switch {
		case !m.votes() || !m.inQuorum:
			st = "Down"
		case m.paused:
			st = "Paused"
		}
		out = append(out, ClusterNodeRow{Name: m.name, State: st, DynamicWeight: d.nodeVote(m), NodeWeight: 1, ID: i + 1})
	}
	return out, nil
}

// Cluster is Get-Cluster's quorum properties for the DAG's cluster.
func (o *Org) Cluster(dagName string) (ClusterRow, error) {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return ClusterRow{}, err
	}
	r := ClusterRow{Name: d.name}
	if d.dynamic {
		r.DynamicQuorum = 1
	}
	if d.witnessVotes() {
		r.WitnessDynamicWeight = 1
	}
	return r, nil
}

// nfsm reports whether the DAG's quorum model is Node and File Share Majority: an
// even number of members in the cluster and a witness [DAG].
func (d *dagT) nfsm() bool {
	return len(d.voters())%2 == 0 && d.witnessInUse() != ""
}

// nodeVote is m's vote now: 1 under static quorum, its DynamicWeight under dynamic.
func (d *dagT) nodeVote(m *server) int {
	switch {
	case m.evicted:
		return 0
	case !d.dynamic:
		return 1
	}
	return m.weight
}

// witnessVotes reports whether the witness has a vote now.
func (d *dagT) witnessVotes() bool {
	return d.nfsm() && (!d.dynamic || d.witnessWeight == 1)
}

// voteTargets are the DynamicWeights (by member index) and the witness weight the
// cluster moves to when the members for which in is true form its membership.
func (o *Org) voteTargets(d *dagT, in func(*server) bool) ([]int, int) {
	w := make([]int, len(d.members))
	k := 0
	for i, m := range d.members {
		if !m.evicted && in(m) {
			w[i] = 1
			k++
		}
	}
	witness := 0
	usable := false
	if d.nfsm() {
		for _, m := range d.members {
			if !m.evicted && in(m) && o.reach(m.name, d.witnessInUse()) {
				usable = true
				break
			}
		}
	}
	switch {
	case k%2 == 1:
	case usable:
		witness = 1
	case k > 0:
		for i := len(d.members) - 1; i >= 0; i-- {
			if w[i] == 1 && d.members[i] != d.pam {
				w[i] = 0
				break
			}
		}
	}
	return w, witness
}

func (o *Org) votesDiffer(d *dagT, w []int, witness int) bool {
	if d.nfsm() && witness != d.witnessWeight {
		return true
	}
	for i, m := range d.members {
		if !m.evicted && m.weight != w[i] {
			return true
		}
	}
	return false
}

// armVoteAdjust starts the membership window when the cluster has quorum and its
// votes no longer match its membership; it stops when quorum is lost.
func (o *Org) armVoteAdjust(d *dagT) {
	if !d.dynamic || d.adjust == nil {
		return
	}
	if !d.hasQuorum {
		d.adjust.Stop()
		return
	}
	w, wit := o.voteTargets(d, func(m *server) bool { return m.inQuorum })
	if !o.votesDiffer(d, w, wit) {
		d.adjust.Stop()
		return
	}
	if !d.adjust.Armed() {
		_ = d.adjust.ResetAfter(o.t.FailureDetection)
	}
}

// adjustVotes applies the dynamic weights once the membership window elapsed.
func (o *Org) adjustVotes(d *dagT) {
	if !d.hasQuorum {
		return
	}
	w, wit := o.voteTargets(d, func(m *server) bool { return m.inQuorum })
	var left, zeroed, given []string
	for i, m := range d.members {
		switch {
		case m.evicted || m.weight == w[i]:
		case w[i] == 0 && !m.inQuorum:
			left = append(left, m.name)
		case w[i] == 0:
			zeroed = append(zeroed, m.name)
		default:
			given = append(given, m.name)
		}
	}
	var why []string
	if len(left) > 0 {
		why = append(why, "the cluster removed "+strings.Join(left, ", ")+" from its membership and vote")
	}
	if len(given) > 0 {
		why = append(why, "it gave "+strings.Join(given, ", ")+" a vote again")
	}
	if len(zeroed) > 0 {
		why = append(why, "it took the vote of "+strings.Join(zeroed, ", ")+" to keep the count odd")
	}
	if len(why) == 0 {
		why = append(why, "it set the witness's vote to keep the count odd")
	}
	o.setVotes(d, w, wit, strings.Join(why, "; "))
	o.update("dynamic quorum adjusted the votes of DAG " + d.name)
}

func (o *Org) setVotes(d *dagT, w []int, witness int, why string) {
	if !o.votesDiffer(d, w, witness) {
		return
	}
	e := VotesAdjusted{DAG: d.name, WitnessDynamicWeight: witness, Why: why}
	for i, m := range d.members {
		if m.evicted {
			continue
		}
		m.weight = w[i]
		e.Nodes = append(e.Nodes, fmt.Sprintf("%s=%d", m.name, w[i]))
		if w[i] == 1 {
			e.Total++
		}
	}
	d.witnessWeight = witness
	if d.nfsm() {
		e.Witness = d.witnessInUse()
		e.Total += witness
	}
	note(o, "", d.name, e)
}

// VotesAdjusted ("dag.quorum"): dynamic quorum set the members' DynamicWeight (Nodes,
// "EX1=1") and the WitnessDynamicWeight of Witness ("" Node Majority); Total votes.
type VotesAdjusted struct {
	DAG                  string
	Nodes                []string
	Witness              string
	WitnessDynamicWeight int
	Total                int
	Why                  string
}

// Kind is the journal kind.
func (VotesAdjusted) Kind() string { return "dag.quorum" }

// Narrate renders the event.
func (e VotesAdjusted) Narrate() string {
	w := ""
	if e.Witness != "" {
		w = fmt.Sprintf("; witness %s WitnessDynamicWeight %d", e.Witness, e.WitnessDynamicWeight)
	}
	return fmt.Sprintf("Dynamic quorum: %s, so DAG %s's votes are now DynamicWeight %s%s; %d vote(s) in all, a majority of %d needed.",
		e.Why, e.DAG, strings.Join(e.Nodes, ", "), w, e.Total, e.Total/2+1)
}
