package transport

import "unsafe"

// slab hands out pointers into chunks of T allocated together: one allocation per
// slabChunk objects instead of one per object (issue 5: allocation, not the model, was
// what the anchors workload paid for). A chunk lives while any object in it is
// referenced, so objects of very different lifetimes get separate slabs (a queue copy
// may sit in Safety Net for days; a sender's copy goes at the 250).
//
// A chunk is over 32 KB, so the runtime allocates it as one large object, without
// writing a per-object type bitmap (which cost more than the allocations it saved at
// 128 objects per chunk). The first chunks are smaller (firstSlabBytes, doubling up to
// slabBytes): exsim check builds an Org per variant, a few hundred messages each, and
// seven full chunks per Org were 70% of what a variant allocated.
type slab[T any] struct {
	buf  []T
	next int // bytes of the next chunk
}

const (
	slabChunk      = 128
	slabBytes      = 40 << 10
	firstSlabBytes = 2 << 10
)

// grow returns the size in bytes of the next chunk and doubles the one after it.
func grow(next *int) int {
	n := max(*next, firstSlabBytes)
	*next = min(2*n, slabBytes)
	return n
}

func (s *slab[T]) new() *T {
	if len(s.buf) == 0 {
		var zero T
		size := int(unsafe.Sizeof(zero))
		n := max(1, grow(&s.next)/size)
		if s.next == slabBytes {
			n = max(n, slabChunk) // full size: at least slabChunk objects, as before
		}
		s.buf = make([]T, n)
		prefault(s.buf)
	}
	p := &s.buf[0]
	s.buf = s.buf[1:]
	return p
}

// rcptSlab carves recipient lists out of shared chunks.
type rcptSlab struct {
	buf  []rcpt
	next int
}

func (s *rcptSlab) new(n int) []rcpt {
	if n > slabChunk/4 {
		return make([]rcpt, 0, n)
	}
	if len(s.buf) < n {
		s.buf = make([]rcpt, max(n, grow(&s.next)/int(unsafe.Sizeof(rcpt{}))))
		prefault(s.buf)
	}
	r := s.buf[:0:n]
	s.buf = s.buf[n:]
	return r
}

// pool hands out objects released with put before carving new ones from its slab.
// A session whose last posted event has fired is referred to by nothing (closures it
// scheduled capture what they need, not the session), so it is released and reused:
// reused memory is warm in cache and no new work for the collector. Callers reset what
// they release, or what they get, as the object's past holders require.
type pool[T any] struct {
	free []*T
	slab slab[T]
}

func (p *pool[T]) get() *T {
	if n := len(p.free); n > 0 {
		x := p.free[n-1]
		p.free = p.free[:n-1]
		return x
	}
	return p.slab.new()
}

func (p *pool[T]) put(x *T) { p.free = append(p.free, x) }

func (o *Org) freeRelay(rs *relaySession) {
	o.freeBatch(rs.batch)
	*rs = relaySession{}
	o.pools.relays.put(rs)
}

// newBatch is an empty list for the up to 20 messages of one SMTP session.
func (o *Org) newBatch() []*item {
	if n := len(o.pools.batches); n > 0 {
		b := o.pools.batches[n-1]
		o.pools.batches = o.pools.batches[:n-1]
		return b
	}
	return make([]*item, 0, 20)
}

func (o *Org) freeBatch(b []*item) {
	if cap(b) == 0 {
		return
	}
	clear(b[:cap(b)])
	o.pools.batches = append(o.pools.batches, b[:0])
}

// newSender is a zeroed copy for an internet sender. A released one is reused and
// reset here, not when released: the closures and sessions that may still hold it
// check that it is still the copy of their message (it.m) and not dead.
func (o *Org) newSender() *item {
	it := o.pools.senders.get()
	*it = item{}
	return it
}

// appendDoubling appends, doubling the capacity when full. append grows large slices
// by about 1.25x, so a list that only grows (the ledger, a Safety Net) would be copied
// some five times its final size; doubling copies it about twice.
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) && len(s) >= 256 {
		n := make([]T, len(s), 2*len(s))
		copy(n, s)
		prefault(n[len(s):cap(n)])
		s = n
	}
	return append(s, v)
}

// prefault writes a zero byte into each page of b, which must be all zero (fresh from
// make and not yet handed out). Memory fresh from the OS is mapped on first touch,
// and a first touch that is a read maps the shared zero page: the write that follows
// faults again, and replacing a mapped page flushes the TLB of every CPU running the
// process, by an interrupt to each. Both happened for one page in five of the
// messages' slab: Submit reads m.fromOrg, the struct's last field, on a page that
// nothing has written yet, and then writes m.tries on it; and the collector reads
// the untouched tail of a chunk or of a doubled list when it scans them. On the
// day-100k run that was 1,428 write-protect faults, each with its interrupt, about
// 5% of the run (perf: do_wp_page, smp_call_function_many_cond). Writing first maps
// each page once. The stored byte is the zero already there, so no pointer changes.
func prefault[T any](b []T) {
	if len(b) == 0 {
		return
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	size := uintptr(len(b)) * unsafe.Sizeof(b[0])
	for off := uintptr(0); off < size; off += pageBytes {
		*(*byte)(unsafe.Add(p, off)) = 0
	}
}

// pageBytes is the smallest page size of the platforms Go runs on: on larger pages
// prefault only stores more often than it needs to.
const pageBytes = 4096

// without removes s[k], keeping the order, and clears the slot it leaves at the end:
// append(s[:k], s[k+1:]...) left the last copy's pointer there, and queues' arrays
// held enough of those to keep 168 MB of released copies' slab chunks (and what they
// link to) alive in a day of 1,000,000 messages. (slices.Delete clears it too, by a
// call to memclr per removal: 2% of the day-100k run's instructions.)
func without(s []*item, k int) []*item {
	n := len(s) - 1
	if k < n {
		copy(s[k:], s[k+1:])
	}
	s[n] = nil
	return s[:n]
}
