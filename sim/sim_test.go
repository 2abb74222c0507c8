package sim_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim"
)

// handlerFunc adapts a func to sim.Handler for tests.
type handlerFunc func(*sim.Sim, sim.Event)

func (f handlerFunc) Fire(s *sim.Sim, ev sim.Event) { f(s, ev) }

// trace collects "name@instant" strings as events run.
type trace struct {
	s   *sim.Sim
	got []string
}

func (tr *trace) fn(name string) func() {
	return func() { tr.got = append(tr.got, name+"@"+tr.s.Now().String()) }
}

func newTrace(c sim.Config) *trace { return &trace{s: sim.New(c)} }

func TestZeroDelayRunsNowAfterEventsAlreadyScheduledForNow(t *testing.T) {
	tr := newTrace(sim.Config{})
	s := tr.s
	require.NoError(t, s.At(5, 0, func() {
		tr.fn("a")()
		require.NoError(t, s.After(0, 0, tr.fn("a+0")))
	}))
	require.NoError(t, s.At(5, 0, tr.fn("b")))
	require.NoError(t, s.At(0, 0, tr.fn("first")))
	require.NoError(t, s.Run())
	require.Equal(t, []string{"first@0s", "a@5ns", "b@5ns", "a+0@5ns"}, tr.got)
}

func TestSchedulingInThePastIsAnError(t *testing.T) {
	noop := func() {}
	cases := []struct {
		name string
		call func(s *sim.Sim) error
	}{
		{"At before now", func(s *sim.Sim) error { return s.At(9, 0, noop) }},
		{"After a negative delay", func(s *sim.Sim) error { return s.After(-1, 0, noop) }},
		{"Post before now", func(s *sim.Sim) error { return s.Post(0, handlerFunc(func(*sim.Sim, sim.Event) {}), sim.Event{}) }},
		{"Timer.Reset before now", func(s *sim.Sim) error { return s.NewFuncTimer(0, noop).Reset(3) }},
		{"Timer.ResetAfter a negative delay", func(s *sim.Sim) error { return s.NewFuncTimer(0, noop).ResetAfter(-time.Second) }},
		{"RunUntil before now", func(s *sim.Sim) error { return s.RunUntil(1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(sim.Config{})
			require.NoError(t, s.RunUntil(10))
			err := c.call(s)
			require.ErrorIs(t, err, sim.ErrPast)
			require.Zero(t, s.Pending(), "nothing was scheduled")
			require.Equal(t, time.Duration(10), s.Now(), "the clock did not move")
		})
	}
}

func TestAnEventWithNothingToRunIsAnErrorNotAPanic(t *testing.T) {
	s := sim.New(sim.Config{})
	var zero sim.Timer
	for name, err := range map[string]error{
		"At(nil)":               s.At(1, 0, nil),
		"After(nil)":            s.After(1, 0, nil),
		"Post(nil)":             s.Post(1, nil, sim.Event{}),
		"NewTimer(nil).Reset":   s.NewTimer(nil, sim.Event{}).Reset(1),
		"NewFuncTimer(nil)":     s.NewFuncTimer(0, nil).ResetAfter(1),
		"zero Timer.Reset":      zero.Reset(1),
		"zero Timer.ResetAfter": zero.ResetAfter(1),
	} {
		require.Error(t, err, name)
	}
	require.Zero(t, s.Pending())
	require.NoError(t, s.Run())
}

func TestHorizonStopsTheRunAndSetsTheClock(t *testing.T) {
	cases := []struct {
		name    string
		horizon time.Duration
		events  []time.Duration
		want    []string
		now     time.Duration
		pending int
	}{
		{"events after the horizon stay pending", 10, []time.Duration{5, 10, 11, 20}, []string{"e@5ns", "e@10ns"}, 10, 2},
		{"the clock ends at the horizon even when the agenda empties first", 100, []time.Duration{5}, []string{"e@5ns"}, 100, 0},
		{"no horizon: the clock stays at the last event", 0, []time.Duration{5, 7}, []string{"e@5ns", "e@7ns"}, 7, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTrace(sim.Config{Limits: sim.Limits{Horizon: c.horizon}})
			for _, at := range c.events {
				require.NoError(t, tr.s.At(at, 0, tr.fn("e")))
			}
			require.NoError(t, tr.s.Run())
			require.Equal(t, c.want, tr.got)
			require.Equal(t, c.now, tr.s.Now())
			require.Equal(t, c.pending, tr.s.Pending())
		})
	}
}

// selfRescheduling never runs dry: without a budget it would hang the run.
type selfRescheduling struct{}

func (selfRescheduling) Fire(s *sim.Sim, ev sim.Event) {
	_ = s.Post(s.Now()+time.Second, selfRescheduling{}, ev)
}

func TestEventBudgetEndsARunawayRunWithAClearError(t *testing.T) {
	s := sim.New(sim.Config{Limits: sim.Limits{MaxEvents: 1000}})
	require.NoError(t, s.Post(0, selfRescheduling{}, sim.Event{}))
	err := s.Run()
	require.ErrorIs(t, err, sim.ErrEventBudget)
	require.Equal(t, uint64(1000), s.Events(), "exactly the budget ran")
	require.Equal(t, 999*time.Second, s.Now(), "the clock stays at the last event run")
	require.Equal(t, 1, s.Pending(), "the event that did not run stays on the agenda")
	msg := err.Error()
	for _, part := range []string{"event budget exhausted", "1000 events", "16m39s", "raise the limit"} {
		require.Contains(t, msg, part)
	}
	ok, err := s.Step()
	require.False(t, ok)
	require.ErrorIs(t, err, sim.ErrEventBudget, "the budget stays exhausted")
}

func TestEventBudgetIsNotAnErrorWhenTheRunFitsExactly(t *testing.T) {
	s := sim.New(sim.Config{Limits: sim.Limits{MaxEvents: 3}})
	for i := 1; i <= 3; i++ {
		require.NoError(t, s.At(time.Duration(i), 0, func() {}))
	}
	require.NoError(t, s.Run())
	require.Equal(t, uint64(3), s.Events())
}

func TestEventBudgetDoesNotCountCancelledTimers(t *testing.T) {
	s := sim.New(sim.Config{Limits: sim.Limits{MaxEvents: 1}})
	tm := s.NewFuncTimer(0, func() {})
	require.NoError(t, tm.Reset(1))
	require.NoError(t, tm.Reset(2)) // the entry at 1 is now stale
	require.NoError(t, s.Run())
	require.Equal(t, uint64(1), s.Events())
	require.Equal(t, time.Duration(2), s.Now())
}

func TestRunUntil(t *testing.T) {
	cases := []struct {
		name    string
		horizon time.Duration
		until   time.Duration
		want    []string
		now     time.Duration
	}{
		{"runs events up to and including t and sets the clock to t", 0, 10, []string{"e@5ns", "e@10ns"}, 10},
		{"an empty stretch still moves the clock", 0, 3, nil, 3},
		{"stops at the horizon when t is past it", 8, 50, []string{"e@5ns"}, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTrace(sim.Config{Limits: sim.Limits{Horizon: c.horizon}})
			for _, at := range []time.Duration{5, 10, 11} {
				require.NoError(t, tr.s.At(at, 0, tr.fn("e")))
			}
			require.NoError(t, tr.s.RunUntil(c.until))
			require.Equal(t, c.want, tr.got)
			require.Equal(t, c.now, tr.s.Now())
		})
	}
}

// A stale (stopped) timer entry due before t must not let RunUntil run the next live
// event, due after t.
func TestRunUntilDoesNotOvershootPastAStoppedTimer(t *testing.T) {
	tr := newTrace(sim.Config{})
	tm := tr.s.NewFuncTimer(0, tr.fn("timer"))
	require.NoError(t, tm.Reset(5))
	require.True(t, tm.Stop())
	require.NoError(t, tr.s.At(10, 0, tr.fn("later")))
	require.NoError(t, tr.s.RunUntil(7))
	require.Empty(t, tr.got)
	require.Equal(t, time.Duration(7), tr.s.Now())
	require.NoError(t, tr.s.Run())
	require.Equal(t, []string{"later@10ns"}, tr.got)
}

func TestStopEndsTheRunAfterTheCurrentEvent(t *testing.T) {
	tr := newTrace(sim.Config{Limits: sim.Limits{Horizon: time.Hour}})
	s := tr.s
	require.NoError(t, s.At(1, 0, tr.fn("a")))
	require.NoError(t, s.At(2, 0, func() { tr.fn("stop")(); s.Stop() }))
	require.NoError(t, s.At(2, 0, tr.fn("same instant, later")))
	require.NoError(t, s.At(3, 0, tr.fn("c")))
	require.NoError(t, s.Run())
	require.Equal(t, []string{"a@1ns", "stop@2ns"}, tr.got)
	require.Equal(t, time.Duration(2), s.Now(), "a stopped run does not jump to the horizon")
	require.Equal(t, 2, s.Pending())
	ok, err := s.Step()
	require.NoError(t, err)
	require.False(t, ok, "a stopped Sim stays stopped")
}

func TestTimerStopAndReArm(t *testing.T) {
	tr := newTrace(sim.Config{})
	s := tr.s
	tm := s.NewFuncTimer(0, tr.fn("t"))
	require.False(t, tm.Armed())
	require.False(t, tm.Stop(), "stopping an unarmed timer reports false")
	require.NoError(t, tm.Reset(10))
	require.True(t, tm.Armed())
	require.Equal(t, time.Duration(10), tm.When())
	require.NoError(t, tm.Reset(4)) // re-arm earlier
	require.NoError(t, s.RunUntil(20))
	require.Equal(t, []string{"t@4ns"}, tr.got, "re-arming replaces the earlier arming")
	require.False(t, tm.Armed(), "a fired timer is disarmed")
	require.NoError(t, tm.ResetAfter(0))
	require.NoError(t, s.Run())
	require.Equal(t, []string{"t@4ns", "t@20ns"}, tr.got, "a fired timer can be armed again")
}

func TestTimerHandlerReceivesItsEvent(t *testing.T) {
	s := sim.New(sim.Config{})
	var got []sim.Event
	h := handlerFunc(func(_ *sim.Sim, ev sim.Event) { got = append(got, ev) })
	ev := sim.Event{Kind: 3, A: 1, B: 2, N: 42}
	require.NoError(t, s.NewTimer(h, ev).Reset(1))
	require.NoError(t, s.Post(2, h, sim.Event{Kind: 4}))
	require.NoError(t, s.Run())
	require.Equal(t, []sim.Event{ev, {Kind: 4}}, got)
}

func TestHashCoversTheEventsRun(t *testing.T) {
	run := func(kind sim.Kind, at time.Duration) uint64 {
		s := sim.New(sim.Config{})
		require.NoError(t, s.At(at, kind, func() {}))
		require.NoError(t, s.Run())
		return s.Hash()
	}
	empty := sim.New(sim.Config{}).Hash()
	require.NotEqual(t, empty, run(1, 5), "running an event changes the hash")
	require.Equal(t, run(1, 5), run(1, 5))
	require.NotEqual(t, run(1, 5), run(2, 5), "the kind is hashed")
	require.NotEqual(t, run(1, 5), run(1, 6), "the instant is hashed")
}

// note is a test payload: a kind and a fixed sentence.
type note struct{ kind, text string }

func (n note) Kind() string    { return n.kind }
func (n note) Narrate() string { return n.text }

func TestRecordLinePrefixesTheServerWhenTheSentenceOmitsIt(t *testing.T) {
	r := sim.Record{Server: "EX01", Data: note{"x", "queue is empty"}}
	require.Equal(t, "[EX01] queue is empty", r.Line())
	r.Data = note{"x", "EX01 is empty"}
	require.Equal(t, "EX01 is empty", r.Line())
	r.Server = ""
	require.Equal(t, "EX01 is empty", r.Line())
	require.Equal(t, "", (&sim.Record{}).Text(), "no payload, no narration")
}

func TestJournalAddDerivesTheKindFromThePayload(t *testing.T) {
	var j sim.Journal
	j.Omit("skipped")
	j.Add(sim.Record{Data: note{"kept", "a"}})
	j.Add(sim.Record{Data: note{"skipped", "b"}})
	require.Equal(t, 1, j.Len())
	require.Equal(t, "kept", j.Records()[0].Kind)
}

func TestJournalDisableAndEnable(t *testing.T) {
	var j sim.Journal
	require.True(t, j.Enabled(), "a journal records by default")
	j.Add(sim.Record{At: 1, Kind: "a", Seq: 99})
	j.Emit(2, "EX01", "queue", note{"b", "3 messages"})
	j.Disable()
	require.False(t, j.Enabled())
	j.Add(sim.Record{Kind: "dropped"})
	j.Emit(3, "", "", note{"dropped", "x"})
	require.Equal(t, 2, j.Len(), "a disabled journal records nothing")
	require.Equal(t, []sim.Record{
		{At: 1, Kind: "a", Seq: 0},
		{At: 2, Kind: "b", Seq: 1, Server: "EX01", Subject: "queue", Data: note{"b", "3 messages"}},
	}, j.Records(), "Add stamps Seq with the position, ignoring the caller's value")
	require.Equal(t, "3 messages", j.Records()[1].Text(), "the narration is the payload's")
	j.Enable()
	require.True(t, j.Enabled())
	j.Add(sim.Record{Kind: "c"})
	require.Equal(t, 3, j.Len())
	require.Equal(t, 2, j.Records()[2].Seq)
}

func TestWallRendersSimulatedTimeFromTheStart(t *testing.T) {
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s := sim.New(sim.Config{Start: start, Seed: 9, Limits: sim.Limits{Horizon: time.Hour, MaxEvents: 5}})
	require.Equal(t, start, s.Start())
	require.Equal(t, start, s.Wall(0))
	require.Equal(t, time.Date(2026, 3, 1, 9, 30, 15, 0, time.UTC), s.Wall(90*time.Minute+15*time.Second))
	require.Equal(t, uint64(9), s.Seed())
	require.Equal(t, sim.Limits{Horizon: time.Hour, MaxEvents: 5}, s.Limits())
}

func TestErrorsAreDistinct(t *testing.T) {
	require.False(t, errors.Is(sim.ErrPast, sim.ErrEventBudget))
	require.True(t, strings.HasPrefix(sim.ErrPast.Error(), "sim: "))
}

// An idle-timeout timer re-armed on every message leaves one stale entry per
// re-arming; the agenda removes them once they outnumber the live entries, so it
// stays small even when many re-armings happen within one timeout.
func TestReArmingATimerDoesNotGrowTheAgendaWithoutBound(t *testing.T) {
	s := sim.New(sim.Config{})
	fired := 0
	idle := s.NewFuncTimer(1, func() { fired++ })
	// A heartbeat keeps a live event ahead of the stale entries, so they are not
	// simply dropped from the top of the agenda as the run advances.
	beating := true
	var beat func()
	beat = func() {
		if beating {
			require.NoError(t, s.After(30*time.Second, 2, beat))
		}
	}
	require.NoError(t, s.At(0, 2, beat))
	maxPending := 0
	for i := range 100_000 {
		require.NoError(t, idle.ResetAfter(10*time.Minute))
		if i%3 == 1 {
			idle.Stop()
		}
		maxPending = max(maxPending, s.Pending())
		if i%10 == 9 { // ten messages a second
			require.NoError(t, s.RunUntil(s.Now()+time.Second))
		}
	}
	require.LessOrEqual(t, maxPending, 200, "without compaction about 6000 stale entries would wait for their instant")
	beating = false
	require.NoError(t, s.Run())
	require.Equal(t, 1, fired, "only the last arming fires")
	require.Equal(t, 9_999*time.Second+10*time.Minute, s.Now(), "the last arming, made at 9999s")
}

// Events scheduled one at a time with reserved sequence numbers run in the order,
// and give the hash, that scheduling them all up front gives.
func TestReservedSequenceKeepsTheUpFrontOrderAndHash(t *testing.T) {
	run := func(lazy bool) (uint64, []int) {
		s := sim.New(sim.Config{Seed: 1, Limits: sim.Limits{Horizon: time.Hour}})
		var order []int
		at := []time.Duration{time.Minute, 2 * time.Minute, 2 * time.Minute, 3 * time.Minute}
		if lazy {
			base := s.Reserve(uint64(len(at)))
			var next func(k int)
			next = func(k int) {
				require.NoError(t, s.AtSeq(at[k], base+uint64(k), 1, func() {
					order = append(order, k)
					if k+1 < len(at) {
						next(k + 1)
					}
				}))
			}
			next(0)
		} else {
			for k := range at {
				require.NoError(t, s.At(at[k], 1, func() { order = append(order, k) }))
			}
		}
		require.NoError(t, s.At(2*time.Minute, 2, func() { order = append(order, 99) })) // ties after the arrivals
		require.NoError(t, s.Run())
		return s.Hash(), order
	}
	h1, o1 := run(false)
	h2, o2 := run(true)
	require.Equal(t, []int{0, 1, 2, 99, 3}, o1)
	require.Equal(t, o1, o2)
	require.Equal(t, h1, h2)
	s := sim.New(sim.Config{Seed: 1})
	require.Error(t, s.AtSeq(0, 5, 1, func() {}), "an unreserved sequence is refused")
}

// A cloned stream draws what the original would have drawn, without moving it.
func TestStreamCloneDrawsTheSameWithoutMovingTheOriginal(t *testing.T) {
	s := sim.New(sim.Config{Seed: 3})
	r := s.Rand("traffic/0")
	_ = r.Uint64()
	c := r.Clone()
	a, b := r.Uint64(), c.Uint64()
	require.Equal(t, a, b)
	require.Equal(t, r.Uint64(), c.Uint64())
}

// The agenda's keys pack the sequence number, the slot and the timer mark into one
// word; a sequence number beyond what the word holds (2^39-1) is refused, not wrapped.
func TestAgendaRefusesASequenceNumberBeyondItsKey(t *testing.T) {
	const maxSeq = 1<<39 - 1
	s := sim.New(sim.Config{Start: time.Unix(0, 0).UTC(), Seed: 1})
	s.Reserve(maxSeq - 1)
	require.NoError(t, s.At(time.Second, 0, func() {})) // the last one that fits
	require.ErrorIs(t, s.At(time.Second, 0, func() {}), sim.ErrAgendaFull)
	require.ErrorIs(t, s.NewFuncTimer(0, func() {}).Reset(time.Second), sim.ErrAgendaFull)
	ran := 0
	require.NoError(t, s.AtSeq(2*time.Second, maxSeq-1, 0, func() { ran++ }))
	require.NoError(t, s.Run())
	require.Equal(t, 1, ran)
}
