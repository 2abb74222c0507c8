package scenarios

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// outputs runs a scenario file and returns what each step printed, by step text.
func outputs(t *testing.T, file string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	sc, err := Parse(file, data)
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	out := map[string][]string{}
	for _, r := range res.Journal {
		if o, ok := r.Data.(Output); ok {
			out[o.Step] = append(out[o.Step], o.Text)
		}
	}
	return out
}

// Seed 003's DAG maintenance commands print as the author's shell printed them:
// Format-List with properties (wildcards included) through the fl alias,
// Get-MailboxDatabase piped into Get-MailboxDatabaseCopyStatus, ActivationSuspended,
// and Get-DatabaseAvailabilityGroup -s (a prefix of -Status) with the PAM.
func TestSeed003FormatListPropertiesAndDatabaseAvailabilityGroupStatusPrintAsTheShell(t *testing.T) {
	out := outputs(t, "dag-message-tracking.yaml")
	require.Equal(t, []string{
		"Name   : DB1\\EX13-2\nStatus : Healthy\n\nName   : DB1\\EX13-1\nStatus : Mounted\n",
		"Name   : DB1\\EX13-2\nStatus : Mounted\n\nName   : DB1\\EX13-1\nStatus : Healthy\n",
	}, out["Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus | fl name,status"])
	require.Equal(t, []string{
		"Name                : DB1\\EX13-2\nActivationSuspended : False\n\nName                : DB1\\EX13-1\nActivationSuspended : True\n",
	}, out["Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus | fl name,activation*"])
	require.Equal(t, []string{
		"PrimaryActiveManager : EX13-1\n", // before the author's step 3
		"PrimaryActiveManager : EX13-2\n", // after Move-ClusterGroup (cluster.exe /moveto)
		"PrimaryActiveManager : EX13-1\n", // after StartDagServerMaintenance.ps1 EX13-2
	}, out["Get-DatabaseAvailabilityGroup -s | fl *primary*"])
	require.Equal(t, []string{
		"Name                 : DAG1\nOperationalServers   : {EX13-1, EX13-2}\nPrimaryActiveManager : EX13-2\nServersInMaintenance : {EX13-1}\n",
	}, out["Get-DatabaseAvailabilityGroup -Status | fl Name,OperationalServers,PrimaryActiveManager,ServersInMaintenance"])
	require.Equal(t, []string{
		"Name       Status       ActivationSuspended\n----       ------       -------------------\nDB1\\EX13-2 Initializing True\nDB1\\EX13-1 Mounted      False\n",
	}, out["Get-MailboxDatabase | Get-MailboxDatabaseCopyStatus | ft name,status,activationSuspended"])
}

func TestFormatPropertyWildcardsMatchCaseInsensitively(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"*primary*", "primaryactivemanager", true},
		{"activation*", "activationsuspended", true},
		{"activation*", "name", false},
		{"name", "name", true},
		{"na?e", "name", true},
		{"*", "", true},
	} {
		require.Equal(t, c.want, wildcardMatch(c.pat, c.s), "%s ~ %s", c.pat, c.s)
	}
}
