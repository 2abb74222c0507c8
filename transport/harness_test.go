package transport

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/sim/simtest"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain checks that no test leaks a goroutine. Under mutation testing
// (scripts/mutation.sh sets EXSIM_MUTATION) a failing rapid property shrinks for a
// second instead of rapid's default 30: the failure kills the mutant, and shrinking
// it only made gremlins spend half a minute per mutant of ha.go.
func TestMain(m *testing.M) {
	if os.Getenv("EXSIM_MUTATION") != "" {
		if err := flag.Set("rapid.shrinktime", "1s"); err != nil {
			panic(err)
		}
	}
	goleak.VerifyTestMain(m)
}

// world is a fake of the rest of exsim: database placement and the network.
type world struct {
	active  map[string]string
	mounted map[string]bool
	cut     map[[2]string]bool
	commits map[string]int
	states  map[string]string // server -> HubTransport state picked up at start
	// backEnd, when set, is the only server in the front ends' routing tables: every
	// front end proxies to its Transport service. Tests of what the receiving
	// Transport service does use it to pin the receiver.
	backEnd string
	// feStates: server -> FrontendTransport state MSExchangeFrontEndTransport picks
	// up when it starts (unset: Active)
	feStates map[string]string
}

func newWorld() *world {
	return &world{active: map[string]string{}, mounted: map[string]bool{}, cut: map[[2]string]bool{}, commits: map[string]int{}, states: map[string]string{}, feStates: map[string]string{}}
}

func (w *world) env() Env {
	return Env{
		ActiveCopy: func(db string) (string, bool) { return w.active[db], w.mounted[db] },
		Committed:  func(db string) { w.commits[db]++ },
		ServiceStarted: func(server, service string) string {
			if service == "MSExchangeFrontEndTransport" {
				if st, ok := w.feStates[server]; ok {
					return st
				}
				return "Active"
			}
			if st, ok := w.states[server]; ok {
				return st
			}
			return "Active"
		},
		Reachable: func(a, b string) bool { return !w.cut[[2]string{a, b}] && !w.cut[[2]string{b, a}] },
	}
}

// harness runs a simulation and checks the ledger after every event.
type harness struct {
	t *testing.T
	s *sim.Sim
	o *Org
	w *world
}

var t0 = time.Date(2011, 3, 1, 9, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, top Topology, w *world) *harness {
	t.Helper()
	s := sim.New(sim.Config{Start: t0, Seed: 1})
	top.ProtocolLogEverything = true // the model tests read every session's rows
	o, err := New(s, top, w.env())
	require.NoError(t, err)
	if w.backEnd != "" {
		o.routeTo = func(b *server) bool { return b.name == w.backEnd }
	}
	return &harness{t: t, s: s, o: o, w: w}
}

// at schedules fn at instant d.
func (h *harness) at(d time.Duration, fn func()) {
	require.NoError(h.t, h.s.At(d, 1, fn))
}

// run runs every event up to d, checking conservation after each.
func (h *harness) run(d time.Duration) {
	h.t.Helper()
	done := false
	require.NoError(h.t, h.s.At(d, 0, func() { done = true }))
	for !done {
		ok, err := h.s.Step()
		require.NoError(h.t, err)
		if !ok {
			break
		}
		require.NoError(h.t, h.o.Check(), "after the event at %v", h.s.Now())
	}
}

func (h *harness) submit(m Message) int {
	id, err := h.o.Submit(m)
	require.NoError(h.t, err)
	return id
}

// narration is every narrated journal line, clock first.
func (h *harness) narration() string {
	var b strings.Builder
	for _, r := range h.s.Journal().Records() {
		if r.Text() == "" {
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", h.s.Wall(r.At).Format("15:04:05.000"), r.Text())
	}
	return b.String()
}

// records returns the journal's records of kind about subject: a queue or server
// name, or "#N" for message N (read from the typed payload, not the sentence).
func (h *harness) records(kind, subject string) []sim.Record {
	var out []sim.Record
	for _, r := range h.s.Journal().Records() {
		about := r.Subject
		if n := MessageOf(r.Data); n > 0 {
			about = fmt.Sprintf("#%d", n)
		}
		if r.Kind == kind && (subject == "" || about == subject) {
			out = append(out, r)
		}
	}
	return out
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name, got)
}
