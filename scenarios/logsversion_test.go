package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
	"github.com/exsim/exsim/transport/logs"
)

// logsScenario is one server of version taking one internet message, sending one out
// through a smart host and one to a local mailbox, with every connector it uses
// logging Verbose.
func logsScenario(version string) string {
	roles := "[Mailbox]"
	if strings.HasPrefix(version, "Exchange2010") {
		roles = "[Mailbox, HubTransport]"
	}
	return fmt.Sprintf(`name: logs
description: d
version: %s
start: 2024-06-08T20:00:00Z
duration: 10m
seed: 7
topology:
  servers:
    - {name: EX1, roles: %s}
    - {name: EX2, roles: %s}
  dags: [{name: DAG1, members: [EX1, EX2], witness: FS1}]
  databases: [{name: DB1, copies: [EX1, EX2]}, {name: DB2, copies: [EX2, EX1]}]
  mailboxes: [{address: ana@contoso.com, database: DB1}, {address: ben@contoso.com, database: DB2}]
  sendConnectors:
    - {name: Internet, addressSpaces: ["*"], sourceServers: [EX1], smartHost: relay.contoso.net}
  internet:
    inbound: [EX1]
config:
  - "Set-SendConnector Internet -ProtocolLoggingLevel Verbose"
  - "Set-TransportServer EX1 -IntraOrgConnectorProtocolLoggingLevel Verbose"
  - "Set-ReceiveConnector 'EX2\\Default EX2' -ProtocolLoggingLevel Verbose"
traffic:
  - {at: 1m, from: someone@fabrikam.com, to: ben@contoso.com}
  - {at: 2m, from: ana@contoso.com, to: x@fabrikam.com}
  - {at: 3m, from: ana@contoso.com, to: ben@contoso.com}
expect:
  delivered: 3
`, version, roles, roles)
}

// Each version writes its tracking and protocol logs as that version does: the
// headers (#Version, 27 or 30 #Fields), the folders and file names, the rows of an
// inbound, an outbound and an internal message (exchange-2013-pipeline.md §4.2, §4.3;
// exchange-transport.md for 2010); one golden per version and log.
// fact: exchange-2013-pipeline.md §4.3
func TestTrackingAndProtocolLogsPerVersionMatchGolden(t *testing.T) {
	for _, v := range []string{"Exchange2010SP3", "Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE"} {
		t.Run(v, func(t *testing.T) {
			sc, err := Parse("logs.yaml", []byte(logsScenario(v)))
			require.NoError(t, err)
			res, err := Run(sc, Options{})
			require.NoError(t, err)
			require.True(t, res.Passed(), "%v", res.Failures)
			for kind, get := range map[string]func() ([]logs.File, error){"tracking": res.TrackingLogs, "protocol": res.ProtocolLogs} {
				files, err := get()
				require.NoError(t, err)
				require.NotEmpty(t, files)
				var b strings.Builder
				for _, f := range files {
					b.WriteString("== " + f.Path + "\n" + string(f.Data))
				}
				simtest.Golden(t, "logs/"+v+"-"+kind+".golden", b.String())
			}
		})
	}
}
