package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/require"
)

// The example files of deploy/ are exercised, not just kept: each test reads the
// exsim command an engine would run from its file, runs it shard by shard
// in-process with the environment that engine sets, merges the reports as the file
// says, and requires the merged report to equal the unsharded sweep's. Two things
// change from the file: the sweep is cut to a few variants (--runs), and the
// report folder is a temporary one.

const deployRuns = "6"

// shardRun is one shard as an engine starts it: its environment and arguments.
type shardRun struct {
	env  map[string]string
	args []string
}

// sweepOnEngine runs the shards, merges their reports (mergeArgs, with the
// reports' glob expanded), and checks the merged report equals the report of the
// same sweep unsharded; it returns the merge's output.
// With auto, each shard must have read its shard from the environment.
func sweepOnEngine(t *testing.T, runs []shardRun, mergeArgs []string, auto bool) string {
	t.Helper()
	for _, r := range runs {
		require.Equal(t, "check", r.args[0])
		var out, errs bytes.Buffer
		code := checkWith(r.args[1:], mapEnv(r.env), &out, &errs)
		require.Contains(t, []int{0, 1}, code, "exsim %s\n%s%s", strings.Join(r.args, " "), out.String(), errs.String())
		if auto {
			require.Contains(t, errs.String(), "exsim check: shard ", "the shard comes from the engine")
		}
	}
	var expanded []string
	for _, a := range mergeArgs {
		if strings.Contains(a, "*") {
			m, err := filepath.Glob(a)
			require.NoError(t, err)
			require.Len(t, m, len(runs), a)
			expanded = append(expanded, m...)
			continue
		}
		expanded = append(expanded, a)
	}
	require.Equal(t, "merge", expanded[0])
	k := slices.Index(expanded, "--report")
	require.Positive(t, k, "the merge writes the merged report")
	merged := expanded[k+1]
	var out, errs bytes.Buffer
	code := cmdMerge(expanded[1:], &out, &errs)
	require.Contains(t, []int{0, 1}, code, out.String()+errs.String())
	require.Contains(t, out.String(), fmt.Sprintf("from %d report(s) of %d shard(s): every variant ran exactly once.", len(runs), len(runs)))

	// The same sweep on one machine: no shard, its report beside the merged one.
	whole := filepath.Join(filepath.Dir(merged), "unsharded.json")
	args := withoutShard(runs[0].args)
	args[slices.Index(args, "--report")+1] = whole
	var wout, werrs bytes.Buffer
	require.Equal(t, code, checkWith(args[1:], mapEnv(nil), &wout, &werrs), wout.String()+werrs.String())
	want, err := os.ReadFile(whole)
	require.NoError(t, err)
	got, err := os.ReadFile(merged)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "the merged report is the unsharded one")
	return out.String()
}

// withoutShard drops --shard X and --shards N.
func withoutShard(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--shard" || args[i] == "--shards" {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// adapt cuts the sweep to deployRuns variants and moves paths under dir from the
// file's report folder to tmp.
func adapt(args []string, dir, tmp string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if i > 0 && out[i-1] == "--runs" {
			out[i] = deployRuns
		}
		if strings.HasPrefix(a, dir) {
			out[i] = filepath.Join(tmp, strings.TrimPrefix(a, dir))
		}
	}
	return out
}

func TestDeployKubernetesIndexedJob(t *testing.T) {
	data, err := os.ReadFile("../../deploy/kubernetes/exsim-sweep-job.yaml")
	require.NoError(t, err)
	var job struct {
		Kind string
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Template       struct {
				Spec struct {
					Containers []struct {
						Name    string
						Command []string
						Args    []string
					}
				}
			}
		}
	}
	require.NoError(t, yaml.Unmarshal(data, &job))
	require.Equal(t, "Job", job.Kind)
	require.Equal(t, "Indexed", job.Spec.CompletionMode)
	c := job.Spec.Template.Spec.Containers[0]
	require.Equal(t, []string{"exsim"}, c.Command)
	require.Equal(t, "check", c.Args[0])
	require.Equal(t, strconv.Itoa(job.Spec.Completions), c.Args[slices.Index(c.Args, "--shards")+1], "--shards repeats spec.completions")
	tmp := t.TempDir()
	var runs []shardRun
	for i := range job.Spec.Completions {
		env := map[string]string{"JOB_COMPLETION_INDEX": strconv.Itoa(i), "HOSTNAME": fmt.Sprintf("exsim-sweep-%d-abcde", i)}
		// Kubernetes expands $(VAR) in args from the container's environment.
		args := make([]string, len(c.Args))
		for k, a := range c.Args {
			args[k] = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`).ReplaceAllStringFunc(a, func(m string) string {
				if v, ok := env[m[2:len(m)-1]]; ok {
					return v
				}
				return m
			})
		}
		runs = append(runs, shardRun{env, adapt(args, "/reports", tmp)})
	}
	// The merge line of the file's comment.
	m := regexp.MustCompile(`(?m)^#\s+exsim (merge .*)$`).FindStringSubmatch(string(data))
	require.NotNil(t, m, "the manifest says how to merge")
	out := sweepOnEngine(t, runs, adapt(strings.Fields(m[1]), "/reports", tmp), true)
	require.Contains(t, out, "dag-maintenance, random sweep of "+deployRuns+" variant(s)")
}

// slurmArray lists the task IDs of an sbatch --array value: "0-31", "1,3,5,7",
// "1-7:2", with an optional "%limit" (which bounds concurrency, not IDs).
func slurmArray(t *testing.T, spec string) (ids []int, step int) {
	t.Helper()
	spec, _, _ = strings.Cut(spec, "%")
	items := strings.Split(spec, ",")
	for _, item := range items {
		rng, st, hasStep := strings.Cut(item, ":")
		lo, hi, isRange := strings.Cut(rng, "-")
		a, err := strconv.Atoi(lo)
		require.NoError(t, err, item)
		b, s := a, 1
		if isRange {
			b, err = strconv.Atoi(hi)
			require.NoError(t, err, item)
		}
		if hasStep {
			s, err = strconv.Atoi(st)
			require.NoError(t, err, item)
		}
		for i := a; i <= b; i += s {
			ids = append(ids, i)
		}
		step = s
	}
	if len(items) > 1 {
		step = 0 // a list: the test does not claim what Slurm sets as the step
	}
	slices.Sort(ids)
	return ids, step
}

// shellWords splits a command line as sh would for the plain words and "..."
// strings the deploy files use, after expanding $VAR and ${VAR} from env.
func shellWords(t *testing.T, line string, env map[string]string) []string {
	t.Helper()
	line = os.Expand(line, func(v string) string {
		val, ok := env[v]
		require.True(t, ok, "the command uses $%s, which the engine does not set here", v)
		return val
	})
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			in, quoted = !in, true
		case (r == ' ' || r == '\t') && !in:
			if cur.Len() > 0 || quoted {
				words = append(words, cur.String())
			}
			cur.Reset()
			quoted = false
		default:
			cur.WriteRune(r)
		}
	}
	require.False(t, in, "unbalanced quote in %s", line)
	if cur.Len() > 0 || quoted {
		words = append(words, cur.String())
	}
	return words
}

func TestDeploySlurmArray(t *testing.T) {
	data, err := os.ReadFile("../../deploy/slurm/exsim-sweep.sbatch")
	require.NoError(t, err)
	script := strings.ReplaceAll(string(data), "\\\n", " ")
	arr := regexp.MustCompile(`(?m)^#SBATCH --array=(\S+)$`).FindStringSubmatch(script)
	require.NotNil(t, arr)
	cpus := regexp.MustCompile(`(?m)^#SBATCH --cpus-per-task=(\d+)$`).FindStringSubmatch(script)
	require.NotNil(t, cpus)
	ids, step := slurmArray(t, arr[1])
	require.Equal(t, []int{0, 10, 20, 30}, ids, "the example is a stepped array")
	line := regexp.MustCompile(`(?m)^exsim (check .*)$`).FindStringSubmatch(script)
	require.NotNil(t, line)
	tmp := t.TempDir()
	var runs []shardRun
	for _, id := range ids {
		env := map[string]string{"SLURM_JOB_ID": strconv.Itoa(5000 + id), "SLURM_ARRAY_JOB_ID": "5000", "SLURM_ARRAY_TASK_ID": strconv.Itoa(id),
			"SLURM_ARRAY_TASK_COUNT": strconv.Itoa(len(ids)), "SLURM_ARRAY_TASK_MIN": strconv.Itoa(ids[0]),
			"SLURM_ARRAY_TASK_MAX": strconv.Itoa(ids[len(ids)-1]), "SLURM_CPUS_PER_TASK": cpus[1]}
		if step > 0 {
			env["SLURM_ARRAY_TASK_STEP"] = strconv.Itoa(step)
		}
		runs = append(runs, shardRun{env, adapt(shellWords(t, line[1], env), "reports", tmp)})
	}
	m := regexp.MustCompile(`--wrap '(exsim merge [^']*)'`).FindStringSubmatch(script)
	require.NotNil(t, m, "the script says how to merge")
	out := sweepOnEngine(t, runs, adapt(shellWords(t, strings.TrimPrefix(m[1], "exsim "), nil), "reports", tmp), true)
	require.Contains(t, out, "dag-maintenance, random sweep of "+deployRuns+" variant(s)")
}

func TestDeployGitHubActionsMatrix(t *testing.T) {
	data, err := os.ReadFile("../../deploy/github-actions/exsim-sweep.yml")
	require.NoError(t, err)
	type step struct{ Run string }
	var wf struct {
		Jobs map[string]struct {
			Needs    string
			Strategy struct {
				Matrix struct{ Shard []int }
			}
			Steps []step
		}
	}
	require.NoError(t, yaml.Unmarshal(data, &wf))
	sweep, merge := wf.Jobs["sweep"], wf.Jobs["merge"]
	require.Equal(t, "sweep", merge.Needs)
	run := func(steps []step, prefix string) string {
		for _, s := range steps {
			if strings.HasPrefix(s.Run, prefix) {
				return s.Run
			}
		}
		t.Fatalf("no step runs %q", prefix)
		return ""
	}
	check, mergeLine := run(sweep.Steps, "exsim check"), run(merge.Steps, "exsim merge")
	shards := sweep.Strategy.Matrix.Shard
	require.Equal(t, []int{1, 2, 3, 4}, shards)
	tmp := t.TempDir()
	var runs []shardRun
	for _, k := range shards {
		// GitHub Actions expands the expressions before the shell sees the line.
		line := strings.NewReplacer("${{ matrix.shard }}", strconv.Itoa(k), "${{ strategy.job-total }}", strconv.Itoa(len(shards))).Replace(check)
		require.NotContains(t, line, "${{")
		env := map[string]string{"GITHUB_ACTIONS": "true", "CI": "true"}
		runs = append(runs, shardRun{env, adapt(shellWords(t, strings.TrimPrefix(line, "exsim "), env), "reports", tmp)})
	}
	out := sweepOnEngine(t, runs, adapt(shellWords(t, strings.TrimPrefix(mergeLine, "exsim "), nil), "reports", tmp), false)
	require.Contains(t, out, "dag-maintenance, random sweep of "+deployRuns+" variant(s)")
}
