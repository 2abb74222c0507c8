package explore_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/explore"
)

// The property of the documented DAG maintenance plan (exchange-dag-components.md
// 2.2) while outbound mail is queued (the internet link is down): the crash of any
// one member with its queue database, at any minute of the plan, loses no mail
// once everything is healed. Exchange 2013+ keeps a shadow of every message on
// another DAG member before it acknowledges (shadow redundancy), so on three
// members there is always a second copy; on two, while EX1 is in maintenance, EX2
// is alone with its queue: its crash with the queue database loses what it held.
var (
	dagProps  = []explore.Property{explore.NoLoss(), explore.NoStuck()}
	dagFaults = []string{"crash any lose-queue"}
)

func TestDAGMaintenancePlanWhileMailIsQueued(t *testing.T) {
	two, err := scenarios.Load("testdata/dag2-maintenance.yaml")
	require.NoError(t, err)
	three, err := scenarios.Load("testdata/dag3-maintenance.yaml")
	require.NoError(t, err)
	if why := modelLacksShadows(t, two); why != "" {
		t.Skip(why)
	}
	t.Run("three members keep every message", func(t *testing.T) {
		cands, err := explore.Expand(three, dagFaults)
		require.NoError(t, err)
		rapid.Check(t, func(t *rapid.T) {
			fs := explore.FaultsGen(three, cands, 1, time.Minute).Draw(t, "faults")
			o := explore.RunVariant(three, dagProps, explore.Variant{Seed: three.Seed, Faults: fs}, explore.DefaultSettle)
			if o.Failed() {
				t.Fatalf("%v: %v", fs, o.Violations)
			}
		})
	})
	t.Run("two members: the survivor of maintenance is a single point of failure", func(t *testing.T) {
		faults, found := searchWithRapid(t, two)
		require.True(t, found, "rapid must find the SPOF of the two-member plan")
		require.Len(t, faults, 1)
		require.Equal(t, "crash EX2 lose-queue", faults[0].Line)
		require.GreaterOrEqual(t, faults[0].At, 10*time.Minute, "EX1 is in maintenance from 10m")
		require.LessOrEqual(t, faults[0].At, 32*time.Minute, "and back from 32m")
		s, err := explore.Shrink(two, dagProps, explore.Variant{Seed: two.Seed, Faults: faults}, explore.DefaultSettle, time.Minute)
		require.NoError(t, err)
		ce, err := explore.Counterexample(s, dagProps, explore.DefaultSettle)
		require.NoError(t, err)
		data, err := explore.Marshal(ce, "The SPOF of the two-member maintenance plan, found by rapid.")
		require.NoError(t, err)
		t.Logf("counterexample:\n%s", data)
	})
}

// modelLacksShadows says what the transport model is missing for this property,
// or "" when it has it: with both members up, before the maintenance starts, one
// crash with the queue database must not lose mail, since the other member holds
// a shadow of every message.
func modelLacksShadows(t *testing.T, two *scenarios.Scenario) string {
	t.Helper()
	o := explore.RunVariant(two, dagProps, explore.Variant{Seed: two.Seed, Faults: []explore.Fault{{At: 5 * time.Minute, Line: "crash EX2 lose-queue"}}}, explore.DefaultSettle)
	require.NoError(t, o.Err)
	if o.Lost == 0 {
		return ""
	}
	return fmt.Sprintf("the transport model cannot show this yet: with both members up, crash EX2 lose-queue at 5m loses %d message(s), "+
		"because Exchange 2013+ shadow redundancy is not modelled (no shadow of a message on another DAG member before the 250, "+
		"no takeover when the primary's queue database is lost); Redirect-Message is journaled as not modelled, so EX1's queue is "+
		"not moved to EX2; and StartDagServerMaintenance.ps1 is not in the cmdlet table, so the plan spells out its stages", o.Lost)
}

// searchWithRapid lets rapid search single crashes over the plan and shrink the
// failure (toward the earliest instant and the first server), and returns the
// shrunk faults: rapid runs the minimal failing case last.
func searchWithRapid(t *testing.T, sc *scenarios.Scenario) ([]explore.Fault, bool) {
	t.Helper()
	require.NoError(t, flag.Set("rapid.nofailfile", "true"))
	t.Cleanup(func() { _ = flag.Set("rapid.nofailfile", "false") })
	cands, err := explore.Expand(sc, dagFaults)
	require.NoError(t, err)
	var last []explore.Fault
	rec := &recorder{name: t.Name()}
	rapid.Check(rec, func(t *rapid.T) {
		fs := explore.FaultsGen(sc, cands, 1, time.Minute).Draw(t, "faults")
		o := explore.RunVariant(sc, dagProps, explore.Variant{Seed: sc.Seed, Faults: fs}, explore.DefaultSettle)
		if o.Failed() {
			last = fs
			t.Fatalf("%v", o.Violations)
		}
	})
	return last, rec.failed
}

// recorder is a rapid.TB that records a failure instead of failing the test, so
// a test can look at what rapid found.
type recorder struct {
	name   string
	failed bool
	log    []string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Logf(format string, args ...any) {
	r.log = append(r.log, fmt.Sprintf(format, args...))
}
func (r *recorder) Log(args ...any)                   { r.log = append(r.log, fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any)  {}
func (r *recorder) Skip(args ...any)                  {}
func (r *recorder) SkipNow()                          {}
func (r *recorder) Errorf(format string, args ...any) { r.failed = true; r.Logf(format, args...) }
func (r *recorder) Error(args ...any)                 { r.failed = true; r.Log(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = true; r.Logf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.failed = true; r.Log(args...) }
func (r *recorder) FailNow()                          { r.failed = true }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) Failed() bool                      { return r.failed }

// Example shows the API the CLI uses: a seeded sweep of single crashes over the
// two-member plan, the first failure shrunk and written as a scenario.
func Example() {
	sc, err := scenarios.Load("testdata/dag2-maintenance.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	props := []explore.Property{explore.NoLoss(), explore.NoStuck()}
	rep, err := explore.Check(explore.Config{Scenario: sc, Properties: props, Faults: []string{"crash any lose-queue"}, MaxFaults: 1, Runs: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	failures := rep.Failures()
	if len(failures) == 0 {
		fmt.Println("no counterexample")
		return
	}
	s, err := explore.Shrink(sc, props, failures[0].Variant, explore.DefaultSettle, time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	ce, err := explore.Counterexample(s, props, explore.DefaultSettle)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := explore.Marshal(ce, "Counterexample: "+s.Violations[0].String())
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(data)
	fmt.Println(strings.Repeat("-", 20))
	fmt.Println(rep.Coverage.Table())
}

// The same machinery on the Exchange 2010 SP1 model, which has shadow redundancy:
// with Shadow Redundancy Promotion on, the crash of FAB-RED-HUB1 with its queue
// database loses nothing (seed 002), unless FAB-RED-HUB2 is down first, before the
// messages arrive: then promotion has no other hub and FAB-RED-HUB1 is alone
// again. rapid finds that from up to two crashes and shrinks it to one.
func TestRapidShrinksToOneFaultOnShadowPromotion(t *testing.T) {
	sc, err := scenarios.Open("shadow-promotion")
	require.NoError(t, err)
	props := []explore.Property{explore.NoLoss()}
	cands, err := explore.Expand(sc, []string{"crash any", "crash any lose-queue"})
	require.NoError(t, err)
	require.NoError(t, flag.Set("rapid.nofailfile", "true"))
	t.Cleanup(func() { _ = flag.Set("rapid.nofailfile", "false") })
	var last []explore.Fault
	rec := &recorder{name: t.Name()}
	rapid.Check(rec, func(t *rapid.T) {
		fs := explore.FaultsGen(sc, cands, 2, time.Minute).Draw(t, "faults")
		o := explore.RunVariant(sc, props, explore.Variant{Seed: sc.Seed, Faults: fs}, explore.DefaultSettle)
		if o.Failed() {
			last = fs
			t.Fatalf("%v", o.Violations)
		}
	})
	require.True(t, rec.failed, "rapid must find the loss")
	require.Len(t, last, 1, "shrunk to one fault: %v", last)
	require.True(t, strings.HasPrefix(last[0].Line, "crash FAB-RED-HUB2"), "shrunk to a crash of FAB-RED-HUB2: %v", last)
	require.Less(t, last[0].At, 10*time.Minute, "before the first message arrives")
}

// ExampleShrink: single crashes with queue loss over the two-member plan, the
// first failure shrunk to what it needs. The survivor of EX1's maintenance, EX2,
// is the single point of failure.
func ExampleShrink() {
	sc, err := scenarios.Load("testdata/dag2-maintenance.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	props := []explore.Property{explore.NoLoss()}
	rep, err := explore.Check(explore.Config{Scenario: sc, Properties: props, Faults: []string{"crash any lose-queue"}, MaxFaults: 1, Runs: 20, Seed: 1, NoCoverage: true})
	if err != nil || len(rep.Failures()) == 0 {
		fmt.Println("no counterexample", err)
		return
	}
	s, err := explore.Shrink(sc, props, rep.Failures()[0].Variant, explore.DefaultSettle, time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(s.Faults), "fault:", s.Faults[0].Line, "breaks", s.Violations[0].Property)
	// Output: 1 fault: crash EX2 lose-queue breaks no-loss
}
