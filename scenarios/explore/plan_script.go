package explore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
)

// PlanScript writes the admin steps of sc as the .ps1 an admin would run: the
// cmdlets in their order, a Start-Sleep for each gap between their instants, and the
// scenario's faults and script steps as comments (the world does those). The script
// is meant to start at the first step's instant on the server the service steps
// name (exsim run FILE --script PLAN.ps1 --on SERVER --at T); a service step on
// another server says so in a comment, since one shell restarts services only
// where it runs.
func PlanScript(sc *scenarios.Scenario, header string) (script string, on string, at time.Duration) {
	steps := slices.Clone(sc.Steps)
	slices.SortStableFunc(steps, func(a, b scenarios.Step) int { return int(a.At - b.At) })
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(header), "\n") {
		b.WriteString("# " + l + "\n")
	}
	first := true
	var prev time.Duration
	for _, st := range steps {
		if st.Run == nil && st.Script == nil {
			continue
		}
		if first {
			at, prev, first = st.At, st.At, false
		}
		if st.On != "" && on == "" {
			on = st.On
		}
	}
	fmt.Fprintf(&b, "# Run it on %s from %s (in exsim: against the scenario without its own steps,\n# exsim run SCENARIO --script THIS.ps1 --on %s --at %s).\n", orDash(on), dur(at), orDash(on), dur(at))
	for _, st := range steps {
		switch {
		case st.Fault != nil:
			fmt.Fprintf(&b, "# at %s the world: %s\n", dur(st.At), st.Text)
			continue
		case st.Script != nil:
			fmt.Fprintf(&b, "# at %s the script %s runs (not inlined)\n", dur(st.At), st.Script.Path)
			continue
		}
		if gap := st.At - prev; gap > 0 && !first {
			fmt.Fprintf(&b, "Start-Sleep -Seconds %d\n", int(gap.Round(time.Second)/time.Second))
		}
		prev = st.At
		if st.On != "" && !strings.EqualFold(st.On, on) {
			fmt.Fprintf(&b, "# on %s:\n", st.On)
		}
		b.WriteString(st.Text + "\n")
	}
	return b.String(), on, at
}

func orDash(s string) string {
	if s == "" {
		return "SERVER"
	}
	return s
}
