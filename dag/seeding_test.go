package dag

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// four adds EX4 (site Blue) to three's DAG1, with no copy.
func four(t *testing.T) *world {
	w := newWorld(t)
	for _, s := range [][2]string{{"EX1", "Red"}, {"EX2", "Red"}, {"EX3", "Blue"}, {"EX4", "Blue"}} {
		require.NoError(t, w.o.AddServer(s[0], s[1]))
	}
	require.NoError(t, w.o.AddDAG("DAG1", []string{"EX1", "EX2", "EX3", "EX4"}, "FSW"))
	require.NoError(t, w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3"}))
	return w
}

// fact: exchange-site-resilience.md §4.1/§4.2: Add-MailboxDatabaseCopy seeds the new
// copy (Seeding), which on success changes to Initializing and then Healthy; the
// seed takes size / rate (600 GB at 13 MB/s is about 13 hours, the reference's
// report).
func TestAddedCopySeedsThenInitializes(t *testing.T) {
	w := four(t)
	require.NoError(t, w.o.SetDatabaseSize("DB1", 600))
	require.NoError(t, w.o.SetSeedingRate("DAG1", 13))
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{}))
	require.Equal(t, Seeding, w.status(`DB1\EX4`).Status)
	require.Equal(t, 4, w.status(`DB1\EX4`).ActivationPreference)
	w.commit("DB1", 3)
	w.run(13 * time.Hour)
	require.Equal(t, Seeding, w.status(`DB1\EX4`).Status, "600 GB at 13 MB/s takes more than 13 h")
	w.run(7*time.Minute + 50*time.Second) // 600*1024/13 s = 13h07m42s, then 15 s Initializing
	require.Equal(t, Initializing, w.status(`DB1\EX4`).Status)
	w.run(time.Minute)
	r := w.status(`DB1\EX4`)
	require.Equal(t, Healthy, r.Status)
	require.EqualValues(t, 0, r.CopyQueueLength)
}

// fact: exchange-site-resilience.md §4.1/§4.3: -SeedingPostponed leaves the copy
// Suspended ("... because database needs to be seeded."); it cannot be resumed;
// Update-MailboxDatabaseCopy needs a suspended copy and seeds it, and -SourceServer
// makes a passive copy the source, shown as SeedingSource.
func TestPostponedSeedAndSeedingSource(t *testing.T) {
	w := four(t)
	require.NoError(t, w.o.AddCopy("DB1", "EX4", AddCopyOptions{SeedingPostponed: true}))
	require.Equal(t, Suspended, w.status(`DB1\EX4`).Status)
	require.ErrorContains(t, w.o.ResumeCopy("DB1", "EX4"), "needs to be seeded")
	require.NoError(t, w.o.UpdateCopy("DB1", "EX4", UpdateCopyOptions{SourceServer: "EX3"}))
	require.Equal(t, Seeding, w.status(`DB1\EX4`).Status)
	require.Equal(t, SeedingSource, w.status(`DB1\EX3`).Status)
	w.run(10 * time.Minute)
	require.Equal(t, Healthy, w.status(`DB1\EX4`).Status)
	require.Equal(t, Healthy, w.status(`DB1\EX3`).Status)
}

// fact: exchange-site-resilience.md §4.3: the copy must be suspended first, and
// existing files need -DeleteExistingFiles; a reseed of a failed copy makes it
// healthy again.
func TestReseedNeedsSuspendAndDeleteExistingFiles(t *testing.T) {
	w := four(t)
	require.NoError(t, w.o.FailCopy("DB1", "EX3"))
	require.ErrorContains(t, w.o.UpdateCopy("DB1", "EX3", UpdateCopyOptions{}), "must be suspended")
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	require.Equal(t, FailedAndSuspended, w.status(`DB1\EX3`).Status)
	require.ErrorContains(t, w.o.UpdateCopy("DB1", "EX3", UpdateCopyOptions{}), "-DeleteExistingFiles")
	require.NoError(t, w.o.UpdateCopy("DB1", "EX3", UpdateCopyOptions{DeleteExistingFiles: true}))
	w.run(10 * time.Minute)
	require.Equal(t, Healthy, w.status(`DB1\EX3`).Status)
}

// fact: exchange-site-resilience.md §4.2/§4.3: Remove-MailboxDatabaseCopy cannot
// remove the active copy and leaves the files, so seeding that server again needs
// -DeleteExistingFiles; a passive source that fails aborts the seed
// (FailedAndSuspended).
func TestRemoveCopyAndFailedSeedSource(t *testing.T) {
	w := four(t)
	require.ErrorContains(t, w.o.RemoveCopy("DB1", "EX1"), "active copy")
	require.NoError(t, w.o.RemoveCopy("DB1", "EX3"))
	rows, err := w.o.CopyStatus("DB1")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.NoError(t, w.o.AddCopy("DB1", "EX3", AddCopyOptions{SeedingPostponed: true}))
	require.ErrorContains(t, w.o.UpdateCopy("DB1", "EX3", UpdateCopyOptions{}), "-DeleteExistingFiles")
	require.NoError(t, w.o.UpdateCopy("DB1", "EX3", UpdateCopyOptions{DeleteExistingFiles: true, SourceServer: "EX2"}))
	require.NoError(t, w.o.FailCopy("DB1", "EX2"))
	w.run(10 * time.Minute)
	require.Equal(t, FailedAndSuspended, w.status(`DB1\EX3`).Status)
}

// fact: exchange-site-resilience.md §4.4 (AutoReseed timings): a copy Failed for 10
// minutes is suspended; FailedAndSuspended for 15 minutes starts the workflow: 3
// resume attempts 5 minutes apart, then a spare disk and an in-place reseed; without
// a spare the workflow stops.
func TestAutoReseedTimings(t *testing.T) {
	for _, spares := range []int{1, 0} {
		w := four(t)
		if spares > 0 {
			require.NoError(t, w.o.SetAutoReseedSpares("DAG1", spares))
		}
		require.NoError(t, w.o.FailCopy("DB1", "EX2"))
		w.run(9 * time.Minute)
		require.Equal(t, Failed, w.status(`DB1\EX2`).Status)
		if spares == 0 {
			w.run(2 * time.Hour)
			require.Equal(t, Failed, w.status(`DB1\EX2`).Status, "no AutoReseed configured")
			continue
		}
		w.run(2 * time.Minute) // 11 min
		require.Equal(t, FailedAndSuspended, w.status(`DB1\EX2`).Status)
		w.run(15*time.Minute + 2*5*time.Minute) // 36 min: the third resume is at 35 min
		require.Equal(t, FailedAndSuspended, w.status(`DB1\EX2`).Status)
		w.run(5 * time.Minute) // 41 min: reseeding
		require.Equal(t, Seeding, w.status(`DB1\EX2`).Status)
		w.run(5 * time.Minute)
		require.Equal(t, Healthy, w.status(`DB1\EX2`).Status)
	}
}
