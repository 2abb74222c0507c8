package sim

import "time"

// entry is one pending event on the agenda. It is stored by value in the heap so
// that scheduling does not allocate once the heap has grown to its working size.
type entry struct {
	at    time.Duration
	seq   uint64
	h     Handler
	fn    func()
	ev    Event
	timer *Timer
	gen   uint32
}

func (e *entry) before(o *entry) bool {
	return e.at < o.at || (e.at == o.at && e.seq < o.seq)
}

// agenda is a binary min-heap of entries keyed by (at, seq). It is typed (no
// interface boxing, unlike container/heap) because it is the kernel's hot path.
type agenda []entry

func (q *agenda) push(e entry) {
	*q = append(*q, e)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].before(&h[p]) {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (q *agenda) pop() entry {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[n] = entry{} // drop references held by the vacated slot
	h = h[:n]
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
		if !h[m].before(&h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
