package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
)

func plan(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := cmdPlan(args, &out, &errw)
	return code, out.String(), errw.String()
}

// Issue 20: exsim plan --safest reports the best plans of the two-maintenance
// plan with their exposure, the worst single fault each survives and how each
// differs from the written plan, and writes the best as a scenario that runs
// with no mail stuck; the same output with 1 and 4 workers.
func TestPlanSafestWritesTheBestPlanAsAScenario(t *testing.T) {
	var outs []string
	var path string
	for _, w := range []string{"1", "4"} {
		path = filepath.Join(t.TempDir(), "best.yaml")
		code, out, errs := plan(twoMaintenancesFile, "--safest", "--property", "no-loss,no-stuck", "--faults", "crash any", "--workers", w, "--out", path)
		require.Equal(t, 0, code, out+errs)
		require.Empty(t, errs)
		outs = append(outs, strings.ReplaceAll(out, path, "BEST.yaml"))
	}
	require.Equal(t, outs[0], outs[1])
	out := outs[1]
	require.Contains(t, out, "orders allowed: 15")
	require.Regexp(t, `Plan\s+Exposure \(msg-s\)\s+Max latency\s+Duration\s+Keeps\s+Survives\s+Worst single fault survived\s+Moves`, out)
	require.Regexp(t, `(?m)^written\s+\d+\.\d`, out)
	require.Regexp(t, `(?m)^1\s+\d+\.\d+\s+\S+\s+\S+\s+yes\s+\d+/\d+ crash EX\d at `, out)
	require.Contains(t, out, "Plan 1: ")
	sc, err := scenarios.Load(path)
	require.NoError(t, err)
	require.Equal(t, "dag2-two-maintenances-safest", sc.Name)
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	require.Zero(t, res.Verdict.Stuck)
}

func TestPlanBadInputExitsTwo(t *testing.T) {
	oneStep := filepath.Join(t.TempDir(), "one-step.yaml")
	data, err := os.ReadFile(twoMaintenancesFile)
	require.NoError(t, err)
	var kept []string
	runs := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "run: ") {
			if runs++; runs > 1 {
				continue
			}
		}
		kept = append(kept, line)
	}
	require.NoError(t, os.WriteFile(oneStep, []byte(strings.Join(kept, "\n")), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"--safest"}, "expected one scenario"},
		{"no --safest", []string{twoMaintenancesFile}, "--safest is the search exsim plan runs"},
		{"objective", []string{twoMaintenancesFile, "--safest", "--objective", "latncy"}, `unknown objective "latncy" (did you mean "latency"?)`},
		{"property", []string{twoMaintenancesFile, "--safest", "--property", "no-stuk"}, `did you mean "no-stuck"`},
		{"after", []string{twoMaintenancesFile, "--safest", "--after", "3"}, "want N:M, run step N after run step M (numbered 1 to 14)"},
		{"cycle", []string{twoMaintenancesFile, "--safest", "--after", "1:14"}, "make a cycle"},
		{"shift", []string{twoMaintenancesFile, "--safest", "--shift", "soon"}, "--shift must be 0 or a positive duration"},
		{"orders", []string{twoMaintenancesFile, "--safest", "--orders", "0"}, "--orders and --top must be at least 1"},
		{"unknown flag", []string{twoMaintenancesFile, "--safest", "--fastest"}, "flag provided but not defined"},
		{"one run step", []string{oneStep, "--safest"}, "there is no order to search"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := plan(tc.args...)
			require.Equal(t, 2, code, out+errs)
			require.Contains(t, errs, tc.want)
		})
	}
}
