package explore

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/transport"
)

// Objective is what [Safest] minimises among the plans that keep the properties.
type Objective string

// The objectives: message-seconds of exposure (acknowledged mail with a copy on
// one server only, Verdict.ExposureSeconds), the slowest delivery, and the time
// from the plan's first run step to its last.
const (
	Exposure Objective = "exposure"
	Latency  Objective = "latency"
	Duration Objective = "duration"
)

// Objectives are the names ParseObjective takes.
var Objectives = []string{string(Exposure), string(Latency), string(Duration)}

// ParseObjective reads an objective's name.
func ParseObjective(s string) (Objective, error) {
	if slices.Contains(Objectives, s) {
		return Objective(s), nil
	}
	return "", fmt.Errorf("unknown objective %q%s (want %s)", s, didYouMean(s, Objectives), strings.Join(Objectives, ", "))
}

// SafestConfig is one search for the safest order and timing of a plan. Zero
// fields take the defaults named.
type SafestConfig struct {
	Scenario   *scenarios.Scenario
	Properties []Property
	Objective  Objective // default Exposure
	// Deps are the order constraints the search keeps; nil: [Dependencies] of
	// the scenario (an empty, non-nil slice: none). After adds to them (a step's
	// "after:", or exsim plan --after).
	Deps, After []Dep
	// Orders bounds the orders run (default 200). When the dependencies allow
	// more, the written order and orders drawn from Seed are run.
	Orders int
	Seed   uint64
	// Top is how many plans come back (default 3).
	Top int
	// Shift bounds how far the timing search moves a run step from its slot's
	// written instant (default 5m; negative: orders only), in steps of
	// Granularity (default 1m).
	Shift, Granularity time.Duration
	// Faults are the fault templates of the single-fault check of each plan
	// (default DefaultFaults).
	Faults []string
	// Settle is the liveness phase of every run (default DefaultSettle).
	Settle  time.Duration
	Workers int
	// Tolerance: objective values less than this apart count as equal (fewer
	// moves from the written plan then win); default 5% of the written plan's
	// value, and at least 1 (message-second or second).
	Tolerance float64
}

// PlanScore is how one plan ran, without faults.
type PlanScore struct {
	Plan       []PlanStep // nil: the plan as written
	Exposure   float64    // message-seconds
	MaxLatency time.Duration
	Span       time.Duration // first run step to last
	Lost       int
	Stuck      int
	Violations []Violation
	Err        error
}

// Kept reports whether the plan kept every property.
func (p PlanScore) Kept() bool { return p.Err == nil && len(p.Violations) == 0 }

func (p PlanScore) value(o Objective) float64 {
	switch o {
	case Latency:
		return p.MaxLatency.Seconds()
	case Duration:
		return p.Span.Seconds()
	}
	return p.Exposure
}

// FaultRun is one single fault run against a plan.
type FaultRun struct {
	Fault      Placed
	Exposure   float64
	Violations []Violation
}

// SafePlan is a plan the search reports: its score, how it differs from the
// written plan, and how it fares against every single fault at every boundary.
type SafePlan struct {
	PlanScore
	Moves    []Move
	Faults   int       // single faults run
	Survived int       // of them, those after which the plan kept the properties
	Worst    *FaultRun // the survived fault with the most exposure (nil: none survived)
	Breaks   *FaultRun // the first fault that breaks a property (nil: none)
}

// SafestResult is a search's answer.
type SafestResult struct {
	Deps []Dep
	// Allowed is the number of orders the dependencies allow, counted up to
	// Orders; Sampled says there are more, and Orders were drawn.
	Allowed   int
	Sampled   bool
	Runs      int     // plans run, orders and timings (the fault checks not counted)
	Tolerance float64 // the tolerance the ranking used
	// Orders is the number of orders run (in their written slots' instants), and
	// Broke how many of them broke a property: what the dependencies allow is
	// not all safe.
	Orders, Broke int
	Written       SafePlan
	Best          []SafePlan // best first; fewer than Top when fewer keep the properties
}

// Safest searches the orders the dependencies allow ([Dependencies] and cfg.After)
// of the scenario's run steps (the steps exchange their instants, as with
// Config.PermutePlan; a run step never crosses a fault step of the scenario on
// one of its servers), then the timings of the best orders (each step moved by
// up to Shift, alone or with the rest of the plan, the plan's order kept), and returns the best plans that keep the
// properties, by the objective, fewer moves breaking ties. It is deterministic per
// seed: the seed only draws orders when there are more than Orders.
func Safest(cfg SafestConfig) (*SafestResult, error) {
	if cfg.Scenario == nil || len(cfg.Properties) == 0 {
		return nil, errors.New("explore: Safest needs a scenario and a property")
	}
	sc := cfg.Scenario
	if cfg.Objective == "" {
		cfg.Objective = Exposure
	}
	if _, err := ParseObjective(string(cfg.Objective)); err != nil {
		return nil, err
	}
	if cfg.Orders <= 0 {
		cfg.Orders = 200
	}
	if cfg.Top <= 0 {
		cfg.Top = 3
	}
	if cfg.Granularity <= 0 {
		cfg.Granularity = time.Minute
	}
	if cfg.Shift == 0 {
		cfg.Shift = 5 * time.Minute
	}
	if len(cfg.Faults) == 0 {
		cfg.Faults = DefaultFaults
	}
	if cfg.Settle == 0 {
		cfg.Settle = DefaultSettle
	}
	cfg.Settle = max(cfg.Settle, 0)
	cands, err := Expand(sc, cfg.Faults)
	if err != nil {
		return nil, err
	}
	admin := adminSteps(sc)
	if len(admin) < 2 {
		return nil, fmt.Errorf("explore: scenario %s has %d run step(s): there is no order to search", sc.Name, len(admin))
	}
	deps := cfg.Deps
	if deps == nil {
		deps = Dependencies(sc)
	}
	res := &SafestResult{Deps: append(slices.Clone(deps), cfg.After...)}
	slot := map[int]int{} // scenario step -> its written slot
	for k, j := range admin {
		slot[j] = k
	}
	preds := make([][]int, len(admin))
	for _, d := range res.Deps {
		b, okb := slot[d.Before]
		a, oka := slot[d.After]
		if !okb || !oka {
			return nil, fmt.Errorf("explore: dependency %d before %d: both must be run steps", d.Before, d.After)
		}
		preds[a] = append(preds[a], b)
	}
	if cyc := cycle(preds); cyc != nil {
		return nil, fmt.Errorf("explore: the order constraints make a cycle through run steps %s: no order keeps them all", strings.Join(cyc, ", "))
	}
	fixed := faultBounds(sc)
	orders, allowed, sampled := linearExtensions(preds, cfg.Orders, cfg.Seed)
	res.Allowed, res.Sampled = allowed, sampled
	slotAt := make([]time.Duration, len(admin))
	for k, j := range admin {
		slotAt[k] = sc.Steps[j].At
	}
	var plans [][]PlanStep
	for _, ord := range orders {
		p := make([]PlanStep, len(admin))
		for k, s := range ord {
			p[k] = PlanStep{Step: admin[s], At: slotAt[k]}
		}
		if fixed.keeps(sc, p) {
			plans = append(plans, p)
		}
	}
	scores := cfg.score(plans)
	res.Runs += len(plans)
	res.Orders = len(plans)
	for _, s := range scores {
		if !s.Kept() {
			res.Broke++
		}
	}
	// Values within one tolerance step are a tie, which fewer moves break: a
	// plan's exposure is measured on one draw of the scenario's traffic, and a
	// smaller difference says more about the draw than about the plan.
	written := cfg.score([][]PlanStep{nil})[0]
	res.Runs++
	tol := cfg.Tolerance
	if tol <= 0 {
		tol = max(0.05*written.value(cfg.Objective), 1)
	}
	res.Tolerance = tol
	bucket := func(p PlanScore) float64 { return math.Floor(p.value(cfg.Objective) / tol) }
	better := func(a, b PlanScore) bool {
		if a.Kept() != b.Kept() {
			return a.Kept()
		}
		if ba, bb := bucket(a), bucket(b); ba != bb {
			return ba < bb
		}
		if ma, mb := len(Moves(sc, a.Plan)), len(Moves(sc, b.Plan)); ma != mb {
			return ma < mb
		}
		return a.value(cfg.Objective) < b.value(cfg.Objective)
	}
	rank := func(s []PlanScore) {
		slices.SortStableFunc(s, func(a, b PlanScore) int {
			switch {
			case better(a, b):
				return -1
			case better(b, a):
				return 1
			}
			return 0
		})
	}
	rank(scores)
	// The timing search: from each of the best orders, move one step at a time
	// while that helps.
	var timed []PlanScore
	if cfg.Shift > 0 {
		for _, s := range scores[:min(cfg.Top, len(scores))] {
			if !s.Kept() {
				continue
			}
			cur := s
			for range 2 {
				moved := false
				for k := range admin {
					var tries [][]PlanStep
					for _, d := range shifts(cfg.Shift, cfg.Granularity) {
						// Move slot k alone, or k and every slot after it (the
						// rest of the plan starts earlier or later).
						for _, end := range []int{k + 1, len(admin)} {
							if p, ok := shiftSlots(cur.Plan, k, end, d, slotAt, cfg.Shift, sc.Duration); ok && fixed.keeps(sc, p) &&
								!slices.ContainsFunc(tries, func(q []PlanStep) bool { return slices.Equal(p, q) }) {
								tries = append(tries, p)
							}
						}
					}
					got := cfg.score(tries)
					res.Runs += len(got)
					for _, g := range got {
						if g.Kept() && bucket(g) < bucket(cur) {
							cur, moved = g, true
						}
					}
				}
				if !moved {
					break
				}
			}
			timed = append(timed, cur)
		}
	}
	all := append(scores, timed...)
	rank(all)
	res.Written = cfg.survive(written, cands)
	var seen [][]PlanStep
	for _, s := range all {
		if len(res.Best) == cfg.Top || !s.Kept() {
			break
		}
		if slices.ContainsFunc(seen, func(p []PlanStep) bool { return slices.Equal(p, s.Plan) }) {
			continue
		}
		seen = append(seen, s.Plan)
		res.Best = append(res.Best, cfg.survive(s, cands))
	}
	return res, nil
}

// shiftSlots moves slots [k, end) of plan by d, when each stays within shift of
// its written instant and inside the scenario and the plan's order holds.
func shiftSlots(plan []PlanStep, k, end int, d time.Duration, written []time.Duration, shift, limit time.Duration) ([]PlanStep, bool) {
	p := slices.Clone(plan)
	for i := k; i < end; i++ {
		p[i].At += d
		if p[i].At < 0 || p[i].At > limit || p[i].At < written[i]-shift || p[i].At > written[i]+shift {
			return nil, false
		}
	}
	if (k > 0 && p[k].At < p[k-1].At) || (end < len(p) && p[end-1].At > p[end].At) {
		return nil, false
	}
	return p, true
}

// shifts are the timing moves tried for one step: by the whole shift, half, and
// one granularity step, earlier and later.
func shifts(shift, gran time.Duration) []time.Duration {
	var out []time.Duration
	for _, d := range []time.Duration{-shift, -(shift / 2 / gran) * gran, -gran, gran, (shift / 2 / gran) * gran, shift} {
		d = (d / gran) * gran
		if d != 0 && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// score runs each plan without faults (in parallel; results in plan order).
func (cfg *SafestConfig) score(plans [][]PlanStep) []PlanScore {
	out := make([]PlanScore, len(plans))
	parallel(len(plans), cfg.Workers, nil, func(k int) {
		p := PlanScore{Plan: plans[k]}
		varied, err := ApplyPlan(cfg.Scenario, plans[k])
		if err == nil {
			var res *scenarios.Result
			if res, err = runFaultsOpt(varied, cfg.Scenario.Seed, nil, cfg.Settle, false); err == nil {
				p.Violations = Violations(cfg.Properties, res)
				p.Exposure, p.Lost, p.Stuck = res.Verdict.ExposureSeconds, res.Verdict.Lost, res.Verdict.Stuck
				for _, f := range res.Verdict.Fates {
					if f.Fate == transport.Delivered {
						p.MaxLatency = max(p.MaxLatency, f.Latency)
					}
				}
				var ats []time.Duration
				for _, j := range adminSteps(varied) {
					ats = append(ats, varied.Steps[j].At)
				}
				p.Span = slices.Max(ats) - slices.Min(ats)
			}
		}
		p.Err = err
		out[k] = p
	})
	return out
}

// survive runs every single fault at every boundary of the plan and fills in what
// the plan survives.
func (cfg *SafestConfig) survive(s PlanScore, cands []string) SafePlan {
	sp := SafePlan{PlanScore: s, Moves: Moves(cfg.Scenario, s.Plan)}
	varied, err := ApplyPlan(cfg.Scenario, s.Plan)
	if err != nil {
		return sp
	}
	ats, labels := Boundaries(varied)
	var runs []FaultRun
	for _, c := range cands {
		for k, at := range ats {
			runs = append(runs, FaultRun{Fault: Placed{Fault: c, Step: labels[k], At: at}})
		}
	}
	errs := make([]error, len(runs))
	parallel(len(runs), cfg.Workers, nil, func(k int) {
		r := &runs[k]
		res, err := runFaultsOpt(varied, cfg.Scenario.Seed, []Fault{{At: r.Fault.At, Line: r.Fault.Fault}}, cfg.Settle, false)
		if err != nil {
			errs[k] = err
			return
		}
		r.Exposure, r.Violations = res.Verdict.ExposureSeconds, Violations(cfg.Properties, res)
	})
	sp.Faults = len(runs)
	for k := range runs {
		r := &runs[k]
		if errs[k] != nil {
			r.Violations = append(r.Violations, Violation{Property: "error", Why: errs[k].Error()})
		}
		if len(r.Violations) > 0 {
			if sp.Breaks == nil {
				sp.Breaks = r
			}
			continue
		}
		sp.Survived++
		if sp.Worst == nil || r.Exposure > sp.Worst.Exposure {
			sp.Worst = r
		}
	}
	return sp
}

// linearExtensions lists the orders of n steps (0..n-1, the written order) that
// keep preds (preds[a] must come before a): all of them in lexicographic order
// when there are at most limit, else the written order and orders drawn from seed
// (a random step among those free at each place), limit in all where they can be
// found. allowed counts the orders up to limit (limit+1 means more).
func linearExtensions(preds [][]int, limit int, seed uint64) (orders [][]int, allowed int, sampled bool) {
	n := len(preds)
	indeg := make([]int, n)
	succ := make([][]int, n)
	for a, ps := range preds {
		for _, b := range ps {
			indeg[a]++
			succ[b] = append(succ[b], a)
		}
	}
	var cur []int
	var walk func()
	walk = func() {
		if len(orders) > limit {
			return
		}
		if len(cur) == n {
			orders = append(orders, slices.Clone(cur))
			return
		}
		for s := range n {
			if indeg[s] != 0 || slices.Contains(cur, s) {
				continue
			}
			cur = append(cur, s)
			for _, a := range succ[s] {
				indeg[a]--
			}
			walk()
			for _, a := range succ[s] {
				indeg[a]++
			}
			cur = cur[:len(cur)-1]
			if len(orders) > limit {
				return
			}
		}
	}
	walk()
	if len(orders) <= limit {
		return orders, len(orders), false
	}
	rng := rand.New(rand.NewPCG(seed, 0x73616665)) // "safe"
	written := make([]int, n)
	for i := range written {
		written[i] = i
	}
	out := [][]int{written}
	for try := 0; len(out) < limit && try < limit*20; try++ {
		deg := make([]int, n)
		for a := range preds {
			deg[a] = len(preds[a])
		}
		var ord []int
		used := make([]bool, n)
		for len(ord) < n {
			var free []int
			for s := range n {
				if !used[s] && deg[s] == 0 {
					free = append(free, s)
				}
			}
			s := free[rng.IntN(len(free))]
			used[s] = true
			ord = append(ord, s)
			for _, a := range succ[s] {
				deg[a]--
			}
		}
		if !slices.ContainsFunc(out, func(o []int) bool { return slices.Equal(o, ord) }) {
			out = append(out, ord)
		}
	}
	return out, limit + 1, true
}

// cycle returns the run steps (numbered from 1) of a cycle of preds, nil if none.
func cycle(preds [][]int) []string {
	state := make([]int, len(preds)) // 0 new, 1 on the path, 2 done
	var path []int
	var found []int
	var visit func(a int) bool
	visit = func(a int) bool {
		state[a] = 1
		path = append(path, a)
		for _, b := range preds[a] {
			if state[b] == 1 {
				found = append(slices.Clone(path[slices.Index(path, b):]), b)
				return true
			}
			if state[b] == 0 && visit(b) {
				return true
			}
		}
		path = path[:len(path)-1]
		state[a] = 2
		return false
	}
	for a := range preds {
		if state[a] == 0 && visit(a) {
			out := make([]string, len(found))
			for i, s := range found {
				out[len(found)-1-i] = fmt.Sprintf("#%d", s+1)
			}
			return out
		}
	}
	return nil
}

// bounds are the scenario's fault steps with the servers they act on: a run step
// keeps its place before or after each fault step on one of its servers (the
// admin exits maintenance after the reboot, not before).
type bounds struct {
	faults  []int
	servers []map[string]bool
}

func faultBounds(sc *scenarios.Scenario) bounds {
	var b bounds
	for i, st := range sc.Steps {
		if st.Fault != nil {
			b.faults = append(b.faults, i)
			b.servers = append(b.servers, stepServers(sc, st))
		}
	}
	return b
}

// keeps reports whether plan leaves every run step on the side of each fault step
// of its servers where the written plan has it (at one instant, in file order, as
// ApplyPlan orders them).
func (b bounds) keeps(sc *scenarios.Scenario, plan []PlanStep) bool {
	if len(b.faults) == 0 {
		return true
	}
	admin := adminSteps(sc)
	before := func(at time.Duration, idx int, f int) bool {
		return at < sc.Steps[f].At || (at == sc.Steps[f].At && idx < f)
	}
	for k, p := range plan {
		st := sc.Steps[p.Step]
		srv := stepServers(sc, st)
		for i, f := range b.faults {
			shared := false
			for s := range srv {
				if b.servers[i][s] {
					shared = true
					break
				}
			}
			if shared && before(st.At, p.Step, f) != before(p.At, admin[k], f) {
				return false
			}
		}
	}
	return true
}
