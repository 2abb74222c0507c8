package components

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
)

// entry is one requester's value in one store (registry or AD). seq breaks ties
// between writes at the same simulated instant: Exchange stamps writes with UTC
// ticks, so a later write always carries a later timestamp.
type entry struct {
	requester Requester
	state     State
	at        time.Duration
	seq       uint64
}

func (e entry) newer(o entry) bool { return e.at > o.at || (e.at == o.at && e.seq > o.seq) }

// stores holds one component's entries in both places Exchange keeps them.
// local keeps registry value order (a rewrite updates in place); remote keeps AD
// order (a rewrite removes the old value and appends the new one).
type stores struct {
	local, remote []entry
}

type server struct {
	name    string
	version Version
	comps   map[string]*stores
	running map[string]State // service -> state picked up at its last start
	dag     bool
	resp    map[string]*responderState // service -> Managed Availability responder
}

// Store holds the component states of every server of an organization.
type Store struct {
	s       *sim.Sim
	servers map[string]*server // key: lower-case name
	exact   map[string]*server // key: the name as added (no allocation on lookup)
	names   []string           // in AddServer order
	seq     uint64
	ma      *ResponderConfig
}

// NewStore returns an empty store that stamps writes with s's clock and journals to s.
func NewStore(s *sim.Sim) *Store {
	return &Store{s: s, servers: map[string]*server{}, exact: map[string]*server{}}
}

// AddServer registers a server. Exchange 2010 servers are accepted but keep no
// component states (Set and Get return an error for them; Effective reads Active).
func (st *Store) AddServer(name string, v Version) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("server name is empty")
	}
	if _, err := ParseVersion(string(v)); err != nil {
		return err
	}
	key := strings.ToLower(name)
	if _, ok := st.servers[key]; ok {
		return fmt.Errorf("server %q already added", name)
	}
	sv := &server{name: name, version: v, comps: map[string]*stores{}, running: map[string]State{}, resp: map[string]*responderState{}}
	st.servers[key] = sv
	st.exact[name] = sv
	st.names = append(st.names, name)
	return nil
}

func (st *Store) server(name string) (*server, error) {
	if sv, ok := st.exact[name]; ok {
		return sv, nil
	}
	if sv, ok := st.servers[strings.ToLower(name)]; ok {
		return sv, nil
	}
	return nil, unknown("server", name, st.names)
}

func (st *Store) serverWithStates(name string) (*server, error) {
	sv, err := st.server(name)
	if err != nil {
		return nil, err
	}
	if !sv.version.HasComponentStates() {
		return nil, fmt.Errorf("server %s runs %s, which has no server component states (they were added in Exchange 2013)", sv.name, sv.version)
	}
	return sv, nil
}

// SetOptions choose which store Set-ServerComponentState writes: by default both
// the registry (local) and AD (remote).
type SetOptions struct{ LocalOnly, RemoteOnly bool }

// Set is Set-ServerComponentState: it writes requester r's entry for component on
// server, timestamped with the simulated clock, and journals "component.set".
// Names are matched case-insensitively and stored in Exchange's spelling.
func (st *Store) Set(serverName, comp string, state State, r Requester, o SetOptions) error {
	sv, err := st.serverWithStates(serverName)
	if err != nil {
		return err
	}
	c, err := component(sv.version, comp)
	if err != nil {
		return err
	}
	if state, err = ParseState(string(state)); err != nil {
		return err
	}
	if r, err = ParseRequester(string(r)); err != nil {
		return err
	}
	if o.LocalOnly && o.RemoteOnly {
		return errors.New("-LocalOnly and -RemoteOnly cannot be used together")
	}
	if o.LocalOnly && (c == Monitoring || c == RecoveryActionsEnabled) {
		return fmt.Errorf("-LocalOnly cannot be used for the %s component: Managed Availability needs it in Active Directory too", c)
	}
	before := sv.effective(c)
	st.seq++
	e := entry{requester: r, state: state, at: st.s.Now(), seq: st.seq}
	cs := sv.stores(c)
	if !o.RemoteOnly {
		if i := slices.IndexFunc(cs.local, func(x entry) bool { return x.requester == r }); i >= 0 {
			cs.local[i] = e
		} else {
			cs.local = append(cs.local, e)
		}
	}
	if !o.LocalOnly {
		cs.remote = slices.DeleteFunc(cs.remote, func(x entry) bool { return x.requester == r })
		cs.remote = append(cs.remote, e)
	}
	after := sv.effective(c)
	if j := st.s.Journal(); j.Enabled() {
		e := StateSet{Server: sv.name, Component: c, Requester: r, State: state, Local: !o.RemoteOnly, Remote: !o.LocalOnly, Before: before, After: after,
			OfflineOverride: c != Monitoring && c != RecoveryActionsEnabled && c != ServerWideOffline && sv.effectiveDirect(ServerWideOffline) != Active}
		if after != state && !e.OfflineOverride {
			for _, x := range sv.reconciled(c) {
				if x.requester != r && x.state == after {
					e.Holders = append(e.Holders, x.requester)
				}
			}
		}
		j.Emit(st.s.Now(), sv.name, c, e)
	}
	st.checkServices(sv)
	return nil
}

func (sv *server) stores(c string) *stores {
	cs := sv.comps[c]
	if cs == nil {
		cs = &stores{}
		sv.comps[c] = cs
	}
	return cs
}

// reconciled merges the two stores per requester: the newer entry wins and an entry
// in one store only is kept. Order: registry order, then AD-only entries in AD order.
// (Exchange's ReconcileStates keeps the registry value on a timestamp tie; with
// seq-ordered stamps two entries of one requester never tie.)
func (sv *server) reconciled(c string) []entry {
	cs := sv.comps[c]
	if cs == nil {
		return nil
	}
	out := slices.Clone(cs.local)
	for _, re := range cs.remote {
		i := slices.IndexFunc(out, func(x entry) bool { return x.requester == re.requester })
		switch {
		case i < 0:
			out = append(out, re)
		case re.newer(out[i]):
			out[i] = re
		}
	}
	return out
}

// effectiveDirect is the component's own state, ignoring ServerWideOffline: the
// reconciled entries under Inactive > Draining > Active, or the default when there
// are none. It does not allocate: transport may ask once per SMTP session.
func (sv *server) effectiveDirect(c string) State {
	cs := sv.comps[c]
	if cs == nil || len(cs.local)+len(cs.remote) == 0 {
		return Default(c)
	}
	result := Active
	held := func(s State) bool {
		switch s {
		case Inactive:
			return true
		case Draining:
			result = Draining
		}
		return false
	}
	for _, l := range cs.local {
		e := l
		for _, r := range cs.remote {
			if r.requester == l.requester && r.newer(l) {
				e = r
			}
		}
		if held(e.state) {
			return Inactive
		}
	}
	for _, r := range cs.remote {
		if !slices.ContainsFunc(cs.local, func(l entry) bool { return l.requester == r.requester }) && held(r.state) {
			return Inactive
		}
	}
	return result
}

// effective applies the ServerWideOffline override: when ServerWideOffline is
// anything but Active (Draining included), every component except Monitoring and
// RecoveryActionsEnabled reads Inactive, whatever its own entries say.
func (sv *server) effective(c string) State {
	if c != Monitoring && c != RecoveryActionsEnabled && c != ServerWideOffline &&
		sv.effectiveDirect(ServerWideOffline) != Active {
		return Inactive
	}
	return sv.effectiveDirect(c)
}

// Effective is the state Get-ServerComponentState shows for component on server.
// Exchange 2010 servers have no component states, so everything reads Active there.
// An unknown server or component gives "" (use Get to learn why).
func (st *Store) Effective(serverName, comp string) State {
	sv, err := st.server(serverName)
	if err != nil {
		return ""
	}
	if !sv.version.HasComponentStates() {
		return Active
	}
	c, err := component(sv.version, comp)
	if err != nil {
		return ""
	}
	return sv.effective(c)
}

// ActivationBlocked reports whether the HighAvailability component is effectively
// Inactive on server (itself, or through ServerWideOffline): Active Manager then
// refuses to activate database copies there.
func (st *Store) ActivationBlocked(serverName string) bool {
	sv, err := st.server(serverName)
	if err != nil || !sv.version.HasComponentStates() {
		return false
	}
	return sv.effective(HighAvailability) == Inactive
}

// CheckActivation returns the error Move-ActiveMailboxDatabase gives when
// activation on server is blocked by the HighAvailability component, or nil.
func (st *Store) CheckActivation(serverName string) error {
	if !st.ActivationBlocked(serverName) {
		return nil
	}
	sv, _ := st.server(serverName)
	return fmt.Errorf("Server '%s' component (HighAvailability) state is offline. If you need to activate databases copies on this server, you can use Set-ServerComponentState -Component 'HighAvailability' -State 'Active' and retry Move-ActiveMailboxDatabase.", sv.name)
}

// SetupBegin models what Exchange setup (a CU install) does early on: it sets
// Monitoring, RecoveryActionsEnabled and ServerWideOffline Inactive as Functional.
// A setup that fails never calls SetupEnd, and those entries stay: Maintenance
// cannot clear them, and restarting services or the server does not either.
func (st *Store) SetupBegin(serverName string) error {
	return st.setup(serverName, Inactive)
}

// SetupEnd models a setup that completes: it sets the same three components back to
// Active as Functional (also Microsoft's manual recovery after a failed update).
func (st *Store) SetupEnd(serverName string) error {
	return st.setup(serverName, Active)
}

func (st *Store) setup(serverName string, state State) error {
	for _, c := range []string{Monitoring, RecoveryActionsEnabled, ServerWideOffline} {
		if err := st.Set(serverName, c, state, Functional, SetOptions{}); err != nil {
			return err
		}
	}
	return nil
}
