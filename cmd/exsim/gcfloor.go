package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// runGC sets the garbage collector for exsim run: no collection until the heap
// reaches runHeapFloor, and after each collection none until it reaches runGCRatio
// times the heap the collection left live, or floor if that is more, and at most
// softMemoryLimit. It returns the function that puts the settings back. With GOGC or
// GOMEMLIMIT set it leaves the collector to them (sweepGC).
//
// A run's live heap only grows (the ledger keeps every message's fate for the
// verdict), so a collection of a small heap finds little to free and costs the
// simulation's thread its write barriers and assists: the day-100k run has 10 MB of
// garbage in 80 MB, and its one or two collections at GOGC=400 (the previous
// setting, which also set where they fell) were 12% of its time (20 interleaved
// rounds, 0.281 s against 0.320 s). A floor of 256 MB lets a run of that size finish
// without one, and the ratio after it keeps a large run's collections as rare as
// GOGC=400 made them, without its gigabyte peak: the soft limit still caps it.
//
// The collector's settings are process-wide; only the cmd package sets them, never
// the simulation, so a run's outputs do not depend on them. The limit is moved from a
// finalizer, which the runtime calls on its own goroutine after the collection that
// found the sentinel unreachable; a new sentinel then waits for the next one.
func runGC(env lookupEnv) func() {
	_, gogc := env("GOGC")
	_, memlimit := env("GOMEMLIMIT")
	if gogc || memlimit {
		return sweepGC(env, runGCPercent)
	}
	f := &heapFloor{floor: runHeapFloor, ratio: runGCRatio, ceiling: softMemoryLimit}
	return f.start()
}

// The heap exsim run lets grow before its first collection, and the growth it
// allows after each (GOGC=400's ratio).
const (
	runHeapFloor = 256 << 20
	runGCRatio   = 5
)

// heapFloor moves the soft memory limit after every collection, with GOGC off.
type heapFloor struct {
	floor, ceiling int64
	ratio          int64

	mu      sync.Mutex
	stopped bool
	limits  []int64 // the limits set after collections, for tests
	sample  [1]metrics.Sample
}

func (f *heapFloor) start() func() {
	oldPercent := debug.SetGCPercent(-1)
	oldLimit := debug.SetMemoryLimit(f.floor)
	f.sample[0].Name = "/gc/heap/live:bytes"
	f.arm()
	return func() {
		f.mu.Lock()
		f.stopped = true
		f.mu.Unlock()
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// arm sets a finalizer on a new, unreachable sentinel: it runs after the next
// collection.
func (f *heapFloor) arm() {
	s := new([16]byte) // not a tiny object: those share a block, and a finalizer with them
	runtime.SetFinalizer(s, func(*[16]byte) { f.collected() })
}

// collected moves the limit to ratio times the live heap, within floor and
// ceiling, and waits for the next collection.
func (f *heapFloor) collected() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	metrics.Read(f.sample[:])
	limit := f.floor
	if f.sample[0].Value.Kind() == metrics.KindUint64 {
		limit = max(limit, int64(f.sample[0].Value.Uint64())*f.ratio)
	}
	limit = min(limit, f.ceiling)
	debug.SetMemoryLimit(limit)
	f.limits = append(f.limits, limit)
	f.arm()
}
