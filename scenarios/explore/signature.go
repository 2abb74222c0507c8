package explore

import (
	order "cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim/psfmt"
)

// Signature is what failures are grouped by: the properties a run broke, the
// kinds of its faults (servers left out: "crash lose-queue + crash") and the plan
// step each fault follows. Runs that differ only in which server of a role failed,
// or when within one step's span, share a signature.
type Signature struct {
	Broken string `json:"broken"` // property names, comma separated; "error" when the run could not be made
	Kinds  string `json:"kinds"`
	Steps  string `json:"steps"` // the plan step each fault follows, "; " apart
}

func (s Signature) String() string { return s.Broken + " | " + s.Kinds + " | " + s.Steps }

// Failure is one failed run of a sweep as a report keeps it: its index in the
// sweep, the scenario seed it ran with, its faults (and plan moves), its signature,
// its counts and why it failed.
type Failure struct {
	Index      int       `json:"index"`
	Seed       uint64    `json:"seed"`
	Faults     string    `json:"faults"`
	Plan       string    `json:"plan,omitempty"`
	Signature  Signature `json:"signature"`
	Lost       int       `json:"lost"`
	Stuck      int       `json:"stuck"`
	Duplicates int       `json:"duplicates"`
	SPOF       int       `json:"spof"`
	Why        string    `json:"why"`
}

// kindOf is a fault line without the names it acts on: the verb, and lose-queue.
func kindOf(line string) string {
	w := strings.Fields(line)
	if len(w) == 0 {
		return ""
	}
	if slices.Contains(w, "lose-queue") {
		return w[0] + " lose-queue"
	}
	return w[0]
}

func signature(vs []Violation, err error, faults []Placed) Signature {
	var s Signature
	if err != nil {
		s.Broken = "error"
	} else {
		names := make([]string, len(vs))
		for i, v := range vs {
			names[i] = v.Property
		}
		s.Broken = strings.Join(names, ",")
	}
	kinds, steps := make([]string, len(faults)), make([]string, len(faults))
	for i, p := range faults {
		kinds[i], steps[i] = kindOf(p.Fault), p.Step
	}
	s.Kinds, s.Steps = strings.Join(kinds, " + "), strings.Join(steps, "; ")
	return s
}

func why(vs []Violation, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return strings.Join(func() []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = v.String()
		}
		return out
	}(), "; ")
}

// CellFailures are the failed cells of an exhaustive sweep, in cell order.
func CellFailures(sc *scenarios.Scenario, cells []Cell) []Failure {
	var out []Failure
	for _, c := range cells {
		if !c.Failed() {
			continue
		}
		fs := make([]string, len(c.Faults))
		for i, p := range c.Faults {
			fs[i] = p.Fault + " at " + dur(p.At)
		}
		out = append(out, Failure{Index: c.Index, Seed: sc.Seed, Faults: strings.Join(fs, "; "), Signature: signature(c.Violations, c.Err, c.Faults),
			Lost: c.Lost, Stuck: c.Stuck, Duplicates: c.Duplicates, SPOF: c.SPOF, Why: why(c.Violations, c.Err)})
	}
	return out
}

// OutcomeFailures are the failed variants of a sweep, in variant order; each
// fault's step is the step of the variant's own (possibly varied) plan it follows.
func OutcomeFailures(sc *scenarios.Scenario, outs []Outcome) []Failure {
	var out []Failure
	for _, o := range outs {
		if !o.Failed() {
			continue
		}
		varied, err := ApplyPlan(sc, o.Plan)
		if err != nil {
			varied = sc
		}
		placed := place(varied, o.Faults)
		fs := make([]string, len(o.Faults))
		for i, f := range o.Faults {
			fs[i] = f.String()
		}
		moves := make([]string, 0)
		for _, m := range Moves(sc, o.Plan) {
			moves = append(moves, m.Short())
		}
		out = append(out, Failure{Index: o.Index, Seed: o.Seed, Faults: strings.Join(fs, "; "), Plan: strings.Join(moves, " "),
			Signature: signature(o.Violations, o.Err, placed), Lost: o.Lost, Stuck: o.Stuck, Duplicates: o.Duplicates, SPOF: o.SPOF,
			Why: why(o.Violations, o.Err)})
	}
	return out
}

// place labels each fault with the last step of sc at or before its instant.
func place(sc *scenarios.Scenario, faults []Fault) []Placed {
	ats, labels := Instants(sc, 0)
	out := make([]Placed, len(faults))
	for i, f := range faults {
		k, found := slices.BinarySearch(ats, f.At)
		if !found {
			k--
		}
		out[i] = Placed{Fault: f.Line, Step: labels[max(k, 0)], At: f.At}
	}
	return out
}

// Group is the failures of one signature: how many, the worst counts, and the
// first (lowest index) as an example to replay.
type Group struct {
	Signature
	Runs            int
	MaxLost, MaxStk int
	First           Failure
}

// Groups folds failures by signature, most runs first, then by the first
// failure's index: the same failures give the same groups in the same order
// whatever order they come in.
func Groups(failures []Failure) []Group {
	byIndex := slices.Clone(failures)
	slices.SortStableFunc(byIndex, func(a, b Failure) int { return order.Compare(a.Index, b.Index) })
	at := map[Signature]int{}
	var out []Group
	for _, f := range byIndex {
		k, ok := at[f.Signature]
		if !ok {
			k = len(out)
			at[f.Signature] = k
			out = append(out, Group{Signature: f.Signature, First: f})
		}
		g := &out[k]
		g.Runs++
		g.MaxLost, g.MaxStk = max(g.MaxLost, f.Lost), max(g.MaxStk, f.Stuck)
	}
	slices.SortStableFunc(out, func(a, b Group) int {
		if c := order.Compare(b.Runs, a.Runs); c != 0 {
			return c
		}
		return order.Compare(a.First.Index, b.First.Index)
	})
	return out
}

// GroupTable prints groups as a Format-Table: the properties broken, the fault
// kinds, the steps they follow, the failing runs of that signature, the most lost
// and stuck in one of them, and the first one (its index and faults).
func GroupTable(groups []Group) string {
	cols := []psfmt.Column{{Name: "Broken"}, {Name: "Faults"}, {Name: "After"}, {Name: "Runs", Numeric: true},
		{Name: "Lost", Numeric: true}, {Name: "Stuck", Numeric: true}, {Name: "First"}}
	rows := make([][]string, 0, len(groups))
	for _, g := range groups {
		n := max(strings.Count(g.Steps, "; ")+1, 1)
		steps := strings.Split(g.Steps, "; ")
		for i := range steps {
			steps[i] = cut(steps[i], 72/n)
		}
		rows = append(rows, []string{g.Broken, g.Kinds, strings.Join(steps, "; "), strconv.Itoa(g.Runs),
			strconv.Itoa(g.MaxLost), strconv.Itoa(g.MaxStk), "#" + strconv.Itoa(g.First.Index) + " " + g.First.Faults})
	}
	return psfmt.Table(cols, rows)
}
