package explore

import (
	"errors"
	"github.com/exsim/exsim/sim/simtest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
)

func load(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Open(name)
	require.NoError(t, err)
	return sc
}

func dag2(t *testing.T) *scenarios.Scenario { return load(t, "testdata/dag2-maintenance.yaml") }

// A sweep is a function of (seed, i) alone: the worker count changes only speed,
// and results come back in variant order.
func TestSameSeedSameResultWith1And4Workers(t *testing.T) {
	sc := dag2(t)
	one := sameWith1And4Workers(t, Config{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, Faults: []string{"crash any", "crash EX2 lose-queue"}, Runs: 12, Seed: 7})
	require.NotEmpty(t, one.Failures(), "the two-member plan must lose mail under some crash")
}

// --shard K/N runs exactly the variants i % N == K-1, each as the whole sweep does.
func TestShardsSplitTheSweepWithoutChangingAVariant(t *testing.T) {
	sc := dag2(t)
	cfg := Config{Scenario: sc, Properties: []Property{NoLoss()}, Runs: 9, Seed: 3, Workers: 2}
	whole, err := Check(cfg)
	require.NoError(t, err)
	seen := map[int]bool{}
	for k := 1; k <= 3; k++ {
		cfg.Shard, cfg.Shards = k, 3
		part, err := Check(cfg)
		require.NoError(t, err)
		require.Len(t, part.Outcomes, 3)
		for _, o := range part.Outcomes {
			require.Equal(t, k-1, o.Index%3)
			require.Equal(t, whole.Outcomes[o.Index], o)
			seen[o.Index] = true
		}
	}
	require.Len(t, seen, 9)
}

func TestBadShardIsAnError(t *testing.T) {
	_, err := Check(Config{Scenario: dag2(t), Properties: []Property{NoLoss()}, Shard: 4, Shards: 3})
	require.ErrorContains(t, err, "shard 4/3")
}

// Issue 8: shrinking reaches a one-fault counterexample for the two-member case.
func TestShrinkReachesOneFaultCounterexampleOnTwoMembers(t *testing.T) {
	sc := dag2(t)
	props := []Property{NoLoss()}
	cands, err := Expand(sc, DefaultFaults)
	require.NoError(t, err)
	// Two faults, late: more than the failure needs.
	v := Variant{Seed: 1, Faults: []Fault{
		{At: 20 * time.Minute, Line: "crash EX2 lose-queue"},
		{At: 25 * time.Minute, Line: "crash EX1", For: 10 * time.Minute},
	}}
	require.Contains(t, cands, "crash EX2 lose-queue")
	o := RunVariant(sc, props, v, DefaultSettle)
	require.True(t, o.Failed())
	s, err := Shrink(sc, props, v, DefaultSettle, time.Minute)
	require.NoError(t, err)
	require.Len(t, s.Faults, 1)
	require.Equal(t, "crash EX2 lose-queue", s.Faults[0].Line)
	require.Less(t, s.Faults[0].At, 20*time.Minute, "shrinking moves the fault earlier")
	require.Less(t, len(s.Scenario.Steps), len(sc.Steps), "steps the failure does not need are dropped")
	require.Equal(t, "no-loss", s.Violations[0].Property)
}

// A written counterexample loads with scenarios.Load and replays to the same
// failure: the same property broken, the same count, and its pinned expect holds.
func TestWrittenCounterexampleReplaysTheSameFailure(t *testing.T) {
	sc := dag2(t)
	props := []Property{NoLoss(), NoStuck()}
	v := Variant{Seed: 1, Faults: []Fault{{At: 20 * time.Minute, Line: "crash EX2 lose-queue"}}}
	s, err := Shrink(sc, props, v, DefaultSettle, time.Minute)
	require.NoError(t, err)
	ce, err := Counterexample(s, props, DefaultSettle)
	require.NoError(t, err)
	data, err := Marshal(ce, "counterexample")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ce.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	back, err := scenarios.Load(path)
	require.NoError(t, err)
	res, err := scenarios.Run(back, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "the pinned expect holds on replay: %v", res.Failures)
	require.Equal(t, s.Result.Verdict.Lost, res.Verdict.Lost)
	require.NotZero(t, res.Verdict.Lost)
	got := Violations(props, res)
	require.Equal(t, s.Violations[0].Property, got[0].Property)
	require.Contains(t, string(data), "lost: ")
}

// The expectations property keeps the scenario's own expect, so the replay fails
// the same way.
func TestExpectationsCounterexampleKeepsTheScenariosExpect(t *testing.T) {
	sc := load(t, "shadow-promotion")
	props := []Property{Expectations()}
	v := Variant{Seed: sc.Seed, Faults: []Fault{{At: 2 * time.Minute, Line: "crash FAB-RED-HUB2 lose-queue"}}}
	s, err := Shrink(sc, props, v, 0, time.Minute)
	require.NoError(t, err)
	ce, err := Counterexample(s, props, 0)
	require.NoError(t, err)
	data, err := Marshal(ce, "")
	require.NoError(t, err)
	back, err := scenarios.Parse("ce.yaml", data)
	require.NoError(t, err)
	res, err := scenarios.Run(back, scenarios.Options{})
	require.NoError(t, err)
	require.False(t, res.Passed())
	// The same failure, at the expectations' new lines in the written file.
	unpos := regexp.MustCompile(`(^|; )\d+:\d+: `)
	require.Equal(t, unpos.ReplaceAllString(s.Violations[0].Why, "$1"), unpos.ReplaceAllString(strings.Join(res.Failures, "; "), "$1"))
}

// Issue 8, exhaustive mode: on two members, the crash of EX2 with its queue
// database while EX1 is in maintenance loses mail: the table says where. (What
// else loses mail depends on how much of Exchange 2013+ shadow redundancy the
// transport model has; the SPOF during maintenance is there either way.)
func TestExhaustiveFindsTheSPOFOfTheTwoMemberPlan(t *testing.T) {
	sc := dag2(t)
	cells, cov, err := Exhaustive(Config{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, Faults: []string{"crash any lose-queue"}, Workers: 2})
	require.NoError(t, err)
	ats, _ := Boundaries(sc)
	require.Len(t, cells, 2*len(ats))
	found := false
	for i, c := range cells {
		require.Equal(t, i, c.Index)
		require.Len(t, c.Faults, 1, "MaxFaults 0 runs single faults")
		f := c.Faults[0]
		require.Equal(t, ats[i%len(ats)], f.At, "cells go fault by fault, boundary by boundary")
		if f.Fault == "crash EX2 lose-queue" && f.At == 15*time.Minute {
			found = c.Lost > 0 && len(c.Violations) > 0 && c.Violations[0].Property == "no-loss"
		}
		if f.At == 0 {
			require.Zero(t, c.Lost, "no message exists yet at t=0: %+v", c)
		}
	}
	require.True(t, found, "crash EX2 lose-queue during EX1's maintenance must lose mail")
	require.Equal(t, len(cells), cov.Runs)
	t.Logf("\n%s\n%s", ExhaustiveTable(cells), Summary(cells))
}

// The exhaustive table is a Format-Table: numbers right-aligned, long steps cut.
func TestExhaustiveTableFormat(t *testing.T) {
	cells := []Cell{
		{Faults: []Placed{{Fault: "crash EX1 lose-queue", Step: "(start)", At: 0}}},
		{Faults: []Placed{{Fault: "crash EX2 lose-queue", Step: "Set-ServerComponentState EX1 -Component ServerWideOffline -State Inactive -Requester Maintenance",
			At: 15 * time.Minute}}, Lost: 12, SPOF: 3, Violations: []Violation{{Property: "no-loss"}, {Property: "no-stuck"}}},
		{Faults: []Placed{{Fault: "crash EX2", Step: "heal", At: 45 * time.Minute}}, Stuck: 1, Err: errors.New("event budget")},
	}
	golden(t, "exhaustive-table.golden", ExhaustiveTable(cells)+"\n"+Summary(cells)+"\n")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name, got)
}

// Variant i is drawn from (seed, i) alone: the same pair gives the same faults,
// another seed other faults, and every fault lies within the scenario.
func TestDrawDependsOnSeedAndIndexOnly(t *testing.T) {
	sc := dag2(t)
	cands, err := Expand(sc, DefaultFaults)
	require.NoError(t, err)
	a := Draw(sc, cands, 3, time.Minute, 5, 17)
	require.Equal(t, a, Draw(sc, cands, 3, time.Minute, 5, 17))
	require.NotEqual(t, a, Draw(sc, cands, 3, time.Minute, 6, 17))
	for i := range 50 {
		v := Draw(sc, cands, 3, time.Minute, 5, i)
		require.NotEmpty(t, v.Faults)
		require.LessOrEqual(t, len(v.Faults), 3)
		for _, f := range v.Faults {
			require.LessOrEqual(t, f.At, sc.Duration)
			require.Contains(t, cands, f.Line)
		}
	}
}

func TestCoverageCountsMechanismsFromTheJournal(t *testing.T) {
	sc := load(t, "hub-failure")
	res, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	c := CoverageOf(res.Journal)
	count := func(name string) int {
		for i, m := range mechanisms {
			if m.name == name {
				return c.Counts[i]
			}
		}
		t.Fatalf("no mechanism %q", name)
		return 0
	}
	// Seed 002: the first ack is delayed, the second skipped (QueueInRetry); the
	// crash loses the queue database and both messages.
	require.Equal(t, 1, count("delayed acks skipped (DelayedAckSkipping)"))
	require.Equal(t, 1, count("queue databases lost"))
	require.Equal(t, 2, count("messages lost"))
	require.Equal(t, 0, count("failovers"))
	var sum Coverage
	sum.Add(c)
	sum.Add(c)
	require.Equal(t, 2, sum.Runs)
	require.Contains(t, sum.Table(), "never")
}

// Without the journal a sweep judges every variant the same; only the coverage
// counters, read from the journal, stay empty.
func TestNoCoverageJudgesTheSame(t *testing.T) {
	cfg := Config{Scenario: dag2(t), Properties: []Property{NoLoss(), NoStuck()}, Runs: 6, Seed: 9, Workers: 2}
	with, err := Check(cfg)
	require.NoError(t, err)
	cfg.NoCoverage = true
	without, err := Check(cfg)
	require.NoError(t, err)
	for i := range with.Outcomes {
		a, b := with.Outcomes[i], without.Outcomes[i]
		a.Coverage, b.Coverage = Coverage{}, Coverage{}
		require.Equal(t, a, b)
	}
	require.NotZero(t, with.Coverage.Counts[0])
	require.Zero(t, without.Coverage.Counts[0])
	require.Equal(t, 6, without.Coverage.Runs)
}

// sameWith1And4Workers runs cfg's sweep with 1 and with 4 workers, requires the same
// report in variant order, and returns it.
func sameWith1And4Workers(t *testing.T, cfg Config) *Report {
	t.Helper()
	cfg.Workers = 1
	one, err := Check(cfg)
	require.NoError(t, err)
	cfg.Workers = 4
	four, err := Check(cfg)
	require.NoError(t, err)
	require.Equal(t, one, four)
	for i, o := range one.Outcomes {
		require.Equal(t, i, o.Index)
	}
	return one
}

// A counterexample's liveness phase starts the servers its faults left down in the
// order exploration's liveness phase does (the topology's), not the order they went
// down: on dag-maintenance, crashing EX3 then EX1 loses message #25 only when EX1
// starts first, so the other order gave a counterexample that did not replay.
func TestCounterexampleStartsServersInTheLivenessPhasesOrder(t *testing.T) {
	sc, err := scenarios.Open("dag-maintenance")
	require.NoError(t, err)
	ce, err := Counterexample(&Shrunk{Scenario: sc, Seed: 7097988313961011512, Faults: []Fault{
		{At: 5 * time.Minute, Line: "crash EX3 lose-queue"}, {At: 5 * time.Minute, Line: "crash EX1 lose-queue"},
	}}, []Property{NoLoss()}, 2*time.Hour)
	require.NoError(t, err)
	var starts []string
	for _, st := range ce.Steps {
		if st.Fault != nil && strings.HasPrefix(st.Text, "start ") {
			starts = append(starts, st.Text)
		}
	}
	require.Equal(t, []string{"start EX1", "start EX3"}, starts)
	direct, err := runFaults(sc, 7097988313961011512, []Fault{
		{At: 5 * time.Minute, Line: "crash EX3 lose-queue"}, {At: 5 * time.Minute, Line: "crash EX1 lose-queue"},
	}, 2*time.Hour)
	require.NoError(t, err)
	replay, err := scenarios.Run(ce, scenarios.Options{})
	require.NoError(t, err)
	require.Equal(t, direct.Verdict.Lost, replay.Verdict.Lost, "the counterexample replays what exploration saw")
}

// Issue 17: a generated site fault shrinks to a replayable counterexample. Failing
// Red (two members and the witness at once) stops the stretched DAG's quorum, so
// mail to DB1 waits past the latency bound; the unrelated crash is shrunk away,
// and the written counterexample replays the same violation.
func TestGeneratedSiteFaultShrinksToAReplayableCounterexample(t *testing.T) {
	sc := load(t, "testdata/sites2.yaml")
	props := []Property{LatencyUnder(10 * time.Minute)}
	cands, err := Expand(sc, []string{"fail-site any", "crash any"})
	require.NoError(t, err)
	require.Contains(t, cands, "fail-site Red")
	v := Variant{Seed: 1, Faults: []Fault{
		{At: 30 * time.Minute, Line: "fail-site Red"},
		{At: 40 * time.Minute, Line: "crash EX4", For: 5 * time.Minute},
	}}
	require.True(t, RunVariant(sc, props, v, DefaultSettle).Failed())
	s, err := Shrink(sc, props, v, DefaultSettle, time.Minute)
	require.NoError(t, err)
	require.Len(t, s.Faults, 1)
	require.Equal(t, "fail-site Red", s.Faults[0].Line)
	ce, err := Counterexample(s, props, DefaultSettle)
	require.NoError(t, err)
	data, err := Marshal(ce, "counterexample")
	require.NoError(t, err)
	require.Contains(t, string(data), "restore-site Red", "the liveness phase restores the failed site")
	path := filepath.Join(t.TempDir(), "ce.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	back, err := scenarios.Load(path)
	require.NoError(t, err)
	res, err := scenarios.Run(back, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "the pinned expect holds on replay: %v", res.Failures)
	got := Violations(props, res)
	require.NotEmpty(t, got)
	require.Equal(t, s.Violations[0].Property, got[0].Property)
}
