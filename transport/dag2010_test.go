package transport

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// The world of seed 003: two Exchange 2010 SP3 servers with every role in DAG1, one
// database DB1, a send connector to the internet from both, inbound mail through a
// round-robin load balancer.
func twoNodeDAG(active string) (Topology, *world) {
	roles := []string{"Mailbox", "HubTransport", "ClientAccess"}
	top := Topology{
		Servers: []ServerSpec{
			{Name: "EX13-1", Site: "Default-First-Site-Name", Version: Exchange2010SP3, Roles: roles, DAG: "DAG1"},
			{Name: "EX13-2", Site: "Default-First-Site-Name", Version: Exchange2010SP3, Roles: roles, DAG: "DAG1"},
		},
		Mailboxes: []Mailbox{
			{Address: "alan.reid@mynet.lan", Database: "DB1"},
			{Address: "alannah.shaw@mynet.lan", Database: "DB1"},
		},
		Connectors:          []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"EX13-1", "EX13-2"}}},
		Inbound:             []string{"EX13-1", "EX13-2"},
		InboundLoadBalanced: true,
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = active, true
	return top, w
}

// trackingPath lists a message's tracking events as "SERVER EVENTID" in journal order
// (the scenario format's expect.tracking form).
func trackingPath(h *harness, id int) []string {
	var out []string
	for _, r := range h.records(logs.KindTracking, fmt.Sprintf("#%d", id)) {
		e := r.Data.(logs.TrackingEvent)
		out = append(out, e.Server+" "+string(e.EventID))
	}
	return out
}

func trackingCSV(t *testing.T, h *harness, server string) string {
	t.Helper()
	tr, _ := logs.FromJournal(h.s.Journal().Records())
	var mine []logs.TrackingEvent
	for _, e := range tr {
		if e.Server == server {
			mine = append(mine, e)
		}
	}
	var b bytes.Buffer
	require.NoError(t, logs.WriteTrackingLog(&b, string(Exchange2010SP3), t0, mine))
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

// Seed 003, "int to int 1": with DB1 active on EX13-2, EX13-2 logs NOTIFYMAPI and
// SUBMIT (Mail Submission on a DAG member submits to the other hub), EX13-1 logs
// RECEIVE (STOREDRIVER) and DELIVER.
func TestDAG2010InternalMessageSubmittedToPartnerHubWhichDelivers(t *testing.T) {
	top, w := twoNodeDAG("EX13-2")
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "alan.reid@mynet.lan", To: []string{"alannah.shaw@mynet.lan"}, Subject: "int to int 1", Size: 5120})
	})
	h.run(10 * time.Minute)
	require.Equal(t, []string{"EX13-2 NOTIFYMAPI", "EX13-2 SUBMIT", "EX13-1 RECEIVE", "EX13-1 DELIVER"}, trackingPath(h, 1))
	require.Equal(t, 1, h.o.Verdict().Delivered)
	golden(t, "seed003_internal_EX13-1.log", trackingCSV(t, h, "EX13-1"))
	golden(t, "seed003_internal_EX13-2.log", trackingCSV(t, h, "EX13-2"))
}

// Seed 003, outbound: SUBMIT on the server with the active copy, then RECEIVE,
// TRANSFER and SEND on its partner.
func TestDAG2010OutboundMessageSentByPartnerHub(t *testing.T) {
	top, w := twoNodeDAG("EX13-1")
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "alan.reid@mynet.lan", To: []string{"someone@gmail.com"}, Subject: "int to ext", Size: 5120})
	})
	h.run(10 * time.Minute)
	require.Equal(t, []string{"EX13-1 NOTIFYMAPI", "EX13-1 SUBMIT", "EX13-2 RECEIVE", "EX13-2 TRANSFER", "EX13-2 SEND"}, trackingPath(h, 1))
	require.Equal(t, 1, h.o.Verdict().Delivered)
	golden(t, "seed003_outbound_EX13-2.log", trackingCSV(t, h, "EX13-2"))
}

// Seed 003, inbound through the round-robin load balancer with DB1 active on EX13-1:
// received by EX13-2 (no active copy) it is delivered by EX13-2; received by EX13-1
// (the active copy's server) it is relayed to EX13-2, which delivers.
func TestDAG2010InboundThroughLoadBalancerDeliveredByServerWithoutActiveCopy(t *testing.T) {
	top, w := twoNodeDAG("EX13-1")
	top.Inbound = []string{"EX13-2", "EX13-1"}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "someone@gmail.com", To: []string{"alan.reid@mynet.lan"}, Subject: "Gmail - INBD - 001", Size: 3000})
	})
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "someone@gmail.com", To: []string{"alan.reid@mynet.lan"}, Subject: "Gmail - INBD - 002", Size: 3000})
	})
	h.run(10 * time.Minute)
	require.Equal(t, []string{"EX13-2 RECEIVE", "EX13-2 DELIVER"}, trackingPath(h, 1))
	// EX13-1 logs SEND when EX13-2's 250 reaches it, after EX13-2 logged RECEIVE
	require.Equal(t, []string{"EX13-1 RECEIVE", "EX13-2 RECEIVE", "EX13-1 SEND", "EX13-2 DELIVER"}, trackingPath(h, 2))
	require.Equal(t, 2, h.o.Verdict().Delivered)
	golden(t, "seed003_inbound_EX13-2.log", trackingCSV(t, h, "EX13-2"))
	_, proto := logs.FromJournal(h.s.Journal().Records())
	var recv []logs.ProtocolEvent
	for _, p := range proto {
		if p.Server == "EX13-2" && p.Log == logs.Receive {
			recv = append(recv, p)
		}
	}
	var b bytes.Buffer
	require.NoError(t, logs.WriteProtocolLog(&b, string(Exchange2010SP3), logs.Receive, t0, recv))
	golden(t, "seed003_inbound_EX13-2_recv.log", strings.ReplaceAll(b.String(), "\r\n", "\n"))
}

// Routing to another AD site (2010: SmtpRelayToRemoteAdSite, NextHopDomain the site)
// and to another DAG (2013+: SmtpRelayToDag, NextHopDomain the DAG), Q-2016.
func TestRoutingToAnotherSiteAndAnotherDAG(t *testing.T) {
	top, w := redSite()
	top.Servers = append(top.Servers,
		ServerSpec{Name: "FAB-BLUE-HUB1", Site: "Blue", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
		ServerSpec{Name: "FAB-BLUE-MBX1", Site: "Blue", Version: Exchange2010SP1, Roles: []string{"Mailbox"}})
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "blue@contoso.com", Database: "DB2"})
	w.mounted["DB1"] = true
	w.active["DB2"], w.mounted["DB2"] = "FAB-BLUE-MBX1", true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"blue@contoso.com"}, Subject: "x"}) })
	h.run(5 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Equal(t, []string{"FAB-RED-HUB1 RECEIVE", "FAB-BLUE-HUB1 RECEIVE", "FAB-RED-HUB1 SEND", "FAB-BLUE-HUB1 DELIVER"}, trackingPath(h, 1))
	require.NotNil(t, h.o.byName["fab-red-hub1"].byKey[qkey{"SmtpRelayToRemoteAdSite", "Blue"}])

	var top2 Topology
	for _, s := range []ServerSpec{{Name: "A1", DAG: "DAGA"}, {Name: "A2", DAG: "DAGA"}, {Name: "B1", DAG: "DAGB"}, {Name: "B2", DAG: "DAGB"}} {
		s.Site, s.Version, s.Roles = "S1", Exchange2016, []string{"Mailbox"}
		top2.Servers = append(top2.Servers, s)
	}
	// A1's own Transport routes a mailbox message of DBA to DAGB (internet mail would
	// reach DAGB straight through the front end, TestFrontEndProxiesToBackEndInRecipientsDAG).
	top2.Mailboxes = []Mailbox{{Address: "b@contoso.com", Database: "DBB"}, {Address: "a@contoso.com", Database: "DBA"}}
	top2.Inbound = []string{"A1"}
	w2 := newWorld()
	w2.active["DBB"], w2.mounted["DBB"] = "B2", true
	w2.active["DBA"], w2.mounted["DBA"] = "A1", true
	h2 := newHarness(t, top2, w2)
	h2.at(time.Minute, func() { h2.submit(Message{From: "a@contoso.com", To: []string{"b@contoso.com"}, Subject: "x"}) })
	h2.run(5 * time.Minute)
	require.Equal(t, 1, h2.o.Verdict().Delivered)
	require.Empty(t, h2.o.Verdict().SPOF)
	require.NotNil(t, h2.o.byName["a1"].byKey[qkey{"SmtpRelayToDag", "DAGB"}])
}

// The load balancer's methods (seed 003: the author's NetScaler did round robin, "although
// the alternance between the two does not seem to be strict"): round robin takes the
// servers in turn; least connections the one with fewest open sessions (ties in turn);
// source-IP affinity keeps a sender on the server it first went to while it is up.
func TestLoadBalancerRoundRobinLeastConnectionsAndSourceIPAffinity(t *testing.T) {
	from := func(addr string) *message { return &message{m: msgHeader{From: addr}} }
	pick := func(h *harness, m *message) string { return h.o.inboundCandidates(m)[0].name }
	top, w := twoNodeDAG("EX13-1")
	h := newHarness(t, top, w)
	gmail, other := from("a@gmail.com"), from("b@fabrikam.com")
	require.Equal(t, []string{"EX13-1", "EX13-2", "EX13-1"}, []string{pick(h, gmail), pick(h, gmail), pick(h, other)})

	top, w = twoNodeDAG("EX13-1")
	top.InboundPolicy = LBLeastConnections
	h = newHarness(t, top, w)
	require.Equal(t, "EX13-1", pick(h, gmail))
	h.o.byName["ex13-1"].inboundOpen = 2 // two sessions still open there
	require.Equal(t, "EX13-2", pick(h, gmail))
	h.o.byName["ex13-2"].inboundOpen = 3
	require.Equal(t, "EX13-1", pick(h, other))

	top, w = twoNodeDAG("EX13-1")
	top.InboundPolicy = LBSourceIPAffinity
	h = newHarness(t, top, w)
	require.Equal(t, []string{"EX13-1", "EX13-2", "EX13-1", "EX13-2"}, []string{pick(h, gmail), pick(h, other), pick(h, gmail), pick(h, other)})
	h.o.byName["ex13-1"].up = false // the health probe fails: gmail rebinds
	require.Equal(t, "EX13-2", pick(h, gmail))
}
