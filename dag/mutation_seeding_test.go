package dag

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that kill mutants of seeding.go that survived the mutation run of the code
// added since ff5252e~1 (MUTATION.md, "dag, second run (fifth session)").

// fact: exchange-site-resilience.md §4.5 (seeding time follows the database's size and
// the link's throughput, e.g. 600 GB in about 13 hours at 13 MB/s): a database of
// 0 GB or a rate of 0 MB/s would seed in no time or never, so both are refused; the
// smallest positive values are accepted.
func TestSeedingSizeAndRateMustBeAboveZero(t *testing.T) {
	w := four(t)
	require.Error(t, w.o.SetDatabaseSize("DB1", 0))
	require.Error(t, w.o.SetSeedingRate("DAG1", 0))
	require.NoError(t, w.o.SetDatabaseSize("DB1", 0.001))
	require.NoError(t, w.o.SetSeedingRate("DAG1", 0.001))
}

// fact: exchange-site-resilience.md §3.1 (ReplayLagTime and TruncationLagTime: min 0,
// max 14 days) with §4.2 (Add-MailboxDatabaseCopy takes -ReplayLagTime and
// -TruncationLagTime): a new copy may lag exactly 14.00:00:00, not a second more.
func TestAddedCopyLagsAtMostFourteenDays(t *testing.T) {
	w := four(t)
	over := MaxLag + time.Second
	require.Error(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{ReplayLagTime: over}))
	require.Error(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{TruncationLagTime: over}))
	require.Error(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{ReplayLagTime: -time.Second}))
	require.Error(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{TruncationLagTime: -time.Second}))
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{ReplayLagTime: MaxLag, TruncationLagTime: MaxLag}))
	require.Equal(t, []LaggedCopy{{Database: "DB1", Server: "EX4", ReplayLagTime: MaxLag}}, w.o.LaggedCopies())
}

// fact: exchange-site-resilience.md §4.5 (600 GB over a 100 Mbps link, about 13 MB/s,
// took about 13 hours): twice the rate seeds in half the time; a rate for a DAG
// that does not exist is an error.
func TestSeedingRateSetsTheSeedsDuration(t *testing.T) {
	w := four(t)
	require.NoError(t, w.o.SetDatabaseSize("DB1", 600))
	require.NoError(t, w.o.SetSeedingRate("DAG1", 26))
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{}))
	w.run(6*time.Hour + 33*time.Minute + 51*time.Second) // 600*1024/26 s = 6h33m51s
	require.Equal(t, Initializing, w.status(`DB1\EX4`).Status)
	require.Error(t, w.o.SetSeedingRate("DAG9", 26))
	require.Error(t, w.o.SetDatabaseSize("DB9", 1))
}

// fact: exchange-site-resilience.md §4.2 (copies: up to 16 per database): a database
// with 16 copies takes no 17th.
func TestADatabaseHasAtMostSixteenCopies(t *testing.T) {
	w := newWorld(t)
	var names []string
	for i := 1; i <= 17; i++ {
		names = append(names, fmt.Sprintf("EX%d", i))
		require.NoError(t, w.o.AddServer(names[i-1], "Red"))
	}
	require.NoError(t, w.o.AddDAG("DAG1", names, ""))
	require.NoError(t, w.o.AddDatabase("DB1", names[:15]))
	require.NoError(t, w.o.AddCopy("DB1", "EX16", AddCopyOptions{SeedingPostponed: true}))
	require.ErrorContains(t, w.o.AddCopy("DB1", "EX17", AddCopyOptions{SeedingPostponed: true}), "16 copies")
}

// fact: exchange-site-resilience.md §6.1 (ActivationPreference: at least 1, at most
// the number of copies) and §3.1's example (Add-MailboxDatabaseCopy ...
// -ActivationPreference 2): a new copy takes the preference given when it is within
// the copies it makes, the others shift down; none given or beyond, it is last.
func TestAddedCopyTakesTheActivationPreferenceGiven(t *testing.T) {
	prefs := func(w *world) map[string]int {
		rows, err := w.o.CopyStatus("DB1")
		require.NoError(t, err)
		out := map[string]int{}
		for _, r := range rows {
			out[r.Name] = r.ActivationPreference
		}
		return out
	}
	w := four(t) // DB1 on EX1, EX2, EX3
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{ActivationPreference: 1, SeedingPostponed: true}))
	require.Equal(t, map[string]int{`DB1\EX4`: 1, `DB1\EX1`: 2, `DB1\EX2`: 3, `DB1\EX3`: 4}, prefs(w))

	w = four(t)
	require.NoError(t, w.o.RemoveCopy("DB1", "EX2"))
	require.Equal(t, map[string]int{`DB1\EX1`: 1, `DB1\EX3`: 2}, prefs(w), "removing a copy renumbers the rest")
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{ActivationPreference: 2, SeedingPostponed: true}))
	require.Equal(t, map[string]int{`DB1\EX1`: 1, `DB1\EX4`: 2, `DB1\EX3`: 3}, prefs(w))

	w = four(t)
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{ActivationPreference: 9, SeedingPostponed: true}))
	require.Equal(t, 4, prefs(w)[`DB1\EX4`])
}

// fact: exchange-site-resilience.md §4.2/§4.3 (Add-MailboxDatabaseCopy seeds the new
// copy unless -SeedingPostponed; a seed needs the source): a new copy that cannot
// reach the active copy is added but its seed is refused, and the cmdlet says so.
func TestAddedCopyThatCannotReachTheActiveCopyFailsItsSeed(t *testing.T) {
	w := four(t)
	w.partition([]string{"EX4"}, []string{"EX1"})
	require.ErrorContains(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{}), "can't reach the source")
	require.Equal(t, Suspended, w.status(`DB1\EX4`).Status)
}

// fact: exchange-site-resilience.md §4.2 (Remove-MailboxDatabaseCopy removes the
// copy) and §4.1 (SeedingSource: the copy is the source of a seed): removing a copy
// while it seeds ends the seed; it never finishes, and its source is no longer
// SeedingSource.
func TestRemovingACopyWhileItSeedsEndsTheSeed(t *testing.T) {
	w := four(t)
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{SeedingPostponed: true}))
	require.NoError(t, w.o.UpdateCopy("DB1", "EX4", UpdateCopyOptions{SourceServer: "EX3"}))
	require.Equal(t, SeedingSource, w.status(`DB1\EX3`).Status)
	require.NoError(t, w.o.RemoveCopy("DB1", "EX4"))
	w.run(time.Hour)
	require.Equal(t, Healthy, w.status(`DB1\EX3`).Status)
	for _, r := range w.s.Journal().Records() {
		_, finished := r.Data.(SeedFinished)
		_, failed := r.Data.(SeedFailed)
		require.False(t, finished || failed, "the removed copy's seed ended with it: %v", r.Data)
	}
}

// fact: exchange-site-resilience.md §4.2 (Remove-MailboxDatabaseCopy leaves the files)
// and §4.3 (-DeleteExistingFiles removes the files it checks for, and a seed needs
// its source): a reseed of DB1 with -DeleteExistingFiles removes DB1's leftover files
// only, so DB2's removed copy on the same server still needs the switch; a seed
// whose copy cannot reach the source is refused.
func TestDeleteExistingFilesRemovesOnlyThatDatabasesFiles(t *testing.T) {
	w := three(t) // DB1 and DB2 on EX1, EX2, EX3
	require.NoError(t, w.o.RemoveCopy("DB1", "EX3"))
	require.NoError(t, w.o.RemoveCopy("DB2", "EX3"))
	require.NoError(t, w.o.AddCopy("DB1", "EX3", AddCopyOptions{SeedingPostponed: true}))
	require.NoError(t, w.o.AddCopy("DB2", "EX3", AddCopyOptions{SeedingPostponed: true}))
	require.NoError(t, w.o.UpdateCopy("DB1", "EX3", UpdateCopyOptions{DeleteExistingFiles: true}))
	require.ErrorContains(t, w.o.UpdateCopy("DB2", "EX3", UpdateCopyOptions{}), "-DeleteExistingFiles")
	w.partition([]string{"EX3"}, []string{"EX2"})
	require.ErrorContains(t, w.o.UpdateCopy("DB2", "EX3", UpdateCopyOptions{DeleteExistingFiles: true}), "can't reach the source")
	var sizes []float64
	for _, r := range w.s.Journal().Records() {
		if e, ok := r.Data.(SeedStarted); ok {
			sizes = append(sizes, e.SizeGB)
		}
	}
	require.Equal(t, []float64{DefaultDatabaseSize}, sizes, "a database nobody sized seeds as 1 GB")
}
