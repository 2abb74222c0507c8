package explore

import (
	"github.com/exsim/exsim/powershell"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios"
)

func twoMaintenances(t *testing.T) *scenarios.Scenario {
	return load(t, "testdata/dag2-two-maintenances.yaml")
}

// stepIndex finds the scenario step with this text (and server, for on: steps).
func stepIndex(t *testing.T, sc *scenarios.Scenario, on, text string) int {
	t.Helper()
	i := slices.IndexFunc(sc.Steps, func(st scenarios.Step) bool { return st.Text == text && st.On == on })
	require.GreaterOrEqual(t, i, 0, text)
	return i
}

func written(sc *scenarios.Scenario) []PlanStep {
	var plan []PlanStep
	for _, j := range adminSteps(sc) {
		plan = append(plan, PlanStep{Step: j, At: sc.Steps[j].At})
	}
	return plan
}

// swap exchanges the slots (and so the instants) of steps a and b.
func swap(plan []PlanStep, a, b int) {
	i := slices.IndexFunc(plan, func(p PlanStep) bool { return p.Step == a })
	j := slices.IndexFunc(plan, func(p PlanStep) bool { return p.Step == b })
	plan[i].Step, plan[j].Step = plan[j].Step, plan[i].Step
}

const (
	ex1Back    = "Set-ServerComponentState EX1 -Component ServerWideOffline -State Active -Requester Maintenance"
	ex2Back    = "Set-ServerComponentState EX2 -Component ServerWideOffline -State Active -Requester Maintenance"
	ex1Drain   = "Set-ServerComponentState EX1 -Component HubTransport -State Draining -Requester Maintenance"
	ex2Drain   = "Set-ServerComponentState EX2 -Component HubTransport -State Draining -Requester Maintenance"
	ex2Offline = "Set-ServerComponentState EX2 -Component ServerWideOffline -State Inactive -Requester Maintenance"
)

// The written plan of two maintenances in a row keeps every message moving; the
// same steps with EX1's return (ServerWideOffline Active) swapped with EX2's
// leave EX2 ServerWideOffline for good (its Active runs before its Inactive) after
// both members were offline at once: mail on DB2's mailbox has no Hub Transport.
func TestReorderingTwoDAGMaintenancesLeavesMailStuck(t *testing.T) {
	sc := twoMaintenances(t)
	props := []Property{NoLoss(), NoStuck()}
	ok := RunVariant(sc, props, Variant{Seed: sc.Seed}, DefaultSettle)
	require.False(t, ok.Failed(), "%v", ok.Violations)
	plan := written(sc)
	swap(plan, stepIndex(t, sc, "", ex1Back), stepIndex(t, sc, "", ex2Back))
	bad := RunVariant(sc, props, Variant{Seed: sc.Seed, Plan: plan}, DefaultSettle)
	require.True(t, bad.Failed())
	require.Equal(t, "no-stuck", bad.Violations[0].Property)
	require.NotZero(t, bad.Stuck)
}

// Shrinking moves the plan back to the written one except for what the failure
// needs: harmless swaps are undone, delays go to 0, faults the failure does not
// need go, and the counterexample keeps only the swap that matters.
func TestShrinkKeepsOnlyTheSwapThatMatters(t *testing.T) {
	sc := twoMaintenances(t)
	props := []Property{NoStuck()}
	plan := written(sc)
	swap(plan, stepIndex(t, sc, "", ex1Back), stepIndex(t, sc, "", ex2Back))
	swap(plan, stepIndex(t, sc, "", ex1Drain), stepIndex(t, sc, "EX1", "Restart-Service MSExchangeTransport"))
	swap(plan, stepIndex(t, sc, "", ex2Drain), stepIndex(t, sc, "EX2", "Restart-Service MSExchangeTransport"))
	for k := range plan {
		plan[k].At = min(plan[k].At+2*time.Minute, sc.Duration)
	}
	v := Variant{Seed: sc.Seed, Plan: plan, Faults: []Fault{{At: 50 * time.Minute, Line: "crash EX2", For: 5 * time.Minute}}}
	require.True(t, RunVariant(sc, props, v, DefaultSettle).Failed())
	require.Len(t, Moves(sc, plan), len(plan), "every slot moved")

	s, err := Shrink(sc, props, v, DefaultSettle, time.Minute)
	require.NoError(t, err)
	require.Empty(t, s.Faults, "the plan alone breaks no-stuck")
	moves := Moves(s.Scenario, s.Plan)
	require.Len(t, moves, 2, MoveList(moves))
	texts := []string{moves[0].Text, moves[1].Text}
	slices.Sort(texts)
	require.Equal(t, []string{ex1Back, ex2Back}, texts)
	require.Equal(t, moves[0].From, moves[1].To, "a pure swap: the steps exchange their written instants, no delay")
	require.Equal(t, moves[1].From, moves[0].To)
	t.Logf("shrunk in %d run(s) to %s", s.Runs, MoveList(moves))
	require.Equal(t, "no-stuck", s.Violations[0].Property)
}

// The counterexample of a varied plan has the varied plan as its steps, loads
// with scenarios.Load and replays to the same failure (its pinned expect holds).
func TestVariedPlanCounterexampleReplaysTheSameFailure(t *testing.T) {
	sc := twoMaintenances(t)
	props := []Property{NoStuck()}
	plan := written(sc)
	swap(plan, stepIndex(t, sc, "", ex1Back), stepIndex(t, sc, "", ex2Back))
	s, err := Shrink(sc, props, Variant{Seed: sc.Seed, Plan: plan}, DefaultSettle, time.Minute)
	require.NoError(t, err)
	ce, err := Counterexample(s, props, DefaultSettle)
	require.NoError(t, err)
	require.Contains(t, ce.Description, "The plan ran varied")
	data, err := Marshal(ce, "counterexample")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ce.yaml")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	back, err := scenarios.Load(path)
	require.NoError(t, err)
	// The written file runs EX2's return at 20m and EX1's at 45m.
	require.Equal(t, 20*time.Minute, back.Steps[stepIndex(t, back, "", ex2Back)].At)
	require.Equal(t, 45*time.Minute, back.Steps[stepIndex(t, back, "", ex1Back)].At)
	res, err := scenarios.Run(back, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "the pinned expect holds on replay: %v", res.Failures)
	require.Equal(t, s.Result.Verdict.Stuck, res.Verdict.Stuck)
	require.NotZero(t, res.Verdict.Stuck)
	require.Equal(t, "no-stuck", Violations(props, res)[0].Property)
}

// A sweep that permutes the plan finds the order that matters, and the same seed
// gives the same variants, plans included, with 1 and 4 workers.
func TestPermutedPlanSweepIsTheSameWith1And4Workers(t *testing.T) {
	sc := twoMaintenances(t)
	one := sameWith1And4Workers(t, Config{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, Faults: []string{"crash EX1"}, MaxFaults: 1,
		Runs: 12, Seed: 11, PermutePlan: true, PlanDelay: 3 * time.Minute, NoCoverage: true})
	for i, o := range one.Outcomes {
		require.Equal(t, DrawPlan(sc, true, 3*time.Minute, time.Minute, 11, i), o.Plan)
		require.NotEmpty(t, Moves(sc, o.Plan))
	}
	require.NotEmpty(t, one.Failures(), "some order of the two maintenances leaves mail stuck")
}

// A variant's plan depends on (seed, i) alone; it keeps every run step once,
// fault steps where they were, delays within bounds and multiples of the
// granularity; without variation a variant runs the written plan, and its faults
// are the same whether the plan varies or not.
func TestDrawPlanDependsOnSeedAndIndexOnly(t *testing.T) {
	sc := dag2(t)
	require.Nil(t, DrawPlan(sc, false, 0, time.Minute, 5, 3))
	a := DrawPlan(sc, true, 4*time.Minute, time.Minute, 5, 17)
	require.Equal(t, a, DrawPlan(sc, true, 4*time.Minute, time.Minute, 5, 17))
	require.NotEqual(t, a, DrawPlan(sc, true, 4*time.Minute, time.Minute, 6, 17))
	admin := adminSteps(sc)
	for i := range 50 {
		plan := DrawPlan(sc, i%2 == 0, 4*time.Minute, time.Minute, 5, i)
		require.Len(t, plan, len(admin))
		var got []int
		for k, p := range plan {
			got = append(got, p.Step)
			base := sc.Steps[admin[k]].At
			require.GreaterOrEqual(t, p.At, base)
			require.LessOrEqual(t, p.At, min(base+4*time.Minute, sc.Duration))
			require.Zero(t, p.At%time.Minute)
			if i%2 == 1 {
				require.Equal(t, admin[k], p.Step, "delay only: the order is the written one")
			}
		}
		slices.Sort(got)
		require.Equal(t, admin, got)
		varied, err := ApplyPlan(sc, plan)
		require.NoError(t, err)
		for _, st := range varied.Steps {
			if st.Fault != nil {
				require.True(t, slices.ContainsFunc(sc.Steps, func(o scenarios.Step) bool { return o.Text == st.Text && o.At == st.At }))
			}
		}
	}
}

func TestPlanVariationConfigErrors(t *testing.T) {
	sc := dag2(t)
	noPlan := *sc
	noPlan.Steps = slices.DeleteFunc(slices.Clone(sc.Steps), func(st scenarios.Step) bool { return st.Fault == nil })
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative delay", Config{Scenario: sc, PlanDelay: -time.Minute}, "want 0 or a positive duration"},
		{"delay without a plan", Config{Scenario: &noPlan, PlanDelay: time.Minute}, "no run step: there is no plan to vary"},
		{"permute without a plan", Config{Scenario: &noPlan, PermutePlan: true}, "no plan to vary"},
		{"delay under the granularity", Config{Scenario: sc, PlanDelay: 30 * time.Second}, "less than the granularity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Properties = []Property{NoLoss()}
			_, err := Check(tc.cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestApplyPlanRejectsAPlanThatDoesNotFit(t *testing.T) {
	sc := dag2(t)
	_, err := ApplyPlan(sc, []PlanStep{{Step: 1}})
	require.ErrorContains(t, err, "a plan of 1 step(s)")
	plan := written(sc)
	plan[1].Step = plan[0].Step
	_, err = ApplyPlan(sc, plan)
	require.ErrorContains(t, err, "used twice")
	plan = written(sc)
	plan[0].At = 2 * time.Hour
	_, err = ApplyPlan(sc, plan)
	require.ErrorContains(t, err, "outside the scenario's duration")
}

// A failure a permuting sweep finds shrinks to the moves it needs: the shrunk plan
// without its moves (the same steps, as written, no faults) keeps the property,
// so the counterexample blames the order, not a step it left out.
func TestSweepFoundPlanFailureShrinksToTheMovesItNeeds(t *testing.T) {
	sc := twoMaintenances(t)
	props := []Property{NoStuck()}
	rep, err := Check(Config{Scenario: sc, Properties: props, Faults: []string{"crash EX2"}, MaxFaults: 1,
		Runs: 4, Seed: 3, PermutePlan: true, PlanDelay: 3 * time.Minute, NoCoverage: true, Workers: 2})
	require.NoError(t, err)
	fails := rep.Failures()
	require.NotEmpty(t, fails)
	require.Greater(t, len(Moves(sc, fails[0].Plan)), 5, "a random shuffle moves most steps")
	s, err := Shrink(sc, props, fails[0].Variant, DefaultSettle, time.Minute)
	require.NoError(t, err)
	moves := Moves(s.Scenario, s.Plan)
	require.NotEmpty(t, moves)
	require.LessOrEqual(t, len(moves), 2, MoveList(moves))
	written := RunVariant(s.Scenario, props, Variant{Seed: s.Seed}, DefaultSettle)
	require.False(t, written.Failed(), "the kept steps as written keep the property: %v", written.Violations)
	require.True(t, RunVariant(s.Scenario, props, Variant{Seed: s.Seed, Plan: s.Plan, Faults: s.Faults}, DefaultSettle).Failed())
}

// The best plan is also written as the .ps1 an admin runs: the cmdlets in order with
// a Start-Sleep for each gap, the world's faults as comments; it parses.
func TestPlanScriptIsAScriptThatParses(t *testing.T) {
	sc, err := scenarios.Open("dag-maintenance")
	require.NoError(t, err)
	text, on, at := PlanScript(sc, "a header")
	require.Equal(t, "EX1", on)
	require.Equal(t, 10*time.Minute, at)
	require.Contains(t, text, "# a header\n")
	require.Contains(t, text, "Set-ServerComponentState EX1 -Component HubTransport -State Draining -Requester Maintenance\nRestart-Service MSExchangeTransport\nStart-Sleep -Seconds 120\n")
	require.Contains(t, text, "# at ")
	_, err = powershell.Parse("plan.ps1", text)
	require.NoError(t, err)
}
