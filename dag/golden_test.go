package dag

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func (w *world) narration() string {
	var b strings.Builder
	for _, r := range w.s.Journal().Records()[w.skip:] {
		if r.Text() != "" {
			fmt.Fprintf(&b, "%s %-15s %s\n", w.s.Wall(r.At).Format("15:04:05"), r.Kind, r.Text())
		}
	}
	return b.String()
}

func (w *world) table(id string) string {
	w.t.Helper()
	rows, err := w.o.CopyStatus(id)
	require.NoError(w.t, err)
	return FormatCopyStatus(rows)
}

func TestGetMailboxDatabaseCopyStatusPrintsExchangeColumns(t *testing.T) {
	w := three(t)
	require.NoError(t, w.o.AddServer("EX4", "Blue"))
	w.commit("DB1", 7)
	w.run(2 * time.Second)
	w.commit("DB1", 3)
	require.NoError(t, w.o.SuspendCopy("DB2", "EX3", false))
	w.commit("DB2", 4)
	w.run(1500 * time.Millisecond)
	var b strings.Builder
	b.WriteString("PS> Get-MailboxDatabaseCopyStatus\n")
	b.WriteString(w.table(""))
	w.o.ServerDown("EX3")
	w.partition([]string{"EX2"}, []string{"EX1"})
	b.WriteString("\nPS> Get-MailboxDatabaseCopyStatus DB1  # EX3 down, EX2 cut off from EX1\n")
	b.WriteString(w.table("DB1"))
	w.heal()
	w.o.ServerUp("EX3")
	b.WriteString("\nPS> Get-MailboxDatabaseCopyStatus -Server EX3  # EX3 back\n")
	rows, err := w.o.CopyStatusServer("EX3")
	require.NoError(t, err)
	b.WriteString(FormatCopyStatus(rows))
	b.WriteString("\nPS> Get-MailboxDatabaseCopyStatus DB2\\EX1\n")
	b.WriteString(w.table(`DB2\EX1`))
	golden(t, "copystatus.txt", b.String())
}

func TestNarrationOfLossyFailoverAndReturn(t *testing.T) {
	w := three(t)
	w.journalFrom()
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	w.commit("DB1", 4)
	w.run(3 * time.Second)
	w.commit("DB1", 2)
	w.o.ServerDown("EX1")
	w.run(10 * time.Second)
	w.o.ServerUp("EX1")
	w.run(30 * time.Second)
	golden(t, "lossy-failover.txt", w.narration())
}

func TestNarrationOfMaintenance(t *testing.T) {
	w := three(t)
	w.journalFrom()
	require.NoError(t, w.o.StartDagServerMaintenance("EX1"))
	require.NoError(t, w.o.StopDagServerMaintenance("EX1"))
	w.run(20 * time.Second)
	require.NoError(t, w.o.SuspendCopy("DB1", "EX3", false))
	require.Error(t, w.o.StartDagServerMaintenance("EX2"))
	golden(t, "maintenance.txt", w.narration())
}

func TestNarrationOfQuorumLoss(t *testing.T) {
	w := two(t)
	w.journalFrom()
	w.partition([]string{"EX1", "EX2"}, []string{"FSW"})
	w.o.ServerDown("EX2")
	w.run(time.Minute)
	w.heal()
	w.run(time.Minute)
	golden(t, "quorum.txt", w.narration())
}

func TestSameStoryTwiceGivesTheSameJournalAndHash(t *testing.T) {
	story := func() (string, uint64) {
		w := three(t)
		w.commit("DB1", 5)
		w.partition([]string{"EX1"}, []string{"EX2", "EX3"})
		w.run(30 * time.Second)
		w.heal()
		err := w.o.StartDagServerMaintenance("EX2") // refused: EX1 is still initializing
		require.Error(t, err)
		w.run(30 * time.Second)
		require.NoError(t, w.o.StartDagServerMaintenance("EX2"))
		return w.narration(), w.s.Hash()
	}
	n1, h1 := story()
	n2, h2 := story()
	require.Equal(t, n1, n2)
	require.Equal(t, h1, h2)
}
