package report

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
)

// HTMLStream lets `exsim run --html` keep only what the page shows. Message tracking
// rows are most of a busy run's journal (six of every eight records of a day of
// 100,000 messages) and the page reads five fields of each; the stream's tap takes
// them as the run goes and keeps those fields in a fixed-size row, so the journal
// need not keep the rows at all. Everything else the page reads is narrated and
// stays in the journal.
type HTMLStream struct {
	rows   []srow
	names  []string
	index  map[string]uint16
	events []logs.EventID
	evIdx  map[logs.EventID]uint8
	broken bool // more distinct names or EventIds than a row can number
}

// srow is one tracking row as the page needs it; pos is the journal position it
// was logged at (the Seq the next kept record gets), to replay it in order.
type srow struct {
	at           time.Duration
	pos, msg     int32
	server, host uint16
	ev           uint8
	n            uint16
}

// trow is a tracking row as the page's passes read it, from the journal or the stream.
type trow struct {
	server, host string
	msg          int
	ev           logs.EventID
	n            int // recipients (at least 1)
}

// NewHTMLStream returns a stream to pass, by its Tap, to [scenarios.Options].
func NewHTMLStream() *HTMLStream {
	return &HTMLStream{index: map[string]uint16{}, evIdx: map[logs.EventID]uint8{}}
}

// Tap is the journal tap that feeds the stream. It consumes the tracking rows: the
// run keeps them in its journal anyway when another output or the scenario's own
// steps read them, and then the page reads them there.
func (s *HTMLStream) Tap() sim.Tap {
	return sim.Tap{Kind: logs.KindTracking, Consume: true, Fn: s.add}
}

func (s *HTMLStream) name(n string) uint16 {
	i, ok := s.index[n]
	if !ok {
		if len(s.names) == math.MaxUint16 {
			s.broken = true
			return 0
		}
		i = uint16(len(s.names))
		s.index[n] = i
		s.names = append(s.names, n)
	}
	return i
}

func (s *HTMLStream) add(r *sim.Record) {
	e, ok := r.Data.(logs.TrackingEvent)
	if !ok {
		return
	}
	ev, ok := s.evIdx[e.EventID]
	if !ok {
		if len(s.events) == math.MaxUint8 {
			s.broken = true
			return
		}
		ev = uint8(len(s.events))
		s.evIdx[e.EventID] = ev
		s.events = append(s.events, e.EventID)
	}
	if r.Seq > math.MaxInt32 || e.Message > math.MaxInt32 {
		s.broken = true
		return
	}
	s.rows = append(s.rows, srow{at: r.At, pos: int32(r.Seq), msg: int32(e.Message), server: s.name(e.Server),
		host: s.name(e.ServerHostname), ev: ev, n: uint16(min(max(len(e.Recipients), 1), math.MaxUint16))})
}

// Write writes the page of r, reading tracking rows from the stream when r's
// journal has none.
func (s *HTMLStream) Write(w io.Writer, r *scenarios.Result) error {
	if s != nil && s.broken {
		return fmt.Errorf("WriteHTML: the run has more servers or tracking EventIds than the streamed page can number")
	}
	return writeHTML(w, r, s)
}

// each replays the records the page reads in journal order: the journal's, with
// the stream's tracking rows in their places. e is the tracking row of a tracking
// record, nil for every other record.
func (b *hbuild) each(fn func(rec sim.Record, e *trow)) {
	var t trow
	if b.stream == nil {
		for _, rec := range b.r.Journal {
			if rec.Kind == logs.KindTracking {
				if e, ok := rec.Data.(logs.TrackingEvent); ok {
					t = trow{server: e.Server, host: e.ServerHostname, msg: e.Message, ev: e.EventID, n: max(len(e.Recipients), 1)}
					fn(rec, &t)
					continue
				}
			}
			fn(rec, nil)
		}
		return
	}
	s, i := b.stream, 0
	emit := func(upto int) {
		for ; i < len(s.rows) && int(s.rows[i].pos) <= upto; i++ {
			row := s.rows[i]
			t = trow{server: s.names[row.server], host: s.names[row.host], msg: int(row.msg), ev: s.events[row.ev], n: int(row.n)}
			fn(sim.Record{At: row.at, Kind: logs.KindTracking, Server: t.server, Seq: -1}, &t)
		}
	}
	for _, rec := range b.r.Journal {
		emit(rec.Seq)
		fn(rec, nil)
	}
	emit(math.MaxInt)
}

// lastRow is the instant of the stream's last row (0 without a stream).
func (s *HTMLStream) lastRow() time.Duration {
	if s == nil || len(s.rows) == 0 {
		return 0
	}
	return s.rows[len(s.rows)-1].at
}
