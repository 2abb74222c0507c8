package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the message flow (flow.go) that pin sourced facts, found by mutation
// testing (issue 24).

// fact: exchange-transport.md §5: a sender without a 250 keeps the message and retries;
// RFC 5321's give-up time is 4-5 days (exsim: 5 days, every SenderRetry). A try that
// starts exactly 5 days after submission is still made; the sender gives up when the
// next try would start later than that, and the recipient is bounced then.
func TestInternetSenderGivesUpAfterFiveDaysWithoutA250(t *testing.T) {
	top, w := redSite()
	// a failed try takes 2 x Latency (100 ms): 480 cycles of SenderRetry + 100 ms are
	// exactly 5 days, so try 481 starts at 5 days
	top.SenderRetry = 15*time.Minute - 100*time.Millisecond
	h := newHarness(t, top, w)
	h.o.Stop("FAB-RED-HUB1") // the only inbound server
	sent := time.Minute
	h.at(sent, func() { h.submit(internetMail("never accepted")) })
	h.run(sent + 6*day)
	require.Len(t, h.records("transport.sender", "#1"), 480, "the retries before the last try")
	require.Equal(t, int32(481), h.o.msgs[0].tries)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Bounced)
	require.Equal(t, Bounced, v.Fates[0].Fate)
	require.Equal(t, 5*day+100*time.Millisecond, v.Fates[0].Latency, "the last try's connection timed out")
	require.Equal(t, 0, v.DSNs, "the sender's own bounce, not an Exchange NDR")
}

// A recipient is local-part@domain: Submit refuses one with either part empty (as an
// SMTP client would at RCPT TO) and accepts the shortest valid address.
func TestSubmitRefusesARecipientWithoutLocalPartOrDomain(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	for _, to := range []string{"@contoso.com", "user1@", "user1", "@"} {
		_, err := h.o.Submit(Message{From: "a@fabrikam.net", To: []string{to}})
		require.ErrorContains(t, err, "bad recipient", to)
	}
	_, err := h.o.Submit(Message{From: "a@fabrikam.net", To: []string{"u@c"}})
	require.NoError(t, err)
}

// firstReceiver is the server that logged message id's first tracking event (the
// inbound server the load balancer gave the sender).
func firstReceiver(t *testing.T, h *harness, id int) string {
	t.Helper()
	p := trackingPath(h, id)
	require.NotEmpty(t, p, "#%d", id)
	return strings.Fields(p[0])[0]
}

// Seed 003's load balancer with least connections (dag2010_test.go's fact): a session
// counts as open from its connection until its data is queued, and not after. #1 is
// over when #2 and #3 arrive together: #2 goes to the other server (the tie in turn),
// #3 to the first, which has no open session while the other has #2's.
func TestLeastConnectionsCountsOnlyTheSessionsStillOpen(t *testing.T) {
	top, w := twoNodeDAG("EX13-1")
	top.InboundPolicy = LBLeastConnections
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@gmail.com", To: []string{"alan.reid@mynet.lan"}, Subject: "1"}) })
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "a@gmail.com", To: []string{"alan.reid@mynet.lan"}, Subject: "2"})
		h.submit(Message{From: "a@gmail.com", To: []string{"alan.reid@mynet.lan"}, Subject: "3"})
	})
	h.run(5 * time.Minute)
	require.Equal(t, []string{"EX13-1", "EX13-2", "EX13-1"},
		[]string{firstReceiver(t, h, 1), firstReceiver(t, h, 2), firstReceiver(t, h, 3)})
}

// fact: exchange-transport.md §5: a 5xx gives a FAIL tracking event and an NDR. The
// categorizer's 550 5.1.1 RESOLVER.ADR.RecipNotFound for an address of an accepted
// domain that has no mailbox is an NDR Exchange generates (counted in DSNs), for each
// such recipient.
func TestUnknownRecipientOfAnAcceptedDomainGetsAnNDR(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"nobody@contoso.com", "user1@contoso.com", "ghost@contoso.com"}, Subject: "who"})
	})
	h.run(5 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Bounced)
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 2, v.DSNs)
	require.Len(t, trackingRows(h, "FAB-RED-HUB1", "FAIL"), 2)
}

// fact: exchange-transport.md §1.6: Shadow Redundancy Promotion redirects to the local
// site's delivery group only when one exists: a hub that is the only hub of its site
// keeps the message and delivers it itself (no HAREDIRECT).
func TestPromotionNeedsAnotherHubInTheSite(t *testing.T) {
	top, w := redSite()
	top.Servers = []ServerSpec{top.Servers[0], top.Servers[2]} // no FAB-RED-HUB2
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "True"))
	h.at(time.Minute, func() { h.submit(internetMail("alone")) })
	h.run(5 * time.Minute)
	require.Empty(t, promotedOn(h))
	require.Empty(t, trackingRows(h, "FAB-RED-HUB1", "HAREDIRECT"))
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Equal(t, []string{"FAB-RED-HUB1 RECEIVE", "FAB-RED-HUB1 DELIVER"}, trackingPath(h, 1))
}

// fact: exchange-transport.md §6.1: a hub that is a DAG member with the recipient's
// database mounted locally re-routes the message to another hub of its AD site; with
// no other hub in the site it delivers the message itself (MapiDelivery).
func TestDAGHubAloneInItsSiteDeliversToItsOwnDatabase(t *testing.T) {
	top, w := twoNodeDAG("EX13-1")
	top.Servers[1].Site = "Other-Site"
	top.Inbound, top.InboundLoadBalanced = []string{"EX13-1"}, false
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@gmail.com", To: []string{"alan.reid@mynet.lan"}, Subject: "local"}) })
	h.run(5 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Equal(t, []string{"EX13-1 RECEIVE", "EX13-1 DELIVER"}, trackingPath(h, 1))
}

// Seed 003's round-robin load balancer (dag2010_test.go's fact): the health probe skips
// servers that are down, and a turn in which every server was down leaves the round
// where it was: the server after the last one chosen is next.
func TestRoundRobinWithEveryServerDownKeepsItsTurn(t *testing.T) {
	top, w := twoNodeDAG("EX13-1")
	h := newHarness(t, top, w)
	m := &message{m: msgHeader{From: "a@gmail.com"}}
	require.Equal(t, "EX13-1", h.o.inboundCandidates(m)[0].name)
	h.o.byName["ex13-1"].up, h.o.byName["ex13-2"].up = false, false
	require.Empty(t, h.o.inboundCandidates(m))
	h.o.byName["ex13-1"].up, h.o.byName["ex13-2"].up = true, true
	require.Equal(t, "EX13-2", h.o.inboundCandidates(m)[0].name)
}

// fact: exchange-transport.md §3.7: while Redirect-Message drains a server, it won't
// accept new messages: a 2013 Mailbox server (its Transport service on port 25)
// answers MAIL FROM with 421 4.3.2 and the internet sender tries its next server.
func TestRedirectMessageSourceRefusesNewMessages(t *testing.T) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "MBX1", Site: "S1", Version: Exchange2013, Roles: []string{"Mailbox"}},
			{Name: "MBX2", Site: "S1", Version: Exchange2013, Roles: []string{"Mailbox"}},
		},
		Mailboxes: []Mailbox{{Address: "a@contoso.com", Database: "DB1"}},
		Inbound:   []string{"MBX1", "MBX2"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "MBX2", true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.RedirectMessage("MBX1", "MBX2.contoso.com"))
	h.at(time.Minute, func() { h.submit(Message{From: "x@fabrikam.net", To: []string{"a@contoso.com"}, Subject: "s"}) })
	h.run(5 * time.Minute)
	ref := payloads[MailFromRefused](h)
	require.Len(t, ref, 1)
	require.Equal(t, "MBX1", ref[0].Server)
	require.Equal(t, "Redirect-Message is draining it", ref[0].Why)
	require.True(t, strings.HasPrefix(ref[0].Reply, "421 4.3.2"), ref[0].Reply)
	require.Equal(t, "MBX2 RECEIVE", trackingPath(h, 1)[0])
	require.Equal(t, 1, h.o.Verdict().Delivered)
}

// fact: exchange-transport.md §1.6 (Microsoft's reading, exsim's ExsimPromotionTrigger
// AckTimeout): when MaxAcknowledgementDelay runs out the hub routes the message to
// another hub of its site instead of acknowledging unprotected; a hub with no other
// hub in its site routes nothing, and its 250 says the delay ran out.
func TestAckTimeoutPromotionNeedsAnotherHubInTheSite(t *testing.T) {
	top, w := redSite()
	top.Servers = []ServerSpec{top.Servers[0], top.Servers[2]} // no FAB-RED-HUB2
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "True"))
	require.NoError(t, h.o.SetEdgeTransportConfig("", "ExsimPromotionTrigger", "AckTimeout"))
	h.at(time.Minute, func() { h.submit(internetMail("alone")) })
	h.run(5 * time.Minute)
	require.Empty(t, promotedOn(h))
	var why []AckReason
	for _, a := range payloads[Acknowledged](h) {
		why = append(why, a.Why)
	}
	require.Equal(t, []AckReason{AckDelayExpired}, why)
}

// fact: exchange-transport.md §5 and §2.2: a sender that got no 250 still owns the
// message. A 2016 hub that dies while it makes the shadow of a mailbox's message drops
// the submission: the message stays in the Outbox and Mailbox Transport Submission
// submits it again (not an internet sender's retry).
func TestHubDyingBeforeItsShadowLeavesAMailboxMessageInTheOutbox(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Minute, func() { h.submit(Message{From: "user@contoso.com", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.at(time.Minute+60*time.Millisecond, func() { h.o.Crash("EX1", false) })
	h.run(3 * time.Minute)
	require.Len(t, payloads[SubmitInterrupted](h), 1)
	require.Empty(t, payloads[SenderRetry](h))
}

// fact: exchange-transport.md §4.1: the categorizer bifurcates a message with
// recipients on different next hops; each fork is a new item of the server's queue
// database, logged TRANSFER (source ROUTING) with its own InternalMessageId, one the
// server had not given before, and the original's in reference.
func TestEachForkOfABifurcatedMessageGetsANewInternalMessageID(t *testing.T) {
	top, w := redSite()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "user2@contoso.com", Database: "DB2"})
	w.active["DB2"], w.mounted["DB1"], w.mounted["DB2"] = "FAB-RED-MBX1", true, true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("one")) })
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user1@contoso.com", "user2@contoso.com"}, Subject: "two"})
	})
	h.run(5 * time.Minute)
	require.Equal(t, 3, h.o.Verdict().Delivered)
	seen := map[int64]bool{}
	var received int64
	for _, e := range trackingRows(h, "FAB-RED-HUB1", "RECEIVE") {
		seen[e.InternalMessageID] = true
		received = e.InternalMessageID // the second message's
	}
	tr := trackingRows(h, "FAB-RED-HUB1", "TRANSFER")
	require.Len(t, tr, 2)
	for _, e := range tr {
		require.Equal(t, fmt.Sprint(received), e.Reference)
		require.False(t, seen[e.InternalMessageID], "fork id %d given before", e.InternalMessageID)
		require.Greater(t, e.InternalMessageID, received)
		seen[e.InternalMessageID] = true
	}
}

// A 2010 hub relays mail for a database on a 2013 server to the Transport services
// that can deliver it (flow.go's routeTo2013, exsim's choice of targets: the active
// copy's DAG, else the 2013+ servers of its AD site): a 2013 server outside any DAG
// in another site is not one of them.
func TestA2010HubRelaysTo2013ServersOfTheDatabasesSite(t *testing.T) {
	top, w := redSite()
	top.Servers = append(top.Servers,
		ServerSpec{Name: "MBX13", Site: "Red", Version: Exchange2013, Roles: []string{"Mailbox"}},
		ServerSpec{Name: "MBX13B", Site: "Blue", Version: Exchange2013, Roles: []string{"Mailbox"}})
	top.Mailboxes = []Mailbox{{Address: "user1@contoso.com", Database: "DB13"}}
	w.active["DB13"], w.mounted["DB13"] = "MBX13", true
	h := newHarness(t, top, w)
	for i := 0; i < 4; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() { h.submit(internetMail("to 2013")) })
	}
	h.run(10 * time.Minute)
	require.Equal(t, 4, h.o.Verdict().Delivered)
	require.Empty(t, trackingRows(h, "MBX13B", "RECEIVE"))
}

// fact: exchange-transport.md §6.1 and §6.2: a mailbox's message leaves the Outbox
// through the Mail Submission service on Exchange 2010 and through Mailbox Transport
// Submission on 2013+ (the server holding the sender's database decides).
func TestOutboxMessageWaitsForTheSubmissionServiceOfItsVersion(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "user1@contoso.com", To: []string{"user1@contoso.com"}}) })
	h.run(2 * time.Minute)
	h2 := pressureHarness(t, Exchange2016)
	h2.at(time.Minute, func() { h2.submit(Message{From: "user@contoso.com", To: []string{"user@contoso.com"}}) })
	h2.run(2 * time.Minute)
	var got []string
	for _, p := range append(payloads[OutboxWaiting](h), payloads[OutboxWaiting](h2)...) {
		got = append(got, p.Service)
	}
	require.Equal(t, []string{"Mail Submission service", "Mailbox Transport Submission service"}, got)
}

// fact: exchange-transport.md §6.1: a message from a mailbox leaves its Outbox, one
// from anywhere else arrives from the internet; addresses compare without regard to
// case. Internet senders of one domain (kept by mayBeMailbox as a domain with no
// mailbox) must not hide a mailbox sender that follows, spelled in any case, nor one
// whose domain lower-cases to a mailbox domain only under Unicode rules (the Kelvin
// sign folds to k), nor one of an address with no domain at all, which the transport
// API accepts, nor one whose domain ends with the kept one (xfabrikam.net after
// fabrikam.net: the kept domain is compared as the address's suffix after its '@').
func TestMailboxSenderIsFoundAfterInternetSendersOfAnotherDomain(t *testing.T) {
	top, w := twoMemberSite(Exchange2016)
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "kim@k.com", Database: "DB1"}, Mailbox{Address: "local@", Database: "DB1"},
		Mailbox{Address: "m@xfabrikam.net", Database: "DB1"})
	h := newHarness(t, top, w)
	from := []string{"local@", "a@fabrikam.net", "b@fabrikam.net", "USER@Contoso.COM", "c@fabrikam.net", "kim@\u212a.com", "user@contoso.com.evil", "d@contoso.net",
		"e@fabrikam.net", "m@xfabrikam.net"} // the last ends as the kept foreign domain does, after an x, not an @
	for i, f := range from {
		h.at(time.Duration(i+1)*time.Minute, func() { h.submit(Message{From: f, To: []string{"user@contoso.com"}}) })
	}
	h.run(20 * time.Minute)
	var outbox []int
	for _, p := range payloads[OutboxWaiting](h) {
		outbox = append(outbox, p.Message)
	}
	require.Equal(t, []int{1, 4, 6, 10}, outbox, "the mailbox senders, and only they, leave an Outbox")
	require.Len(t, payloads[InternetSubmitted](h), 6)
}
