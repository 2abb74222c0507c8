package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func exsim(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// The README's main job: the built-in hub-failure scenario runs, narrates and passes.
func TestRunHubFailureByPathPasses(t *testing.T) {
	code, out, errOut := exsim("run", "../../scenarios/hub-failure.yaml")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "DelayedAckSkipping (QueueInRetry)")
	require.Contains(t, out, "Expectations: all held.")
	require.Contains(t, out, "Reproduce: exsim run ../../scenarios/hub-failure.yaml --seed 1")
}

func TestRunByBuiltinNameWithFlagsAfterTheFile(t *testing.T) {
	a, outA, _ := exsim("run", "hub-failure", "--quiet", "--seed", "3")
	b, outB, _ := exsim("run", "--seed", "3", "--quiet", "hub-failure")
	require.Equal(t, 0, a)
	require.Equal(t, 0, b)
	require.Equal(t, outA, outB)
	require.Contains(t, outA, "(seed 3)")
	require.NotContains(t, outA, "Timeline", "--quiet prints only the verdict")
}

func TestRunJSONIsValidAndStable(t *testing.T) {
	_, out1, _ := exsim("run", "hub-failure", "--json")
	_, out2, _ := exsim("run", "hub-failure", "--json")
	require.Equal(t, out1, out2)
	var v struct {
		Scenario string
		Passed   bool
		Counts   struct{ Lost int }
	}
	require.NoError(t, json.Unmarshal([]byte(out1), &v))
	require.Equal(t, "hub-failure", v.Scenario)
	require.True(t, v.Passed)
	require.Equal(t, 2, v.Counts.Lost)
}

// A failed expectation exits 1 and explains itself.
func TestRunFailedExpectationExitsOne(t *testing.T) {
	data, err := os.ReadFile("../../scenarios/hub-failure.yaml")
	require.NoError(t, err)
	bad := strings.Replace(string(data), "  lost: 2\n", "  lost: 0\n", 1)
	path := filepath.Join(t.TempDir(), "hub-failure.yaml")
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o644))
	code, out, _ := exsim("run", path)
	require.Equal(t, 1, code)
	require.Contains(t, out, "Expectations FAILED")
	require.Contains(t, out, "lost: 2, expected ==0")
}

func TestBadInputExitsTwoWithPosition(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte("name: bad\ndescription: x\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers:\n    - {name: EX1, roles: [Mailbox]}\nsteps:\n  - {at: 5m, fault: \"crash EX2\"}\n"), 0o644))
	code, _, errOut := exsim("run", path)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "bad.yaml:9:")
	require.Contains(t, errOut, `did you mean "EX1"?`)
}

func TestUnknownCommandAndScenarioSuggest(t *testing.T) {
	code, _, errOut := exsim("rnu")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `did you mean "run"?`)
	code, _, errOut = exsim("run", "hub-failur")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `did you mean "hub-failure"?`)
}

func TestListValidateVersion(t *testing.T) {
	code, out, _ := exsim("list")
	require.Equal(t, 0, code)
	for _, name := range []string{"hub-failure", "shadow-promotion", "mailflow-maintenance-mode", "component-states", "single-server-maintenance"} {
		require.Contains(t, out, name)
	}
	code, out, _ = exsim("validate", "../../scenarios/hub-failure.yaml", "../../scenarios/shadow-promotion.yaml")
	require.Equal(t, 0, code)
	require.Equal(t, 2, strings.Count(out, ": ok"))
	code, out, _ = exsim("version")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "exsim "))
}

func TestRunWritesTrackingAndProtocolLogs(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := exsim("run", "hub-failure", "--quiet", "--tracking-logs", filepath.Join(dir, "t"), "--protocol-logs", filepath.Join(dir, "p"))
	require.Equal(t, 0, code, errOut)
	var files []string
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	}))
	require.NotEmpty(t, files)
	joined := strings.Join(files, "\n")
	require.Contains(t, joined, "MSGTRK20110301-1.LOG")
	data, err := os.ReadFile(filepath.Join(dir, "t", "FAB-RED-HUB1", "MessageTracking", "MSGTRK20110301-1.LOG"))
	if err == nil {
		require.Contains(t, string(data), "#Fields: date-time,")
	}
}

func TestRunWritesSelfContainedHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "hub-failure.html")
	code, _, errOut := exsim("run", "hub-failure", "--quiet", "--html", path)
	require.Equal(t, 0, code, errOut)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(strings.TrimSpace(string(data)), "<!DOCTYPE html>"))
	require.NotContains(t, string(data), "http://")
	require.NotContains(t, string(data), "https://")
}

// A tracking log that cannot be written fails the run (exit 2, the error on stderr),
// whether the stream's writer goroutine met the error (dag-maintenance writes more
// rows than one batch) or the run's end did (hub-failure: fewer).
func TestRunFailsWhenTrackingLogsCannotBeWritten(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notADir, nil, 0o644))
	for _, name := range []string{"dag-maintenance", "hub-failure"} {
		code, _, errOut := exsim("run", name, "--quiet", "--tracking-logs", filepath.Join(notADir, "t"))
		require.Equal(t, 2, code, name)
		require.Contains(t, errOut, "tracking logs: mkdir "+notADir+": not a directory", name)
	}
}
