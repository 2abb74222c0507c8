package report

import (
	"strings"

	"github.com/exsim/exsim/scenarios"
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
// routine lines about other messages are left out. The page's pass made those
// choices (hRecorder.add): every narrated record it kept is a line, up to a hard
// bound of 3*maxNarration whatever the run.
func (b *hbuild) narration() ([]hLine, int) {
	var out []hLine
	omitted := b.rec.omitted
	for i := range b.kept {
		rec := &b.kept[i]
		if !narratedLine(rec) {
			continue
		}
		if len(out) >= 3*maxNarration { // a hard bound, whatever the run
			omitted++
			continue
		}
		out1, isOut := rec.Data.(scenarios.Output)
		if isOut && len(out) > 0 && out[len(out)-1].T == ms(rec.At) && out[len(out)-1].Out == "" {
			out[len(out)-1].Out = strings.TrimRight(out1.Text, "\n") // beneath its step
			continue
		}
		l := hLine{Seq: rec.Seq, T: ms(rec.At), Clock: b.r.Clock(rec.At), Server: rec.Server, Msg: transport.MessageOf(rec.Data),
			Class: strings.ReplaceAll(rec.Kind, ".", "-"), Level: storyLevel(*rec), Text: rec.Line()} // as the narration prints it
		if isOut {
			l.Text = rec.Text()
			l.Out = strings.TrimRight(out1.Text, "\n")
		}
		out = append(out, l)
	}
	return out, omitted
}
