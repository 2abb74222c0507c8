package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/scenarios/format"
	"github.com/exsim/exsim/sim/simtest"
	"github.com/exsim/exsim/transport/smtp"
)

// tlsScenario sends outbound mail of version through a smart host that offers caps,
// with the connector's extra keys, its protocol logging Verbose.
func tlsScenario(version, caps, connector string) string {
	roles := "[Mailbox]"
	if strings.HasPrefix(version, "Exchange2010") {
		roles = "[Mailbox, HubTransport]"
	}
	hosts := ""
	if caps != "" {
		hosts = "  internet:\n    hosts:\n      relay.contoso.net: {capabilities: " + caps + "}\n"
	}
	return fmt.Sprintf(`name: tls
description: d
version: %s
start: 2024-06-08T20:00:00Z
duration: 10m
seed: 7
topology:
  servers:
    - {name: EX1, roles: %s}
  databases: [{name: DB1, copies: [EX1]}]
  mailboxes: [{address: ana@contoso.com, database: DB1}]
  sendConnectors:
    - {name: Internet, addressSpaces: ["*"], sourceServers: [EX1], smartHost: relay.contoso.net%s}
%sconfig:
  - "Set-SendConnector Internet -ProtocolLoggingLevel Verbose"
traffic:
  - {at: 1m, from: ana@contoso.com, to: x@fabrikam.com}
expect:
  delivered: 1
`, version, roles, connector, hosts)
}

func sendLogs(t *testing.T, src string) string {
	t.Helper()
	sc, err := Parse("tls.yaml", []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	files, err := res.ProtocolLogs()
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		b.WriteString("== " + f.Path + "\n" + string(f.Data))
	}
	return b.String()
}

// A smart host's EHLO answer is what internet.hosts gives it: Exchange starts TLS
// when it offers STARTTLS, authenticates with AUTH LOGIN for smartHostAuthMechanism
// BasicAuth, sends SIZE= only when SIZE is offered and BDAT only with CHUNKING; a
// host the scenario does not describe offers the seed's smart host's SIZE 36700160
// and PIPELINING, and gets neither TLS nor AUTH; ignoreSTARTTLS turns opportunistic
// TLS off. One golden Send log per version.
// fact: exchange-2013-pipeline.md §6.1
func TestSmartHostCapabilitiesDecideTLSAuthAndSize(t *testing.T) {
	for _, v := range []string{"Exchange2010SP3", "Exchange2016"} {
		t.Run(v, func(t *testing.T) {
			out := sendLogs(t, tlsScenario(v, `[PIPELINING, STARTTLS, "AUTH LOGIN PLAIN", 8BITMIME]`, ", smartHostAuthMechanism: BasicAuthRequireTLS"))
			require.Contains(t, out, ",>,STARTTLS,")
			require.Contains(t, out, ",*,,Received certificate")
			require.Contains(t, out, ",<,235 2.7.0 Authentication successful,")
			require.Contains(t, out, ",>,MAIL FROM:<")
			require.NotContains(t, out, "SIZE=", "the host offers no SIZE")
			simtest.Golden(t, "tls/"+v+".golden", out)
		})
	}
	ignored := sendLogs(t, tlsScenario("Exchange2016", "[PIPELINING, STARTTLS]", ", ignoreSTARTTLS: true"))
	require.Contains(t, ignored, ",<,250 STARTTLS,")
	require.NotContains(t, ignored, ",>,STARTTLS,", "ignoreSTARTTLS: no opportunistic TLS")
	plain := sendLogs(t, tlsScenario("Exchange2016", "", ""))
	require.NotContains(t, plain, "STARTTLS")
	require.NotContains(t, plain, "AUTH LOGIN")
	require.Contains(t, plain, " SIZE=6144,")
}

// The loader's default host capabilities are the transport's: a host the scenario
// does not describe answers EHLO as the seed's smart host does.
func TestDefaultHostCapabilitiesAreTheTransportsInternetHost(t *testing.T) {
	require.Equal(t, smtp.InternetHostCaps, format.DefaultHostCapabilities)
}

// Get-SendConnector shows the connector's RequireTLS and SmartHostAuthMechanism as
// the scenario sets them, and False/None otherwise, as the 2019 capture shows a
// default connector (import-shapes.md §1.5).
// fact: import-shapes.md §1.5
func TestGetSendConnectorShowsRequireTLSAndSmartHostAuthMechanism(t *testing.T) {
	src := tlsScenario("Exchange2016", `[PIPELINING, STARTTLS, "AUTH LOGIN"]`, ", requireTLS: true, smartHostAuthMechanism: BasicAuth")
	src = strings.Replace(src, "expect:\n", "steps:\n  - {at: 2m, run: \"Get-SendConnector Internet | fl IgnoreSTARTTLS,RequireTLS,SmartHostAuthMechanism\"}\nexpect:\n", 1)
	out := stepOutputs(t, src)
	require.Equal(t, []string{"PS> Get-SendConnector Internet | fl IgnoreSTARTTLS,RequireTLS,SmartHostAuthMechanism\nIgnoreSTARTTLS         : False\nRequireTLS             : True\nSmartHostAuthMechanism : BasicAuth\n"}, out)
}

// Set-SendConnector -RequireTLS, -SmartHostAuthMechanism and -IgnoreSTARTTLS change
// the connector from its next session, and Get-SendConnector shows them;
// -IgnoreSTARTTLS $true turns opportunistic TLS off; a setting the smart host cannot
// serve, or one that both requires and ignores TLS, is an error naming why.
// fact: import-shapes.md §1.5
func TestSetSendConnectorChangesTLSAndAuthFromTheNextSession(t *testing.T) {
	src := tlsScenario("Exchange2016", `[PIPELINING, STARTTLS, "AUTH LOGIN"]`, "")
	src = strings.Replace(src, "expect:\n", `steps:
  - {at: 10s, run: "Set-SendConnector Internet -IgnoreSTARTTLS $true"}
  - {at: 20s, run: "Get-SendConnector Internet | fl IgnoreSTARTTLS,RequireTLS,SmartHostAuthMechanism"}
  - {at: 30s, run: "Set-SendConnector Internet -RequireTLS $true"}
  - {at: 40s, run: "Set-SendConnector Internet -IgnoreSTARTTLS $false -SmartHostAuthMechanism basicauth"}
  - {at: 50s, run: "Get-SendConnector Internet | fl IgnoreSTARTTLS,RequireTLS,SmartHostAuthMechanism"}
  - {at: 55s, run: "Set-SendConnector Internet"}
expect:
`, 1)
	out := stepOutputs(t, src)
	require.Equal(t, []string{
		"PS> Get-SendConnector Internet | fl IgnoreSTARTTLS,RequireTLS,SmartHostAuthMechanism\nIgnoreSTARTTLS         : True\nRequireTLS             : False\nSmartHostAuthMechanism : None\n",
		"PS> Set-SendConnector Internet -RequireTLS $true\nERROR: Set-SendConnector: Internet cannot both require TLS and ignore STARTTLS\n",
		"PS> Get-SendConnector Internet | fl IgnoreSTARTTLS,RequireTLS,SmartHostAuthMechanism\nIgnoreSTARTTLS         : False\nRequireTLS             : False\nSmartHostAuthMechanism : BasicAuth\n",
		"PS> Set-SendConnector Internet\nERROR: Set-SendConnector Internet: give -ProtocolLoggingLevel, -RequireTLS, -SmartHostAuthMechanism or -IgnoreSTARTTLS (the parameters exsim supports)\n",
	}, out)
	logs := sendLogs(t, src)
	require.Contains(t, logs, ",>,STARTTLS,", "TLS again once IgnoreSTARTTLS is off")
	require.Contains(t, logs, ",>,AUTH LOGIN,")

	ignored := strings.Replace(src, "-IgnoreSTARTTLS $false -SmartHostAuthMechanism basicauth", "-SmartHostAuthMechanism None", 1)
	require.NotContains(t, sendLogs(t, ignored), ",>,STARTTLS,", "the message at 1m goes without TLS")

	noAuth := strings.Replace(tlsScenario("Exchange2016", "[PIPELINING, STARTTLS]", ""), "expect:\n", "steps:\n  - {at: 10s, run: \"Set-SendConnector Internet -SmartHostAuthMechanism BasicAuth\"}\nexpect:\n", 1)
	require.Equal(t, []string{"PS> Set-SendConnector Internet -SmartHostAuthMechanism BasicAuth\nERROR: Set-SendConnector: smart host relay.contoso.net of Internet does not offer AUTH LOGIN\n"}, stepOutputs(t, noAuth))
}
