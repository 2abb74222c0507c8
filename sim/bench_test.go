package sim_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
)

// The hold model of ../shared/reference/simulation-anchors.md section 2: P events are
// pending; running one schedules exactly one successor at now+U[1,1000] ticks drawn
// from a splitmix64 generator, so the agenda stays at P entries. One benchmark op is
// one event, so allocs/op is allocations per event. Setup (filling the agenda) is
// excluded from the timing.

var holdSizes = []int{10, 10_000, 1_000_000}

// splitmix64 is the PRNG every variant shares, so both draw the same delays.
type splitmix64 uint64

func (x *splitmix64) next() uint64 {
	*x += 0x9e3779b97f4a7c15
	z := uint64(*x)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (x *splitmix64) delay() int64 { return int64(1 + x.next()%1000) }

// holdHandler is the kernel variant's model: a Handler scheduled with Post, so the
// loop allocates nothing per event.
type holdHandler struct{ rng splitmix64 }

func (h *holdHandler) Fire(s *sim.Sim, ev sim.Event) {
	if err := s.Post(s.Now()+time.Duration(h.rng.delay()), h, ev); err != nil {
		panic(err) // unreachable: the delay is positive
	}
}

// baseline is the anchors' variant B: a bare typed binary heap of (at, seq, fn) with
// one closure per entity reused for every event. It is the floor the kernel is
// measured against.
type baseEntry struct {
	at  int64
	seq uint64
	fn  func()
}

type baseline struct {
	now int64
	seq uint64
	q   []baseEntry
	rng splitmix64
}

func (e *baseEntry) before(o *baseEntry) bool {
	return e.at < o.at || (e.at == o.at && e.seq < o.seq)
}

// push and step sift a hole rather than swapping, as the kernel's agenda does, so
// the ratio measures the kernel's own overhead (slab, handler call, hash, limits)
// and not a difference in heap technique.
func (b *baseline) push(at int64, fn func()) {
	b.seq++
	b.q = append(b.q, baseEntry{at: at, seq: b.seq, fn: fn})
	h := b.q
	i := len(h) - 1
	e := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

func (b *baseline) step() {
	h := b.q
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h[n] = baseEntry{}
	h = h[:n]
	if n > 0 {
		i := 0
		for {
			l := 2*i + 1
			if l >= n {
				break
			}
			m := l
			if r := l + 1; r < n && h[r].before(&h[l]) {
				m = r
			}
			if !h[m].before(&last) {
				break
			}
			h[i] = h[m]
			i = m
		}
		h[i] = last
	}
	b.q = h
	b.now = top.at
	top.fn()
}

// BenchmarkHold runs the kernel and the baseline side by side at each size, so that
// with -count=N their runs are close in time and the ratio is fair on a shared
// machine.
func BenchmarkHold(b *testing.B) {
	for _, p := range holdSizes {
		b.Run(fmt.Sprintf("P=%d/kernel", p), func(b *testing.B) { benchKernel(b, p) })
		b.Run(fmt.Sprintf("P=%d/baseline", p), func(b *testing.B) { benchBaseline(b, p) })
	}
}

func benchKernel(b *testing.B, p int) {
	s := sim.New(sim.Config{Seed: 1})
	s.Journal().Disable()
	h := &holdHandler{rng: 42}
	for i := 0; i < p; i++ {
		if err := s.Post(time.Duration(h.rng.delay()), h, sim.Event{A: int32(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	runtime.GC() // as the anchors measure: setup excluded, GC forced before the run
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ok, err := s.Step(); !ok || err != nil {
			b.Fatal("the hold model ran dry", err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if s.Pending() != p {
		b.Fatalf("pending = %d, want %d", s.Pending(), p)
	}
}

func benchBaseline(b *testing.B, p int) {
	base := &baseline{rng: 42}
	for i := 0; i < p; i++ {
		var fn func()
		fn = func() { base.push(base.now+base.rng.delay(), fn) }
		base.push(base.rng.delay(), fn)
	}
	b.ReportAllocs()
	runtime.GC() // as the anchors measure: setup excluded, GC forced before the run
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		base.step()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if len(base.q) != p {
		b.Fatalf("pending = %d, want %d", len(base.q), p)
	}
}
