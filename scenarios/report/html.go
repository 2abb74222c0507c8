package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// The teaching view: one self-contained HTML page of a run (porcupine's pattern:
// embedded index.html, index.css and index.js, data injected as JSON). Everything is
// drawn from the journal and the verdict, like every other output, so the page never
// disagrees with the narration.
//
// The lanes are inline SVG written by html/template, so the page shows the run
// without script and every name from the scenario is escaped; index.js adds zoom and
// pan, the minimap, the level and narration filters, message search, the time
// slider and play button, and the links between the drawing and the narration.
//
// Layout, so that a teacher can point at it: the story level (story.go) is shown by
// default and the detail level on demand. Each server's lane has one row per
// service, per component ever not Active and per database copy ever not Healthy or
// ever active, each band labelled with its state only (the row's label names the
// component), so labels never print over each other; then a queue row with the
// queue and shadow depths. Steps and faults sit on their own lane, close ones
// collapsed into one numbered marker whose tooltip lists them, labels stacked on
// three rows and left out where none fits (the marker keeps its tooltip). Zooming
// stretches the drawing horizontally and re-places every point (markers, labels,
// hops) so nothing is distorted.
//
// Choices, where the journal does not say everything:
//   - Queue depth of a server is the number of messages with a primary copy in its
//     queues: a message enters at RECEIVE (or a shadow resubmission) and leaves at
//     SEND, DELIVER, FAIL or SUBMIT (the end of a 2013+ mailbox submission), or when
//     its copy is destroyed (a crash that loses the queue database, or the loss of
//     the message). Shadow copies are counted apart, on the server that keeps them:
//     from HARECEIVE (2013+; the shadow server logs it) or a 2010 XSHADOW relay (the
//     sending hub keeps it) to HADISCARD or, where none is logged, the message's
//     first delivery; a shadow resubmission moves it back into that server's queue.
//     Safety Net and the transport dumpster are not drawn.
//   - An internet sender holds its copy from submission until the server's 250 (the
//     "transport.ack" record; 2013+ writes none, so there the first RECEIVE).
//   - Down periods come from the faults (crash, stop, start) and from stopping
//     MSExchangeTransport; the state a transport service runs with from its start
//     record (it reads its component state only when it starts); component states
//     from "component.set" (effective state); database copies from "dag.copy": a
//     copy is drawn active while Mounted, and in its status while neither Mounted
//     nor Healthy; before its first change it is in that change's From status.
//   - Runs of thousands of messages are aggregated: queue depths count every message
//     (downsampled past maxSeries changes to one value per pixel column, keeping the
//     peak); SPOF windows and lost markers closer than the drawing can tell apart
//     are merged; only maxPaths message paths are kept (two thirds lost, stuck or
//     bounced when there are that many, each group sampled evenly over the run); past
//     bundleMin paths the delivered ones are detail and the story level shows, per
//     lane and column of the axis, how many messages arrived (a density strip); past maxNarration lines the narration keeps every step,
//     fault, alert and state change and every line of the drawn messages, an even
//     sample of the losses and routine queue lines, and no routine line of another
//     message.
//   - A failed expectation is judged on the whole run, so its link goes to the run's
//     end; a lost message's to where it died, a SPOF window's to its start on its lane.

//go:embed htmlview/*
var htmlView embed.FS

// Aggregation bounds that keep a page of a large run small and readable.
const (
	maxPaths     = 150  // message paths kept
	bundleMin    = 60   // past this many paths, delivered ones are bundled at the story level
	maxNarration = 1500 // narration lines kept
	maxSeries    = 4000 // queue change points kept exactly per server; more are bucketed
	maxTitleList = 12   // messages named in one tooltip
	maxLinks     = 20   // verdict links of one kind
	maxBundles   = 800  // bundle lines drawn
)

// Geometry of the SVG (user units; at 1280 px wide the page draws about 1:1).
const (
	hLabelW    = 200
	hPlotW     = 1030
	hAxisH     = 24
	hAdminH    = 64 // markers on top, three rows of labels
	hHeadH     = 20 // a lane's header: the server's name and live state
	hRowH      = 16 // a state row
	hQueueH    = 34 // a lane's queue row
	hShadowH   = 24 // and its shadow copies' row
	hLaneGp    = 6
	hNetH      = 40
	hCharW     = 7.0 // a generous width of one character of 11px text, for layout
	hClusterPx = 16  // steps closer than this share a marker
)

// WriteHTML writes the run as one self-contained HTML page (no network access): a
// lane per server with rows for its services, components and database copies,
// queue depths over time, message paths, lost messages where they died, SPOF windows
// shaded on the server that held the only copy, alerts, steps and faults, the
// narration beside the timeline, and controls to zoom, filter and replay it.
// The same run always gives the same bytes.
func WriteHTML(w io.Writer, r *scenarios.Result) error {
	if r == nil || r.Scenario == nil {
		return fmt.Errorf("WriteHTML: no result to draw")
	}
	return writePage(w, buildPage(r))
}

// renderHTML writes the page of r from the page's pass over its run.
func renderHTML(w io.Writer, r *scenarios.Result, rec *hRecorder) error {
	return writePage(w, drawPage(r, rec))
}

func writePage(w io.Writer, p *htmlPage) error {
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
	Links                   []hLink
	Note                    []string
	W, H                    int
	PlotX, PlotW            int
	Ticks                   []hTick
	AdminY, AdminH          int
	Admin                   []hMarker
	AdminLabels             []hMarker
	Lanes                   []hLane
	Net                     *hNet
	Paths                   []hPath
	Bundles                 []hBundle
	Bundled                 bool
	Lost                    []hMarker
	Narration               []hLine
	Kinds                   []string
	Omitted                 int
	EndT                    int64
	EndClock, EndText       string
	AxisEndText             string
	Data                    hData
	CSS                     template.CSS
	JS                      template.JS
}

type hTick struct {
	X     string
	T     int64
	Label string
}

// hLink is one link of the verdict to the moment that explains it.
type hLink struct {
	Kind   string // lost, spof, failed
	Text   string
	T      int64
	Seq    int
	Msg    int
	Server string
}

// hLane is one server's lane.
type hLane struct {
	Name, Info string
	Y, H       int
	HeadY      int // baseline of the header text
	QY         int // top of the queue row
	SY         int // top of the shadow copies' row
	Rows       []hRow
	Down, SPOF []hRect
	QPath      string // queue and shadow depth polylines
	SPath      string
	MaxQ, MaxS int
	Version    string
	Markers    []hMarker
}

// hRow is one state row of a lane: a service, a component or a database copy.
type hRow struct {
	Label, Title string
	Y            int
	Bands        []hRect
}

type hRect struct {
	X, W, Y, H string
	Class      string
	Label      string // drawn when wide enough (at the whole run's zoom)
	Full       string // the whole label, for index.js to fit when zoomed
	Title      string
	T0, T1     int64
}

// hMarker is a point event: a step, fault, alert or lost message.
type hMarker struct {
	X, Y  string
	Class string
	Label string
	Title string
	Seq   int // the narration line it links to (-1: none)
	T     int64
	Msg   int
	Count int // steps collapsed into this marker
}

type hLine struct {
	Seq    int
	T      int64
	Clock  string
	Server string
	Class  string
	Level  string
	Msg    int
	Text   string
	Out    string // Get- step output
}

// Long reports whether a step's output is long enough to fold away (the
// Get-ServerComponentState of one server is 35 rows).
func (l hLine) Long() bool { return strings.Count(l.Out, "\n") >= 8 }

// hStep is a step or fault for index.js, which lays their markers out again when
// the view is zoomed.
type hStep struct {
	T     int64  `json:"t"`
	Seq   int    `json:"seq"`
	Label string `json:"label"`
	Title string `json:"title"`
	Class string `json:"class"`
}

// hData is the JSON index.js reads.
type hData struct {
	End     int64      `json:"end"`     // axis end, ms
	PlotX   int        `json:"plotX"`   // SVG x of the plot's left edge
	PlotW   int        `json:"plotW"`   // SVG width of the time axis
	Start   int64      `json:"start"`   // Unix ms of t=0, for the clock
	Servers []string   `json:"servers"` // lane order
	Queues  [][]hPoint `json:"queues"`  // per server: [t, primary, shadow] from t on
	Down    [][]hSpan  `json:"down"`    // per server: [from, to] down
	SPOF    [][]hPoint `json:"spof"`    // per server: [t, messages only there, 0]
	Lines   []int64    `json:"lines"`   // time of each narration line, in order
	Net     []hPoint   `json:"net"`     // [t, messages internet senders hold, 0]
	Steps   []hStep    `json:"steps"`   // steps and faults, in time order
	Story   []int64    `json:"story"`   // instants of story-level lines, for next/previous
}

type hPoint [3]int64
type hSpan [2]int64

func ms(d time.Duration) int64 { return d.Milliseconds() }

// hbuild carries the state of one page build.
type hbuild struct {
	sender map[int][2]time.Duration // how long each drawn internet message sat with its sender
	r      *scenarios.Result
	end    time.Duration // axis end
	lane   map[string]int
	names  []string
	geo    []hLane // each lane's geometry (Y, H, HeadY, QY)
	net    bool    // an internet lane is drawn
	netY   int
	plan   *hPlan
	rec    *hRecorder
	kept   []sim.Record // the records the page draws one by one, in journal order
}

// x is the plot's x of instant t: 0 at the run's start, hPlotW at the axis end.
func (b *hbuild) x(t time.Duration) float64 { return xOf(t, b.end) }

func fx(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// pathY is where a message's path runs on lane i: the middle of its queue row,
// spread a little so that messages on one lane do not hide each other.
func (b *hbuild) pathY(i, m int) float64 { return float64(b.geo[i].QY+10) + float64(m%7)*2 }

// internetLane is the name paths use for the internet senders' lane.
const internetLane = "\x00internet"

// internetSubmit tells an internet sender's message from its submit record.
func internetSubmit(rec sim.Record) bool {
	_, ok := rec.Data.(transport.InternetSubmitted)
	return ok
}

// narrated reports whether a record has a narration line.
func narrated(rec sim.Record) bool { return rec.Text() != "" }

func newBuild(r *scenarios.Result, rec *hRecorder) *hbuild {
	pl := rec.plan
	return &hbuild{r: r, lane: pl.lane, names: pl.names, plan: pl, rec: rec, kept: rec.kept, end: pl.end, sender: pl.sender}
}

// drawPage draws r from the page's pass over its run.
func drawPage(r *scenarios.Result, rec *hRecorder) *htmlPage {
	sc := r.Scenario
	b := newBuild(r, rec)
	top := hAxisH + hAdminH + 4
	if b.plan.net {
		b.net, b.netY = true, top
		top += hNetH + hLaneGp
	}
	rows := b.laneRows()
	b.geo = make([]hLane, len(b.names))
	for i, name := range b.names {
		n := len(rows.rows[name])
		h := hHeadH + n*hRowH + hQueueH + hShadowH
		qy := top + hHeadH + n*hRowH
		b.geo[i] = hLane{Name: name, Y: top, H: h, HeadY: top + 14, QY: qy, SY: qy + hQueueH}
		top += h + hLaneGp
	}
	p := &htmlPage{
		Name: sc.Name, Description: sc.Description, Date: sc.Start.UTC().Format("2006-01-02 15:04:05 UTC"),
		Seed: r.Seed, Hash: fmt.Sprintf("%016x", r.Hash), Events: r.Events, Passed: r.Passed(),
		PlotX: hLabelW, PlotW: hPlotW, W: hLabelW + hPlotW + 10, AdminY: hAxisH, AdminH: hAdminH,
		EndText: scenarios.FormatDuration(r.End), AxisEndText: scenarios.FormatDuration(b.end),
		EndT: ms(min(r.End, b.end)), EndClock: r.Clock(r.End),
	}
	var vb strings.Builder
	writeVerdict(&vb, r)
	p.Verdict = strings.Split(strings.TrimRight(vb.String(), "\n"), "\n")
	if b.end < r.End {
		p.Note = append(p.Note, fmt.Sprintf("The axis ends at %s: nothing happens after that until the run's end at %s.", scenarios.FormatDuration(b.end), scenarios.FormatDuration(r.End)))
	}
	p.Ticks = b.ticks()
	p.H = top

	q := rec.queues.depths()
	p.Lanes = make([]hLane, len(b.names))
	p.Data = hData{End: ms(b.end), PlotX: hLabelW, PlotW: hPlotW, Start: sc.Start.UnixMilli(), Servers: b.names,
		Queues: [][]hPoint{}, Down: [][]hSpan{}, SPOF: [][]hPoint{}, Lines: []int64{}, Net: []hPoint{},
		Steps: []hStep{}, Story: []int64{}} // [] not null for index.js
	spof := b.spof()
	for i, name := range b.names {
		sv := sc.Topology.Servers[i]
		l := b.geo[i]
		l.Info = sv.Version + " · " + strings.Join(sv.Roles, ", ")
		l.Rows, l.Down = b.rowRects(i, rows)
		l.SPOF = spof.rects[name]
		l.QPath, l.SPath, l.MaxQ, l.MaxS = b.depthPaths(q[name], l.QY+hQueueH-3, hQueueH-8, l.SY+hShadowH-3, hShadowH-7)
		l.Version = strings.TrimPrefix(sv.Version, "Exchange")
		p.Lanes[i] = l
		p.Data.Queues = append(p.Data.Queues, seriesJSON(q[name], b.end))
		p.Data.Down = append(p.Data.Down, rows.spans[name])
		p.Data.SPOF = append(p.Data.SPOF, spof.series[name])
	}
	if b.net {
		p.Net = b.internet()
		p.Data.Net = p.Net.series
	}
	p.Data.Steps = b.steps()
	p.Admin, p.AdminLabels = layoutSteps(p.Data.Steps, ms(b.end))
	b.faultMarkers(p.Lanes)
	b.alertMarkers(p.Lanes)
	var notes []string
	p.Paths, p.Lost, p.Bundles, notes = b.paths()
	p.Bundled = len(p.Bundles) > 0
	p.Note = append(p.Note, notes...)
	p.Narration, p.Omitted = b.narration()
	kinds := map[string]bool{}
	for _, l := range p.Narration {
		p.Data.Lines = append(p.Data.Lines, l.T)
		if l.Level == "story" && (len(p.Data.Story) == 0 || p.Data.Story[len(p.Data.Story)-1] != l.T) {
			p.Data.Story = append(p.Data.Story, l.T)
		}
		if !kinds[l.Class] {
			kinds[l.Class] = true
			p.Kinds = append(p.Kinds, l.Class)
		}
	}
	sortStrings(p.Kinds)
	p.Links = b.links(p.Lost)
	return p
}

// links ties the verdict to the moments that explain it: each lost message to where
// it died, each SPOF window to its lane, each failed expectation to the run's end,
// where it was judged.
func (b *hbuild) links(lost []hMarker) []hLink {
	var out []hLink
	n := 0
	seen := map[int]bool{}
	for _, f := range b.r.Verdict.Fates {
		if f.Fate != transport.Lost || seen[f.Message] {
			continue
		}
		seen[f.Message] = true
		if n++; n > maxLinks {
			continue
		}
		l := hLink{Kind: "lost", Msg: f.Message, Server: f.Server, Seq: -1, T: ms(b.end)}
		where := ""
		if at, ok := b.rec.lostFirst[f.Message]; ok {
			l.T, l.Seq = ms(at.at), at.seq
			where = " at " + b.r.Clock(at.at)
		}
		l.Text = fmt.Sprintf("#%d lost on %s%s", f.Message, f.Server, where)
		out = append(out, l)
	}
	if n > maxLinks {
		out = append(out, hLink{Kind: "more", Text: fmt.Sprintf("… and %d more lost", n-maxLinks), Seq: -1, T: -1})
	}
	for i, w := range b.r.Verdict.SPOF {
		if i == maxLinks {
			out = append(out, hLink{Kind: "more", Text: fmt.Sprintf("… and %d more SPOF windows", len(b.r.Verdict.SPOF)-i), Seq: -1, T: -1})
			break
		}
		out = append(out, hLink{Kind: "spof", Msg: w.Message, Server: w.Server, Seq: -1, T: ms(w.From),
			Text: fmt.Sprintf("SPOF: #%d only on %s from %s to %s", w.Message, w.Server, b.r.Clock(w.From), b.r.Clock(w.To))})
	}
	for _, f := range b.r.Failures {
		out = append(out, hLink{Kind: "failed", Text: "Failed: " + f, Seq: -1, T: ms(min(b.r.End, b.end))})
	}
	return out
}

// axisEndAfter is where the time axis stops when the run's last record was at
// last: the run's end, or shortly after the last thing that happened when the run
// idles for most of its duration (a 2h scenario whose story ends at 35m reads
// better on a 40m axis).
func axisEndAfter(r *scenarios.Result, last time.Duration) time.Duration {
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
		out = append(out, hTick{X: fx(b.x(t)), T: ms(t), Label: b.r.Scenario.Start.Add(t).UTC().Format(format)})
	}
	return out
}

// parseFault reads the fault of a fault record.
func parseFault(rec sim.Record) (fault.Fault, error) {
	e, ok := rec.Data.(scenarios.FaultInjected)
	if !ok {
		return fault.Fault{}, fmt.Errorf("not a fault record")
	}
	return fault.Parse(e.Fault)
}
