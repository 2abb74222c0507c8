package components

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type op struct {
	at   time.Duration
	comp string
	st   State
	req  Requester
	o    SetOptions
}

func TestEffectiveStateRules(t *testing.T) {
	local, remote := SetOptions{LocalOnly: true}, SetOptions{RemoteOnly: true}
	tests := []struct {
		name string
		ops  []op
		want map[string]State
	}{
		{"no entries gives the default", nil,
			map[string]State{HubTransport: Active, ForwardSyncDaemon: Inactive, ProvisioningRps: Inactive}},
		{"two requesters Inactive, Active from one of them leaves it Inactive", []op{
			{time.Minute, ServerWideOffline, Inactive, Functional, SetOptions{}},
			{2 * time.Minute, ServerWideOffline, Inactive, Maintenance, SetOptions{}},
			{3 * time.Minute, ServerWideOffline, Active, Maintenance, SetOptions{}},
		}, map[string]State{ServerWideOffline: Inactive, HubTransport: Inactive, Monitoring: Active}},
		{"Active from the second requester too brings it back", []op{
			{time.Minute, ServerWideOffline, Inactive, Functional, SetOptions{}},
			{2 * time.Minute, ServerWideOffline, Inactive, Maintenance, SetOptions{}},
			{3 * time.Minute, ServerWideOffline, Active, Maintenance, SetOptions{}},
			{4 * time.Minute, ServerWideOffline, Active, Functional, SetOptions{}},
		}, map[string]State{ServerWideOffline: Active, HubTransport: Active}},
		{"Inactive beats Draining beats Active across requesters", []op{
			{0, HubTransport, Active, HealthAPI, SetOptions{}},
			{0, HubTransport, Draining, Maintenance, SetOptions{}},
			{0, FrontendTransport, Draining, Maintenance, SetOptions{}},
			{0, FrontendTransport, Inactive, Sidelined, SetOptions{}},
			{0, FrontendTransport, Active, Deployment, SetOptions{}},
			{0, UMCallRouter, Active, Deployment, SetOptions{}},
		}, map[string]State{HubTransport: Draining, FrontendTransport: Inactive, UMCallRouter: Active}},
		{"an Active entry overrides an Inactive default", []op{
			{0, ForwardSyncDaemon, Active, Maintenance, SetOptions{}},
		}, map[string]State{ForwardSyncDaemon: Active, ProvisioningRps: Inactive}},
		{"ServerWideOffline Inactive makes every component but Monitoring and RecoveryActionsEnabled Inactive", []op{
			{0, HubTransport, Active, Maintenance, SetOptions{}},
			{0, ServerWideOffline, Inactive, Maintenance, SetOptions{}},
		}, map[string]State{HubTransport: Inactive, "OwaProxy": Inactive, HighAvailability: Inactive, Monitoring: Active, RecoveryActionsEnabled: Active}},
		{"ServerWideOffline Draining also makes them Inactive", []op{
			{0, ServerWideOffline, Draining, Maintenance, SetOptions{}},
		}, map[string]State{ServerWideOffline: Draining, HubTransport: Inactive, Monitoring: Active}},
		{"the newer of registry and AD wins: a later registry-only Active", []op{
			{time.Minute, HubTransport, Inactive, Maintenance, SetOptions{}},
			{2 * time.Minute, HubTransport, Active, Maintenance, local},
		}, map[string]State{HubTransport: Active}},
		{"the newer of registry and AD wins: a later AD-only Inactive", []op{
			{time.Minute, HubTransport, Active, Maintenance, SetOptions{}},
			{2 * time.Minute, HubTransport, Inactive, Maintenance, remote},
		}, map[string]State{HubTransport: Inactive}},
		{"writes at one instant are ordered: the later AD-only write wins", []op{
			{time.Minute, HubTransport, Inactive, Maintenance, local},
			{time.Minute, HubTransport, Active, Maintenance, remote},
		}, map[string]State{HubTransport: Active}},
		{"an entry in one store only is kept", []op{
			{0, "OwaProxy", Inactive, HealthAPI, local},
			{0, "EcpProxy", Inactive, Maintenance, remote},
		}, map[string]State{"OwaProxy": Inactive, "EcpProxy": Inactive}},
		{"failed CU setup leaves Functional Inactive that Maintenance cannot clear", []op{
			{0, Monitoring, Inactive, Functional, SetOptions{}},
			{0, RecoveryActionsEnabled, Inactive, Functional, SetOptions{}},
			{0, ServerWideOffline, Inactive, Functional, SetOptions{}},
			{time.Hour, ServerWideOffline, Active, Maintenance, SetOptions{}},
			{time.Hour, Monitoring, Active, Maintenance, SetOptions{}},
			{time.Hour, RecoveryActionsEnabled, Active, Maintenance, SetOptions{}},
		}, map[string]State{ServerWideOffline: Inactive, Monitoring: Inactive, RecoveryActionsEnabled: Inactive, HubTransport: Inactive}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, st := world(t, "EX1=Exchange2016")
			for _, o := range tt.ops {
				at(t, s, o.at)
				require.NoError(t, st.Set("EX1", o.comp, o.st, o.req, o.o))
			}
			for c, want := range tt.want {
				require.Equal(t, want, st.Effective("EX1", c), c)
			}
		})
	}
}

func TestSetValidation(t *testing.T) {
	tests := []struct {
		name    string
		server  string
		comp    string
		state   State
		req     Requester
		o       SetOptions
		wantErr string
	}{
		{"unknown server", "EX3", HubTransport, Active, Maintenance, SetOptions{}, `unknown server "EX3" (did you mean "EX1"?)`},
		{"Exchange 2010 server", "HUB2010", HubTransport, Active, Maintenance, SetOptions{},
			"server HUB2010 runs Exchange2010SP1, which has no server component states (they were added in Exchange 2013)"},
		{"unknown component", "EX1", "HubTransprt", Active, Maintenance, SetOptions{}, `unknown component "HubTransprt" (did you mean "HubTransport"?)`},
		{"2016 component on 2013", "EX2", "RoutingUpdates", Active, Maintenance, SetOptions{},
			`component "RoutingUpdates" does not exist on Exchange2013 servers (it was added in Exchange2016)`},
		{"unknown state", "EX1", HubTransport, "Drain", Maintenance, SetOptions{}, `unknown state "Drain" (did you mean "Draining"?)`},
		{"unknown requester", "EX1", HubTransport, Active, "Admin", SetOptions{}, `unknown requester "Admin" (valid: HealthAPI, Maintenance, Sidelined, Functional, Deployment)`},
		{"LocalOnly and RemoteOnly together", "EX1", HubTransport, Active, Maintenance, SetOptions{LocalOnly: true, RemoteOnly: true},
			"-LocalOnly and -RemoteOnly cannot be used together"},
		{"LocalOnly refused for Monitoring", "EX1", Monitoring, Active, Maintenance, SetOptions{LocalOnly: true},
			"-LocalOnly cannot be used for the Monitoring component: Managed Availability needs it in Active Directory too"},
		{"LocalOnly refused for RecoveryActionsEnabled", "EX1", "recoveryactionsenabled", Active, Maintenance, SetOptions{LocalOnly: true},
			"-LocalOnly cannot be used for the RecoveryActionsEnabled component: Managed Availability needs it in Active Directory too"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, st := world(t, "EX1=Exchange2016", "EX2=Exchange2013", "HUB2010=Exchange2010SP1")
			require.EqualError(t, st.Set(tt.server, tt.comp, tt.state, tt.req, tt.o), tt.wantErr)
			require.Zero(t, s.Journal().Len(), "a refused Set changes nothing")
			rows, err := st.Get("EX1", "")
			require.NoError(t, err)
			for _, r := range rows {
				require.Empty(t, r.LocalStates)
				require.Empty(t, r.RemoteStates)
			}
		})
	}
}

func TestRemoteOnlyIsAllowedForMonitoring(t *testing.T) {
	_, st := world(t, "EX1=Exchange2013")
	require.NoError(t, st.Set("EX1", Monitoring, Inactive, Maintenance, SetOptions{RemoteOnly: true}))
	rows, err := st.Get("EX1", Monitoring)
	require.NoError(t, err)
	require.Empty(t, rows[0].LocalStates)
	require.Len(t, rows[0].RemoteStates, 1)
}

func TestNamesAreStoredInExchangeSpelling(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	require.NoError(t, st.Set("ex1", "hubtransport", "draining", "healthapi", SetOptions{}))
	rows, err := st.Get("EX1", "HUBTRANSPORT")
	require.NoError(t, err)
	require.Equal(t, Row{Server: "EX1", Component: HubTransport, State: Draining,
		LocalStates:  []Entry{{HealthAPI, Draining, t0}},
		RemoteStates: []Entry{{HealthAPI, Draining, t0}}}, rows[0])
}

func TestAnADWriteReplacesTheRequestersEarlierValue(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Maintenance, SetOptions{}))
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Functional, SetOptions{}))
	at(t, s, time.Minute)
	require.NoError(t, st.Set("EX1", HubTransport, Active, Maintenance, SetOptions{}))
	rows, err := st.Get("EX1", HubTransport)
	require.NoError(t, err)
	// The registry rewrites the value in place; AD drops the old value and appends.
	require.Equal(t, []Entry{{Maintenance, Active, t0.Add(time.Minute)}, {Functional, Inactive, t0}}, rows[0].LocalStates)
	require.Equal(t, []Entry{{Functional, Inactive, t0}, {Maintenance, Active, t0.Add(time.Minute)}}, rows[0].RemoteStates)
}

func TestExchange2010ServersReadActiveAndHaveNoGet(t *testing.T) {
	_, st := world(t, "HUB1=Exchange2010")
	require.Equal(t, Active, st.Effective("HUB1", HubTransport))
	require.False(t, st.ActivationBlocked("HUB1"))
	_, err := st.Get("HUB1", "")
	require.EqualError(t, err, "server HUB1 runs Exchange2010, which has no server component states (they were added in Exchange 2013)")
	require.Equal(t, Active, st.ServiceStarted("HUB1", ServiceTransport))
}

func TestUnknownNamesReadEmpty(t *testing.T) {
	_, st := world(t, "EX1=Exchange2013")
	require.Equal(t, State(""), st.Effective("EX9", HubTransport))
	require.Equal(t, State(""), st.Effective("EX1", "Lsass"))
	require.False(t, st.ActivationBlocked("EX9"))
	_, err := st.Get("EX9", "")
	require.EqualError(t, err, `unknown server "EX9" (did you mean "EX1"?)`)
}

func TestAddServerValidation(t *testing.T) {
	_, st := world(t, "EX1=Exchange2013")
	require.EqualError(t, st.AddServer("ex1", Exchange2016), `server "ex1" already added`)
	require.EqualError(t, st.AddServer(" ", Exchange2016), "server name is empty")
	require.EqualError(t, st.AddServer("EX2", "Exchnage2016"), `unknown version "Exchnage2016" (did you mean "Exchange2016"?)`)
}

func TestHighAvailabilityInactiveBlocksActivation(t *testing.T) {
	tests := []struct {
		name    string
		ops     []op
		blocked bool
	}{
		{"default", nil, false},
		{"HighAvailability Inactive", []op{{0, HighAvailability, Inactive, Maintenance, SetOptions{}}}, true},
		{"HighAvailability Draining still allows activation", []op{{0, HighAvailability, Draining, Maintenance, SetOptions{}}}, false},
		{"ServerWideOffline Inactive", []op{{0, ServerWideOffline, Inactive, Maintenance, SetOptions{}}}, true},
		{"set back Active by the same requester", []op{
			{0, HighAvailability, Inactive, Maintenance, SetOptions{}},
			{time.Minute, HighAvailability, Active, Maintenance, SetOptions{}},
		}, false},
		{"set back Active by another requester", []op{
			{0, HighAvailability, Inactive, Maintenance, SetOptions{}},
			{time.Minute, HighAvailability, Active, HealthAPI, SetOptions{}},
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, st := world(t, "EX1=Exchange2016")
			for _, o := range tt.ops {
				at(t, s, o.at)
				require.NoError(t, st.Set("EX1", o.comp, o.st, o.req, o.o))
			}
			require.Equal(t, tt.blocked, st.ActivationBlocked("EX1"))
			if tt.blocked {
				require.EqualError(t, st.CheckActivation("EX1"), "Server 'EX1' component (HighAvailability) state is offline. If you need to activate databases copies on this server, you can use Set-ServerComponentState -Component 'HighAvailability' -State 'Active' and retry Move-ActiveMailboxDatabase.")
			} else {
				require.NoError(t, st.CheckActivation("EX1"))
			}
		})
	}
}

func TestSetupBeginLeavesFunctionalInactiveUntilSetupEnd(t *testing.T) {
	s, st := world(t, "EX1=Exchange2013")
	require.NoError(t, st.SetupBegin("EX1"))
	at(t, s, time.Hour)
	for _, c := range []string{ServerWideOffline, Monitoring, RecoveryActionsEnabled} {
		require.NoError(t, st.Set("EX1", c, Active, Maintenance, SetOptions{}))
	}
	rows, err := st.Get("EX1", "")
	require.NoError(t, err)
	for _, r := range rows {
		require.Equal(t, Inactive, r.State, "%s: Maintenance cannot clear Functional", r.Component)
	}
	require.NoError(t, st.SetupEnd("EX1"))
	require.Equal(t, Active, st.Effective("EX1", HubTransport))
	require.Equal(t, Active, st.Effective("EX1", Monitoring))
	require.EqualError(t, st.SetupBegin("EX9"), `unknown server "EX9" (did you mean "EX1"?)`)
}

func TestEffectiveDoesNotAllocate(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	require.NoError(t, st.Set("EX1", HubTransport, Active, HealthAPI, SetOptions{LocalOnly: true}))
	require.NoError(t, st.Set("EX1", ServerWideOffline, Active, Maintenance, SetOptions{RemoteOnly: true}))
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if st.Effective("EX1", "hubtransport") != Draining {
			panic("wrong state")
		}
	}))
}
