package report

import (
	"fmt"
	"io"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim"
)

// HTMLStream lets `exsim run --html` keep only what the page shows, so that the
// page of a day of a million messages costs memory in proportion to what it draws
// and to the messages in flight, not to the run's events (issue 22).
//
// The page cannot be drawn in one pass: which message paths it draws is an even
// sample of all of them by fate, which narration lines it keeps is an even sample
// of all of them, and where its time axis ends (so which pixel column an instant
// falls in) is known only when the run ends. The run is deterministic, so the
// stream takes two passes of it: the census (the run the caller makes, through
// [HTMLStream.Tap]) counts what the choices need, a few numbers per message; the
// page's pass (a second run of the same scenario and seed, which
// [HTMLStream.Write] asks for) then keeps the story-level records, the records of
// the drawn messages and the sampled narration lines, and folds everything else
// into per-pixel queue series, per-column arrival counts and the lost messages'
// places as it goes. [WriteHTML] runs the same two passes over a whole journal, so
// both ways give the same page.
type HTMLStream struct {
	census *hCensus
}

// NewHTMLStream returns a stream for a run of sc; pass its Tap to the run's
// [scenarios.Options].
func NewHTMLStream(sc *scenarios.Scenario) *HTMLStream {
	return &HTMLStream{census: newCensus(sc)}
}

// Tap is the census's journal tap: it reads every record and takes none, so the
// journal keeps only what the run's other outputs read.
func (s *HTMLStream) Tap() sim.Tap {
	return sim.Tap{Kind: sim.AllKinds, Fn: func(r *sim.Record) { s.census.add(r) }}
}

// Rerun runs the scenario of the census's run again with the same seed and
// options, except that its journal keeps only what a verdict reads and tap sees
// every record; exsim's run command makes it from its own options.
type Rerun func(tap sim.Tap) (*scenarios.Result, error)

// Write writes the page of r, the result of the census's run, taking the page's
// pass through rerun and drawing the page from that pass's result (the same run), so
// that the caller need not keep r, nor its verdict, during the pass. A stream
// writes one page.
func (s *HTMLStream) Write(w io.Writer, r *scenarios.Result, rerun Rerun) error {
	if r == nil || r.Scenario == nil {
		return fmt.Errorf("WriteHTML: no result to draw")
	}
	if s.census == nil {
		return fmt.Errorf("WriteHTML: the stream has written its page")
	}
	plan := s.census.plan(r)
	s.census = nil                   // the plan holds what the page's pass needs
	hash, events := r.Hash, r.Events // and nothing more of r: it may go while the second run runs
	rec := newRecorder(plan)
	seq := 0
	again, err := rerun(sim.Tap{Kind: sim.AllKinds, Fn: func(p *sim.Record) {
		c := *p
		c.Seq = seq // the page numbers the records it reads, as a whole journal would
		seq++
		rec.add(&c)
	}})
	if err != nil {
		return fmt.Errorf("WriteHTML: the page's pass: %w", err)
	}
	if again.Hash != hash || again.Events != events {
		return fmt.Errorf("WriteHTML: the page's pass ran %d events (hash %016x), not the run's %d (hash %016x)", again.Events, again.Hash, events, hash)
	}
	return renderHTML(w, again, rec)
}

// buildPage is the page of a whole journal: both passes over its records.
func buildPage(r *scenarios.Result) *htmlPage { return drawPage(r, recorderOf(r)) }

// recorderOf is the page's pass over a whole journal, after its census.
func recorderOf(r *scenarios.Result) *hRecorder {
	c := newCensus(r.Scenario)
	for i := range r.Journal {
		c.add(&r.Journal[i])
	}
	rec := newRecorder(c.plan(r))
	for i := range r.Journal {
		rec.add(&r.Journal[i])
	}
	return rec
}
