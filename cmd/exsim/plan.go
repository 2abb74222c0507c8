package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/explore"
	"github.com/exsim/exsim/sim/psfmt"
)

// planUsage is the usage line of `exsim plan`.
const planUsage = `exsim plan FILE|NAME --safest [--property no-loss,no-stuck] [--objective exposure|latency|duration] [--after N:M]... [--orders N] [--top N] [--shift D] [--granularity D] [--faults "crash any"]... [--settle D] [--seed N] [--workers N] [--out FILE]`

// cmdPlan searches the orders and timings of a scenario's plan that its
// dependencies allow for the safest one, reports the best with their exposure,
// the worst single fault each survives and how each differs from the written
// plan, and writes the best as a scenario. Exit 0: a plan keeps the properties
// (the best is written); 1: none of those tried does; 2: bad input.
func cmdPlan(args []string, stdout, stderr io.Writer) int {
	defer sweepGC(os.LookupEnv, sweepGCPercent)()
	fs := newFlagSet("plan", stderr)
	safest := fs.Bool("safest", false, "search the orders and timings of the plan's run steps for the safest")
	props := fs.String("property", "no-loss,no-stuck", "properties a plan must keep, comma separated: "+strings.Join(explore.PropertyNames, ", "))
	objective := fs.String("objective", "exposure", "what the best plan has least of among those that keep the properties: "+strings.Join(explore.Objectives, ", "))
	var after, faults multi
	fs.Var(&after, "after", "`N:M`: run step N stays after run step M (numbered from 1 among the run steps), beyond the dependencies exsim infers; repeatable")
	fs.Var(&faults, "faults", "fault templates of each best plan's single-fault check (default \"crash any; crash any lose-queue\")")
	orders := fs.Int("orders", 200, "run at most `N` orders; when more are allowed, the written one and N-1 drawn from --seed")
	top := fs.Int("top", 3, "report the best `N` plans")
	shift := fs.String("shift", "5m", "the timing search moves a run step at most this far from its slot's instant (0: orders only)")
	gran := fs.String("granularity", "1m", "timing moves are multiples of this")
	settle := fs.String("settle", "2h", "liveness phase after the plan (0 for none)")
	seed := fs.Uint64("seed", 1, "draws the orders when there are more than --orders")
	workers := fs.Int("workers", 0, "parallel runs (default: all cores)")
	out := fs.String("out", "", "write the best plan as a scenario to `FILE` (default NAME-safest.yaml)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "exsim plan: expected one scenario file or built-in name")
		fmt.Fprintln(stderr, "usage: "+planUsage)
		return 2
	}
	if !*safest {
		fmt.Fprintln(stderr, "exsim plan: --safest is the search exsim plan runs; give it (exsim plan FILE --safest)")
		return 2
	}
	properties, err := explore.ParseProperties(*props)
	if err != nil {
		fmt.Fprintf(stderr, "exsim plan: %v\n", err)
		return 2
	}
	obj, err := explore.ParseObjective(*objective)
	if err != nil {
		fmt.Fprintf(stderr, "exsim plan: --objective: %v\n", err)
		return 2
	}
	sc, err := scenarios.Open(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	cfg := explore.SafestConfig{Scenario: sc, Properties: properties, Objective: obj, Orders: *orders, Top: *top, Seed: *seed, Faults: faults, Workers: *workers}
	if *orders < 1 || *top < 1 || *workers < 0 {
		fmt.Fprintln(stderr, "exsim plan: --orders and --top must be at least 1, --workers at least 0")
		return 2
	}
	d, err := scenarios.ParseDuration(*shift)
	if err != nil || d < 0 {
		fmt.Fprintln(stderr, "exsim plan: --shift must be 0 or a positive duration like 5m")
		return 2
	}
	cfg.Shift = d
	if d == 0 {
		cfg.Shift = -1 // orders only
	}
	if cfg.Granularity, err = scenarios.ParseDuration(*gran); err != nil || cfg.Granularity <= 0 {
		fmt.Fprintln(stderr, "exsim plan: --granularity must be a positive duration like 1m")
		return 2
	}
	if cfg.Settle, err = scenarios.ParseDuration(*settle); err != nil || cfg.Settle < 0 {
		fmt.Fprintln(stderr, "exsim plan: --settle must be 0 or a positive duration like 2h")
		return 2
	}
	if cfg.Settle == 0 {
		cfg.Settle = -1 // explicitly none
	}
	for _, a := range after {
		dep, err := explore.RunStepDep(sc, a)
		if err != nil {
			fmt.Fprintf(stderr, "exsim plan: --%v\n", err)
			return 2
		}
		cfg.After = append(cfg.After, dep)
	}
	res, err := explore.Safest(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "exsim plan: %v\n", err)
		return 2
	}
	runSteps := 0
	for _, st := range sc.Steps {
		if st.Fault == nil {
			runSteps++
		}
	}
	allowed := strconv.Itoa(res.Allowed)
	if res.Sampled {
		allowed = fmt.Sprintf("more than %d (the written one and %d drawn from seed %d run)", *orders, res.Orders-1, *seed)
	}
	fmt.Fprintf(stdout, "exsim plan %s --safest: objective %s; properties %s; %d run step(s), %d order constraint(s) (%d given with --after); orders allowed: %s; %d plan(s) run.\n",
		sc.Name, objectiveText(obj), *props, runSteps, len(res.Deps), len(cfg.After), allowed, res.Runs)
	fmt.Fprintf(stdout, "%d of the %d order(s) run break a property. Values less than %.1f apart rank as equal (fewer moves first).\n", res.Broke, res.Orders, res.Tolerance)
	fmt.Fprintln(stdout, "  (a plan move #N FROM->TO is the N-th run step of the written plan, run at TO instead of FROM)")
	fmt.Fprintln(stdout)
	rows := [][]string{planRow("written", res.Written)}
	for i, b := range res.Best {
		rows = append(rows, planRow(strconv.Itoa(i+1), b))
	}
	fmt.Fprint(stdout, psfmt.Table([]psfmt.Column{{Name: "Plan"}, {Name: "Exposure (msg-s)", Numeric: true}, {Name: "Max latency", Numeric: true},
		{Name: "Duration", Numeric: true}, {Name: "Keeps"}, {Name: "Survives", Numeric: true}, {Name: "Worst single fault survived"}, {Name: "Moves"}}, rows))
	fmt.Fprintln(stdout)
	if b := res.Written.Breaks; b != nil {
		fmt.Fprintf(stdout, "The written plan breaks under %s at %s (after %q): %s\n", b.Fault.Fault, fmtDur(b.Fault.At), b.Fault.Step, violationText(b.Violations))
	}
	if len(res.Best) == 0 {
		fmt.Fprintln(stdout, "No plan tried keeps the properties; nothing written.")
		return 1
	}
	for i, b := range res.Best {
		fmt.Fprintf(stdout, "Plan %d: ", i+1)
		if len(b.Moves) == 0 {
			fmt.Fprintln(stdout, "the written plan.")
		} else {
			fmt.Fprintf(stdout, "differs from the written plan by %s.\n", explore.MoveList(b.Moves))
		}
		if br := b.Breaks; br != nil {
			fmt.Fprintf(stdout, "  It breaks under %s at %s (after %q): %s\n", br.Fault.Fault, fmtDur(br.Fault.At), br.Fault.Step, violationText(br.Violations))
		}
	}
	best := res.Best[0]
	varied, err := explore.ApplyPlan(sc, best.Plan)
	if err != nil {
		fmt.Fprintf(stderr, "exsim plan: %v\n", err)
		return 2
	}
	ws := *varied
	ws.Name = sc.Name + "-safest"
	ws.Description = strings.TrimSpace(sc.Description) + fmt.Sprintf(" The safest plan exsim plan found (objective %s): exposure %.1f message-seconds.", obj, best.Exposure)
	path := *out
	if path == "" {
		path = ws.Name + ".yaml"
	}
	comment := fmt.Sprintf("Found by: exsim plan %s --safest --objective %s --property %s --seed %d\n", sc.File, obj, *props, *seed)
	if len(best.Moves) > 0 {
		comment += "Moves from the written plan: " + explore.MoveList(best.Moves) + "\n"
	} else {
		comment += "The written plan is the safest found.\n"
	}
	comment += fmt.Sprintf("Exposure %.1f message-seconds; survives %d of %d single faults.", best.Exposure, best.Survived, best.Faults)
	data, err := explore.Marshal(&ws, comment)
	if err == nil {
		if dir := filepath.Dir(path); dir != "." {
			err = os.MkdirAll(dir, 0o755)
		}
		if err == nil {
			err = os.WriteFile(path, data, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "exsim plan: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "\nBest plan written: %s\nRun it: exsim run %s\n", path, path)
	// and as the .ps1 an admin runs
	ps1 := strings.TrimSuffix(path, filepath.Ext(path)) + ".ps1"
	text, on, at := explore.PlanScript(&ws, comment)
	if err := os.WriteFile(ps1, []byte(text), 0o644); err != nil {
		fmt.Fprintf(stderr, "exsim plan: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "As the .ps1 an admin runs on %s from %s: %s, beside it\n", orDash(on), fmtDur(at), filepath.Base(ps1))
	return 0
}

// fmtDur writes a span as the scenario format does: 41m, 1h30m, 1.25s.
func fmtDur(d time.Duration) string {
	if d%time.Second != 0 || d == 0 {
		return d.Round(time.Millisecond).String()
	}
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func objectiveText(o explore.Objective) string {
	switch o {
	case explore.Latency:
		return "latency (the slowest delivery)"
	case explore.Duration:
		return "duration (first run step to last)"
	}
	return "exposure (message-seconds of acknowledged mail on one server only)"
}

func planRow(name string, p explore.SafePlan) []string {
	keeps := "yes"
	if !p.Kept() {
		keeps = "no: " + outcomeText(explore.Outcome{Violations: p.Violations, Err: p.Err})
	}
	worst := "none"
	if w := p.Worst; w != nil {
		worst = fmt.Sprintf("%s at %s (%.1f msg-s)", w.Fault.Fault, fmtDur(w.Fault.At), w.Exposure)
	}
	var moves []string
	for i, m := range p.Moves {
		if i == 4 {
			moves = append(moves, fmt.Sprintf("(%d more)", len(p.Moves)-4))
			break
		}
		moves = append(moves, m.Short())
	}
	return []string{name, fmt.Sprintf("%.1f", p.Exposure), fmtDur(p.MaxLatency), fmtDur(p.Span), keeps,
		fmt.Sprintf("%d/%d", p.Survived, p.Faults), worst, strings.Join(moves, " ")}
}

func orDash(s string) string {
	if s == "" {
		return "SERVER"
	}
	return s
}
