package report

import (
	"slices"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// hRecorder is the page's pass over the run, record by record, once the census has
// made its choices: it keeps the records the page draws one by one (the story
// level, the drawn messages', the sampled narration lines) and folds the rest into
// the queue series, the arrival counts and the lost messages' places.
type hRecorder struct {
	plan      *hPlan
	kept      []sim.Record
	omitted   int // narration lines left out as the run went
	sampled   int // sampled lines seen
	queues    *queueState
	arrivals  *arrivals
	lostLast  map[int]lostAt // each message's last "transport.lost" record: where it died
	lostFirst map[int]lostAt // and its first loss, which the verdict links to
}

// lostAt is where a message's record of loss is.
type lostAt struct {
	at  time.Duration
	seq int
}

func newRecorder(p *hPlan) *hRecorder {
	lanes := map[string]bool{}
	for _, n := range p.names {
		lanes[n] = true
	}
	return &hRecorder{plan: p, queues: newQueueState(p.end), arrivals: newArrivals(p.end, lanes),
		lostLast: map[int]lostAt{}, lostFirst: map[int]lostAt{}}
}

func (h *hRecorder) add(rec *sim.Record) {
	h.queues.add(rec)
	m := transport.MessageOf(rec.Data)
	if m > 0 {
		h.arrivals.add(rec, m)
		if rec.Kind == "transport.lost" {
			h.lostLast[m] = lostAt{rec.At, rec.Seq}
		}
		if _, ok := rec.Data.(transport.MessageLost); ok {
			if _, seen := h.lostFirst[m]; !seen {
				h.lostFirst[m] = lostAt{rec.At, rec.Seq}
			}
		}
	} else {
		m = 0
	}
	p := h.plan
	routine := routineKinds[rec.Kind]
	switch {
	case m != 0 && p.drawn[m]: // every record of a drawn message: its path and its lines
	case !narratedLine(rec):
		if m != 0 || routine {
			return
		}
		// a record of the story the lanes, steps and markers read
	case !p.sample || m == 0 && !routine:
	case m != 0 && routine:
		h.omitted++
		return
	default:
		h.sampled++
		if (h.sampled-1)%p.every != 0 {
			h.omitted++
			return
		}
	}
	h.kept = append(h.kept, *rec)
}

// arrivals counts, per lane and column of the axis hClusterPx wide, the messages
// that arrived there from another lane, for the story level's density strip.
type arrivals struct {
	end   time.Duration
	lanes map[string]bool
	ids   map[string]uint16
	names []string
	last  []lastHop // each message's last point, by message number
	cells map[cell]*arrivalCell
}

// lastHop is a message's last point: its server (index+1; 0: none yet) and event.
type lastHop struct {
	server uint16
	event  uint8
}

const (
	hopOther uint8 = iota
	hopDeliver
	hopDelivered
)

type cell struct {
	col int
	to  uint16
}

type arrivalCell struct {
	n        int
	from, to time.Duration
	sources  map[uint16]int
}

func newArrivals(end time.Duration, lanes map[string]bool) *arrivals {
	return &arrivals{end: end, lanes: lanes, ids: map[string]uint16{}, cells: map[cell]*arrivalCell{}}
}

func (a *arrivals) id(server string) uint16 {
	i, ok := a.ids[server]
	if !ok {
		a.names = append(a.names, server)
		i = uint16(len(a.names)) // servers past 65,535 share the last number: a page never draws that many lanes
		a.ids[server] = i
	}
	return i
}

func (a *arrivals) add(rec *sim.Record, m int) {
	if m >= len(a.last) {
		a.last = slices.Grow(a.last, m+1-len(a.last))[:m+1]
	}
	prev := &a.last[m]
	hopsOf(rec, prev.server == 0, a.lanes, func(server, event string) {
		c := lastHop{server: a.id(server)}
		switch event {
		case "DELIVER":
			c.event = hopDeliver
		case "DELIVERED":
			c.event = hopDelivered
		}
		if p := *prev; p.server != 0 && p.server != c.server && (c.event != hopDelivered || p.event == hopDeliver) {
			k := cell{col: int(xOf(rec.At, a.end) / hClusterPx), to: c.server}
			g := a.cells[k]
			if g == nil {
				g = &arrivalCell{from: rec.At, to: rec.At, sources: map[uint16]int{}}
				a.cells[k] = g
			}
			g.n++
			g.sources[p.server]++
			g.from, g.to = min(g.from, rec.At), max(g.to, rec.At)
		}
		*prev = c
	})
}

// xOf is the plot's x of instant t on an axis that ends at end.
func xOf(t, end time.Duration) float64 {
	if t > end {
		t = end
	}
	if t < 0 {
		t = 0
	}
	return float64(t) / float64(end) * hPlotW
}
