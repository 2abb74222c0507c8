package dag

import (
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
