package explore

import (
	"testing"
	"time"

	"github.com/exsim/exsim/scenarios"
)

// BenchmarkCheck measures checks per second on one core: one check is one variant
// of the two-member DAG maintenance plan (1 simulated hour of steady Poisson
// traffic, the internet link down for 45 minutes) with 1 or 2 random crashes,
// judged against no-loss and no-stuck, with coverage counted from its journal.
// "settle" adds the default 2-hour liveness phase, as exsim check runs it;
// "settle-no-coverage" runs without the journal (exsim check --no-coverage).
func BenchmarkCheck(b *testing.B) {
	sc, err := scenarios.Load("testdata/dag2-maintenance.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cands, err := Expand(sc, DefaultFaults)
	if err != nil {
		b.Fatal(err)
	}
	props := []Property{NoLoss(), NoStuck()}
	for _, bc := range []struct {
		name    string
		settle  time.Duration
		journal bool
	}{{"plan", 0, true}, {"settle", DefaultSettle, true}, {"settle-no-coverage", DefaultSettle, false}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				o := runVariant(sc, props, Draw(sc, cands, 2, time.Minute, 1, i), bc.settle, bc.journal)
				if o.Err != nil {
					b.Fatal(o.Err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
		})
	}
}

// BenchmarkExhaustivePairs is the issue-20 target: every single fault and every
// ordered pair of the default faults at the step boundaries of the three-member
// DAG maintenance plan (dag-maintenance: 72 single faults, 1728 pairs), judged
// against no-loss and no-stuck, on every core, with and without coverage. One
// iteration is the whole sweep: run it with -benchtime 1x.
func BenchmarkExhaustivePairs(b *testing.B) {
	sc, err := scenarios.Open("dag-maintenance")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name       string
		noCoverage bool
	}{{"coverage", false}, {"no-coverage", true}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				cells, _, err := Exhaustive(Config{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, MaxFaults: 2, NoCoverage: bc.noCoverage})
				if err != nil || len(cells) != 1800 {
					b.Fatal(err, len(cells))
				}
			}
		})
	}
}
