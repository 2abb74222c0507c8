package components

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// lastSet is the StateSet payload of the journal's last component.set record.
func lastSet(t *testing.T, st *Store) StateSet {
	t.Helper()
	rs := st.s.Journal().Records()
	for i := len(rs) - 1; i >= 0; i-- {
		if e, ok := rs[i].Data.(StateSet); ok {
			return e
		}
	}
	t.Fatal("no StateSet record")
	return StateSet{}
}

// fact: exchange-dag-components.md §1.5 and exchange-stress.md §5.3: ServerWideOffline,
// when not Active, overrides
// every component except Monitoring and RecoveryActionsEnabled. The journal's StateSet
// says when a write is overridden (the narration "but it still reads Inactive because
// ServerWideOffline is not Active").
func TestServerWideOfflineOverridesEveryComponentExceptMonitoringAndRecoveryActions(t *testing.T) {
	cases := []struct {
		comp     string
		offline  State // ServerWideOffline's state ("" = never set: Active)
		override bool
		after    State
	}{
		{HubTransport, Inactive, true, Inactive},
		{HubTransport, Draining, true, Inactive},
		{HubTransport, "", false, Active},
		{HubTransport, Active, false, Active},
		{Monitoring, Inactive, false, Active},
		{RecoveryActionsEnabled, Inactive, false, Active},
		{ServerWideOffline, Inactive, false, Inactive}, // Functional's Active does not lift Maintenance's Inactive
	}
	for _, c := range cases {
		t.Run(c.comp+"/"+string(c.offline), func(t *testing.T) {
			_, st := world(t, "EX1=Exchange2016")
			if c.offline != "" {
				require.NoError(t, st.Set("EX1", ServerWideOffline, c.offline, Maintenance, SetOptions{}))
			}
			require.NoError(t, st.Set("EX1", c.comp, Active, Functional, SetOptions{}))
			e := lastSet(t, st)
			if c.comp == ServerWideOffline {
				require.Equal(t, Maintenance, e.Holders[0], "Maintenance's Inactive still holds it")
				return
			}
			require.Equal(t, c.override, e.OfflineOverride)
			require.Equal(t, c.after, e.After)
		})
	}
}

// fact: exchange-dag-components.md §1.5 and exchange-stress.md §5.3 (precedence across
// requesters: Inactive beats
// Draining beats Active): a write that does not take effect names the other requesters
// whose entries hold the component at its effective state; one that takes effect names
// none.
func TestAWriteThatDoesNotTakeEffectNamesTheRequestersHoldingTheState(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Maintenance, SetOptions{}))
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, Sidelined, SetOptions{}))
	require.Empty(t, lastSet(t, st).Holders, "took effect: nobody holds it against the write")
	require.NoError(t, st.Set("EX1", HubTransport, Active, Functional, SetOptions{}))
	e := lastSet(t, st)
	require.Equal(t, Inactive, e.After)
	require.Equal(t, []Requester{Maintenance, Sidelined}, e.Holders)
}
