package sim

import "time"

// entry is what a pending event runs. Entries live in a slab indexed by slot and
// never move while pending; only the small keys move in the heap.
// A plain func is stored as a funcHandler (a func value fits an interface without
// allocating), which keeps the entry at 56 bytes.
type entry struct {
	h     Handler
	ev    Event
	timer *Timer
	gen   uint32
}

// key orders the agenda by (at, seq) and points at its entry. Keeping it at 24 bytes
// (the size of a bare (time, seq, func) heap element) is what makes the kernel's
// heap as cheap as a hand-written one: sift-up and sift-down copy keys, not the
// 56-byte entries.
type key struct {
	at   time.Duration
	seq  uint64
	slot uint32
	// timer marks an entry of a Timer (it sits in the key's padding): only those can be
	// stale, so a plain event is popped without first reading its entry.
	timer bool
}

func (k *key) before(o *key) bool {
	return k.at < o.at || (k.at == o.at && k.seq < o.seq)
}

// agenda is a binary min-heap of keys with a slab of entries and a free list of
// slots. It is typed (no interface boxing, unlike container/heap) because it is the
// kernel's hot path; once the slab and heap reach their working size, push and pop
// allocate nothing.
type agenda struct {
	heap  []key
	slots []entry
	free  []uint32
}

func (q *agenda) len() int { return len(q.heap) }

// top is the earliest key; the agenda must not be empty.
func (q *agenda) top() *key { return &q.heap[0] }

func (q *agenda) push(at time.Duration, seq uint64, e entry) {
	var slot uint32
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
		q.slots[slot] = e
	} else {
		slot = uint32(len(q.slots))
		q.slots = append(q.slots, e)
	}
	q.heap = append(q.heap, key{at: at, seq: seq, slot: slot, timer: e.timer != nil})
	h := q.heap
	i := len(h) - 1
	k := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !k.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = k
}

// compact removes every entry for which stale reports true and restores the heap.
func (q *agenda) compact(stale func(*entry) bool) {
	h := q.heap[:0]
	for _, k := range q.heap {
		if stale(&q.slots[k.slot]) {
			q.slots[k.slot] = entry{}
			q.free = append(q.free, k.slot)
			continue
		}
		h = append(h, k)
	}
	q.heap = h
	for i := len(h)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

// down sifts the key at i towards the leaves.
func (q *agenda) down(i int) {
	h := q.heap
	n := len(h)
	k := h[i]
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].before(&h[l]) {
			m = r
		}
		if !h[m].before(&k) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = k
}

// pop removes the earliest key and returns it with its entry's handler and event
// (the timer's, for a timer entry), freeing the slot; the agenda must not be empty.
// Fields are read from the slab in place rather than copying the whole entry.
func (q *agenda) pop() (k key, h Handler, ev Event, t *Timer) {
	k = q.heap[0]
	n := len(q.heap) - 1
	q.heap[0] = q.heap[n]
	q.heap = q.heap[:n]
	if n > 0 {
		q.down(0)
	}
	e := &q.slots[k.slot]
	h, ev, t = e.h, e.ev, e.timer
	e.h, e.timer = nil, nil // drop the references the vacated slot held
	q.free = append(q.free, k.slot)
	return k, h, ev, t
}
