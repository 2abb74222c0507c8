package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAutoShardReadsEachBatchEngine(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		shards     int
		k, n       int
		engine     string
		status     string
		wantErr    string
		wantStatus bool
	}{
		{name: "kubernetes", env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, shards: 4, k: 3, n: 4, engine: "Kubernetes Indexed Job"},
		{name: "kubernetes without --shards", env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, wantErr: "give --shards N, the Job's spec.completions"},
		{name: "kubernetes index too big", env: map[string]string{"JOB_COMPLETION_INDEX": "4"}, shards: 4, wantErr: "JOB_COMPLETION_INDEX=4: want 0 to 3"},
		{name: "kubernetes index not a number", env: map[string]string{"JOB_COMPLETION_INDEX": "two"}, shards: 4, wantErr: `JOB_COMPLETION_INDEX="two": want an integer`},
		{name: "slurm from 1", env: slurm("3", "4", "1", "4", "1"), k: 3, n: 4, engine: "Slurm job array"},
		{name: "slurm from 0", env: slurm("0", "4", "0", "3", "1"), k: 1, n: 4, engine: "Slurm job array"},
		{name: "slurm stepped", env: slurm("20", "4", "0", "30", "10"), k: 3, n: 4, engine: "Slurm job array"},
		{name: "slurm even list, step not set", env: slurm("5", "4", "1", "7", ""), k: 3, n: 4, engine: "Slurm job array"},
		{name: "slurm even list, step 1", env: slurm("7", "4", "1", "7", "1"), k: 4, n: 4, engine: "Slurm job array"},
		{name: "slurm one task", env: slurm("9", "1", "9", "9", "1"), k: 1, n: 1, engine: "Slurm job array"},
		{name: "slurm irregular", env: slurm("2", "3", "1", "7", "1"), wantErr: "the IDs are not evenly spaced"},
		{name: "slurm without count", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, wantErr: "SLURM_ARRAY_TASK_COUNT is not"},
		{name: "slurm with other --shards", env: slurm("1", "4", "1", "4", "1"), shards: 8, wantErr: "--shards 8, but the Slurm array has 4 tasks"},
		{name: "bazel", env: map[string]string{"TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "4", "TEST_SHARD_STATUS_FILE": "/tmp/x"}, k: 1, n: 4, engine: "Bazel test sharding", status: "/tmp/x"},
		{name: "bazel without total", env: map[string]string{"TEST_SHARD_INDEX": "0"}, wantErr: "TEST_TOTAL_SHARDS is not"},
		{name: "bazel index out of range", env: map[string]string{"TEST_SHARD_INDEX": "4", "TEST_TOTAL_SHARDS": "4"}, wantErr: "want 0 <= index < total"},
		{name: "nothing", env: map[string]string{"GITHUB_ACTIONS": "true"}, wantErr: "on GitHub Actions pass --shard ${{ matrix.shard }}/N"},
		{name: "two engines", env: map[string]string{"JOB_COMPLETION_INDEX": "0", "TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "2"}, shards: 2, wantErr: "Kubernetes (JOB_COMPLETION_INDEX) and Bazel (TEST_SHARD_INDEX)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, n, engine, status, err := autoShard(mapEnv(tc.env), tc.shards)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, []any{tc.k, tc.n, tc.engine, tc.status}, []any{k, n, engine, status})
		})
	}
}

// slurm is the environment of one task of a Slurm array ("" leaves the step out).
func slurm(id, count, lo, hi, step string) map[string]string {
	env := map[string]string{"SLURM_ARRAY_JOB_ID": "4242", "SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_COUNT": count,
		"SLURM_ARRAY_TASK_MIN": lo, "SLURM_ARRAY_TASK_MAX": hi}
	if step != "" {
		env["SLURM_ARRAY_TASK_STEP"] = step
	}
	return env
}

// Under Bazel, exsim check touches TEST_SHARD_STATUS_FILE, as Bazel asks of a
// test that shards.
func TestCheckShardAutoTouchesBazelsStatusFile(t *testing.T) {
	status := filepath.Join(t.TempDir(), "shard-status")
	env := map[string]string{"TEST_SHARD_INDEX": "1", "TEST_TOTAL_SHARDS": "4", "TEST_SHARD_STATUS_FILE": status}
	code, out, errs := checkEnv(env, dag2File, "--property", "no-duplicates", "--faults", "crash any", "--runs", "10", "--shard", "auto", "--no-coverage", "--out", t.TempDir())
	require.Equal(t, 0, code, out+errs)
	require.Contains(t, errs, "shard 2/4 from the Bazel test sharding")
	require.Contains(t, out, "shard 2/4")
	_, err := os.Stat(status)
	require.NoError(t, err)
}

func TestCheckShardsFlagNeedsAuto(t *testing.T) {
	code, _, errs := checkEnv(nil, dag2File, "--property", "no-loss", "--shard", "1/4", "--shards", "4")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--shards goes with --shard auto")
	code, _, errs = checkEnv(nil, dag2File, "--property", "no-loss", "--shard", "auto")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "no batch engine's shard in the environment")
}

// autoShard reads what the environment holds without panicking, and a shard it
// accepts is one of its count.
func FuzzAutoShard(f *testing.F) {
	f.Add("2", "", "", "", "", "", "", "", 4)
	f.Add("", "20", "4", "0", "30", "10", "", "", 0)
	f.Add("", "", "", "", "", "", "1", "4", 0)
	f.Add("", "7", "4", "1", "7", "0", "", "", 0)
	f.Add("", "-3", "0", "-9", "-1", "-2", "", "", -1)
	f.Fuzz(func(t *testing.T, job, id, count, lo, hi, step, bazelIndex, bazelTotal string, shards int) {
		env := map[string]string{}
		for k, v := range map[string]string{"JOB_COMPLETION_INDEX": job, "SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_COUNT": count,
			"SLURM_ARRAY_TASK_MIN": lo, "SLURM_ARRAY_TASK_MAX": hi, "SLURM_ARRAY_TASK_STEP": step,
			"TEST_SHARD_INDEX": bazelIndex, "TEST_TOTAL_SHARDS": bazelTotal} {
			if v != "" {
				env[k] = v
			}
		}
		k, n, engine, _, err := autoShard(mapEnv(env), shards)
		if err != nil {
			return
		}
		if k < 1 || k > n || engine == "" {
			t.Fatalf("shard %d/%d from %q for %v", k, n, engine, env)
		}
	})
}
