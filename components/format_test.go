package components

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGetServerComponentStateDefaultTable(t *testing.T) {
	for _, v := range []Version{Exchange2013, Exchange2016, Exchange2019} {
		t.Run(string(v), func(t *testing.T) {
			_, st := world(t, "EX1.contoso.com="+string(v))
			rows, err := st.Get("ex1.contoso.com", "")
			require.NoError(t, err)
			require.Len(t, rows, len(Components(v)))
			golden(t, "table-"+string(v), FormatTable(rows))
		})
	}
}

// TestGetServerComponentStateAfterMaintenance pins the documented check after
// entering maintenance: only Monitoring and RecoveryActionsEnabled are Active.
func TestGetServerComponentStateAfterMaintenance(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	require.NoError(t, st.Set("EX1", UMCallRouter, Draining, Maintenance, SetOptions{}))
	at(t, s, 30*time.Minute)
	require.NoError(t, st.Set("EX1", ServerWideOffline, Inactive, Maintenance, SetOptions{}))
	rows, err := st.Get("EX1", "")
	require.NoError(t, err)
	var active []string
	for _, r := range rows {
		if r.State == Active {
			active = append(active, r.Component)
		}
	}
	require.Equal(t, []string{Monitoring, RecoveryActionsEnabled}, active)
	golden(t, "table-maintenance", FormatTable(rows))
}

func TestGetServerComponentStateFormatList(t *testing.T) {
	s, st := world(t, "EX1=Exchange2016")
	require.NoError(t, st.Set("EX1", HubTransport, Draining, Maintenance, SetOptions{}))
	at(t, s, 13*time.Hour+2*time.Minute+3*time.Second)
	require.NoError(t, st.Set("EX1", HubTransport, Inactive, HealthAPI, SetOptions{LocalOnly: true}))
	require.NoError(t, st.Set("EX1", ServerWideOffline, Inactive, Sidelined, SetOptions{RemoteOnly: true}))
	for _, r := range Requesters {
		require.NoError(t, st.Set("EX1", "OwaProxy", Active, r, SetOptions{}))
	}
	var rows []Row
	for _, c := range []string{ServerWideOffline, HubTransport, "OwaProxy", "EwsProxy"} {
		r, err := st.Get("EX1", c)
		require.NoError(t, err)
		rows = append(rows, r...)
	}
	golden(t, "list", FormatList(rows))
}

func TestGetRejectsUnknownComponent(t *testing.T) {
	_, st := world(t, "EX1=Exchange2016")
	_, err := st.Get("EX1", "OwaProxi")
	require.EqualError(t, err, `unknown component "OwaProxi" (did you mean "OwaProxy"?)`)
}
