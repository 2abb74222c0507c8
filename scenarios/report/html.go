package report

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/scom"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// The teaching view: one self-contained HTML page of a run (porcupine's pattern:
// embedded index.html, index.css and index.js, data injected as JSON). Everything is
// drawn from the journal and the verdict, like every other output, so the page never
// disagrees with the narration.
//
// The lanes are inline SVG written by html/template, so the page shows the run
// without script and every name from the scenario is escaped; index.js only adds the
// time slider, play button and the links between the drawing and the narration.
//
// Choices, where the journal does not say everything:
//   - Queue depth of a server is the number of messages with a primary copy in its
//     queues: a message enters at RECEIVE (or a shadow resubmission) and leaves at
//     SEND, DELIVER, FAIL or SUBMIT (the end of a 2013+ mailbox submission), or when its copy is destroyed (a crash that loses the
//     queue database, or the loss of the message). Shadow copies are counted apart,
//     on the server that keeps them: from HARECEIVE (2013+; the shadow server logs it)
//     or a 2010 XSHADOW relay (the sending hub keeps it) to HADISCARD or, where none
//     is logged, the message's first delivery; a shadow resubmission moves it back
//     into that server's queue. Safety Net and
//     the transport dumpster are not drawn.
//   - An internet sender holds its copy from submission until the server's 250 (the
//     "transport.ack" record; 2013+ writes none, so there the first RECEIVE).
//   - Where a record carries no payload, its kind and narration tell the state: an
//     internet submission, a shadow resubmission, SCOM maintenance start and end, a
//     paused cluster node, a blocked activation policy. If that wording changes, the
//     band or segment is simply not drawn; nothing else depends on it.
//   - Down periods come from the faults (crash, stop, start) and from stopping
//     MSExchangeTransport; component states from "component.set" (effective state),
//     database copies from "dag.copy" (a copy neither Mounted nor Healthy).
//   - Runs of thousands of messages are aggregated: queue depths count every message
//     (downsampled past maxSeries changes to one value per pixel column, keeping the
//     peak); SPOF windows and lost markers closer than the drawing can tell apart
//     are merged; only maxPaths message paths are drawn (two thirds lost, stuck or
//     bounced when there are that many, each group sampled evenly over the run); past
//     maxNarration lines the narration keeps every step, fault, alert and state change
//     and every line of the drawn messages, an even sample of the losses and routine
//     queue lines, and no routine line of another message.

//go:embed htmlview/*
var htmlView embed.FS

// Aggregation bounds that keep a page of a large run small and readable.
const (
	maxPaths     = 120  // message paths drawn
	maxNarration = 1500 // narration lines kept
	maxSeries    = 4000 // queue change points kept exactly per server; more are bucketed
	maxTitleList = 12   // messages named in one tooltip
)

// Geometry of the SVG (user units; the SVG scales to the page width).
const (
	hLabelW = 170
	hPlotW  = 880
	hAxisH  = 26
	hAdminH = 34
	hLaneH  = 70
	hLaneGp = 6
	hNetH   = 40
)

// WriteHTML writes the run as one self-contained HTML page (no network access): a
// lane per server with its down, maintenance and component-state periods, queue
// depths over time, message paths, lost messages where they died, SPOF windows
// shaded on the server that held the only copy, alerts, steps and faults, the
// narration beside the timeline, and a time slider that replays queues and copies.
// The same run always gives the same bytes.
func WriteHTML(w io.Writer, r *scenarios.Result) error {
	if r == nil || r.Scenario == nil {
		return fmt.Errorf("WriteHTML: no result to draw")
	}
	t, err := template.ParseFS(htmlView, "htmlview/index.html")
	if err != nil {
		return fmt.Errorf("WriteHTML: %w", err)
	}
	css, err := htmlView.ReadFile("htmlview/index.css")
	if err != nil {
		return fmt.Errorf("WriteHTML: %w", err)
	}
	js, err := htmlView.ReadFile("htmlview/index.js")
	if err != nil {
		return fmt.Errorf("WriteHTML: %w", err)
	}
	p := buildPage(r)
	p.CSS = template.CSS(css)
	p.JS = template.JS(js)
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return fmt.Errorf("WriteHTML: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// htmlPage is what index.html is executed with.
type htmlPage struct {
	Name, Description, Date string
	Seed                    uint64
	Hash                    string
	Events                  uint64
	Passed                  bool
	Verdict                 []string
	Note                    []string
	W, H                    int
	PlotX, PlotW            int
	Ticks                   []hTick
	AdminY                  int
	Admin                   []hMarker
	Lanes                   []hLane
	Net                     *hNet
	Paths                   []hPath
	Lost                    []hMarker
	Narration               []hLine
	Omitted                 int
	EndText, AxisEndText    string
	Data                    hData
	CSS                     template.CSS
	JS                      template.JS
}

type hTick struct {
	X     string
	Label string
}

// hLane is one server's lane.
type hLane struct {
	Name, Info    string
	Y, H          int
	MidY, BaseY   int
	Down, Bands   []hRect
	DBBands, SPOF []hRect
	QPath, SPath  string // queue and shadow depth polylines
	MaxQ          int
	Markers       []hMarker
}

type hRect struct {
	X, W, Y, H string
	Class      string
	Label      string // drawn when wide enough
	Title      string
}

// hMarker is a point event: a step, fault, alert or lost message.
type hMarker struct {
	X, Y  string
	Class string
	Label string
	Title string
	Seq   int // the narration line it links to (-1: none)
	T     int64
}

type hPath struct {
	Msg    int
	Class  string
	D      string
	Shadow []string // dashed segments where a shadow copy sat
	Sender string   // dashed segment while the internet sender held its copy
	Title  string
	Seq    int
	Hops   []hMarker // where the message's events were logged
	Ends   []hMarker
}

type hLine struct {
	Seq    int
	T      int64
	Clock  string
	Server string
	Class  string
	Msg    int
	Text   string
	Out    string // Get- step output
}

// hData is the JSON index.js reads.
type hData struct {
	End     int64      `json:"end"`     // axis end, ms
	PlotX   int        `json:"plotX"`   // SVG x of t=0
	PlotW   int        `json:"plotW"`   // SVG width of the time axis
	Start   int64      `json:"start"`   // Unix ms of t=0, for the clock
	Servers []string   `json:"servers"` // lane order
	Queues  [][]hPoint `json:"queues"`  // per server: [t, primary, shadow] from t on
	Down    [][]hSpan  `json:"down"`    // per server: [from, to] down
	SPOF    [][]hPoint `json:"spof"`    // per server: [t, messages only there, 0]
	Lines   []int64    `json:"lines"`   // time of each narration line, in order
	Net     []hPoint   `json:"net"`     // [t, messages internet senders hold, 0]
}

type hPoint [3]int64
type hSpan [2]int64

func ms(d time.Duration) int64 { return d.Milliseconds() }

// hbuild carries the state of one page build.
type hbuild struct {
	sender map[int][2]time.Duration // how long each internet message sat with its sender
	r      *scenarios.Result
	end    time.Duration // axis end
	lane   map[string]int
	names  []string
	top    int  // y of the first server lane
	net    bool // an internet lane is drawn
	netY   int
}

func (b *hbuild) x(t time.Duration) float64 {
	if t > b.end {
		t = b.end
	}
	if t < 0 {
		t = 0
	}
	return hLabelW + float64(t)/float64(b.end)*hPlotW
}

func fx(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func (b *hbuild) laneY(i int) int { return b.top + i*(hLaneH+hLaneGp) }

// internetLane is the name paths use for the internet senders' lane.
const internetLane = "\x00internet"

// internetSubmit tells an internet sender's message from its submit record.
func internetSubmit(rec sim.Record) bool {
	_, ok := rec.Data.(transport.InternetSubmitted)
	return ok
}

// narrated reports whether a record has a narration line.
func narrated(rec sim.Record) bool { return rec.Text() != "" }

func buildPage(r *scenarios.Result) *htmlPage {
	sc := r.Scenario
	b := &hbuild{r: r, lane: map[string]int{}, names: []string{}}
	for i, sv := range sc.Topology.Servers {
		b.lane[sv.Name] = i
		b.names = append(b.names, sv.Name)
	}
	b.end = axisEnd(r)
	b.top = hAxisH + hAdminH
	for _, rec := range r.Journal {
		if internetSubmit(rec) {
			b.net, b.netY = true, b.top
			b.top += hNetH + hLaneGp
			break
		}
	}
	p := &htmlPage{
		Name: sc.Name, Description: sc.Description, Date: sc.Start.UTC().Format("2006-01-02 15:04:05 UTC"),
		Seed: r.Seed, Hash: fmt.Sprintf("%016x", r.Hash), Events: r.Events, Passed: r.Passed(),
		PlotX: hLabelW, PlotW: hPlotW, W: hLabelW + hPlotW + 10, AdminY: hAxisH,
		EndText: scenarios.FormatDuration(r.End), AxisEndText: scenarios.FormatDuration(b.end),
	}
	var vb strings.Builder
	writeVerdict(&vb, r)
	p.Verdict = strings.Split(strings.TrimRight(vb.String(), "\n"), "\n")
	if b.end < r.End {
		p.Note = append(p.Note, fmt.Sprintf("The axis ends at %s: nothing happens after that until the run's end at %s.", scenarios.FormatDuration(b.end), scenarios.FormatDuration(r.End)))
	}
	p.Ticks = b.ticks()
	p.H = b.laneY(len(b.names)) + 4

	q := b.queues()
	p.Lanes = make([]hLane, len(b.names))
	p.Data = hData{End: ms(b.end), PlotX: hLabelW, PlotW: hPlotW, Start: sc.Start.UnixMilli(), Servers: b.names,
		Queues: [][]hPoint{}, Down: [][]hSpan{}, SPOF: [][]hPoint{}, Lines: []int64{}, Net: []hPoint{}} // [] not null for index.js
	down := b.periods()
	spof := b.spof()
	for i, name := range b.names {
		y := b.laneY(i)
		sv := sc.Topology.Servers[i]
		l := hLane{Name: name, Info: sv.Version + " · " + strings.Join(sv.Roles, ", "), Y: y, H: hLaneH, MidY: y + 44, BaseY: y + hLaneH - 3}
		l.Down, l.Bands, l.DBBands = down.down[name], down.bands[name], down.db[name]
		l.SPOF = spof.rects[name]
		l.QPath, l.SPath, l.MaxQ = b.depthPaths(q[name], l.BaseY, 26)
		p.Lanes[i] = l
		p.Data.Queues = append(p.Data.Queues, seriesJSON(q[name], b.end))
		p.Data.Down = append(p.Data.Down, down.spans[name])
		p.Data.SPOF = append(p.Data.SPOF, spof.series[name])
	}
	if b.net {
		p.Net = b.internet()
		p.Data.Net = p.Net.series
	}
	p.Admin = b.adminMarkers(p.Lanes)
	b.alertMarkers(p.Lanes)
	var notes []string
	p.Paths, p.Lost, notes = b.paths()
	p.Note = append(p.Note, notes...)
	p.Narration, p.Omitted = b.narration(p.Paths)
	for _, l := range p.Narration {
		p.Data.Lines = append(p.Data.Lines, l.T)
	}
	return p
}

// axisEnd is where the time axis stops: the run's end, or shortly after the last
// thing that happened when the run idles for most of its duration (a 2h scenario
// whose story ends at 35m reads better on a 40m axis).
func axisEnd(r *scenarios.Result) time.Duration {
	var last time.Duration
	for _, rec := range r.Journal {
		last = max(last, rec.At)
	}
	for _, w := range r.Verdict.SPOF {
		last = max(last, w.To)
	}
	end := r.End
	if end <= 0 {
		end = last
	}
	if last > 0 && last < end/2 {
		step := niceStep(last + last/8)
		end = min(end, ((last+last/10)/step+1)*step)
	}
	if end <= 0 {
		end = time.Second
	}
	return end
}

var tickSteps = []time.Duration{
	time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond, time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour,
}

// niceStep is the smallest tick step that puts at most 12 ticks on span.
func niceStep(span time.Duration) time.Duration {
	for _, s := range tickSteps {
		if span/s <= 12 {
			return s
		}
	}
	return tickSteps[len(tickSteps)-1]
}

func (b *hbuild) ticks() []hTick {
	step := niceStep(b.end)
	format := "15:04"
	if step < time.Minute {
		format = "15:04:05"
	}
	if step < time.Second {
		format = "15:04:05.000"
	}
	var out []hTick
	for t := time.Duration(0); t <= b.end; t += step {
		out = append(out, hTick{X: fx(b.x(t)), Label: b.r.Scenario.Start.Add(t).UTC().Format(format)})
	}
	return out
}

// depth is one change of a server's queues: from At on it holds Q primary and S
// shadow copies.
type depth struct {
	At   time.Duration
	Q, S int
}

// queues replays the journal into each server's queue depth over time.
func (b *hbuild) queues() map[string][]depth {
	type key struct {
		server string
		msg    int
	}
	prim := map[key]int{} // recipients of msg queued on server
	shadow := map[key]bool{}
	nq, ns := map[string]int{}, map[string]int{}
	out := map[string][]depth{}
	note := func(server string, at time.Duration) {
		s := out[server]
		d := depth{at, nq[server], ns[server]}
		if n := len(s); n > 0 && s[n-1].At == at {
			s[n-1] = d
		} else if n == 0 || s[n-1].Q != d.Q || s[n-1].S != d.S {
			s = append(s, d)
		}
		out[server] = s
	}
	add := func(k key, n int, at time.Duration) {
		if prim[k] == 0 {
			nq[k.server]++
		}
		prim[k] += n
		note(k.server, at)
	}
	sub := func(k key, n int, at time.Duration) {
		if prim[k] == 0 {
			return
		}
		prim[k] -= n
		if prim[k] <= 0 {
			delete(prim, k)
			nq[k.server]--
		}
		note(k.server, at)
	}
	unshadow := func(k key, at time.Duration) {
		if shadow[k] {
			delete(shadow, k)
			ns[k.server]--
			note(k.server, at)
		}
	}
	addShadow := func(k key, at time.Duration) {
		if !shadow[k] {
			shadow[k] = true
			ns[k.server]++
			note(k.server, at)
		}
	}
	// forget drops every copy matching pred, in a deterministic (sorted) order.
	forget := func(at time.Duration, pred func(key) bool) {
		var ks []key
		for k := range prim {
			if pred(k) {
				ks = append(ks, k)
			}
		}
		for k := range shadow {
			if pred(k) {
				ks = append(ks, k)
			}
		}
		slices.SortFunc(ks, func(a, c key) int {
			if a.server != c.server {
				return strings.Compare(a.server, c.server)
			}
			return a.msg - c.msg
		})
		for _, k := range ks {
			if n := prim[k]; n > 0 {
				sub(k, n, at)
			}
			unshadow(k, at)
		}
	}
	for _, rec := range b.r.Journal {
		m := transport.MessageOf(rec.Data)
		switch rec.Kind {
		case logs.KindTracking:
			e, ok := rec.Data.(logs.TrackingEvent)
			if !ok || m == 0 {
				continue
			}
			k := key{e.Server, m}
			n := max(len(e.Recipients), 1)
			switch e.EventID {
			case logs.EventReceive:
				add(k, n, rec.At)
			case logs.EventSend, logs.EventDeliver, logs.EventFail, logs.EventSubmit:
				// SUBMIT ends the Mailbox Transport Submission service's RECEIVE
				// (2013+: NOTIFYMAPI, RECEIVE STOREDRIVER, SUBMIT, then Transport's own
				// RECEIVE); on 2010 the mailbox server logs SUBMIT with nothing queued.
				sub(k, n, rec.At)
			}
			switch e.EventID {
			case logs.EventHAReceive: // 2013+: the shadow server logs the copy it keeps
				addShadow(k, rec.At)
			case logs.EventHADiscard: // the shadow server learned the message went on
				unshadow(k, rec.At)
			}
			if e.EventID == logs.EventDeliver {
				forget(rec.At, func(x key) bool { return x.msg == m && shadow[x] && prim[x] == 0 })
			}
		case "transport.shadow":
			if m == 0 {
				continue
			}
			k := key{rec.Server, m}
			switch e := rec.Data.(type) {
			case transport.ShadowTakeover:
				unshadow(k, rec.At)
				add(k, 1, rec.At)
			case transport.ShadowMade:
				if e.XShadow { // 2010: the sending hub keeps the shadow (no HARECEIVE is logged)
					addShadow(k, rec.At)
				}
			}
		case "transport.lost":
			forget(rec.At, func(x key) bool { return x.msg == m })
		case "fault":
			if f, err := parseFault(rec); err == nil && f.Kind == fault.Crash && f.LoseQueue {
				server := rec.Server
				forget(rec.At, func(x key) bool { return x.server == server })
			}
		}
	}
	return out
}

// depthPaths draws a lane's queue (solid) and shadow (dashed) depth as step lines
// above base, scaled to the lane's own peak.
func (b *hbuild) depthPaths(ds []depth, base, height int) (qp, sp string, peak int) {
	for _, d := range ds {
		peak = max(peak, d.Q, d.S)
	}
	if peak == 0 {
		return "", "", 0
	}
	ds = bucket(ds, b)
	y := func(v int) string { return fx(float64(base) - float64(v)*float64(height)/float64(peak)) }
	line := func(v func(depth) int) string {
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
	qp = line(func(d depth) int { return d.Q })
	if slices.ContainsFunc(ds, func(d depth) bool { return d.S > 0 }) {
		sp = line(func(d depth) int { return d.S })
	}
	return qp, sp, peak
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
// periods, database copy status.
type hPeriods struct {
	down, bands, db map[string][]hRect
	spans           map[string][]hSpan
}

// periods derives up/down, component-state, maintenance and database-copy periods.
func (b *hbuild) periods() hPeriods {
	p := hPeriods{down: map[string][]hRect{}, bands: map[string][]hRect{}, db: map[string][]hRect{}, spans: map[string][]hSpan{}}
	for _, n := range b.names {
		p.spans[n] = []hSpan{}
	}
	type open struct {
		at    time.Duration
		label string
		seq   int
	}
	downAt := map[string]*open{}
	closeDown := func(server string, at time.Duration) {
		o := downAt[server]
		if o == nil {
			return
		}
		delete(downAt, server)
		if at <= o.at {
			return
		}
		i, ok := b.lane[server]
		if !ok {
			return
		}
		y := b.laneY(i)
		p.down[server] = append(p.down[server], hRect{X: fx(b.x(o.at)), W: fx(b.x(at) - b.x(o.at)), Y: strconv.Itoa(y), H: strconv.Itoa(hLaneH),
			Class: "down", Label: o.label, Title: fmt.Sprintf("%s %s from %s to %s", server, o.label, b.r.Clock(o.at), b.r.Clock(at))})
		p.spans[server] = append(p.spans[server], hSpan{ms(o.at), ms(at)})
	}
	// state bands: per server, the set of labels in force; a segment is drawn for
	// each interval the set is constant and not empty.
	type bandState struct {
		since time.Duration
		on    map[string]bool
	}
	bands := map[string]*bandState{}
	dbs := map[string]*bandState{}
	flush := func(states map[string]*bandState, out map[string][]hRect, server string, at time.Duration, row int, class string) {
		st := states[server]
		if st == nil || len(st.on) == 0 || at <= st.since {
			return
		}
		i, ok := b.lane[server]
		if !ok {
			return
		}
		var labels []string
		for l := range st.on {
			labels = append(labels, l)
		}
		slices.Sort(labels)
		label := strings.Join(labels, ", ")
		w := b.x(at) - b.x(st.since)
		out[server] = append(out[server], hRect{X: fx(b.x(st.since)), W: fx(w), Y: strconv.Itoa(b.laneY(i) + 3 + row*14), H: "12",
			Class: class, Label: fit(label, w), Title: fmt.Sprintf("%s: %s from %s to %s", server, label, b.r.Clock(st.since), b.r.Clock(at))})
	}
	set := func(states map[string]*bandState, out map[string][]hRect, server string, at time.Duration, row int, class, label string, on bool) {
		st := states[server]
		if st == nil {
			st = &bandState{on: map[string]bool{}}
			states[server] = st
		}
		if st.on[label] == on {
			return
		}
		flush(states, out, server, at, row, class)
		st.since = at
		if on {
			st.on[label] = true
		} else {
			delete(st.on, label)
		}
	}
	for _, rec := range b.r.Journal {
		switch rec.Kind {
		case "fault":
			f, err := parseFault(rec)
			if err != nil {
				continue
			}
			switch f.Kind {
			case fault.Crash, fault.Stop:
				if downAt[f.Server] == nil {
					label := "stopped"
					if f.Kind == fault.Crash {
						label = "crashed"
						if f.LoseQueue {
							label = "crashed, queue database lost"
						}
					}
					downAt[f.Server] = &open{at: rec.At, label: label}
				}
			case fault.Start:
				closeDown(f.Server, rec.At)
			}
		case "transport.service":
			if e, ok := rec.Data.(transport.ServiceStopped); ok && e.Service == "MSExchangeTransport" && downAt[rec.Server] == nil {
				downAt[rec.Server] = &open{at: rec.At, label: "MSExchangeTransport stopped"}
			}
		case "transport.start":
			if o := downAt[rec.Server]; o != nil && o.label == "MSExchangeTransport stopped" {
				closeDown(rec.Server, rec.At)
			}
		case "component.set":
			if d, ok := rec.Data.(components.StateSet); ok {
				label := d.Component + " " + string(d.After)
				// a component's previous non-Active state ends with any new write
				if st := bands[rec.Server]; st != nil {
					for l := range st.on {
						if strings.HasPrefix(l, d.Component+" ") && l != label {
							set(bands, p.bands, rec.Server, rec.At, 0, "state", l, false)
						}
					}
				}
				set(bands, p.bands, rec.Server, rec.At, 0, "state", label, d.After != components.Active)
			}
		case "dag.node":
			if e, ok := rec.Data.(dag.NodePaused); ok {
				set(bands, p.bands, rec.Server, rec.At, 0, "state", "cluster node paused", e.Paused)
			}
		case "dag.policy":
			if e, ok := rec.Data.(dag.AutoActivationPolicySet); ok {
				set(bands, p.bands, rec.Server, rec.At, 0, "state", "activation Blocked", e.Policy == dag.Blocked)
			}
		case "transport.pressure": // back pressure refusing mail (transport/pressure.go)
			if e, ok := rec.Data.(transport.PressureActions); ok {
				refusing := false
				for _, d := range e.Disabled {
					refusing = refusing || strings.HasPrefix(d, "Inbound mail submission") || d == "Mail submission from Mailbox server"
				}
				set(bands, p.bands, rec.Server, rec.At, 0, "state", "back pressure (452 4.3.1)", refusing)
			}
		case "monitor.maintenance":
			if e, ok := rec.Data.(scom.MaintenanceMode); ok {
				set(bands, p.bands, rec.Server, rec.At, 0, "state", "SCOM maintenance mode", e.Enter)
			}
		case "dag.copy":
			if d, ok := rec.Data.(dag.CopyChange); ok {
				if st := dbs[d.Server]; st != nil {
					for l := range st.on {
						if strings.HasPrefix(l, d.Database+" ") {
							set(dbs, p.db, d.Server, rec.At, 1, "dbstate", l, false)
						}
					}
				}
				healthy := d.To == "Mounted" || d.To == "Healthy"
				set(dbs, p.db, d.Server, rec.At, 1, "dbstate", d.Database+" "+string(d.To), !healthy)
			}
		}
	}
	end := b.end
	for _, n := range b.names {
		closeDown(n, end)
		flush(bands, p.bands, n, end, 0, "state")
		flush(dbs, p.db, n, end, 1, "dbstate")
	}
	return p
}

type hSPOF struct {
	rects  map[string][]hRect
	series map[string][]hPoint
}

// spof shades, on each server's lane, the union of the SPOF windows it held, and
// gives the slider the number of messages exposed on it at each instant.
func (b *hbuild) spof() hSPOF {
	out := hSPOF{rects: map[string][]hRect{}, series: map[string][]hPoint{}}
	type edge struct {
		at    time.Duration
		delta int
		msg   int
	}
	edges := map[string][]edge{}
	for _, w := range b.r.Verdict.SPOF {
		edges[w.Server] = append(edges[w.Server], edge{w.From, 1, w.Message}, edge{w.To, -1, w.Message})
	}
	for _, server := range b.names {
		out.series[server] = []hPoint{}
		es := edges[server]
		slices.SortStableFunc(es, func(a, c edge) int {
			if a.at != c.at {
				return cmp.Compare(a.at, c.at)
			}
			return a.delta - c.delta // ends before starts at one instant
		})
		i, ok := b.lane[server]
		if !ok {
			continue
		}
		n, peak := 0, 0
		var from, to time.Duration
		var msgs []int
		var series []depth
		flush := func() {
			if len(msgs) == 0 {
				return
			}
			title := fmt.Sprintf("Single point of failure on %s from %s to %s: %d message(s) had their only copy here (at most %d at once): %s",
				server, b.r.Clock(from), b.r.Clock(to), len(msgs), peak, listMsgs(msgs))
			out.rects[server] = append(out.rects[server], hRect{X: fx(b.x(from)), W: fx(max(b.x(to)-b.x(from), 1)),
				Y: strconv.Itoa(b.laneY(i)), H: strconv.Itoa(hLaneH), Class: "spof", Title: title, Label: fmt.Sprintf("SPOF ×%d", len(msgs))})
			msgs = nil
		}
		for _, e := range es {
			// windows less than a pixel apart share one shaded rectangle
			if e.delta > 0 && n == 0 && (len(msgs) == 0 || b.x(e.at)-b.x(to) >= 1) {
				flush()
				from, peak = e.at, 0
			}
			if e.delta > 0 {
				msgs = append(msgs, e.msg)
			}
			n += e.delta
			peak = max(peak, n)
			if k := len(series); k > 0 && series[k-1].At == e.at {
				series[k-1].Q = n
			} else {
				series = append(series, depth{At: e.at, Q: n})
			}
			if n == 0 {
				to = e.at
			}
		}
		flush()
		for _, d := range bucket(series, b) {
			out.series[server] = append(out.series[server], hPoint{ms(d.At), int64(d.Q), 0})
		}
	}
	return out
}

// fit shortens a band label to the width of its band (9px text: about 5 units a
// character); "" when not even a few characters fit.
func fit(label string, w float64) string {
	n := int((w - 4) / 5)
	r := []rune(label)
	switch {
	case len(r) <= n:
		return label
	case n < 4:
		return ""
	}
	return string(r[:n-1]) + "…"
}

func listMsgs(msgs []int) string {
	var s []string
	for i, m := range msgs {
		if i == maxTitleList {
			s = append(s, fmt.Sprintf("… %d more", len(msgs)-i))
			break
		}
		s = append(s, "#"+strconv.Itoa(m))
	}
	return strings.Join(s, ", ")
}

// adminMarkers puts every step and fault on the admin lane, and each fault on the
// lane of the server it hits too.
func (b *hbuild) adminMarkers(lanes []hLane) []hMarker {
	var out []hMarker
	labelEnd := -1e9 // where the last drawn label ends, so labels never overlap
	for _, rec := range b.r.Journal {
		var class string
		switch rec.Kind {
		case "step.run":
			class = "step"
		case "fault":
			class = "fault"
		case "liveness":
			class = "step"
		default:
			continue
		}
		text := rec.Subject // the step's or fault's text
		if rec.Kind == "liveness" {
			text = "liveness phase: every fault healed"
		}
		x := b.x(rec.At)
		m := hMarker{X: fx(x), Y: strconv.Itoa(hAxisH + hAdminH/2), Class: class, Title: b.r.Clock(rec.At) + "  " + text, Seq: rec.Seq, T: ms(rec.At)}
		if x > labelEnd+6 {
			m.Label = text
			if r := []rune(m.Label); len(r) > 24 {
				m.Label = string(r[:23]) + "…"
			}
			labelEnd = x + 8 + 5.6*float64(len([]rune(m.Label)))
		}
		out = append(out, m)
		if class == "fault" {
			if i, ok := b.lane[rec.Server]; ok {
				lm := m
				lm.Label = ""
				lm.Y = strconv.Itoa(lanes[i].Y + 10)
				lanes[i].Markers = append(lanes[i].Markers, lm)
			}
		}
	}
	return out
}

// hNet is the internet senders' lane: an internet sender keeps its copy of a
// message until an Exchange server answers 250 (after a delayed acknowledgement in
// 2010), so until then the sender's copy is one of the message's copies.
type hNet struct {
	Y, H, Max int
	Path      string
	series    []hPoint
}

// internet replays how many messages internet senders hold over time. A sender's
// copy ends at the server's 250 (the "transport.ack" record); where transport writes
// none (2013+ acknowledges once the shadow exists, within the SMTP session), at the
// message's first RECEIVE.
func (b *hbuild) internet() *hNet {
	b.sender = map[int][2]time.Duration{}
	var order []int
	acked := map[int]bool{}
	for _, rec := range b.r.Journal {
		m := transport.MessageOf(rec.Data)
		if m == 0 {
			continue
		}
		sp, ok := b.sender[m]
		switch {
		case internetSubmit(rec):
			if !ok {
				b.sender[m] = [2]time.Duration{rec.At, -1}
				order = append(order, m)
			}
		case !ok:
		case rec.Kind == "transport.ack":
			sp[1], acked[m] = rec.At, true
			b.sender[m] = sp
		case rec.Kind == logs.KindTracking && !acked[m] && sp[1] < 0:
			if e, ok := rec.Data.(logs.TrackingEvent); ok && e.EventID == logs.EventReceive {
				sp[1] = rec.At
				b.sender[m] = sp
			}
		}
	}
	type edge struct {
		at    time.Duration
		delta int
	}
	var es []edge
	for _, m := range order {
		sp := b.sender[m]
		if sp[1] < 0 {
			sp[1] = b.r.End
			b.sender[m] = sp
		}
		es = append(es, edge{sp[0], 1}, edge{sp[1], -1})
	}
	slices.SortStableFunc(es, func(a, c edge) int {
		if a.at != c.at {
			return cmp.Compare(a.at, c.at)
		}
		return a.delta - c.delta
	})
	var ds []depth
	n := 0
	for _, e := range es {
		n += e.delta
		if k := len(ds); k > 0 && ds[k-1].At == e.at {
			ds[k-1].Q = n
		} else {
			ds = append(ds, depth{At: e.at, Q: n})
		}
	}
	l := &hNet{Y: b.netY, H: hNetH, series: seriesJSON(ds, b.end)}
	l.Path, _, l.Max = b.depthPaths(ds, b.netY+hNetH-3, 22)
	return l
}

func (b *hbuild) alertMarkers(lanes []hLane) {
	for _, rec := range b.r.Journal {
		a, ok := rec.Data.(scom.Alert)
		if !ok || rec.Kind != "monitor.alert" {
			continue
		}
		i, ok := b.lane[a.Server]
		if !ok {
			continue
		}
		lanes[i].Markers = append(lanes[i].Markers, hMarker{X: fx(b.x(rec.At)), Y: strconv.Itoa(lanes[i].Y + 24), Class: "alert", Label: "!",
			Title: fmt.Sprintf("%s ALERT %s (%s monitor): %s", b.r.Clock(rec.At), a.Name, a.Monitor, a.Detail), Seq: rec.Seq, T: ms(rec.At)})
	}
}

// hop is one point of a message's path.
type hop struct {
	at     time.Duration
	server string
	event  string
	seq    int
}

// paths draws each message's way across the lanes (up to maxPaths, lost, stuck and
// bounced first) and marks every lost message where it died.
func (b *hbuild) paths() (paths []hPath, lost []hMarker, notes []string) {
	hops := map[int][]hop{}
	shadows := map[int][][2]hop{} // open/close of each shadow copy
	openShadow := map[[2]string]hop{}
	// closeShadows ends every open shadow of a message, in server order
	closeShadows := func(m int, subject string, at time.Duration) {
		var ks [][2]string
		for k := range openShadow {
			if k[1] == subject {
				ks = append(ks, k)
			}
		}
		slices.SortFunc(ks, func(a, c [2]string) int { return strings.Compare(a[0], c[0]) })
		for _, k := range ks {
			shadows[m] = append(shadows[m], [2]hop{openShadow[k], {at: at}})
			delete(openShadow, k)
		}
	}
	lostAt := map[int]sim.Record{}
	first := map[int]int{} // first narrated record of each message
	var order []int
	for _, rec := range b.r.Journal {
		m := transport.MessageOf(rec.Data)
		if m == 0 {
			continue
		}
		subject := "#" + strconv.Itoa(m)
		if _, ok := hops[m]; !ok {
			hops[m] = nil
			order = append(order, m)
		}
		if _, ok := first[m]; !ok && narrated(rec) {
			first[m] = rec.Seq
		}
		switch rec.Kind {
		case "transport.submit":
			if internetSubmit(rec) && len(hops[m]) == 0 {
				hops[m] = append(hops[m], hop{rec.At, internetLane, "SENDER", rec.Seq})
			}
		case logs.KindTracking:
			e, ok := rec.Data.(logs.TrackingEvent)
			if !ok {
				continue
			}
			switch e.EventID {
			case logs.EventReceive, logs.EventSend, logs.EventSubmit, logs.EventHARedirect, logs.EventFail:
				hops[m] = append(hops[m], hop{rec.At, e.Server, string(e.EventID), rec.Seq})
			case logs.EventDeliver:
				hops[m] = append(hops[m], hop{rec.At, e.Server, "DELIVER", rec.Seq})
				if _, ok := b.lane[e.ServerHostname]; ok && e.ServerHostname != e.Server {
					hops[m] = append(hops[m], hop{rec.At, e.ServerHostname, "DELIVERED", rec.Seq})
				}
				closeShadows(m, subject, rec.At)
			}
		case "transport.shadow":
			k := [2]string{rec.Server, subject}
			if _, ok := rec.Data.(transport.ShadowTakeover); ok {
				if h, ok := openShadow[k]; ok {
					shadows[m] = append(shadows[m], [2]hop{h, {at: rec.At}})
					delete(openShadow, k)
				}
				hops[m] = append(hops[m], hop{rec.At, rec.Server, "RESUBMIT", rec.Seq})
			} else if _, ok := openShadow[k]; !ok {
				openShadow[k] = hop{rec.At, rec.Server, "SHADOW", rec.Seq}
			}
		case "transport.lost":
			lostAt[m] = rec
			closeShadows(m, subject, rec.At)
		}
	}
	// shadows still open at the end, in a fixed order
	var still [][2]string
	for k := range openShadow {
		still = append(still, k)
	}
	slices.SortFunc(still, func(a, c [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], c[0]+"\x00"+c[1]) })
	for _, k := range still {
		m, _ := strconv.Atoi(k[1][1:]) // "#N"
		shadows[m] = append(shadows[m], [2]hop{openShadow[k], {at: b.end}})
	}

	fate := map[int]transport.FateKind{}
	for _, f := range b.r.Verdict.Fates {
		if f.Fate != transport.Delivered {
			if _, ok := fate[f.Message]; !ok || f.Fate == transport.Lost {
				fate[f.Message] = f.Fate
			}
		} else if _, ok := fate[f.Message]; !ok {
			fate[f.Message] = f.Fate
		}
	}
	// choose: when there are too many, two thirds of the budget goes to troubled
	// (lost, stuck, bounced) messages and the rest to delivered ones, each picked
	// evenly across the run so the drawing stays representative.
	var troubled, fine []int
	for _, m := range order {
		switch {
		case len(hops[m]) == 0:
		case fate[m] == transport.Delivered:
			fine = append(fine, m)
		default:
			troubled = append(troubled, m)
		}
	}
	pick := append(slices.Clone(troubled), fine...)
	if n := len(pick); n > maxPaths {
		nt := min(len(troubled), max(maxPaths*2/3, maxPaths-len(fine)))
		pick = append(spread(troubled, nt), spread(fine, maxPaths-nt)...)
		notes = append(notes, fmt.Sprintf("Paths are drawn for %d of %d messages (%d of the %d lost, stuck or bounced, %d of the %d delivered, spread over the run); queue depths count every message.",
			maxPaths, n, nt, len(troubled), maxPaths-nt, len(fine)))
	}
	slices.Sort(pick)
	for _, m := range pick {
		hs := hops[m]
		var d strings.Builder
		cls := "path " + strings.ToLower(string(fate[m]))
		y := func(server string) (float64, bool) {
			if server == internetLane {
				return float64(b.netY+20) + float64(m%7)*2, b.net
			}
			i, ok := b.lane[server]
			if !ok {
				return 0, false
			}
			// spread paths a little so that messages on one lane do not hide each other
			return float64(b.laneY(i)+30) + float64(m%7)*2, true
		}
		started := false
		var lastX, lastY float64
		for _, h := range hs {
			yy, ok := y(h.server)
			if !ok {
				continue
			}
			x := b.x(h.at)
			if !started {
				fmt.Fprintf(&d, "M%s %s", fx(x), fx(yy))
				started = true
			} else {
				if yy != lastY {
					fmt.Fprintf(&d, "H%s L%s %s", fx(max(x-1.5, lastX)), fx(x), fx(yy))
				} else {
					fmt.Fprintf(&d, "H%s", fx(x))
				}
			}
			lastX, lastY = x, yy
		}
		if !started {
			continue
		}
		endAt := b.end
		if rec, ok := lostAt[m]; ok {
			endAt = rec.At
		}
		last := hs[len(hs)-1]
		if fate[m] == transport.Delivered || last.event == "DELIVERED" || last.event == "FAIL" {
			endAt = last.at
		}
		if x := b.x(endAt); x > lastX {
			fmt.Fprintf(&d, "H%s", fx(x))
		}
		p := hPath{Msg: m, Class: cls, D: d.String(), Seq: first[m],
			Title: fmt.Sprintf("Message #%d (%s): %s", m, strings.ToLower(string(fate[m])), hopText(hs, b.r))}
		if sp, ok := b.sender[m]; ok && b.net {
			yy, _ := y(internetLane)
			p.Sender = fmt.Sprintf("M%s %sH%s", fx(b.x(sp[0])), fx(yy+5), fx(max(b.x(sp[1]), b.x(sp[0])+1)))
		}
		for _, sh := range shadows[m] {
			if yy, ok := y(sh[0].server); ok {
				p.Shadow = append(p.Shadow, fmt.Sprintf("M%s %sH%s", fx(b.x(sh[0].at)), fx(yy+5), fx(b.x(sh[1].at))))
			}
		}
		for _, h := range hs { // each logged event, with its message tracking EventId
			if yy, ok := y(h.server); ok && h.event != "DELIVERED" && h.event != "SENDER" {
				p.Hops = append(p.Hops, hMarker{X: fx(b.x(h.at)), Y: fx(yy), Class: "hop", T: ms(h.at),
					Title: fmt.Sprintf("%s %s %s #%d", b.r.Clock(h.at), h.server, h.event, m)})
			}
		}
		if last.event == "DELIVERED" || last.event == "DELIVER" {
			p.Ends = append(p.Ends, hMarker{X: fx(b.x(last.at)), Y: fx(lastY), Class: "delivered", Seq: last.seq, T: ms(last.at), Title: fmt.Sprintf("#%d delivered at %s", m, b.r.Clock(last.at))})
		}
		paths = append(paths, p)
	}
	// lost markers: one per server and 8-unit column of the axis (markers closer
	// than that would overlap), naming the messages
	type place struct {
		server string
		col    int
	}
	type grp struct {
		from, to time.Duration
		seq      int
		msgs     []int
	}
	group := map[place]*grp{}
	var places []place
	seen := map[int]bool{}
	for _, f := range b.r.Verdict.Fates {
		if f.Fate != transport.Lost || seen[f.Message] {
			continue
		}
		seen[f.Message] = true
		rec, ok := lostAt[f.Message]
		at, seq := b.end, -1
		if ok {
			at, seq = rec.At, rec.Seq
		}
		pl := place{f.Server, int(b.x(at) / 8)}
		g := group[pl]
		if g == nil {
			g = &grp{from: at, to: at, seq: seq}
			group[pl] = g
			places = append(places, pl)
		}
		g.from, g.to = min(g.from, at), max(g.to, at)
		g.msgs = append(g.msgs, f.Message)
	}
	for _, pl := range places {
		i, ok := b.lane[pl.server]
		if !ok {
			continue
		}
		g := group[pl]
		label := "✕"
		if len(g.msgs) > 1 {
			label = fmt.Sprintf("✕ %d lost", len(g.msgs))
		}
		when := "at " + b.r.Clock(g.from)
		if g.to != g.from {
			when = "from " + b.r.Clock(g.from) + " to " + b.r.Clock(g.to)
		}
		lost = append(lost, hMarker{X: fx(b.x(g.from)), Y: strconv.Itoa(b.laneY(i) + 34), Class: "lost", Label: label, Seq: g.seq, T: ms(g.from),
			Title: fmt.Sprintf("LOST on %s %s: %s (the last copy was destroyed here)", pl.server, when, listMsgs(g.msgs))})
	}
	return paths, lost, notes
}

// spread picks n of xs, evenly spaced, keeping their order.
func spread(xs []int, n int) []int {
	if n >= len(xs) {
		return xs
	}
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, xs[i*len(xs)/n])
	}
	return out
}

func hopText(hs []hop, r *scenarios.Result) string {
	var s []string
	for i, h := range hs {
		if i == 10 {
			s = append(s, "…")
			break
		}
		server := h.server
		if server == internetLane {
			server = "internet"
		}
		s = append(s, fmt.Sprintf("%s %s %s", r.Clock(h.at), server, h.event))
	}
	return strings.Join(s, " → ")
}

// routineKinds are narrated records of everyday traffic; a large run keeps those of
// the messages whose paths are drawn and a sample of the rest.
var routineKinds = map[string]bool{
	"transport.submit": true, "transport.ack": true, "transport.delayedack": true, "transport.spof": true,
	"transport.shadow": true, "transport.deliver": true, "transport.session": true, "transport.sender": true,
	"transport.promotion": true, "transport.dsn": true, "transport.heartbeat": true, "transport.queue": true,
	"monitor.probe": true,
}

// narration lists the narrated records. Past maxNarration lines it keeps every
// record that is not about one message and not routine traffic (steps, faults,
// alerts, state changes), every record of the messages whose paths are drawn, and an
// even sample of the rest (losses and NDRs of other messages, routine queue lines);
// routine lines about other messages are left out.
func (b *hbuild) narration(paths []hPath) ([]hLine, int) {
	drawn := map[int]bool{}
	for _, p := range paths {
		drawn[p.Msg] = true
	}
	narrated := func(rec sim.Record) bool {
		_, isOut := rec.Data.(scenarios.Output)
		return narrated(rec) || isOut
	}
	// keep: 2 always, 1 sampled, 0 dropped
	keep := func(rec sim.Record) int {
		m := transport.MessageOf(rec.Data)
		switch {
		case m != 0 && drawn[m]:
			return 2
		case m != 0 && routineKinds[rec.Kind]:
			return 0
		case m != 0 || routineKinds[rec.Kind]:
			return 1 // a loss, NDR or duplicate of an undrawn message; routine lines of queues
		}
		return 2
	}
	total, always, sampled := 0, 0, 0
	for _, rec := range b.r.Journal {
		if !narrated(rec) {
			continue
		}
		total++
		switch keep(rec) {
		case 2:
			always++
		case 1:
			sampled++
		}
	}
	every := 1 // keep every n-th sampled record
	if total > maxNarration {
		budget := maxNarration - always
		every = sampled + 1
		if budget > 0 {
			every = (sampled + budget - 1) / budget
		}
	}
	var out []hLine
	omitted, k := 0, 0
	for _, rec := range b.r.Journal {
		if !narrated(rec) {
			continue
		}
		if len(out) >= 3*maxNarration { // a hard bound, whatever the run
			omitted++
			continue
		}
		if total > maxNarration {
			switch keep(rec) {
			case 0:
				omitted++
				continue
			case 1:
				k++
				if (k-1)%every != 0 {
					omitted++
					continue
				}
			}
		}
		out1, isOut := rec.Data.(scenarios.Output)
		if isOut && len(out) > 0 && out[len(out)-1].T == ms(rec.At) && out[len(out)-1].Out == "" {
			out[len(out)-1].Out = strings.TrimRight(out1.Text, "\n") // beneath its step
			continue
		}
		l := hLine{Seq: rec.Seq, T: ms(rec.At), Clock: b.r.Clock(rec.At), Server: rec.Server, Msg: transport.MessageOf(rec.Data),
			Class: strings.ReplaceAll(rec.Kind, ".", "-"), Text: rec.Text()}
		if isOut {
			l.Out = strings.TrimRight(out1.Text, "\n")
		}
		out = append(out, l)
	}
	return out, omitted
}

// parseFault reads the fault of a fault record.
func parseFault(rec sim.Record) (fault.Fault, error) {
	e, ok := rec.Data.(scenarios.FaultInjected)
	if !ok {
		return fault.Fault{}, fmt.Errorf("not a fault record")
	}
	return fault.Parse(e.Fault)
}
