package report

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
)

// writeLossyActivations adds to the verdict what each lossy activation lost (the
// logs the new active copy never got, and their window) and what Safety Net (or the
// 2010 dumpster) then redelivered into that database: the question a datacenter
// switchover rehearsal asks. It reads the journal's payloads only.
func writeLossyActivations(b *strings.Builder, r *scenarios.Result) {
	dbOf := map[string]string{}
	for _, m := range r.Scenario.Topology.Mailboxes {
		dbOf[strings.ToLower(m.Address)] = m.Database
	}
	type lossy struct {
		act  dag.Activation
		at   string
		redo []string
	}
	var ls []*lossy
	open := map[string]*lossy{} // database -> its latest lossy activation
	for _, rec := range r.Journal {
		switch e := rec.Data.(type) {
		case dag.Activation:
			if e.Lossy() {
				l := &lossy{act: e, at: r.Clock(rec.At)}
				ls = append(ls, l)
				open[e.Database] = l
			}
		case transport.Resubmitted:
			if l := open[dbOf[strings.ToLower(e.Recipient)]]; l != nil {
				from := "Safety Net"
				if e.Dumpster {
					from = "the transport dumpster"
				}
				l.redo = append(l.redo, fmt.Sprintf("#%d to %s from %s on %s at %s", e.Message, e.Recipient, from, e.Server, r.Clock(rec.At)))
			}
		}
	}
	if len(ls) == 0 {
		return
	}
	fmt.Fprintf(b, "Lossy activations: %d.\n", len(ls))
	for _, l := range ls {
		a := l.act
		fmt.Fprintf(b, "  %s on %s at %s: %d log(s) written on %s from %s to %s never reached it;", a.Database, a.To, l.at, a.LostLogs, a.From,
			a.LostFromWall.UTC().Format("15:04:05.000"), a.LostToWall.UTC().Format("15:04:05.000"))
		if len(l.redo) == 0 {
			b.WriteString(" nothing was redelivered.\n")
			continue
		}
		fmt.Fprintf(b, " redelivered: %s.\n", strings.Join(l.redo, "; "))
	}
}
