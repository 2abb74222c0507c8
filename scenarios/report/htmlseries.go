package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// depth is one change of a server's queues: from At on it holds Q primary and S
// shadow copies.
type depth struct {
	At   time.Duration
	Q, S int
}

// queueState follows each server's queue depth as the run goes: the copies it
// holds are the messages in flight, and each server's series of changes is kept
// exactly while short and per pixel column once long (series).
type queueState struct {
	prim   map[qkey]int // recipients of msg queued on server
	shadow map[qkey]bool
	nq, ns map[string]int
	out    map[string]*series
	end    time.Duration
}

type qkey struct {
	server string
	msg    int
}

func newQueueState(end time.Duration) *queueState {
	return &queueState{prim: map[qkey]int{}, shadow: map[qkey]bool{}, nq: map[string]int{}, ns: map[string]int{},
		out: map[string]*series{}, end: end}
}

func (q *queueState) note(server string, at time.Duration) {
	s := q.out[server]
	if s == nil {
		s = newSeries(q.end, true)
		q.out[server] = s
	}
	s.note(depth{at, q.nq[server], q.ns[server]})
}

func (q *queueState) addPrim(k qkey, n int, at time.Duration) {
	if q.prim[k] == 0 {
		q.nq[k.server]++
	}
	q.prim[k] += n
	q.note(k.server, at)
}

func (q *queueState) sub(k qkey, n int, at time.Duration) {
	if q.prim[k] == 0 {
		return
	}
	q.prim[k] -= n
	if q.prim[k] <= 0 {
		delete(q.prim, k)
		q.nq[k.server]--
	}
	q.note(k.server, at)
}

func (q *queueState) unshadow(k qkey, at time.Duration) {
	if q.shadow[k] {
		delete(q.shadow, k)
		q.ns[k.server]--
		q.note(k.server, at)
	}
}

func (q *queueState) addShadow(k qkey, at time.Duration) {
	if !q.shadow[k] {
		q.shadow[k] = true
		q.ns[k.server]++
		q.note(k.server, at)
	}
}

// forget drops every copy matching pred, in a deterministic (sorted) order.
func (q *queueState) forget(at time.Duration, pred func(qkey) bool) {
	var ks []qkey
	for k := range q.prim {
		if pred(k) {
			ks = append(ks, k)
		}
	}
	for k := range q.shadow {
		if pred(k) {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(a, c qkey) int {
		if a.server != c.server {
			return strings.Compare(a.server, c.server)
		}
		return a.msg - c.msg
	})
	for _, k := range ks {
		if n := q.prim[k]; n > 0 {
			q.sub(k, n, at)
		}
		q.unshadow(k, at)
	}
}

// add replays one record into the queue depths.
func (q *queueState) add(rec *sim.Record) {
	m := transport.MessageOf(rec.Data)
	switch rec.Kind {
	case logs.KindTracking:
		e, ok := rec.Data.(logs.TrackingEvent)
		if !ok || e.Message == 0 {
			return
		}
		m = e.Message
		k := qkey{e.Server, m}
		n := max(len(e.Recipients), 1)
		switch e.EventID {
		case logs.EventReceive:
			q.addPrim(k, n, rec.At)
		case logs.EventSend, logs.EventDeliver, logs.EventFail, logs.EventSubmit:
			// SUBMIT ends the Mailbox Transport Submission service's RECEIVE
			// (2013+: NOTIFYMAPI, RECEIVE STOREDRIVER, SUBMIT, then Transport's own
			// RECEIVE); on 2010 the mailbox server logs SUBMIT with nothing queued.
			q.sub(k, n, rec.At)
		}
		switch e.EventID {
		case logs.EventHAReceive: // 2013+: the shadow server logs the copy it keeps
			q.addShadow(k, rec.At)
		case logs.EventHADiscard: // the shadow server learned the message went on
			q.unshadow(k, rec.At)
		}
		if e.EventID == logs.EventDeliver {
			q.forget(rec.At, func(x qkey) bool { return x.msg == m && q.shadow[x] && q.prim[x] == 0 })
		}
	case "transport.shadow":
		if m == 0 {
			return
		}
		k := qkey{rec.Server, m}
		switch e := rec.Data.(type) {
		case transport.ShadowTakeover:
			q.unshadow(k, rec.At)
			q.addPrim(k, 1, rec.At)
		case transport.ShadowMade:
			if e.XShadow { // 2010: the sending hub keeps the shadow (no HARECEIVE is logged)
				q.addShadow(k, rec.At)
			}
		}
	case "transport.lost":
		if m == 0 {
			return
		}
		q.forget(rec.At, func(x qkey) bool { return x.msg == m })
	case "fault":
		if f, err := parseFault(*rec); err == nil && f.Kind == fault.Crash && f.LoseQueue {
			server := rec.Server
			q.forget(rec.At, func(x qkey) bool { return x.server == server })
		}
	}
}

// depths is each server's queue depth over time, bucketed as the page draws it.
func (q *queueState) depths() map[string][]depth {
	out := map[string][]depth{}
	for server, s := range q.out {
		out[server] = s.result()
	}
	return out
}

// series is one depth over time as the page draws it: every change while there are
// at most maxSeries of them, else one value per pixel column holding the column's
// peak (bucket), folded in as the changes come so that a long run's changes are
// never all held.
type series struct {
	end   time.Duration
	dedup bool    // a change to the value it already has is no change
	raw   []depth // the changes (once bucketing: the last, which may still change)
	n     int     // changes so far
	peaks []depth // per column, once there are more than maxSeries changes
}

func newSeries(end time.Duration, dedup bool) *series { return &series{end: end, dedup: dedup} }

// note records the value from d.At on; a second value at one instant replaces the
// first.
func (s *series) note(d depth) {
	if k := len(s.raw); k > 0 && s.raw[k-1].At == d.At {
		s.raw[k-1] = d
		return
	} else if s.dedup && k > 0 && s.raw[k-1].Q == d.Q && s.raw[k-1].S == d.S {
		return
	}
	s.raw = append(s.raw, d)
	s.n++
	if s.peaks == nil && s.n > maxSeries {
		s.peaks = make([]depth, hPlotW+1)
		for i := range s.peaks {
			s.peaks[i].At = time.Duration(float64(i) / hPlotW * float64(s.end))
			s.peaks[i].Q, s.peaks[i].S = -1, -1
		}
	}
	if s.peaks != nil {
		for i := 0; i+1 < len(s.raw); i++ {
			s.fold(s.raw[i], s.col(s.raw[i+1].At))
		}
		s.raw = append(s.raw[:0], s.raw[len(s.raw)-1])
	}
}

func (s *series) col(t time.Duration) int {
	return int(float64(min(t, s.end)) / float64(s.end) * hPlotW)
}

// fold puts change d, which holds until column last, into the columns' peaks.
func (s *series) fold(d depth, last int) {
	for c := s.col(d.At); c <= last && c <= hPlotW; c++ {
		if s.peaks[c].Q < 0 { // the column's value starts with its first change
			s.peaks[c].At = max(s.peaks[c].At, d.At)
		}
		s.peaks[c].Q, s.peaks[c].S = max(s.peaks[c].Q, d.Q), max(s.peaks[c].S, d.S)
	}
}

// result is the series as bucket would draw it from all its changes.
func (s *series) result() []depth {
	if s.peaks == nil {
		return s.raw
	}
	for _, d := range s.raw {
		s.fold(d, hPlotW)
	}
	s.raw = nil
	var out []depth
	for _, p := range s.peaks {
		if p.Q >= 0 {
			out = append(out, p)
		}
	}
	return out
}

// depthPaths draws a lane's queue (solid, above qBase) and shadow (dashed, above
// sBase) depths as step lines, each scaled to its own peak.
func (b *hbuild) depthPaths(ds []depth, qBase, qH, sBase, sH int) (qp, sp string, peakQ, peakS int) {
	for _, d := range ds {
		peakQ, peakS = max(peakQ, d.Q), max(peakS, d.S)
	}
	if peakQ == 0 && peakS == 0 {
		return "", "", 0, 0
	}
	ds = bucket(ds, b)
	line := func(v func(depth) int, base, height, peak int) string {
		y := func(v int) string { return fx(float64(base) - float64(v)*float64(height)/float64(max(peak, 1))) }
		var sb strings.Builder
		prev := 0
		fmt.Fprintf(&sb, "M%s %s", fx(b.x(0)), y(0))
		for _, d := range ds {
			if d.At > b.end {
				break
			}
			x := fx(b.x(d.At))
			fmt.Fprintf(&sb, "H%s", x)
			if v(d) != prev {
				fmt.Fprintf(&sb, "V%s", y(v(d)))
				prev = v(d)
			}
		}
		fmt.Fprintf(&sb, "H%s", fx(b.x(b.end)))
		return sb.String()
	}
	qp = line(func(d depth) int { return d.Q }, qBase, qH, peakQ)
	if peakS > 0 {
		sp = line(func(d depth) int { return d.S }, sBase, sH, peakS)
	}
	return qp, sp, peakQ, peakS
}

// bucket keeps a long series drawable: past maxSeries changes, one change per pixel
// column holding that column's peak.
func bucket(ds []depth, b *hbuild) []depth {
	if len(ds) <= maxSeries {
		return ds
	}
	col := func(t time.Duration) int { return int(float64(min(t, b.end)) / float64(b.end) * hPlotW) }
	peaks := make([]depth, hPlotW+1)
	for i := range peaks {
		peaks[i].At = time.Duration(float64(i) / hPlotW * float64(b.end))
		peaks[i].Q, peaks[i].S = -1, -1
	}
	for i, d := range ds {
		last := hPlotW
		if i+1 < len(ds) {
			last = col(ds[i+1].At)
		}
		for c := col(d.At); c <= last && c <= hPlotW; c++ {
			if peaks[c].Q < 0 { // the column's value starts with its first change
				peaks[c].At = max(peaks[c].At, d.At)
			}
			peaks[c].Q, peaks[c].S = max(peaks[c].Q, d.Q), max(peaks[c].S, d.S)
		}
	}
	var out []depth
	for _, p := range peaks {
		if p.Q >= 0 {
			out = append(out, p)
		}
	}
	return out
}

func seriesJSON(ds []depth, end time.Duration) []hPoint {
	out := []hPoint{}
	for _, d := range bucketFor(ds, end) {
		out = append(out, hPoint{ms(d.At), int64(d.Q), int64(d.S)})
	}
	return out
}

func bucketFor(ds []depth, end time.Duration) []depth {
	return bucket(ds, &hbuild{end: end})
}

// hPeriods are the lane bands: down periods, component-state and maintenance
// hNet is the internet senders' lane: an internet sender keeps its copy of a
// message until an Exchange server answers 250 (after a delayed acknowledgement in
// 2010), so until then the sender's copy is one of the message's copies.
type hNet struct {
	Y, H, Max int
	Path      string
	series    []hPoint
}

// internet is the internet senders' lane, from the census's series (netSeries).
func (b *hbuild) internet() *hNet {
	ds := b.plan.netDepth
	l := &hNet{Y: b.netY, H: hNetH, series: seriesJSON(ds, b.end)}
	l.Path, _, l.Max, _ = b.depthPaths(ds, b.netY+hNetH-3, 22, 0, 0)
	return l
}
