package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const twoSites = `name: sites
description: d
version: Exchange2019
duration: 3h
topology:
  sites: [Red, Blue]
  servers:
    - {name: EX1, site: Red, roles: [Mailbox]}
    - {name: EX2, site: Red, roles: [Mailbox]}
    - {name: EX3, site: Blue, roles: [Mailbox]}
    - {name: EX4, site: Blue, roles: [Mailbox]}
  dags:
    - {name: DAG1, members: [EX1, EX2, EX3, EX4], witness: {server: FS1, site: Red}, alternateWitness: {server: FS2, site: Blue}%s}
  databases:
    - {name: DB1, copies: [EX1, EX2, EX3], sizeGB: 2}
    - {name: DB2, copies: [EX2, EX1, EX4]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
steps:
%s
`

func runSites(t *testing.T, dagExtra, steps string) *Result {
	t.Helper()
	sc, err := Parse("sites.yaml", []byte(strings.ReplaceAll(strings.Replace(strings.Replace(twoSites, "%s", dagExtra, 1), "%s", steps, 1), "\t", "  ")))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	return res
}

func stepErrors(res *Result) []string {
	var out []string
	for _, r := range res.Journal {
		if e, ok := r.Data.(StepError); ok {
			out = append(out, e.Err)
		}
	}
	return out
}

func siteOutputs(res *Result) string {
	var b strings.Builder
	for _, r := range res.Journal {
		if o, ok := r.Data.(Output); ok {
			b.WriteString(o.Text)
		}
	}
	return b.String()
}

// fact: exchange-site-resilience.md §1.3/§2.4: the switchover cmdlets need DagOnly;
// a DAG with DAC mode Off refuses them (a step error, as the shell prints it).
func TestSwitchoverCmdletsRefusedWithDACModeOff(t *testing.T) {
	res := runSites(t, "", `  - {at: 10m, fault: "fail-site Red"}
  - {at: 20m, run: "Stop-DatabaseAvailabilityGroup DAG1 -ActiveDirectorySite Red -ConfigurationOnly"}
  - {at: 21m, run: "Restore-DatabaseAvailabilityGroup DAG1 -ActiveDirectorySite Blue"}`)
	errs := stepErrors(res)
	require.Len(t, errs, 2)
	for _, e := range errs {
		require.Contains(t, e, "DatacenterActivationMode is DagOnly")
	}
}

// fact: the fail-site (every server, the witness and the links of a site):
// with the witness in the failed site the survivors lose quorum; restore-site brings
// the servers and witness back and the DAG mounts again.
func TestFailSiteAndRestoreSite(t *testing.T) {
	res := runSites(t, ", datacenterActivationMode: DagOnly", `  - {at: 10m, fault: "fail-site Red"}
  - {at: 12m, run: "Get-DatabaseAvailabilityGroup DAG1 -Status | fl OperationalServers,PrimaryActiveManager"}
  - {at: 30m, fault: "restore-site Red"}
  - {at: 35m, run: "Get-MailboxDatabaseCopyStatus"}`)
	out := siteOutputs(res)
	require.Contains(t, out, "OperationalServers   : {}")
	require.Regexp(t, `DB1\\EX1 +Mounted`, out)
	require.True(t, res.Passed(), res.Failures)
}

// fact: exchange-site-resilience.md §4.2/§4.3/§6.3 through the cmdlet layer: a copy
// added to EX4 is seeded (Seeding for sizeGB at the rate), and
// RedistributeActiveDatabases.ps1 prints the distribution and moves DB1 home.
func TestCopyLifecycleAndRedistributeCmdlets(t *testing.T) {
	res := runSites(t, ", seedingMBps: 100", `  - {at: 5m, run: "Add-MailboxDatabaseCopy DB1 -MailboxServer EX4 -ActivationPreference 2"}
  - {at: 5m, run: "Get-MailboxDatabaseCopyStatus DB1\\EX4"}
  - {at: 10m, run: "Get-MailboxDatabaseCopyStatus DB1\\EX4"}
  - {at: 15m, run: "Move-ActiveMailboxDatabase DB1 -ActivateOnServer EX3"}
  - {at: 20m, run: "RedistributeActiveDatabases.ps1 -DagName DAG1 -BalanceDbsByActivationPreference -Confirm:$false"}`)
	require.Empty(t, stepErrors(res))
	out := siteOutputs(res)
	require.Regexp(t, `DB1\\EX4 +Seeding`, out)
	require.Regexp(t, `DB1\\EX4 +Healthy`, out)
	require.Contains(t, out, "PreferenceCountList")
	require.Contains(t, out, "{1, 1, 0, 0}")
}

// fact: exchange-site-resilience.md §2.1 (captured 2010 example: after the FSW and
// then one of two members went down, the survivor lost quorum) and §2.8 (an
// Exchange 2013+ DAG on Windows Server 2012 R2 survives the same sequence: dynamic
// witness drops the lost witness's vote, then one of the two even members' votes):
// a witness on a declared server that crashes is unreachable, so its vote is gone;
// on 2010 the survivor dismounts, on 2016 it keeps DB1 mounted as the last man
// standing.
func TestCrashedWitnessThenMemberStopsA2010DAGButNotA2016One(t *testing.T) {
	for _, c := range []struct{ version, want string }{{"Exchange2010", "Dismounted"}, {"Exchange2016", "Mounted"}} {
		doc := `name: w
description: d
version: ` + c.version + `
duration: 1h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
    - {name: EX2, roles: [Mailbox]}
    - {name: FS1, roles: [Mailbox]}
  dags:
    - {name: DAG1, members: [EX1, EX2], witness: FS1}
  databases:
    - {name: DB1, copies: [EX1, EX2]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
steps:
  - {at: 10m, fault: "crash FS1"}
  - {at: 20m, fault: "crash EX2"}
  - {at: 25m, run: "Get-MailboxDatabaseCopyStatus DB1"}
`
		sc, err := Parse("w.yaml", []byte(doc))
		require.NoError(t, err)
		res, err := Run(sc, Options{})
		require.NoError(t, err)
		require.Regexp(t, `DB1\\EX1 +`+c.want, siteOutputs(res), c.version)
	}
}

// fact: exchange-site-resilience.md §2.8 (Get-ClusterNode | ft name, dynamicweight,
// state, nodeweight, id; (Get-Cluster).WitnessDynamicWeight; DynamicQuorum 1 on
// WS2012+): after EX2 of a two-member 2016 DAG went down, the cluster shows it Down
// with NodeWeight 1 and, once removed from membership, DynamicWeight 0; EX1 is the
// last man standing and the witness stops voting.
func TestGetClusterNodeShowsDynamicWeightAfterAMemberLeaves(t *testing.T) {
	const doc = `name: w
description: d
version: Exchange2016
duration: 1h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
    - {name: EX2, roles: [Mailbox]}
  dags:
    - {name: DAG1, members: [EX1, EX2], witness: FS1}
  databases:
    - {name: DB1, copies: [EX1, EX2]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
steps:
  - {at: 10m, fault: "crash EX2"}
  - {at: 15m, run: "Get-ClusterNode"}
  - {at: 16m, run: "Get-Cluster DAG1 | Format-List"}
  - {at: 17m, run: "Get-ClusterNode -Cluster NOPE"}
`
	sc, err := Parse("w.yaml", []byte(doc))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	out := siteOutputs(res)
	require.Regexp(t, `EX1 +1 +Up +1 +1`, out)
	require.Regexp(t, `EX2 +0 +Down +1 +2`, out)
	require.Regexp(t, `DynamicQuorum +: 1`, out)
	require.Regexp(t, `WitnessDynamicWeight +: 0`, out)
	require.NotEmpty(t, stepErrors(res), "an unknown cluster is an error")
}

func lagScenario(version string, steps ...string) string {
	doc := `name: w
description: d
version: ` + version + `
duration: 1h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
    - {name: EX2, roles: [Mailbox]}
    - {name: EX3, roles: [Mailbox]}
  dags:
    - {name: DAG1, members: [EX1, EX2, EX3]}
  databases:
    - {name: DB1, copies: [EX1, EX2, EX3]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
steps:
`
	for i, s := range steps {
		doc += fmt.Sprintf("  - {at: %dm, run: %q}\n", i+1, s)
	}
	return doc
}

// fact: exchange-site-resilience.md §3.1 (Set-DatabaseAvailabilityGroup
// -ReplayLagManagerEnabled, 2013+; ReplayLagMaxDelay, 2016+, default 1.00:00:00) and
// Conflict 5 (default on from 2016 CU1): a 2016 DAG shows ReplayLagManagerEnabled
// True until turned off, and ReplayLagStatus shows a copy's MaxDelay; on 2010 both
// parameters are errors and the property is absent.
func TestReplayLagManagerEnabledDefaultsAndParametersPerVersion(t *testing.T) {
	run := func(version string, steps ...string) *Result {
		sc, err := Parse("w.yaml", []byte(lagScenario(version, steps...)))
		require.NoError(t, err)
		res, err := Run(sc, Options{})
		require.NoError(t, err)
		return res
	}
	res := run("Exchange2016",
		"Get-DatabaseAvailabilityGroup DAG1 | Format-List ReplayLagManagerEnabled",
		`Set-DatabaseAvailabilityGroup DAG1 -ReplayLagManagerEnabled $false`,
		"Get-DatabaseAvailabilityGroup DAG1 | Format-List ReplayLagManagerEnabled",
		`Set-MailboxDatabaseCopy DB1\EX3 -ReplayLagTime 7.00:00:00 -ReplayLagMaxDelay 12:00:00`,
		`Get-MailboxDatabaseCopyStatus DB1\EX3 | Format-List ReplayLagStatus`)
	require.Empty(t, stepErrors(res))
	out := siteOutputs(res)
	require.Regexp(t, `(?s)ReplayLagManagerEnabled : True.*ReplayLagManagerEnabled : False`, out)
	require.Contains(t, out, "Enabled:True; PlayDownReason:None; ReplaySuspendReason:None; Percentage:0; Configured:7.00:00:00; MaxDelay:12:00:00")
	require.Contains(t, siteOutputs(run("Exchange2013", "Get-DatabaseAvailabilityGroup DAG1 | Format-List ReplayLagManagerEnabled")), "ReplayLagManagerEnabled : False")
	old := run("Exchange2010SP1", `Set-DatabaseAvailabilityGroup DAG1 -ReplayLagManagerEnabled $true`, `Set-MailboxDatabaseCopy DB1\EX3 -ReplayLagMaxDelay 12:00:00`)
	require.Len(t, stepErrors(old), 2)
}

// fact: exchange-site-resilience.md §6.1 (MaximumPreferredActiveDatabases, 2013+, on
// Set-MailboxServer): the parameter binds on 2016 ($null or a count) and is an error
// on 2010.
func TestMaximumPreferredActiveDatabasesParameterPerVersion(t *testing.T) {
	for _, c := range []struct {
		version string
		errs    int
	}{{"Exchange2016", 0}, {"Exchange2010SP1", 2}} {
		sc, err := Parse("w.yaml", []byte(lagScenario(c.version, "Set-MailboxServer EX2 -MaximumPreferredActiveDatabases 1", "Set-MailboxServer EX2 -MaximumPreferredActiveDatabases $null")))
		require.NoError(t, err)
		res, err := Run(sc, Options{})
		require.NoError(t, err)
		require.Len(t, stepErrors(res), c.errs, c.version)
	}
}
