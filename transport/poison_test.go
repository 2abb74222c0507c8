package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func oneServer2016() (Topology, *world) {
	top := Topology{
		Servers:   []ServerSpec{{Name: "EX1", Site: "S1", Version: Exchange2016, Roles: []string{"Mailbox"}}},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Inbound:   []string{"EX1"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	return top, w
}

func crashNarration(h *harness) []string {
	var out []string
	for _, r := range h.records("transport.crash", "") {
		out = append(out, r.Text())
	}
	return out
}

// fact: exchange-stress.md §4.4 (PoisonThreshold 2, one hidden poison queue, never
// expired).
// PoisonThreshold (Set-TransportService, default 2): a message whose processing
// crashed the transport service twice is put in <Server>\Poison when the service
// starts again; Get-Queue shows the queue (DeliveryType Undefined, NextHopDomain
// Poison Message) only while it holds messages, Get-Message shows the message
// Suspended, it never expires, and the server goes on delivering other mail.
func TestPoisonMessageCrashesTransportTwiceThenWaitsInPoisonQueue(t *testing.T) {
	top, w := oneServer2016()
	h := newHarness(t, top, w)
	require.NotContains(t, FormatQueues(Exchange2016, h.o.GetQueue("EX1"), false), "Poison", "hidden while empty")
	h.at(time.Minute, func() {
		h.submit(Message{From: "sender@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "bad", Size: 4096, Poison: true})
	})
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "sender@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "good", Size: 4096})
	})
	h.run(10 * time.Minute)
	require.Len(t, crashNarration(h), 2)
	require.Equal(t, []string{"EX1 RECEIVE", "EX1 HAREDIRECTFAIL", "EX1 POISONMESSAGE"}, trackingPath(h, 1))
	golden(t, "poison_getqueue_2016.txt", FormatQueues(Exchange2016, h.o.GetQueue("EX1"), false))
	out, err := h.o.GetMessage("", `EX1\Poison`, false)
	require.NoError(t, err)
	require.Contains(t, out, "Suspended")
	require.Error(t, h.o.ResumeQueue(`EX1\Poison`))
	require.Error(t, h.o.SuspendQueue(`EX1\Poison`))
	require.Error(t, h.o.RetryQueue(`EX1\Poison`))
	h.run(3 * day) // past MessageExpirationTimeout: poison messages never expire
	v := h.o.Verdict()
	require.Equal(t, Stuck, v.Fates[0].Fate)
	require.True(t, strings.Contains(v.Fates[0].Reason, `EX1\Poison`), v.Fates[0].Reason)
	require.Equal(t, Delivered, v.Fates[1].Fate)
	require.Len(t, crashNarration(h), 2, "the poison message is not processed again")
}

// fact: exchange-stress.md §4.4 (PoisonThreshold takes 1-10): with 1 the first crash
// is enough.
func TestPoisonThresholdOneQuarantinesAfterOneCrash(t *testing.T) {
	top, w := oneServer2016()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportService("EX1", []Param{{Name: "PoisonThreshold", Value: "1"}}))
	h.at(time.Minute, func() {
		h.submit(Message{From: "sender@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "bad", Size: 4096, Poison: true})
	})
	h.run(10 * time.Minute)
	require.Len(t, crashNarration(h), 1)
	require.Contains(t, FormatQueues(Exchange2016, h.o.GetQueue("EX1"), false), `EX1\Poison`)
	require.Error(t, h.o.SetTransportService("EX1", []Param{{Name: "PoisonThreshold", Value: "11"}}), "range 1-10")
}

// Exchange 2010: the hub's service crashes with the message queued; the internet
// sender whose 250 was held (delayed acknowledgement) never got it, so it sends the
// message again after SenderRetry: both copies end in FAB-RED-HUB1\Poison.
func TestExchange2010PoisonMessageWithDelayedAckEndsTwiceInPoison(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	m := internetMail("bad")
	m.Poison = true
	h.at(time.Minute, func() { h.submit(m) })
	h.run(time.Hour)
	require.Len(t, crashNarration(h), 2)
	rows := h.o.GetQueue("FAB-RED-HUB1")
	var poison *QueueInfo
	for i := range rows {
		if rows[i].Identity == `FAB-RED-HUB1\Poison` {
			poison = &rows[i]
		}
	}
	require.NotNil(t, poison)
	require.Equal(t, "Undefined", poison.DeliveryType)
	require.Equal(t, "Poison Message", poison.NextHopDomain)
	require.Equal(t, 2, poison.MessageCount)
	require.NoError(t, h.o.Check())
}

// The Unreachable queue (3.1, 3.2): one per server, DeliveryType Unreachable,
// NextHopDomain "Unreachable Domain", listed after Submission once it holds a message
// (no send connector for the recipient's domain) and hidden while empty, like Poison.
func TestUnreachableQueueAsGetQueueShowsIt(t *testing.T) {
	for _, v := range []Version{Exchange2010SP1, Exchange2016} {
		t.Run(string(v), func(t *testing.T) {
			top := Topology{
				Servers:   []ServerSpec{{Name: "EX1", Site: "S1", Version: v, Roles: []string{"Mailbox"}}},
				Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
			}
			if v.Is2010() {
				top.Servers[0].Roles = append(top.Servers[0].Roles, "HubTransport")
			}
			w := newWorld()
			w.active["DB1"], w.mounted["DB1"] = "EX1", true
			h := newHarness(t, top, w)
			require.NotContains(t, FormatQueues(v, h.o.GetQueue("EX1"), false), "Unreachable")
			h.at(time.Minute, func() {
				h.submit(Message{From: "user@contoso.com", To: []string{"someone@gmail.com"}, Subject: "nowhere", Size: 4096})
			})
			h.run(10 * time.Minute)
			rows := h.o.GetQueue("EX1")
			golden(t, "unreachable_getqueue_"+string(v)+".txt", FormatQueues(v, rows, false)+"\n"+FormatQueues(v, rows[len(rows)-1:], true))
		})
	}
}
