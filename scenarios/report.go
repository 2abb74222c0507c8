package scenarios

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

// ReportOptions shape the narrated report.
type ReportOptions struct {
	Quiet   bool   // only the verdict
	Command string // the command that reproduces the run, printed last
}

// clock renders a simulated instant as the wall-clock time of the run.
func (r *Result) clock(t time.Duration) string {
	return r.Scenario.Start.Add(t).UTC().Format("15:04:05.000")
}

// WriteReport writes what `exsim run` prints: the description, the narrated
// timeline with the output of Get- steps, the verdict, and the run's hash with the
// command that reproduces it.
func (r *Result) WriteReport(w io.Writer, o ReportOptions) error {
	b := &strings.Builder{}
	sc := r.Scenario
	fmt.Fprintf(b, "exsim %s (seed %d)\n", sc.Name, r.Seed)
	if !o.Quiet {
		for _, l := range wrap(sc.Description, 88) {
			fmt.Fprintf(b, "  %s\n", l)
		}
		fmt.Fprintf(b, "\nTimeline (%s UTC, %s simulated)\n", sc.Start.UTC().Format("2006-01-02"), fmtDur(r.End))
		r.writeNarration(b)
	}
	b.WriteString("\n")
	r.writeVerdict(b)
	fmt.Fprintf(b, "\nRun hash %016x over %d events.\n", r.Hash, r.Events)
	if o.Command != "" {
		fmt.Fprintf(b, "Reproduce: %s\n", o.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNarration prints one line per narrated journal record, simulated clock
// first, and the output of Get- steps indented beneath their step.
func (r *Result) writeNarration(b *strings.Builder) {
	for _, rec := range r.Journal {
		if out, ok := rec.Data.(Output); ok {
			for _, l := range strings.Split(strings.TrimRight(out.Text, "\n"), "\n") {
				fmt.Fprintf(b, "%s      %s\n", strings.Repeat(" ", 12), l)
			}
			continue
		}
		if rec.Text == "" {
			continue
		}
		where := ""
		if rec.Server != "" && !strings.Contains(rec.Text, rec.Server) {
			where = "[" + rec.Server + "] "
		}
		lines := strings.Split(rec.Text, "\n")
		fmt.Fprintf(b, "%s  %s%s\n", r.clock(rec.At), where, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "%s  %s\n", strings.Repeat(" ", 12), l)
		}
	}
}

func (r *Result) writeVerdict(b *strings.Builder) {
	v := r.Verdict
	total := len(v.Fates)
	fmt.Fprintf(b, "Verdict: %d message-recipients: %d delivered, %d bounced, %d lost, %d stuck; %d duplicates seen by recipients",
		total, v.Delivered, v.Bounced, v.Lost, v.Stuck, v.Duplicates)
	if v.DuplicatesDetected > 0 {
		fmt.Fprintf(b, " (%d more caught by mailbox duplicate detection)", v.DuplicatesDetected)
	}
	b.WriteString(".\n")
	if v.DSNs > 0 {
		fmt.Fprintf(b, "  Exchange generated %d DSNs (delay notifications and NDRs), not counted above.\n", v.DSNs)
	}
	shown := map[transport.FateKind]int{}
	for _, f := range v.Fates {
		if f.Fate != transport.Delivered {
			shown[f.Fate]++
			if shown[f.Fate] == maxListed+1 {
				fmt.Fprintf(b, "  ... more %s messages (see --json)\n", strings.ToLower(string(f.Fate)))
			}
			if shown[f.Fate] > maxListed {
				continue
			}
		}
		switch f.Fate {
		case transport.Lost:
			fmt.Fprintf(b, "  LOST  #%d to %s: the last copy was destroyed on %s by %s.\n", f.Message, f.Recipient, f.Server, f.Reason)
		case transport.Stuck:
			fmt.Fprintf(b, "  STUCK #%d to %s: still on %s (%s).\n", f.Message, f.Recipient, f.Server, f.Reason)
		case transport.Bounced:
			fmt.Fprintf(b, "  NDR   #%d to %s: %s.\n", f.Message, f.Recipient, f.Reason)
		}
		if f.DuplicatesDelivered > 0 {
			fmt.Fprintf(b, "  DUP   #%d to %s arrived %d extra time(s).\n", f.Message, f.Recipient, f.DuplicatesDelivered)
		}
	}
	if len(v.SPOF) == 0 {
		b.WriteString("Single points of failure: none (every acknowledged message always had a second copy).\n")
	} else {
		fmt.Fprintf(b, "Single points of failure: %d windows, %.0f message-seconds of exposure, at most %d messages exposed at once, most on %s.\n",
			len(v.SPOF), v.ExposureSeconds, v.PeakExposed, v.MostExposedServer)
		for i, win := range v.SPOF {
			if i == 20 {
				fmt.Fprintf(b, "  ... %d more windows (see --json)\n", len(v.SPOF)-i)
				break
			}
			fmt.Fprintf(b, "  #%d only on %s from %s to %s (%s)\n", win.Message, win.Server, r.clock(win.From), r.clock(win.To), fmtDur(win.To-win.From))
		}
	}
	if len(r.Alerts) > 0 {
		fmt.Fprintf(b, "Alerts: %d\n", len(r.Alerts))
		for _, a := range r.Alerts {
			fmt.Fprintf(b, "  %s %s on %s: %s\n", r.clock(a.At), a.Monitor, a.Server, a.Name)
		}
	}
	if r.Passed() {
		b.WriteString("Expectations: all held.\n")
		return
	}
	b.WriteString("Expectations FAILED:\n")
	for _, f := range r.Failures {
		fmt.Fprintf(b, "  - %s\n", f)
	}
}

// maxListed bounds the lost, stuck and bounced messages the report lists one by one.
const maxListed = 10

func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// trackingSequence is message n's tracking events on every server, "SERVER EVENTID",
// in time order (same instant: logging order).
func trackingSequence(records []sim.Record, n int) []string {
	subject := "#" + strconv.Itoa(n)
	var out []string
	for _, rec := range records {
		if rec.Kind != logs.KindTracking || rec.Subject != subject {
			continue
		}
		if e, ok := rec.Data.(logs.TrackingEvent); ok {
			out = append(out, e.Server+" "+string(e.EventID))
		}
	}
	return out
}

// JSONResult is the stable, documented shape of `exsim run --json`. Fields are only
// ever added; times are RFC 3339 wall-clock times of the simulated run, spans are
// seconds.
type JSONResult struct {
	Scenario     string       `json:"scenario"`
	Seed         uint64       `json:"seed"`
	Hash         string       `json:"hash"`
	Events       uint64       `json:"events"`
	Passed       bool         `json:"passed"`
	Failures     []string     `json:"failures"`
	Counts       JSONCounts   `json:"counts"`
	Messages     []JSONFate   `json:"messages"`
	SPOF         JSONSPOF     `json:"spof"`
	Alerts       []Alert      `json:"alerts"`
	Outputs      []JSONOutput `json:"outputs"`
	LatencyMaxS  float64      `json:"maxLatencySeconds"`
	LatencyMeanS float64      `json:"meanLatencySeconds"`
}

// JSONCounts are the verdict's counts, over message-recipients.
type JSONCounts struct {
	Delivered          int `json:"delivered"`
	Bounced            int `json:"bounced"`
	Lost               int `json:"lost"`
	Stuck              int `json:"stuck"`
	Duplicates         int `json:"duplicates"`
	DuplicatesDetected int `json:"duplicatesDetected"`
	DSNs               int `json:"dsns"`
}

// JSONFate is the end of one message-recipient.
type JSONFate struct {
	Message   int     `json:"message"`
	Recipient string  `json:"recipient"`
	Fate      string  `json:"fate"`
	LatencyS  float64 `json:"latencySeconds"`
	Reason    string  `json:"reason,omitempty"`
	Server    string  `json:"server,omitempty"`
}

// JSONSPOF summarizes the single-point-of-failure windows.
type JSONSPOF struct {
	Windows           []JSONWindow `json:"windows"`
	ExposureSeconds   float64      `json:"exposureSeconds"`
	PeakExposed       int          `json:"peakExposed"`
	MostExposedServer string       `json:"mostExposedServer,omitempty"`
}

// JSONWindow is one interval in which a message had copies on one server only.
type JSONWindow struct {
	Message   int     `json:"message"`
	Server    string  `json:"server"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	DurationS float64 `json:"seconds"`
}

// JSONOutput is what a Get- step printed.
type JSONOutput struct {
	Time string `json:"time"`
	Step string `json:"step"`
	Text string `json:"text"`
}

// JSON builds the stable JSON shape of the result.
func (r *Result) JSON() JSONResult {
	v := r.Verdict
	wall := func(t time.Duration) string { return r.Scenario.Start.Add(t).UTC().Format("2006-01-02T15:04:05.000Z") }
	j := JSONResult{
		Scenario: r.Scenario.Name, Seed: r.Seed, Hash: fmt.Sprintf("%016x", r.Hash), Events: r.Events,
		Passed: r.Passed(), Failures: append([]string{}, r.Failures...),
		Counts: JSONCounts{v.Delivered, v.Bounced, v.Lost, v.Stuck, v.Duplicates, v.DuplicatesDetected, v.DSNs},
		SPOF: JSONSPOF{Windows: []JSONWindow{}, ExposureSeconds: roundSeconds(v.ExposureSeconds),
			PeakExposed: v.PeakExposed, MostExposedServer: v.MostExposedServer},
		Alerts: append([]Alert{}, r.Alerts...), Messages: []JSONFate{}, Outputs: []JSONOutput{},
	}
	var sum float64
	n := 0
	for _, f := range v.Fates {
		lat := roundSeconds(f.Latency.Seconds())
		j.Messages = append(j.Messages, JSONFate{f.Message, f.Recipient, string(f.Fate), lat, f.Reason, f.Server})
		if f.Fate == transport.Delivered {
			sum += f.Latency.Seconds()
			n++
			j.LatencyMaxS = max(j.LatencyMaxS, lat)
		}
	}
	if n > 0 {
		j.LatencyMeanS = roundSeconds(sum / float64(n))
	}
	for _, win := range v.SPOF {
		j.SPOF.Windows = append(j.SPOF.Windows, JSONWindow{win.Message, win.Server, wall(win.From), wall(win.To), roundSeconds((win.To - win.From).Seconds())})
	}
	for _, rec := range r.Journal {
		if out, ok := rec.Data.(Output); ok {
			j.Outputs = append(j.Outputs, JSONOutput{wall(out.At), out.Step, out.Text})
		}
	}
	return j
}

// WriteJSON writes the result as indented JSON (see JSONResult).
func (r *Result) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r.JSON())
}

func (r *Result) versionOf(server string) string {
	for _, sv := range r.Scenario.Topology.Servers {
		if sv.Name == server {
			return versionOf(sv.Version)
		}
	}
	return "Exchange2016"
}

// TrackingLogs returns each server's message tracking log files as Exchange writes
// them (MessageTracking\MSGTRK<yyyymmdd>-1.LOG).
func (r *Result) TrackingLogs() ([]logs.File, error) {
	tracking, _ := logs.FromJournal(r.Journal)
	return logs.TrackingFiles(r.versionOf, r.Scenario.Start, tracking)
}

// ProtocolLogs returns each server's SMTP Send and Receive protocol log files.
func (r *Result) ProtocolLogs() ([]logs.File, error) {
	_, protocol := logs.FromJournal(r.Journal)
	return logs.ProtocolFiles(r.versionOf, r.Scenario.Start, protocol)
}

// WriteTrackingLogs writes the tracking logs under dir, one folder per server.
func (r *Result) WriteTrackingLogs(dir string) error { return writeFiles(dir, r.TrackingLogs) }

// WriteProtocolLogs writes the protocol logs under dir, one folder per server.
func (r *Result) WriteProtocolLogs(dir string) error { return writeFiles(dir, r.ProtocolLogs) }

func writeFiles(dir string, files func() ([]logs.File, error)) error {
	fs, err := files()
	if err != nil {
		return err
	}
	for _, f := range fs {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
