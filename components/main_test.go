package components

import (
	"fmt"
	"github.com/exsim/exsim/sim/simtest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/exsim/exsim/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2013, 8, 8, 10, 0, 0, 0, time.UTC)

// world returns a sim and a store with servers given as "NAME=Version".
func world(t testing.TB, servers ...string) (*sim.Sim, *Store) {
	t.Helper()
	s := sim.New(sim.Config{Start: t0, Seed: 1})
	st := NewStore(s)
	for _, sv := range servers {
		name, v, _ := strings.Cut(sv, "=")
		require.NoError(t, st.AddServer(name, Version(v)))
	}
	return s, st
}

func at(t testing.TB, s *sim.Sim, d time.Duration) {
	t.Helper()
	require.NoError(t, s.RunUntil(d))
}

// narration renders the journal as the narration would: clock, server, text.
func narration(s *sim.Sim) string {
	var b strings.Builder
	for _, r := range s.Journal().Records() {
		fmt.Fprintf(&b, "%s %-5s %s\n", s.Wall(r.At).Format("15:04:05"), r.Server, r.Text())
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name+".golden", got)
}

func kinds(s *sim.Sim, kind string) []sim.Record {
	var out []sim.Record
	for _, r := range s.Journal().Records() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}
