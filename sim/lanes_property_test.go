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
		const n = 3
		var (
			timers [n]*sim.Timer
			want   [n]time.Duration
			armed  [n]bool
		)
		for i := range timers {
			timers[i] = s.NewFuncTimer(sim.Kind(i), func() {
				require.True(t, armed[i], "timer %d fired disarmed at %v", i, s.Now())
				require.Equal(t, want[i], s.Now(), "timer %d fired at an old instant", i)
				armed[i] = false
			})
		}
		pick := rapid.IntRange(0, n-1)
		delay := rapid.SampledFrom(longDelays)
		t.Repeat(map[string]func(*rapid.T){
			"churn": func(t *rapid.T) {
				i := pick.Draw(t, "timer")
				for range rapid.IntRange(1, 150).Draw(t, "times") {
					d := delay.Draw(t, "delay")
					require.NoError(t, timers[i].ResetAfter(d))
					want[i], armed[i] = s.Now()+d, true
				}
			},
			"stop": func(t *rapid.T) {
				i := pick.Draw(t, "timer")
				require.Equal(t, armed[i], timers[i].Stop())
				armed[i] = false
			},
			"run": func(t *rapid.T) {
				require.NoError(t, s.RunUntil(s.Now()+delay.Draw(t, "for")))
			},
		})
		require.NoError(t, s.Run())
		for i := range armed {
			require.False(t, armed[i], "timer %d still armed after the run", i)
		}
		require.Zero(t, s.Pending())
	})
}
