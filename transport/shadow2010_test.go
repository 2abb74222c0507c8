package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// takeoverWorld: promotion on, DB1 dismounted; at 10m one message goes HUB1 -> HUB2
// (shadow on HUB1, primary on HUB2); HUB2 fails at 20m; DB1 mounts at 25m.
func takeoverWorld(t *testing.T, to string, loseQueue bool, backAt time.Duration) *harness {
	top, w := redSite()
	top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"FAB-RED-HUB1", "FAB-RED-HUB2"}}}
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "true"))
	if to != "user1@contoso.com" {
		// an external recipient: HUB2 cannot reach the internet until 25m, so the
		// message waits there
		h.w.cut[[2]string{"FAB-RED-HUB2", internet}] = true
		h.at(25*time.Minute, func() { h.w.cut = map[[2]string]bool{} })
	}
	h.at(10*time.Minute, func() {
		h.submit(Message{From: "sender@fabrikam.net", To: []string{to}, Subject: "takeover"})
	})
	h.at(20*time.Minute, func() { h.o.Crash("FAB-RED-HUB2", loseQueue) })
	h.at(25*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.at(backAt, func() { h.o.Start("FAB-RED-HUB2") })
	return h
}

// The 2010 takeover table (exchange-transport.md 1.3), primary back with a NEW queue
// database: the shadow server sees the new database ID at its next heartbeat and
// resubmits; no loss, no duplicate.
func TestShadow2010PrimaryBackWithNewDatabaseShadowResubmitsAtNextHeartbeat(t *testing.T) {
	h := takeoverWorld(t, "user1@contoso.com", true, 50*time.Minute)
	h.run(2 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 0, v.Lost)
	require.Equal(t, 0, v.DuplicatesDetected)
	// heartbeats at 25m, 40m (HUB2 down), 55m: new database ID -> takeover
	f := v.Fates[0]
	require.Greater(t, f.Latency, 45*time.Minute)
	require.Less(t, f.Latency, 46*time.Minute)
	require.Equal(t, "FAB-RED-MBX1", f.Server)
}

// Same database, back after ShadowHeartbeatTimeoutInterval x ShadowHeartbeatRetryCount
// (SP1+: 15 min x 12 = 3 h): the shadow server has already resubmitted, the primary
// delivers its own copy too: the mailbox's duplicate detection drops it.
func TestShadow2010PrimarySilentThreeHoursThenBackWithSameDatabaseMailboxDuplicateDetected(t *testing.T) {
	h := takeoverWorld(t, "user1@contoso.com", false, 5*time.Hour)
	h.run(4 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	// takeover at the 12th silent heartbeat: 10m + 13 x 15m (the first heartbeat found HUB2 alive)
	require.Greater(t, v.Fates[0].Latency, 3*time.Hour)
	h.run(6 * time.Hour)
	v = h.o.Verdict()
	require.Equal(t, 1, v.DuplicatesDetected)
	require.Equal(t, 0, v.Duplicates)
}

// The same for an external recipient: nothing detects the duplicate; the recipient
// sees it.
func TestShadow2010TakeoverThenPrimaryBackExternalRecipientSeesDuplicate(t *testing.T) {
	h := takeoverWorld(t, "someone@gmail.com", false, 5*time.Hour)
	h.run(6 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 1, v.Duplicates)
}

// Same database, back before the takeover: the primary delivers and the shadow is
// discarded at the next heartbeat. No duplicate.
func TestShadow2010PrimaryBackSoonWithSameDatabaseDeliversAndShadowIsDiscarded(t *testing.T) {
	h := takeoverWorld(t, "user1@contoso.com", false, time.Hour)
	h.run(3 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 0, v.DuplicatesDetected)
	for _, q := range h.o.GetQueue("FAB-RED-HUB1") {
		require.Zero(t, q.MessageCount, q.Identity)
	}
}

// ShadowHeartbeatRetryCount and ShadowHeartbeatTimeoutInterval: Exchange 2010 RTM waits
// 5 min x 3.
func TestShadow2010RTMHeartbeatDefaultsFiveMinutesTimesThree(t *testing.T) {
	top, _ := redSite()
	for i := range top.Servers {
		top.Servers[i].Version = Exchange2010
	}
	w := newWorld()
	h := newHarness(t, top, w)
	d, n := h.o.heartbeatInterval(h.o.byName["fab-red-hub1"])
	require.Equal(t, 5*time.Minute, d)
	require.Equal(t, 3, n)
	d, n = h.o.heartbeatInterval(&server{version: Exchange2010SP1})
	require.Equal(t, 15*time.Minute, d)
	require.Equal(t, 12, n)
}
