package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
)

func merge(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := cmdMerge(args, &out, &errw)
	return code, out.String(), errw.String()
}

// sweepArgs is a small sweep of the two-member plan that finds failures: a
// random one, or exhaustive pairs.
func sweepArgs(dir string, exhaustive bool, extra ...string) []string {
	args := []string{dag2File, "--property", "no-loss,no-stuck", "--runs", "12", "--seed", "7", "--out", filepath.Join(dir, "counterexamples")}
	if exhaustive {
		args = append(args, "--exhaustive", "--max-faults", "2", "--faults", "crash any lose-queue")
	} else {
		args = append(args, "--faults", "crash any; crash EX2 lose-queue")
	}
	return append(args, extra...)
}

// Issue 20: the merged report of N shards equals the report of the sweep run on
// one machine, byte for byte; exsim merge exits 1 since variants failed.
func TestMergeOfShardReportsEqualsTheUnshardedReport(t *testing.T) {
	for _, exhaustive := range []bool{false, true} {
		t.Run(fmt.Sprint("exhaustive=", exhaustive), func(t *testing.T) {
			dir := t.TempDir()
			whole := filepath.Join(dir, "whole.json")
			code, out, errs := check(sweepArgs(dir, exhaustive, "--report", whole)...)
			require.Equal(t, 1, code, out+errs)
			var parts []string
			for k := 1; k <= 4; k++ {
				p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
				code, out, errs := check(sweepArgs(dir, exhaustive, "--shard", fmt.Sprintf("%d/4", k), "--report", p, "--workers", "1")...)
				require.Contains(t, []int{0, 1}, code, out+errs)
				parts = append(parts, p)
			}
			merged := filepath.Join(dir, "merged.json")
			code, out, errs = merge(append(parts, "--report", merged)...)
			require.Equal(t, 1, code, out+errs)
			require.Contains(t, out, "from 4 report(s) of 4 shard(s): every variant ran exactly once.")
			require.Contains(t, out, "Failures by signature")
			require.Regexp(t, `\d+ of \d+ variant\(s\) broke a property, \d+ signature\(s\).`, out)
			require.Contains(t, out, "Coverage over ")
			want, err := os.ReadFile(whole)
			require.NoError(t, err)
			got, err := os.ReadFile(merged)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

func TestMergeNamesTheVariantsNotRunOnce(t *testing.T) {
	dir := t.TempDir()
	var parts []string
	for k := 1; k <= 3; k++ {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
		code, out, errs := check(dag2File, "--property", "no-duplicates", "--faults", "crash any", "--runs", "9", "--shard", fmt.Sprintf("%d/3", k), "--no-coverage", "--report", p)
		require.Equal(t, 0, code, out+errs)
		parts = append(parts, p)
	}
	code, out, errs := merge(parts...)
	require.Equal(t, 0, code, out+errs)
	require.Contains(t, out, "0 of 9 variant(s) broke a property, 0 signature(s).")
	code, _, errs = merge(parts[0], parts[2])
	require.Equal(t, 2, code)
	require.Contains(t, errs, "3 variant(s) of 9 never run: 1, 4, 7")
	code, _, errs = merge(parts[0], parts[1], parts[2], parts[1])
	require.Equal(t, 2, code)
	require.Contains(t, errs, "run more than once: 1 ("+parts[1]+" and "+parts[1]+")")
}

func TestMergeBadInputExitsTwo(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.json")
	require.NoError(t, os.WriteFile(junk, []byte(`{"format": 1}`), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no report", nil, "expected the report files"},
		{"missing file", []string{filepath.Join(dir, "none.json")}, "no such file"},
		{"not a report", []string{junk}, "junk.json: the report names no exsim version"},
		{"unknown flag", []string{junk, "--bogus"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := merge(tc.args...)
			require.Equal(t, 2, code, out+errs)
			require.Contains(t, errs, tc.want)
		})
	}
}

// exsim merge's table, pinned (without coverage, whose counters are the
// coverage code's to change).
func TestMergeOutput(t *testing.T) {
	dir := t.TempDir()
	var parts []string
	for k := 1; k <= 2; k++ {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
		code, out, errs := check(sweepArgs(dir, false, "--no-coverage", "--shard", fmt.Sprintf("%d/2", k), "--report", p)...)
		require.Contains(t, []int{0, 1}, code, out+errs)
		parts = append(parts, p)
	}
	code, out, errs := merge(parts...)
	require.Equal(t, 1, code, errs)
	simtest.Golden(t, "merge-output.golden", out)
}
