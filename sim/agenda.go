package sim

import (
	"errors"
	"math/bits"
	"time"
)

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

// key orders the agenda by (at, seq) and points at its entry. Sift-up and sift-down
// copy keys, not the 56-byte entries, so the key is kept at 16 bytes: the sequence
// number, the entry's slot and the timer mark share one word (tag), the sequence in
// its high bits. Sequence numbers are unique, so comparing tags orders keys of one
// instant exactly as comparing sequence numbers did (24-byte keys with separate
// fields were a quarter of the anchors workload's instructions in the agenda's sifts,
// cachegrind).
type key struct {
	at  time.Duration
	tag uint64 // seq<<seqShift | slot<<1 | timer
}

const (
	slotBits = 24 // up to 16,777,216 pending entries (their slab alone would be 940 MB)
	seqShift = slotBits + 1
	// maxSeq is the last sequence number the tag holds: 2^39-1, some 5.5e11 events
	// (hours of events at the kernel's speed).
	maxSeq   = 1<<(64-seqShift) - 1
	maxSlots = 1 << slotBits
)

// ErrAgendaFull rejects an event the agenda has no room for: more than 2^24 events
// pending at once, or more than 2^39-1 sequence numbers used or reserved.
var ErrAgendaFull = errors.New("sim: the agenda is full (2^24 pending events, or 2^39-1 events scheduled or reserved)")

func (k *key) seq() uint64 { return k.tag >> seqShift }

func (k *key) slot() uint32 { return uint32(k.tag>>1) & (maxSlots - 1) }

// timer marks an entry of a Timer: only those can be stale, so a plain event is
// popped without first reading its entry.
func (k *key) timer() bool { return k.tag&1 != 0 }

func (k *key) before(o *key) bool {
	return k.at < o.at || (k.at == o.at && k.tag < o.tag)
}

// room reports ErrAgendaFull when an entry with sequence number seq does not fit.
func (q *agenda) room(seq uint64) error {
	if seq > maxSeq || (len(q.free) == 0 && len(q.slots) >= maxSlots) {
		return ErrAgendaFull
	}
	return nil
}

// agenda is a min-heap of keys with a slab of entries and a free list of slots,
// beside a few FIFO lanes for long fixed delays. It is typed (no interface boxing,
// unlike container/heap) because it is the kernel's hot path; once the slab, heap and
// lanes reach their working size, push and pop allocate nothing.
//
// While it holds few keys the heap is a sorted run, heap[hd:] in (at, seq) order:
// the day-100k run pops with 6 keys in it on average, and a pop there is hd++ and
// a push a short insertion from the end (a new key is most often the latest), where
// the binary heap's sift-down and sift-up were 9% of the run's instructions
// (cachegrind). Past sortedMax keys it is made a binary heap (heap[hd:] with hd 0),
// O(log n) a push and a pop, until it empties. Either way keys pop in (at, seq)
// order, a total order, so the run is the same.
type agenda struct {
	heap    []key
	hd      int  // sorted: the first key of the run; 0 for a binary heap
	binary  bool // heap is a binary heap, not a sorted run
	slots   []entry
	free    []uint32
	lanes   [nLanes]lane
	busy    uint8 // bit i: lanes[i] is not empty
	first   int8  // 1 + the busy lane with the earliest head, 0 when none is; Sim.step compares it with the heap's top
	inLanes int
}

// A lane holds keys scheduled with one delay of at least laneMin, in order: now
// only moves forward, so such keys come in increasing (at, seq) and a FIFO keeps
// them at O(1) a push and a pop. Long delays (timeouts, expiries) are the entries
// that stay longest in a heap and deepen every sift: in the anchors workload the
// 2-minute and 1-hour ones were 52 of its 57 pending entries. Short delays stay in
// the heap, which is then shallow; the earliest lane head is kept (first), so the
// next event is the earlier of it and the heap's top. Any key still pops in (at,
// seq) order, so the run is the same.
type lane struct {
	d    time.Duration
	keys []key
	head int
}

const (
	nLanes  = 4
	laneMin = time.Second
	// sortedMax is the most keys the heap keeps as a sorted run: an insertion there
	// moves up to this many 16-byte keys.
	sortedMax = 64
)

func (q *agenda) len() int { return len(q.heap) - q.hd + q.inLanes }

// top is the heap's earliest key, nil when it has none.
func (q *agenda) top() *key {
	if q.hd == len(q.heap) {
		return nil
	}
	return &q.heap[q.hd]
}

// findFirst sets first to the busy lane with the earliest head.
func (q *agenda) findFirst() {
	q.first = 0
	var best *key
	for m := q.busy; m != 0; m &= m - 1 {
		i := bits.TrailingZeros8(m)
		l := &q.lanes[i]
		if k := &l.keys[l.head]; best == nil || k.before(best) {
			best, q.first = k, int8(i+1)
		}
	}
}

// lane returns the index of the lane a key k of delay d may join, or -1: the lane of
// that delay if k comes after its last key, else an empty lane.
func (q *agenda) lane(d time.Duration, k *key) int {
	idle := -1
	for i := range q.lanes {
		l := &q.lanes[i]
		if q.busy&(1<<i) == 0 {
			if idle < 0 {
				idle = i
			}
			continue
		}
		if l.d == d {
			if l.keys[len(l.keys)-1].before(k) {
				return i
			}
			return -1
		}
	}
	if idle >= 0 {
		q.lanes[idle].d = d
	}
	return idle
}

// pushLane appends k, of delay d, to a lane if one takes it.
func (q *agenda) pushLane(d time.Duration, k key) bool {
	i := q.lane(d, &k)
	if i < 0 {
		return false
	}
	l := &q.lanes[i]
	l.keys = append(l.keys, k)
	q.inLanes++
	if len(l.keys) == 1 { // a new head: first only moves if it is earlier
		q.busy |= 1 << i
		if f := q.first; f == 0 || k.before(&q.lanes[f-1].keys[q.lanes[f-1].head]) {
			q.first = int8(i + 1)
		}
	}
	return true
}

// take returns a free slot of the slab for the caller to fill before push: the
// fields are written in place, not built in an entry passed by value and copied
// again (two 56-byte copies an event showed in the anchors workload's counts).
func (q *agenda) take() (uint32, *entry) {
	if n := len(q.free); n > 0 {
		slot := q.free[n-1]
		q.free = q.free[:n-1]
		return slot, &q.slots[slot]
	}
	q.slots = append(q.slots, entry{})
	slot := uint32(len(q.slots) - 1)
	return slot, &q.slots[slot]
}

// push schedules the entry in slot (from take) due at at, scheduled at now; the
// caller has checked room(seq). timer marks a Timer's entry.
func (q *agenda) push(now, at time.Duration, seq uint64, slot uint32, timer bool) {
	tag := seq<<seqShift | uint64(slot)<<1
	if timer {
		tag |= 1
	}
	if at-now >= laneMin && q.pushLane(at-now, key{at: at, tag: tag}) {
		return
	}
	if !q.binary {
		if len(q.heap)-q.hd < sortedMax {
			q.insert(key{at: at, tag: tag})
			return
		}
		q.toBinary()
	}
	q.heap = append(q.heap, key{at: at, tag: tag})
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

// insert puts k into the sorted run, searching from its end (a run that empties is
// moved back to the front by pop).
func (q *agenda) insert(k key) {
	q.heap = append(q.heap, k)
	h := q.heap
	i := len(h) - 1
	for i > q.hd && k.before(&h[i-1]) {
		h[i] = h[i-1]
		i--
	}
	h[i] = k
}

// toBinary makes the sorted run a binary heap: moved to the front, a sorted slice
// already is one.
func (q *agenda) toBinary() {
	n := copy(q.heap, q.heap[q.hd:])
	q.heap, q.hd, q.binary = q.heap[:n], 0, true
}

// compact removes every entry for which stale reports true and restores the heap.
func (q *agenda) compact(stale func(*entry) bool) {
	h := q.heap[:0]
	for _, k := range q.heap[q.hd:] {
		if slot := k.slot(); stale(&q.slots[slot]) {
			q.slots[slot] = entry{}
			q.free = append(q.free, slot)
			continue
		}
		h = append(h, k)
	}
	q.heap, q.hd = h, 0 // a sorted run filtered stays sorted
	q.binary = q.binary && len(h) > 0
	if q.binary {
		for i := len(h)/2 - 1; i >= 0; i-- {
			q.down(i)
		}
	}
	for i := range q.lanes {
		l := &q.lanes[i]
		ks := l.keys[:0]
		for _, k := range l.keys[l.head:] {
			if slot := k.slot(); stale(&q.slots[slot]) {
				q.slots[slot] = entry{}
				q.free = append(q.free, slot)
				q.inLanes--
				continue
			}
			ks = append(ks, k)
		}
		l.keys, l.head = ks, 0
		if len(ks) == 0 {
			q.busy &^= 1 << i
		}
	}
	q.findFirst()
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

// pop removes the earliest key, at src (a lane, or -1 for the heap, as Sim.step
// found it), and returns it with its entry's handler and event (the timer's, for a
// timer entry), freeing the slot; the agenda must not be empty. Fields are read
// from the slab in place rather than copying the whole entry.
func (q *agenda) pop(src int) (k key, h Handler, ev Event, t *Timer) {
	switch {
	case src < 0 && !q.binary:
		k = q.heap[q.hd]
		q.hd++
		if q.hd == len(q.heap) {
			q.heap, q.hd = q.heap[:0], 0
		} else if q.hd >= 64 && 2*q.hd >= len(q.heap) {
			n := copy(q.heap, q.heap[q.hd:]) // amortised O(1), as a lane's
			q.heap, q.hd = q.heap[:n], 0
		}
	case src < 0:
		k = q.heap[0]
		n := len(q.heap) - 1
		q.heap[0] = q.heap[n]
		q.heap = q.heap[:n]
		if n > 0 {
			q.down(0)
		} else {
			q.binary = false // empty: a sorted run again
		}
	default:
		l := &q.lanes[src]
		k = l.keys[l.head]
		l.head++
		q.inLanes--
		if l.head == len(l.keys) {
			l.keys, l.head = l.keys[:0], 0
			q.busy &^= 1 << src
		} else if l.head >= 64 && 2*l.head >= len(l.keys) {
			// a lane that never empties is moved down now and then, amortised O(1)
			n := copy(l.keys, l.keys[l.head:])
			l.keys, l.head = l.keys[:n], 0
		}
		q.findFirst()
	}
	slot := k.slot()
	e := &q.slots[slot]
	h, ev, t = e.h, e.ev, e.timer
	e.h, e.timer = nil, nil // drop the references the vacated slot held
	q.free = append(q.free, slot)
	return k, h, ev, t
}
