package sim_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim"
)

// spec is one event of a generated program: either scheduled before the run
// (parent < 0, at absolute instant delay) or scheduled by its parent when the parent
// runs, delay after the parent's instant (0 included). how picks the scheduling path
// so that Post, At, After and both kinds of timer are all exercised.
type spec struct {
	parent int
	delay  time.Duration
	how    int
}

const howCount = 5

// genProgram draws a program whose parents always come before their children, so
// every event is scheduled exactly once.
func genProgram(t *rapid.T) []spec {
	// Few distinct instants so that ties are common.
	return genProgramOf(t, 60, 20, 2)
}

// genProgramOf draws a program of up to maxN events with delays up to a drawn bound
// of at most maxDelay, each event after the first the child of an earlier one with
// odds 1 in childOdds.
func genProgramOf(t *rapid.T, maxN, maxDelay, childOdds int) []spec {
	n := rapid.IntRange(1, maxN).Draw(t, "n")
	bound := rapid.IntRange(0, maxDelay).Draw(t, "maxDelay")
	prog := make([]spec, n)
	for i := range prog {
		parent := -1
		if i > 0 && rapid.IntRange(0, childOdds-1).Draw(t, fmt.Sprintf("child%d", i)) == 0 {
			parent = rapid.IntRange(0, i-1).Draw(t, fmt.Sprintf("parent%d", i))
		}
		prog[i] = spec{
			parent: parent,
			delay:  time.Duration(rapid.IntRange(0, bound).Draw(t, fmt.Sprintf("delay%d", i))),
			how:    rapid.IntRange(0, howCount-1).Draw(t, fmt.Sprintf("how%d", i)),
		}
	}
	return prog
}

// ran is what the program observed when event id ran.
type ran struct {
	id  int
	at  time.Duration // s.Now() when it ran
	due time.Duration // the instant it was scheduled for
	seq int           // global order in which it was scheduled
}

type recorder struct {
	prog     []spec
	children [][]int
	due      []time.Duration
	seq      []int
	nextSeq  int
	log      []ran
}

// Fire is the Handler used by the Post and NewTimer paths.
func (r *recorder) Fire(s *sim.Sim, ev sim.Event) { r.run(s, int(ev.A)) }

func (r *recorder) run(s *sim.Sim, id int) {
	r.log = append(r.log, ran{id: id, at: s.Now(), due: r.due[id], seq: r.seq[id]})
	for _, c := range r.children[id] {
		if err := r.schedule(s, c, s.Now()+r.prog[c].delay); err != nil {
			panic(err) // surfaces as a test failure; never expected
		}
	}
}

func (r *recorder) schedule(s *sim.Sim, id int, at time.Duration) error {
	r.due[id] = at
	r.seq[id] = r.nextSeq
	r.nextSeq++
	switch r.prog[id].how {
	case 0:
		return s.Post(at, r, sim.Event{A: int32(id)})
	case 1:
		return s.At(at, sim.Kind(id), func() { r.run(s, id) })
	case 2:
		return s.After(at-s.Now(), sim.Kind(id), func() { r.run(s, id) })
	case 3:
		return s.NewTimer(r, sim.Event{A: int32(id)}).Reset(at)
	default:
		return s.NewFuncTimer(sim.Kind(id), func() { r.run(s, id) }).ResetAfter(at - s.Now())
	}
}

// runProgram runs prog on a fresh Sim and returns what ran, in order.
func runProgram(t require.TestingT, prog []spec) []ran {
	log, _ := driveProgram(t, prog, nil)
	return log
}

// driveProgram runs prog, first with RunUntil at each checkpoint, then Run to the
// end, and returns what ran and the final hash.
func driveProgram(t require.TestingT, prog []spec, checkpoints []time.Duration) ([]ran, uint64) {
	r := &recorder{prog: prog, children: make([][]int, len(prog)), due: make([]time.Duration, len(prog)), seq: make([]int, len(prog))}
	s := sim.New(sim.Config{Seed: 1})
	for i, sp := range prog {
		if sp.parent >= 0 {
			r.children[sp.parent] = append(r.children[sp.parent], i)
		}
	}
	for i, sp := range prog {
		if sp.parent < 0 {
			require.NoError(t, r.schedule(s, i, sp.delay))
		}
	}
	for _, c := range checkpoints {
		require.NoError(t, s.RunUntil(c))
		require.Equal(t, c, s.Now(), "RunUntil leaves the clock at its instant")
		for _, x := range r.log {
			require.LessOrEqual(t, x.at, c, "RunUntil(%v) ran an event due later", c)
		}
	}
	require.NoError(t, s.Run())
	require.Zero(t, s.Pending(), "the agenda is empty after Run")
	return r.log, s.Hash()
}

func TestPropertyRunUntilInStepsEqualsOneRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		requireStepsEqualOneRun(t, genProgram(t), genSteps(t, 15))
	})
}

// genSteps draws up to 8 RunUntil steps of up to max ticks each.
func genSteps(t *rapid.T, max int) []time.Duration {
	var ds []time.Duration
	for _, d := range rapid.SliceOfN(rapid.IntRange(0, max), 0, 8).Draw(t, "steps") {
		ds = append(ds, time.Duration(d))
	}
	return ds
}

// requireStepsEqualOneRun runs prog whole, then with RunUntil after each of steps in
// turn, and requires the same events and hash.
func requireStepsEqualOneRun(t require.TestingT, prog []spec, steps []time.Duration) {
	var checkpoints []time.Duration
	at := time.Duration(0)
	for _, d := range steps {
		at += d
		checkpoints = append(checkpoints, at)
	}
	whole, wholeHash := driveProgram(t, prog, nil)
	pieces, piecesHash := driveProgram(t, prog, checkpoints)
	require.Equal(t, whole, pieces)
	require.Equal(t, wholeHash, piecesHash)
}

// referenceOrder is a deliberately naive simulator: a list scanned for the smallest
// (instant, scheduling order) each step. The kernel must agree with it.
func referenceOrder(prog []spec) []int {
	type pend struct {
		id  int
		at  time.Duration
		seq int
	}
	var q []pend
	seq := 0
	for i, sp := range prog {
		if sp.parent < 0 {
			q = append(q, pend{i, sp.delay, seq})
			seq++
		}
	}
	var order []int
	for len(q) > 0 {
		best := 0
		for i := range q {
			if q[i].at < q[best].at || (q[i].at == q[best].at && q[i].seq < q[best].seq) {
				best = i
			}
		}
		p := q[best]
		q = append(q[:best], q[best+1:]...)
		order = append(order, p.id)
		for c, sp := range prog {
			if sp.parent == p.id {
				q = append(q, pend{c, p.at + sp.delay, seq})
				seq++
			}
		}
	}
	return order
}

func TestPropertyEventsNeverRunOutOfTimeOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log := runProgram(t, genProgram(t))
		for i, r := range log {
			require.Equal(t, r.due, r.at, "event %d ran at its scheduled instant", r.id)
			if i > 0 {
				require.LessOrEqual(t, log[i-1].at, r.at, "time never goes backwards")
			}
		}
	})
}

func TestPropertyTiesRunInSchedulingOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		log := runProgram(t, genProgram(t))
		for i := 1; i < len(log); i++ {
			if log[i-1].at == log[i].at {
				require.Less(t, log[i-1].seq, log[i].seq, "events at %v ran in the order they were scheduled", log[i].at)
			}
		}
	})
}

func TestPropertySchedulingFromInsideAnEventWorks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { requireReferenceOrder(t, genProgram(t)) })
}

// requireReferenceOrder runs prog and requires every event to run once, at its
// instant, in the naive reference's (time, scheduling order).
func requireReferenceOrder(t require.TestingT, prog []spec) {
	log := runProgram(t, prog)
	got := make([]int, len(log))
	for i, r := range log {
		require.Equal(t, r.due, r.at, "event %d ran at its scheduled instant", r.id)
		got[i] = r.id
	}
	require.Equal(t, referenceOrder(prog), got, "every event, including those scheduled by events, runs once in (time, scheduling order)")
}

// TestPropertyCancelledTimerNeverFiresAtItsOldTime drives a few timers with random
// Reset, Stop and partial runs against a model of when each should fire.
func TestPropertyCancelledTimerNeverFiresAtItsOldTime(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := sim.New(sim.Config{})
		const n = 4
		var (
			timers [n]*sim.Timer
			want   [n]time.Duration // model: when timer i should fire
			armed  [n]bool
			fired  []string
		)
		for i := range timers {
			timers[i] = s.NewFuncTimer(sim.Kind(i), func() {
				require.True(t, armed[i], "timer %d fired while the model says it is disarmed (at %v)", i, s.Now())
				require.Equal(t, want[i], s.Now(), "timer %d fired at an instant it is no longer armed for", i)
				armed[i] = false
				fired = append(fired, fmt.Sprintf("%d@%v", i, s.Now()))
			})
		}
		pick := rapid.IntRange(0, n-1)
		t.Repeat(map[string]func(*rapid.T){
			"reset": func(t *rapid.T) {
				i := pick.Draw(t, "timer")
				d := time.Duration(rapid.IntRange(0, 10).Draw(t, "delay"))
				require.NoError(t, timers[i].ResetAfter(d))
				want[i], armed[i] = s.Now()+d, true
			},
			"churn": func(t *rapid.T) {
				// Re-arm one timer many times, as an idle timeout is on every
				// message: enough stale entries to make the agenda compact itself.
				i := pick.Draw(t, "timer")
				delays := rapid.SliceOfN(rapid.IntRange(0, 10), 1, 100).Draw(t, "delays")
				for _, d := range delays {
					require.NoError(t, timers[i].ResetAfter(time.Duration(d)))
					want[i], armed[i] = s.Now()+time.Duration(d), true
				}
			},
			"stop": func(t *rapid.T) {
				i := pick.Draw(t, "timer")
				require.Equal(t, armed[i], timers[i].Stop(), "Stop reports whether the timer was armed")
				armed[i] = false
			},
			"run": func(t *rapid.T) {
				require.NoError(t, s.RunUntil(s.Now()+time.Duration(rapid.IntRange(0, 6).Draw(t, "for"))))
			},
			"": func(t *rapid.T) {
				for i := range timers {
					require.Equal(t, armed[i], timers[i].Armed(), "timer %d Armed", i)
					if armed[i] {
						require.Equal(t, want[i], timers[i].When(), "timer %d When", i)
						require.GreaterOrEqual(t, want[i], s.Now(), "an armed timer is never overdue")
					}
				}
			},
		})
		require.NoError(t, s.Run())
		for i := range armed {
			require.False(t, armed[i], "timer %d, still armed, fired by the end of the run", i)
		}
	})
}

// model is a small randomised workload: its decisions come only from the Sim's named
// streams, so the seed alone determines the run.
func runSeeded(seed uint64) *sim.Sim {
	s := sim.New(sim.Config{Seed: seed, Limits: sim.Limits{Horizon: time.Hour}})
	var arrive func()
	n := 0
	arrive = func() {
		n++
		id := n
		s.Journal().Emit(s.Now(), "EX01", fmt.Sprint("msg", id), note{"test.arrive", fmt.Sprintf("message %d arrives", id)})
		service := time.Duration(s.Rand("service").IntN(int(5 * time.Minute)))
		_ = s.After(service, 2, func() {
			s.Journal().Emit(s.Now(), "EX02", fmt.Sprint("msg", id), note{"test.deliver", fmt.Sprintf("message %d delivered", id)})
		})
		if s.Rand("faults").IntN(10) == 0 {
			s.Journal().Emit(s.Now(), "EX01", "", note{"test.fault", "a fault"})
		}
		_ = s.After(time.Duration(s.Rand("traffic").ExpFloat64()*float64(time.Minute)), 1, arrive)
	}
	_ = s.At(0, 1, arrive)
	if err := s.Run(); err != nil {
		panic(err)
	}
	return s
}

func TestPropertySameSeedSameJournalAndHash(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		a, b := runSeeded(seed), runSeeded(seed)
		require.NotZero(t, a.Events())
		require.Equal(t, a.Hash(), b.Hash())
		require.Equal(t, a.Events(), b.Events())
		require.Equal(t, a.Journal().Records(), b.Journal().Records())
	})
}

// TestDifferentSeedsGiveDifferentRuns keeps the property above honest: the run must
// actually depend on the seed, or "same seed, same journal" would hold vacuously.
func TestDifferentSeedsGiveDifferentRuns(t *testing.T) {
	a, b := runSeeded(1), runSeeded(2)
	require.NotEqual(t, a.Hash(), b.Hash())
	require.NotEqual(t, a.Journal().Records(), b.Journal().Records())
}

func TestPropertyNamedStreamsAreIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		names := []string{"traffic", "faults", "service", "", "traffic2"}
		// Interleave draws from every stream on one Sim...
		ops := rapid.SliceOfN(rapid.IntRange(0, len(names)-1), 1, 200).Draw(t, "ops")
		mixed := sim.New(sim.Config{Seed: seed})
		got := map[string][]uint64{}
		for _, i := range ops {
			got[names[i]] = append(got[names[i]], mixed.Rand(names[i]).Uint64())
		}
		// ...and each stream alone on a fresh Sim: the draws must match.
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, cmp.Compare)
		for _, name := range keys {
			alone := sim.New(sim.Config{Seed: seed})
			for j, v := range got[name] {
				require.Equal(t, alone.Rand(name).Uint64(), v, "draw %d of stream %q moved because other streams were drawn", j, name)
			}
		}
	})
}

func TestDistinctStreamsDrawDifferentValues(t *testing.T) {
	s := sim.New(sim.Config{Seed: 7})
	require.Same(t, s.Rand("traffic"), s.Rand("traffic"), "a name always returns the same stream")
	require.NotEqual(t, s.Rand("traffic").Uint64(), s.Rand("faults").Uint64())
	require.NotEqual(t, sim.New(sim.Config{Seed: 8}).Rand("traffic").Uint64(), sim.New(sim.Config{Seed: 7}).Rand("traffic").Uint64())
}
