package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of placement.go that survived the mutation run of the code
// added since ff5252e~1 (MUTATION.md, "dag, second run (fifth session)").

// fact: exchange-site-resilience.md §6.1 (MaximumActiveDatabases and
// MaximumPreferredActiveDatabases default to $null): setting either back to $null
// (0) is accepted and lifts the limit; a negative count is refused.
func TestMaximumActiveDatabasesBackToNullLiftsTheLimit(t *testing.T) {
	w := three(t) // DB1 on EX1, DB2 on EX2
	require.NoError(t, w.o.SetMaximumActiveDatabases("EX3", 1))
	require.NoError(t, w.o.Move("DB1", "EX3"))
	require.ErrorContains(t, w.o.Move("DB2", "EX3"), "MaximumActiveDatabases (1)")
	require.NoError(t, w.o.SetMaximumActiveDatabases("EX3", 0))
	require.NoError(t, w.o.Move("DB2", "EX3"))
	require.Error(t, w.o.SetMaximumActiveDatabases("EX3", -1))

	require.NoError(t, w.o.SetMaximumPreferredActiveDatabases("EX1", 1))
	require.NoError(t, w.o.SetMaximumPreferredActiveDatabases("EX1", 0))
	require.Error(t, w.o.SetMaximumPreferredActiveDatabases("EX1", -1))
	w.run(time.Minute)
}

// fact: exchange-site-resilience.md §6.3 (RedistributeActiveDatabases.ps1 moves each
// database to its most preferred copy by a switchover) and §3.4 (a lagged copy
// activates only with -SkipLagChecks, which the script does not pass): the script
// moves what it can; a database whose most preferred copy lags stays where it is and
// is reported as failed, with the switchover's error.
func TestRedistributeReportsTheDatabaseItCouldNotMove(t *testing.T) {
	w := three(t) // DB1 prefers EX1, DB2 prefers EX2
	require.NoError(t, w.o.Move("DB1", "EX3"))
	require.NoError(t, w.o.Move("DB2", "EX3"))
	lag := time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX1", &lag, nil))
	w.run(time.Minute)
	_, err := w.o.Redistribute("DAG1", false)
	require.ErrorContains(t, err, "SkipLagChecks")
	var e Redistributed
	for _, r := range w.s.Journal().Records() {
		if x, ok := r.Data.(Redistributed); ok {
			e = x
		}
	}
	require.Equal(t, []string{"DB2 EX3 -> EX2"}, e.Moved)
	require.Equal(t, []string{"DB1"}, e.Failed)
	srv, _ := w.active("DB1")
	require.Equal(t, "EX3", srv)
}

// fact: exchange-site-resilience.md §6.3 (the distribution's columns: Server, active,
// passive, mounted and dismounted counts and the preference count list, e.g. the
// unbalanced "EX3 12 4 12 0 13, 2, 1, 0"): with both databases active on EX3, one of
// them dismounted, EX3 counts two active copies, one mounted and one dismounted, and
// EX1 and EX2 two passive copies each.
func TestRedistributeDistributionCountsActivePassiveMountedAndDismountedCopies(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.Move("DB1", "EX3"))
	require.NoError(t, w.o.Move("DB2", "EX3"))
	lag := time.Hour
	require.NoError(t, w.o.SetCopyLag("DB1", "EX1", &lag, nil))
	require.NoError(t, w.o.SetCopyLag("DB2", "EX2", &lag, nil))
	require.NoError(t, w.o.Dismount("DB2"))
	w.run(time.Minute)
	rows, _ := w.o.Redistribute("DAG1", false) // neither can move: their preferred copies lag
	require.Equal(t, []DistributionRow{
		{ServerName: "EX1", TotalDbs: 2, PassiveDbs: 2, PreferenceCountList: []int{1, 1, 0}, DagName: "DAG1"},
		{ServerName: "EX2", TotalDbs: 2, PassiveDbs: 2, PreferenceCountList: []int{1, 1, 0}, DagName: "DAG1"},
		{ServerName: "EX3", TotalDbs: 2, ActiveDbs: 2, PreferenceCountList: []int{0, 0, 2}, MountedDbs: 1, DismountedDbs: 1, DagName: "DAG1"},
	}, rows)
}

// fact: exchange-site-resilience.md §6.1 (MaximumActiveDatabases, default $null) and
// §6.3 (RedistributeActiveDatabases.ps1 -BalanceDbsByActivationPreference /
// -BalanceDbsBySiteAndActivationPreference): the narration names the limit or $null,
// the switch the script ran with, what it moved and what it could not.
func TestPlacementNarrationNamesTheLimitTheSwitchAndTheMoves(t *testing.T) {
	require.Equal(t, "Set-MailboxServer EX1 -MaximumActiveDatabases $null: no limit on active databases.", MaximumActiveDatabasesSet{Server: "EX1"}.Narrate())
	require.Contains(t, MaximumActiveDatabasesSet{Server: "EX1", Max: 2}.Narrate(), "-MaximumActiveDatabases 2: once 2 databases")
	require.Equal(t, "RedistributeActiveDatabases.ps1 -DagName DAG1 -BalanceDbsByActivationPreference: every database is already on its most preferred available copy.", Redistributed{DAG: "DAG1"}.Narrate())
	require.Equal(t, "RedistributeActiveDatabases.ps1 -DagName DAG1 -BalanceDbsBySiteAndActivationPreference: moved DB2 EX3 -> EX2; could not move DB1.", Redistributed{DAG: "DAG1", BySite: true, Moved: []string{"DB2 EX3 -> EX2"}, Failed: []string{"DB1"}}.Narrate())
}
