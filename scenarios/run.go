package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/powershell"
	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// Options change one run of a scenario without editing it.
type Options struct {
	// Seed overrides the scenario's seed when not nil.
	Seed *uint64
	// Steps are extra steps (admin actions or faults) merged into the scenario's, by
	// instant; at one instant the scenario's own steps run first.
	Steps []Step
	// MaxEvents bounds the run (default DefaultMaxEvents).
	MaxEvents uint64
	// Settle runs on after the scenario's duration, with every fault healed (stopped
	// and crashed servers started, partitions healed), for at most this long before
	// judging: the liveness phase of exploration. Zero: no liveness phase.
	Settle time.Duration
	// NoJournal skips building the journal (benchmarks, exploration): the verdict
	// and counts are still computed; the narration and logs are empty.
	NoJournal bool
	// OmitKinds are journal kinds not to record, e.g. logs.KindProtocol: exploration
	// counts mechanisms from the journal but reads no protocol log, and building its
	// rows is most of a run's cost. Everything else, the hash included, is unchanged.
	OmitKinds []string
	// Outputs names the outputs the caller will write, so the run journals only the
	// records they read: a day of 100,000 messages journals over a hundred SMTP
	// protocol rows per message, and a verdict needs none. Records the scenario's own
	// Get- steps and expectations read are always kept. Zero keeps everything.
	Outputs Outputs
	// TrackingLogDir, when set, receives the message tracking logs as the run goes,
	// one folder per server (a day of a large organization's rows is never held in
	// memory); [Result.TrackingLogs] then has only the rows the journal kept.
	TrackingLogDir string
	// Script is an admin's PowerShell script to run during the scenario.
	Script *Script
	// KeepKinds are kept besides what Outputs reads (exploration's coverage counters
	// read a few kinds of the model's events and nothing else).
	KeepKinds []string
	// Taps receive records of their kind (every kind: sim.AllKinds) as the run goes,
	// for a writer that streams (the HTML page). A consuming tap of tracking rows keeps them out
	// of the journal only when no output but the HTML and none of the scenario's own
	// steps read them there.
	Taps []sim.Tap
}

// Outputs is a set of outputs derived from a run's journal.
type Outputs uint8

// The outputs; VerdictOutput alone is `exsim run --quiet` or `--json`.
const (
	VerdictOutput     Outputs = 1 << iota // the verdict, the JSON result, the Get- steps' output
	NarrationOutput                       // the narrated timeline: every narrated record
	TrackingLogOutput                     // message tracking logs
	ProtocolLogOutput                     // SMTP protocol logs
	HTMLOutput                            // the HTML timeline: narration and tracking rows
)

// keepsTracking reports whether the journal must keep tracking rows for outs or for
// the scenario's own Get-MessageTrackingLog steps and expectations.
func (w *world) keepsTracking(outs Outputs) bool {
	return outs == 0 || outs&(HTMLOutput|TrackingLogOutput) != 0 || w.sc.ReadsTracking() || w.scripted
}

// scripts are the scenario's script steps and extra's, by start; a script that
// starts while another still runs starts when that one ends.
func (w *world) scripts(extra *Script) []*Script {
	var out []*Script
	for _, st := range w.sc.Steps {
		if st.Script != nil {
			out = append(out, &Script{File: st.Script.Path, Source: st.Script.Source, On: st.On, At: st.At,
				Args: st.Script.Args, Answers: st.Script.Answers})
		}
	}
	if extra != nil {
		out = append(out, extra)
	}
	slices.SortStableFunc(out, func(a, b *Script) int { return compareDuration(a.At, b.At) })
	return out
}

// script runs an admin's script: the world runs up to its start, then the script
// drives it (each cmdlet and Start-Sleep lets the world run on).
func (w *world) script(sc *Script) error {
	if sc.At < 0 || sc.At > w.sc.Duration {
		return fmt.Errorf("%s: the script starts at %v, outside the scenario's duration %v", sc.File, sc.At, w.sc.Duration)
	}
	if sc.On != "" {
		name := ""
		for n := range w.spec {
			if strings.EqualFold(n, sc.On) {
				name = n
			}
		}
		if name == "" {
			return fmt.Errorf("%s: --on %s: no such server%s", sc.File, sc.On, didYouMean(sc.On, sortedNames(w.spec)))
		}
		sc.On = name
	}
	ps, err := powershell.Parse(sc.File, sc.Source)
	if err != nil {
		return err
	}
	if sc.At > w.s.Now() {
		if err := w.s.RunUntil(sc.At); err != nil {
			return fmt.Errorf("%s: %w", w.sc.File, err)
		}
	}
	return w.runScript(sc, ps)
}

// journalFor restricts the journal to what outs read.
func (w *world) journalFor(outs Outputs, also []string) {
	if outs == 0 {
		return
	}
	j := w.s.Journal()
	tracking := w.keepsTracking(outs)
	if outs&ProtocolLogOutput == 0 {
		j.Omit(logs.KindProtocol)
	}
	if !tracking && !w.streamsTracking {
		j.Omit(logs.KindTracking)
	}
	if outs&(NarrationOutput|HTMLOutput) == 0 {
		// what Omit left of these; activations and resubmissions feed the verdict's
		// lossy-activation lines
		j.Keep(append([]string{Output{}.Kind(), logs.KindTracking, logs.KindProtocol, dag.Activation{}.Kind(), transport.Resubmitted{}.Kind()}, also...)...)
	}
}

// DefaultMaxEvents stops runaway scenarios with a clear error; the loader refuses a
// scenario whose run could not fit it.
const DefaultMaxEvents = MaxEvents

// Result is everything one run produced. Every output is derived from its journal
// and verdict.
type Result struct {
	Scenario *Scenario
	Seed     uint64
	Hash     uint64 // running hash of every event run
	Events   uint64
	End      time.Duration
	Journal  []sim.Record
	Verdict  transport.Verdict
	Alerts   []Alert
	// Failures explain each expectation that did not hold; empty when all held.
	Failures []string
}

// Passed reports whether every expectation held.
func (r *Result) Passed() bool { return len(r.Failures) == 0 }

// Run replays sc and checks its expectations.
func Run(sc *Scenario, o Options) (*Result, error) {
	seed := sc.Seed
	if o.Seed != nil {
		seed = *o.Seed
	}
	maxEvents := o.MaxEvents
	if maxEvents == 0 {
		maxEvents = DefaultMaxEvents
	}
	w, err := newWorld(sc, seed, sim.Limits{Horizon: sc.Duration + o.Settle, MaxEvents: maxEvents})
	if err != nil {
		return nil, err
	}
	if o.NoJournal {
		w.s.Journal().Disable()
	}
	w.s.Journal().Omit(o.OmitKinds...)
	// a script may run Get-MessageTrackingLog, which reads the journal's rows
	w.scripted = o.Script != nil || slices.ContainsFunc(sc.Steps, func(st Step) bool { return st.Script != nil })
	var stream *logs.TrackingStream
	if o.TrackingLogDir != "" {
		stream = logs.NewTrackingStream(o.TrackingLogDir, func(s string) string { return serverVersion(sc, s) }, sc.Start)
		defer stream.Close() // stops its writer when the run fails; the run's own Close below reports its error
		tapped := slices.ContainsFunc(o.Taps, func(t sim.Tap) bool { return t.Kind == logs.KindTracking || t.Kind == sim.AllKinds })
		if o.Outputs != 0 && !w.keepsTracking(o.Outputs) && !tapped {
			// the stream is the rows' only reader: transport hands them to it
			// directly, and the journal builds no record of them
			w.tr.SetTrackingSink(stream.Row)
		} else {
			w.s.Journal().Tap(stream.Tap(!w.keepsTracking(o.Outputs)))
			w.streamsTracking = true
		}
	}
	for _, t := range o.Taps {
		if t.Consume && t.Kind == logs.KindTracking && (o.Outputs == 0 || w.keepsTracking(o.Outputs&^HTMLOutput|VerdictOutput)) {
			t.Consume = false // the journal keeps them for another reader
		}
		w.s.Journal().Tap(t)
		if t.Kind == logs.KindTracking || t.Kind == sim.AllKinds {
			w.streamsTracking = true // the tap reads them even when the journal keeps none
		}
	}
	// a tap that takes nothing also sees what the world's setup journaled before it
	// was installed (a DAG's quorum at t=0), so that it sees the whole run
	setup := w.s.Journal().Records()
	for _, t := range o.Taps {
		for i := range setup {
			if !t.Consume && (t.Kind == setup[i].Kind || t.Kind == sim.AllKinds) {
				c := setup[i]
				t.Fn(&c)
			}
		}
	}
	if w.streamsTracking && o.Outputs != 0 && !w.keepsTracking(o.Outputs) {
		// built for the taps, kept for no output
		w.s.Journal().Tap(sim.Tap{Kind: logs.KindTracking, Fn: func(*sim.Record) {}, Consume: true})
	}
	w.journalFor(o.Outputs, o.KeepKinds)
	if err := w.configure(); err != nil {
		return nil, err
	}
	if err := w.schedule(o.Steps); err != nil {
		return nil, err
	}
	for _, scr := range w.scripts(o.Script) {
		if err := w.script(scr); err != nil {
			return nil, err
		}
	}
	if err := w.s.RunUntil(sc.Duration); err != nil {
		return nil, fmt.Errorf("%s: %w", sc.File, err)
	}
	if o.Settle > 0 {
		w.healAll()
		if err := w.s.Run(); err != nil {
			return nil, fmt.Errorf("%s: %w", sc.File, err)
		}
	}
	if stream != nil {
		if err := stream.Close(); err != nil {
			return nil, fmt.Errorf("tracking logs: %w", err)
		}
	}
	res := &Result{
		Scenario: sc, Seed: seed, Hash: w.s.Hash(), Events: w.s.Events(), End: w.s.Now(),
		Journal: w.s.Journal().Records(), Verdict: w.tr.Verdict(), Alerts: w.mon.Alerts(),
	}
	res.Failures = append(w.fail, checkExpect(sc, res)...)
	return res, nil
}

// configure applies the scenario's config cmdlets and EdgeTransport.exe.config
// settings before t=0.
func (w *world) configure() error {
	for _, c := range w.sc.Config {
		if _, err := w.runPipeline(c.Pipeline, ""); err != nil {
			return w.sc.Errorf(c.Pos, "%s: %v", c.Text, err)
		}
	}
	for _, k := range sortedNames(w.sc.EdgeTransportConfig) {
		if err := w.tr.SetEdgeTransportConfig("", k, w.sc.EdgeTransportConfig[k]); err != nil {
			return w.sc.Errorf(w.sc.EdgePos[k], "edgeTransportConfig: %v", err)
		}
	}
	return nil
}

const (
	kindTraffic sim.Kind = 901 + iota
	kindStep
	kindSnapshot
)

// schedule puts traffic, steps, monitors and snapshots on the agenda.
func (w *world) schedule(extra []Step) error {
	if err := w.scheduleTraffic(); err != nil {
		return err
	}
	for _, st := range extra {
		if err := w.checkExtraStep(st); err != nil {
			return err
		}
	}
	steps := append(slices.Clone(w.sc.Steps), extra...)
	slices.SortStableFunc(steps, func(a, b Step) int { return compareDuration(a.At, b.At) })
	for _, st := range steps {
		st := st
		if st.Script != nil {
			continue // a script drives the world from outside the agenda: Run starts it
		}
		if err := w.s.At(st.At, kindStep, func() { w.runStep(st) }); err != nil {
			return w.sc.Errorf(st.Pos, "%v", err)
		}
	}
	if err := w.mon.Start(w.tr); err != nil {
		return err
	}
	return w.scheduleSnapshots()
}

func compareDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scheduleTraffic submits each traffic entry's messages at their instants. Poisson
// streams draw from their own named random stream, so adding one traffic entry never
// moves another's messages.
func (w *world) scheduleTraffic() error {
	for i, tr := range w.sc.Traffic {
		tr := tr
		stream := w.s.Rand(fmt.Sprintf("traffic/%d", i))
		if tr.Poisson() {
			until := tr.Until
			if until == 0 {
				until = w.sc.Duration
			}
			mean := float64(time.Hour) / tr.PerHour
			// Count the arrivals (drawing their gaps, so the stream is where the
			// submissions' draws start), then generate them again from a clone one at
			// a time: one agenda entry per traffic line, in the order and with the
			// hash that scheduling all of them here would give.
			gen := stream.Clone()
			t, n := tr.Start, 0
			for {
				t += time.Duration(stream.ExpFloat64() * mean)
				if t >= until {
					break
				}
				n++
				if n > MaxMessages {
					return w.sc.Errorf(tr.Pos, "traffic submits more than %d messages", MaxMessages)
				}
			}
			if err := w.arrivals(tr, stream, gen, mean, n); err != nil {
				return err
			}
			continue
		}
		count := max(tr.Count, 1)
		for k := 0; k < count; k++ {
			k := k
			if err := w.s.At(tr.At+time.Duration(k)*tr.Every, kindTraffic, func() { w.submit(tr, stream, k+1) }); err != nil {
				return w.sc.Errorf(tr.Pos, "%v", err)
			}
		}
	}
	return nil
}

// arrivals schedules the n Poisson arrivals of tr lazily: the next gap is drawn
// from gen when an arrival fires, with the sequence number reserved for it now.
func (w *world) arrivals(tr Traffic, stream, gen *sim.Stream, mean float64, n int) error {
	if n == 0 {
		return nil
	}
	a := &arrivals{w: w, tr: tr, stream: stream, gen: gen, mean: mean, n: n, base: w.s.Reserve(uint64(n)), t: tr.Start}
	return a.next(1)
}

// arrivals is one Poisson traffic line's generator: one pending event at a time.
type arrivals struct {
	w           *world
	tr          Traffic
	stream, gen *sim.Stream
	mean        float64
	n           int
	base        uint64
	t           time.Duration
}

// next schedules arrival k (1-based).
func (a *arrivals) next(k int) error {
	a.t += time.Duration(a.gen.ExpFloat64() * a.mean)
	return a.w.s.PostSeq(a.t, a.base+uint64(k-1), a, sim.Event{Kind: kindTraffic, N: int64(k)})
}

// Fire submits arrival ev.N and schedules the one after it.
func (a *arrivals) Fire(_ *sim.Sim, ev sim.Event) {
	k := int(ev.N)
	a.w.submit(a.tr, a.stream, k)
	if k < a.n {
		_ = a.next(k + 1) // before until: the count saw it there
	}
}

// submit sends one message of a traffic entry. A wildcard sender "*@domain" becomes a
// numbered sender of that domain; a wildcard recipient picks a mailbox of the domain.
func (w *world) submit(tr Traffic, r *sim.Stream, n int) {
	from := w.pick(tr.From, "sender", r)
	to := w.recipients(len(tr.To))
	for i, rc := range tr.To {
		to[i] = w.pick(rc, "user", r)
	}
	subject := tr.Subject
	if subject == "" {
		subject = w.numberedSubject(n)
	}
	size := DefaultMessageSize
	switch {
	case len(tr.Sizes) > 0: // size: [..], one drawn per message from the entry's stream
		size = int(tr.Sizes[r.IntN(len(tr.Sizes))])
	case tr.Size > 0:
		size = int(tr.Size) // a traffic line's size:
	}
	if _, err := w.tr.Submit(transport.Message{From: from, To: to, Subject: subject, Size: size}); err != nil {
		w.s.Journal().Emit(w.s.Now(), "", "", TrafficError{Err: err.Error()})
	}
}

// recipients is a recipient list of n addresses for one message. The message keeps
// it, so lists are cut from a shared block: one allocation per 1,024 addresses
// instead of one per message (a day of 100,000 messages made 100,000 of them).
func (w *world) recipients(n int) []string {
	if n > len(w.toBlock) {
		w.toBlock = make([]string, max(n, 1024))
	}
	to := w.toBlock[:n:n]
	w.toBlock = w.toBlock[n:]
	return to
}

// numberedSubject is "Message n", the subject of a traffic line without one, made
// in a shared block of bytes as recipients are: "Message " + strconv.Itoa(n) made
// two allocations per message. The block's bytes are never written again once a
// subject holds them.
func (w *world) numberedSubject(n int) string {
	const prefix = "Message "
	if len(w.subjects)+len(prefix)+20 > cap(w.subjects) {
		w.subjects = make([]byte, 0, 16<<10)
	}
	start := len(w.subjects)
	w.subjects = strconv.AppendInt(append(w.subjects, prefix...), int64(n), 10)
	return unsafe.String(&w.subjects[start], len(w.subjects)-start)
}

// pick resolves a wildcard address "*@domain": a mailbox of the domain when the
// organization has one there (an organization's own domain holds only its
// mailboxes), else a numbered address of that outside domain. Other addresses are
// returned as written.
func (w *world) pick(addr, prefix string, r *sim.Stream) string {
	if !strings.HasPrefix(addr, "*@") {
		return addr
	}
	boxes, ok := w.boxes[addr]
	if !ok { // once per wildcard: an organization may have thousands of mailboxes
		suffix := strings.ToLower(addr[1:])
		for _, m := range w.sc.Topology.Mailboxes {
			if strings.HasSuffix(strings.ToLower(m.Address), suffix) {
				boxes = append(boxes, m.Address)
			}
		}
		if w.boxes == nil {
			w.boxes = map[string][]string{}
		}
		w.boxes[addr] = boxes
	}
	if len(boxes) == 0 { // an outside domain: one of 1,000 numbered addresses, each built once
		key := numberedKey{prefix, addr} // not prefix+addr: that was a concatenation per message
		names := w.numbered[key]
		if names == nil {
			if w.numbered == nil {
				w.numbered = map[numberedKey][]string{}
			}
			names = make([]string, 1000)
			w.numbered[key] = names
		}
		i := r.IntN(1000)
		if names[i] == "" {
			names[i] = prefix + strconv.Itoa(i+1) + addr[1:]
		}
		return names[i]
	}
	return boxes[r.IntN(len(boxes))]
}

// healAll ends every fault for the liveness phase: partitions heal, every server
// that is down starts.
func (w *world) healAll() {
	now := w.s.Now()
	w.s.Journal().Emit(now, "", "", LivenessStarted{})
	if len(w.parts) > 0 || len(w.sites.down) > 0 {
		w.parts = nil
		w.sites.down, w.sites.crashed = map[string]bool{}, map[string][]string{} // the servers start below
		w.dag.NetworkChanged()
		w.tr.NetworkChanged()
	}
	for _, c := range w.failed {
		db, server, _ := strings.Cut(c, `\`)
		_ = w.dag.RepairCopy(db, server)
	}
	w.failed = nil
	for _, sv := range w.sc.Topology.Servers {
		if sv.Transport() {
			_ = w.tr.ReleaseResources(sv.Name) // back pressure faults end (a no-op elsewhere)
		}
	}
	for _, h := range w.sc.Topology.ExternalHosts() {
		_ = w.tr.HostUp(h) // smart hosts and MX hosts answer again
	}
	for _, sv := range w.sc.Topology.Servers {
		if !w.mon.Up(sv.Name) {
			w.runFault(Step{At: now, Text: "start " + sv.Name, Fault: startFault(sv.Name)})
		}
	}
}

// snapshot is an expectation checked at an instant during the run.
type snapshot struct {
	at    time.Duration
	check func() string // "" when it holds
}

func (w *world) scheduleSnapshots() error {
	e := w.sc.Expect
	for _, q := range e.Queues {
		q := q
		if err := w.s.At(q.At, kindSnapshot, func() {
			if msg := w.checkQueue(q); msg != "" {
				w.fail = append(w.fail, msg)
			}
		}); err != nil {
			return w.sc.Errorf(q.Pos, "%v", err)
		}
	}
	for _, st := range e.States {
		st := st
		if err := w.s.At(st.At, kindSnapshot, func() {
			got := string(w.comp.Effective(st.Server, st.Component))
			if !strings.EqualFold(got, st.State) {
				w.fail = append(w.fail, fmt.Sprintf("%s: at %s %s's %s is %s, expected %s",
					st.Pos, FormatDuration(st.At), st.Server, st.Component, got, st.State))
			}
		}); err != nil {
			return w.sc.Errorf(st.Pos, "%v", err)
		}
	}
	return nil
}

func (w *world) checkQueue(q QueueExpect) string {
	server, _, _ := strings.Cut(q.Queue, `\`)
	for _, row := range w.tr.GetQueue(server) {
		if !queueMatches(row, q.Queue) {
			continue
		}
		var bad []string
		if q.Status != "" && !strings.EqualFold(row.Status, q.Status) {
			bad = append(bad, fmt.Sprintf("Status is %s, expected %s", row.Status, q.Status))
		}
		if q.MessageCount != nil && !q.MessageCount.Holds(float64(row.MessageCount)) {
			bad = append(bad, fmt.Sprintf("MessageCount is %d, expected %s", row.MessageCount, q.MessageCount))
		}
		if len(bad) == 0 {
			return ""
		}
		return fmt.Sprintf("%s: at %s queue %s: %s", q.Pos, FormatDuration(q.At), q.Queue, strings.Join(bad, "; "))
	}
	if q.MessageCount != nil && q.MessageCount.Holds(0) && q.Status == "" {
		return "" // an absent queue holds no messages
	}
	return fmt.Sprintf("%s: at %s there is no queue %s", q.Pos, FormatDuration(q.At), q.Queue)
}

// checkExpect judges the run against the scenario's expect block.
func checkExpect(sc *Scenario, r *Result) []string {
	e := sc.Expect
	v := r.Verdict
	var fail []string
	count := func(name string, c *Compare, got int) {
		if c != nil && !c.Holds(float64(got)) {
			fail = append(fail, fmt.Sprintf("%s: %d, expected %s%s", name, got, c, explainCount(name, v)))
		}
	}
	count("delivered", e.Delivered, v.Delivered)
	count("lost", e.Lost, v.Lost)
	count("duplicates", e.Duplicates, v.Duplicates)
	count("bounced", e.Bounced, v.Bounced)
	if e.SPOF != nil {
		if e.SPOF.Windows != nil && !e.SPOF.Windows.Holds(float64(len(v.SPOF))) {
			fail = append(fail, fmt.Sprintf("spof.windows: %d, expected %s", len(v.SPOF), e.SPOF.Windows))
		}
		if e.SPOF.MaxExposure != nil {
			for _, win := range v.SPOF {
				if win.To-win.From > *e.SPOF.MaxExposure {
					fail = append(fail, fmt.Sprintf("spof.maxExposure: message #%d sat only on %s for %s (%s to %s), more than %s",
						win.Message, win.Server, FormatDuration(win.To-win.From), FormatDuration(win.From), FormatDuration(win.To), FormatDuration(*e.SPOF.MaxExposure)))
				}
			}
		}
	}
	if e.MaxLatency != nil {
		for _, f := range v.Fates {
			if f.Fate == transport.Delivered && f.Latency > *e.MaxLatency {
				fail = append(fail, fmt.Sprintf("maxLatency: message #%d to %s took %s, more than %s", f.Message, f.Recipient, FormatDuration(f.Latency), FormatDuration(*e.MaxLatency)))
			}
		}
	}
	for _, a := range e.Alerts {
		n := 0
		for _, got := range r.Alerts {
			if strings.EqualFold(got.Monitor, a.Monitor) {
				n++
			}
		}
		if !a.Count.Holds(float64(n)) {
			fail = append(fail, fmt.Sprintf("alerts: %s raised %d, expected %s", a.Monitor, n, a.Count))
		}
	}
	for _, t := range e.Tracking {
		got := trackingSequence(r.Journal, t.Message)
		if !slices.EqualFunc(got, t.Events, strings.EqualFold) {
			fail = append(fail, fmt.Sprintf("tracking: message #%d logged [%s], expected [%s]", t.Message, strings.Join(got, ", "), strings.Join(t.Events, ", ")))
		}
	}
	return fail
}

func explainCount(name string, v transport.Verdict) string {
	var parts []string
	for _, f := range v.Fates {
		if (name == "lost" && f.Fate == transport.Lost) || (name == "delivered" && f.Fate != transport.Delivered) {
			s := fmt.Sprintf("#%d to %s %s", f.Message, f.Recipient, strings.ToLower(string(f.Fate)))
			if f.Reason != "" {
				s += " (" + f.Reason + ")"
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 || len(parts) > 5 {
		return ""
	}
	return ": " + strings.Join(parts, "; ")
}

// FormatDuration prints a simulated instant or span compactly: 1h2m3s, 30s, 1.5s.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	s := d.String()
	s = strings.Replace(s, "m0s", "m", 1)
	s = strings.Replace(s, "h0m", "h", 1)
	return s
}

// Seconds is a float for JSON (message-seconds of exposure).
func roundSeconds(f float64) float64 { return math.Round(f*1000) / 1000 }

// FaultAt returns a step that injects a fault, written in the scenario grammar
// ("crash EX1 lose-queue", "partition Red from Blue"), at instant at. Run checks its
// names against the scenario's topology.
func FaultAt(at time.Duration, line string) (Step, error) {
	f, err := fault.Parse(line)
	if err != nil {
		return Step{}, fmt.Errorf("fault %q: %v", line, err)
	}
	return Step{At: at, Text: line, Fault: &f}, nil
}

// CmdletAt returns a step that runs a cmdlet line at instant at on server on ("" when
// the cmdlet names its server itself).
func CmdletAt(at time.Duration, on, line string) (Step, error) {
	p, err := cmdlet.Parse(line)
	if err != nil {
		return Step{}, fmt.Errorf("cmdlet %q: %v", line, err)
	}
	for _, c := range p {
		if _, ok := cmdlet.Lookup(c.Name); !ok {
			return Step{}, fmt.Errorf("cmdlet %q: unknown cmdlet %s%s", line, c.Name, didYouMean(c.Name, cmdlet.Names()))
		}
	}
	return Step{At: at, On: on, Text: line, Run: p}, nil
}

// checkExtraStep checks the names an extra step uses, as Load checks the scenario's.
func (w *world) checkExtraStep(st Step) error {
	known := func(n string) error {
		if _, ok := w.spec[n]; ok {
			return nil
		}
		return fmt.Errorf("step %q at %s: unknown server %q%s", st.Text, FormatDuration(st.At), n, didYouMean(n, sortedNames(w.spec)))
	}
	if st.At < 0 || st.At > w.sc.Duration {
		return fmt.Errorf("step %q at %s: outside the scenario's duration (%s)", st.Text, FormatDuration(st.At), FormatDuration(w.sc.Duration))
	}
	if st.On != "" {
		if err := known(st.On); err != nil {
			return err
		}
	}
	if f := st.Fault; f != nil && f.Server != "" {
		return known(f.Server)
	}
	return nil
}
