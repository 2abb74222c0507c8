package explore

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/sim/psfmt"
)

// Cell is one run of the exhaustive sweep: one fault right after one step of the
// plan (at the step's instant, after every step of the scenario at that instant),
// lasting until the liveness phase.
type Cell struct {
	Fault      string
	Step       string // the plan step it follows ("(start)" for t=0)
	At         time.Duration
	Lost       int
	Stuck      int
	SPOF       int
	Duplicates int
	Violations []Violation
	Err        error
	Coverage   Coverage
}

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

// Exhaustive runs every single fault of cfg.Faults (each expanded over every
// server or copy) at every boundary of the plan: the "where is my single point of
// failure" answer. Cells come back fault by fault, boundary by boundary. Runs,
// Seed, MaxFaults and Shard are not used (the scenario's own seed is).
func Exhaustive(cfg Config) ([]Cell, Coverage, error) {
	if err := cfg.defaults(); err != nil {
		return nil, Coverage{}, err
	}
	cands, err := Expand(cfg.Scenario, cfg.Faults)
	if err != nil {
		return nil, Coverage{}, err
	}
	ats, labels := Boundaries(cfg.Scenario)
	cells := make([]Cell, 0, len(cands)*len(ats))
	for _, c := range cands {
		for k, at := range ats {
			cells = append(cells, Cell{Fault: c, Step: labels[k], At: at})
		}
	}
	jobs := make(chan int)
	done := make(chan struct{}, len(cells))
	var wg sync.WaitGroup
	for range min(cfg.Workers, max(len(cells), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				c := &cells[k]
				v := Variant{Index: k, Seed: cfg.Scenario.Seed, Faults: []Fault{{At: c.At, Line: c.Fault}}}
				o := runVariant(cfg.Scenario, cfg.Properties, v, cfg.Settle, !cfg.NoCoverage)
				c.Lost, c.Stuck, c.SPOF, c.Duplicates = o.Lost, o.Stuck, o.SPOF, o.Duplicates
				c.Violations, c.Err, c.Coverage = o.Violations, o.Err, o.Coverage
				done <- struct{}{}
			}
		}()
	}
	go func() {
		for k := range cells {
			jobs <- k
		}
		close(jobs)
	}()
	for n := range len(cells) {
		<-done
		if cfg.Progress != nil {
			cfg.Progress(n+1, len(cells))
		}
	}
	wg.Wait()
	cov := newCoverage()
	for _, c := range cells {
		cov.Add(c.Coverage)
	}
	return cells, cov, nil
}

// ExhaustiveTable prints the cells as a Format-Table: the fault, the step it
// follows, its instant, Lost, Stuck, SPOF windows, Duplicates and the properties
// broken.
func ExhaustiveTable(cells []Cell) string {
	cols := []psfmt.Column{{Name: "Fault"}, {Name: "After"}, {Name: "At"}, {Name: "Lost", Numeric: true},
		{Name: "Stuck", Numeric: true}, {Name: "SPOF", Numeric: true}, {Name: "Duplicates", Numeric: true}, {Name: "Broken"}}
	rows := make([][]string, 0, len(cells))
	for _, c := range cells {
		broken := make([]string, 0, len(c.Violations))
		for _, v := range c.Violations {
			broken = append(broken, v.Property)
		}
		if c.Err != nil {
			broken = append(broken, "error: "+c.Err.Error())
		}
		step := c.Step
		if len(step) > 48 {
			step = step[:45] + "..."
		}
		rows = append(rows, []string{c.Fault, step, dur(c.At), strconv.Itoa(c.Lost), strconv.Itoa(c.Stuck),
			strconv.Itoa(c.SPOF), strconv.Itoa(c.Duplicates), strings.Join(broken, ",")})
	}
	return psfmt.Table(cols, rows)
}

// Summary says in one line how many cells broke a property.
func Summary(cells []Cell) string {
	n := 0
	for _, c := range cells {
		if len(c.Violations) > 0 || c.Err != nil {
			n++
		}
	}
	return fmt.Sprintf("%d of %d single faults break a property.", n, len(cells))
}
