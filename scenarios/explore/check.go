package explore

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/fault"
)

// Config is one sweep: N variants of a scenario, each with random faults, judged
// against properties. Zero fields take the defaults named.
type Config struct {
	Scenario   *scenarios.Scenario
	Properties []Property
	// Faults are fault templates (see [Expand]); default DefaultFaults.
	Faults []string
	// MaxFaults bounds the faults of one variant (default 2); each has at least one.
	MaxFaults int
	// Runs is the number of variants (default 100).
	Runs int
	// Seed: variant i is drawn from (Seed, i) alone, so results do not depend on the
	// worker count or the shard.
	Seed uint64
	// Workers run variants in parallel (default runtime.NumCPU()).
	Workers int
	// Shard K of Shards (1-based) runs only the variants i with i % Shards == K-1.
	Shard, Shards int
	// Settle is the liveness phase after the plan (default DefaultSettle).
	Settle time.Duration
	// Granularity: fault instants and durations are multiples of it (default 1m).
	Granularity time.Duration
	// Progress, when set, is called from the calling goroutine after each variant.
	Progress func(done, total int)
	// NoCoverage runs without the journal (about 2.5 times faster); the coverage
	// counters, which are read from the journal, stay empty.
	NoCoverage bool
	// PermutePlan shuffles the scenario's admin (run) steps in each variant; they
	// exchange their instants. PlanDelay delays each of them by up to this much (a
	// multiple of Granularity). Both zero: every variant runs the plan as written.
	// Fault steps of the scenario keep their instants. See [DrawPlan].
	PermutePlan bool
	PlanDelay   time.Duration
	// Grid adds to the step boundaries where [Exhaustive] puts faults every
	// multiple of it before the last boundary (0: the boundaries only).
	Grid time.Duration
}

// DefaultSettle is the liveness phase when none is given: long enough for the
// 2010 retry ladder (4 glitch retries, 6 at 5 minutes, then every 10 minutes) and
// an internet sender's 15-minute retry to move mail again after a heal.
const DefaultSettle = 2 * time.Hour

func (c *Config) defaults() error {
	if c.Scenario == nil {
		return errors.New("explore: no scenario")
	}
	if len(c.Properties) == 0 {
		return errors.New("explore: no property")
	}
	if len(c.Faults) == 0 {
		c.Faults = DefaultFaults
	}
	if c.MaxFaults <= 0 {
		c.MaxFaults = 2
	}
	if c.Runs <= 0 {
		c.Runs = 100
	}
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	if c.Shards <= 0 {
		c.Shard, c.Shards = 1, 1
	}
	if c.Shard < 1 || c.Shard > c.Shards {
		return fmt.Errorf("explore: shard %d/%d: want K/N with 1 <= K <= N", c.Shard, c.Shards)
	}
	if c.Settle == 0 {
		c.Settle = DefaultSettle
	}
	if c.Settle < 0 {
		c.Settle = 0
	}
	if c.Granularity <= 0 {
		c.Granularity = time.Minute
	}
	if c.PlanDelay < 0 {
		return fmt.Errorf("explore: plan delay %s: want 0 or a positive duration", c.PlanDelay)
	}
	if c.PlanDelay > 0 || c.PermutePlan {
		n := len(adminSteps(c.Scenario))
		switch {
		case n == 0:
			return fmt.Errorf("explore: scenario %s has no run step: there is no plan to vary", c.Scenario.Name)
		case c.PermutePlan && n < 2:
			return fmt.Errorf("explore: scenario %s has one run step: there is no order to permute", c.Scenario.Name)
		case c.PlanDelay > 0 && c.PlanDelay < c.Granularity:
			return fmt.Errorf("explore: plan delay %s is less than the granularity %s: no step could move", c.PlanDelay, c.Granularity)
		}
	}
	return nil
}

// Variant is one generated run: its index in the sweep, the scenario seed it runs
// with, its faults and its plan (nil: the plan as written; see [PlanStep]).
type Variant struct {
	Index  int
	Seed   uint64
	Faults []Fault
	Plan   []PlanStep
}

// Outcome is what one variant showed.
type Outcome struct {
	Variant
	Violations                               []Violation
	Err                                      error // the run could not be made (a bug, or a run limit)
	Delivered, Lost, Stuck, Duplicates, SPOF int
	Coverage                                 Coverage
}

// Failed reports whether the variant broke a property or could not run.
func (o Outcome) Failed() bool { return len(o.Violations) > 0 || o.Err != nil }

// Report is a whole sweep, in variant order.
type Report struct {
	Outcomes []Outcome
	Coverage Coverage
}

// Failures are the failed outcomes, in variant order.
func (r *Report) Failures() []Outcome {
	var out []Outcome
	for _, o := range r.Outcomes {
		if o.Failed() {
			out = append(out, o)
		}
	}
	return out
}

// Draw makes variant i of the sweep from (seed, i) alone: 1 to MaxFaults faults,
// each a fault line of candidates at a multiple of the granularity within the
// scenario, half of them repaired (crash and stop only) some time later.
func Draw(sc *scenarios.Scenario, candidates []string, maxFaults int, gran time.Duration, seed uint64, i int) Variant {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	slots := int(sc.Duration / gran)
	v := Variant{Index: i, Seed: rng.Uint64() >> 1}
	n := 1 + rng.IntN(maxFaults)
	for range n {
		f := Fault{Line: candidates[rng.IntN(len(candidates))], At: time.Duration(rng.IntN(slots+1)) * gran}
		if rng.IntN(2) == 1 {
			f.For = time.Duration(1+rng.IntN(max(slots, 1))) * gran
		}
		v.Faults = append(v.Faults, f)
	}
	slices.SortStableFunc(v.Faults, func(a, b Fault) int { return int(a.At - b.At) })
	return v
}

// Check runs the sweep on Workers goroutines and returns every outcome in variant
// order. It returns when every worker has ended.
func Check(cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	cands, err := Expand(cfg.Scenario, cfg.Faults)
	if err != nil {
		return nil, err
	}
	var idx []int
	for i := range cfg.Runs {
		if i%cfg.Shards == cfg.Shard-1 {
			idx = append(idx, i)
		}
	}
	outs := make([]Outcome, len(idx))
	parallel(len(idx), cfg.Workers, cfg.Progress, func(k int) {
		v := Draw(cfg.Scenario, cands, cfg.MaxFaults, cfg.Granularity, cfg.Seed, idx[k])
		v.Plan = DrawPlan(cfg.Scenario, cfg.PermutePlan, cfg.PlanDelay, cfg.Granularity, cfg.Seed, idx[k])
		outs[k] = runVariant(cfg.Scenario, cfg.Properties, v, cfg.Settle, !cfg.NoCoverage)
	})
	rep := &Report{Outcomes: outs, Coverage: newCoverage()}
	for _, o := range outs {
		rep.Coverage.Add(o.Coverage)
	}
	return rep, nil
}

// RunVariant runs sc with v's plan and faults and a liveness phase of settle, and
// judges it.
func RunVariant(sc *scenarios.Scenario, props []Property, v Variant, settle time.Duration) Outcome {
	return runVariant(sc, props, v, settle, true)
}

func runVariant(sc *scenarios.Scenario, props []Property, v Variant, settle time.Duration, journal bool) Outcome {
	o := Outcome{Variant: v}
	sc, err := ApplyPlan(sc, v.Plan)
	if err != nil {
		o.Err = err
		return o
	}
	res, err := runFaultsOpt(sc, v.Seed, v.Faults, settle, journal)
	if err != nil {
		o.Err = err
		return o
	}
	o.Violations = Violations(props, res)
	vd := res.Verdict
	o.Delivered, o.Lost, o.Stuck, o.Duplicates, o.SPOF = vd.Delivered, vd.Lost, vd.Stuck, vd.Duplicates, len(vd.SPOF)
	if journal {
		o.Coverage = CoverageOf(res.Journal)
	} else {
		o.Coverage = newCoverage()
		o.Coverage.Runs = 1
	}
	return o
}

func runFaults(sc *scenarios.Scenario, seed uint64, faults []Fault, settle time.Duration) (*scenarios.Result, error) {
	return runFaultsOpt(sc, seed, faults, settle, true)
}

func runFaultsOpt(sc *scenarios.Scenario, seed uint64, faults []Fault, settle time.Duration, journal bool) (*scenarios.Result, error) {
	steps, err := Steps(sc, faults)
	if err != nil {
		return nil, err
	}
	// The coverage counters read a few kinds of the models' events; the properties
	// read the verdict (and the expectations, whose tracking rows the runner keeps when
	// the scenario reads them). Nothing else is journaled: no protocol or tracking
	// row, no narration, which are most of a run's cost.
	return scenarios.Run(sc, scenarios.Options{Seed: &seed, Steps: steps, Settle: max(settle, 0), NoJournal: !journal,
		Outputs: scenarios.VerdictOutput, KeepKinds: coverageKinds()})
}

// Shrunk is a minimised failing variant: the scenario with the plan steps that were
// not needed dropped, the plan moves that are still needed (Plan, over Scenario;
// nil: the plan as written), and the fewest, earliest faults that still break a
// property.
type Shrunk struct {
	Scenario   *scenarios.Scenario
	Plan       []PlanStep
	Seed       uint64
	Faults     []Fault
	Violations []Violation
	Result     *scenarios.Result
	Runs       int // runs the shrinking took
}

// Shrink minimises a failing variant greedily, as far as each pass still breaks
// one of the properties the variant broke: drop each fault; drop each repair (a
// fault that lasts is simpler to state); move each fault earlier (to 0, half-way,
// one granularity step); put each moved plan step back in its own slot (undoing a
// swap); move each delayed slot back to its written instant (at once, half-way,
// one granularity step); drop each step of the plan that is where it was written,
// when the plan without it, as written and without faults, still keeps the
// properties (else the counterexample would show a missing step, not the faults).
// It repeats the passes until none helps. It is deterministic: it runs one variant
// at a time.
func Shrink(sc *scenarios.Scenario, props []Property, v Variant, settle, gran time.Duration) (*Shrunk, error) {
	if gran <= 0 {
		gran = time.Minute
	}
	s := &Shrunk{Scenario: sc, Plan: slices.Clone(v.Plan), Seed: v.Seed, Faults: slices.Clone(v.Faults)}
	// broken are the properties the variant breaks: a smaller candidate must break
	// one of them, so shrinking keeps the failure rather than wandering to another.
	var broken map[string]bool
	try := func(sc *scenarios.Scenario, plan []PlanStep, fs []Fault) bool {
		s.Runs++
		varied, err := ApplyPlan(sc, plan)
		if err != nil {
			return false
		}
		res, err := runFaults(varied, s.Seed, fs, settle)
		if err != nil {
			return false
		}
		vs := Violations(props, res)
		if len(vs) == 0 {
			return false
		}
		if broken != nil && !slices.ContainsFunc(vs, func(v Violation) bool { return broken[v.Property] }) {
			return false
		}
		s.Scenario, s.Plan, s.Faults, s.Violations, s.Result = sc, plan, fs, vs, res
		return true
	}
	// holds reports whether sc, as written and without faults, keeps the
	// properties the variant breaks.
	holds := func(sc *scenarios.Scenario) bool {
		s.Runs++
		res, err := runFaults(sc, s.Seed, nil, settle)
		return err == nil && !slices.ContainsFunc(Violations(props, res), func(v Violation) bool { return broken[v.Property] })
	}
	if !try(sc, s.Plan, s.Faults) {
		return nil, fmt.Errorf("explore: variant %d does not fail when run again", v.Index)
	}
	broken = map[string]bool{}
	for _, v := range s.Violations {
		broken[v.Property] = true
	}
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(s.Faults); {
			if try(s.Scenario, s.Plan, slices.Delete(slices.Clone(s.Faults), i, i+1)) {
				changed = true
				continue
			}
			i++
		}
		for i := range s.Faults {
			if s.Faults[i].For > 0 {
				fs := slices.Clone(s.Faults)
				fs[i].For = 0
				changed = try(s.Scenario, s.Plan, fs) || changed
			}
		}
		for i := range s.Faults {
			at := s.Faults[i].At
			for _, earlier := range []time.Duration{0, (at / 2 / gran) * gran, at - gran} {
				if earlier < 0 || earlier >= s.Faults[i].At {
					continue
				}
				fs := slices.Clone(s.Faults)
				fs[i].At = earlier
				if try(s.Scenario, s.Plan, fs) {
					changed = true
					break
				}
			}
		}
		changed = s.shrinkPlan(try, gran) || changed
		for j := 0; j < len(s.Scenario.Steps); {
			if !atHome(s.Scenario, s.Plan, j) {
				j++
				continue
			}
			smaller := *s.Scenario
			smaller.Steps = slices.Delete(slices.Clone(s.Scenario.Steps), j, j+1)
			if !holds(&smaller) {
				// Without the step the plan fails on its own: the failure would
				// then be the missing step, not the faults and moves.
				j++
				continue
			}
			if try(&smaller, dropStep(s.Plan, j), s.Faults) {
				changed = true
				continue
			}
			j++
		}
	}
	slices.SortStableFunc(s.Faults, func(a, b Fault) int { return int(a.At - b.At) })
	if len(Moves(s.Scenario, s.Plan)) == 0 {
		s.Plan = nil
	}
	return s, nil
}

// shrinkPlan moves the plan back toward the written one: each step put back in its
// own slot (the step there takes its place: a swap undone, a longer cycle made
// shorter), then each slot's delay removed, halved or cut by one granularity step.
func (s *Shrunk) shrinkPlan(try func(*scenarios.Scenario, []PlanStep, []Fault) bool, gran time.Duration) bool {
	if s.Plan == nil {
		return false
	}
	changed := false
	admin := adminSteps(s.Scenario)
	for k, home := range admin {
		if s.Plan[k].Step == home {
			continue
		}
		j := slices.IndexFunc(s.Plan, func(p PlanStep) bool { return p.Step == home })
		if j < 0 {
			continue
		}
		plan := slices.Clone(s.Plan)
		plan[k].Step, plan[j].Step = plan[j].Step, plan[k].Step
		changed = try(s.Scenario, plan, s.Faults) || changed
	}
	for k, home := range admin {
		base := s.Scenario.Steps[home].At
		at := s.Plan[k].At
		if at <= base {
			continue
		}
		for _, earlier := range []time.Duration{base, base + ((at-base)/2/gran)*gran, at - gran} {
			if earlier < base || earlier >= s.Plan[k].At {
				continue
			}
			plan := slices.Clone(s.Plan)
			plan[k].At = earlier
			if try(s.Scenario, plan, s.Faults) {
				changed = true
				break
			}
		}
	}
	return changed
}

// Counterexample turns a shrunk failure into a scenario a person can run: the
// (shrunk) scenario with its faults as steps, the liveness phase written out (the
// duration grows by settle; at the old end every partition heals and every server
// the steps left down starts), and an expect that holds exactly when the failure
// happens again (each violated property's pin). Replaying it with exsim run shows
// the failure.
func Counterexample(s *Shrunk, props []Property, settle time.Duration) (*scenarios.Scenario, error) {
	varied, err := ApplyPlan(s.Scenario, s.Plan)
	if err != nil {
		return nil, err
	}
	sc := *varied
	sc.Seed = s.Seed
	sc.Name = s.Scenario.Name + "-counterexample"
	var why []string
	for _, v := range s.Violations {
		why = append(why, v.String())
	}
	sc.Description = fmt.Sprintf("A counterexample to %s, found by exploration: %s.", s.Scenario.Name, strings.Join(why, "; "))
	if moves := Moves(s.Scenario, s.Plan); len(moves) > 0 {
		sc.Description += " The plan ran varied: " + MoveList(moves) + "."
	}
	fsteps, err := Steps(&sc, s.Faults)
	if err != nil {
		return nil, err
	}
	steps := append(slices.Clone(sc.Steps), fsteps...)
	slices.SortStableFunc(steps, func(a, b scenarios.Step) int { return int(a.At - b.At) })
	if settle > 0 {
		end := sc.Duration
		down := map[string]bool{}
		pressed := map[string]bool{}
		hostDown := map[string]bool{}
		parted := false
		failedSites := map[string]bool{}
		for _, st := range steps {
			if st.Fault == nil {
				continue
			}
			switch st.Fault.Kind {
			case fault.Crash, fault.Stop:
				down[st.Fault.Server] = true
			case fault.Start:
				down[st.Fault.Server] = false
			case fault.Disk, fault.Memory:
				pressed[st.Fault.Server] = true
			case fault.Release:
				pressed[st.Fault.Server] = false
			case fault.Down, fault.Refuse:
				hostDown[st.Fault.Host] = true
			case fault.Up:
				hostDown[st.Fault.Host] = false
			case fault.Partition:
				parted = true
			case fault.Heal:
				parted = false
			case fault.PartitionSites:
				parted = true
			case fault.FailSite:
				failedSites[st.Fault.Site] = true
			case fault.RestoreSite:
				failedSites[st.Fault.Site] = false
			}
		}
		if parted {
			st, _ := step(end, "heal")
			steps = append(steps, st)
		}
		for _, site := range sc.Topology.Sites { // what the liveness phase restores
			if failedSites[site] {
				st, _ := step(end, "restore-site "+site)
				steps = append(steps, st)
			}
		}
		// in the order the liveness phase starts them (the topology's), not the order
		// they went down: the order decides quorum and failovers, so another order can
		// make a replay that keeps every property
		for _, h := range sc.Topology.ExternalHosts() {
			if hostDown[h] {
				st, _ := step(end, "up "+h)
				steps = append(steps, st)
			}
		}
		for _, sv := range sc.Topology.Servers {
			if pressed[sv.Name] {
				st, _ := step(end, "release "+sv.Name)
				steps = append(steps, st)
			}
		}
		for _, sv := range sc.Topology.Servers {
			if down[sv.Name] {
				st, _ := step(end, "start "+sv.Name)
				steps = append(steps, st)
			}
		}
		sc.Duration += settle
	}
	sc.Steps = steps
	e := scenarios.Expect{}
	byName := map[string]Property{}
	for _, p := range props {
		byName[p.Name] = p
	}
	for _, v := range s.Violations {
		if p, ok := byName[v.Property]; ok && p.pin != nil {
			p.pin(s.Result, &e)
		}
	}
	sc.Expect = e
	return &sc, nil
}
