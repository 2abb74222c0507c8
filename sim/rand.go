package sim

import "math/rand/v2"

// Stream is a named, seeded random stream.
type Stream struct {
	*rand.Rand
	src *rand.PCG
}

// Clone returns an independent copy of r in its current state: it draws what r
// would draw next, without moving r. A generator uses it to draw the same values
// later, one at a time, that it counted up front.
func (r *Stream) Clone() *Stream {
	src := *r.src
	return &Stream{rand.New(&src), &src}
}

// Rand returns the random stream called name. Each stream is seeded from the run's
// seed and the name alone, so adding a stream (or drawing more from one) never
// shifts the draws of another: new traffic does not move fault times.
func (s *Sim) Rand(name string) *Stream {
	if r, ok := s.streams[name]; ok {
		return r
	}
	src := rand.NewPCG(s.seed, streamKey(name))
	r := &Stream{rand.New(src), src}
	s.streams[name] = r
	return r
}

// streamKey is FNV-1a of the name, fixed so stream seeds never change across releases.
func streamKey(name string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= fnvPrime
	}
	return h
}
