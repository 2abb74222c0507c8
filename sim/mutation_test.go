package sim_test

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim"
)

// Tests that kill the mutants gremlins found alive in sim (MUTATION.md). Each pins a
// rule of the kernel as written in ../shared/design.md "The kernel": events run in
// (time, sequence) order, lazy cancellation drops stale entries, the journal records
// what its taps do not consume.

// armTimers arms n func timers at instants 1..n and returns them.
func armTimers(t *testing.T, s *sim.Sim, n int, fired *[]time.Duration) []*sim.Timer {
	ts := make([]*sim.Timer, n)
	for i := range ts {
		ts[i] = s.NewFuncTimer(0, func() { *fired = append(*fired, s.Now()) })
		require.NoError(t, ts[i].Reset(time.Duration(i+1)))
	}
	return ts
}

// design.md "The kernel": lazy cancellation; sim.go noteStale: stale entries are removed
// all at once only when they are more than 64 and the majority of the agenda.
func TestStaleTimerEntriesAreCompactedOnceMoreThan64AndTheMajority(t *testing.T) {
	cases := []struct {
		armed, stopped, pending int
	}{
		{100, 64, 100}, // 64 stale: not more than 64
		{100, 65, 35},  // 65 stale of 100: compacted
		{130, 65, 130}, // 65 stale of 130: exactly half, not the majority
		{130, 66, 64},  // 66 of 130: compacted
	}
	for _, c := range cases {
		s := sim.New(sim.Config{})
		var fired []time.Duration
		ts := armTimers(t, s, c.armed, &fired)
		for _, tm := range ts[:c.stopped] {
			require.True(t, tm.Stop())
		}
		require.Equal(t, c.pending, s.Pending(), "%d armed, %d stopped", c.armed, c.stopped)
	}
}

// A stale entry dropped when it reaches the top of the agenda no longer counts as
// stale: stopping a few more timers later does not compact the agenda.
func TestStaleEntriesDroppedAtTheTopNoLongerCount(t *testing.T) {
	s := sim.New(sim.Config{})
	var fired []time.Duration
	ts := armTimers(t, s, 100, &fired)
	for _, tm := range ts[:60] {
		require.True(t, tm.Stop())
	}
	ok, err := s.Step() // drops the 60 stale entries, fires the timer at 61
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []time.Duration{61}, fired)
	require.Equal(t, 39, s.Pending())
	for _, tm := range ts[61:66] {
		require.True(t, tm.Stop())
	}
	require.Equal(t, 39, s.Pending(), "5 stale of 39: no compaction")
}

// design.md "The kernel": ties run in scheduling order, and compaction does not change
// the order ("(at, seq) is a total order"): after many random cancellations every
// live timer fires, in time order.
func TestCompactionKeepsTheAgendaInTimeOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		s := sim.New(sim.Config{})
		var fired, want []time.Duration
		var ts []*sim.Timer
		for i := 0; i < 300; i++ {
			tm := s.NewFuncTimer(0, func() { fired = append(fired, s.Now()) })
			require.NoError(t, tm.Reset(time.Duration(r.IntN(1000))))
			ts = append(ts, tm)
		}
		for _, tm := range ts {
			if r.IntN(10) < 7 {
				tm.Stop()
			} else {
				want = append(want, tm.When())
			}
		}
		require.NoError(t, s.Run())
		sort.Slice(want, func(a, b int) bool { return want[a] < want[b] })
		require.Equal(t, want, fired, "round %d", round)
	}
}

// Sim.Reserve/PostSeq: every reserved sequence number may be used, the last one too;
// an unreserved one is refused.
func TestPostSeqAcceptsTheLastReservedSequence(t *testing.T) {
	s := sim.New(sim.Config{})
	first := s.Reserve(3)
	var got []uint64
	for _, seq := range []uint64{first + 2, first, first + 1} {
		require.NoError(t, s.AtSeq(1, seq, 0, func() { got = append(got, seq) }))
	}
	require.Error(t, s.AtSeq(1, first+3, 0, func() {}), "not reserved")
	require.Error(t, s.AtSeq(1, 0, 0, func() {}), "zero is never reserved")
	require.NoError(t, s.Run())
	require.Equal(t, []uint64{first, first + 1, first + 2}, got, "ties run in sequence order")
}

// Journal.Tap with Consume takes the records of its own kind only: others are kept.
func TestConsumingTapTakesOnlyItsOwnKind(t *testing.T) {
	s := sim.New(sim.Config{})
	j := s.Journal()
	var tapped []string
	j.Tap(sim.Tap{Kind: "log", Consume: true, Fn: func(r *sim.Record) { tapped = append(tapped, r.Subject) }})
	j.Add(sim.Record{Kind: "log", Subject: "a"})
	j.Add(sim.Record{Kind: "other", Subject: "b"})
	require.Equal(t, []string{"a"}, tapped)
	require.Len(t, j.Records(), 1)
	require.Equal(t, "b", j.Records()[0].Subject)
}
