package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of queue behaviour (queue.go) that pin sourced facts, found by mutation
// testing (issue 24).

// receivedAt is when server logged RECEIVE for message id: the instant the
// organization accepted it (expiry and delay DSNs count from there).
func receivedAt(t *testing.T, h *harness, server string, id int) time.Duration {
	t.Helper()
	for _, e := range trackingRows(h, server, "RECEIVE") {
		if e.MessageID == h.o.msgID(h.o.msgs[id-1], nil) {
			return e.At
		}
	}
	t.Fatalf("no RECEIVE of #%d on %s", id, server)
	return 0
}

// fact: exchange-transport.md §3.6: a message in Unreachable (no route: no send
// connector for its domain) is returned with an NDR "550 4.4.7 QUEUE.Expired" exactly
// MessageExpirationTimeout after the organization accepted it.
func TestUnreachableMessageExpiresAtMessageExpirationTimeout(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: "00:30:00"}}))
	h.at(time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"someone@gmail.com"}, Subject: "nowhere"})
	})
	h.run(2 * time.Hour)
	acc := receivedAt(t, h, "FAB-RED-HUB1", 1)
	fail := trackingRows(h, "FAB-RED-HUB1", "FAIL")
	require.Len(t, fail, 1)
	require.Equal(t, acc+30*time.Minute, fail[0].At)
	require.Equal(t, []string{expiredStatus}, fail[0].RecipientStatus)
	v := h.o.Verdict()
	require.Equal(t, Bounced, v.Fates[0].Fate)
	require.Equal(t, acc+30*time.Minute-time.Minute, v.Fates[0].Latency)
	require.Equal(t, 1, v.DSNs, "the NDR")
}

// retryInstants runs seed 002's world (DB1 dismounted) with one internet message at
// 1 min and returns when FAB-RED-HUB1 accepted it and the instants its MapiDelivery
// queue failed, up to d.
func retryInstants(t *testing.T, d time.Duration, set func(h *harness)) (*harness, time.Duration, []time.Duration) {
	top, w := redSite()
	h := newHarness(t, top, w)
	if set != nil {
		set(h)
	}
	h.at(time.Minute, func() { h.submit(internetMail("aging")) })
	f := failureTimes(h, "FAB-RED-HUB1", qkey{"MapiDelivery", "DB1"}, d)
	return h, receivedAt(t, h, "FAB-RED-HUB1", 1), f
}

// fact: exchange-transport.md §3.6: a delay DSN goes out after DelayNotificationTimeout
// and the NDR at MessageExpirationTimeout: a retry that fails when the message is
// exactly that old sends them (the limits are reached, not passed).
func TestDelayDSNAndExpiryAtARetryExactlyAtTheTimeout(t *testing.T) {
	_, acc, f := retryInstants(t, 2*time.Hour, nil)
	require.GreaterOrEqual(t, len(f), 8)
	age := f[6] - acc // the age at the 7th failure
	ns := fmt.Sprintf("%dns", age)

	h, _, _ := retryInstants(t, 2*time.Hour, func(h *harness) {
		require.NoError(t, h.o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "DelayNotificationTimeout", Value: ns}}))
	})
	dsn := trackingRows(h, "FAB-RED-HUB1", "DSN")
	require.Len(t, dsn, 1)
	require.Equal(t, f[6], dsn[0].At)

	h, _, _ = retryInstants(t, 2*time.Hour, func(h *harness) {
		require.NoError(t, h.o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: ns}}))
	})
	fail := trackingRows(h, "FAB-RED-HUB1", "FAIL")
	require.Len(t, fail, 1)
	require.Equal(t, f[6], fail[0].At)
}

// fact: exchange-transport.md §3.6: ExternalDelayDsnEnabled and InternalDelayDsnEnabled
// (Set-TransportConfig, both $true by default) switch the delay DSN off for senders
// outside and inside the organization; the NDR at expiry is sent either way.
func TestDelayDSNsFollowExternalAndInternalDelayDsnEnabled(t *testing.T) {
	run := func(t *testing.T, from, param string) int {
		top, w := redSite()
		top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "inside@contoso.com", Database: "DB2"})
		w.active["DB2"], w.mounted["DB2"] = "FAB-RED-MBX1", true
		h := newHarness(t, top, w)
		if param != "" {
			require.NoError(t, h.o.SetTransportConfig([]Param{{Name: param, Value: "$false"}}))
		}
		h.at(time.Minute, func() { h.submit(Message{From: from, To: []string{"user1@contoso.com"}, Subject: "late"}) })
		h.run(5 * time.Hour)
		return h.o.Verdict().DSNs
	}
	for _, c := range []struct {
		from, param string
		want        int
	}{
		{"a@fabrikam.net", "", 1},
		{"a@fabrikam.net", "ExternalDelayDsnEnabled", 0},
		{"a@fabrikam.net", "InternalDelayDsnEnabled", 1},
		{"inside@contoso.com", "", 1},
		{"inside@contoso.com", "InternalDelayDsnEnabled", 0},
		{"inside@contoso.com", "ExternalDelayDsnEnabled", 1},
	} {
		t.Run(c.from+" "+c.param, func(t *testing.T) {
			require.Equal(t, c.want, run(t, c.from, c.param))
		})
	}
}

// deliveryQueues lists the Identity of server's delivery queues that Get-Queue shows.
func deliveryQueues(h *harness, server string) []string {
	var out []string
	for _, r := range h.o.GetQueue(server) {
		if r.DeliveryType == "MapiDelivery" {
			out = append(out, r.Identity)
		}
	}
	return out
}

// fact: exchange-transport.md §3.1: delivery queues are created on demand and deleted
// when empty and idle for QueueMaxIdleTime (default 3 minutes): Get-Queue shows an
// emptied queue until exactly 3 minutes after its last message left, and a message
// for the same next hop arriving then gets a new queue (a new number); one arriving
// an instant earlier still finds the old one.
func TestEmptyDeliveryQueueIsDeletedAfterQueueMaxIdleTime(t *testing.T) {
	run := func(t *testing.T, early time.Duration) (*harness, []string, []string) {
		top, w := redSite()
		w.mounted["DB1"] = true
		h := newHarness(t, top, w)
		h.at(time.Minute, func() { h.submit(internetMail("first")) })
		h.run(2 * time.Minute)
		del := h.records("transport.deliver", "")
		require.Len(t, del, 1)
		empty := del[0].At // the queue's last message left
		var before, at []string
		h.at(empty+3*time.Minute-time.Nanosecond, func() { before = deliveryQueues(h, "FAB-RED-HUB1") })
		h.at(empty+3*time.Minute, func() { at = deliveryQueues(h, "FAB-RED-HUB1") })
		// the inbound session takes 7 crossings before the hub categorizes the message
		h.at(empty+3*time.Minute-7*h.o.top.Latency-early, func() { h.submit(internetMail("second")) })
		h.run(10 * time.Minute)
		return h, before, at
	}
	deliveredFrom := func(h *harness) []string {
		var out []string
		for _, r := range h.records("transport.deliver", "") {
			out = append(out, r.Data.(QueueDelivered).Queue)
		}
		return out
	}
	h, before, at := run(t, 0)
	require.Equal(t, []string{`FAB-RED-HUB1\1`}, before)
	require.Empty(t, at, "idle for QueueMaxIdleTime: gone")
	require.Equal(t, []string{`FAB-RED-HUB1\1`, `FAB-RED-HUB1\2`}, deliveredFrom(h), "the second message made a new queue")
	h, _, _ = run(t, time.Nanosecond)
	require.Equal(t, []string{`FAB-RED-HUB1\1`, `FAB-RED-HUB1\1`}, deliveredFrom(h), "an instant earlier: the old queue")
	require.Equal(t, 2, h.o.Verdict().Delivered)
}

// fact: exchange-transport.md §3.2: NextHopCategory is External for
// DnsConnectorDelivery and SmartHostConnectorDelivery queues, Internal otherwise.
func TestNextHopCategoryIsExternalOnlyForConnectorDelivery(t *testing.T) {
	for _, smart := range []string{"", "relay.example.net"} {
		top, w := redSite()
		w.mounted["DB1"] = true
		top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"FAB-RED-HUB1"}, SmartHost: smart}}
		w.cut[[2]string{"FAB-RED-HUB1", internet}] = true
		h := newHarness(t, top, w)
		h.at(time.Minute, func() {
			h.submit(Message{From: "user1@contoso.com", To: []string{"someone@gmail.com", "user1@contoso.com"}, Subject: "out"})
		})
		h.at(time.Minute, func() { h.submit(Message{From: "user1@contoso.com", To: []string{"user1@contoso.com"}, Subject: "in"}) })
		h.at(time.Minute+2*time.Second, func() {
			for _, r := range h.o.GetQueue("FAB-RED-HUB1") {
				want := "Internal"
				if strings.HasSuffix(r.DeliveryType, "ConnectorDelivery") {
					want = "External"
				}
				require.Equal(t, want, r.NextHopCategory, r.Identity+" "+r.DeliveryType)
			}
		})
		h.run(2 * time.Minute)
		var types []string
		for _, r := range h.o.GetQueue("FAB-RED-HUB1") {
			types = append(types, r.DeliveryType)
		}
		if smart == "" {
			require.Contains(t, types, "DnsConnectorDelivery")
		} else {
			require.Contains(t, types, "SmartHostConnectorDelivery")
		}
	}
}

// fact: exchange-transport.md §1.2: a 2010 shadow server that gets no answer from the
// primary for ShadowHeartbeatRetryCount heartbeats (SP1+: 12, ShadowHeartbeatTimeoutInterval
// 15 min apart) takes the shadows over at that heartbeat, the 12th, not later; with the
// RTM values (3 x 5 min, set here) at the 3rd.
func TestShadowTakeoverAtTheLastSilentHeartbeat(t *testing.T) {
	for _, c := range []struct {
		interval, count string
		gap             time.Duration
		n               int
	}{{"", "", 15 * time.Minute, 12}, {"00:05:00", "3", 5 * time.Minute, 3}} {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			h := takeoverWorld(t, "user1@contoso.com", false, 100*time.Hour)
			if c.interval != "" {
				require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "ShadowHeartbeatTimeoutInterval", Value: c.interval}, {Name: "ShadowHeartbeatRetryCount", Value: c.count}}))
			}
			h.run(10 * time.Hour)
			var missed []time.Duration
			var last time.Duration
			for _, r := range h.records("transport.heartbeat", "") {
				e := r.Data.(HeartbeatMissed)
				require.Equal(t, c.n, e.Attempts)
				if e.Attempt == 1 {
					missed = append(missed, r.At)
				}
				if e.Attempt == c.n {
					last = r.At
				}
				require.LessOrEqual(t, e.Attempt, c.n)
			}
			require.Len(t, missed, 1)
			require.Equal(t, missed[0]+time.Duration(c.n-1)*c.gap, last)
			to := h.records("transport.shadow", "#1")
			var took []time.Duration
			for _, r := range to {
				if _, ok := r.Data.(ShadowTakeover); ok {
					took = append(took, r.At)
				}
			}
			require.Equal(t, []time.Duration{last}, took)
			require.Equal(t, 1, h.o.Verdict().Delivered)
		})
	}
}

// A queue made after an idle one was dropped reuses its memory (dropQueue), timer
// included: the new queue still retries on its own schedule and delivers once its
// database is back, under its own identity.
func TestAQueueMadeAfterAnIdleOneWasDroppedRetriesAndDelivers(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("first")) })
	h.at(10*time.Minute, func() {
		require.Empty(t, deliveryQueues(h, "FAB-RED-HUB1"), "the first queue idled out")
		w.mounted["DB1"] = false
		h.submit(internetMail("second"))
	})
	h.at(15*time.Minute, func() {
		require.Equal(t, []string{`FAB-RED-HUB1\2`}, deliveryQueues(h, "FAB-RED-HUB1"), "the second message waits in a new queue")
		w.mounted["DB1"] = true
	})
	h.run(time.Hour)
	require.Equal(t, 2, h.o.Verdict().Delivered, "the new queue's retry delivered it")
}
