package components

import (
	"errors"
	"time"

	"github.com/exsim/exsim/sim"
)

// KindResponder is the sim.Kind of the Managed Availability responder's timer.
const KindResponder sim.Kind = 0x0301

// ResponderConfig turns on the Managed Availability responders
// HubTransport.ServiceInconsistentState.Restart.Responder and
// FrontendTransport.ServiceInconsistentState.Restart.Responder, which resolve an
// inconsistent transport state by a forced crash and restart of the service.
//
// Documented (Exchange 2013 CU2/CU3): they run at most once a day on a standalone
// Mailbox server and up to four times a day on a DAG member. We count a day as the
// last 24 hours. How long MA waits after an inconsistency before acting is not
// documented ("after a while"): Delay is our choice, 15 minutes by default.
type ResponderConfig struct {
	Delay            time.Duration // from a new inconsistency to the restart (default 15m)
	PerDayStandalone int           // restarts per 24 h per service on a standalone server (default 1)
	PerDayDAGMember  int           // restarts per 24 h per service on a DAG member (default 4)
	// Restart crashes and restarts service on server. It is transport's: the
	// service's queues are transport's business. It must (now or later) call
	// ServiceStopped and ServiceStarted.
	Restart func(server, service string)
}

type responderState struct {
	warned   State // expected state named by the last inconsistency warning
	timer    *sim.Timer
	restarts []time.Duration // restarts in the last 24 hours, oldest first
}

// EnableResponder turns the Managed Availability responders on (they are off by
// default). Zero fields take their defaults.
func (st *Store) EnableResponder(c ResponderConfig) error {
	if c.Restart == nil {
		return errors.New("the Managed Availability responder needs a Restart function")
	}
	if c.Delay < 0 || c.PerDayStandalone < 0 || c.PerDayDAGMember < 0 {
		return errors.New("the Managed Availability responder's delay and daily limits cannot be negative")
	}
	if c.Delay == 0 {
		c.Delay = 15 * time.Minute
	}
	if c.PerDayStandalone == 0 {
		c.PerDayStandalone = 1
	}
	if c.PerDayDAGMember == 0 {
		c.PerDayDAGMember = 4
	}
	st.ma = &c
	// Inconsistencies that already exist are found now, not at the next write.
	for _, name := range st.names {
		sv := st.exact[name]
		for _, si := range services {
			if running, ok := sv.running[si.name]; ok && sv.version.HasComponentStates() && running != sv.effective(si.component) {
				st.armResponder(sv, si)
			}
		}
	}
	return nil
}

// SetDAGMember tells the store whether server is a DAG member, which raises the
// responder's daily restart limit.
func (st *Store) SetDAGMember(serverName string, member bool) error {
	sv, err := st.server(serverName)
	if err != nil {
		return err
	}
	sv.dag = member
	return nil
}

func (st *Store) armResponder(sv *server, si serviceInfo) {
	if st.ma == nil {
		return
	}
	r := sv.responder(si.name)
	if r.timer == nil {
		r.timer = st.s.NewFuncTimer(KindResponder, func() { st.fireResponder(sv, si) })
	}
	if !r.timer.Armed() {
		_ = r.timer.ResetAfter(st.ma.Delay) // a positive delay is never in the past
	}
}

func (st *Store) fireResponder(sv *server, si serviceInfo) {
	running, ok := sv.running[si.name]
	if !ok {
		return
	}
	set := sv.effective(si.component)
	if set == running {
		return
	}
	r := sv.responder(si.name)
	now := st.s.Now()
	j := st.s.Journal()
	for _, c := range []string{Monitoring, RecoveryActionsEnabled} {
		if s := sv.effective(c); s != Active {
			if j.Enabled() {
				j.Emit(now, sv.name, si.component, ResponderSkipped{Server: sv.name, Responder: si.responder, Service: si.name, Component: si.component,
					Running: running, Expected: set, Blocker: c, BlockerState: s})
			}
			return
		}
	}
	for len(r.restarts) > 0 && r.restarts[0] <= now-24*time.Hour {
		r.restarts = r.restarts[1:]
	}
	limit := st.ma.PerDayStandalone
	if sv.dag {
		limit = st.ma.PerDayDAGMember
	}
	if len(r.restarts) >= limit {
		next := r.restarts[0] + 24*time.Hour
		_ = r.timer.Reset(next) // next > now: the oldest restart is within the last 24 h
		if j.Enabled() {
			j.Emit(now, sv.name, si.component, ResponderThrottled{Server: sv.name, Responder: si.responder, Service: si.name, Component: si.component,
				Running: running, Expected: set, Limit: limit, DAGMember: sv.dag, RetryIn: next - now})
		}
		return
	}
	r.restarts = append(r.restarts, now)
	if j.Enabled() {
		j.Emit(now, sv.name, si.component, ResponderRestarted{Server: sv.name, Responder: si.responder, Service: si.name, Component: si.component,
			Running: running, Expected: set})
	}
	st.ma.Restart(sv.name, si.name)
}
