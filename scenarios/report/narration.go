package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
)

// Options shape the narrated report.
type Options struct {
	Quiet   bool   // only the verdict
	Command string // the command that reproduces the run, printed last
}

// Write writes what `exsim run` prints: the description, the narrated
// timeline with the output of Get- steps, the verdict, and the run's hash with the
// command that reproduces it.
func Write(w io.Writer, r *scenarios.Result, o Options) error {
	b := &strings.Builder{}
	sc := r.Scenario
	fmt.Fprintf(b, "exsim %s (seed %d)\n", sc.Name, r.Seed)
	if !o.Quiet {
		for _, l := range wrap(sc.Description, 88) {
			fmt.Fprintf(b, "  %s\n", l)
		}
		fmt.Fprintf(b, "\nTimeline (%s UTC, %s simulated)\n", sc.Start.UTC().Format("2006-01-02"), scenarios.FormatDuration(r.End))
		writeNarration(b, r)
	}
	b.WriteString("\n")
	writeVerdict(b, r)
	fmt.Fprintf(b, "\nRun hash %016x over %d events.\n", r.Hash, r.Events)
	if o.Command != "" {
		fmt.Fprintf(b, "Reproduce: %s\n", o.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNarration prints one line per narrated journal record, simulated clock
// first, and the output of Get- steps indented beneath their step.
func writeNarration(b *strings.Builder, r *scenarios.Result) {
	for _, rec := range r.Journal {
		if out, ok := rec.Data.(scenarios.Output); ok {
			for _, l := range strings.Split(strings.TrimRight(out.Text, "\n"), "\n") {
				fmt.Fprintf(b, "%s      %s\n", strings.Repeat(" ", 12), l)
			}
			continue
		}
		line := rec.Line()
		if line == "" {
			continue
		}
		lines := strings.Split(line, "\n")
		fmt.Fprintf(b, "%s  %s\n", r.Clock(rec.At), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "%s  %s\n", strings.Repeat(" ", 12), l)
		}
	}
}

func writeVerdict(b *strings.Builder, r *scenarios.Result) {
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
			fmt.Fprintf(b, "  #%d only on %s from %s to %s (%s)\n", win.Message, win.Server, r.Clock(win.From), r.Clock(win.To), scenarios.FormatDuration(win.To-win.From))
		}
	}
	writeLossyActivations(b, r)
	if len(r.Alerts) > 0 {
		fmt.Fprintf(b, "Alerts: %d\n", len(r.Alerts))
		for _, a := range r.Alerts {
			fmt.Fprintf(b, "  %s %s on %s: %s\n", r.Clock(a.At), a.Monitor, a.Server, a.Name)
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
