package transport

// slab hands out pointers into chunks of T allocated together: one allocation per
// slabChunk objects instead of one per object (issue 5: allocation, not the model, was
// what the anchors workload paid for). A chunk lives while any object in it is
// referenced, so objects of very different lifetimes get separate slabs (a queue copy
// may sit in Safety Net for days; a sender's copy goes at the 250).
type slab[T any] struct{ buf []T }

const slabChunk = 128

func (s *slab[T]) new() *T {
	if len(s.buf) == 0 {
		s.buf = make([]T, slabChunk)
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
		s.buf = make([]rcpt, slabChunk)
	}
	r := s.buf[:0:n]
	s.buf = s.buf[n:]
	return r
}
