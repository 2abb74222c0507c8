package dag

import (
	"github.com/exsim/exsim/sim/simtest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/exsim/exsim/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// world is a test organization with a partitionable network and a HighAvailability
// switch per server.
type world struct {
	t      *testing.T
	s      *sim.Sim
	o      *Org
	cut    map[[2]string]bool
	ha     map[string]bool // true: HighAvailability Inactive
	losses []loss
	skip   int
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, cut: map[[2]string]bool{}, ha: map[string]bool{}}
	w.s = sim.New(sim.Config{Start: time.Date(2016, 3, 1, 9, 0, 0, 0, time.UTC), Seed: 1})
	w.o = New(w.s, Env{
		Reachable:           func(a, b string) bool { return !w.cut[[2]string{a, b}] && !w.cut[[2]string{b, a}] },
		ActivationBlocked:   func(s string) bool { return w.ha[s] },
		SetHighAvailability: func(s string, active bool) { w.ha[s] = !active },
		LossyFailover:       func(db string, from, to time.Duration) { w.losses = append(w.losses, loss{db, from, to}) },
	})
	return w
}

// three builds EX1, EX2 (site Red) and EX3 (site Blue) in DAG1 with DB1 and DB2 on all.
func three(t *testing.T) *world {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Red"))
	require.NoError(t, w.o.AddServer("EX3", "Blue"))
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2", "EX3"}, ""))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3"}))
	require.NoError(t, w.o.AddDatabase("DB2", []string{"EX2", "EX1", "EX3"}))
	return w
}

// two builds EX1, EX2 in DAG1 with witness FSW and DB1 on both.
func two(t *testing.T) *world {
	w := newWorld(t)
	require.NoError(t, w.o.AddServer("EX1", "Red"))
	require.NoError(t, w.o.AddServer("EX2", "Red"))
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2"}, "FSW"))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2"}))
	return w
}

// journalFrom drops the set-up records so golden narration starts at the story.
func (w *world) journalFrom() { w.skip = w.s.Journal().Len() }

func (w *world) run(d time.Duration) {
	w.t.Helper()
	require.NoError(w.t, w.s.RunUntil(w.s.Now()+d))
}

// partition cuts every link between the two sides.
func (w *world) partition(a, b []string) {
	for _, x := range a {
		for _, y := range b {
			w.cut[[2]string{x, y}] = true
		}
	}
	w.o.NetworkChanged()
}

func (w *world) heal() {
	w.cut = map[[2]string]bool{}
	w.o.NetworkChanged()
}

func (w *world) commit(db string, n int) {
	w.t.Helper()
	for i := 0; i < n; i++ {
		require.NoError(w.t, w.o.Committed(db))
	}
}

func (w *world) status(id string) CopyStatusRow {
	w.t.Helper()
	rows, err := w.o.CopyStatus(id)
	require.NoError(w.t, err)
	require.Len(w.t, rows, 1)
	return rows[0]
}

func (w *world) active(db string) (string, bool) { return w.o.ActiveCopy(db) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name, got)
}
