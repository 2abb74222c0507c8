package sim

import "time"

// Timer is a reusable event that can be armed, re-armed and stopped. A stopped or
// re-armed timer's old agenda entry is dropped lazily when it surfaces, or when stale
// entries outnumber live ones (so a timer re-armed on every message, like an idle
// timeout, cannot grow the agenda without bound).
type Timer struct {
	s     *Sim
	h     Handler
	ev    Event
	gen   uint32
	armed bool
	at    time.Duration
}

// NewTimer returns an unarmed timer that calls h.Fire(ev) when it fires.
func (s *Sim) NewTimer(h Handler, ev Event) *Timer {
	return &Timer{s: s, h: h, ev: ev}
}

// NewFuncTimer returns an unarmed timer that calls fn when it fires.
func (s *Sim) NewFuncTimer(kind Kind, fn func()) *Timer {
	t := &Timer{s: s, ev: Event{Kind: kind}}
	if fn != nil {
		t.h = funcHandler(fn)
	}
	return t
}

type funcHandler func()

func (f funcHandler) Fire(*Sim, Event) { f() }

// Reset arms the timer to fire at instant at, replacing any earlier arming.
func (t *Timer) Reset(at time.Duration) error {
	if t.s == nil || t.h == nil {
		return errNoHandler // a zero Timer, or one made with a nil handler or func
	}
	if err := t.s.check(at); err != nil {
		return err
	}
	if err := t.s.q.room(t.s.seq + 1); err != nil {
		return err
	}
	if t.armed {
		t.s.noteStale() // the entry of the earlier arming is now stale
	}
	t.gen++
	t.armed = true
	t.at = at
	slot, e := t.s.q.take()
	e.timer, e.gen, e.ev = t, t.gen, t.ev
	t.s.q.push(t.s.now, at, t.s.nextSeq(), slot, true)
	return nil
}

// ResetAfter arms the timer to fire d after now.
func (t *Timer) ResetAfter(d time.Duration) error {
	if t.s == nil {
		return errNoHandler
	}
	return t.Reset(t.s.now + d)
}

// Stop disarms the timer. It reports whether the timer was armed.
func (t *Timer) Stop() bool {
	was := t.armed
	t.gen++
	t.armed = false
	if was {
		t.s.noteStale()
	}
	return was
}

// Armed reports whether the timer will fire.
func (t *Timer) Armed() bool { return t.armed }

// When is the instant the timer fires at, when armed.
func (t *Timer) When() time.Duration { return t.at }
