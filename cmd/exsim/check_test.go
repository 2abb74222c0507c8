package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/explore"
)

const dag2File = "../../scenarios/explore/testdata/dag2-maintenance.yaml"

func check(args ...string) (int, string, string) { return checkEnv(nil, args...) }

// checkEnv runs exsim check in an environment of env's variables only.
func checkEnv(env map[string]string, args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := checkWith(args, mapEnv(env), &out, &errw)
	return code, out.String(), errw.String()
}

// Issue 8: on failure exsim check writes the shrunk counterexample and the command
// that replays it, and exits 1; `exsim run FILE` replays it to the same failure
// (its expect pins the failure, so the replay passes while the failure remains).
func TestCheckWritesACounterexampleThatReplaysWithExsimRun(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := check(dag2File, "--property", "no-loss,no-stuck", "--faults", "crash EX2 lose-queue", "--max-faults", "1", "--runs", "30", "--out", dir)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errs)
	require.Empty(t, errs, "no progress on a non-terminal, no replay warning")
	require.Contains(t, out, "broke a property")
	require.Contains(t, out, "Coverage over 30 run(s)")
	m := regexp.MustCompile(`Replay: exsim run (\S+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	path := m[1]
	require.Equal(t, dir, filepath.Dir(path))
	sc, err := scenarios.Load(path)
	require.NoError(t, err)
	require.NotNil(t, sc.Expect.Lost)
	require.NotZero(t, sc.Expect.Lost.Value, "the expect shows the loss")
	var rout, rerr bytes.Buffer
	require.Equal(t, 0, cmdRun([]string{path}, &rout, &rerr), "%s%s", rout.String(), rerr.String())
	require.Contains(t, rout.String(), "LOST")
}

// The same seed gives the same output whatever the worker count.
func TestCheckSameSeedSameOutputWith1And4Workers(t *testing.T) {
	var outs []string
	for _, w := range []string{"1", "4"} {
		code, out, _ := check(dag2File, "--property", "no-loss", "--faults", "crash EX2 lose-queue", "--runs", "12", "--seed", "42", "--workers", w, "--out", t.TempDir())
		require.Equal(t, 1, code, out)
		outs = append(outs, regexp.MustCompile(`(?m)^(Counterexample|Replay): .*$`).ReplaceAllString(out, ""))
	}
	require.Equal(t, outs[0], outs[1])
}

func TestCheckPassingSweepExitsZero(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := check(dag2File, "--property", "no-duplicates", "--faults", "crash any", "--runs", "4", "--out", dir)
	require.Equal(t, 0, code, out+errs)
	require.Contains(t, out, "0 of 4 variant(s) broke a property.")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "nothing written when nothing failed")
}

func TestCheckShardRunsItsShareOfTheVariants(t *testing.T) {
	code, out, _ := check(dag2File, "--property", "no-duplicates", "--faults", "crash any", "--runs", "10", "--shard", "2/4", "--out", t.TempDir())
	require.Equal(t, 0, code)
	require.Contains(t, out, "shard 2/4")
	require.Contains(t, out, "0 of 3 variant(s)") // variants 1, 5, 9
}

func TestCheckExhaustivePrintsTheTable(t *testing.T) {
	code, out, _ := check(dag2File, "--property", "no-loss", "--faults", "crash any lose-queue", "--exhaustive")
	require.Equal(t, 1, code)
	require.Contains(t, out, "Fault                After")
	require.Contains(t, out, "crash EX2 lose-queue")
	require.Contains(t, out, "single faults break a property.")
	require.Contains(t, out, "Coverage over 18 run(s)")
}

// Issue 20: --max-faults 2 adds every ordered pair and prints the failures grouped
// by signature instead of a line per run; the output does not depend on the
// worker count.
func TestCheckExhaustivePairsGroupFailuresBySignature(t *testing.T) {
	var outs []string
	for _, w := range []string{"1", "3"} {
		code, out, errs := check(dag2File, "--property", "no-loss,no-stuck", "--faults", "crash any lose-queue", "--exhaustive", "--max-faults", "2", "--grid", "10m", "--no-coverage", "--workers", w)
		require.Equal(t, 1, code, out+errs)
		outs = append(outs, out)
	}
	require.Equal(t, outs[0], outs[1])
	out := outs[0]
	require.Contains(t, out, "alone and in ordered pairs")
	require.Contains(t, out, "step boundaries and every 10m0s")
	require.Contains(t, out, "Failures by signature")
	require.Regexp(t, `Broken\s+Faults\s+After\s+Runs\s+Lost\s+Stuck\s+First`, out)
	require.Regexp(t, `\d+ of \d+ single faults break a property.\n\d+ of \d+ pairs of faults break a property.`, out)
}

func TestCheckBadInputExitsTwo(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"--property", "no-loss"}, "expected one scenario"},
		{"no property", []string{dag2File}, "--property is required"},
		{"unknown property", []string{dag2File, "--property", "no-los"}, `did you mean "no-loss"`},
		{"bound missing", []string{dag2File, "--property", "spof-under"}, "needs a bound"},
		{"bad shard", []string{dag2File, "--property", "no-loss", "--shard", "5/4"}, "want K/N"},
		{"bad fault", []string{dag2File, "--property", "no-loss", "--faults", "crash EX9"}, `unknown server "EX9"`},
		{"bad settle", []string{dag2File, "--property", "no-loss", "--settle", "soon"}, "--settle"},
		{"unknown scenario", []string{"no-such-scenario", "--property", "no-loss"}, "no such file"},
		{"unknown flag", []string{dag2File, "--property", "no-loss", "--bogus"}, "flag provided but not defined"},
		{"three exhaustive faults", []string{dag2File, "--property", "no-loss", "--exhaustive", "--max-faults", "3"}, "runs 1 or 2 faults per run"},
		{"bad grid", []string{dag2File, "--property", "no-loss", "--exhaustive", "--grid", "often"}, "--grid must be 0 or a positive duration"},
		{"grid without exhaustive", []string{dag2File, "--property", "no-loss", "--grid", "5m"}, "--grid places the faults of --exhaustive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := check(tc.args...)
			require.Equal(t, 2, code, out+errs)
			require.Contains(t, errs, tc.want)
		})
	}
}

func TestCheckFaultTemplatesSplitOnSemicolons(t *testing.T) {
	var m multi
	require.NoError(t, m.Set("crash any; partition EX1,EX2 from internet"))
	require.NoError(t, m.Set("stop EX1"))
	require.Equal(t, multi{"crash any", "partition EX1,EX2 from internet", "stop EX1"}, m)
}

func TestCheckUsageNamesEveryFlag(t *testing.T) {
	for _, f := range []string{"--property", "--faults", "--runs", "--seed", "--workers", "--shard", "--out", "--exhaustive", "--grid", "--permute-plan", "--plan-delay"} {
		require.True(t, strings.Contains(checkUsage, f), f)
	}
}

const twoMaintenancesFile = "../../scenarios/explore/testdata/dag2-two-maintenances.yaml"

// Issue 8, plan variation: with --permute-plan and --plan-delay a variant also
// runs its own order and timing of the plan's run steps; a failing variant's line
// lists the steps that moved, the counterexample has the varied plan as its steps
// and replays with exsim run to the same failure.
func TestCheckPermutedPlanCounterexampleReplaysWithExsimRun(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := check(twoMaintenancesFile, "--property", "no-stuck", "--faults", "crash EX2", "--max-faults", "1",
		"--permute-plan", "--plan-delay", "2m", "--runs", "6", "--no-coverage", "--out", dir)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errs)
	require.Empty(t, errs, "the counterexample replays")
	require.Contains(t, out, "plan permuted; plan steps delayed up to 2m0s")
	require.Regexp(t, `variant \d+ \(seed \d+\) \[[^]]*\] plan \[#\d+ \S+->\S+`, out)
	require.Regexp(t, `plan step\(s\), \d+ moved \[`, out)
	m := regexp.MustCompile(`Replay: exsim run (\S+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	data, err := os.ReadFile(m[1])
	require.NoError(t, err)
	require.Contains(t, string(data), "# Plan moves (the steps below run varied): ")
	var rout, rerr bytes.Buffer
	require.Equal(t, 0, cmdRun([]string{m[1]}, &rout, &rerr), "%s%s", rout.String(), rerr.String())
	require.Contains(t, rout.String(), "STUCK")
}

// Plan variation keeps a sweep a function of the seed: the same output with 1
// and 4 workers.
func TestCheckPermutedPlanSameSeedSameOutputWith1And4Workers(t *testing.T) {
	var outs []string
	for _, w := range []string{"1", "4"} {
		code, out, _ := check(twoMaintenancesFile, "--property", "no-loss,no-stuck", "--faults", "crash EX1", "--max-faults", "1",
			"--permute-plan", "--plan-delay", "3m", "--runs", "8", "--seed", "5", "--workers", w, "--no-coverage", "--out", t.TempDir())
		require.Equal(t, 1, code, out)
		outs = append(outs, regexp.MustCompile(`(?m)^(Counterexample|Replay): .*$`).ReplaceAllString(out, ""))
	}
	require.Equal(t, outs[0], outs[1])
}

func TestCheckPlanFlagsAreValidated(t *testing.T) {
	noRunSteps := filepath.Join(t.TempDir(), "faults-only.yaml")
	data, err := os.ReadFile(dag2File)
	require.NoError(t, err)
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.Contains(line, "run: ") {
			kept = append(kept, line)
		}
	}
	require.NoError(t, os.WriteFile(noRunSteps, []byte(strings.Join(kept, "\n")), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"negative delay", []string{dag2File, "--property", "no-loss", "--plan-delay", "-5m"}, "--plan-delay must be 0 or a positive duration"},
		{"bad delay", []string{dag2File, "--property", "no-loss", "--plan-delay", "later"}, "--plan-delay must be 0 or a positive duration"},
		{"delay without a plan", []string{noRunSteps, "--property", "no-loss", "--plan-delay", "5m"}, "vary the plan's run steps, and dag2-maintenance has none"},
		{"permute without a plan", []string{noRunSteps, "--property", "no-loss", "--permute-plan"}, "has none"},
		{"delay under the granularity", []string{dag2File, "--property", "no-loss", "--plan-delay", "30s"}, "is less than --granularity 1m"},
		{"exhaustive", []string{dag2File, "--property", "no-loss", "--exhaustive", "--permute-plan"}, "--exhaustive enumerates faults over the plan as written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := check(tc.args...)
			require.Equal(t, 2, code, out+errs)
			require.Contains(t, errs, tc.want)
		})
	}
}

// A counterexample that keeps a script step gets the script beside it, at the path
// the step names, so "exsim run COUNTEREXAMPLE" replays.
func TestCounterexampleKeepsItsScriptBesideIt(t *testing.T) {
	sc, err := scenarios.Open("scripted-maintenance-flawed")
	require.NoError(t, err)
	dir := t.TempDir()
	data, err := explore.Marshal(sc, "")
	require.NoError(t, err)
	path := filepath.Join(dir, "ce.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	require.NoError(t, writeScripts(dir, sc))
	back, err := scenarios.Open(path)
	require.NoError(t, err)
	script := func(sc *scenarios.Scenario) string {
		for _, st := range sc.Steps {
			if st.Script != nil {
				return st.Script.Source
			}
		}
		return ""
	}
	require.NotEmpty(t, script(sc))
	require.Equal(t, script(sc), script(back))
}

// A sweep raises the collector's target unless the user set GOGC, and puts it back.
func TestSweepGCRespectsGOGCAndRestores(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := sweepGC(func(string) (string, bool) { return "", false }, sweepGCPercent)
	require.Equal(t, sweepGCPercent, debug.SetGCPercent(100))
	restore()
	require.Equal(t, 100, debug.SetGCPercent(100))
	sweepGC(func(k string) (string, bool) { return "50", k == "GOGC" }, runGCPercent)()
	require.Equal(t, 100, debug.SetGCPercent(100), "GOGC set: untouched")
}

// The soft memory limit is set for the run and put back, unless GOMEMLIMIT is set.
func TestSweepGCSetsSoftMemoryLimitUnlessGOMEMLIMIT(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	restore := sweepGC(func(string) (string, bool) { return "", false }, runGCPercent)
	require.Equal(t, int64(softMemoryLimit), debug.SetMemoryLimit(-1))
	restore()
	require.Equal(t, before, debug.SetMemoryLimit(-1))
	restore = sweepGC(func(k string) (string, bool) { return "1GiB", k == "GOMEMLIMIT" }, runGCPercent)
	require.Equal(t, before, debug.SetMemoryLimit(-1), "GOMEMLIMIT set: untouched")
	restore()
}

// exsim run turns GOGC off and sets the soft limit to the heap floor, puts both back
// afterwards, and leaves the collector to GOGC or GOMEMLIMIT when either is set.
func TestRunGCStartsAtTheHeapFloorAndRestores(t *testing.T) {
	beforePct, beforeLim := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(beforePct); debug.SetMemoryLimit(beforeLim) }()
	restore := runGC(func(string) (string, bool) { return "", false })
	require.Equal(t, -1, debug.SetGCPercent(-1), "GOGC off")
	require.Equal(t, int64(runHeapFloor), debug.SetMemoryLimit(-1))
	restore()
	require.Equal(t, 100, debug.SetGCPercent(100))
	require.Equal(t, beforeLim, debug.SetMemoryLimit(-1))
	runGC(func(k string) (string, bool) { return "50", k == "GOGC" })()
	require.Equal(t, 100, debug.SetGCPercent(100), "GOGC set: as sweepGC")
	restore = runGC(func(k string) (string, bool) { return "1GiB", k == "GOMEMLIMIT" })
	require.Equal(t, runGCPercent, debug.SetGCPercent(100), "GOMEMLIMIT set: as sweepGC")
	restore()
}

// After a collection the limit moves to ratio times the live heap, within the floor
// and the ceiling, and again after the next one.
func TestHeapFloorMovesTheLimitAfterEachCollection(t *testing.T) {
	beforePct, beforeLim := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(beforePct); debug.SetMemoryLimit(beforeLim) }()
	f := &heapFloor{floor: 1 << 20, ratio: 1 << 30, ceiling: 3 << 40}
	restore := f.start()
	defer restore()
	// limits collects until n are set; finalizers run after the collection, on their
	// own goroutine
	limits := func(n int) []int64 {
		for i := 0; i < 1000; i++ {
			f.mu.Lock()
			got := append([]int64(nil), f.limits...)
			f.mu.Unlock()
			if len(got) >= n {
				return got
			}
			runtime.GC()
			runtime.Gosched()
		}
		t.Fatalf("fewer than %d limits set", n)
		return nil
	}
	require.Equal(t, int64(3<<40), limits(1)[0], "ratio x live heap is over the ceiling: the ceiling")
	require.Equal(t, int64(3<<40), debug.SetMemoryLimit(3<<40))
	f.mu.Lock()
	f.ratio = 0
	n := len(f.limits)
	f.mu.Unlock()
	require.Equal(t, int64(1<<20), limits(n + 1)[n], "ratio x live heap is under the floor: the floor")
}
