package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The world of seed 002: two Exchange 2010 SP1 hubs in site Red, one mailbox server,
// internet mail arriving at FAB-RED-HUB1.
func redSite() (Topology, *world) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "FAB-RED-HUB1", Site: "Red", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
			{Name: "FAB-RED-HUB2", Site: "Red", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
			{Name: "FAB-RED-MBX1", Site: "Red", Version: Exchange2010SP1, Roles: []string{"Mailbox"}},
		},
		Mailboxes: []Mailbox{{Address: "user1@contoso.com", Database: "DB1"}},
		Inbound:   []string{"FAB-RED-HUB1"},
	}
	w := newWorld()
	w.active["DB1"] = "FAB-RED-MBX1"
	w.mounted["DB1"] = false // dismounted before the mail arrives
	return top, w
}

func internetMail(subject string) Message {
	return Message{From: "sender@fabrikam.net", To: []string{"user1@contoso.com"}, Subject: subject, Size: 4096}
}

// seed002 sends two internet messages to the dismounted database at 10m and 10m45s.
func seed002(t *testing.T, promotion bool) *harness {
	top, w := redSite()
	h := newHarness(t, top, w)
	if promotion {
		require.NoError(t, h.o.SetEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "True"))
	}
	h.at(10*time.Minute, func() { h.submit(internetMail("test 1")) })
	h.at(10*time.Minute+45*time.Second, func() { h.submit(internetMail("test 2")) })
	h.run(12 * time.Minute)
	return h
}

func ackRecords(h *harness, id string) []string {
	var out []string
	for _, r := range h.records("transport.ack", id) {
		out = append(out, h.s.Wall(r.At).Format("15:04:05.000")+" "+r.Text())
	}
	return out
}

// Seed 002: the first message's acknowledgement is delayed the full 30 s
// (MaxAcknowledgementDelay) because the internet sender has no XSHADOW and the
// message cannot reach its next hop; the second is acknowledged at once because its
// queue is in Retry (DelayedAckSkipping, QueueInRetry).
func TestDelayedAckFirstMessageWaits30sSecondSkippedBecauseQueueInRetry(t *testing.T) {
	h := seed002(t, false)
	a1 := ackRecords(h, "#1")
	require.Len(t, a1, 1)
	// data complete at 10m+350ms (connect, banner, EHLO, MAIL/RCPT, DATA), acknowledged when the 30 s run out
	require.True(t, strings.HasPrefix(a1[0], "09:10:30.350 "), a1[0])
	require.Contains(t, a1[0], "MaxAcknowledgementDelay (30s) ran out")
	a2 := ackRecords(h, "#2")
	require.Len(t, a2, 1)
	require.True(t, strings.HasPrefix(a2[0], "09:10:45.350 "), a2[0])
	require.Contains(t, a2[0], "DelayedAckSkipping (QueueInRetry)")

	rows := h.o.GetQueue("FAB-RED-HUB1")
	require.Equal(t, "MapiDelivery", rows[0].DeliveryType)
	require.Equal(t, "Retry", rows[0].Status)
	require.Equal(t, 2, rows[0].MessageCount)
	require.Equal(t, "DB1", rows[0].NextHopDomain)
	require.Equal(t, "432 4.3.2 STOREDRV; mailbox database is offline", rows[0].LastError)
	golden(t, "seed002_getqueue_hub1.txt", FormatQueues(Exchange2010SP1, rows, false))
	golden(t, "seed002_getqueue_hub1_list.txt", FormatQueues(Exchange2010SP1, rows[:1], true))

	// both messages now exist only on FAB-RED-HUB1: single points of failure
	v := h.o.Verdict()
	require.Equal(t, 2, v.PeakExposed)
	require.Equal(t, "FAB-RED-HUB1", v.MostExposedServer)
}

// Seed 002: "Should FAB-RED-HUB1 fail at this point and the mail.que database become
// corrupt due to this failure, these emails would be lost."
func TestHubCrashWithLostQueueDatabaseLosesBothMessagesWithoutPromotion(t *testing.T) {
	h := seed002(t, false)
	h.at(20*time.Minute, func() { h.o.Crash("FAB-RED-HUB1", true) })
	h.at(30*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.run(3 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Lost)
	require.Equal(t, 0, v.Delivered)
	for _, f := range v.Fates {
		require.Equal(t, Lost, f.Fate)
		require.Equal(t, "crash FAB-RED-HUB1 lose-queue", f.Reason)
		require.Equal(t, "FAB-RED-HUB1", f.Server)
	}
	require.Len(t, v.SPOF, 2)
	require.Equal(t, "FAB-RED-HUB1", v.SPOF[0].Server)
	require.Equal(t, 20*time.Minute, v.SPOF[0].To)
}

// Seed 002 with Shadow Redundancy Promotion: the messages are routed to FAB-RED-HUB2,
// FAB-RED-HUB1 keeps them in a shadow queue, and its crash loses none.
func TestPromotionKeepsShadowOnFirstHubAndPrimariesOnSecondSoCrashLosesNone(t *testing.T) {
	h := seed002(t, true)
	q1 := h.o.GetQueue("FAB-RED-HUB1")
	golden(t, "seed002_promotion_getqueue_hub1.txt", FormatQueues(Exchange2010SP1, q1, false))
	var shadow *QueueInfo
	for i := range q1 {
		if q1[i].DeliveryType == "ShadowRedundancy" {
			shadow = &q1[i]
		}
		require.NotEqual(t, "MapiDelivery", q1[i].DeliveryType, "HUB1 keeps no primary for DB1")
	}
	require.NotNil(t, shadow)
	require.Equal(t, 2, shadow.MessageCount)
	require.Equal(t, "FAB-RED-HUB2.contoso.com", shadow.NextHopDomain, "the primary's FQDN")
	require.True(t, strings.HasPrefix(shadow.Identity, `FAB-RED-HUB1\Shadow\`))
	q2 := h.o.GetQueue("FAB-RED-HUB2")
	golden(t, "seed002_promotion_getqueue_hub2.txt", FormatQueues(Exchange2010SP1, q2, false))
	require.Equal(t, "MapiDelivery", q2[0].DeliveryType)
	require.Equal(t, "DB1", q2[0].NextHopDomain)
	require.Equal(t, 2, q2[0].MessageCount)
	require.Equal(t, "Retry", q2[0].Status)
	// the acknowledgements were not held 30 s: the messages reached HUB2 at once
	require.Contains(t, ackRecords(h, "#1")[0], "reached its next hop")
	require.Equal(t, 0, h.o.Verdict().PeakExposed, "two copies from the ack on")

	h.at(20*time.Minute, func() { h.o.Crash("FAB-RED-HUB1", true) })
	h.at(30*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.run(3 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 0, v.Lost)
	require.Equal(t, 2, v.Delivered)
	require.Equal(t, 2, h.w.commits["DB1"])
	// after the crash the primaries on HUB2 are alone until delivered
	require.Len(t, v.SPOF, 2)
	require.Equal(t, "FAB-RED-HUB2", v.SPOF[0].Server)
	require.Equal(t, 20*time.Minute, v.SPOF[0].From)
	golden(t, "seed002_promotion_narration.txt", h.narration())
}

// Seed 002, second screenshot: promotion enabled after the messages queued on HUB1 and
// the transport service restarted: HUB1's queue for the database empties, a shadow
// queue on HUB1 holds both, HUB2 holds the queue to the offline database.
func TestPromotionAfterRestartMovesQueuedPrimariesToSecondHub(t *testing.T) {
	h := seed002(t, false)
	h.at(13*time.Minute, func() {
		require.NoError(t, h.o.EditEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "True"))
		require.NoError(t, h.o.RestartService("FAB-RED-HUB1", "MSExchangeTransport"))
		require.NoError(t, h.o.RestartService("FAB-RED-HUB2", "MSExchangeTransport"))
	})
	h.run(14 * time.Minute)
	q1 := h.o.GetQueue("FAB-RED-HUB1")
	got := map[string]int{}
	for _, r := range q1 {
		got[r.DeliveryType+" "+r.NextHopDomain] = r.MessageCount
	}
	require.Equal(t, 0, got["MapiDelivery DB1"])
	require.Equal(t, 2, got["ShadowRedundancy FAB-RED-HUB2.contoso.com"], "a shadow queue's NextHopDomain is the primary's FQDN")
	_, listed := got["MapiDelivery DB1"]
	require.True(t, listed, "the emptied queue to the database is still listed (FAB-RED-HUB1\\216)")
	q2 := h.o.GetQueue("FAB-RED-HUB2")
	require.Equal(t, "MapiDelivery", q2[0].DeliveryType)
	require.Equal(t, 2, q2[0].MessageCount)
	h.at(20*time.Minute, func() { h.o.Crash("FAB-RED-HUB1", true) })
	h.at(30*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.run(3 * time.Hour)
	require.Equal(t, 0, h.o.Verdict().Lost)
	require.Equal(t, 2, h.o.Verdict().Delivered)
}

// A MapiDelivery queue in Retry while its database is dismounted drains at the first
// retry after the database mounts.
func TestRetryQueueDrainsAtNextRetryAfterMount(t *testing.T) {
	h := seed002(t, false)
	mountAt := 15 * time.Minute
	h.at(mountAt, func() { h.w.mounted["DB1"] = true })
	h.run(mountAt)
	next := h.o.GetQueue("FAB-RED-HUB1")[0].NextRetryTime.Sub(t0)
	require.Greater(t, next, mountAt)
	h.run(next - time.Millisecond)
	require.Equal(t, 0, h.o.Verdict().Delivered, "nothing moves before the retry")
	h.run(next + time.Second)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Delivered)
	require.Equal(t, next+h.o.top.Latency-10*time.Minute, v.Fates[0].Latency)
	// the tracking log: RECEIVE at once, DELIVER only at the retry after the mount
	golden(t, "retry_drain_FAB-RED-HUB1.log", trackingCSV(t, h, "FAB-RED-HUB1"))
}

// A message still queued at the horizon is stuck, and the verdict says where and why.
func TestVerdictReportsStuckMessageWithQueueAndLastError(t *testing.T) {
	h := seed002(t, false)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Stuck)
	require.Equal(t, "FAB-RED-HUB1", v.Fates[0].Server)
	require.Equal(t, `in FAB-RED-HUB1\1 (Retry: 432 4.3.2 STOREDRV; mailbox database is offline)`, v.Fates[0].Reason)
}

// The conservation check fails when the ledger and the queues disagree (the check can
// fail).
func TestCheckDetectsACopyMissingFromItsQueue(t *testing.T) {
	h := seed002(t, false)
	require.NoError(t, h.o.Check())
	q := h.o.byName["fab-red-hub1"].byKey[qkey{"MapiDelivery", "DB1"}]
	q.items = q.items[:1]
	require.Error(t, h.o.Check())
}

// Section 9 conflict 5, the prose reading (ExsimPromotionTrigger=AckTimeout): the
// message waits the full MaxAcknowledgementDelay on FAB-RED-HUB1, then is routed to
// FAB-RED-HUB2 and acknowledged, leaving a shadow on FAB-RED-HUB1.
func TestPromotionAtAckTimeoutReadingRedirectsWhenTheDelayRunsOut(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "True"))
	require.NoError(t, h.o.SetEdgeTransportConfig("", "ExsimPromotionTrigger", "AckTimeout"))
	h.at(10*time.Minute, func() { h.submit(internetMail("late promotion")) })
	h.run(10*time.Minute + 10*time.Second)
	require.Equal(t, "MapiDelivery", h.o.GetQueue("FAB-RED-HUB1")[0].DeliveryType, "routed normally at first")
	h.run(11 * time.Minute)
	acks := ackRecords(h, "#1")
	require.Len(t, acks, 1)
	require.True(t, strings.HasPrefix(acks[0], "09:10:30.350 "), acks[0])
	got := map[string]int{}
	for _, r := range h.o.GetQueue("FAB-RED-HUB1") {
		got[r.DeliveryType] += r.MessageCount
	}
	require.Equal(t, 1, got["ShadowRedundancy"])
	require.Equal(t, 0, got["MapiDelivery"])
}

// A clean stop keeps the queue database: the queued messages are delivered after the
// start; a partition from the internet sends an outbound queue to Retry until it heals.
func TestCleanStopKeepsQueueAndPartitionDelaysOutbound(t *testing.T) {
	top, w := redSite()
	top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"FAB-RED-HUB1"}, SmartHost: "relay.example.net"}}
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "boss@contoso.com", Database: "DB1"})
	w.active["DB1"], w.mounted["DB1"] = "FAB-RED-MBX1", true
	h := newHarness(t, top, w)
	h.w.cut[[2]string{"FAB-RED-HUB1", internet}] = true
	h.at(time.Minute, func() {
		h.submit(Message{From: "boss@contoso.com", To: []string{"partner@fabrikam.net"}, Subject: "out"})
	})
	h.run(3 * time.Minute)
	var q QueueInfo
	for _, r := range h.o.GetQueue("FAB-RED-HUB1") {
		if r.DeliveryType == "SmartHostConnectorDelivery" {
			q = r
		}
	}
	require.Equal(t, "Retry", q.Status)
	require.Equal(t, "relay.example.net", q.NextHopDomain)
	require.Equal(t, "External", q.NextHopCategory)
	require.Contains(t, q.LastError, "421 4.2.1 Unable to connect")
	h.at(4*time.Minute, func() { h.o.Stop("FAB-RED-HUB1") })
	h.at(6*time.Minute, func() { h.w.cut = map[[2]string]bool{}; h.o.NetworkChanged() })
	h.at(8*time.Minute, func() { h.o.Start("FAB-RED-HUB1") })
	h.run(20 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 0, v.Lost)
}

// An edit of EdgeTransport.exe.config during the run is read at the next start of the
// transport service, not at once (seed 002: "Once the EdgeTransport.exe.config file is
// saved then restart the Microsoft Exchange Transport service").
func TestEdgeTransportConfigEditAppliesAtTheNextServiceStart(t *testing.T) {
	h := seed002(t, false)
	require.NoError(t, h.o.EditEdgeTransportConfig("FAB-RED-HUB1", "ShadowRedundancyPromotionEnabled", "True"))
	srv, _ := h.o.server("FAB-RED-HUB1")
	require.False(t, h.o.promotionOn(srv), "saved, not yet read")
	h.at(13*time.Minute, func() { require.NoError(t, h.o.RestartService("FAB-RED-HUB1", "MSExchangeTransport")) })
	h.run(14 * time.Minute)
	require.True(t, h.o.promotionOn(srv), "read at the restart")
	other, _ := h.o.server("FAB-RED-HUB2")
	require.False(t, h.o.promotionOn(other), "only the edited server's file")
}
