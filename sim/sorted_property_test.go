package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// wide is more keys than the agenda keeps as a sorted run (sortedMax, 64, in
// agenda.go): programs of up to four times as many events make it a binary heap,
// drain it back to a sorted run, and fill it again as events schedule children.
const wide = 4 * 64

// genWideProgram is genProgram with up to wide events, most of them scheduled at the
// start, so that far more than 64 wait at once.
func genWideProgram(t *rapid.T) []spec {
	n := rapid.IntRange(1, wide).Draw(t, "n")
	maxDelay := rapid.IntRange(0, 40).Draw(t, "maxDelay")
	prog := make([]spec, n)
	for i := range prog {
		parent := -1
		if i > 0 && rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("child%d", i)) == 0 {
			parent = rapid.IntRange(0, i-1).Draw(t, fmt.Sprintf("parent%d", i))
		}
		prog[i] = spec{
			parent: parent,
			delay:  time.Duration(rapid.IntRange(0, maxDelay).Draw(t, fmt.Sprintf("delay%d", i))),
			how:    rapid.IntRange(0, howCount-1).Draw(t, fmt.Sprintf("how%d", i)),
		}
	}
	return prog
}

// However many events wait at once, sorted run or binary heap, every event runs
// once, at its instant, in (time, scheduling order), as the naive reference runs them.
func TestPropertyManyPendingEventsRunInTimeAndSchedulingOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { requireReferenceOrder(t, genWideProgram(t)) })
}

// A wide program run by RunUntil in steps is the run in one go, hash included.
func TestPropertyManyPendingEventsRunUntilInStepsEqualsOneRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prog := genWideProgram(t)
		steps := rapid.SliceOfN(rapid.IntRange(0, 60), 0, 8).Draw(t, "steps")
		var at []time.Duration
		for _, s := range steps {
			at = append(at, time.Duration(s))
		}
		requireStepsEqualOneRun(t, prog, at)
	})
}

// Timers re-armed among many other pending events leave stale keys in a binary
// heap and in a sorted run; a re-armed timer fires only at its last instant, a
// stopped one never, and enough stale keys compact either form.
func TestPropertyTimersAmongManyPendingEventsFireOnlyAtTheirLastArming(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sim.New(sim.Config{})
		const n = 4
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
		t.Repeat(map[string]func(*rapid.T){
			"load": func(t *rapid.T) {
				// plain events, enough to pass the sorted run's 64 keys
				for _, d := range rapid.SliceOfN(rapid.IntRange(0, 20), 1, 2*64).Draw(t, "load") {
					due := s.Now() + time.Duration(d)
					require.NoError(t, s.At(due, 0, func() { require.Equal(t, due, s.Now()) }))
				}
			},
			"churn": func(t *rapid.T) {
				i := pick.Draw(t, "timer")
				for _, d := range rapid.SliceOfN(rapid.IntRange(0, 20), 1, 150).Draw(t, "delays") {
					require.NoError(t, timers[i].ResetAfter(time.Duration(d)))
					want[i], armed[i] = s.Now()+time.Duration(d), true
				}
			},
			"stop": func(t *rapid.T) {
				i := pick.Draw(t, "timer")
				require.Equal(t, armed[i], timers[i].Stop())
				armed[i] = false
			},
			"run": func(t *rapid.T) {
				require.NoError(t, s.RunUntil(s.Now()+time.Duration(rapid.IntRange(0, 10).Draw(t, "for"))))
			},
		})
		require.NoError(t, s.Run())
		require.Zero(t, s.Pending())
		for i := range armed {
			require.False(t, armed[i], "timer %d, still armed, fired by the end of the run", i)
		}
	})
}
