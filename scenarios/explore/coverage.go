package explore

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/sim"
)

// mechanism is one thing the models can do that a sweep should exercise, recognised
// in a run's journal by its kind and, where one kind covers several mechanisms, by
// the words of its narration (the journal has no finer code for them).
type mechanism struct {
	name string
	kind string
	text string // "" = every record of the kind
}

// mechanisms are counted in this order in every coverage table.
var mechanisms = []mechanism{
	{"fault steps (the plan's and injected)", "fault", ""},
	{"queue databases lost", "transport.crash", "is lost"},
	{"queues in Retry", "transport.queue", "goes to Retry"},
	{"delayed acks", "transport.delayedack", ""},
	{"delayed acks skipped (DelayedAckSkipping)", "transport.ack", "DelayedAckSkipping"},
	{"acks after MaxAcknowledgementDelay ran out", "transport.ack", "ran out"},
	{"shadows made before the ack (2013+)", "transport.shadow", "before acknowledging"},
	{"shadows made with XSHADOW (2010)", "transport.shadow", "with XSHADOW"},
	{"shadows that could not be made", "transport.shadow", "could not make a shadow"},
	{"shadows made again after a loss", "transport.shadow", "makes a new one"},
	{"shadow heartbeats failed", "transport.heartbeat", ""},
	{"shadow takeovers (resubmits)", "transport.shadow", "takes ownership"},
	{"Shadow Redundancy Promotion", "transport.promotion", ""},
	{"Safety Net resubmits (2013+)", "transport.resubmit", "Safety Net"},
	{"transport dumpster redeliveries (2010)", "transport.resubmit", "transport dumpster"},
	{"Redirect-Message hand-overs", "transport.redirect", ""},
	{"SPOF windows opened", "transport.spof", ""},
	{"duplicates", "transport.duplicate", ""},
	{"messages lost", "transport.lost", ""},
	{"delay DSNs", "transport.dsn", ""},
	{"NDRs (expired)", "transport.ndr", ""},
	{"switchovers", "dag.activate", "(a switchover)"},
	{"failovers", "dag.activate", "(a failover)"},
	{"lossy failovers", "transport.lossy", ""},
	{"database copy failures", "dag.fault", "failed"},
	{"quorum changes", "dag.quorum", ""},
	{"maintenance script stages", "dag.maintenance", ""},
	{"cmdlet errors", "step.error", ""},
	{"liveness phases", "liveness", ""},
}

// Coverage counts how often each mechanism fired, over one run or a whole sweep.
type Coverage struct {
	Counts []int // in mechanism order
	Runs   int   // runs counted
	// RunsWith counts, per mechanism, the runs in which it fired at least once.
	RunsWith []int
}

func newCoverage() Coverage {
	return Coverage{Counts: make([]int, len(mechanisms)), RunsWith: make([]int, len(mechanisms))}
}

// CoverageOf counts the mechanisms of one run's journal.
func CoverageOf(journal []sim.Record) Coverage {
	c := newCoverage()
	c.Runs = 1
	for _, r := range journal {
		for i, m := range mechanisms {
			if r.Kind != m.kind || (m.text != "" && !strings.Contains(r.Text, m.text)) {
				continue
			}
			c.Counts[i]++
		}
	}
	for i, n := range c.Counts {
		if n > 0 {
			c.RunsWith[i] = 1
		}
	}
	return c
}

// Add folds o into c.
func (c *Coverage) Add(o Coverage) {
	if c.Counts == nil {
		*c = newCoverage()
	}
	for i := range c.Counts {
		if i < len(o.Counts) {
			c.Counts[i] += o.Counts[i]
			c.RunsWith[i] += o.RunsWith[i]
		}
	}
	c.Runs += o.Runs
}

// Table prints the counters, one mechanism a line, with the runs that exercised it;
// a mechanism that never fired says so, so a user sees what the sweep did not test.
func (c Coverage) Table() string {
	var b strings.Builder
	w := 0
	for _, m := range mechanisms {
		w = max(w, len(m.name))
	}
	fmt.Fprintf(&b, "Coverage over %d run(s):\n", c.Runs)
	for i, m := range mechanisms {
		if i >= len(c.Counts) {
			break
		}
		if c.Counts[i] == 0 {
			fmt.Fprintf(&b, "  %-*s  %8s  never\n", w, m.name, "0")
			continue
		}
		fmt.Fprintf(&b, "  %-*s  %8d  in %d run(s)\n", w, m.name, c.Counts[i], c.RunsWith[i])
	}
	return b.String()
}
