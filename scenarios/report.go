package scenarios

import (
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
)

// Clock renders a simulated instant as the wall-clock time of the run, as the
// narration prints it (15:04:05.000).
func (r *Result) Clock(t time.Duration) string {
	return r.Scenario.Start.Add(t).UTC().Format("15:04:05.000")
}

// trackingSequence is message n's tracking events on every server, "SERVER EVENTID",
// in time order (same instant: logging order).
func trackingSequence(records []sim.Record, n int) []string {
	var out []string
	for _, rec := range records {
		if e, ok := rec.Data.(logs.TrackingEvent); ok && e.Message == n {
			out = append(out, e.Server+" "+string(e.EventID))
		}
	}
	return out
}
