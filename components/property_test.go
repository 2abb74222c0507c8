package components

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim"
)

// A few components cover every rule: the override, the two it spares, a default
// Inactive one and an ordinary one.
var propComponents = []string{ServerWideOffline, HubTransport, Monitoring, RecoveryActionsEnabled, ForwardSyncDaemon, "OwaProxy"}

var propStates = []State{Active, Inactive, Draining}

type write struct {
	comp  string
	req   Requester
	state State
	o     SetOptions
	gap   time.Duration // advance the clock by this much before writing
}

func drawOptions(t *rapid.T, comp, label string) SetOptions {
	switch rapid.IntRange(0, 2).Draw(t, label) {
	case 1:
		if comp != Monitoring && comp != RecoveryActionsEnabled {
			return SetOptions{LocalOnly: true}
		}
	case 2:
		return SetOptions{RemoteOnly: true}
	}
	return SetOptions{}
}

func drawWrite(t *rapid.T) write {
	w := write{
		comp:  rapid.SampledFrom(propComponents).Draw(t, "component"),
		req:   rapid.SampledFrom(Requesters).Draw(t, "requester"),
		state: rapid.SampledFrom(propStates).Draw(t, "state"),
		gap:   time.Duration(rapid.IntRange(0, 3).Draw(t, "gap")) * time.Minute,
	}
	w.o = drawOptions(t, w.comp, "options")
	return w
}

func apply(t *rapid.T, ws []write) *Store {
	s := sim.New(sim.Config{Start: t0})
	s.Journal().Disable()
	st := NewStore(s)
	if err := st.AddServer("EX1", Exchange2016); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if err := s.RunUntil(s.Now() + w.gap); err != nil {
			t.Fatal(err)
		}
		if err := st.Set("EX1", w.comp, w.state, w.req, w.o); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func effectiveAll(st *Store) []State {
	out := make([]State, len(propComponents))
	for i, c := range propComponents {
		out[i] = st.Effective("EX1", c)
	}
	return out
}

// The effective state does not depend on the order in which different requesters'
// entries were written.
func TestPropertyEffectiveStateIgnoresTheOrderOfRequesters(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var ws []write
		for _, c := range propComponents {
			for _, r := range Requesters {
				if rapid.Bool().Draw(t, "has entry") {
					ws = append(ws, write{comp: c, req: r, state: rapid.SampledFrom(propStates).Draw(t, "state"),
						o: drawOptions(t, c, "options"), gap: time.Minute})
				}
			}
		}
		perm := rapid.Permutation(ws).Draw(t, "order")
		if got, want := effectiveAll(apply(t, perm)), effectiveAll(apply(t, ws)); !slices.Equal(got, want) {
			t.Fatalf("order changed the effective states: %v, want %v", got, want)
		}
	})
}

// Inactive from any requester always wins.
func TestPropertyInactiveFromAnyRequesterWins(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ws := rapid.SliceOfN(rapid.Custom(drawWrite), 1, 30).Draw(t, "writes")
		st := apply(t, ws)
		for _, c := range propComponents {
			// The last write of each requester is what that requester holds.
			last := map[Requester]State{}
			for _, w := range ws {
				if w.comp == c {
					last[w.req] = w.state
				}
			}
			for r, s := range last {
				if s == Inactive && st.Effective("EX1", c) != Inactive {
					t.Fatalf("%s holds %s Inactive but it reads %s", r, c, st.Effective("EX1", c))
				}
			}
		}
	})
}

// refEntry is the reference model's view of one store's value.
type refEntry struct {
	state State
	at    time.Duration
	n     int // write number: a later write is newer even at the same instant
	ok    bool
}

// reference recomputes everything from the list of writes, the slow and obvious
// way: per (component, requester) the last write that touched each store, the
// newer of the two, then the precedence and the ServerWideOffline override.
func reference(ws []write) (eff map[string]State, local, remote map[string]map[Requester]refEntry) {
	local, remote = map[string]map[Requester]refEntry{}, map[string]map[Requester]refEntry{}
	var now time.Duration
	for n, w := range ws {
		now += w.gap
		e := refEntry{state: w.state, at: now, n: n, ok: true}
		if !w.o.RemoteOnly {
			if local[w.comp] == nil {
				local[w.comp] = map[Requester]refEntry{}
			}
			local[w.comp][w.req] = e
		}
		if !w.o.LocalOnly {
			if remote[w.comp] == nil {
				remote[w.comp] = map[Requester]refEntry{}
			}
			remote[w.comp][w.req] = e
		}
	}
	own := func(c string) State {
		var held []State
		for _, r := range Requesters {
			l, rm := local[c][r], remote[c][r]
			switch {
			case l.ok && rm.ok:
				if rm.at > l.at || (rm.at == l.at && rm.n > l.n) {
					held = append(held, rm.state)
				} else {
					held = append(held, l.state)
				}
			case l.ok:
				held = append(held, l.state)
			case rm.ok:
				held = append(held, rm.state)
			}
		}
		switch {
		case len(held) == 0:
			return Default(c)
		case slices.Contains(held, Inactive):
			return Inactive
		case slices.Contains(held, Draining):
			return Draining
		}
		return Active
	}
	eff = map[string]State{}
	for _, c := range propComponents {
		eff[c] = own(c)
		if c != ServerWideOffline && c != Monitoring && c != RecoveryActionsEnabled && own(ServerWideOffline) != Active {
			eff[c] = Inactive
		}
	}
	return eff, local, remote
}

// Reconciliation is the newest-wins merge of the two stores, and Get shows each
// store as written.
func TestPropertyReconciliationIsTheNewestWinsMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ws := rapid.SliceOfN(rapid.Custom(drawWrite), 0, 40).Draw(t, "writes")
		st := apply(t, ws)
		eff, local, remote := reference(ws)
		for _, c := range propComponents {
			if got := st.Effective("EX1", c); got != eff[c] {
				t.Fatalf("%s reads %s, reference %s", c, got, eff[c])
			}
			rows, err := st.Get("EX1", c)
			if err != nil {
				t.Fatal(err)
			}
			check := func(store string, got []Entry, want map[Requester]refEntry) {
				if len(got) != len(want) {
					t.Fatalf("%s %s has %d entries, reference %d", c, store, len(got), len(want))
				}
				for _, e := range got {
					w := want[e.Requester]
					if e.State != w.state || !e.Timestamp.Equal(t0.Add(w.at)) {
						t.Fatalf("%s %s %s = %s at %v, reference %s at %v", c, store, e.Requester, e.State, e.Timestamp, w.state, t0.Add(w.at))
					}
				}
			}
			check("LocalStates", rows[0].LocalStates, local[c])
			check("RemoteStates", rows[0].RemoteStates, remote[c])
		}
	})
}
