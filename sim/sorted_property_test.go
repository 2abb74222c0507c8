package sim_test

import (
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
func genWideProgram(t *rapid.T) []spec { return genProgramOf(t, wide, 40, 4) }

// However many events wait at once, sorted run or binary heap, every event runs
// once, at its instant, in (time, scheduling order), as the naive reference runs them.
func TestPropertyManyPendingEventsRunInTimeAndSchedulingOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { requireReferenceOrder(t, genWideProgram(t)) })
}

// A wide program run by RunUntil in steps is the run in one go, hash included.
func TestPropertyManyPendingEventsRunUntilInStepsEqualsOneRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		requireStepsEqualOneRun(t, genWideProgram(t), genSteps(t, 60))
	})
}

// Timers re-armed among many other pending events leave stale keys in a binary
// heap and in a sorted run; a re-armed timer fires only at its last instant, a
// stopped one never, and enough stale keys compact either form.
func TestPropertyTimersAmongManyPendingEventsFireOnlyAtTheirLastArming(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sim.New(sim.Config{})
		m := newModelTimers(t, s, 4)
		delay := rapid.IntRange(0, 20)
		t.Repeat(map[string]func(*rapid.T){
			"load": func(t *rapid.T) {
				// plain events, enough to pass the sorted run's 64 keys
				for _, d := range rapid.SliceOfN(delay, 1, 2*64).Draw(t, "load") {
					due := s.Now() + time.Duration(d)
					require.NoError(t, s.At(due, 0, func() { require.Equal(t, due, s.Now()) }))
				}
			},
			"churn": func(t *rapid.T) {
				m.churn(t, func(t *rapid.T) time.Duration { return time.Duration(delay.Draw(t, "delay")) })
			},
			"stop": m.stop,
			"run": func(t *rapid.T) {
				require.NoError(t, s.RunUntil(s.Now()+time.Duration(rapid.IntRange(0, 10).Draw(t, "for"))))
			},
		})
		m.requireAllFired(t)
	})
}
