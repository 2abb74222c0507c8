package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/explore"
)

// checkUsage is the usage line of `exsim check`.
const checkUsage = `exsim check FILE|NAME --property no-loss[,no-duplicates,no-stuck,spof-under:D,latency-under:D,expectations] [--faults "crash any lose-queue"]... [--max-faults N] [--runs N] [--seed N] [--workers N] [--shard K/N|auto [--shards N]] [--report FILE.json] [--settle D] [--granularity D] [--permute-plan] [--plan-delay D] [--out DIR] [--no-coverage] [--exhaustive [--max-faults 2] [--grid D]]`

// multi is a flag that may be given several times.
type multi []string

func (m *multi) String() string { return strings.Join(*m, "; ") }

// Set takes one template, or several separated by ";" ("crash any; stop any").
func (m *multi) Set(v string) error {
	if strings.TrimSpace(strings.ReplaceAll(v, ";", "")) == "" {
		return fmt.Errorf("empty: give a template such as \"crash any\" (an empty value would silently mean the default)")
	}
	for _, t := range strings.Split(v, ";") {
		if t = strings.TrimSpace(t); t != "" {
			*m = append(*m, t)
		}
	}
	return nil
}

// cmdCheck searches generated variants of a scenario for one that breaks a
// property, shrinks the first it finds and writes it as a scenario that replays.
// Exit 0: no variant broke a property; 1: one did (counterexample written); 2: bad
// input.
//
// A sweep splits into batch jobs with --shard: job K of N runs the variants i with
// i % N == K-1 of the same --seed and --runs, so N jobs together run exactly the
// variants one job would, each drawn from (seed, i) alone. --shard auto takes K
// and N from the batch engine's environment (see autoShard); --report writes the
// job's result for exsim merge.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	defer sweepGC(os.LookupEnv, sweepGCPercent)()
	return checkWith(args, os.LookupEnv, stdout, stderr)
}

// sweepGC sets the garbage collector's target to gcPercent (GOGC) for a sweep or a
// run, unless GOGC is set, and caps the heap softly at softMemoryLimit unless
// GOMEMLIMIT is set. It returns the function that restores both settings.
//
// A sweep (sweepGCPercent) has a live heap of tens of megabytes and allocates about
// 600 MB/s per worker, so at the default the collector takes a good part of the work
// and, with two workers, of the second core: 3,000 variants of dag-maintenance
// (BENCHMARKS.md, issue 22) take 5.5-5.6 s on one worker and 3.2 s on two at
// GOGC=400 (1.75x), 5.5 s and 3.0 s at 1600 (1.84x), for a peak RSS of 93-135 MB.
// exsim run sets its own floor (runGC) and comes here, with runGCPercent, only when
// GOMEMLIMIT is set. The soft limit keeps a run of a million messages, whose live
// heap is hundreds of megabytes, under a gigabyte: near the limit the collector runs
// as often as it must.
func sweepGC(env lookupEnv, gcPercent int) func() {
	restoreLimit := func() {}
	if _, set := env("GOMEMLIMIT"); !set {
		old := debug.SetMemoryLimit(softMemoryLimit)
		restoreLimit = func() { debug.SetMemoryLimit(old) }
	}
	if _, set := env("GOGC"); set {
		return restoreLimit
	}
	old := debug.SetGCPercent(gcPercent)
	return func() { debug.SetGCPercent(old); restoreLimit() }
}

// The collector targets of a sweep (exsim check, exsim plan) and of exsim run.
const (
	sweepGCPercent = 1600
	runGCPercent   = 400
)

// softMemoryLimit is the heap exsim run and exsim check aim to stay under (the
// runtime's soft limit; GOMEMLIMIT overrides it).
const softMemoryLimit = 768 << 20

// checkWith is exsim check with the environment it reads --shard auto from.
func checkWith(args []string, env lookupEnv, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", stderr)
	props := fs.String("property", "", "properties every variant must keep, comma separated: "+strings.Join(explore.PropertyNames, ", "))
	var faults multi
	fs.Var(&faults, "faults", "fault templates, repeatable or separated by \";\" (default \"crash any; crash any lose-queue\"); \"any\" stands for every server, copy or AD site")
	maxFaults := fs.Int("max-faults", 2, "at most `N` faults per variant; with --exhaustive 1 (the default there) or 2 (every ordered pair too)")
	runs := fs.Int("runs", 100, "number of variants")
	seed := fs.Uint64("seed", 1, "sweep seed: variant i depends on (seed, i) only")
	workers := fs.Int("workers", 0, "parallel runs (default: all cores)")
	shard := fs.String("shard", "", "run only shard `K/N` of the variants (i % N == K-1); auto: the shard a batch engine (Kubernetes Indexed Job, Slurm array, Bazel) set in the environment")
	shards := fs.Int("shards", 0, "with --shard auto: the number of shards `N` (required for a Kubernetes Indexed Job: its completions)")
	reportFile := fs.String("report", "", "write the sweep's result as JSON to `FILE`, for exsim merge")
	settle := fs.String("settle", "2h", "liveness phase after the plan, every fault healed (0 for none)")
	gran := fs.String("granularity", "1m", "fault instants are multiples of this")
	out := fs.String("out", "counterexamples", "write the shrunk counterexample to `DIR`")
	noCoverage := fs.Bool("no-coverage", false, "run without the journal, about 2.5 times faster, and print no coverage counters")
	exhaustive := fs.Bool("exhaustive", false, "run every single fault at every step boundary of the plan and print the table; with --max-faults 2 every ordered pair too, failures grouped by signature")
	grid := fs.String("grid", "0", "with --exhaustive: put faults also at every multiple of this before the plan's last step (0: step boundaries only)")
	permute := fs.Bool("permute-plan", false, "run the plan's run steps in another order in each variant (they exchange their instants)")
	planDelay := fs.String("plan-delay", "0", "delay each run step of the plan by up to this much in each variant (multiples of --granularity)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "exsim check: expected one scenario file or built-in name")
		fmt.Fprintln(stderr, "usage: "+checkUsage)
		return 2
	}
	if *props == "" {
		fmt.Fprintln(stderr, "exsim check: --property is required (e.g. --property no-loss,no-stuck)")
		return 2
	}
	properties, err := explore.ParseProperties(*props)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	sc, err := scenarios.Open(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if len(faults) == 0 {
		faults = explore.DefaultFaults
	}
	cfg := explore.Config{Scenario: sc, Properties: properties, Faults: faults, MaxFaults: *maxFaults,
		Runs: *runs, Seed: *seed, Workers: *workers, NoCoverage: *noCoverage}
	if cfg.Settle, err = scenarios.ParseDuration(*settle); err != nil {
		fmt.Fprintf(stderr, "exsim check: --settle: %v\n", err)
		return 2
	}
	if cfg.Settle == 0 {
		cfg.Settle = -1 // explicitly none
	}
	if cfg.Granularity, err = scenarios.ParseDuration(*gran); err != nil || cfg.Granularity <= 0 {
		fmt.Fprintf(stderr, "exsim check: --granularity must be a positive duration like 1m\n")
		return 2
	}
	if cfg.PlanDelay, err = scenarios.ParseDuration(*planDelay); err != nil || cfg.PlanDelay < 0 {
		fmt.Fprintf(stderr, "exsim check: --plan-delay must be 0 or a positive duration like 5m\n")
		return 2
	}
	cfg.PermutePlan = *permute
	if cfg.PlanDelay > 0 || cfg.PermutePlan {
		runSteps := 0
		for _, st := range sc.Steps {
			if st.Fault == nil {
				runSteps++
			}
		}
		switch {
		case *exhaustive:
			fmt.Fprintln(stderr, "exsim check: --exhaustive enumerates faults over the plan as written; it takes no --permute-plan or --plan-delay")
			return 2
		case runSteps == 0:
			fmt.Fprintf(stderr, "exsim check: --permute-plan and --plan-delay vary the plan's run steps, and %s has none\n", sc.Name)
			return 2
		case cfg.PermutePlan && runSteps == 1:
			fmt.Fprintf(stderr, "exsim check: --permute-plan: %s has one run step, so there is no order to permute\n", sc.Name)
			return 2
		case cfg.PlanDelay > 0 && cfg.PlanDelay < cfg.Granularity:
			fmt.Fprintf(stderr, "exsim check: --plan-delay %s is less than --granularity %s: no step could move\n", *planDelay, *gran)
			return 2
		}
	}
	if isSet(fs, "shards") && *shard != "auto" {
		fmt.Fprintln(stderr, "exsim check: --shards goes with --shard auto; otherwise write --shard K/N")
		return 2
	}
	if *shard == "auto" {
		k, n, engine, status, err := autoShard(env, *shards)
		if err != nil {
			fmt.Fprintf(stderr, "exsim check: %v\n", err)
			return 2
		}
		if status != "" {
			if err := touch(status); err != nil {
				fmt.Fprintf(stderr, "exsim check: TEST_SHARD_STATUS_FILE: %v\n", err)
				return 2
			}
		}
		fmt.Fprintf(stderr, "exsim check: shard %d/%d from the %s\n", k, n, engine)
		cfg.Shard, cfg.Shards = k, n
	} else if *shard != "" {
		k, n, ok := strings.Cut(*shard, "/")
		ki, err1 := strconv.Atoi(k)
		ni, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 1 || ki > ni {
			fmt.Fprintf(stderr, "exsim check: --shard %q: want K/N with 1 <= K <= N, e.g. 2/8, or auto\n", *shard)
			return 2
		}
		cfg.Shard, cfg.Shards = ki, ni
	}
	if *exhaustive {
		if !isSet(fs, "max-faults") {
			cfg.MaxFaults = 1 // the exhaustive sweep's default: single faults
		}
		if cfg.MaxFaults > explore.MaxExhaustiveFaults {
			fmt.Fprintf(stderr, "exsim check: --exhaustive --max-faults %d: the exhaustive sweep runs 1 or %d faults per run\n", cfg.MaxFaults, explore.MaxExhaustiveFaults)
			return 2
		}
		if cfg.Grid, err = scenarios.ParseDuration(*grid); err != nil || cfg.Grid < 0 {
			fmt.Fprintln(stderr, "exsim check: --grid must be 0 or a positive duration like 5m")
			return 2
		}
	} else if isSet(fs, "grid") {
		fmt.Fprintln(stderr, "exsim check: --grid places the faults of --exhaustive; a random sweep draws its instants on --granularity")
		return 2
	}
	if *runs < 1 || *maxFaults < 1 || *workers < 0 {
		fmt.Fprintln(stderr, "exsim check: --runs and --max-faults must be at least 1, --workers at least 0")
		return 2
	}
	if terminal(stderr) {
		cfg.Progress = func(done, total int) {
			fmt.Fprintf(stderr, "\r%d/%d runs", done, total)
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
	}
	cands, err := explore.Expand(sc, cfg.Faults)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	names := make([]string, len(properties))
	for i, p := range properties {
		names[i] = p.Name
	}
	if *exhaustive {
		return checkExhaustive(cfg, names, len(cands), *reportFile, stdout, stderr)
	}
	fmt.Fprintf(stdout, "exsim check %s: properties %s; %d variant(s) from seed %d", sc.Name, strings.Join(names, ","), cfg.Runs, cfg.Seed)
	if cfg.Shards > 1 {
		fmt.Fprintf(stdout, ", shard %d/%d", cfg.Shard, cfg.Shards)
	}
	fmt.Fprintf(stdout, "; 1 to %d of %d fault(s) each", cfg.MaxFaults, len(cands))
	if cfg.PermutePlan {
		fmt.Fprint(stdout, "; plan permuted")
	}
	if cfg.PlanDelay > 0 {
		fmt.Fprintf(stdout, "; plan steps delayed up to %s", cfg.PlanDelay)
	}
	fmt.Fprintf(stdout, "; liveness phase %s\n", settleText(cfg.Settle))
	if cfg.PermutePlan || cfg.PlanDelay > 0 {
		fmt.Fprintln(stdout, "  (a plan move #N FROM->TO is the N-th run step of the written plan, run at TO instead of FROM)")
	}
	rep, err := explore.Check(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	if *reportFile != "" {
		r, err := explore.CheckReport(cfg, buildVersion(), rep)
		if err == nil {
			err = writeFile(*reportFile, r.Write)
		}
		if err != nil {
			fmt.Fprintf(stderr, "exsim check: --report: %v\n", err)
			return 2
		}
	}
	failures := rep.Failures()
	for k, o := range failures {
		if k == 10 {
			fmt.Fprintf(stdout, "  ... %d more failing variant(s)\n", len(failures)-10)
			break
		}
		fmt.Fprintf(stdout, "  variant %d (seed %d) [%s]%s: %s\n", o.Index, o.Seed, faultList(o.Faults), planText(sc, o.Plan), outcomeText(o))
	}
	fmt.Fprintf(stdout, "%d of %d variant(s) broke a property.\n", len(failures), len(rep.Outcomes))
	code := 0
	if len(failures) > 0 {
		code = 1
		if c := counterexample(cfg, failures[0], *out, stdout, stderr); c != 0 {
			code = c
		}
	}
	if !cfg.NoCoverage {
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, rep.Coverage.Table())
	}
	return code
}

func checkExhaustive(cfg explore.Config, names []string, n int, reportFile string, stdout, stderr io.Writer) int {
	ats, _ := explore.Instants(cfg.Scenario, cfg.Grid)
	where := fmt.Sprintf("%d step boundaries", len(ats))
	if cfg.Grid > 0 {
		where = fmt.Sprintf("%d instants (step boundaries and every %s)", len(ats), cfg.Grid)
	}
	what := "fault(s)"
	if cfg.MaxFaults == 2 {
		what = "fault(s), alone and in ordered pairs,"
	}
	fmt.Fprintf(stdout, "exsim check %s --exhaustive: properties %s; %d %s x %s", cfg.Scenario.Name, strings.Join(names, ","), n, what, where)
	if cfg.Shards > 1 {
		fmt.Fprintf(stdout, ", shard %d/%d", cfg.Shard, cfg.Shards)
	}
	fmt.Fprintf(stdout, "; liveness phase %s\n", settleText(cfg.Settle))
	if cfg.MaxFaults == 2 {
		cands, err := explore.Expand(cfg.Scenario, cfg.Faults)
		if err == nil {
			var all []explore.Cell
			if all, err = explore.ExhaustiveCells(cfg.Scenario, cands, 2, cfg.Grid); err == nil {
				pairs := len(all) - n*len(ats)
				ordered := n * n * len(ats) * (len(ats) + 1) / 2
				fmt.Fprintf(stdout, "%d of the %d ordered pairs run; the others commute (one instant, two servers) or take down a server already down.\n", pairs, ordered)
			}
		}
	}
	fmt.Fprintln(stdout)
	cells, cov, err := explore.Exhaustive(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	if reportFile != "" {
		r, err := explore.ExhaustiveReport(cfg, buildVersion(), cells, cov)
		if err == nil {
			err = writeFile(reportFile, r.Write)
		}
		if err != nil {
			fmt.Fprintf(stderr, "exsim check: --report: %v\n", err)
			return 2
		}
	}
	failures := explore.CellFailures(cfg.Scenario, cells)
	if cfg.MaxFaults == 2 {
		if len(failures) > 0 {
			fmt.Fprintln(stdout, "Failures by signature (properties broken, fault kinds, the step each fault follows):")
			fmt.Fprint(stdout, explore.GroupTable(explore.Groups(failures)))
			fmt.Fprintln(stdout)
		}
	} else {
		fmt.Fprint(stdout, explore.ExhaustiveTable(cells))
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, explore.Summary(cells))
	if !cfg.NoCoverage {
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, cov.Table())
	}
	for _, c := range cells {
		if len(c.Violations) > 0 || c.Err != nil {
			return 1
		}
	}
	return 0
}

// counterexample shrinks the first failure, writes it and checks that it replays.
func counterexample(cfg explore.Config, o explore.Outcome, dir string, stdout, stderr io.Writer) int {
	if o.Err != nil {
		fmt.Fprintf(stderr, "exsim check: variant %d could not run: %v\n", o.Index, o.Err)
		return 2
	}
	s, err := explore.Shrink(cfg.Scenario, cfg.Properties, o.Variant, cfg.Settle, cfg.Granularity)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	ce, err := explore.Counterexample(s, cfg.Properties, cfg.Settle)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-counterexample-%d-%d.yaml", cfg.Scenario.Name, cfg.Seed, o.Index))
	moves := explore.Moves(s.Scenario, s.Plan)
	comment := fmt.Sprintf("Found by: exsim check %s (variant %d of seed %d), shrunk in %d run(s).\nFaults: %s\n",
		cfg.Scenario.File, o.Index, cfg.Seed, s.Runs, faultList(s.Faults))
	if len(moves) > 0 {
		comment += "Plan moves (the steps below run varied): " + explore.MoveList(moves) + "\n"
	}
	comment += fmt.Sprintf("Replay:   exsim run %s\nThe expect below pins the failure: the replay exits 0 while it still happens.", path)
	data, err := explore.Marshal(ce, comment)
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	if err := writeScripts(dir, ce); err != nil {
		fmt.Fprintf(stderr, "exsim check: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "\nShrunk variant %d in %d run(s) to %d fault(s) [%s] and %d of %d plan step(s)",
		o.Index, s.Runs, len(s.Faults), faultList(s.Faults), len(s.Scenario.Steps), len(cfg.Scenario.Steps))
	if len(moves) > 0 {
		fmt.Fprintf(stdout, ", %d moved [%s]", len(moves), explore.MoveList(moves))
	}
	fmt.Fprintf(stdout, ": %s\n", violationText(s.Violations))
	fmt.Fprintf(stdout, "Counterexample: %s\n", path)
	replay, err := scenarios.Load(path)
	if err == nil {
		var res *scenarios.Result
		if res, err = scenarios.Run(replay, scenarios.Options{}); err == nil && len(explore.Violations(cfg.Properties, res)) == 0 {
			err = fmt.Errorf("its replay keeps every property")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "exsim check: warning: the counterexample does not replay the failure: %v\n", err)
	}
	fmt.Fprintf(stdout, "Replay: exsim run %s\n", path)
	return 0
}

func settleText(d time.Duration) string {
	if d <= 0 {
		return "none"
	}
	return d.String()
}

func faultList(fs []explore.Fault) string {
	if len(fs) == 0 {
		return "none"
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, "; ")
}

// planText is a variant's plan as the steps that moved, "" for the written plan.
func planText(sc *scenarios.Scenario, plan []explore.PlanStep) string {
	moves := explore.Moves(sc, plan)
	if len(moves) == 0 {
		return ""
	}
	parts := make([]string, len(moves))
	for i, m := range moves {
		parts[i] = m.Short()
	}
	return " plan [" + strings.Join(parts, " ") + "]"
}

func violationText(vs []explore.Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return strings.Join(parts, "; ")
}

func outcomeText(o explore.Outcome) string {
	if o.Err != nil {
		return "error: " + o.Err.Error()
	}
	return violationText(o.Violations)
}

// terminal reports whether w is a character device (a terminal), the only place a
// progress line that rewrites itself belongs.
func terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// writeScripts copies the .ps1 of every script step of sc under dir at the path the
// step names (relative to the scenario), so a counterexample written to dir replays.
func writeScripts(dir string, sc *scenarios.Scenario) error {
	for _, st := range sc.Steps {
		if st.Script == nil {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(st.Script.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(st.Script.Source), 0o644); err != nil {
			return err
		}
	}
	return nil
}
