package sim_test

import (
	"fmt"
	"time"

	"github.com/exsim/exsim/sim"
)

// retrying and delivered are a model's journal payloads: typed events that render
// their own narration.
type retrying struct {
	next string
	in   time.Duration
}

func (retrying) Kind() string { return "queue.retry" }
func (e retrying) Narrate() string {
	return fmt.Sprintf("%s is down; retry in %.0f minutes", e.next, e.in.Minutes())
}

type delivered struct{ next string }

func (delivered) Kind() string      { return "queue.deliver" }
func (e delivered) Narrate() string { return "delivered to " + e.next }

// A queue retries a delivery every 5 minutes until the next hop comes back up at
// 08:12; a timer is re-armed after each failed try, and every try is journaled.
func Example() {
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s := sim.New(sim.Config{Start: start, Seed: 1, Limits: sim.Limits{Horizon: time.Hour}})
	up := false
	_ = s.At(12*time.Minute, 1, func() { up = true })

	var retry *sim.Timer
	retry = s.NewFuncTimer(2, func() {
		if !up {
			s.Journal().Emit(s.Now(), "EX01", "EX02", retrying{next: "EX02", in: 5 * time.Minute})
			_ = retry.ResetAfter(5 * time.Minute)
			return
		}
		s.Journal().Emit(s.Now(), "EX01", "EX02", delivered{next: "EX02"})
	})
	_ = retry.Reset(0)

	if err := s.Run(); err != nil {
		fmt.Println(err)
	}
	for _, r := range s.Journal().Records() {
		fmt.Println(s.Wall(r.At).Format("15:04"), r.Kind, r.Text())
	}
	fmt.Println("clock at", s.Wall(s.Now()).Format("15:04"), "after", s.Events(), "events")
	// Output:
	// 08:00 queue.retry EX02 is down; retry in 5 minutes
	// 08:05 queue.retry EX02 is down; retry in 5 minutes
	// 08:10 queue.retry EX02 is down; retry in 5 minutes
	// 08:15 queue.deliver delivered to EX02
	// clock at 09:00 after 5 events
}
