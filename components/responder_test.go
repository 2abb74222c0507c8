package components

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// restarter is what transport would pass: a forced crash and restart.
func restarter(st **Store, calls *[]time.Duration) func(server, service string) {
	return func(server, service string) {
		*calls = append(*calls, (*st).s.Now())
		(*st).ServiceStopped(server, service)
		(*st).ServiceStarted(server, service)
	}
}

func actions(st *Store) []string {
	var out []string
	for _, r := range kinds(st.s, "component.responder") {
		var action, service string
		switch d := r.Data.(type) {
		case ResponderRestarted:
			action, service = "Restart", d.Service
		case ResponderThrottled:
			action, service = "Throttled", d.Service
		case ResponderSkipped:
			action, service = "Skipped", d.Service
		}
		out = append(out, st.s.Wall(r.At).Format("Jan 2 15:04")+" "+action+" "+service)
	}
	return out
}

func TestResponderIsOffByDefault(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	st.ServiceStarted("EX1", ServiceTransport)
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Maintenance, SetOptions{}))
	require.Zero(t, s.Pending(), "nothing is scheduled without the responder")
	at(t, s, 48*time.Hour)
	running, _ := st.RunningState("EX1", ServiceTransport)
	require.Equal(t, Active, running, "without MA the inconsistency stays until someone restarts the service")
	require.Empty(t, actions(st))
}

func TestEnableResponderValidation(t *testing.T) {
	_, st := world(t)
	require.EqualError(t, st.EnableResponder(ResponderConfig{}), "the Managed Availability responder needs a Restart function")
	require.EqualError(t, st.EnableResponder(ResponderConfig{Delay: -time.Second, Restart: func(string, string) {}}),
		"the Managed Availability responder's delay and daily limits cannot be negative")
	require.EqualError(t, st.SetDAGMember("EX9", true), `unknown server "EX9"`)
}

// fact: exchange-stress.md §5.2 (the seed's limits, at most one attempt a day on a
// standalone server, as the throttle numbers found give them).
func TestResponderRestartsAnInconsistentTransportOnceADayOnAStandaloneServer(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	var calls []time.Duration
	require.NoError(t, st.EnableResponder(ResponderConfig{Restart: restarter(&st, &calls)}))
	st.ServiceStarted("EX1", ServiceTransport)
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Maintenance, SetOptions{}))
	at(t, s, time.Hour)
	running, _ := st.RunningState("EX1", ServiceTransport)
	require.Equal(t, Inactive, running, "the responder restarted transport, which picked up Inactive")

	require.NoError(t, st.Set("EX1", HubTransport, Active, Maintenance, SetOptions{}))
	at(t, s, 23*time.Hour)
	running, _ = st.RunningState("EX1", ServiceTransport)
	require.Equal(t, Inactive, running, "the second restart waits for the daily budget")
	at(t, s, 25*time.Hour)
	running, _ = st.RunningState("EX1", ServiceTransport)
	require.Equal(t, Active, running)

	require.Equal(t, []time.Duration{15 * time.Minute, 24*time.Hour + 15*time.Minute}, calls)
	require.Equal(t, []string{
		"Aug 8 10:15 Restart MSExchangeTransport",
		"Aug 8 11:15 Throttled MSExchangeTransport",
		"Aug 9 10:15 Restart MSExchangeTransport",
	}, actions(st))
	golden(t, "responder", narration(s))
}

// fact: exchange-stress.md §5.2 (at most four a day across a DAG's throttle group).
func TestResponderRestartsUpToFourTimesADayOnADAGMember(t *testing.T) {
	s, st := world(t, "EX1=Exchange2013")
	var calls []time.Duration
	require.NoError(t, st.EnableResponder(ResponderConfig{Restart: restarter(&st, &calls)}))
	require.NoError(t, st.SetDAGMember("ex1", true))
	st.ServiceStarted("EX1", ServiceFrontEndTransport)
	state := Active
	for i := range 5 {
		at(t, s, time.Duration(i)*time.Hour)
		state = map[State]State{Active: Inactive, Inactive: Active}[state]
		require.NoError(t, st.Set("EX1", FrontendTransport, state, Maintenance, SetOptions{}))
	}
	at(t, s, 6*time.Hour)
	require.Len(t, calls, 4)
	running, _ := st.RunningState("EX1", ServiceFrontEndTransport)
	require.Equal(t, Active, running, "the fifth inconsistency waits")
	at(t, s, 25*time.Hour)
	require.Len(t, calls, 5)
	require.Equal(t, 24*time.Hour+15*time.Minute, calls[4])
}

func TestResponderSettingsAreConfigurable(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	var calls []time.Duration
	require.NoError(t, st.EnableResponder(ResponderConfig{Delay: 5 * time.Minute, PerDayStandalone: 2, Restart: restarter(&st, &calls)}))
	st.ServiceStarted("EX1", ServiceTransport)
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	at(t, s, time.Hour)
	require.NoError(t, st.Set("EX1", HubTransport, Active, Maintenance, SetOptions{}))
	at(t, s, 2*time.Hour)
	require.Equal(t, []time.Duration{5 * time.Minute, time.Hour + 5*time.Minute}, calls)
}

func TestResponderDoesNothingWhenTheServiceWasRestartedFirst(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	var calls []time.Duration
	require.NoError(t, st.EnableResponder(ResponderConfig{Restart: restarter(&st, &calls)}))
	st.ServiceStarted("EX1", ServiceTransport)
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	at(t, s, time.Minute)
	st.ServiceStopped("EX1", ServiceTransport) // the admin's Restart-Service
	st.ServiceStarted("EX1", ServiceTransport)
	at(t, s, time.Hour)
	require.Empty(t, calls)
	require.Empty(t, actions(st))
}

func TestResponderCannotActWhileRecoveryActionsAreDisabled(t *testing.T) {
	s, st := world(t, "EX1=Exchange2013")
	var calls []time.Duration
	require.NoError(t, st.EnableResponder(ResponderConfig{Restart: restarter(&st, &calls)}))
	st.ServiceStarted("EX1", ServiceTransport)
	require.NoError(t, st.SetupBegin("EX1")) // a CU that then fails
	at(t, s, 48*time.Hour)
	require.Empty(t, calls)
	require.Equal(t, []string{"Aug 8 10:15 Skipped MSExchangeTransport"}, actions(st))
	running, _ := st.RunningState("EX1", ServiceTransport)
	require.Equal(t, Active, running)
}

func TestResponderEnabledLaterFindsAnExistingInconsistency(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016", "EX2=Exchange2016")
	st.ServiceStarted("EX1", ServiceTransport)
	st.ServiceStarted("EX2", ServiceTransport)
	require.NoError(t, st.Set("EX2", HubTransport, Inactive, Maintenance, SetOptions{}))
	at(t, s, time.Hour)
	var calls []time.Duration
	require.NoError(t, st.EnableResponder(ResponderConfig{Restart: restarter(&st, &calls)}))
	at(t, s, 2*time.Hour)
	require.Equal(t, []time.Duration{time.Hour + 15*time.Minute}, calls)
	require.Equal(t, []string{"Aug 8 11:15 Restart MSExchangeTransport"}, actions(st))
}
