package transport

import (
	"sort"
	"time"
	"unsafe"
)

// snCopy is one copy in a server's Safety Net (2013+, primary or shadow) or transport
// dumpster (2010): 40 bytes held by value, where the queue copy it was made from is
// 112 and was kept whole. A copy sits there for SafetyNetHoldTime (two days by
// default), so a day of 100,000 messages ends with some 200,000 of them and a day of
// 1,000,000 held 225 MB in items; what a kept copy still needs is only what
// resubmission, the sweep, the dumpster's limit and the ledger read.
type snCopy struct {
	m *message
	// rcpts is the recipients it covers; nil: all of m's, in order (the common
	// case, a copy of the whole message, costs no list)
	rcpts  *[]int
	keptAt time.Duration
	seq    uint32 // the item's place among m's copies (item.seq): m.items' order
	intID  int32  // the item's InternalMessageId on its server (RESUBMIT's reference)
	armed  int32  // resubmission requests waiting on it: it is a live copy meanwhile
	shadow bool   // in the shadow Safety Net (else the primary one)
	dead   bool   // expired, evicted or lost with its queue database
}

// snStore is a server's Safety Net (or dumpster) copies in the order kept, which is
// the order they expire. Copies are numbered from 0 for the life of the server, so a
// number (snRef) still names the same copy, or none, after older ones are swept and
// after the queue database is lost. Blocks are never reallocated: a pointer to a copy
// stays valid while its block is kept.
type snStore struct {
	blocks []snBlock
	last   []snCopy // the last block's recs, where push appends
	start  int      // the number of the oldest copy not swept
	end    int      // the number the next copy gets
	live   int      // copies neither swept nor dead
	next   int      // bytes of the next block (grow)
}

type snBlock struct {
	at   int      // the number of recs[0]
	recs []snCopy // all of the block: those numbered from end on are not written yet
}

// snRef names a copy in srv's Safety Net.
type snRef struct {
	srv *server
	n   int
}

// get is the copy ref names, or nil if it was swept, evicted or lost.
func (ref snRef) get() *snCopy {
	c := ref.srv.sn.at(ref.n)
	if c == nil || c.dead {
		return nil
	}
	return c
}

func (s *snStore) at(n int) *snCopy {
	if n < s.start || n >= s.end {
		return nil
	}
	k := sort.Search(len(s.blocks), func(k int) bool { return s.blocks[k].at > n }) - 1
	b := &s.blocks[k]
	return &b.recs[n-b.at]
}

// push appends a zero copy and returns it, to be filled in place, and its number.
func (s *snStore) push() (*snCopy, int) {
	if len(s.last) == cap(s.last) {
		s.newBlock()
	}
	s.last = s.last[:len(s.last)+1]
	s.end++
	s.live++
	return &s.last[len(s.last)-1], s.end - 1
}

func (s *snStore) newBlock() {
	s.last = make([]snCopy, 0, max(1, grow(&s.next)/int(unsafe.Sizeof(snCopy{}))))
	prefault(s.last[:cap(s.last)])
	s.blocks = append(s.blocks, snBlock{at: s.end, recs: s.last[:cap(s.last)]})
}

// dropBefore forgets the copies numbered below n (swept) and the blocks holding only
// those.
func (s *snStore) dropBefore(n int) {
	s.start = n
	k := 0
	for k < len(s.blocks)-1 && s.blocks[k+1].at <= n {
		k++
	}
	if k > 0 {
		s.blocks = append(s.blocks[:0], s.blocks[k:]...)
		clear(s.blocks[len(s.blocks):cap(s.blocks)])
	}
}

// reset forgets every copy (the queue database is gone); numbers go on from end.
func (s *snStore) reset() {
	s.blocks, s.last, s.start, s.live = nil, nil, s.end, 0
}

// each calls fn with the number of each live copy, oldest first.
func (s *snStore) each(fn func(n int, c *snCopy)) {
	for k := range s.blocks {
		b := &s.blocks[k]
		for j := range b.recs {
			n := b.at + j
			if n >= s.end {
				return
			}
			if n >= s.start && !b.recs[j].dead {
				fn(n, &b.recs[j])
			}
		}
	}
}

// recipients is the list c covers (o.iota's prefix for all of m's: shared, never
// changed in place, as every item's list is).
func (o *Org) recipients(c *snCopy) []int {
	if c.rcpts != nil {
		return *c.rcpts
	}
	return o.iota[:len(c.m.rcpts):len(c.m.rcpts)]
}

func (c *snCopy) covers(i int) bool {
	if c.rcpts == nil {
		return i < len(c.m.rcpts)
	}
	for _, r := range *c.rcpts {
		if r == i {
			return true
		}
	}
	return false
}

// snRecipients is what a copy of rcpts stores: nil for all of m's recipients in order.
func snRecipients(m *message, rcpts []int) *[]int {
	if len(rcpts) == len(m.rcpts) {
		all := true
		for k, r := range rcpts {
			if r != k {
				all = false
				break
			}
		}
		if all {
			return nil
		}
	}
	p := new([]int) // here, not &rcpts: that moved rcpts to the heap on every call
	*p = rcpts
	return p
}

// keepCopy stores it in srv's Safety Net as a record of its own; the item itself is
// no longer a copy of m (m.items drops it) and is left to whatever still holds it,
// which sees it as it was when kept (locSafetyNet, not dead).
func (o *Org) keepCopy(srv *server, it *item, shadow bool) {
	m := it.m
	for k, x := range m.items {
		if x == it {
			m.items = without(m.items, k)
			break
		}
	}
	c, n := srv.sn.push()
	c.m, c.rcpts, c.keptAt, c.seq, c.intID, c.shadow = m, snRecipients(m, it.rcpts), o.now(), it.seq, int32(it.intID), shadow
	if x := it.ext; x != nil && x.armed > 0 {
		ref := snRef{srv, n}
		x.keptAs = ref
		for range x.armed {
			o.arm(ref)
		}
	}
}

// shadowWait is what a lossy failover's shadow Safety Net request waits on: a copy in
// a shadow Safety Net, or a shadow still in its shadow queue that may be kept in one
// (before the request is answered) or not.
type shadowWait struct {
	ref snRef
	it  *item // nil: ref
}

// firstShadow is what a lossy failover's shadow Safety Net request waits on: the first
// made of a message's shadows still in their queues (live, in its copies' order) and
// its copies in shadow Safety Nets (kept, in the same order).
func firstShadow(live []*item, kept []keptCopy) (shadowWait, bool) {
	switch {
	case len(live) > 0 && (len(kept) == 0 || live[0].seq < kept[0].c.seq):
		return shadowWait{it: live[0]}, true
	case len(kept) > 0:
		return shadowWait{ref: kept[0].ref}, true
	}
	return shadowWait{}, false
}

func (o *Org) armWait(w shadowWait) {
	if w.it == nil {
		o.arm(w.ref)
		return
	}
	w.it.x().armed++
}

// resolve is the Safety Net copy w waits on now; ok false if none (the shadow was not
// kept, or its copy is gone).
func (w shadowWait) resolve() (snRef, bool) {
	ref := w.ref
	if w.it != nil {
		if w.it.ext.keptAs.srv == nil {
			return snRef{}, false
		}
		ref = w.it.ext.keptAs
	}
	return ref, ref.get() != nil
}

func (o *Org) disarmWait(w shadowWait) {
	if w.it != nil && w.it.ext.keptAs.srv == nil {
		w.it.ext.armed--
		return
	}
	ref, _ := w.resolve()
	o.disarm(ref)
}

// dropKept removes the copy numbered n from srv's Safety Net, as removeCopy does a
// queue copy: a recipient a resubmission request was waiting on it for, left with no
// copy, is lost to fault.
func (o *Org) dropKept(srv *server, n int, fault, where string, destroyed bool) {
	c := srv.sn.at(n)
	if c == nil || c.dead {
		return
	}
	c.dead = true
	srv.sn.live--
	m := c.m
	if c.armed > 0 {
		m.ext.unarm(snRef{srv, n})
	}
	if destroyed {
		m.x().lastFault = &faultNote{fault, where}
	}
	o.checkLost(m, o.recipients(c), fault, where)
	o.spofUpdate(m)
}

// arm records a resubmission request waiting on the copy ref names: until it is
// answered the copy counts as a live copy of its recipients.
func (o *Org) arm(ref snRef) {
	c := ref.get()
	if c.armed == 0 {
		x := c.m.x()
		x.armedSN = append(x.armedSN, ref)
	}
	c.armed++
}

// disarm: a request waiting on ref was answered (or gave up). A copy gone meanwhile
// was unarmed when it went.
func (o *Org) disarm(ref snRef) {
	c := ref.get()
	if c == nil {
		return
	}
	c.armed--
	if c.armed == 0 {
		c.m.ext.unarm(ref)
	}
}

func (x *msgExt) unarm(ref snRef) {
	for k, r := range x.armedSN {
		if r == ref {
			x.armedSN = append(x.armedSN[:k], x.armedSN[k+1:]...)
			return
		}
	}
}

// armedCovering counts m's armed Safety Net copies of recipient i; m.ext is set.
func (m *message) armedCovering(i int) int {
	n := 0
	for _, ref := range m.ext.armedSN {
		if c := ref.get(); c != nil && c.covers(i) {
			n++
		}
	}
	return n
}

// keptCopy is one Safety Net copy of a message, found by keptCopies.
type keptCopy struct {
	ref snRef
	c   *snCopy
}

// keptCopies lists every live Safety Net copy by message, each message's in the
// order of its copies (seq): what a lossy failover or a resubmit request searches.
func (o *Org) keptCopies() map[*message][]keptCopy {
	out := map[*message][]keptCopy{}
	for _, srv := range o.servers {
		srv.sn.each(func(n int, c *snCopy) {
			out[c.m] = append(out[c.m], keptCopy{snRef{srv, n}, c})
		})
	}
	for _, list := range out {
		sort.Slice(list, func(a, b int) bool { return list[a].c.seq < list[b].c.seq })
	}
	return out
}
