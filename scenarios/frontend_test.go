package scenarios

import (
	"strings"
	"testing"

	"github.com/exsim/exsim/transport"
	"github.com/stretchr/testify/require"
)

const outboundProxyYAML = `name: outbound-proxy
description: a send connector through the front end
version: Exchange2019
start: 2025-01-01T00:00:00Z
duration: 30m
topology:
  sites: [HQ]
  servers:
    - {name: EX1, site: HQ, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [EX1]}
  mailboxes:
    - {address: a@contoso.com, database: DB1}
  sendConnectors:
    - {name: Internet, addressSpaces: ["*"], sourceServers: [EX1], smartHost: relay.contoso.net, frontendProxyEnabled: VALUE}
config:
  - "Set-ReceiveConnector 'EX1\\Outbound Proxy Frontend EX1' -ProtocolLoggingLevel Verbose"
traffic:
  - {at: 1m, from: a@contoso.com, to: x@fabrikam.com}
expect:
  delivered: 1
`

// exchange-2013-pipeline.md 1.6: sendConnectors[].frontendProxyEnabled true sends the
// connector's mail through the Front End Transport service (its Receive connector
// Outbound Proxy Frontend logs only when set to Verbose: None by the 2016 docs, 4.4); a value other than true
// or false is a load error at its line and column.
func TestFrontendProxyEnabledSendsThroughTheFrontEnd(t *testing.T) {
	sc, err := Parse("p.yaml", []byte(strings.Replace(outboundProxyYAML, "VALUE", "true", 1)))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	files, err := res.ProtocolLogs()
	require.NoError(t, err)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	require.Contains(t, strings.Join(paths, " "), "EX1/FrontEnd/ProtocolLog/SmtpReceive/")
	require.Contains(t, strings.Join(paths, " "), "EX1/FrontEnd/ProtocolLog/SmtpSend/")
	var relayed bool
	for _, r := range res.Journal {
		_, ok := r.Data.(transport.FrontEndRelayed)
		relayed = relayed || ok
	}
	require.False(t, relayed, "no inbound proxy here")

	_, err = Parse("p.yaml", []byte(strings.Replace(outboundProxyYAML, "VALUE", "maybe", 1)))
	require.ErrorContains(t, err, "p.yaml:15:")
	require.ErrorContains(t, err, "frontendProxyEnabled is true or false")
}
