package transport

import (
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// protocolRows runs one internet message into a 2016 DAG and one internal message,
// with set applied first, and returns the protocol rows per "server log connector".
func protocolRows(t *testing.T, set func(o *Org)) map[string]int {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "chris@contoso.com", Database: "DB1"})
	s := sim.New(sim.Config{Start: t0, Seed: 1})
	o, err := New(s, top, w.env())
	require.NoError(t, err)
	set(o)
	require.NoError(t, s.At(time.Minute, 1, func() {
		_, err := o.Submit(Message{From: "someone@fabrikam.com", To: []string{"user@contoso.com"}, Subject: "in"})
		require.NoError(t, err)
		_, err = o.Submit(Message{From: "chris@contoso.com", To: []string{"user@contoso.com"}, Subject: "internal"})
		require.NoError(t, err)
	}))
	require.NoError(t, s.RunUntil(10*time.Minute))
	n := map[string]int{}
	for _, r := range s.Journal().Records() {
		if p, ok := r.Data.(logs.ProtocolEvent); ok {
			n[p.Server+" "+p.Log+" "+p.ConnectorID]++
		}
	}
	return n
}

// outOfTheBox are the rows of protocolRows with no level set: the internet message
// enters through EX1's front end, which proxies it to a back end.
var outOfTheBox = map[string]bool{`EX1 Receive EX1\Default Frontend EX1`: true, "EX1 Send Inbound Proxy Internal Send Connector": true}

// beyondDefaults drops the rows of the connectors that log out of the box.
func beyondDefaults(n map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range n {
		if !outOfTheBox[k] {
			out[k] = v
		}
	}
	return out
}

// exchange-2013-pipeline.md 1.2/4.4 and seed 003: out of the box only Default Frontend
// and the front end's implicit Send connector log; the Transport service's "Default
// <server>" Receive connector and its intra-organization Send connector are None.
func TestProtocolLoggingIsOffByDefaultOnTransportConnectors(t *testing.T) {
	got := protocolRows(t, func(*Org) {})
	require.Len(t, got, len(outOfTheBox), "%v", got)
	for k := range got {
		require.True(t, outOfTheBox[k], k)
	}
	require.Equal(t, ProtocolLoggingVerbose, defaultProtocolLogging(Exchange2016, `EX1\Default Frontend EX1`))
	require.Equal(t, ProtocolLoggingVerbose, defaultProtocolLogging(Exchange2016, "Inbound Proxy Internal Send Connector"))
	require.Equal(t, ProtocolLoggingNone, defaultProtocolLogging(Exchange2016, `EX1\Default EX1`))
	require.Equal(t, ProtocolLoggingNone, defaultProtocolLogging(Exchange2016, `EX1\Outbound Proxy Frontend EX1`))
	require.Equal(t, ProtocolLoggingNone, defaultProtocolLogging(Exchange2010SP3, `EX1\Default Frontend EX1`))
}

// exchange-transport.md 4.3 and seed 003 (Set-SendConnector ... -ProtocolLoggingLevel
// Verbose): Set-ReceiveConnector / Set-SendConnector / Set-TransportService
// -IntraOrgConnectorProtocolLoggingLevel Verbose turn on the rows of that connector
// only; None turns them off again; unknown connectors and levels are errors.
func TestSetProtocolLoggingLevelLogsThatConnectorOnly(t *testing.T) {
	got := protocolRows(t, func(o *Org) {
		require.NoError(t, o.SetReceiveConnectorProtocolLogging(`EX1\Default EX1`, "verbose"))
	})
	got = beyondDefaults(got)
	require.NotEmpty(t, got)
	for k := range got {
		require.Equal(t, `EX1 Receive EX1\Default EX1`, k)
	}
	got = protocolRows(t, func(o *Org) {
		for _, s := range []string{"EX1", "EX2", "EX3"} {
			require.NoError(t, o.SetIntraOrgConnectorProtocolLogging(s, "Verbose"))
		}
	})
	got = beyondDefaults(got)
	require.NotEmpty(t, got)
	for k := range got {
		require.Contains(t, k, " Send Intra-Organization SMTP Send Connector")
	}
	require.Empty(t, beyondDefaults(protocolRows(t, func(o *Org) {
		require.NoError(t, o.SetReceiveConnectorProtocolLogging("Default EX1", "Verbose"))
		require.NoError(t, o.SetReceiveConnectorProtocolLogging(`ex1\default ex1`, "None"))
	})))
	protocolRows(t, func(o *Org) {
		require.ErrorContains(t, o.SetReceiveConnectorProtocolLogging(`EX9\Default EX9`, "Verbose"), `EX1\Default EX1`)
		require.ErrorContains(t, o.SetReceiveConnectorProtocolLogging(`EX1\Default EX1`, "Low"), "want None or Verbose")
		require.ErrorContains(t, o.SetSendConnectorProtocolLogging("Internet", "Verbose"), "no send connector")
	})
}
