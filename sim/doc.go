// Package sim is exsim's deterministic discrete-event kernel. It knows nothing of
// Exchange: it owns simulated time, the agenda of pending events, cancelable timers,
// seeded random streams, run limits and the journal.
//
// # Time
//
// Simulated time is an integer [time.Duration] since the scenario's start (t=0). It
// only moves when the loop takes the next event from the agenda; nothing in a model
// may read the wall clock. [Sim.Wall] turns a simulated instant into wall-clock time
// for output only.
//
// # Events
//
// An event is either a [Handler] with a small typed [Event] record (no allocation per
// event: the preferred form on hot paths) or a plain func() (convenient; the caller's
// closure may allocate). Events run one at a time on the caller's goroutine, ordered
// by (time, sequence): two events at the same instant run in the order they were
// scheduled. Scheduling before Now is an error; scheduling at Now runs after every
// event already scheduled for Now.
//
// A [Timer] is a reusable, re-armable event. Stopping or re-arming it bumps its
// generation; the stale agenda entry is dropped when it surfaces (lazy cancellation),
// so cancellation is O(1) and never searches the heap. When stale entries become the
// majority they are removed in one pass, so re-arming cannot grow the agenda unboundedly.
//
// # Rules for model authors
//
//   - No goroutines, channels, time.Now or global random source in a model. Draw from
//     [Sim.Rand] streams, named after what they decide ("traffic", "faults"), so a new
//     stream never shifts the draws of another.
//   - Never range over a map to produce output or to decide an order: sort first.
//   - Record what happened with [Journal.Add]; every output is derived from the
//     journal, so outputs cannot disagree.
//   - Return errors for bad input; a panic is a bug in exsim.
//
// Every event run is folded into a running hash (FNV-1a over 64-bit words) of (time,
// sequence, kind), so two runs can be compared at a glance with [Sim.Hash].
package sim
