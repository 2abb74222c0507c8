package components

import "strings"

// The two Windows services that read a component state only when they start.
const (
	ServiceTransport         = "MSExchangeTransport"         // reads HubTransport
	ServiceFrontEndTransport = "MSExchangeFrontEndTransport" // reads FrontendTransport
)

type serviceInfo struct {
	name, component string
	inconsistentID  int // the warning logged while set and running states differ
	responder       string
}

var services = []serviceInfo{
	{ServiceTransport, HubTransport, 7011, "HubTransport.ServiceInconsistentState.Restart.Responder"},
	{ServiceFrontEndTransport, FrontendTransport, 7012, "FrontendTransport.ServiceInconsistentState.Restart.Responder"},
}

func lookupService(name string) (serviceInfo, bool) {
	for _, s := range services {
		if strings.EqualFold(s.name, name) {
			return s, true
		}
	}
	return serviceInfo{}, false
}

// ServiceStarted is called by transport when service starts on server. The service
// reads its component's effective state now and keeps it until its next start; the
// state is returned, remembered for RunningState, and journaled as event 7009. An
// unknown server or service gives "". Exchange 2010 services always run Active.
func (st *Store) ServiceStarted(serverName, service string) State {
	sv, err := st.server(serverName)
	if err != nil {
		return ""
	}
	si, ok := lookupService(service)
	if !ok {
		return ""
	}
	if !sv.version.HasComponentStates() {
		sv.running[si.name] = Active
		return Active
	}
	state := sv.effective(si.component)
	_, wasInconsistent := sv.warned(si.name)
	sv.running[si.name] = state
	if r := sv.resp[si.name]; r != nil {
		r.warned = ""
	}
	if j := st.s.Journal(); j.Enabled() {
		j.Emit(st.s.Now(), sv.name, si.component, ServiceReadState{Server: sv.name, Service: si.name, Component: si.component, State: state, ClearsInconsistency: wasInconsistent})
	}
	return state
}

// RunningAtStart records that service was already running on server when the run
// began: it read its component's state when it started, before t=0, so a later
// change makes it inconsistent (warning 7011 / 7012) at once, as it does for a
// service started during the run. No event 7009 is journaled: that start is not part
// of the run.
func (st *Store) RunningAtStart(serverName, service string) {
	sv, err := st.server(serverName)
	if err != nil {
		return
	}
	si, ok := lookupService(service)
	if !ok {
		return
	}
	if !sv.version.HasComponentStates() {
		sv.running[si.name] = Active
		return
	}
	sv.running[si.name] = sv.effective(si.component)
}

// ServiceStopped is called by transport when service stops or crashes on server: it
// no longer runs with any state.
func (st *Store) ServiceStopped(serverName, service string) {
	sv, err := st.server(serverName)
	if err != nil {
		return
	}
	if si, ok := lookupService(service); ok {
		delete(sv.running, si.name)
	}
}

// RunningState is the state service took when it last started on server; ok is
// false when it is not running (or the server or service is unknown).
func (st *Store) RunningState(serverName, service string) (State, bool) {
	sv, err := st.server(serverName)
	if err != nil {
		return "", false
	}
	si, ok := lookupService(service)
	if !ok {
		return "", false
	}
	s, ok := sv.running[si.name]
	return s, ok
}

// Inconsistent reports whether service runs on server with a state other than its
// component's effective state now, and both states.
func (st *Store) Inconsistent(serverName, service string) (running, set State, inconsistent bool) {
	running, ok := st.RunningState(serverName, service)
	if !ok {
		return "", "", false
	}
	si, _ := lookupService(service)
	set = st.Effective(serverName, si.component)
	return running, set, running != set
}

// warned returns the expected state the last inconsistency warning named.
func (sv *server) warned(service string) (State, bool) {
	if r := sv.resp[service]; r != nil && r.warned != "" {
		return r.warned, true
	}
	return "", false
}

func (sv *server) responder(service string) *responderState {
	r := sv.resp[service]
	if r == nil {
		r = &responderState{}
		sv.resp[service] = r
	}
	return r
}

// checkServices compares each running service's state with its component's state
// after a write. A new difference is journaled as warning 7011 (transport) or 7012
// (front end) and handed to the Managed Availability responder when it is enabled.
func (st *Store) checkServices(sv *server) {
	for _, si := range services {
		running, ok := sv.running[si.name]
		if !ok {
			continue
		}
		r := sv.responder(si.name)
		set := sv.effective(si.component)
		if set == running {
			r.warned = ""
			continue
		}
		if r.warned == set {
			continue
		}
		r.warned = set
		if j := st.s.Journal(); j.Enabled() {
			j.Emit(st.s.Now(), sv.name, si.component, StateInconsistent{ID: si.inconsistentID, Server: sv.name, Service: si.name, Component: si.component, Running: running, Expected: set})
		}
		st.armResponder(sv, si)
	}
}
