package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fact: exchange-site-resilience.md §6.1: once MaximumActiveDatabases is reached,
// copies on the server are not activated on failover or switchover, and the
// Information Store refuses further mounts.
func TestMaximumActiveDatabasesStopsActivation(t *testing.T) {
	w := three(t) // DB1 on EX1, DB2 on EX2; both have copies on all three
	require.NoError(t, w.o.SetMaximumActiveDatabases("EX3", 1))
	require.NoError(t, w.o.SetMaximumActiveDatabases("EX2", 1))
	require.NoError(t, w.o.Move("DB1", "EX3"))
	require.ErrorContains(t, w.o.Move("DB2", "EX3"), "MaximumActiveDatabases (1)")
	w.o.ServerDown("EX2") // DB2 fails over: EX3 and... EX1 is the only server below its limit
	w.run(time.Minute)
	srv, mounted := w.active("DB2")
	require.Equal(t, "EX1", srv)
	require.True(t, mounted)
}

// fact: exchange-site-resilience.md §6.3: RedistributeActiveDatabases.ps1
// -BalanceDbsByActivationPreference moves each database to its most preferred
// copy; its distribution has ServerName, TotalDbs, ActiveDbs, PassiveDbs,
// PreferenceCountList, MountedDbs, DismountedDbs, DagName.
func TestRedistributeBalancesByActivationPreference(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.Move("DB1", "EX3"))
	require.NoError(t, w.o.Move("DB2", "EX3"))
	w.run(time.Minute)
	rows, err := w.o.Redistribute("DAG1", false)
	require.NoError(t, err)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX1", srv)
	srv, _ = w.active("DB2")
	require.Equal(t, "EX2", srv)
	require.Equal(t, DistributionRow{ServerName: "EX1", TotalDbs: 2, ActiveDbs: 1, PassiveDbs: 1, PreferenceCountList: []int{1, 1, 0}, MountedDbs: 1, DagName: "DAG1"}, rows[0])
	require.Contains(t, FormatDistribution(rows), "ServerName TotalDbs ActiveDbs PassiveDbs PreferenceCountList MountedDbs DismountedDbs DagName")
	require.Contains(t, FormatDistribution(rows), "{1, 1, 0}")
}

// fact: exchange-site-resilience.md §6.3: -BalanceDbsBySiteAndActivationPreference
// also balances per AD site: a database active in Blue stays in Blue when a copy
// there can take it, even if its most preferred copy is in Red.
func TestRedistributeBySiteKeepsDatabasesInTheirSite(t *testing.T) {
	w := stretched(t, false) // DB1: EX1, EX2 (Red), EX3, EX4 (Blue)
	require.NoError(t, w.o.Move("DB1", "EX4"))
	w.run(time.Minute)
	_, err := w.o.Redistribute("DAG1", true)
	require.NoError(t, err)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX3", srv, "the most preferred copy in Blue")
	_, err = w.o.Redistribute("DAG1", false)
	require.NoError(t, err)
	srv, _ = w.active("DB1")
	require.Equal(t, "EX1", srv)
}

// fact: exchange-site-resilience.md §6.1 (MaximumPreferredActiveDatabases, 2013+:
// honoured only in BCSS, switchovers and DAG rebalancing): best copy selection tries
// a server that reached it last. DB1 fails over from EX1 to EX3, not to EX2, which
// already has DB2 mounted and a preferred maximum of 1; with EX3 down too, EX2
// takes it anyway (a preference, not MaximumActiveDatabases' limit).
func TestMaximumPreferredActiveDatabasesIsTriedLastByBestCopySelection(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.SetMaximumPreferredActiveDatabases("EX2", 1))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX3", srv)
	// With DB1\EX3 blocked from activation, EX2 is the only candidate left.
	w = three(t)
	require.NoError(t, w.o.SetMaximumPreferredActiveDatabases("EX2", 1))
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", true))
	w.o.ServerDown("EX1")
	w.run(time.Minute)
	srv, mounted := w.active("DB1")
	require.Equal(t, "EX2", srv, "the only copy left may exceed the preferred maximum")
	require.True(t, mounted)
	require.Error(t, w.o.SetMaximumPreferredActiveDatabases("EX2", -1))
}

// fact: exchange-site-resilience.md §6.1/§6.3 (MaximumPreferredActiveDatabases is
// honoured by DAG rebalancing; RedistributeActiveDatabases.ps1 moves each database to
// its most preferred copy): a preference-1 server at its preferred maximum is passed
// over for the next preferred copy.
func TestRedistributeSkipsAServerAtMaximumPreferredActiveDatabases(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.Move("DB2", "EX1"))
	require.NoError(t, w.o.Move("DB1", "EX3"))
	w.run(time.Minute)
	require.NoError(t, w.o.SetMaximumPreferredActiveDatabases("EX1", 1))
	_, err := w.o.Redistribute("DAG1", false)
	require.NoError(t, err)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX2", srv, "EX1 has DB2 mounted and a preferred maximum of 1")
}
