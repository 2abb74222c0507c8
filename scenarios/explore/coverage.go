package explore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// mechanism is one thing the models can do that a sweep should exercise, recognised
// in a run's journal by the type and fields of a record's payload.
type mechanism struct {
	name  string
	kind  string                 // the records' kind, checked first (cheap)
	match func(sim.Payload) bool // nil = every record of the kind
}

// is matches payloads of type T.
func is[T sim.Payload](p sim.Payload) bool {
	_, ok := p.(T)
	return ok
}

// mechanisms are counted in this order in every coverage table.
var mechanisms = []mechanism{
	{"fault steps (the plan's and injected)", "fault", nil},
	{"queue databases lost", "transport.crash", func(p sim.Payload) bool {
		e, ok := p.(transport.Crashed)
		return ok && e.QueueLost
	}},
	{"queues in Retry", "transport.queue", func(p sim.Payload) bool {
		e, ok := p.(transport.QueueEvent)
		return ok && e.Op == transport.QueueToRetry
	}},
	{"delayed acks", "transport.delayedack", nil},
	{"delayed acks skipped (DelayedAckSkipping)", "transport.ack", func(p sim.Payload) bool {
		e, ok := p.(transport.Acknowledged)
		return ok && (e.Why == transport.AckSkipped || e.Why == transport.AckSkippedDeferred)
	}},
	{"acks after MaxAcknowledgementDelay ran out", "transport.ack", func(p sim.Payload) bool {
		e, ok := p.(transport.Acknowledged)
		return ok && (e.Why == transport.AckDelayExpired || e.Why == transport.AckPromotedOnTimeout)
	}},
	{"shadows made before the ack (2013+)", "transport.shadow", func(p sim.Payload) bool {
		e, ok := p.(transport.ShadowMade)
		return ok && !e.XShadow
	}},
	{"shadows made with XSHADOW (2010)", "transport.shadow", func(p sim.Payload) bool {
		e, ok := p.(transport.ShadowMade)
		return ok && e.XShadow
	}},
	{"shadows that could not be made", "transport.shadow", is[transport.ShadowFailed]},
	{"shadows made again after a loss", "transport.shadow", is[transport.ShadowRemade]},
	{"shadow heartbeats failed", "transport.heartbeat", nil},
	{"shadow takeovers (resubmits)", "transport.shadow", is[transport.ShadowTakeover]},
	{"Shadow Redundancy Promotion", "transport.promotion", nil},
	{"Safety Net resubmits (2013+)", "transport.resubmit", func(p sim.Payload) bool {
		e, ok := p.(transport.Resubmitted)
		return ok && !e.Dumpster
	}},
	{"transport dumpster redeliveries (2010)", "transport.resubmit", func(p sim.Payload) bool {
		e, ok := p.(transport.Resubmitted)
		return ok && e.Dumpster
	}},
	{"Redirect-Message hand-overs", "transport.redirect", nil},
	{"relays through a hub site", "transport.route", is[transport.HubSiteRelay]},
	{"queue at point of failure back-offs", "transport.route", is[transport.SiteBackOff]},
	{"SPOF windows opened", "transport.spof", nil},
	{"duplicates", "transport.duplicate", nil},
	{"messages lost", "transport.lost", nil},
	{"delay DSNs", "transport.dsn", nil},
	{"NDRs (expired)", "transport.ndr", nil},
	{"switchovers", "dag.activate", func(p sim.Payload) bool {
		e, ok := p.(dag.Activation)
		return ok && e.Action == dag.ActionSwitchover
	}},
	{"failovers", "dag.activate", func(p sim.Payload) bool {
		e, ok := p.(dag.Activation)
		return ok && e.Action == dag.ActionFailover
	}},
	{"lossy failovers", "transport.lossy", nil},
	{"database copy failures", "dag.fault", is[dag.CopyFailed]},
	{"quorum changes", "dag.quorum", nil},
	{"maintenance script stages", "dag.maintenance", nil},
	{"cmdlet errors", "step.error", nil},
	{"liveness phases", "liveness", nil},
	{"back pressure level changes", "transport.pressure", is[transport.PressureChanged]},
	{"senders refused by back pressure", "transport.session", func(p sim.Payload) bool {
		e, ok := p.(transport.MailFromRefused)
		return ok && strings.HasPrefix(e.Reply, "452 4.3.1")
	}},
	{"smart host / MX failovers", "transport.failover", nil},
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
			if r.Kind != m.kind || (m.match != nil && !m.match(r.Data)) {
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

// coverageKinds are the journal kinds the counters read: a sweep's runs keep only
// these (and what the properties read), so a run builds almost no records.
func coverageKinds() []string {
	var out []string
	for _, m := range mechanisms {
		if !slices.Contains(out, m.kind) {
			out = append(out, m.kind)
		}
	}
	return out
}
