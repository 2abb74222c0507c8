package explore

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios/fault"
)

// The pairs are every ordered pair of faults over the instants, less the two
// documented reductions: one order of two faults at one instant, and no second
// crash or stop of a server the first took down.
func TestExhaustiveCellsEnumeratePairsLessWhatCommutes(t *testing.T) {
	sc := dag2(t)
	cands, err := Expand(sc, DefaultFaults)
	require.NoError(t, err)
	ats, _ := Instants(sc, 0)
	cells, err := ExhaustiveCells(sc, cands, 2, 0)
	require.NoError(t, err)
	singles, pairs := 0, map[string]bool{}
	for i, c := range cells {
		require.Equal(t, i, c.Index)
		switch len(c.Faults) {
		case 1:
			require.Zero(t, len(pairs), "singles come first")
			singles++
		case 2:
			a, b := c.Faults[0], c.Faults[1]
			require.LessOrEqual(t, a.At, b.At)
			fa, _ := fault.Parse(a.Fault)
			fb, _ := fault.Parse(b.Fault)
			require.NotEqual(t, fa.Server, fb.Server, "every default fault is a crash: a crashed server is not crashed again")
			key := fmt.Sprint(a, b)
			require.False(t, pairs[key], "pair %s twice", key)
			pairs[key] = true
			if a.At == b.At {
				require.False(t, pairs[fmt.Sprint(Placed{b.Fault, b.Step, b.At}, Placed{a.Fault, a.Step, a.At})], "both orders of one instant")
			}
		}
	}
	require.Equal(t, len(cands)*len(ats), singles)
	// Ordered pairs of faults on different servers: 2 servers x 2 kinds each.
	n := len(ats)
	crossServer := len(cands) * (len(cands) - 2)
	require.Equal(t, crossServer*n*(n-1)/2+crossServer/2*n, len(pairs))

	_, err = ExhaustiveCells(sc, cands, 3, 0)
	require.ErrorContains(t, err, "1 or 2 faults")
}

// The grid adds instants between the boundaries, each labelled by the step before
// it; the boundaries stay.
func TestInstantsAddTheGridBetweenBoundaries(t *testing.T) {
	sc := dag2(t)
	bs, _ := Boundaries(sc)
	ats, labels := Instants(sc, 5*time.Minute)
	for _, b := range bs {
		require.Contains(t, ats, b)
	}
	for i := 1; i < len(ats); i++ {
		require.Less(t, ats[i-1], ats[i])
		if ats[i]%(5*time.Minute) == 0 && !contains(bs, ats[i]) {
			require.Equal(t, labels[i-1], labels[i], "a grid instant follows the step before it")
		}
	}
	require.Greater(t, len(ats), len(bs))
	require.Equal(t, bs[len(bs)-1], ats[len(ats)-1], "nothing after the last boundary")
}

func contains(ds []time.Duration, d time.Duration) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// The commuting rule the pairs rely on: two faults at one instant on different
// servers give the same run in either order. Checked on the three-member plan for
// every boundary and every such pair.
func TestTwoFaultsAtOneInstantCommute(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 288 variants")
	}
	sc := load(t, "dag-maintenance")
	cands, err := Expand(sc, DefaultFaults)
	require.NoError(t, err)
	ats, _ := Boundaries(sc)
	props := []Property{NoLoss(), NoStuck(), NoDuplicates()}
	type pair struct{ a, b string }
	var pairs []pair
	for i, a := range cands {
		for _, b := range cands[i+1:] {
			fa, _ := fault.Parse(a)
			fb, _ := fault.Parse(b)
			if fa.Server != fb.Server {
				pairs = append(pairs, pair{a, b})
			}
		}
	}
	type job struct {
		at   time.Duration
		p    pair
		x, y Outcome
	}
	jobs := make([]job, 0, len(ats)*len(pairs))
	for _, at := range ats {
		for _, p := range pairs {
			jobs = append(jobs, job{at: at, p: p})
		}
	}
	parallel(len(jobs), 2, nil, func(k int) {
		j := &jobs[k]
		run := func(first, second string) Outcome {
			o := runVariant(sc, props, Variant{Seed: sc.Seed, Faults: []Fault{{At: j.at, Line: first}, {At: j.at, Line: second}}}, DefaultSettle, false)
			o.Variant = Variant{}
			return o
		}
		j.x, j.y = run(j.p.a, j.p.b), run(j.p.b, j.p.a)
	})
	for _, j := range jobs {
		require.Equal(t, j.x, j.y, "%s and %s at %s", j.p.a, j.p.b, dur(j.at))
	}
}

// Pairs, too, come back the same with 1 and 4 workers, and shards split them
// without changing a cell.
func TestExhaustivePairsSameWithAnyWorkersAndShards(t *testing.T) {
	sc := dag2(t)
	cfg := Config{Scenario: sc, Properties: []Property{NoLoss(), NoStuck()}, Faults: []string{"crash any lose-queue"}, MaxFaults: 2, NoCoverage: true, Workers: 1}
	one, cov1, err := Exhaustive(cfg)
	require.NoError(t, err)
	cfg.Workers = 4
	four, cov4, err := Exhaustive(cfg)
	require.NoError(t, err)
	require.Equal(t, one, four)
	require.Equal(t, cov1, cov4)
	require.NotEmpty(t, CellFailures(sc, one))
	var merged []Cell
	for k := 1; k <= 3; k++ {
		cfg.Shard, cfg.Shards = k, 3
		part, _, err := Exhaustive(cfg)
		require.NoError(t, err)
		merged = append(merged, part...)
	}
	require.ElementsMatch(t, one, merged)
}

// Failures fold by signature: most runs first, the first failure's index breaking
// ties, whatever order they come in.
func TestGroupsFoldFailuresBySignature(t *testing.T) {
	a := Signature{Broken: "no-loss", Kinds: "crash lose-queue + crash", Steps: "stop EX1; start EX1"}
	b := Signature{Broken: "no-stuck", Kinds: "crash", Steps: "(start)"}
	fs := []Failure{
		{Index: 9, Faults: "crash EX3 lose-queue at 20m; crash EX2 at 35m", Signature: a, Lost: 4},
		{Index: 2, Faults: "crash EX2 at 0s", Signature: b, Stuck: 3},
		{Index: 4, Faults: "crash EX2 lose-queue at 20m; crash EX3 at 35m", Signature: a, Lost: 7},
	}
	g := Groups(fs)
	require.Equal(t, g, Groups([]Failure{fs[1], fs[2], fs[0]}))
	require.Len(t, g, 2)
	require.Equal(t, a, g[0].Signature)
	require.Equal(t, 2, g[0].Runs)
	require.Equal(t, 7, g[0].MaxLost)
	require.Equal(t, 4, g[0].First.Index)
	golden(t, "group-table.golden", GroupTable(g))
}
