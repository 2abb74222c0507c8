package report

import (
	"strings"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// routineKinds are narrated records of everyday traffic; a large run keeps those of
// the messages whose paths are drawn and a sample of the rest.
var routineKinds = map[string]bool{
	"transport.submit": true, "transport.ack": true, "transport.delayedack": true, "transport.spof": true,
	"transport.shadow": true, "transport.deliver": true, "transport.session": true, "transport.sender": true,
	"transport.promotion": true, "transport.dsn": true, "transport.heartbeat": true, "transport.queue": true,
	"transport.route": true, "monitor.probe": true,
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
	has := make([]bool, len(b.r.Journal)) // narrating a record formats it: once is enough
	for i, rec := range b.r.Journal {
		if has[i] = narrated(rec); !has[i] {
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
	for i, rec := range b.r.Journal {
		if !has[i] {
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
			Class: strings.ReplaceAll(rec.Kind, ".", "-"), Level: storyLevel(rec), Text: rec.Line()} // as the narration prints it
		if isOut {
			l.Text = rec.Text()
		}
		if isOut {
			l.Out = strings.TrimRight(out1.Text, "\n")
		}
		out = append(out, l)
	}
	return out, omitted
}
