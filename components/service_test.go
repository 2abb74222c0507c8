package components

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// appEvent is an Application log event as a log writer sees it.
type appEvent struct {
	EventID           int
	Source, Level     string
	Component         string
	Current, Expected State
}

func events(st *Store) []appEvent {
	var out []appEvent
	for _, r := range kinds(st.s, "component.event") {
		a := r.Data.(ApplicationEvent)
		e := appEvent{EventID: a.EventID(), Source: a.Source(), Level: a.Level()}
		switch d := r.Data.(type) {
		case ServiceReadState:
			e.Component, e.Current, e.Expected = d.Component, d.State, d.State
		case StateInconsistent:
			e.Component, e.Current, e.Expected = d.Component, d.Running, d.Expected
		}
		out = append(out, e)
	}
	return out
}

func TestTransportPicksUpHubTransportOnlyWhenItStarts(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	require.Equal(t, Active, st.ServiceStarted("EX1", ServiceTransport))
	at(t, s, time.Minute)
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	running, ok := st.RunningState("EX1", ServiceTransport)
	require.True(t, ok)
	require.Equal(t, Active, running, "the running service keeps the state it started with")
	running, set, bad := st.Inconsistent("EX1", ServiceTransport)
	require.Equal(t, []State{Active, Draining}, []State{running, set})
	require.True(t, bad)

	at(t, s, 2*time.Minute)
	st.ServiceStopped("EX1", ServiceTransport)
	_, ok = st.RunningState("EX1", ServiceTransport)
	require.False(t, ok)
	require.Equal(t, Draining, st.ServiceStarted("EX1", "msexchangetransport"))
	_, _, bad = st.Inconsistent("EX1", ServiceTransport)
	require.False(t, bad)

	require.Equal(t, []appEvent{
		{EventID: 7009, Source: ServiceTransport, Level: "Information", Component: HubTransport, Current: Active, Expected: Active},
		{EventID: 7011, Source: ServiceTransport, Level: "Warning", Component: HubTransport, Current: Active, Expected: Draining},
		{EventID: 7009, Source: ServiceTransport, Level: "Information", Component: HubTransport, Current: Draining, Expected: Draining},
	}, events(st))
}

func TestFrontEndTransportInconsistencyIsEvent7012(t *testing.T) {
	_, st := world(t, "EX1=Exchange2013")
	st.ServiceStarted("EX1", ServiceFrontEndTransport)
	require.NoError(t, st.Set("EX1", FrontendTransport, Inactive, Maintenance, SetOptions{}))
	ev := events(st)
	require.Len(t, ev, 2)
	require.Equal(t, appEvent{EventID: 7012, Source: ServiceFrontEndTransport, Level: "Warning", Component: FrontendTransport, Current: Active, Expected: Inactive}, ev[1])
}

func TestServerWideOfflineMakesRunningTransportInconsistent(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	st.ServiceStarted("EX1", ServiceTransport)
	st.ServiceStarted("EX1", ServiceFrontEndTransport)
	require.NoError(t, st.Set("EX1", ServerWideOffline, Inactive, Maintenance, SetOptions{}))
	ids := []int{}
	for _, e := range events(st) {
		ids = append(ids, e.EventID)
	}
	require.Equal(t, []int{7009, 7009, 7011, 7012}, ids)
}

func TestInconsistencyWarningIsJournaledOncePerExpectedState(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	st.ServiceStarted("EX1", ServiceTransport)
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	require.NoError(t, st.Set("EX1", "OwaProxy", Inactive, Maintenance, SetOptions{}))   // unrelated
	require.NoError(t, st.Set("EX1", HubTransport, Draining, HealthAPI, SetOptions{}))   // same expected state
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Functional, SetOptions{}))  // new expected state
	require.NoError(t, st.Set("EX1", HubTransport, Active, Functional, SetOptions{}))    // back to Draining
	require.NoError(t, st.Set("EX1", HubTransport, Active, Maintenance, SetOptions{}))   // HealthAPI still Draining
	require.NoError(t, st.Set("EX1", HubTransport, Active, HealthAPI, SetOptions{}))     // consistent again
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Maintenance, SetOptions{})) // inconsistent again
	var expected []State
	for _, e := range events(st)[1:] {
		expected = append(expected, e.Expected)
	}
	require.Equal(t, []State{Draining, Inactive, Draining, Inactive}, expected)
	_ = s
}

func TestStoppedServiceHasNoRunningStateAndNoWarning(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	_, ok := st.RunningState("EX1", ServiceTransport)
	require.False(t, ok)
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Maintenance, SetOptions{}))
	require.Empty(t, events(st))
	_, _, bad := st.Inconsistent("EX1", ServiceTransport)
	require.False(t, bad)
}

func TestUnknownServiceOrServer(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	require.Equal(t, State(""), st.ServiceStarted("EX1", "MSExchangeIS"))
	require.Equal(t, State(""), st.ServiceStarted("EX9", ServiceTransport))
	_, ok := st.RunningState("EX9", ServiceTransport)
	require.False(t, ok)
	_, ok = st.RunningState("EX1", "W3SVC")
	require.False(t, ok)
	st.ServiceStopped("EX9", ServiceTransport) // no panic
	require.Zero(t, st.s.Journal().Len())
}

// TestSeed004 replays what the author of seed 004 observed: two requesters set
// ServerWideOffline Inactive and Active from one leaves it Inactive; HubTransport
// Inactive takes effect only after the transport service restarts; a failed CU
// leaves Functional Inactive that Maintenance cannot clear, even across a restart.
func TestSeed004(t *testing.T) {
	s, st := world(t, "EX1=Exchange2013", "EX2=Exchange2013", "EX3=Exchange2013")
	for _, sv := range []string{"EX1", "EX2", "EX3"} {
		st.ServiceStarted(sv, ServiceTransport)
	}
	var out strings.Builder
	get := func(server, comp string, list bool) {
		rows, err := st.Get(server, comp)
		require.NoError(t, err)
		out.WriteString("\n> Get-ServerComponentState " + server)
		if comp != "" {
			out.WriteString(" -Component " + comp)
		}
		if list {
			out.WriteString(" | Format-List\n\n")
			out.WriteString(FormatList(rows))
		} else {
			out.WriteString("\n\n")
			out.WriteString(FormatTable(rows))
		}
	}

	// Two requesters.
	at(t, s, 5*time.Minute)
	require.NoError(t, st.Set("EX1", ServerWideOffline, Inactive, Functional, SetOptions{}))
	require.NoError(t, st.Set("EX1", ServerWideOffline, Inactive, Maintenance, SetOptions{}))
	at(t, s, 10*time.Minute)
	require.NoError(t, st.Set("EX1", ServerWideOffline, Active, Maintenance, SetOptions{}))
	require.Equal(t, Inactive, st.Effective("EX1", ServerWideOffline))
	require.Equal(t, Inactive, st.Effective("EX1", HubTransport))
	at(t, s, 15*time.Minute)
	require.NoError(t, st.Set("EX1", ServerWideOffline, Active, Functional, SetOptions{}))
	require.Equal(t, Active, st.Effective("EX1", HubTransport))

	// HubTransport Inactive needs a restart.
	at(t, s, 20*time.Minute)
	require.NoError(t, st.Set("EX2", HubTransport, Inactive, Maintenance, SetOptions{}))
	running, _ := st.RunningState("EX2", ServiceTransport)
	require.Equal(t, Active, running)
	at(t, s, 25*time.Minute)
	st.ServiceStopped("EX2", ServiceTransport)
	require.Equal(t, Inactive, st.ServiceStarted("EX2", ServiceTransport))

	// A failed CU.
	at(t, s, 30*time.Minute)
	require.NoError(t, st.SetupBegin("EX3"))
	at(t, s, 40*time.Minute)
	require.NoError(t, st.Set("EX3", ServerWideOffline, Active, Maintenance, SetOptions{}))
	st.ServiceStopped("EX3", ServiceTransport)
	require.Equal(t, Inactive, st.ServiceStarted("EX3", ServiceTransport))
	require.Equal(t, Inactive, st.Effective("EX3", ServerWideOffline))

	get("EX3", ServerWideOffline, true)
	get("EX3", "", false)

	golden(t, "seed004", narration(s)+out.String())
}
