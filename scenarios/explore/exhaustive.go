package explore

import (
	order "cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/sim/psfmt"
)

// Placed is one fault of an exhaustive cell: a fault line at an instant, lasting
// until the liveness phase, and the plan step it follows (the last step of the
// scenario at or before that instant; "(start)" before the first).
type Placed struct {
	Fault string
	Step  string
	At    time.Duration
}

// Cell is one run of the exhaustive sweep: one fault, or an ordered pair of faults
// (the first no later than the second), each right after the scenario's steps at
// its instant, lasting until the liveness phase. Index is the cell's place in the
// whole enumeration, whatever the shard.
type Cell struct {
	Index      int
	Faults     []Placed
	Lost       int
	Stuck      int
	SPOF       int
	Duplicates int
	Violations []Violation
	Err        error
	Coverage   Coverage
}

// Failed reports whether the cell broke a property or could not run.
func (c Cell) Failed() bool { return len(c.Violations) > 0 || c.Err != nil }

// Boundaries are the instants of the plan the exhaustive sweep puts a fault at:
// t=0 and each distinct instant of the scenario's own steps, labelled by the last
// step at that instant.
func Boundaries(sc *scenarios.Scenario) (at []time.Duration, label []string) {
	at, label = []time.Duration{0}, []string{"(start)"}
	for _, st := range sc.Steps {
		if k := slices.Index(at, st.At); k >= 0 {
			label[k] = st.Text
			continue
		}
		at = append(at, st.At)
		label = append(label, st.Text)
	}
	return at, label
}

// Instants are the boundaries and, with grid > 0, every multiple of grid between
// t=0 and the last boundary, in time order; a grid instant is labelled by the
// boundary before it (the fault strikes while that step's effect lasts).
func Instants(sc *scenarios.Scenario, grid time.Duration) (at []time.Duration, label []string) {
	bs, bl := Boundaries(sc)
	type inst struct {
		at    time.Duration
		label string
	}
	all := make([]inst, 0, len(bs))
	for k := range bs {
		all = append(all, inst{bs[k], bl[k]})
	}
	slices.SortStableFunc(all, func(a, b inst) int { return order.Compare(a.at, b.at) })
	if grid > 0 {
		end := all[len(all)-1].at
		for t := grid; t < end; t += grid {
			k, found := slices.BinarySearchFunc(all, t, func(e inst, t time.Duration) int { return order.Compare(e.at, t) })
			if !found {
				all = slices.Insert(all, k, inst{t, all[k-1].label})
			}
		}
	}
	for _, e := range all {
		at, label = append(at, e.at), append(label, e.label)
	}
	return at, label
}

// MaxExhaustiveFaults bounds Config.MaxFaults for [Exhaustive]: pairs are already
// quadratic in faults and in instants.
const MaxExhaustiveFaults = 2

// ExhaustiveCells enumerates the exhaustive sweep without running it: every single
// fault of cands at every instant, then, with maxFaults 2, every ordered pair. The
// pairs leave out what would run the same thing twice or nothing new:
//
//   - two faults at the same instant on different servers (or copies, or links)
//     commute: the scenario schedules both steps of one instant before anything
//     either causes can run, so only the pair in candidate order is run (a test
//     runs both orders of every such pair of dag-maintenance and compares them);
//   - a crash or stop of a server that the first fault already took down (both
//     last until the liveness phase): a down server cannot go down again.
func ExhaustiveCells(sc *scenarios.Scenario, cands []string, maxFaults int, grid time.Duration) ([]Cell, error) {
	if maxFaults < 1 || maxFaults > MaxExhaustiveFaults {
		return nil, fmt.Errorf("explore: exhaustive sweeps run 1 or %d faults per run, not %d", MaxExhaustiveFaults, maxFaults)
	}
	ats, labels := Instants(sc, grid)
	var cells []Cell
	add := func(fs ...Placed) { cells = append(cells, Cell{Index: len(cells), Faults: fs}) }
	for _, c := range cands {
		for k, at := range ats {
			add(Placed{c, labels[k], at})
		}
	}
	if maxFaults < 2 {
		return cells, nil
	}
	parsed := make([]fault.Fault, len(cands))
	for i, c := range cands {
		f, err := fault.Parse(c)
		if err != nil {
			return nil, fmt.Errorf("fault %q: %v", c, err)
		}
		parsed[i] = f
	}
	for a := range cands {
		for b := range cands {
			if downAgain(parsed[a], parsed[b]) {
				continue
			}
			for i := range ats {
				for j := i; j < len(ats); j++ {
					if i == j && b <= a {
						continue // same instant: the faults commute, one order is enough
					}
					add(Placed{cands[a], labels[i], ats[i]}, Placed{cands[b], labels[j], ats[j]})
				}
			}
		}
	}
	return cells, nil
}

// downAgain reports whether second would take down a server first already took
// down.
func downAgain(first, second fault.Fault) bool {
	down := func(f fault.Fault) bool { return f.Kind == fault.Crash || f.Kind == fault.Stop }
	return down(first) && down(second) && first.Server == second.Server
}

// Exhaustive runs every single fault of cfg.Faults (each expanded over every
// server or copy) at every instant of the plan (see [Instants], cfg.Grid), and with
// cfg.MaxFaults 2 every ordered pair as well (see [ExhaustiveCells]): the "where is
// my single point of failure" answer, and the second failure during maintenance.
// MaxFaults 0 means 1 here. With Shard K of Shards it runs the cells whose index i
// has i % Shards == K-1. Cells come back in enumeration order. Runs and Seed are
// not used (the scenario's own seed is); Workers run cells in parallel.
func Exhaustive(cfg Config) ([]Cell, Coverage, error) {
	maxFaults := max(cfg.MaxFaults, 1)
	if err := cfg.defaults(); err != nil {
		return nil, Coverage{}, err
	}
	if cfg.Grid < 0 {
		return nil, Coverage{}, fmt.Errorf("explore: grid %s: want 0 (step boundaries only) or a positive duration", cfg.Grid)
	}
	cands, err := Expand(cfg.Scenario, cfg.Faults)
	if err != nil {
		return nil, Coverage{}, err
	}
	all, err := ExhaustiveCells(cfg.Scenario, cands, maxFaults, cfg.Grid)
	if err != nil {
		return nil, Coverage{}, err
	}
	cells := make([]Cell, 0, len(all)/cfg.Shards+1)
	for _, c := range all {
		if c.Index%cfg.Shards == cfg.Shard-1 {
			cells = append(cells, c)
		}
	}
	parallel(len(cells), cfg.Workers, cfg.Progress, func(k int) {
		c := &cells[k]
		v := Variant{Index: c.Index, Seed: cfg.Scenario.Seed}
		for _, p := range c.Faults {
			v.Faults = append(v.Faults, Fault{At: p.At, Line: p.Fault})
		}
		o := runVariant(cfg.Scenario, cfg.Properties, v, cfg.Settle, !cfg.NoCoverage)
		c.Lost, c.Stuck, c.SPOF, c.Duplicates = o.Lost, o.Stuck, o.SPOF, o.Duplicates
		c.Violations, c.Err, c.Coverage = o.Violations, o.Err, o.Coverage
	})
	cov := newCoverage()
	for _, c := range cells {
		cov.Add(c.Coverage)
	}
	return cells, cov, nil
}

// ExhaustiveTable prints the cells as a Format-Table: the fault(s), the step each
// follows, the instant(s), Lost, Stuck, SPOF windows, Duplicates and the properties
// broken. Two faults are written "first + second", their steps and instants "; "
// apart.
func ExhaustiveTable(cells []Cell) string {
	cols := []psfmt.Column{{Name: "Fault"}, {Name: "After"}, {Name: "At"}, {Name: "Lost", Numeric: true},
		{Name: "Stuck", Numeric: true}, {Name: "SPOF", Numeric: true}, {Name: "Duplicates", Numeric: true}, {Name: "Broken"}}
	rows := make([][]string, 0, len(cells))
	for _, c := range cells {
		var fs, steps, ats []string
		for _, p := range c.Faults {
			fs, steps, ats = append(fs, p.Fault), append(steps, cut(p.Step, 48/len(c.Faults))), append(ats, dur(p.At))
		}
		rows = append(rows, []string{strings.Join(fs, " + "), strings.Join(steps, "; "), strings.Join(ats, "; "),
			strconv.Itoa(c.Lost), strconv.Itoa(c.Stuck), strconv.Itoa(c.SPOF), strconv.Itoa(c.Duplicates), brokenText(c.Violations, c.Err)})
	}
	return psfmt.Table(cols, rows)
}

func brokenText(vs []Violation, err error) string {
	broken := make([]string, 0, len(vs)+1)
	for _, v := range vs {
		broken = append(broken, v.Property)
	}
	if err != nil {
		broken = append(broken, "error: "+err.Error())
	}
	return strings.Join(broken, ",")
}

// cut shortens s to n characters, "..." marking the cut.
func cut(s string, n int) string {
	if len(s) <= n || n < 4 {
		return s
	}
	return s[:n-3] + "..."
}

// Summary says in one line per fault count how many cells broke a property.
func Summary(cells []Cell) string {
	var lines []string
	for n := 1; n <= MaxExhaustiveFaults; n++ {
		runs, failed := 0, 0
		for _, c := range cells {
			if len(c.Faults) == n {
				runs++
				if c.Failed() {
					failed++
				}
			}
		}
		if runs == 0 {
			continue
		}
		what := map[int]string{1: "single faults", 2: "pairs of faults"}[n]
		lines = append(lines, fmt.Sprintf("%d of %d %s break a property.", failed, runs, what))
	}
	return strings.Join(lines, "\n")
}
