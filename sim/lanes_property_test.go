package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// longDelays mixes delays under a second, which wait in the agenda's heap, with more
// distinct delays of a second or more than the agenda has FIFO lanes for (four), so
// lanes fill, overflow to the heap, empty and are taken by another delay, and their
// keys tie with the heap's (1s and 1s+1ns from different instants land together).
var longDelays = []time.Duration{0, 1, 2, time.Second, time.Second + 1, 2 * time.Second,
	3 * time.Second, 5 * time.Second, time.Minute, time.Hour}

// genLongProgram is genProgram with its delays drawn from longDelays.
func genLongProgram(t *rapid.T) []spec {
	prog := genProgram(t)
	for i := range prog {
		prog[i].delay = longDelays[rapid.IntRange(0, len(longDelays)-1).Draw(t, fmt.Sprintf("long%d", i))]
	}
	return prog
}

// Keys of one long delay wait in a FIFO lane beside the heap (agenda.go): every event
// still runs once, in (time, scheduling order), as the naive reference runs them.
func TestPropertyLongFixedDelaysRunInTimeAndSchedulingOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { requireReferenceOrder(t, genLongProgram(t)) })
}

// With lanes in use, a run driven by RunUntil in steps is the run in one go, hash
// included.
func TestPropertyLongFixedDelaysRunUntilInStepsEqualsOneRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prog := genLongProgram(t)
		requireStepsEqualOneRun(t, prog, rapid.SliceOfN(rapid.SampledFrom(longDelays), 0, 8).Draw(t, "steps"))
	})
}

// Timers re-armed and stopped with long delays leave stale keys in the lanes; a
// re-armed timer fires only at its last instant, a stopped one never, and many
// re-armings compact the lanes too.
func TestPropertyTimersWithLongDelaysFireOnlyAtTheirLastArming(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sim.New(sim.Config{})
		m := newModelTimers(t, s, 3)
		delay := rapid.SampledFrom(longDelays)
		t.Repeat(map[string]func(*rapid.T){
			"churn": func(t *rapid.T) { m.churn(t, func(t *rapid.T) time.Duration { return delay.Draw(t, "delay") }) },
			"stop":  m.stop,
			"run": func(t *rapid.T) {
				require.NoError(t, s.RunUntil(s.Now()+delay.Draw(t, "for")))
			},
		})
		m.requireAllFired(t)
	})
}

// modelTimers are func timers of s beside the model of when each must fire: one that
// fires disarmed, or at another instant than its last arming, fails the test.
type modelTimers struct {
	s      *sim.Sim
	timers []*sim.Timer
	want   []time.Duration
	armed  []bool
}

func newModelTimers(t *rapid.T, s *sim.Sim, n int) *modelTimers {
	m := &modelTimers{s: s, timers: make([]*sim.Timer, n), want: make([]time.Duration, n), armed: make([]bool, n)}
	for i := range m.timers {
		m.timers[i] = s.NewFuncTimer(sim.Kind(i), func() {
			require.True(t, m.armed[i], "timer %d fired disarmed at %v", i, s.Now())
			require.Equal(t, m.want[i], s.Now(), "timer %d fired at an old instant", i)
			m.armed[i] = false
		})
	}
	return m
}

// churn re-arms one timer up to 150 times with delays drawn by delay: enough stale
// keys to make the agenda compact itself.
func (m *modelTimers) churn(t *rapid.T, delay func(*rapid.T) time.Duration) {
	i := rapid.IntRange(0, len(m.timers)-1).Draw(t, "timer")
	for range rapid.IntRange(1, 150).Draw(t, "times") {
		d := delay(t)
		require.NoError(t, m.timers[i].ResetAfter(d))
		m.want[i], m.armed[i] = m.s.Now()+d, true
	}
}

// stop stops one timer; Stop reports whether it was armed.
func (m *modelTimers) stop(t *rapid.T) {
	i := rapid.IntRange(0, len(m.timers)-1).Draw(t, "timer")
	require.Equal(t, m.armed[i], m.timers[i].Stop())
	m.armed[i] = false
}

// requireAllFired runs the rest: every armed timer fires, and nothing is left.
func (m *modelTimers) requireAllFired(t *rapid.T) {
	require.NoError(t, m.s.Run())
	for i := range m.armed {
		require.False(t, m.armed[i], "timer %d still armed after the run", i)
	}
	require.Zero(t, m.s.Pending())
}
