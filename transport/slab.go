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
// 128 objects per chunk).
type slab[T any] struct{ buf []T }

const (
	slabChunk = 128
	slabBytes = 40 << 10
)

func (s *slab[T]) new() *T {
	if len(s.buf) == 0 {
		var zero T
		s.buf = make([]T, max(slabChunk, slabBytes/int(unsafe.Sizeof(zero))))
	}
	p := &s.buf[0]
	s.buf = s.buf[1:]
	return p
}

// rcptSlab carves recipient lists out of shared chunks.
type rcptSlab struct{ buf []rcpt }

func (s *rcptSlab) new(n int) []rcpt {
	if n > slabChunk/4 {
		return make([]rcpt, 0, n)
	}
	if len(s.buf) < n {
		s.buf = make([]rcpt, slabBytes/int(unsafe.Sizeof(rcpt{})))
	}
	r := s.buf[:0:n]
	s.buf = s.buf[n:]
	return r
}
