package explore

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
)

// keepsDeps reports whether plan runs every Before step before its After step.
func keepsDeps(t *testing.T, res *SafestResult, sp SafePlan) {
	t.Helper()
	if sp.Plan == nil {
		return
	}
	place := map[int]int{}
	for k, p := range sp.Plan {
		place[p.Step] = k
	}
	for _, d := range res.Deps {
		require.Less(t, place[d.Before], place[d.After], "step %d must stay before %d", d.Before, d.After)
	}
}

// Issue 20: for the two-maintenance plan the search finds an order with no stuck
// mail and reports it, with its exposure, the single faults it survives and how
// it differs from the written plan; the same with 1 and 4 workers.
func TestSafestFindsAnOrderWithNoStuckMail(t *testing.T) {
	sc := twoMaintenances(t)
	cfg := SafestConfig{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, Faults: []string{"crash any"}, Workers: 1}
	res, err := Safest(cfg)
	require.NoError(t, err)
	cfg.Workers = 4
	again, err := Safest(cfg)
	require.NoError(t, err)
	require.Equal(t, res, again)
	// The inferred dependencies keep each server's steps in order, and EX2's
	// after the Redirect-Message that hands EX1's queues to it: EX1's return
	// and EX2's entry may interleave.
	require.Equal(t, 15, res.Allowed)
	require.False(t, res.Sampled)
	require.Len(t, res.Best, 3)
	best := res.Best[0]
	require.True(t, best.Kept())
	require.Zero(t, best.Stuck)
	require.Zero(t, best.Lost)
	require.LessOrEqual(t, best.Exposure, res.Written.Exposure, "the best is no worse than the written plan")
	for i, b := range res.Best {
		keepsDeps(t, res, b)
		require.Equal(t, 2*len(Must(Boundaries(mustApply(t, sc, b.Plan)))), b.Faults, "every crash at every boundary")
		if i > 0 {
			require.GreaterOrEqual(t, math.Floor(b.Exposure/res.Tolerance), math.Floor(res.Best[i-1].Exposure/res.Tolerance), "best first, within the tolerance")
		}
	}
	require.NotNil(t, best.Worst, "a single fault it survives")
	require.Equal(t, best.Moves, Moves(sc, best.Plan))
}

// Must drops Boundaries' labels.
func Must(at []time.Duration, _ []string) []time.Duration { return at }

func mustApply(t *testing.T, sc *scenarios.Scenario, plan []PlanStep) *scenarios.Scenario {
	t.Helper()
	v, err := ApplyPlan(sc, plan)
	require.NoError(t, err)
	return v
}

// The search takes its dependencies as data: with none, the orders are sampled
// from the seed, many leave mail stuck (EX2's return before its exit keeps it
// offline), and the best found still has none stuck.
func TestSafestWithoutDependenciesAvoidsTheOrdersThatLeaveMailStuck(t *testing.T) {
	sc := twoMaintenances(t)
	cfg := SafestConfig{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, Deps: []Dep{}, Orders: 40, Seed: 3, Shift: -1, Top: 1,
		Faults: []string{"crash EX1"}, Workers: 2}
	res, err := Safest(cfg)
	require.NoError(t, err)
	require.True(t, res.Sampled)
	require.Equal(t, 40, res.Orders)
	require.Positive(t, res.Broke, "orders the dependencies would forbid break no-stuck")
	require.Len(t, res.Best, 1)
	require.True(t, res.Best[0].Kept())
	require.Zero(t, res.Best[0].Stuck)
	again, err := Safest(cfg)
	require.NoError(t, err)
	require.Equal(t, res, again, "deterministic per seed")
}

func TestSafestOrderConstraintsAreData(t *testing.T) {
	sc := twoMaintenances(t)
	admin := adminSteps(sc)
	// --after 8:7 is already implied; 1:14 (the first step after the last) with
	// the inferred order makes a cycle.
	d, err := RunStepDep(sc, "1:14")
	require.NoError(t, err)
	require.Equal(t, Dep{Before: admin[13], After: admin[0]}, d)
	_, err = Safest(SafestConfig{Scenario: sc, Properties: []Property{NoStuck()}, After: []Dep{d}})
	require.ErrorContains(t, err, "the order constraints make a cycle through run steps")
	for _, bad := range []string{"1", "1:1", "0:3", "3:15", "a:b", "1:2:3"} {
		_, err := RunStepDep(sc, bad)
		require.Error(t, err, bad)
		require.ErrorContains(t, err, "run step", bad)
	}
	_, err = Safest(SafestConfig{Scenario: sc, Properties: []Property{NoStuck()}, Objective: "exposur"})
	require.ErrorContains(t, err, `unknown objective "exposur" (did you mean "exposure"?)`)
}

// Read-only steps (Get-) keep no order among themselves; a step that names no
// server depends on every step; Redirect-Message ties its target's steps.
func TestDependenciesByServerState(t *testing.T) {
	sc := load(t, "dag-maintenance")
	deps := Dependencies(sc)
	idx := func(text string) int {
		i := slices.IndexFunc(sc.Steps, func(s scenarios.Step) bool { return s.Text == text })
		require.GreaterOrEqual(t, i, 0, text)
		return i
	}
	has := func(a, b int) bool { return slices.Contains(deps, Dep{a, b}) }
	g1, g2 := idx("Get-ServerComponentState EX1"), idx("Get-Queue -Server EX1")
	require.False(t, has(g1, g2), "two reads keep no order")
	drain := idx("Set-ServerComponentState EX1 -Component HubTransport -State Draining -Requester Maintenance")
	require.True(t, has(drain, g1), "a read after a write of its server")
	all := idx("Get-MailboxDatabaseCopyStatus")
	require.True(t, has(drain, all), "a step naming no server reads every server")
	for _, d := range deps {
		require.Less(t, d.Before, d.After, "dependencies follow the written order")
	}
}

// A step's "after:" is an order the search keeps beyond the ones it infers.
func TestDependenciesKeepAStepsAfter(t *testing.T) {
	sc, err := scenarios.Parse("after.yaml", []byte(`name: after
description: two reads of different servers, ordered by after
version: Exchange2016
duration: 1h
topology:
  servers: [{name: EX1, roles: [Mailbox]}, {name: EX2, roles: [Mailbox]}, {name: EX3, roles: [Mailbox]}]
  dags: [{name: DAG1, members: [EX1, EX2, EX3]}]
  databases: [{name: DB1, copies: [EX1, EX2]}]
steps:
  - {at: 10m, id: first, run: "Get-Queue -Server EX1"}
  - {at: 20m, after: first, run: "Get-Queue -Server EX2"}
`))
	require.NoError(t, err)
	require.Equal(t, []Dep{{Before: 0, After: 1}}, Dependencies(sc), "two reads share no order but the one after: gives")
	data, err := Marshal(sc, "")
	require.NoError(t, err)
	require.Contains(t, string(data), `id: "first"`)
	require.Contains(t, string(data), `after: ["first"]`)
}
