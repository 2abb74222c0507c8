package scenarios

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// Seed 001's refused lines print what the shell says: the later
// Resume-MailboxDatabaseCopy is refused as the Suspend was (the only copy of a
// database outside a DAG is not a passive copy), and the article's "-Component
// MailboxDelivery" runs and is refused by the cmdlet, naming the real component.
func TestSeed001ResumeAfterARefusedSuspendAndMailboxDeliveryArePrintedAsErrors(t *testing.T) {
	data, err := os.ReadFile("single-server-maintenance.yaml")
	require.NoError(t, err)
	sc, err := Parse("single-server-maintenance.yaml", data)
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	errs := map[string]string{}
	for _, r := range res.Journal {
		if e, ok := r.Data.(StepError); ok {
			errs[e.Step] = e.Err
		}
	}
	require.Equal(t, "Database 'DB1' isn't replicated, so its copy can't be suspended.", errs[`Suspend-MailboxDatabaseCopy -Identity DB1\EX1`])
	require.Equal(t, "Database 'DB1' isn't replicated, so its copy can't be resumed.", errs[`Resume-MailboxDatabaseCopy -Identity DB1\EX1`])
	require.Contains(t, errs["Set-ServerComponentState -Identity EX1 -Component MailboxDelivery -State Draining -Requester Maintenance"], `"MailboxDeliveryProxy"`)
}
