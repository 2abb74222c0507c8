package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// lookupEnv is how the CLI reads the environment (os.LookupEnv in main; a map in
// tests), so that a batch engine's variables are an input like the flags.
type lookupEnv func(name string) (string, bool)

// mapEnv is a lookupEnv over a map, for tests and for engines simulated in them.
func mapEnv(m map[string]string) lookupEnv {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// autoShard is --shard auto: the shard K of N (1-based) that the batch engine the
// process runs under has made it, from the variables each sets.
//
//   - Kubernetes Indexed Job: JOB_COMPLETION_INDEX is 0 to completions-1. The pod
//     is not told the completion count, so --shards N (spec.completions) must say
//     it.
//   - Slurm job array: SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_COUNT,
//     SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_MAX and SLURM_ARRAY_TASK_STEP. The
//     IDs need not start at 0 or 1, and may be stepped (--array=0-30:10) or an
//     evenly spaced list (--array=1,3,5,7): the shard is the ID's place in
//     MIN, MIN+STEP, ..., MAX. The step is SLURM_ARRAY_TASK_STEP when it spans
//     the COUNT IDs from MIN to MAX, else (MAX-MIN)/(COUNT-1); IDs that are not
//     evenly spaced (--array=1,2,7) cannot be numbered from the environment, and
//     are an error. --shards, if given, must equal the count.
//   - Bazel test sharding: TEST_SHARD_INDEX (0-based) of TEST_TOTAL_SHARDS.
//     Bazel also asks a test that shards to touch TEST_SHARD_STATUS_FILE;
//     statusFile is that path, for the caller to touch.
//
// GitHub Actions has no such variables (strategy.job-index exists only in
// expressions): a matrix passes the shard as a flag, --shard ${{ matrix.shard }}/N.
// Variables of two engines at once are an error, not a guess.
func autoShard(env lookupEnv, shards int) (k, n int, engine, statusFile string, err error) {
	get := func(name string) (string, bool) {
		v, ok := env(name)
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
	}
	num := func(name string) (int, error) {
		v, _ := get(name)
		i, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%s=%q: want an integer", name, v)
		}
		return i, nil
	}
	var found []string
	for _, e := range []struct{ engine, name string }{{"Kubernetes", "JOB_COMPLETION_INDEX"}, {"Slurm", "SLURM_ARRAY_TASK_ID"}, {"Bazel", "TEST_SHARD_INDEX"}} {
		if _, ok := get(e.name); ok {
			found = append(found, e.engine+" ("+e.name+")")
		}
	}
	switch len(found) {
	case 0:
		return 0, 0, "", "", fmt.Errorf("--shard auto: no batch engine's shard in the environment (JOB_COMPLETION_INDEX of a Kubernetes Indexed Job, SLURM_ARRAY_TASK_ID of a Slurm array, TEST_SHARD_INDEX of Bazel); on GitHub Actions pass --shard ${{ matrix.shard }}/N")
	case 1:
	default:
		return 0, 0, "", "", fmt.Errorf("--shard auto: the environment holds the shard of %s: set --shard K/N to say which", strings.Join(found, " and "))
	}
	switch {
	case strings.HasPrefix(found[0], "Kubernetes"):
		i, err := num("JOB_COMPLETION_INDEX")
		if err != nil {
			return 0, 0, "", "", err
		}
		if shards < 1 {
			return 0, 0, "", "", fmt.Errorf("--shard auto in a Kubernetes Indexed Job: give --shards N, the Job's spec.completions (the pod is told only its index)")
		}
		if i < 0 || i >= shards {
			return 0, 0, "", "", fmt.Errorf("JOB_COMPLETION_INDEX=%d: want 0 to %d for --shards %d", i, shards-1, shards)
		}
		return i + 1, shards, "Kubernetes Indexed Job", "", nil
	case strings.HasPrefix(found[0], "Slurm"):
		k, n, err := slurmShard(get, num)
		if err != nil {
			return 0, 0, "", "", err
		}
		if shards > 0 && shards != n {
			return 0, 0, "", "", fmt.Errorf("--shards %d, but the Slurm array has %d tasks (SLURM_ARRAY_TASK_COUNT)", shards, n)
		}
		return k, n, "Slurm job array", "", nil
	default:
		if _, ok := get("TEST_TOTAL_SHARDS"); !ok {
			return 0, 0, "", "", fmt.Errorf("TEST_SHARD_INDEX is set but TEST_TOTAL_SHARDS is not: Bazel sets both")
		}
		i, err := num("TEST_SHARD_INDEX")
		if err != nil {
			return 0, 0, "", "", err
		}
		total, err := num("TEST_TOTAL_SHARDS")
		if err != nil {
			return 0, 0, "", "", err
		}
		if total < 1 || i < 0 || i >= total {
			return 0, 0, "", "", fmt.Errorf("TEST_SHARD_INDEX=%d of TEST_TOTAL_SHARDS=%d: want 0 <= index < total", i, total)
		}
		if shards > 0 && shards != total {
			return 0, 0, "", "", fmt.Errorf("--shards %d, but Bazel runs %d shards (TEST_TOTAL_SHARDS)", shards, total)
		}
		status, _ := get("TEST_SHARD_STATUS_FILE")
		return i + 1, total, "Bazel test sharding", status, nil
	}
}

func slurmShard(get func(string) (string, bool), num func(string) (int, error)) (k, n int, err error) {
	for _, v := range []string{"SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX"} {
		if _, ok := get(v); !ok {
			return 0, 0, fmt.Errorf("SLURM_ARRAY_TASK_ID is set but %s is not: Slurm sets it for every array task", v)
		}
	}
	var id, count, lo, hi int
	for _, p := range []struct {
		dst  *int
		name string
	}{{&id, "SLURM_ARRAY_TASK_ID"}, {&count, "SLURM_ARRAY_TASK_COUNT"}, {&lo, "SLURM_ARRAY_TASK_MIN"}, {&hi, "SLURM_ARRAY_TASK_MAX"}} {
		if *p.dst, err = num(p.name); err != nil {
			return 0, 0, err
		}
	}
	if count < 1 || lo > hi || id < lo || id > hi {
		return 0, 0, fmt.Errorf("SLURM_ARRAY_TASK_ID=%d with MIN=%d, MAX=%d, COUNT=%d: want MIN <= ID <= MAX and COUNT >= 1", id, lo, hi, count)
	}
	if count == 1 {
		return 1, 1, nil
	}
	step := 0
	if _, ok := get("SLURM_ARRAY_TASK_STEP"); ok {
		s, err := num("SLURM_ARRAY_TASK_STEP")
		if err != nil {
			return 0, 0, err
		}
		if s > 0 && lo+(count-1)*s == hi {
			step = s
		}
	}
	if step == 0 && (hi-lo)%(count-1) == 0 {
		step = (hi - lo) / (count - 1)
	}
	if step == 0 || (id-lo)%step != 0 || (id-lo)/step >= count {
		return 0, 0, fmt.Errorf("Slurm array task %d of %d IDs from %d to %d: the IDs are not evenly spaced, so the environment cannot say which shard this is; submit --array=0-%d (or MIN-MAX:STEP)", id, count, lo, hi, count-1)
	}
	return (id-lo)/step + 1, count, nil
}

// touch creates the file (or leaves it as it is): Bazel's sign that a test knows
// sharding.
func touch(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// buildVersion is the version a report records: the release version and, when the
// binary was built from a git checkout, its commit (with "+dirty" for local
// changes), so shards of one sweep run by different builds do not merge.
func buildVersion() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		v += " (" + rev[:min(len(rev), 12)] + dirty + ")"
	}
	return v
}
