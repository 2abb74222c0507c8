package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of the transport dumpster, Safety Net and lossy-failover resubmission (ha.go)
// at their limits, found by mutation testing (issue 24).

// dumpsterHub is seed 002's world with FAB-RED-MBX1 in DAG1 (so DB1 is replicated and
// FAB-RED-HUB1, which delivers, keeps dumpster copies) and DB1 mounted.
func dumpsterHub(t *testing.T) *harness {
	top, w := redSite()
	top.Servers[2].DAG = "DAG1"
	w.mounted["DB1"] = true
	return newHarness(t, top, w)
}

// kept lists the message numbers in server's Safety Net or dumpster, oldest first.
func kept(h *harness, server string) []int {
	var out []int
	h.o.byName[server].sn.each(func(_ int, c *snCopy) { out = append(out, c.m.id) })
	return out
}

// fact: exchange-transport.md §1.7: the transport dumpster keeps copies of messages
// delivered to replicated databases up to MaxDumpsterSizePerDatabase per database,
// the oldest evicted first (exsim counts a message without a size as 75 KB). A
// dumpster exactly at the limit keeps everything.
func TestTransportDumpsterKeepsTheNewestUpToMaxDumpsterSizePerDatabase(t *testing.T) {
	cases := []struct {
		limit string
		size  int
		n     int
		want  []int
	}{
		{"12KB", 4096, 4, []int{2, 3, 4}}, // 3 x 4 KB is exactly 12 KB: kept
		{"12KB", 4096, 3, []int{1, 2, 3}},
		{"11KB", 4096, 3, []int{2, 3}},
		{"150KB", 0, 3, []int{2, 3}}, // sizeless: 75 KB each
		{"150KB", 0, 2, []int{1, 2}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %dB x%d", c.limit, c.size, c.n), func(t *testing.T) {
			h := dumpsterHub(t)
			require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxDumpsterSizePerDatabase", Value: c.limit}}))
			for i := 0; i < c.n; i++ {
				h.at(time.Duration(i+1)*time.Minute, func() {
					h.submit(Message{From: "a@fabrikam.net", To: []string{"user1@contoso.com"}, Subject: "d", Size: c.size})
				})
			}
			h.run(time.Duration(c.n+1) * time.Minute)
			require.Equal(t, c.n, h.o.Verdict().Delivered)
			require.Equal(t, c.want, kept(h, "fab-red-hub1"))
		})
	}
}

// keptUntil delivers one message at 1 min and reports whether server still holds its
// kept copy an instant before and an instant after hold has passed since it was kept.
func keptUntil(t *testing.T, h *harness, server string, hold time.Duration) (before, after bool) {
	return keptUntilFrom(t, h, server, time.Minute, hold)
}

// keptUntilFrom is keptUntil with the message sent at send.
func keptUntilFrom(t *testing.T, h *harness, server string, send, hold time.Duration) (before, after bool) {
	h.at(send, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{mailboxOf(h)}, Subject: "kept"}) })
	h.run(send + time.Minute)
	sn := &h.o.byName[server].sn
	require.Equal(t, 1, sn.live)
	at := sn.at(sn.start).keptAt
	h.at(at+hold-time.Nanosecond, func() { before = len(kept(h, server)) == 1 })
	h.at(at+hold+time.Nanosecond, func() { after = len(kept(h, server)) == 1 })
	h.run(at + hold + time.Minute)
	return before, after
}

// fact: exchange-transport.md §1.7 and §2.5: dumpster copies are kept for
// MaxDumpsterTime (2010) and Safety Net copies for SafetyNetHoldTime (2013+): a copy
// exactly that old is dropped (exsim sweeps hourly from the first copy kept).
func TestKeptCopiesAreDroppedWhenExactlyTheHoldTimeOld(t *testing.T) {
	t.Run("2010 MaxDumpsterTime", func(t *testing.T) {
		h := dumpsterHub(t)
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxDumpsterTime", Value: "01:00:00"}}))
		before, after := keptUntil(t, h, "fab-red-hub1", time.Hour)
		require.True(t, before)
		require.False(t, after)
	})
	t.Run("2016 SafetyNetHoldTime", func(t *testing.T) {
		top, w := oneServer2016()
		h := newHarness(t, top, w)
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "SafetyNetHoldTime", Value: "01:00:00"}}))
		before, after := keptUntil(t, h, "ex1", time.Hour)
		require.True(t, before)
		require.False(t, after)
	})
	t.Run("2016 SafetyNetHoldTimeInterval overrides", func(t *testing.T) {
		top, w := oneServer2016()
		h := newHarness(t, top, w)
		require.NoError(t, h.o.SetEdgeTransportConfig("EX1", "SafetyNetHoldTimeInterval", "02:00:00"))
		before, after := keptUntilFrom(t, h, "ex1", 3*time.Hour, 2*time.Hour)
		require.True(t, before)
		require.False(t, after)
	})
}

// fact: exchange-transport.md §2.5 and §1.7: a lossy failover's resubmission request
// names the database and a time window; deliveries made at either end of the window
// are in it (the primary Safety Net / the dumpster redelivers them, a duplicate the
// mailbox detects), and one an instant outside is not.
func TestLossyFailoverWindowIncludesItsEnds(t *testing.T) {
	for _, c := range []struct {
		name        string
		from, to    time.Duration // relative to the delivery
		resubmitted bool
	}{
		{"from is the delivery", 0, time.Minute, true},
		{"to is the delivery", -time.Minute, 0, true},
		{"just after the window", -time.Minute, -time.Nanosecond, false},
		{"just before the window", time.Nanosecond, time.Minute, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := dumpsterHub(t)
			h.at(time.Minute, func() { h.submit(internetMail("lossy")) })
			h.run(2 * time.Minute)
			del := h.records("transport.deliver", "")
			require.Len(t, del, 1)
			at := del[0].At
			h.at(3*time.Minute, func() { h.o.LossyFailover("DB1", at+c.from, at+c.to) })
			h.run(10 * time.Minute)
			require.Equal(t, 1, h.o.Verdict().Delivered)
			resub := 0
			for _, p := range trackingPath(h, 1) {
				if p == "FAB-RED-HUB1 RESUBMIT" {
					resub++
				}
			}
			if c.resubmitted {
				require.Equal(t, 1, resub)
				require.Equal(t, 2, h.w.commits["DB1"])
			} else {
				require.Zero(t, resub)
				require.Equal(t, 1, h.w.commits["DB1"])
			}
		})
	}
}

// mailboxOf is the first mailbox of h's topology.
func mailboxOf(h *harness) string { return h.o.top.Mailboxes[0].Address }

// fact: exchange-transport.md §2.5 and §3.5: Safety Net lives in the queue database,
// which a restart of the transport service keeps, and its copies are held for
// SafetyNetHoldTime: a copy kept before a restart still goes when its hold time is
// over. (A bug found here: the hourly sweep died with the old process and was armed
// again only when the server kept a new copy, so a quiet server kept copies for ever.)
// The hold time read at the restart applies to the copies already kept: an
// EdgeTransport.exe.config SafetyNetHoldTimeInterval of 15 s (the value Microsoft
// recommends for relay-only hubs), or of 0, empties the Safety Net at the next sweep.
func TestSafetyNetCopiesStillExpireAfterATransportRestart(t *testing.T) {
	top, w := oneServer2016()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "SafetyNetHoldTime", Value: "01:00:00"}}))
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "kept"}) })
	h.at(30*time.Minute, func() { require.NoError(t, h.o.RestartService("EX1", "MSExchangeTransport")) })
	h.run(time.Hour)
	require.Len(t, kept(h, "ex1"), 1)
	h.run(3 * time.Hour)
	require.Empty(t, kept(h, "ex1"), "an hour old: gone although the service restarted")

	for _, interval := range []string{"0.00:00:15", "00:00:00"} {
		h = newHarness(t, top, w)
		h.at(time.Minute, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "kept"})
		})
		h.at(10*time.Minute, func() {
			require.NoError(t, h.o.EditEdgeTransportConfig("EX1", "SafetyNetHoldTimeInterval", interval))
			require.NoError(t, h.o.RestartService("EX1", "MSExchangeTransport"))
		})
		h.run(time.Hour)
		require.Len(t, kept(h, "ex1"), 1, "kept under the default 2 days")
		h.run(2 * time.Hour)
		require.Empty(t, kept(h, "ex1"), "swept under the %s read at the restart", interval)
	}
}

// resubmits lists "SERVER@instant" for every RESUBMIT tracking row of message 1.
func trackedResubmits(h *harness) []string {
	var out []string
	for _, r := range h.records("transport.track", "#1") {
		if e := r.Data.(logs.TrackingEvent); e.EventID == "RESUBMIT" {
			out = append(out, fmt.Sprintf("%s@%v", e.Server, e.At))
		}
	}
	return out
}

// armedCopies counts the Safety Net copies of message 1 still waiting on a
// resubmission request (live copies in the ledger's eyes).
func armedCopies(h *harness) int {
	n := 0
	if x := h.o.msgs[0].ext; x != nil {
		for _, ref := range x.armedSN {
			if c := ref.get(); c != nil && c.armed > 0 {
				n++
			}
		}
	}
	return n
}

// fact: exchange-transport.md §2.5: after a lossy failover the Primary Safety Net
// resubmits; if it cannot be reached for 12 hours the Shadow Safety Nets holding the
// message resubmit it. A 2016 DAG (threeMember2016): EX1 delivers the message into DB1
// on itself, keeps it in Primary Safety Net and its shadow server keeps it in Shadow
// Safety Net; at 10 min EX1 crashes and DB1 fails over to EX2 losing the delivery.
// A primary Safety Net whose server is down answers when its transport starts again
// (exsim's choice: the sources do not say), and a request answered leaves no copy
// waiting on it.
func TestShadowSafetyNetResubmitsWhenThePrimaryIsUnreachableFor12Hours(t *testing.T) {
	cases := []struct {
		name      string
		loseQueue bool
		backAt    time.Duration // EX1 starts again (0: stays down)
		shadowOff bool          // ShadowRedundancyEnabled $false: no Shadow Safety Net
		want      string        // the resubmitting server and when
		lost      bool
	}{
		{"primary down for good: the shadow after 12 hours", false, 0, false, "EX2@12h10m0s", false},
		{"primary back within 12 hours: it answers at its start", false, time.Hour, false, "EX1@1h0m0s", false},
		{"primary back with a new queue database: the shadow after 12 hours", true, time.Hour, false, "EX2@12h10m0s", false},
		{"no shadow: the primary's copy waits for its server", false, 2 * time.Hour, true, "EX1@2h0m0s", false},
		{"no shadow and the primary's queue database lost: lost", true, time.Hour, true, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top, w := threeMember2016()
			h := newHarness(t, top, w)
			if c.shadowOff {
				require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "ShadowRedundancyEnabled", Value: "$false"}}))
			}
			h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
			h.run(9 * time.Minute)
			require.Equal(t, 1, h.o.Verdict().Delivered)
			require.Equal(t, "EX1", h.o.Verdict().Fates[0].Server)
			h.at(10*time.Minute, func() {
				h.o.Crash("EX1", c.loseQueue)
				h.w.active["DB1"] = "EX2"
				h.o.LossyFailover("DB1", 0, 10*time.Minute)
			})
			if c.backAt > 0 {
				h.at(c.backAt, func() { h.o.Start("EX1") })
			}
			h.run(13 * time.Hour)
			v := h.o.Verdict()
			if c.lost {
				require.Equal(t, 1, v.Lost)
				require.Empty(t, trackedResubmits(h))
				return
			}
			require.Equal(t, 1, v.Delivered, "%+v", v.Fates)
			require.Equal(t, "EX2", v.Fates[0].Server, "into the new active copy")
			require.Equal(t, []string{c.want}, trackedResubmits(h))
			if c.backAt == 0 {
				require.Equal(t, 1, armedCopies(h), "EX1's copy still waits for EX1")
			} else {
				require.Zero(t, armedCopies(h), "every request answered")
			}
		})
	}
}

// internalIDsAgree checks that every "250 2.6.0 <message-id> [InternalId=n" a server
// sends in its Receive protocol log names the InternalMessageId of a RECEIVE or
// HARECEIVE tracking row of that server for that message (Mailbox Transport
// Delivery's sessions aside), and returns how many replies it checked.
func internalIDsAgree(t *testing.T, h *harness) int {
	tr, proto := logs.FromJournal(h.s.Journal().Records())
	have := map[string]bool{}
	for _, e := range tr {
		if e.EventID == "RECEIVE" || e.EventID == "HARECEIVE" {
			have[fmt.Sprintf("%s %s %d", e.Server, e.MessageID, e.InternalMessageID)] = true
		}
	}
	n := 0
	for _, p := range proto {
		if p.Log != logs.Receive || !strings.HasPrefix(p.Data, "250 2.6.0 <") || strings.HasSuffix(p.LocalEndpoint, ":475") || p.Service == logs.FrontEnd {
			continue // (port 475: Mailbox Transport Delivery, and Front End Transport, which relays its back end's reply: neither queues anything)
		}
		f := strings.Fields(p.Data) // 250 2.6.0 <id> [InternalId=n, ...
		id := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(f[3], "[InternalId="), ","), "]")
		key := fmt.Sprintf("%s %s %s", p.Server, f[2], id)
		require.True(t, have[key], "no tracking row for %q (%s)", p.Data, key)
		n++
	}
	return n
}

// fact: exchange-transport.md §4.3 and §4.1: the receiving server's "250 2.6.0
// <message-id> [InternalId=n, Hostname=...] Queued mail for delivery" names the
// message's internal id in its queue database, the InternalMessageId its tracking log
// shows for the RECEIVE (or, for a shadow, HARECEIVE) of that message.
func TestQueuedReplyNamesTheReceiversInternalMessageID(t *testing.T) {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "other@contoso.com", Database: "DB2"})
	w.active["DB2"], w.mounted["DB2"] = "EX3", true
	h := newHarness(t, top, w)
	for i := 0; i < 6; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com", "other@contoso.com"}, Subject: "ids"})
		})
	}
	h.run(15 * time.Minute)
	require.Equal(t, 12, h.o.Verdict().Delivered)
	require.GreaterOrEqual(t, internalIDsAgree(t, h), 12)

	// 2010 (seed 003's DAG): EX13-1 relays mail for the database on its own server to
	// EX13-2, one message a session and, after EX13-2 was cut off, several in one
	h = newHarness(t, twoNodeDAGTop(), twoNodeDAGWorld("EX13-1"))
	for i := 0; i < 8; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"alan.reid@mynet.lan"}, Subject: "ids"})
		})
	}
	h.at(2*time.Minute+30*time.Second, func() {
		h.w.cut[[2]string{"EX13-1", "EX13-2"}] = true
		h.o.NetworkChanged()
	})
	h.at(7*time.Minute+30*time.Second, func() { h.w.cut = map[[2]string]bool{}; h.o.NetworkChanged() })
	h.run(30 * time.Minute)
	require.Equal(t, 8, h.o.Verdict().Delivered)
	require.GreaterOrEqual(t, internalIDsAgree(t, h), 8)
}

func twoNodeDAGTop() Topology { top, _ := twoNodeDAG("EX13-1"); return top }

func twoNodeDAGWorld(active string) *world { _, w := twoNodeDAG(active); return w }

// fact: exchange-transport.md §2.3: RejectMessageOnShadowFailure $true rejects a
// message that could not be made redundant with a transient error so the sender
// retries; for a mailbox's message the sender is its Outbox (Mailbox Transport
// Submission tries again every minute), so the message stays there, and with $false
// it is accepted unprotected and delivered. EX1 is alone: no shadow is possible.
func TestRejectMessageOnShadowFailureKeepsAMailboxMessageInItsOutbox(t *testing.T) {
	for _, reject := range []bool{true, false} {
		t.Run(fmt.Sprint(reject), func(t *testing.T) {
			top, w := oneServer2016()
			top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "me@contoso.com", Database: "DB1"})
			h := newHarness(t, top, w)
			require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: fmt.Sprintf("$%v", reject)}}))
			h.at(time.Minute, func() {
				h.submit(Message{From: "me@contoso.com", To: []string{"user@contoso.com"}, Subject: "from a mailbox"})
			})
			h.run(5 * time.Minute)
			v := h.o.Verdict()
			failed := h.records("transport.shadow", "#1")
			if reject {
				require.Equal(t, Stuck, v.Fates[0].Fate)
				require.Equal(t, "Outbox", v.Fates[0].Server)
				require.Len(t, failed, 4, "one refusal a minute")
				for _, r := range failed {
					require.True(t, r.Data.(ShadowFailed).Rejected)
				}
			} else {
				require.Equal(t, Delivered, v.Fates[0].Fate)
				require.Len(t, failed, 1)
				require.False(t, failed[0].Data.(ShadowFailed).Rejected)
			}
		})
	}
}

// fact: exchange-transport.md §2.5: every copy goes when SafetyNetHoldTime is over,
// not only those of the first sweep: copies kept at 1 and 40 minutes under a 1 hour
// hold go at the hourly sweeps after 1 h 1 min and after 2 h 1 min.
func TestSafetyNetSweepGoesOnWhileCopiesRemain(t *testing.T) {
	top, w := oneServer2016()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "SafetyNetHoldTime", Value: "01:00:00"}}))
	for _, at := range []time.Duration{time.Minute, 40 * time.Minute} {
		h.at(at, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "kept"}) })
	}
	h.run(time.Hour)
	require.Equal(t, []int{1, 2}, kept(h, "ex1"))
	h.run(time.Hour + 2*time.Minute)
	require.Equal(t, []int{2}, kept(h, "ex1"))
	h.run(2*time.Hour + 2*time.Minute)
	require.Empty(t, kept(h, "ex1"))
}

// fact: exchange-transport.md §1.7: the transport dumpster covers replicated (DAG)
// mailbox databases only: a 2010 hub outside any DAG that delivers into a database
// of a mailbox server outside any DAG keeps no copy; into a DAG member's database it
// does.
func TestTransportDumpsterSkipsDatabasesOutsideADAG(t *testing.T) {
	for _, dag := range []string{"", "DAG1"} {
		top, w := redSite()
		top.Servers[2].DAG = dag
		w.mounted["DB1"] = true
		h := newHarness(t, top, w)
		h.at(time.Minute, func() { h.submit(internetMail("kept?")) })
		h.run(5 * time.Minute)
		require.Equal(t, 1, h.o.Verdict().Delivered)
		if dag == "" {
			require.Empty(t, kept(h, "fab-red-hub1"), "not replicated")
		} else {
			require.Equal(t, []int{1}, kept(h, "fab-red-hub1"), "replicated")
		}
	}
}

// A 2013+ primary whose shadow server lost its queue database makes a new shadow at
// its next heartbeat exchange (ShadowHeartbeatFrequency, 2 min; doc.go: exsim's
// choice, the sources are silent), so the message is protected again; a primary
// already handed on needs none.
func TestPrimaryRemakesAShadowLostWithItsServersQueueDatabase(t *testing.T) {
	for _, mounted := range []bool{false, true} {
		t.Run(fmt.Sprintf("delivered=%v", mounted), func(t *testing.T) {
			top, w := threeMember2016()
			w.mounted["DB1"] = mounted
			h := newHarness(t, top, w)
			h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
			h.run(90 * time.Second)
			made := shadowsOf(h)
			require.Len(t, made, 1)
			shadow := made[0]
			h.at(2*time.Minute, func() { h.o.Crash(shadow, true) })
			h.at(2*time.Minute+time.Second, func() { h.o.Start(shadow) })
			h.run(10 * time.Minute)
			remade := h.records("transport.shadow", "#1")
			var n int
			for _, r := range remade {
				if e, ok := r.Data.(ShadowRemade); ok {
					n++
					require.Equal(t, shadow, e.Lost)
					require.Equal(t, 2*time.Minute+2*time.Minute, r.At, "at the next heartbeat exchange")
				}
			}
			if mounted {
				require.Zero(t, n)
				require.Empty(t, h.o.Verdict().SPOF)
			} else {
				require.Equal(t, 1, n)
				require.Len(t, shadowsOf(h), 2)
			}
		})
	}
}
