package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of the Front End Transport service (frontend.go) that pin sourced facts, found
// by mutation testing (issue 24).

// remoteDAG2019 is a 2019 front end F1 alone in site S1 (no DAG) and DAGB's n members
// B1..Bn in site S2; the recipient's database DBB is on B1; internet mail enters at F1.
func remoteDAG2019(n int) (Topology, *world) {
	top := Topology{
		Servers:   []ServerSpec{{Name: "F1", Site: "S1", Version: Exchange2019, Roles: []string{"Mailbox"}}},
		Mailboxes: []Mailbox{{Address: "b@contoso.com", Database: "DBB"}},
		Inbound:   []string{"F1"},
	}
	for i := 1; i <= n; i++ {
		top.Servers = append(top.Servers, ServerSpec{Name: fmt.Sprintf("B%d", i), Site: "S2", Version: Exchange2019, Roles: []string{"Mailbox"}, DAG: "DAGB"})
	}
	w := newWorld()
	w.active["DBB"], w.mounted["DBB"] = "B1", true
	return top, w
}

// fact: exchange-2013-pipeline.md §1.5: FET's destinations are the recipients'
// delivery group then its own site's servers, at most 4 of them in other sites
// (ProxyRoutingMaxRemoteSiteHubCount); it tries each once. With the six members of the
// recipient's DAG in another site unreachable, FET tries four of them and then its
// own site's Transport service, and says so when it relays the 250.
func TestFrontEndTriesAtMostFourServersInOtherSites(t *testing.T) {
	top, w := remoteDAG2019(6)
	for i := 1; i <= 6; i++ {
		w.cut[[2]string{"F1", fmt.Sprintf("B%d", i)}] = true
	}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "far"}) })
	h.run(5 * time.Minute)
	var tried []string
	for _, f := range payloads[ProxyAttemptFailed](h) {
		tried = append(tried, f.BackEnd)
	}
	require.Equal(t, []string{"B1", "B2", "B3", "B4"}, tried)
	px := payloads[Proxied](h)
	require.Len(t, px, 1)
	require.Equal(t, "F1", px[0].BackEnd)
	rel := payloads[FrontEndRelayed](h)
	require.Len(t, rel, 1)
	require.Equal(t, "after 4 failed attempt(s)", rel[0].Detour)
}

// fact: exchange-2013-pipeline.md §1.5: a message FET proxies to its first destination
// went nowhere else: FrontEndRelayed names no detour.
func TestFrontEndRelayedToItsFirstDestinationHasNoDetour(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"}) })
	h.run(5 * time.Minute)
	rel := payloads[FrontEndRelayed](h)
	require.Len(t, rel, 1)
	require.Empty(t, rel[0].Detour)
	require.Empty(t, payloads[ProxyAttemptFailed](h))
}

// fact: exchange-2013-pipeline.md §1.5 and §6.2: with no destination FET logs "No
// destinations could be obtained to proxy to" in its SmtpReceive log just before its
// 451 4.7.0 ... PRX1 reply to the data; the sender has the reply one crossing later,
// and QUIT and 221 take two more before it tries its next server.
func TestFrontEndWithNoDestinationLogsItBeforeItsPRX1Reply(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(30*time.Second, func() {
		for _, s := range []string{"B1", "B2", "A1", "A2"} {
			h.w.states[s] = "Inactive"
			require.NoError(t, h.o.RestartService(s, "MSExchangeTransport"))
		}
	})
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"}) })
	h.run(5 * time.Minute)
	var rows []logs.ProtocolEvent
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(logs.ProtocolEvent); ok && e.Server == "A1" && e.Service == logs.FrontEnd && e.Log == "Receive" {
			rows = append(rows, e)
		}
	}
	at := -1
	for i, e := range rows {
		if e.Context == logNoDestinations {
			at = i
		}
	}
	require.GreaterOrEqual(t, at, 0, "the no-destinations line")
	require.Less(t, at+1, len(rows))
	next := rows[at+1]
	require.Equal(t, logs.ProtoSend, next.Event)
	require.True(t, strings.HasPrefix(next.Data, "451 4.7.0 Temporary server error. Please try again later. PRX1"), next.Data)
	for i, e := range rows {
		require.Equal(t, i, e.SequenceNumber)
	}
	var refused []time.Duration
	for _, r := range h.s.Journal().Records() {
		if _, ok := r.Data.(ProxyRefused); ok {
			refused = append(refused, r.At)
		}
	}
	require.Equal(t, []time.Duration{rows[at].At + 3*50*time.Millisecond}, refused)
}

// fact: exchange-2013-pipeline.md §1.1: FET queues nothing, so a session through a
// front end is open from the connection until the headers are in (the least-connections
// balancer of seed 003 counts it only then): #1 is over when #2 and #3 arrive
// together, #2 goes to the other front end (the tie in turn) and #3 back to the first.
func TestLeastConnectionsCountsFrontEndSessionsOnlyWhileOpen(t *testing.T) {
	top, w := twoDAGs2019()
	top.Inbound, top.InboundLoadBalanced, top.InboundPolicy = []string{"A1", "A2"}, true, LBLeastConnections
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@gmail.com", To: []string{"a@contoso.com"}, Subject: "1"}) })
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "x@gmail.com", To: []string{"a@contoso.com"}, Subject: "2"})
		h.submit(Message{From: "x@gmail.com", To: []string{"a@contoso.com"}, Subject: "3"})
	})
	h.run(5 * time.Minute)
	var fe []string
	for _, p := range payloads[Proxied](h) {
		fe = append(fe, p.FrontEnd)
	}
	require.Equal(t, []string{"A1", "A2", "A1"}, fe)
}

// fact: exchange-2013-pipeline.md §1.5: for a message with no mailbox recipient FET
// picks a Mailbox server of its own site; a 2013 Client Access server whose site has
// none (its Mailbox server is in another site) has no destination and answers PRX1.
func TestFrontEndAloneInItsSiteHasNoDestinationForAMessageWithoutMailboxRecipient(t *testing.T) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "CAS1", Site: "S1", Version: Exchange2013, Roles: []string{"ClientAccess"}},
			{Name: "MBX1", Site: "S2", Version: Exchange2013, Roles: []string{"Mailbox"}},
		},
		Mailboxes: []Mailbox{{Address: "a@contoso.com", Database: "DB1"}},
		Inbound:   []string{"CAS1"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "MBX1", true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"nobody@contoso.com"}, Subject: "s"}) })
	h.run(5 * time.Minute)
	var got []string
	for _, p := range payloads[ProxyRefused](h) {
		got = append(got, p.Reply)
	}
	require.Equal(t, []string{"451 4.7.0 Temporary server error. Please try again later. PRX1 "}, got)
	require.Empty(t, payloads[Proxied](h))
}

// feLogRows lists server's protocol log rows of service and log (Send or Receive)
// whose connector id contains conn, in journal order.
func feLogRows(h *harness, server, service, log, conn string) []logs.ProtocolEvent {
	var out []logs.ProtocolEvent
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(logs.ProtocolEvent); ok && e.Server == server && e.Service == service && e.Log == log && strings.Contains(e.ConnectorID, conn) {
			out = append(out, e)
		}
	}
	return out
}

// rowWith is the first row whose Data starts with prefix.
func rowWith(t *testing.T, rows []logs.ProtocolEvent, prefix string) logs.ProtocolEvent {
	t.Helper()
	for _, e := range rows {
		if strings.HasPrefix(e.Data, prefix) {
			return e
		}
	}
	t.Fatalf("no row %q", prefix)
	return logs.ProtocolEvent{}
}

// fact: exchange-2013-pipeline.md §1.5: FET answers the sender only when the back end
// has answered; a back end that rejects the data (451 4.4.0, RejectMessageOnShadowFailure
// with no shadow possible) gets FET's generic 451 4.7.0 sent to the sender at the
// instant FET has the back end's reply.
func TestFrontEndAnswersABackEndRejectionWhenItHasIt(t *testing.T) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "CAS1", Site: "S1", Version: Exchange2013, Roles: []string{"ClientAccess"}},
			{Name: "MBX1", Site: "S1", Version: Exchange2013, Roles: []string{"Mailbox"}},
		},
		Mailboxes: []Mailbox{{Address: "a@contoso.com", Database: "DB1"}},
		Inbound:   []string{"CAS1"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "MBX1", true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"a@contoso.com"}, Subject: "s"}) })
	h.run(time.Minute + 5*time.Second)
	back := rowWith(t, feLogRows(h, "CAS1", logs.FrontEnd, logs.Send, ""), "451 4.4.0 Message failed to be made redundant")
	mine := rowWith(t, feLogRows(h, "CAS1", logs.FrontEnd, logs.Receive, ""), "451 4.7.0 Temporary server error. Please try again later")
	require.Equal(t, back.At, mine.At)
	require.Equal(t, logs.ProtoSend, mine.Event)
}

// fact: exchange-2013-pipeline.md §1.6: with FrontendProxyEnabled the front end answers
// the Transport service (on 717) with the remote host's reply once it has it, and
// with 451 4.7.0 ... PRX3 once its own attempt to reach the remote host has failed.
func TestOutboundProxyFrontEndAnswersWhenTheRemoteHostHasAnswered(t *testing.T) {
	for _, cut := range []bool{false, true} {
		top, w := twoDAGs2019()
		top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"A1"},
			SmartHost: "relay.contoso.net", FrontendProxyEnabled: true}}
		if cut {
			w.cut[[2]string{"A1", internet}] = true
		}
		h := newHarness(t, top, w)
		h.at(time.Minute, func() { h.submit(Message{From: "a@contoso.com", To: []string{"x@fabrikam.net"}, Subject: "out"}) })
		h.run(time.Minute + 5*time.Second)
		remote := feLogRows(h, "A1", logs.FrontEnd, logs.Send, "Internet")
		require.NotEmpty(t, remote)
		toTransport := feLogRows(h, "A1", logs.FrontEnd, logs.Receive, `\Outbound Proxy Frontend `)
		if cut {
			prx := rowWith(t, toTransport, "451 4.7.0 Temporary server error. Please try again later. PRX3")
			require.Equal(t, remote[len(remote)-1].At, prx.At, "when the remote attempt ended")
			continue
		}
		ok := rowWith(t, remote, "250 2.0.0 Ok: queued as")
		require.Equal(t, ok.At, rowWith(t, toTransport, "250 2.0.0 Ok: queued as").At)
	}
}

// fact: exchange-2013-pipeline.md §1.5 and §2: FET answers the sender only with the
// back end's reply; when MSExchangeFrontEndTransport stops after the back end took the
// message but before its 250 came back, the sender got nothing: it keeps the message
// and sends it again later, and the mailbox's duplicate detection drops the second
// copy.
func TestFrontEndStoppingBeforeTheBackEndsReplyMakesTheSenderRetry(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"}) })
	h.at(time.Minute+time.Second, func() { require.NoError(t, h.o.StopService("A1", "MSExchangeFrontEndTransport")) })
	h.at(2*time.Minute, func() { require.NoError(t, h.o.StartService("A1", "MSExchangeFrontEndTransport")) })
	h.run(time.Hour)
	require.Len(t, payloads[Proxied](h), 2, "the back end got it, and again at the retry")
	require.Len(t, payloads[FrontEndRelayed](h), 1, "only the retry's 250 reached the sender")
	var died int
	for _, r := range payloads[SenderRetry](h) {
		if r.Why == SessionDied && r.Fault == "MSExchangeFrontEndTransport stopped" {
			died++
		}
	}
	require.Equal(t, 1, died)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 1, v.DuplicatesDetected)
}

// fact: exchange-2013-pipeline.md §6.2: each proxy attempt of one session carries
// XPROXYFROM with the next SEQNUM: 1 for the first destination, 2 after one failed.
func TestXProxyFromSeqNumCountsTheProxyAttempts(t *testing.T) {
	top, w := remoteDAG2019(6)
	for i := 1; i <= 6; i++ {
		w.cut[[2]string{"F1", fmt.Sprintf("B%d", i)}] = true
	}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "far"}) })
	h.run(5 * time.Minute)
	var seq []string
	for _, e := range feLogRows(h, "F1", logs.FrontEnd, logs.Send, "") {
		if strings.HasPrefix(e.Data, "XPROXYFROM ") {
			for _, f := range strings.Fields(e.Data) {
				if strings.HasPrefix(f, "SEQNUM=") {
					seq = append(seq, f)
				}
			}
		}
	}
	require.Equal(t, []string{"SEQNUM=5"}, seq, "four hops failed to connect and sent nothing")
}

// fact: exchange-2013-pipeline.md §1.5: FET takes the delivery group of the closest
// recipient; with none in its own site, exsim takes the first recipient's (the sources
// do not rank two remote groups): a message for a mailbox in DAGB (site S2) and one in
// DAGC (site S3) goes to DAGB when its recipient is first.
func TestFrontEndWithoutALocalRecipientTakesTheFirstRecipientsGroup(t *testing.T) {
	top, w := remoteDAG2019(1)
	top.Servers = append(top.Servers, ServerSpec{Name: "C1", Site: "S3", Version: Exchange2019, Roles: []string{"Mailbox"}, DAG: "DAGC"})
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "c@contoso.com", Database: "DBC"})
	w.active["DBC"], w.mounted["DBC"] = "C1", true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com", "c@contoso.com"}, Subject: "two groups"})
	})
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"c@contoso.com", "b@contoso.com"}, Subject: "two groups"})
	})
	h.run(5 * time.Minute)
	var got []string
	for _, p := range payloads[Proxied](h) {
		got = append(got, p.BackEnd)
	}
	require.Equal(t, []string{"B1", "C1"}, got)
}

// fact: exchange-2013-pipeline.md §1.5: inside the recipients' delivery group FET tries
// the closest servers first (exsim: the members in its own site before the others).
func TestFrontEndTriesTheGroupsMembersInItsOwnSiteFirst(t *testing.T) {
	top, w := remoteDAG2019(2)
	top.Servers[2].Site = "S1" // B2 is in the front end's site, B1 (listed first) is not
	h := newHarness(t, top, w)
	for i := 0; i < 2; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "near"})
		})
	}
	h.run(5 * time.Minute)
	var got []string
	for _, p := range payloads[Proxied](h) {
		got = append(got, p.BackEnd)
	}
	require.Equal(t, []string{"B2", "B2"}, got)
}

// fact: exchange-2013-pipeline.md §1.6: when the front end cannot reach the remote host
// the Transport service's connector queue goes to Retry with the failover LastError
// naming the front end's 451 4.7.0 ... PRX3 on port 717.
func TestOutboundProxyFailureRetriesTheQueueWithThePRX3(t *testing.T) {
	top, w := twoDAGs2019()
	top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"A1"}, FrontendProxyEnabled: true}}
	w.cut[[2]string{"A1", internet}] = true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@contoso.com", To: []string{"x@fabrikam.net"}, Subject: "out"}) })
	h.run(time.Minute + 5*time.Second)
	var q QueueInfo
	for _, r := range h.o.GetQueue("A1") {
		if r.DeliveryType == "DnsConnectorDelivery" {
			q = r
		}
	}
	require.Equal(t, "Retry", q.Status)
	require.Contains(t, q.LastError, "PRX3")
	require.Contains(t, q.LastError, ":717")
}

// fact: exchange-2013-pipeline.md §1.6 and exchange-stress.md §2.3: a connector with
// FrontendProxyEnabled and no smart host has the front end send to the domain's mail
// exchanger (a domain without MX records in the scenario: the host mx.<domain>, as the
// Transport service itself would), and a smart-host connector to the smart host.
func TestOutboundProxySendsToTheMXOrTheSmartHost(t *testing.T) {
	for _, c := range []struct{ smartHost, want string }{{"", "220 mx.fabrikam.net "}, {"relay.contoso.net", "220 relay.contoso.net "}} {
		top, w := twoDAGs2019()
		top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"A1"},
			SmartHost: c.smartHost, FrontendProxyEnabled: true}}
		h := newHarness(t, top, w)
		h.at(time.Minute, func() { h.submit(Message{From: "a@contoso.com", To: []string{"x@fabrikam.net"}, Subject: "out"}) })
		h.run(time.Minute + 5*time.Second)
		require.Equal(t, 1, h.o.Verdict().Delivered)
		rowWith(t, feLogRows(h, "A1", logs.FrontEnd, logs.Send, "Internet"), c.want)
	}
}
