package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim"
)

// rearming is a Handler that re-arms its own timer each time it fires, first
// arming and stopping a second timer so that stale entries pass through the agenda.
type rearming struct{ t, stale *sim.Timer }

func (r *rearming) Fire(*sim.Sim, sim.Event) {
	_ = r.stale.ResetAfter(1)
	r.stale.Stop()
	_ = r.t.ResetAfter(7)
}

// TestSteadyStateEventsDoNotAllocate: once the agenda has grown to its working
// size, running an event and scheduling its successor allocates nothing, whether
// the successor is posted to a Handler, scheduled as a reused func, or a re-armed
// timer. Each case runs one kind of event only, because AllocsPerRun rounds the
// average down.
func TestSteadyStateEventsDoNotAllocate(t *testing.T) {
	cases := []struct {
		name string
		load func(s *sim.Sim) error // fills the agenda with 50 self-renewing events
	}{
		{"Post to a Handler", func(s *sim.Sim) error {
			h := &holdHandler{rng: 7}
			for i := range 50 {
				if err := s.Post(time.Duration(i), h, sim.Event{}); err != nil {
					return err
				}
			}
			return nil
		}},
		{"After with a reused func", func(s *sim.Sim) error {
			for i := range 50 {
				var again func()
				again = func() { _ = s.After(time.Duration(1+i), 1, again) }
				if err := s.At(0, 1, again); err != nil {
					return err
				}
			}
			return nil
		}},
		{"re-armed timers, with stale entries", func(s *sim.Sim) error {
			for range 50 {
				r := &rearming{stale: s.NewFuncTimer(3, func() {})}
				r.t = s.NewTimer(r, sim.Event{Kind: 2})
				if err := r.t.Reset(0); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sim.New(sim.Config{Seed: 1})
			s.Journal().Disable()
			require.NoError(t, c.load(s))
			step := func() {
				if ok, err := s.Step(); !ok || err != nil {
					t.Fatal("the model ran dry", err)
				}
			}
			for range 10_000 { // warm up: let the heap, slab and free list reach their size
				step()
			}
			require.Zero(t, testing.AllocsPerRun(10_000, step))
		})
	}
}
