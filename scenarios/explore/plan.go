package explore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
)

// PlanStep is one slot of a varied plan. The admin (run) steps of a scenario, in
// file order, are its slots; a varied plan puts in each slot one of those steps
// (Step, its index in Scenario.Steps) at an instant (At). Slot k of the written
// plan holds the k-th admin step at its own instant. The fault steps of the
// scenario are not slots: they keep their instants.
type PlanStep struct {
	Step int
	At   time.Duration
}

// planStream separates the plan's random stream from the faults' one, so a
// variant's faults are the same with and without plan variation.
const planStream = 0x706c616e // "plan"

// adminSteps are the indices in sc.Steps of the run steps, in file order.
func adminSteps(sc *scenarios.Scenario) []int {
	var out []int
	for i, st := range sc.Steps {
		if st.Fault == nil {
			out = append(out, i)
		}
	}
	return out
}

// DrawPlan draws variant i's plan from (seed, i) alone: with permute, the admin
// steps in a Fisher-Yates shuffle (the steps exchange their instants: slot k keeps
// the written instant of its step); each slot then delayed by a multiple of gran up
// to maxDelay (clamped to the scenario's duration). It returns nil, the written
// plan, when neither varies.
func DrawPlan(sc *scenarios.Scenario, permute bool, maxDelay, gran time.Duration, seed uint64, i int) []PlanStep {
	admin := adminSteps(sc)
	if len(admin) == 0 || (!permute && maxDelay < gran) || gran <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed^planStream, uint64(i)))
	plan := make([]PlanStep, len(admin))
	for k, j := range admin {
		plan[k] = PlanStep{Step: j, At: sc.Steps[j].At}
	}
	if permute {
		for k := range plan {
			j := k + rng.IntN(len(plan)-k)
			plan[k].Step, plan[j].Step = plan[j].Step, plan[k].Step
		}
	}
	if slots := int(maxDelay / gran); slots > 0 {
		for k := range plan {
			plan[k].At = min(plan[k].At+time.Duration(rng.IntN(slots+1))*gran, sc.Duration)
		}
	}
	return plan
}

// ApplyPlan returns a copy of sc whose admin steps follow plan (nil: sc itself):
// slot k's step at slot k's instant, in slot order among the steps of one instant.
// A plan that does not fit sc is an error.
func ApplyPlan(sc *scenarios.Scenario, plan []PlanStep) (*scenarios.Scenario, error) {
	if plan == nil {
		return sc, nil
	}
	admin := adminSteps(sc)
	if len(plan) != len(admin) {
		return nil, fmt.Errorf("explore: a plan of %d step(s) for a scenario with %d run step(s)", len(plan), len(admin))
	}
	used := make([]bool, len(sc.Steps))
	for _, p := range plan {
		if p.Step < 0 || p.Step >= len(sc.Steps) || sc.Steps[p.Step].Fault != nil || used[p.Step] {
			return nil, fmt.Errorf("explore: plan step %d is not a run step of the scenario, or is used twice", p.Step)
		}
		if p.At < 0 || p.At > sc.Duration {
			return nil, fmt.Errorf("explore: plan step at %s is outside the scenario's duration %s", dur(p.At), dur(sc.Duration))
		}
		used[p.Step] = true
	}
	out := *sc
	out.Steps = slices.Clone(sc.Steps)
	for k, j := range admin {
		st := sc.Steps[plan[k].Step]
		st.At = plan[k].At
		out.Steps[j] = st
	}
	slices.SortStableFunc(out.Steps, func(a, b scenarios.Step) int { return compareAt(a.At, b.At) })
	return &out, nil
}

func compareAt(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Move is a step a varied plan moved: to another slot (another place in the
// plan's order) or another instant.
type Move struct {
	Step       int    // index in Scenario.Steps
	Text       string // the step, "on S: " first when it names its server
	From, To   time.Duration
	Slot, Home int // its slot in the varied plan and in the written one (0-based)
}

func (m Move) String() string {
	s := fmt.Sprintf("%q %s->%s", m.Text, dur(m.From), dur(m.To))
	if m.Slot != m.Home {
		s += fmt.Sprintf(" (step %d->%d of the plan)", m.Home+1, m.Slot+1)
	}
	return s
}

// Short writes the move as "#N FROM->TO", N counting the run steps of the
// written plan from 1: a sweep's report line lists many.
func (m Move) Short() string {
	s := fmt.Sprintf("#%d %s->%s", m.Home+1, dur(m.From), dur(m.To))
	if m.Slot != m.Home && m.From == m.To {
		s += fmt.Sprintf(" as #%d", m.Slot+1)
	}
	return s
}

// Moves are the steps plan moves away from sc's written plan, in slot order.
func Moves(sc *scenarios.Scenario, plan []PlanStep) []Move {
	if plan == nil {
		return nil
	}
	admin := adminSteps(sc)
	var out []Move
	for k, p := range plan {
		if k < len(admin) && p.Step == admin[k] && p.At == sc.Steps[p.Step].At {
			continue
		}
		if p.Step < 0 || p.Step >= len(sc.Steps) {
			continue
		}
		st := sc.Steps[p.Step]
		text := st.Text
		if st.On != "" {
			text = "on " + st.On + ": " + text
		}
		out = append(out, Move{Step: p.Step, Text: text, From: st.At, To: p.At, Slot: k, Home: slices.Index(admin, p.Step)})
	}
	return out
}

// MoveList writes moves on one line, "; " between them.
func MoveList(moves []Move) string {
	parts := make([]string, len(moves))
	for i, m := range moves {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; ")
}

// dropStep removes scenario step j from plan (the scenario loses step j): the slot
// that holds it goes, and later indices shift down. Only a step at home (in its own
// slot at its own instant) is dropped, so the remaining slots keep their instants.
func dropStep(plan []PlanStep, j int) []PlanStep {
	if plan == nil {
		return nil
	}
	out := make([]PlanStep, 0, len(plan))
	for _, p := range plan {
		if p.Step == j {
			continue
		}
		if p.Step > j {
			p.Step--
		}
		out = append(out, p)
	}
	return out
}

// atHome reports whether scenario step j is in its written slot at its written
// instant (or is not a slot of the plan at all).
func atHome(sc *scenarios.Scenario, plan []PlanStep, j int) bool {
	if plan == nil {
		return true
	}
	admin := adminSteps(sc)
	k := slices.Index(admin, j)
	return k < 0 || (plan[k].Step == j && plan[k].At == sc.Steps[j].At)
}
