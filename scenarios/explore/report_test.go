package explore

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
)

func reportBytes(t *testing.T, r *SweepReport) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, r.Write(&b))
	return b.Bytes()
}

// shardReports runs cfg's sweep as n shards and returns each shard's report,
// written and read back as exsim merge would.
func shardReports(t *testing.T, cfg Config, n int, exhaustive bool) []*SweepReport {
	t.Helper()
	var out []*SweepReport
	for k := 1; k <= n; k++ {
		cfg.Shard, cfg.Shards = k, n
		out = append(out, sweepReport(t, cfg, exhaustive))
	}
	return out
}

func sweepReport(t *testing.T, cfg Config, exhaustive bool) *SweepReport {
	t.Helper()
	var r *SweepReport
	if exhaustive {
		cells, cov, err := Exhaustive(cfg)
		require.NoError(t, err)
		r, err = ExhaustiveReport(cfg, "test", cells, cov)
		require.NoError(t, err)
	} else {
		rep, err := Check(cfg)
		require.NoError(t, err)
		r, err = CheckReport(cfg, "test", rep)
		require.NoError(t, err)
	}
	back, err := ReadReport(reportBytes(t, r))
	require.NoError(t, err)
	require.Equal(t, r, back, "a report reads back as written")
	return back
}

// Issue 20: same sweep, same answer. The merged report of N shards is the report
// of the sweep run on one machine, byte for byte: random and exhaustive sweeps,
// with coverage and without.
func TestMergedShardReportsEqualTheWholeSweepsReport(t *testing.T) {
	sc := dag2(t)
	props := []Property{NoLoss(), NoStuck()}
	for _, tc := range []struct {
		name       string
		cfg        Config
		exhaustive bool
		shards     int
	}{
		{"random", Config{Scenario: sc, Properties: props, Faults: []string{"crash any", "crash EX2 lose-queue"}, Runs: 13, Seed: 7, Workers: 2}, false, 4},
		{"random permuted, no coverage", Config{Scenario: sc, Properties: props, Runs: 9, Seed: 3, Workers: 2, PermutePlan: true, NoCoverage: true}, false, 2},
		{"exhaustive pairs", Config{Scenario: sc, Properties: props, Faults: []string{"crash any lose-queue"}, MaxFaults: 2, Workers: 2}, true, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := sweepReport(t, tc.cfg, tc.exhaustive)
			require.Equal(t, Shard{1, 1}, whole.Shard)
			require.Equal(t, []Span{{0, whole.Sweep.Total - 1}}, whole.Variants)
			parts := shardReports(t, tc.cfg, tc.shards, tc.exhaustive)
			// The shards in any order merge to the same bytes.
			parts[0], parts[len(parts)-1] = parts[len(parts)-1], parts[0]
			merged, err := Merge(parts, nil)
			require.NoError(t, err)
			require.Equal(t, string(reportBytes(t, whole)), string(reportBytes(t, merged)))
			if tc.name != "random permuted, no coverage" {
				require.NotEmpty(t, whole.Failures, "a sweep with failures to merge")
			}
		})
	}
}

func TestMergeNamesMissingAndRepeatedVariants(t *testing.T) {
	cfg := Config{Scenario: dag2(t), Properties: []Property{NoDuplicates()}, Runs: 30, Seed: 1, Workers: 2, NoCoverage: true}
	parts := shardReports(t, cfg, 3, false)
	names := []string{"s1.json", "s2.json", "s3.json"}
	_, err := Merge(parts[:2], names)
	require.EqualError(t, err, "10 variant(s) of 30 never run: 2, 5, 8, 11, 14, 17, 20, 23, 26, 29")
	_, err = Merge([]*SweepReport{parts[0], parts[1], parts[2], parts[1]}, append(names, "s2-again.json"))
	require.ErrorContains(t, err, "variant(s) run more than once: 1 (s2.json and s2-again.json), 4 (s2.json and s2-again.json)")
	ok, err := Merge(parts, names)
	require.NoError(t, err)
	require.Equal(t, 30, ok.Count())
}

func TestMergeRefusesReportsOfAnotherSweep(t *testing.T) {
	cfg := Config{Scenario: dag2(t), Properties: []Property{NoDuplicates()}, Runs: 4, Seed: 1, Workers: 2, NoCoverage: true, Shard: 1, Shards: 2}
	a := sweepReport(t, cfg, false)
	for _, tc := range []struct {
		name   string
		change func(r *SweepReport)
		want   string
	}{
		{"version", func(r *SweepReport) { r.Version = "other" }, "exsim test and other"},
		{"scenario", func(r *SweepReport) { r.ScenarioSHA256 = strings.Repeat("0", 64) }, "different scenarios"},
		{"seed", func(r *SweepReport) { r.Sweep.Seed = 2 }, `sweep settings {"mode":"random","seed":1`},
		{"shard count", func(r *SweepReport) { r.Shard = Shard{2, 3} }, "shards of 2 and of 3"},
		{"coverage", func(r *SweepReport) { r.Coverage = &CoverageCount{} }, "one counted coverage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := *a
			b.Sweep.Properties = append([]string(nil), a.Sweep.Properties...)
			b.Shard = Shard{2, 2}
			tc.change(&b)
			_, err := Merge([]*SweepReport{a, &b}, []string{"a.json", "b.json"})
			require.ErrorContains(t, err, "a.json and b.json are not shards of one sweep: "+tc.want)
		})
	}
}

func TestReadReportSaysWhatIsWrong(t *testing.T) {
	cfg := Config{Scenario: dag2(t), Properties: []Property{NoLoss()}, Faults: []string{"crash EX2 lose-queue"}, MaxFaults: 1, Runs: 6, Seed: 1, Workers: 2}
	good := string(reportBytes(t, sweepReport(t, cfg, false)))
	require.Contains(t, good, `"index": `, "the sweep has a failure to spoil")
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown field", `"format": 1,`, `"format": 1, "colour": "red",`, `unknown field "colour"`},
		{"format", `"format": 1,`, `"format": 2,`, "report format 2: this exsim reads format 1"},
		{"mode", `"mode": "random"`, `"mode": "randm"`, `sweep mode "randm"`},
		{"shard", `"k": 1,`, `"k": 3,`, "shard 3/1"},
		{"span", `"variants": [`, `"variants": ["7-9",`, "variant span [7, 9]"},
		{"span text", `"variants": [`, `"variants": ["7-",`, `variant span "7-": want "FROM-TO" or "I"`},
		{"span number", `"variants": [`, `"variants": [7,`, `variant span 7: want a string`},
		{"coverage runs", `"runs": 6,`, `"runs": 5,`, "the coverage counts 5 run(s) but the report ran 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, good, tc.from)
			_, err := ReadReport([]byte(strings.Replace(good, tc.from, tc.to, 1)))
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := ReadReport([]byte(good + "{}"))
	require.ErrorContains(t, err, "more data after the report's JSON object")
	_, err = ReadReport([]byte("not json"))
	require.ErrorContains(t, err, "not an exsim sweep report")
}

// ReadReport never panics, and what it accepts writes back to bytes it reads the
// same way.
func FuzzReadReport(f *testing.F) {
	sc, err := scenarios.Load("testdata/dag2-maintenance.yaml")
	if err != nil {
		f.Fatal(err)
	}
	cfg := Config{Scenario: sc, Properties: []Property{NoLoss()}, Faults: []string{"crash EX2 lose-queue"}, MaxFaults: 1, Runs: 3, Seed: 1, Workers: 1}
	rep, err := Check(cfg)
	if err != nil {
		f.Fatal(err)
	}
	r, err := CheckReport(cfg, "fuzz", rep)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"format":1,"version":"v","sweep":{"mode":"random","total":2},"shard":{"k":1,"n":1},"variants":["0-1"]}`))
	f.Add([]byte(`{"format":1,"version":"v","sweep":{"mode":"exhaustive","total":2147483648},"shard":{"k":1,"n":1},"variants":["0-2147483647"],"coverage":{"runs":-1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadReport(data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := r.Write(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadReport(b.Bytes())
		if err != nil {
			t.Fatalf("a report it accepted, written again, does not read: %v\n%s", err, b.Bytes())
		}
		var b2 bytes.Buffer
		if err := back.Write(&b2); err != nil || !bytes.Equal(b.Bytes(), b2.Bytes()) {
			t.Fatalf("written twice, two different reports:\n%s\n%s", b.Bytes(), b2.Bytes())
		}
		if _, err := Merge([]*SweepReport{r}, nil); err != nil && r.Count() == r.Sweep.Total {
			t.Fatalf("a complete report does not merge: %v", err)
		}
	})
}

// The report's JSON layout, pinned: a shard of a small sweep with a failure.
func TestReportLayout(t *testing.T) {
	cfg := Config{Scenario: dag2(t), Properties: []Property{NoLoss(), NoStuck()}, Faults: []string{"crash EX2 lose-queue"}, MaxFaults: 1,
		Runs: 6, Seed: 1, Workers: 2, NoCoverage: true, Shard: 2, Shards: 2}
	golden(t, "report-shard.golden", string(reportBytes(t, sweepReport(t, cfg, false))))
}
