package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Facts: shared/reference/exchange-2013-pipeline.md, cited by section.

// twoDAGs2019 is two 2019 DAGs of one site, A (A1, A2) and B (B1, B2); DBA is on A1,
// DBB on B1; internet mail enters at A1's front end.
func twoDAGs2019() (Topology, *world) {
	var top Topology
	for _, s := range []ServerSpec{{Name: "A1", DAG: "DAGA"}, {Name: "A2", DAG: "DAGA"}, {Name: "B1", DAG: "DAGB"}, {Name: "B2", DAG: "DAGB"}} {
		s.Site, s.Version, s.Roles = "S1", Exchange2019, []string{"Mailbox"}
		top.Servers = append(top.Servers, s)
	}
	top.Mailboxes = []Mailbox{{Address: "a@contoso.com", Database: "DBA"}, {Address: "b@contoso.com", Database: "DBB"}}
	top.Inbound = []string{"A1"}
	w := newWorld()
	w.active["DBA"], w.mounted["DBA"] = "A1", true
	w.active["DBB"], w.mounted["DBB"] = "B1", true
	return top, w
}

func payloads[P any](h *harness) []P {
	var out []P
	for _, r := range h.s.Journal().Records() {
		if p, ok := r.Data.(P); ok {
			out = append(out, p)
		}
	}
	return out
}

// exchange-2013-pipeline.md 1.5: FET resolves the recipient to its database and picks a Transport service of
// that database's delivery group (the DAG), not of its own DAG, and no other hop.
func TestFrontEndProxiesToBackEndInRecipientsDAG(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	for i := 0; i < 4; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"})
		})
	}
	h.run(10 * time.Minute)
	require.Equal(t, 4, h.o.Verdict().Delivered)
	px := payloads[Proxied](h)
	require.Len(t, px, 4)
	seen := map[string]bool{}
	for _, p := range px {
		require.Equal(t, "A1", p.FrontEnd)
		require.Contains(t, []string{"B1", "B2"}, p.BackEnd)
		seen[p.BackEnd] = true
	}
	require.Len(t, seen, 2, "round robin inside the group")
	path := trackingPath(h, 1)
	require.NotContains(t, strings.Join(path, ","), "A1 RECEIVE", "the front end queues nothing and writes no tracking")
}

// exchange-2013-pipeline.md 1.5: with several recipients FET uses the first 20 to pick one server of the closest
// delivery group; it never bifurcates: exactly one back end receives the message.
func TestFrontEndWithSeveralRecipientsPicksOneBackEnd(t *testing.T) {
	top, w := twoDAGs2019()
	top.Servers[2].Site, top.Servers[3].Site = "S2", "S2" // DAGB is in another site
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com", "a@contoso.com"}, Subject: "s"})
	})
	h.run(5 * time.Minute)
	require.Equal(t, 2, h.o.Verdict().Delivered)
	px := payloads[Proxied](h)
	require.Len(t, px, 1)
	require.Contains(t, []string{"A1", "A2"}, px[0].BackEnd, "the group in the front end's site is the closest")
}

// exchange-2013-pipeline.md 1.5: with no mailbox recipient FET picks a random Mailbox server of its own site.
func TestFrontEndWithNoMailboxRecipientPicksALocalSiteServer(t *testing.T) {
	top, w := twoDAGs2019()
	top.Servers[2].Site, top.Servers[3].Site = "S2", "S2"
	h := newHarness(t, top, w)
	for i := 0; i < 6; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "x@fabrikam.net", To: []string{"nobody@contoso.com"}, Subject: "s"})
		})
	}
	h.run(10 * time.Minute)
	for _, p := range payloads[Proxied](h) {
		require.Contains(t, []string{"A1", "A2"}, p.BackEnd)
	}
	require.Len(t, payloads[Proxied](h), 6)
	require.Equal(t, 6, h.o.Verdict().Bounced, "the back end's categorizer returns them")
}

// exchange-2013-pipeline.md 1.5 and 2: FET answers the sender only with the back end's reply, which comes once the
// back end has made its shadow; the sender keeps its copy until then, so no message is
// ever on one server only. The 250 the sender gets names the back end.
func TestFrontEndAcksOnlyAfterBackEndShadow(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"})
	})
	h.run(5 * time.Minute)
	var shadowAt, relayedAt, proxiedAt time.Duration
	for _, r := range h.s.Journal().Records() {
		switch r.Data.(type) {
		case Proxied:
			proxiedAt = r.At
		case ShadowMade:
			shadowAt = r.At
		case FrontEndRelayed:
			relayedAt = r.At
		}
	}
	require.NotZero(t, proxiedAt)
	require.Less(t, proxiedAt, shadowAt)
	require.LessOrEqual(t, shadowAt, relayedAt)
	require.Empty(t, h.o.Verdict().SPOF)
	_, proto := logs.FromJournal(h.s.Journal().Records())
	var fetReply string
	var proxyLine, final int = -1, -1
	for _, p := range proto {
		if p.Server == "A1" && p.Service == logs.FrontEnd && p.Log == logs.Receive {
			if p.Context == logProxyDestinations {
				proxyLine = p.SequenceNumber
			}
			if strings.HasPrefix(p.Data, "250 2.6.0") {
				fetReply, final = p.Data, p.SequenceNumber
			}
		}
	}
	require.Contains(t, fetReply, "Hostname=B")
	require.Equal(t, proxyLine+1, final, "the proxy line comes just before the final reply (6.4)")
}

// exchange-2013-pipeline.md 1.8 and 1.5: the reply each state gives the internet sender.
func TestFrontEndReplyPerState(t *testing.T) {
	cases := []struct {
		name  string
		setup func(h *harness)
		reply string // a MailFromRefused or ProxyRefused reply, or "" for a refused connection
	}{
		{"FrontendTransport Inactive: 421 4.3.2 Service not active", func(h *harness) {
			h.w.feStates["A1"] = "Inactive"
			require.NoError(t, h.o.RestartService("A1", "MSExchangeFrontEndTransport"))
		}, "421 4.3.2 Service not active"},
		{"FrontendTransport Draining: 421 4.3.2 Service not available", func(h *harness) {
			h.w.feStates["A1"] = "Draining"
			require.NoError(t, h.o.RestartService("A1", "MSExchangeFrontEndTransport"))
		}, "421 4.3.2 Service not available"},
		{"MSExchangeFrontEndTransport stopped: connection refused", func(h *harness) {
			require.NoError(t, h.o.StopService("A1", "MSExchangeFrontEndTransport"))
		}, ""},
		{"no Transport service routable: 451 4.7.0 PRX1", func(h *harness) {
			for _, s := range []string{"B1", "B2", "A1", "A2"} {
				h.w.states[s] = "Inactive"
				require.NoError(t, h.o.RestartService(s, "MSExchangeTransport"))
			}
		}, "451 4.7.0 Temporary server error. Please try again later. PRX1 "},
		{"every back end unreachable: 451 4.7.0 PRX3", func(h *harness) {
			for _, s := range []string{"B1", "B2", "A2"} {
				h.w.cut[[2]string{"A1", s}] = true
			}
			require.NoError(t, h.o.StopService("A1", "MSExchangeTransport"))
		}, "451 4.7.0 Temporary server error. Please try again later. PRX3 "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top, w := twoDAGs2019()
			h := newHarness(t, top, w)
			h.at(30*time.Second, func() { c.setup(h) })
			h.at(time.Minute, func() {
				h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"})
			})
			h.run(5 * time.Minute)
			require.Equal(t, "internet", h.o.Verdict().Fates[0].Server, "the sender keeps the message")
			var got []string
			for _, r := range h.s.Journal().Records() {
				switch e := r.Data.(type) {
				case MailFromRefused:
					got = append(got, e.Reply)
				case ProxyRefused:
					got = append(got, e.Reply)
				case ConnectFailed:
					got = append(got, "")
				}
			}
			require.Equal(t, []string{c.reply}, got)
		})
	}
}

// exchange-2013-pipeline.md 1.5: a destination FET cannot reach makes it fail over to the next one
// (InboundProxyPerHostConnectionAttempts 1); the sender never sees the failure.
func TestFrontEndFailsOverToTheNextDestination(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(30*time.Second, func() { h.o.Crash("B1", false) })
	for i := 0; i < 2; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"})
		})
	}
	h.run(5 * time.Minute)
	fails := payloads[ProxyAttemptFailed](h)
	require.Len(t, fails, 1, "round robin meets B1 once")
	require.Equal(t, "B1", fails[0].BackEnd)
	for _, p := range payloads[Proxied](h) {
		require.Equal(t, "B2", p.BackEnd)
	}
	for _, f := range h.o.Verdict().Fates {
		require.Equal(t, "B2", f.Server)
		require.NotEqual(t, "internet", f.Server)
	}
	var detour bool
	for _, r := range payloads[FrontEndRelayed](h) {
		detour = detour || strings.Contains(r.Detour, "after 1 failed attempt(s)")
	}
	require.True(t, detour)
}

// exchange-2013-pipeline.md 6.2-6.5: a proxied message shows in the front end's FrontEnd\ProtocolLog\SmtpReceive
// (Default Frontend) and SmtpSend (Inbound Proxy Internal Send Connector, XPROXYFROM to
// 2525), in the back end's Hub\ProtocolLog\SmtpReceive ("250 XProxyFrom accepted" on
// Default <server>), and in the back end's RECEIVE row, whose client is the front end.
func TestProxiedSessionIsLoggedOnBothHops(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "s"})
	})
	h.run(5 * time.Minute)
	back := payloads[Proxied](h)[0].BackEnd
	_, proto := logs.FromJournal(h.s.Journal().Records())
	has := func(server, service, log, connector, data string) bool {
		for _, p := range proto {
			if p.Server == server && p.Service == service && p.Log == log && strings.HasPrefix(p.ConnectorID, connector) && strings.HasPrefix(p.Data, data) {
				return true
			}
		}
		return false
	}
	require.True(t, has("A1", logs.FrontEnd, logs.Receive, `A1\Default Frontend A1`, "MAIL FROM:<x@fabrikam.net>"))
	require.True(t, has("A1", logs.FrontEnd, logs.Send, "Inbound Proxy Internal Send Connector", "XPROXYFROM SID="))
	require.True(t, has(back, logs.Hub, logs.Receive, back+`\Default `+back, "250 XProxyFrom accepted"))
	require.True(t, has("B1", logs.MailboxDelivery, logs.Receive, `B1\Default Mailbox Delivery B1`, "250 2.6.0"), "delivery on 475 (1.2)")
	for _, p := range proto {
		if p.Server == back && p.Log == logs.Receive && p.Service == logs.Hub {
			require.True(t, strings.HasSuffix(p.LocalEndpoint, ":2525"), p.LocalEndpoint)
		}
	}
	tr, _ := logs.FromJournal(h.s.Journal().Records())
	var recv *logs.TrackingEvent
	for i := range tr {
		if tr[i].EventID == logs.EventReceive && tr[i].Server == back {
			recv = &tr[i]
		}
		require.NotEqual(t, "A1", tr[i].Server, "FET writes no message tracking (4.1)")
	}
	require.NotNil(t, recv)
	require.Equal(t, "A1.contoso.com", recv.ClientHostname, "the front end's FQDN, as in the real 2019 row (pipeline 5.3)")
}

// exchange-2013-pipeline.md 1.1 and the issue: Restart-Service MSExchangeFrontEndTransport restarts Front End
// Transport alone: the Transport service keeps its queues and process (no Started),
// and Stop-Service MSExchangeTransport leaves the front end proxying to the others.
func TestRestartFrontEndTransportRestartsOnlyFrontEnd(t *testing.T) {
	top, w := twoDAGs2019()
	w.mounted["DBB"] = false // mail queues on the back ends
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"a@contoso.com"}, Subject: "s"})
	})
	h.run(2 * time.Minute)
	epoch := h.o.byName["a1"].epoch
	require.NoError(t, h.o.RestartService("A1", "MSExchangeFrontEndTransport"))
	require.Equal(t, epoch, h.o.byName["a1"].epoch, "the Transport service did not restart")
	require.Empty(t, payloads[Started](h))
	require.NoError(t, h.o.StopService("A1", "MSExchangeTransport"))
	h.at(3*time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"a@contoso.com"}, Subject: "t"})
	})
	h.run(5 * time.Minute)
	px := payloads[Proxied](h)
	require.Len(t, px, 2)
	require.Equal(t, "A2", px[1].BackEnd, "A1's front end runs on and proxies to A2")
	require.Equal(t, 2, h.o.Verdict().Delivered)
}

// exchange-2013-pipeline.md 1.1, 1.2: an Exchange 2013 Client Access server runs Front End Transport alone and
// proxies to the Transport service of 2013 Mailbox servers, which listen on 25 when
// no front end shares their server.
func TestExchange2013ClientAccessServerRunsFrontEndTransportAlone(t *testing.T) {
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
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"a@contoso.com"}, Subject: "s"})
	})
	h.run(5 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	px := payloads[Proxied](h)
	require.Equal(t, []Proxied{{Msg: Msg{1}, FrontEnd: "CAS1", BackEnd: "MBX1"}}, px)
	_, proto := logs.FromJournal(h.s.Journal().Records())
	for _, p := range proto {
		if p.Server == "MBX1" && p.Log == logs.Receive && p.Service == logs.Hub {
			require.True(t, strings.HasSuffix(p.LocalEndpoint, ":25"), p.LocalEndpoint)
		}
	}
	require.Error(t, h.o.RestartService("MBX1", "MSExchangeFrontEndTransport"), "a 2013 Mailbox server without ClientAccess runs no front end")
	require.NoError(t, h.o.RestartService("CAS1", "MSExchangeFrontEndTransport"))
}

// exchange-2013-pipeline.md 3: Subscription Edition behaves as 2019 CU15 in transport: the same run gives the
// same fates, latencies and proxy hops.
func TestExchangeSEProxiesAs2019(t *testing.T) {
	run := func(v Version) ([]Fate, []Proxied) {
		top, w := twoDAGs2019()
		for i := range top.Servers {
			top.Servers[i].Version = v
		}
		h := newHarness(t, top, w)
		for i := 0; i < 3; i++ {
			h.at(time.Duration(i+1)*time.Minute, func() {
				h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com", "a@contoso.com"}, Subject: "s"})
			})
		}
		h.run(10 * time.Minute)
		return h.o.Verdict().Fates, payloads[Proxied](h)
	}
	f19, p19 := run(Exchange2019)
	fse, pse := run(ExchangeSE)
	require.Equal(t, f19, fse)
	require.Equal(t, p19, pse)
}

// exchange-2013-pipeline.md 1.1 and 1.8: Mailbox Transport Delivery and Submission are services of their own that
// read no component state: MSExchangeDelivery stopped refuses the Transport service's
// connection on 475 (the queue retries, nothing is lost) and MSExchangeSubmission
// stopped leaves the message in the Outbox; started again, both carry on.
func TestMailboxTransportServicesStopAndStartAlone(t *testing.T) {
	top, w := twoDAGs2019()
	h := newHarness(t, top, w)
	h.at(30*time.Second, func() {
		require.NoError(t, h.o.StopService("B1", "MSExchangeDelivery"))
		require.NoError(t, h.o.StopService("A1", "MSExchangeSubmission"))
	})
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@fabrikam.net", To: []string{"b@contoso.com"}, Subject: "in"})
		h.submit(Message{From: "a@contoso.com", To: []string{"b@contoso.com"}, Subject: "out"})
	})
	h.run(5 * time.Minute)
	require.Zero(t, h.o.Verdict().Delivered)
	require.Equal(t, "Outbox", h.o.Verdict().Fates[1].Server[:6], h.o.Verdict().Fates[1].Server)
	var refused bool
	for _, q := range h.o.GetQueue("B1") {
		refused = refused || strings.Contains(q.LastError, "10061")
	}
	for _, q := range h.o.GetQueue("B2") {
		refused = refused || strings.Contains(q.LastError, "10061")
	}
	require.True(t, refused, "a queue to DBB shows the refused connection to 475")
	require.NoError(t, h.o.StartService("B1", "MSExchangeDelivery"))
	require.NoError(t, h.o.StartService("A1", "MSExchangeSubmission"))
	h.run(20 * time.Minute)
	require.Equal(t, 2, h.o.Verdict().Delivered)
	require.Error(t, h.o.StopService("A1", "MSExchangeDelivry"))
}

// exchange-2013-pipeline.md 1.6: a send connector with FrontendProxyEnabled makes the Transport service send
// through a Front End Transport service (Outbound Proxy Frontend, port 717), the source
// server's own while it runs Active, else another of its site; the front end sends on
// to the smart host and answers with its reply. Without it, the Transport service
// sends itself.
func TestOutboundProxyThroughFrontEndWhenFrontendProxyEnabled(t *testing.T) {
	for _, c := range []struct {
		name     string
		proxy    bool
		feDown   bool
		frontEnd string // the server whose FrontEnd SmtpSend log has the smart host session
	}{
		{"proxied through the source server's front end", true, false, "A1"},
		{"its front end Inactive: another of the site", true, true, "A2"},
		{"not enabled: the Transport service sends itself", false, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			top, w := twoDAGs2019()
			top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"A1"},
				SmartHost: "relay.contoso.net", FrontendProxyEnabled: c.proxy}}
			h := newHarness(t, top, w)
			if c.feDown {
				h.w.feStates["A1"] = "Inactive"
				require.NoError(t, h.o.RestartService("A1", "MSExchangeFrontEndTransport"))
			}
			h.at(time.Minute, func() {
				h.submit(Message{From: "a@contoso.com", To: []string{"x@fabrikam.net"}, Subject: "out"})
			})
			h.run(5 * time.Minute)
			require.Equal(t, 1, h.o.Verdict().Delivered)
			_, proto := logs.FromJournal(h.s.Journal().Records())
			var via717, feSend bool
			for _, p := range proto {
				if p.Log == logs.Receive && p.Service == logs.FrontEnd && strings.Contains(p.ConnectorID, `\Outbound Proxy Frontend `) {
					via717 = true
					require.True(t, strings.HasSuffix(p.LocalEndpoint, ":717"))
				}
				if p.Log == logs.Send && p.Service == logs.FrontEnd && p.ConnectorID == "Internet" {
					feSend = true
					require.Equal(t, c.frontEnd, p.Server)
				}
			}
			require.Equal(t, c.proxy, via717)
			require.Equal(t, c.proxy, feSend)
			require.Contains(t, trackingPath(h, 1), "A1 SEND", "the Transport service logs SEND when the front end's reply comes")
		})
	}
}

// fact: exchange-2013-pipeline.md §1.6 and exchange-stress.md §2.3: mail a Send
// connector proxies through Front End Transport goes to the domain's MX hosts as the
// Transport service's own sends do: the next MX when the first is down, and it waits in
// Retry while every MX is down, losing nothing.
func TestOutboundProxyFollowsTheMXRecordsAndTheirFailover(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, FrontendProxyEnabled: true},
		map[string][]MX{"fabrikam.net": {{"mx1.fabrikam.net", 10}, {"mx2.fabrikam.net", 20}}})
	require.NoError(t, h.o.HostDown("mx1.fabrikam.net"))
	sendOut(h, time.Minute, "a@fabrikam.net")
	h.at(10*time.Minute, func() { require.NoError(t, h.o.HostDown("mx2.fabrikam.net")) })
	sendOut(h, 11*time.Minute, "b@fabrikam.net")
	h.run(30 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered, "the second waits while both MX hosts are down")
	h.at(31*time.Minute, func() { require.NoError(t, h.o.HostUp("mx1.fabrikam.net")) })
	h.run(3 * time.Hour)
	require.Equal(t, 2, h.o.Verdict().Delivered)
	_, proto := logs.FromJournal(h.s.Journal().Records())
	var to []string
	for _, p := range proto {
		if p.Log == logs.Send && p.Service == logs.FrontEnd && p.Event == logs.ProtoConnect {
			to = append(to, p.RemoteEndpoint)
		}
	}
	mx1, mx2 := h.o.ext["mx1.fabrikam.net"].ip+":25", h.o.ext["mx2.fabrikam.net"].ip+":25"
	require.NotEmpty(t, to)
	require.Equal(t, mx2, to[0], "mx1 was down: the front end connects to mx2")
	require.Equal(t, mx1, to[len(to)-1], "after mx1 comes back")
	for _, ep := range to {
		require.Contains(t, []string{mx1, mx2}, ep, "never a host outside the MX records")
	}
}
