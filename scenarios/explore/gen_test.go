package explore

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/format"
)

// Every scenario file the project has: the built-ins, the format's examples, and
// the DAG plans here.
func corpus(t *testing.T) []*scenarios.Scenario {
	t.Helper()
	var out []*scenarios.Scenario
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	for _, b := range list {
		out = append(out, load(t, b.Name))
	}
	for _, glob := range []string{"../format/testdata/good/*.yaml", "testdata/*.yaml"} {
		files, err := filepath.Glob(glob)
		require.NoError(t, err)
		for _, f := range files {
			out = append(out, load(t, f))
		}
	}
	require.GreaterOrEqual(t, len(out), 5)
	return out
}

// Marshal writes what Parse reads back: the same YAML again, and the same run
// (the hash covers every event).
func TestMarshalRoundTripsEveryScenario(t *testing.T) {
	for _, sc := range corpus(t) {
		t.Run(sc.Name, func(t *testing.T) {
			requireRoundTrip(t, sc)
		})
	}
}

func requireRoundTrip(t require.TestingT, sc *scenarios.Scenario) {
	data, err := Marshal(sc, "a comment\nover two lines")
	require.NoError(t, err)
	back, err := format.ParseFiles("back.yaml", data, func(rel string) ([]byte, error) {
		for _, st := range sc.Steps { // a script step's file, as the original read it
			if st.Script != nil && st.Script.Path == rel {
				return []byte(st.Script.Source), nil
			}
		}
		return nil, fmt.Errorf("no script %s", rel)
	})
	require.NoError(t, err, "%s", data)
	again, err := Marshal(back, "a comment\nover two lines")
	require.NoError(t, err)
	require.Equal(t, string(data), string(again))
	a, errA := scenarios.Run(sc, scenarios.Options{NoJournal: true})
	b, errB := scenarios.Run(back, scenarios.Options{NoJournal: true})
	if errA != nil { // a scenario the runner refuses (format-example's monitor) is refused again
		require.Error(t, errB)
		return
	}
	require.NoError(t, errB)
	require.Equal(t, a.Hash, b.Hash)
	require.Equal(t, a.Verdict.Delivered, b.Verdict.Delivered)
	require.Equal(t, a.Passed(), b.Passed())
}

func TestMarshalNilIsAnError(t *testing.T) {
	_, err := Marshal(nil, "")
	require.Error(t, err)
}

// Issue 8: the generators produce only valid scenarios. A generated topology with
// generated traffic, a permuted plan and generated faults as steps is written as
// YAML, loads, and runs without error; the faults lie within the scenario.
func TestGeneratorsProduceOnlyValidScenarios(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := TopologyGen().Draw(t, "topology")
		sc.Traffic = TrafficGen(sc).Draw(t, "traffic")
		cands, err := Expand(sc, []string{"crash any", "crash any lose-queue", "stop any", "fail-copy any", "partition any from internet"})
		if len(sc.Topology.DAGs) == 0 {
			cands, err = Expand(sc, []string{"crash any", "crash any lose-queue", "stop any", "partition any from internet"})
		}
		require.NoError(t, err)
		faults := FaultsGen(sc, cands, 3, time.Minute).Draw(t, "faults")
		steps, err := Steps(sc, faults)
		require.NoError(t, err)
		sc.Steps = append(sc.Steps, steps...)
		sc = PlanGen(sc, 10*time.Minute, time.Minute).Draw(t, "plan")
		for _, st := range sc.Steps {
			require.LessOrEqual(t, st.At, sc.Duration)
		}
		data, err := Marshal(sc, "")
		require.NoError(t, err)
		back, err := scenarios.Parse("generated.yaml", data)
		require.NoError(t, err, "%s", data)
		res, err := scenarios.Run(back, scenarios.Options{NoJournal: true, Settle: time.Hour})
		require.NoError(t, err)
		require.Equal(t, res.Verdict.Delivered+res.Verdict.Bounced+res.Verdict.Lost+res.Verdict.Stuck, len(res.Verdict.Fates))
	})
}

// A permuted plan keeps the plan's steps (the same multiset of step texts) and
// every fault step at its instant.
func TestPlanGenPermutesOnlyTheAdminSteps(t *testing.T) {
	sc := dag2(t)
	rapid.Check(t, func(t *rapid.T) {
		p := PlanGen(sc, 5*time.Minute, time.Minute).Draw(t, "plan")
		require.Len(t, p.Steps, len(sc.Steps))
		count := map[string]int{}
		for _, st := range sc.Steps {
			count[st.Text]++
		}
		for _, st := range p.Steps {
			count[st.Text]--
			if st.Fault != nil {
				found := false
				for _, o := range sc.Steps {
					found = found || (o.Text == st.Text && o.At == st.At)
				}
				require.True(t, found, "fault step %q moved", st.Text)
			}
		}
		for k, n := range count {
			require.Zero(t, n, k)
		}
		_, err := scenarios.Run(p, scenarios.Options{NoJournal: true})
		require.NoError(t, err)
	})
}

func TestExpandTemplates(t *testing.T) {
	sc := dag2(t)
	hub := load(t, "hub-failure")
	for _, tc := range []struct {
		name      string
		sc        *scenarios.Scenario
		templates []string
		want      []string
		err       string
	}{
		{"crash any over a DAG", sc, []string{"crash any"}, []string{"crash EX1", "crash EX2"}, ""},
		{"lose-queue only where transport runs", hub, []string{"crash any lose-queue"}, []string{"crash FAB-RED-HUB1 lose-queue", "crash FAB-RED-HUB2 lose-queue"}, ""},
		{"names take their declared spelling", sc, []string{"crash ex2 lose-queue"}, []string{"crash EX2 lose-queue"}, ""},
		{"fail-copy any", sc, []string{"fail-copy any"}, []string{`fail-copy DB1\EX1`, `fail-copy DB1\EX2`, `fail-copy DB2\EX2`, `fail-copy DB2\EX1`}, ""},
		{"partition any from internet", sc, []string{"partition any from internet"}, []string{"partition EX1 from internet", "partition EX2 from internet"}, ""},
		{"partition any from any", sc, []string{"partition any from any"}, []string{"partition EX1 from EX2"}, ""},
		{"duplicates dropped", sc, []string{"crash any", "crash EX1"}, []string{"crash EX1", "crash EX2"}, ""},
		{"unknown server", sc, []string{"crash EX9"}, nil, `unknown server "EX9"`},
		{"a repair is not a fault", sc, []string{"start EX1"}, nil, "repair"},
		{"bad grammar", sc, []string{"explode EX1"}, nil, "unknown fault"},
		{"any with heal", sc, []string{"heal any"}, nil, "any"},
		{"nothing", sc, nil, nil, "give no fault"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Expand(tc.sc, tc.templates)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// A crash repaired later becomes a fault and a start; a partition lasts until the
// liveness phase (heal would end the scenario's own partition too).
func TestStepsRepairCrashesButNotPartitions(t *testing.T) {
	sc := dag2(t)
	steps, err := Steps(sc, []Fault{
		{At: 20 * time.Minute, Line: "crash EX2", For: 5 * time.Minute},
		{At: 10 * time.Minute, Line: "partition EX1 from EX2", For: 5 * time.Minute},
		{At: 50 * time.Minute, Line: "stop EX1", For: time.Hour},
	})
	require.NoError(t, err)
	var got []string
	for _, st := range steps {
		got = append(got, dur(st.At)+" "+st.Text)
	}
	require.Equal(t, []string{"10m partition EX1 from EX2", "20m crash EX2", "25m start EX2", "50m stop EX1"}, got)
	_, err = Steps(sc, []Fault{{At: 2 * time.Hour, Line: "crash EX1"}})
	require.ErrorContains(t, err, "after the scenario's duration")
}

// Issue 17: fail-site any and partition-sites any expand over the sites that hold a
// server; restore-site is the repair of fail-site, not a fault; a fail-site repaired
// later becomes a restore-site step.
func TestExpandSiteTemplatesAndRepairFailSite(t *testing.T) {
	sc := load(t, "testdata/sites2.yaml")
	got, err := Expand(sc, []string{"fail-site any", "partition-sites any", "partition-sites red from any", "fail-site blue"})
	require.NoError(t, err)
	require.Equal(t, []string{"fail-site Red", "fail-site Blue", "partition-sites Red from Blue", "partition-sites Blue from Red"}, got)
	_, err = Expand(sc, []string{"restore-site Red"})
	require.ErrorContains(t, err, "repair")
	_, err = Expand(sc, []string{"fail-site Green"})
	require.ErrorContains(t, err, `unknown AD site "Green"`)
	_, err = Expand(sc, []string{"partition-sites any to any"})
	require.Error(t, err)
	steps, err := Steps(sc, []Fault{{At: 10 * time.Minute, Line: "fail-site Red", For: 20 * time.Minute}, {At: 5 * time.Minute, Line: "partition-sites Red from Blue", For: time.Minute}})
	require.NoError(t, err)
	var lines []string
	for _, st := range steps {
		lines = append(lines, dur(st.At)+" "+st.Text)
	}
	require.Equal(t, []string{"5m partition-sites Red from Blue", "10m fail-site Red", "30m restore-site Red"}, lines)
}
