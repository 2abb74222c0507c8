package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of the SMTP sessions between servers (session.go) that pin sourced facts,
// found by mutation testing (issue 24).

// mailsPerSession counts the MAIL FROM commands of each of server's SmtpSend sessions
// on connector conn, in the order the sessions started.
func mailsPerSession(h *harness, server, conn string) []int {
	var order []string
	n := map[string]int{}
	for _, r := range h.s.Journal().Records() {
		e, ok := r.Data.(logs.ProtocolEvent)
		if !ok || e.Server != server || e.Log != logs.Send || e.ConnectorID != conn {
			continue
		}
		if _, seen := n[e.SessionID]; !seen {
			order = append(order, e.SessionID)
			n[e.SessionID] = 0
		}
		if strings.HasPrefix(e.Data, "MAIL FROM:") {
			n[e.SessionID]++
		}
	}
	var out []int
	for _, id := range order {
		if n[id] > 0 {
			out = append(out, n[id])
		}
	}
	return out
}

// fact: exchange-stress.md §2.4: a send connector's SmtpMaxMessagesPerConnection is 20
// by default: 25 messages queued for site Blue while HUB1 could not reach its hubs go
// in one session of 20 and one of 5, and the receiver's 250 for each names the
// internal id it gave that message (exchange-transport.md §4.3).
func TestRelaySessionCarriesAtMostTwentyMessages(t *testing.T) {
	top, w := twoSites2010()
	h := newHarness(t, top, w)
	h.at(30*time.Second, func() {
		h.w.cut[[2]string{"HUB1", "HUB3"}], h.w.cut[[2]string{"HUB1", "HUB4"}] = true, true
		h.o.NetworkChanged()
	})
	for i := 0; i < 25; i++ {
		h.at(time.Minute+time.Duration(i)*time.Second, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: fmt.Sprint("batch ", i)})
		})
	}
	h.at(10*time.Minute, func() { h.w.cut = map[[2]string]bool{}; h.o.NetworkChanged() })
	h.run(40 * time.Minute)
	require.Equal(t, 25, h.o.Verdict().Delivered)
	require.Equal(t, []int{20, 5}, mailsPerSession(h, "HUB1", "Intra-Organization SMTP Send Connector"))
	require.GreaterOrEqual(t, internalIDsAgree(t, h), 25)
}

// fact: exchange-transport.md §6.1 (a hub load-balances over the hubs it relays to;
// exsim: round robin, a server that is down skipped): the turn goes on after the
// server chosen, not after the one skipped.
func TestRelayRoundRobinContinuesAfterTheServerChosen(t *testing.T) {
	top, w := twoSites2010()
	top.Servers = append(top.Servers, ServerSpec{Name: "HUB5", Site: "Blue", Version: Exchange2010SP1, Roles: []string{"HubTransport"}})
	h := newHarness(t, top, w)
	h.o.Stop("HUB3")
	for i := 0; i < 2; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "rr"})
		})
	}
	h.run(5 * time.Minute)
	var got []string
	for id := 1; id <= 2; id++ {
		for _, p := range trackingPath(h, id) {
			if f := strings.Fields(p); f[1] == "RECEIVE" && f[0] != "HUB1" {
				got = append(got, f[0])
			}
		}
	}
	require.Equal(t, []string{"HUB4", "HUB5"}, got)
}

// fact: exchange-transport.md §2.3: RejectMessageOnShadowFailure $true makes a 2013+
// receiver answer 451 4.4.0 only when no shadow can be made; a member of a stretched
// DAG (another member in each site) can make one, whatever its MaxRetriesForLocalSiteShadow
// and MaxRetriesForRemoteSiteShadow, so the relay's protocol log shows the 250.
func TestStretchedDAGMemberAcceptsARelayWithRejectMessageOnShadowFailure(t *testing.T) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "HUB1", Site: "Red", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
			{Name: "MBX13", Site: "Red", Version: Exchange2013, Roles: []string{"Mailbox"}, DAG: "DAG13"},
			{Name: "MBX13R", Site: "Red", Version: Exchange2013, Roles: []string{"Mailbox"}, DAG: "DAG13"},
			{Name: "MBX13B", Site: "Blue", Version: Exchange2013, Roles: []string{"Mailbox"}, DAG: "DAG13"},
		},
		Mailboxes: []Mailbox{{Address: "user1@contoso.com", Database: "DB13"}},
		Inbound:   []string{"HUB1"},
	}
	w := newWorld()
	w.active["DB13"], w.mounted["DB13"] = "MBX13", true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"},
		{Name: "MaxRetriesForLocalSiteShadow", Value: "2"}, {Name: "MaxRetriesForRemoteSiteShadow", Value: "2"}}))
	h.at(time.Minute, func() { h.submit(internetMail("stretched")) })
	h.run(5 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	var replies []string
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(logs.ProtocolEvent); ok && e.Server == "HUB1" && e.Log == logs.Send && (strings.HasPrefix(e.Data, "250 2.6.0") || strings.HasPrefix(e.Data, "451 ")) {
			replies = append(replies, e.Data[:9])
		}
	}
	require.Equal(t, []string{"250 2.6.0"}, replies)
}

// fact: exchange-transport.md §2.3 and §5: a 2013+ server with RejectMessageOnShadowFailure
// $true answers 451 4.4.0 when it cannot make a shadow, and the sender keeps the
// message; a server that dies while another session still waits for its shadow drops
// that session too, whose sender got no 250 and retries. Rejecting one message must
// not forget the other sessions waiting on that server.
func TestRejectingOneUnshadowedMessageKeepsTheOtherWaitingSessions(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
	h.o.Stop("EX2") // the only other member: every shadow attempt fails
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "A"}) })
	h.at(time.Minute+100*time.Millisecond, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "B"})
	})
	h.at(time.Minute+time.Second+50*time.Millisecond, func() { h.o.Crash("EX1", false) }) // after #1's 451, before #2's
	h.run(3 * time.Minute)
	var rejected, died []int
	for _, r := range h.s.Journal().Records() {
		switch e := r.Data.(type) {
		case ShadowFailed:
			rejected = append(rejected, e.Message)
		case SenderRetry:
			if e.Why == SessionDied {
				died = append(died, e.Message)
			}
		}
	}
	require.Equal(t, []int{1}, rejected)
	require.Equal(t, []int{2}, died)
}

// fact: exchange-transport.md §2.4 and §2.3: a shadow server takes a message over when
// its primary stays silent; with RejectMessageOnShadowFailure $true a message that
// cannot be made redundant is refused to a sender, but a taken-over message has no
// sender to refuse: the server keeps it (unprotected) and delivers it, it is not lost.
func TestTakenOverMessageIsKeptWhenItCannotBeShadowedAgain(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.w.backEnd = "EX1"
	h.w.active["DB1"], h.w.mounted["DB1"] = "EX2", false
	h = newHarness(t, h.o.top, h.w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"},
		{Name: "ShadowHeartbeatTimeoutInterval", Value: "00:01:00"}}))
	h.at(time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "taken over"})
	})
	h.at(5*time.Minute, func() { h.o.Crash("EX1", true) })
	h.at(30*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.run(4 * time.Hour)
	require.NotEmpty(t, payloads[ShadowTakeover](h))
	v := h.o.Verdict()
	require.Equal(t, 0, v.Lost, "%+v", v.Fates)
	require.Equal(t, 1, v.Delivered)
}
