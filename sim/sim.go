package sim

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Kind names a class of event for the running hash and for journal readers. Models
// pick their own values; the kernel only hashes them.
type Kind uint16

// Event is the small typed record a [Handler] receives. Its fields mean what the
// handler that scheduled it says they mean.
type Event struct {
	Kind Kind
	A, B int32
	N    int64
}

// Handler runs events it scheduled. Implementing Handler on a model's own type and
// scheduling with [Sim.Post] keeps the event loop free of allocations.
type Handler interface {
	Fire(s *Sim, ev Event)
}

// Limits stop runaway input. Zero means no limit.
type Limits struct {
	Horizon   time.Duration // events after this instant are not run
	MaxEvents uint64        // more events than this end the run with ErrEventBudget
}

// ErrEventBudget ends a run that used up Limits.MaxEvents.
var ErrEventBudget = errors.New("sim: event budget exhausted")

// ErrPast is returned when an event is scheduled before the current instant.
var ErrPast = errors.New("sim: cannot schedule an event in the past")

// errNoHandler rejects an event with nothing to run: it would only fail later, far
// from the mistake.
var errNoHandler = errors.New("sim: an event needs a handler or a func, got nil")

// Sim is one simulation: a clock, an agenda, random streams and a journal. It is not
// safe for concurrent use; run independent simulations on separate Sims.
type Sim struct {
	now     time.Duration
	start   time.Time
	seq     uint64
	q       agenda
	stale   int // agenda entries of stopped or re-armed timers
	limits  Limits
	events  uint64
	hash    uint64
	seed    uint64
	streams map[string]*Stream
	journal Journal
	stopped bool
}

// Config sets up a Sim.
type Config struct {
	Start  time.Time // wall-clock time of t=0, used only to render times
	Seed   uint64
	Limits Limits
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// New returns a simulation at t=0.
func New(c Config) *Sim {
	return &Sim{start: c.Start, limits: c.Limits, seed: c.Seed, hash: fnvOffset, streams: map[string]*Stream{}}
}

// Now is the current simulated instant.
func (s *Sim) Now() time.Duration { return s.now }

// Wall renders a simulated instant as wall-clock time (output only).
func (s *Sim) Wall(t time.Duration) time.Time { return s.start.Add(t) }

// Start is the wall-clock time of t=0.
func (s *Sim) Start() time.Time { return s.start }

// Seed is the seed every random stream derives from.
func (s *Sim) Seed() uint64 { return s.seed }

// Limits returns the run limits.
func (s *Sim) Limits() Limits { return s.limits }

// Events is the number of events run so far.
func (s *Sim) Events() uint64 { return s.events }

// Pending is the number of agenda entries, including stale timer entries not yet
// dropped.
func (s *Sim) Pending() int { return s.q.len() }

// Hash is the running hash (FNV-1a over 64-bit words) of (time, sequence, kind) of
// every event run.
func (s *Sim) Hash() uint64 { return s.hash }

// Journal is the run's append-only record.
func (s *Sim) Journal() *Journal { return &s.journal }

func (s *Sim) check(at time.Duration) error {
	if at < s.now {
		return s.past(at)
	}
	return nil
}

// past is check's error, out of line so that check inlines into every scheduling call.
func (s *Sim) past(at time.Duration) error {
	return fmt.Errorf("%w: %v is before now (%v)", ErrPast, at, s.now)
}

func (s *Sim) nextSeq() uint64 { s.seq++; return s.seq }

// Post schedules h.Fire(ev) at instant at.
func (s *Sim) Post(at time.Duration, h Handler, ev Event) error {
	if err := s.check(at); err != nil {
		return err
	}
	if h == nil {
		return errNoHandler
	}
	if err := s.q.room(s.seq + 1); err != nil {
		return err
	}
	slot, e := s.q.take()
	e.h, e.ev = h, ev
	s.q.push(s.now, at, s.nextSeq(), slot, false)
	return nil
}

// At schedules fn at instant at. kind is hashed and lets journal readers tell events
// apart; it may be 0.
func (s *Sim) At(at time.Duration, kind Kind, fn func()) error {
	if err := s.check(at); err != nil {
		return err
	}
	if fn == nil {
		return errNoHandler
	}
	if err := s.q.room(s.seq + 1); err != nil {
		return err
	}
	slot, e := s.q.take()
	e.h, e.ev = funcHandler(fn), Event{Kind: kind}
	s.q.push(s.now, at, s.nextSeq(), slot, false)
	return nil
}

// Reserve sets aside n sequence numbers and returns the first. A generator that
// schedules its events one at a time ([Sim.AtSeq], the next from the handler of the
// previous) then keeps the place in the scheduling order, and so the ties and the
// run's hash, that scheduling them all at once would have given, with one agenda
// entry instead of n.
func (s *Sim) Reserve(n uint64) uint64 {
	first := s.seq + 1
	s.seq += n
	return first
}

// AtSeq schedules fn at instant at with a sequence number from [Sim.Reserve], each
// used once.
func (s *Sim) AtSeq(at time.Duration, seq uint64, kind Kind, fn func()) error {
	if fn == nil {
		return errNoHandler
	}
	return s.PostSeq(at, seq, funcHandler(fn), Event{Kind: kind})
}

// PostSeq schedules h.Fire(ev) at instant at with a sequence number from
// [Sim.Reserve]: a generator's events without an allocation each.
func (s *Sim) PostSeq(at time.Duration, seq uint64, h Handler, ev Event) error {
	if err := s.check(at); err != nil {
		return err
	}
	if h == nil {
		return errNoHandler
	}
	if seq == 0 || seq > s.seq {
		return fmt.Errorf("sim: sequence %d was not reserved", seq)
	}
	if err := s.q.room(seq); err != nil {
		return err
	}
	slot, e := s.q.take()
	e.h, e.ev = h, ev
	s.q.push(s.now, at, seq, slot, false)
	return nil
}

// After schedules fn d after now.
func (s *Sim) After(d time.Duration, kind Kind, fn func()) error {
	if d < 0 {
		return fmt.Errorf("%w: negative delay %v", ErrPast, d)
	}
	return s.At(s.now+d, kind, fn)
}

// Stop ends the run after the current event. It is final: a stopped Sim runs no
// more events, and its clock stays at the event that called Stop.
func (s *Sim) Stop() { s.stopped = true }

// Step runs the next live event. It reports false when nothing is left to run before
// the horizon (or Stop was called); err is ErrEventBudget when the budget ran out.
func (s *Sim) Step() (bool, error) { return s.step(s.horizon()) }

// noteStale counts one more stale entry and, once stale entries are the majority
// (and more than a handful), removes them all: O(n) now and then, amortised O(1)
// per cancellation. Order is unaffected because (at, seq) is a total order.
func (s *Sim) noteStale() {
	s.stale++
	if s.stale > 64 && 2*s.stale > s.q.len() {
		s.q.compact(func(e *entry) bool { return e.timer != nil && e.gen != e.timer.gen })
		s.stale = 0
	}
}

// horizon is the last instant an event may run at.
func (s *Sim) horizon() time.Duration {
	if s.limits.Horizon > 0 {
		return s.limits.Horizon
	}
	return math.MaxInt64
}

// step runs the next live event if it is due at or before limit. Stale timer entries
// are dropped before the limit is checked, so a cancelled timer can never let a live
// event past the limit, and the budget is checked before the event leaves the
// agenda, so an exhausted run keeps its pending events.
func (s *Sim) step(limit time.Duration) (bool, error) {
	n, err := s.run(limit, 1)
	return n > 0, err
}

// run runs up to max live events due at or before limit, as step does one at a
// time, and returns how many ran. RunUntil runs them all in this one loop: a call,
// a return and the caller's checks per event were 1% of the day-100k run's
// instructions (cachegrind).
func (s *Sim) run(limit time.Duration, max uint64) (uint64, error) {
	var ran uint64
	budget := s.limits.MaxEvents
	if budget == 0 {
		budget = math.MaxUint64
	}
	for ran < max && !s.stopped && s.q.len() > 0 {
		// the earlier of the heap's top and the earliest lane head, written out
		// here: a call per event was 34M instructions of the whole day-100k run
		k, src := s.q.top(), -1
		if f := s.q.first; f != 0 {
			if l := &s.q.lanes[f-1]; k == nil || l.keys[l.head].before(k) {
				k, src = &l.keys[l.head], int(f-1)
			}
		}
		if k.timer() {
			if e := &s.q.slots[k.slot()]; e.gen != e.timer.gen {
				s.q.pop(src) // cancelled or re-armed: a stale entry
				s.stale--
				continue
			}
		}
		if k.at > limit {
			break
		}
		if s.events >= budget {
			return ran, fmt.Errorf("%w: %d events run by %v (raise the limit or shorten the scenario)", ErrEventBudget, s.events, s.now)
		}
		k2, h, ev, t := s.q.pop(src)
		s.now = k2.at
		s.events++
		ran++
		s.mix(uint64(k2.at))
		s.mix(k2.seq())
		s.mix(uint64(ev.Kind))
		if t != nil {
			t.armed = false
			t.h.Fire(s, t.ev)
		} else {
			h.Fire(s, ev)
		}
	}
	return ran, nil
}

// Run runs events until the agenda is empty, the horizon is reached or Stop is called.
// When a horizon is set, the clock ends at the horizon.
func (s *Sim) Run() error {
	if _, err := s.run(s.horizon(), math.MaxUint64); err != nil {
		return err
	}
	if s.limits.Horizon > s.now && !s.stopped {
		s.now = s.limits.Horizon
	}
	return nil
}

// RunUntil runs every event up to and including instant t, then sets the clock to t
// (to the horizon if t is past it).
func (s *Sim) RunUntil(t time.Duration) error {
	if err := s.check(t); err != nil {
		return err
	}
	limit := min(t, s.horizon())
	if _, err := s.run(limit, math.MaxUint64); err != nil {
		return err
	}
	if limit > s.now && !s.stopped {
		s.now = limit
	}
	return nil
}

// mix folds one 64-bit word into the hash: FNV-1a taken a word at a time rather than a
// byte at a time (3 multiplications per event instead of 24, which was a fifth of the
// kernel's cost per event). Each step is a bijection of the running hash for a given
// word, so two runs that differ in one event keep different hashes.
func (s *Sim) mix(v uint64) {
	s.hash = (s.hash ^ v) * fnvPrime
}
