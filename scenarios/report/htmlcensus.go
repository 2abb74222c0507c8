package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// hCensus is the page's first pass: what its choices need to know of the whole
// run (where the axis ends, which messages have a path to draw, how many narration
// lines there are of each sort, when each internet sender held its copy), a few
// numbers per message and nothing per event.
type hCensus struct {
	lanes    map[string]bool
	last     time.Duration // the last record's instant
	net      bool          // an internet sender submitted a message
	msgs     []mCensus     // by message number
	order    []int32       // messages in the order of their first record
	netOrder []int32       // internet messages in the order of their submission
	// narrated records: all of them, those about no message and not routine
	// (always kept), those about no message and routine (sampled)
	total, story, routine int
}

// mCensus is what the census keeps of one message.
type mCensus struct {
	flags         uint8
	all, unusual  uint32 // narrated records about it; those of them not routine
	sender, acked time.Duration
}

const (
	mSeen    uint8 = 1 << iota
	mHop           // it has a point on some path
	mDrawn         // a point on a lane that is drawn
	mNet           // an internet sender submitted it
	mAcked         // and an Exchange server answered 250
	mSenderT       // the sender's copy has an end
)

func newCensus(sc *scenarios.Scenario) *hCensus {
	c := &hCensus{lanes: map[string]bool{}}
	for _, sv := range sc.Topology.Servers {
		c.lanes[sv.Name] = true
	}
	return c
}

func (c *hCensus) msg(m int) *mCensus {
	if m >= len(c.msgs) {
		c.msgs = slices.Grow(c.msgs, m+1-len(c.msgs))[:m+1]
	}
	return &c.msgs[m]
}

// narratedLine reports whether a record is a line of the page's narration.
func narratedLine(rec *sim.Record) bool {
	if _, ok := rec.Data.(scenarios.Output); ok {
		return true
	}
	return rec.Text() != ""
}

func (c *hCensus) add(rec *sim.Record) {
	c.last = max(c.last, rec.At)
	if internetSubmit(*rec) {
		c.net = true
	}
	m := transport.MessageOf(rec.Data)
	line := narratedLine(rec)
	if line {
		c.total++
	}
	if m <= 0 {
		switch {
		case !line:
		case routineKinds[rec.Kind]:
			c.routine++
		default:
			c.story++
		}
		return
	}
	mc := c.msg(m)
	if mc.flags&mSeen == 0 {
		mc.flags |= mSeen
		c.order = append(c.order, int32(m))
	}
	if line {
		mc.all++
		if !routineKinds[rec.Kind] {
			mc.unusual++
		}
	}
	hopsOf(rec, mc.flags&mHop == 0, c.lanes, func(server, _ string) {
		mc.flags |= mHop
		if server == internetLane || c.lanes[server] {
			mc.flags |= mDrawn
		}
	})
	// the internet sender's copy, as internet() reads it
	switch {
	case internetSubmit(*rec):
		if mc.flags&mNet == 0 {
			mc.flags |= mNet
			mc.sender = rec.At
			c.netOrder = append(c.netOrder, int32(m))
		}
	case mc.flags&mNet == 0:
	case rec.Kind == "transport.ack":
		mc.acked, mc.flags = rec.At, mc.flags|mAcked|mSenderT
	case rec.Kind == logs.KindTracking && mc.flags&(mAcked|mSenderT) == 0:
		if e, ok := rec.Data.(logs.TrackingEvent); ok && e.EventID == logs.EventReceive {
			mc.acked, mc.flags = rec.At, mc.flags|mSenderT
		}
	}
}

// hopsOf calls fn with each point of a message's path that rec logs (the lane's
// server and the event); first: the message has none yet. A delivery names the
// mailbox server it reached when that server has a lane.
func hopsOf(rec *sim.Record, first bool, lanes map[string]bool, fn func(server, event string)) {
	switch rec.Kind {
	case "transport.submit":
		if first && internetSubmit(*rec) {
			fn(internetLane, "SENDER")
		}
	case logs.KindTracking:
		e, ok := rec.Data.(logs.TrackingEvent)
		if !ok {
			return
		}
		switch e.EventID {
		case logs.EventReceive, logs.EventSend, logs.EventSubmit, logs.EventHARedirect, logs.EventFail:
			fn(e.Server, string(e.EventID))
		case logs.EventDeliver:
			fn(e.Server, "DELIVER")
			if lanes[e.ServerHostname] && e.ServerHostname != e.Server {
				fn(e.ServerHostname, "DELIVERED")
			}
		}
	case "transport.shadow":
		if _, ok := rec.Data.(transport.ShadowTakeover); ok {
			fn(rec.Server, "RESUBMIT")
		}
	}
}

// hPlan is what the page's pass needs to know before it starts.
type hPlan struct {
	end      time.Duration // the axis end
	net      bool
	names    []string
	lane     map[string]int
	fate     []uint8              // by message number: an index in fates
	fates    []transport.FateKind // the fates fate numbers ("" first: none)
	pick     []int                // messages whose paths are drawn, ascending
	drawn    map[int]bool         // those of them with a point on a drawn lane
	notes    []string
	sample   bool // past maxNarration lines, routine and per-message lines are sampled
	every    int  // keep every n-th sampled line
	sender   map[int][2]time.Duration
	netDepth []depth // internet senders' copies over time (bucketed)
}

// plan makes the choices the census's counts allow: the axis end, the paths to
// draw, the narration's sampling, and the internet senders' series.
func (c *hCensus) plan(r *scenarios.Result) *hPlan {
	sc := r.Scenario
	p := &hPlan{net: c.net, lane: map[string]int{}, names: []string{}, drawn: map[int]bool{}, sender: map[int][2]time.Duration{}}
	for i, sv := range sc.Topology.Servers {
		p.lane[sv.Name] = i
		p.names = append(p.names, sv.Name)
	}
	p.end = axisEndAfter(r, c.last)
	p.fate, p.fates = make([]uint8, len(c.msgs)), []transport.FateKind{""}
	code := func(k transport.FateKind) uint8 {
		i := slices.Index(p.fates, k)
		if i < 0 {
			i = len(p.fates)
			p.fates = append(p.fates, k) // a handful of kinds
		}
		return uint8(i)
	}
	for _, f := range r.Verdict.Fates {
		if f.Message <= 0 || f.Message >= len(p.fate) {
			continue
		}
		// its first recipient's fate, or lost when any recipient's is
		if p.fate[f.Message] == 0 || f.Fate == transport.Lost {
			p.fate[f.Message] = code(f.Fate)
		}
	}
	// choose: when there are too many, two thirds of the budget goes to troubled
	// (lost, stuck, bounced) messages and the rest to delivered ones, each picked
	// evenly across the run so the drawing stays representative.
	var troubled, fine []int
	for _, m32 := range c.order {
		m := int(m32)
		switch {
		case c.msgs[m].flags&mHop == 0: // no path to draw
		case p.fateOf(m) == transport.Delivered:
			fine = append(fine, m)
		default:
			troubled = append(troubled, m)
		}
	}
	pick := append(slices.Clone(troubled), fine...)
	if n := len(pick); n > maxPaths {
		nt := min(len(troubled), max(maxPaths*2/3, maxPaths-len(fine)))
		pick = append(spread(troubled, nt), spread(fine, maxPaths-nt)...)
		p.notes = append(p.notes, fmt.Sprintf("Paths are drawn for %d of %d messages (%d of the %d lost, stuck or bounced, %d of the %d delivered, spread over the run); queue depths count every message.",
			maxPaths, n, nt, len(troubled), maxPaths-nt, len(fine)))
	}
	slices.Sort(pick)
	p.pick = pick
	if len(pick) > bundleMin {
		p.notes = append(p.notes, fmt.Sprintf("With %d message paths the story level shows, at the top of each queue row, how many messages arrived there (darker: more); the detail level or a message number shows each path.", len(pick)))
	}
	for _, m := range pick {
		if c.msgs[m].flags&mDrawn != 0 {
			p.drawn[m] = true
		}
	}
	// narration: past maxNarration lines keep every story line and every line of
	// the drawn messages, and an even sample of the rest but routine lines of other
	// messages
	p.every = 1
	if p.sample = c.total > maxNarration; p.sample {
		always, sampled := c.story, c.routine
		for _, mc := range c.msgs {
			sampled += int(mc.unusual)
		}
		for m := range p.drawn {
			always += int(c.msgs[m].all)
			sampled -= int(c.msgs[m].unusual)
		}
		budget := maxNarration - always
		p.every = sampled + 1
		if budget > 0 {
			p.every = (sampled + budget - 1) / budget
		}
	}
	if p.net {
		p.netDepth = c.netSeries(r, p)
	}
	return p
}

// netSeries is how many messages internet senders hold over time: each holds its
// copy from submission to the server's 250 (the "transport.ack" record; 2013+
// writes none, so there the first RECEIVE), or to the run's end.
func (c *hCensus) netSeries(r *scenarios.Result, p *hPlan) []depth {
	ends := make([]time.Duration, 0, len(c.netOrder))
	for _, m := range c.netOrder {
		mc := &c.msgs[m]
		to := r.End
		if mc.flags&mSenderT != 0 {
			to = mc.acked
		}
		ends = append(ends, to)
		if p.drawn[int(m)] {
			p.sender[int(m)] = [2]time.Duration{mc.sender, to}
		}
	}
	slices.Sort(ends)
	s := newSeries(p.end, false)
	n, i, j := 0, 0, 0
	for i < len(c.netOrder) || j < len(ends) {
		// at one instant the copies that end go before those that start
		if j < len(ends) && (i == len(c.netOrder) || ends[j] <= c.msgs[c.netOrder[i]].sender) {
			n--
			s.note(depth{At: ends[j], Q: n})
			j++
			continue
		}
		n++
		s.note(depth{At: c.msgs[c.netOrder[i]].sender, Q: n})
		i++
	}
	return s.result()
}

// fateOf is message m's fate ("" when the verdict has none).
func (p *hPlan) fateOf(m int) transport.FateKind {
	if m < 0 || m >= len(p.fate) {
		return ""
	}
	return p.fates[p.fate[m]]
}
