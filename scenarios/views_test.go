package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
)

// viewScenario is a two-server DAG of version under inbound traffic, with steps
// run at 10m (the shadow queues then hold messages).
func viewScenario(version string, steps ...string) string {
	roles := "[Mailbox]"
	if strings.HasPrefix(version, "Exchange2010") {
		roles = "[Mailbox, HubTransport]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `name: views
description: d
version: %[1]s
start: 2024-06-08T20:00:00Z
duration: 20m
seed: 7
topology:
  servers:
    - {name: EX1, roles: %[2]s}
    - {name: EX2, roles: %[2]s}
  dags: [{name: DAG1, members: [EX1, EX2], witness: FS1}]
  databases: [{name: DB1, copies: [EX1, EX2]}, {name: DB2, copies: [EX2, EX1]}]
  mailboxes: [{address: ana@contoso.com, database: DB1}, {address: ben@contoso.com, database: DB2}]
  sendConnectors:
    - {name: Internet, addressSpaces: ["*"], sourceServers: [EX1, EX2], smartHost: relay.contoso.net}
  internet:
    inbound: {loadBalancer: [EX1, EX2]}
traffic:
  - {from: "*@fabrikam.com", to: "*@contoso.com", perHour: 60, start: 0s, until: 15m}
steps:
`, version, roles)
	for _, s := range steps {
		fmt.Fprintf(&b, "  - {at: 10m, run: %q}\n", s)
	}
	return b.String()
}

// stepOutputs runs src and returns each step's output (or error) in order.
func stepOutputs(t *testing.T, src string) []string {
	t.Helper()
	sc, err := Parse("views.yaml", []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	var out []string
	for _, r := range res.Journal {
		switch e := r.Data.(type) {
		case Output:
			out = append(out, "PS> "+e.Step+"\n"+e.Text)
		case StepError:
			out = append(out, "PS> "+e.Step+"\nERROR: "+e.Err+"\n")
		}
	}
	return out
}

// Every Get- cmdlet a step runs prints its default view as the shell of each
// version does (views.go): Get-Queue's 2010 and 2013+ column sets, the copy
// status two-line headers, the component states' FQDN.
func TestEveryGetCmdletPrintsItsDefaultViewPerVersion(t *testing.T) {
	views := []string{
		"Get-Queue -Server EX1",
		"Get-Message -Server EX1",
		"Get-MailboxDatabaseCopyStatus",
		"Get-DatabaseAvailabilityGroup -Status",
		"Get-MailboxDatabase",
		"Get-MessageTrackingLog -Server EX1 -EventId RECEIVE -ResultSize 3",
		"Get-ReceiveConnector -Server EX1",
		"Get-SendConnector",
	}
	for _, v := range []string{"Exchange2010SP1", "Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE"} {
		t.Run(v, func(t *testing.T) {
			steps := views
			if v != "Exchange2010SP1" {
				steps = append(steps, "Get-ServerComponentState EX1 -Component HubTransport", "Get-TransportService")
			}
			steps = append(steps, "Get-TransportServer EX1 | fl")
			simtest.Golden(t, "views/"+v+".golden", strings.Join(stepOutputs(t, viewScenario(v, steps...)), "\n"))
		})
	}
}

// Get-TransportService (2010: Get-TransportServer, which 2013+ shells still run)
// lists the servers that run the Transport service with the settings exsim models
// as a step left them (the defaults of Set-TransportService, import-shapes.md §1.8)
// and the log paths of the version's install folder.
// fact: import-shapes.md §1.8
func TestGetTransportServiceShowsTheServiceDefaultsAndWhatASetChanged(t *testing.T) {
	out := stepOutputs(t, viewScenario("Exchange2016",
		"Get-TransportService EX1.contoso.com | fl MessageRetryInterval,TransientFailureRetryCount,MessageExpirationTimeout,IntraOrgConnectorProtocolLoggingLevel,ReceiveProtocolLogPath",
		"Set-TransportService EX1 -MessageRetryInterval 00:05:00 -IntraOrgConnectorProtocolLoggingLevel Verbose",
		"Get-TransportService | ft Name,MessageRetryInterval,IntraOrgConnectorProtocolLoggingLevel"))
	require.Len(t, out, 2)
	require.Contains(t, out[0], "MessageRetryInterval                  : 00:15:00\nTransientFailureRetryCount            : 6\nMessageExpirationTimeout              : 2.00:00:00\nIntraOrgConnectorProtocolLoggingLevel : None\n")
	require.Contains(t, out[0], `ReceiveProtocolLogPath                : C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpReceive`)
	require.Contains(t, out[1], "EX1  00:05:00             Verbose\n")
	require.Contains(t, out[1], "EX2  00:15:00             None\n")
	_, err := Parse("x.yaml", []byte(viewScenario("Exchange2016", "Get-TransportService EX9")))
	require.ErrorContains(t, err, `unknown server "EX9"`)
	_, err = Parse("x.yaml", []byte(viewScenario("Exchange2010SP1", "Get-TransportService EX1")))
	require.ErrorContains(t, err, "Get-TransportService")
	out = stepOutputs(t, viewScenario("Exchange2010SP1", "Get-TransportService"))
	require.Equal(t, []string{"PS> Get-TransportService\nERROR: Get-TransportService does not exist in Exchange2010SP1 (server EX1): it came with Exchange2013; use Get-TransportServer\n"}, out)
}

// The 2013+ Get-ServerComponentState table's Server column is the FQDN
// (fact: import-shapes.md §1.9: the object's ServerFqdn), and an FQDN names the
// server in -Identity and -Server; Get-ReceiveConnector gives the default
// connectors with their bindings (fact: import-shapes.md §1.6).
func TestServerComponentStateShowsTheFQDNAndFQDNIdentitiesAreAccepted(t *testing.T) {
	out := stepOutputs(t, viewScenario("Exchange2016",
		"Get-ServerComponentState EX1.contoso.com -Component HubTransport",
		"Get-Queue -Server ex1.CONTOSO.com | Select-Object Identity",
		`Get-Queue -Identity EX1.contoso.com\Submission | Select-Object -ExpandProperty Identity`))
	require.Len(t, out, 3)
	require.Contains(t, out[0], "EX1.contoso.com HubTransport Active")
	require.Contains(t, out[1], `EX1\Submission`)
	require.Equal(t, "PS> Get-Queue -Identity EX1.contoso.com\\Submission | Select-Object -ExpandProperty Identity\nEX1\\Submission\n", out[2])
	out = stepOutputs(t, viewScenario("Exchange2016", `Get-ReceiveConnector 'EX1\Default Frontend EX1' | fl Bindings,TransportRole`, "Get-SendConnector Nope"))
	require.Equal(t, []string{"PS> Get-ReceiveConnector 'EX1\\Default Frontend EX1' | fl Bindings,TransportRole\nBindings      : {[::]:25, 0.0.0.0:25}\nTransportRole : FrontendTransport\n",
		"PS> Get-SendConnector Nope\nERROR: The operation couldn't be performed because object 'Nope' couldn't be found.\n"}, out)
	_, err := Parse("x.yaml", []byte(viewScenario("Exchange2016", "Get-Queue -Server EX1.fabrikam.com")))
	require.ErrorContains(t, err, `unknown server "EX1.fabrikam.com"`, "another domain's FQDN is not the server's")
}

// Format-Table -AutoSize sizes every column to its content: nothing is cut, where
// the default view cuts DeliveryType at 12 characters; -Wrap keeps the widths and
// wraps instead of cutting.
func TestFormatTableAutoSizeSizesColumnsToContent(t *testing.T) {
	out := stepOutputs(t, viewScenario("Exchange2016",
		"Get-Queue -Server EX1",
		"Get-Queue -Server EX1 | ft -AutoSize",
		"Get-Queue -Server EX1 | Format-Table Identity,MessageCount -AutoSize",
		"Get-Queue -Server EX1 | ft -Wrap"))
	require.Len(t, out, 4)
	require.NotContains(t, out[3], "...", "-Wrap carries long values onto more lines")
	require.Contains(t, out[3], "SmtpDeliver")
	require.Contains(t, out[0], "SmtpDeliv...")
	require.NotContains(t, out[1], "...")
	require.Contains(t, out[1], "SmtpDeliveryToMailbox")
	require.Contains(t, out[2], "Identity       MessageCount\n--------       ------------\n", "a generated table right-aligns numbers")
}

// Where-Object (script block and simplified syntax, aliases where and ?) and
// Select-Object (-Property, -First, -Last, -Skip, -ExpandProperty, -Unique, alias
// select) shape the objects before they print; Select-Object's objects of four
// properties or fewer print as a table, five or more as a list.
func TestWhereObjectAndSelectObjectShapeAGetCmdletsObjects(t *testing.T) {
	cases := []struct {
		run  string
		want []string
		not  []string
	}{
		{run: `Get-ServerComponentState EX1 | Where-Object {$_.State -eq 'Active'} | ft Component`, want: []string{"Monitoring", "HubTransport"}},
		{run: `Get-ServerComponentState EX1 | ? Component -like '*Proxy' | select -First 2 | fl`, want: []string{"Component    : AutoDiscoverProxy", "ActiveSyncProxy"}, not: []string{"EcpProxy"}},
		{run: `Get-ServerComponentState EX1 | where {$_.Component -eq 'HubTransport' -or $_.Component -eq 'Monitoring'} | Select-Object Component,State`, want: []string{"Component    State\n---------    -----\nHubTransport Active\nMonitoring   Active\n"}},
		{run: `Get-ServerComponentState EX1 | Select-Object -Skip 1 -Last 1 -ExpandProperty Component`, want: []string{"LogExportProvider\n"}},
		{run: `Get-ServerComponentState EX1 | Select-Object State -Unique`, want: []string{"State\n-----\nActive\n"}},
		{run: `Get-Queue -Server EX1 | Select-Object Identity,Status,MessageCount,Velocity,NextHopDomain -First 1`, want: []string{"Identity      : EX1\\"}},
		{run: `Get-Queue -Server EX1 | Where-Object MessageCount -GT 1000`},
		{run: `Get-ServerComponentState EX1 | Select-Object Component,NoSuchProperty -First 1`, want: []string{"Component         NoSuchProperty\n"}},
	}
	for _, c := range cases {
		t.Run(c.run, func(t *testing.T) {
			out := stepOutputs(t, viewScenario("Exchange2016", c.run))
			got := strings.Join(out, "")
			if c.want == nil {
				require.Empty(t, out, "no object passes: nothing printed")
			}
			for _, w := range c.want {
				require.Contains(t, got, w)
			}
			for _, n := range c.not {
				require.NotContains(t, got, n)
			}
		})
	}
}

// Bad shaping pipes are load errors with the position and what is supported.
func TestBadWhereAndSelectPipesAreLoadErrors(t *testing.T) {
	cases := map[string]string{
		`Get-Queue | Where-Object {$_.Status -foo 'x'}`:    "does not support the operator -foo",
		`Get-Queue | Where-Object {Get-Date}`:              "is not $_.Property",
		`Get-Queue | Where-Object Status -EQ -NE Retry`:    "takes one operator",
		`Where-Object {$_.A -eq 1}`:                        "pipe one into it",
		`Get-Queue | Select-Object -First x`:               "whole number",
		`Get-Queue | ft | Select-Object Identity`:          "ends the pipe",
		`Get-Queue | Select-Object Identity | Retry-Queue`: "ends the pipe",
		`Get-Queue | Where-Object {($_.A -eq 1)}`:          "parentheses are not supported",
	}
	for run, want := range cases {
		t.Run(run, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(viewScenario("Exchange2016", run)))
			require.ErrorContains(t, err, want)
			require.ErrorContains(t, err, "x.yaml:")
		})
	}
}

// Get-MessageTrackingLog's parameters (exchange-transport.md 4.2): -ResultSize
// (default 1000, Unlimited), -Recipients, -Sender, -MessageId, -EventId, -Source,
// -InternalMessageId, the en-US -Start/-End forms; the 2016 parameters are refused
// by a 2013 shell naming the parameter; a bad -ResultSize is a load error.
func TestGetMessageTrackingLogParametersFilterAndOlderShellsRefuseNewOnes(t *testing.T) {
	count := func(out string) int { return strings.Count(out, "\n") - 3 } // header, dashes, "PS>"
	out := stepOutputs(t, viewScenario("Exchange2016",
		"Get-MessageTrackingLog -Server EX1 -ResultSize Unlimited | ft EventId",
		"Get-MessageTrackingLog -Server EX1 -ResultSize 2 | ft EventId",
		"Get-MessageTrackingLog -Server EX1 -Source SMTP -EventId receive | Select-Object -ExpandProperty Source -Unique",
		"Get-MessageTrackingLog -Server EX1 -Start '6/8/2024 8:00:00 PM' -End '6/8/2024 8:05:00 PM' | ft EventId",
		"Get-MessageTrackingLog -Server EX1 -Recipients nobody@contoso.com",
		"Get-MessageTrackingLog -Server EX1 -Sender nobody@fabrikam.com",
		"Get-MessageTrackingLog -Server EX1 -InternalMessageId 1 -EventId RECEIVE | Select-Object -ExpandProperty InternalMessageId",
		"Get-MessageTrackingLog -Server EX1 -InternalMessageId x",
	))
	require.Len(t, out, 6, "the two empty results print nothing: %q", out)
	require.Greater(t, count(out[0]), 2)
	require.Equal(t, 2, count(out[1]))
	require.True(t, strings.HasSuffix(out[2], "\nSMTP\n"), out[2])
	require.Less(t, count(out[3]), count(out[0]), "-End is earlier than the last row")
	require.Greater(t, count(out[3]), 0)
	require.True(t, strings.HasSuffix(out[4], "\n1\n"), out[4])
	require.Contains(t, out[5], "ERROR: -InternalMessageId takes a positive whole number")
	for run, want := range map[string]string{
		"Get-MessageTrackingLog -Server EX1 -Source SMTP":   "a parameter cannot be found that matches parameter name 'Source'",
		"Get-MessageTrackingLog -Server EX1 -ResultSize 0":  "-ResultSize takes a positive whole number or Unlimited",
		"Get-MessageTrackingLog -Server EX1 -Bogus 1":       "Bogus",
		"Get-MessageTrackingLog -Server EX1 -Start 'never'": "Start",
	} {
		_, err := Parse("x.yaml", []byte(viewScenario("Exchange2013", run)))
		require.ErrorContains(t, err, want, run)
	}
}

// Get-Queue -Include/-Exclude take Empty, Internal, External or a DeliveryType
// (queues-and-messages-in-powershell.md).
func TestGetQueueIncludeAndExcludeTakeEmptyCategoryAndDeliveryType(t *testing.T) {
	out := stepOutputs(t, viewScenario("Exchange2016",
		"Get-Queue -Server EX1 -Include ShadowRedundancy | select -ExpandProperty Identity",
		"Get-Queue -Server EX1 -Exclude Empty | select -ExpandProperty Identity",
		"Get-Queue -Server EX1 -Include Internal -Exclude ShadowRedundancy,Undefined | select -ExpandProperty Identity",
		"Get-Queue -Server EX1 -Include External"))
	require.Len(t, out, 3, "no queue is External: nothing printed")
	require.True(t, strings.HasSuffix(out[0], "\nEX1\\Shadow\\2\n"), out[0])
	require.True(t, strings.HasSuffix(out[1], "\nEX1\\Shadow\\2\n"), out[1])
	require.True(t, strings.HasSuffix(out[2], "\nEX1\\3\n"), out[2])
}

// Get-Queue and Get-Message -Filter take an OPath ({MessageCount -gt 0},
// queues-and-messages-in-powershell.md) and print the objects that match; a queue
// action with -Filter acts on each matching queue; a filter outside the subset is a
// load error.
func TestQueueFilterSelectsTheQueuesAndMessagesThatMatch(t *testing.T) {
	out := stepOutputs(t, viewScenario("Exchange2016",
		"Get-Queue -Server EX1 -Filter {MessageCount -gt 0} | Select-Object -ExpandProperty Identity",
		`Get-Queue -Server EX1 -Filter "DeliveryType -eq 'Undefined' -or Identity -like '*\Shadow\*'" | Select-Object -ExpandProperty Identity`,
		"Get-Message -Server EX1 -Filter {FromAddress -like 'sender12*'} | Select-Object -ExpandProperty FromAddress",
		"Suspend-Queue -Server EX1 -Filter {DeliveryType -eq 'SmtpDeliveryToMailbox'}",
		"Get-Queue -Server EX1 -Filter {Status -eq 'Suspended'} | Select-Object -ExpandProperty Identity"))
	require.Equal(t, []string{
		"PS> Get-Queue -Server EX1 -Filter {MessageCount -gt 0} | Select-Object -ExpandProperty Identity\nEX1\\Shadow\\2\n",
		"PS> Get-Queue -Server EX1 -Filter \"DeliveryType -eq 'Undefined' -or Identity -like '*\\Shadow\\*'\" | Select-Object -ExpandProperty Identity\nEX1\\Shadow\\2\nEX1\\Submission\n",
		"PS> Get-Message -Server EX1 -Filter {FromAddress -like 'sender12*'} | Select-Object -ExpandProperty FromAddress\nsender121@fabrikam.com\n",
		"PS> Get-Queue -Server EX1 -Filter {Status -eq 'Suspended'} | Select-Object -ExpandProperty Identity\nEX1\\3\n",
	}, out)
	_, err := Parse("x.yaml", []byte(viewScenario("Exchange2016", "Get-Queue -Filter {Get-Date}")))
	require.ErrorContains(t, err, "-Filter")
}
