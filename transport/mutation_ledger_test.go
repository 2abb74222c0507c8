package transport

import (
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Tests that pin the ledger's rules (ledger.go) and the facts it keeps, found by
// mutation testing (issue 24).

// ackTimes lists the instants of message id's Acknowledged records.
func ackTimes(h *harness, id string) []time.Duration {
	var out []time.Duration
	for _, r := range h.records("transport.ack", id) {
		out = append(out, r.At)
	}
	return out
}

// twoDatabases2010 is redSite with user2 in DB2, both databases on FAB-RED-MBX1; DB1
// is mounted, DB2 is mounted at db2At.
func twoDatabases2010(t *testing.T, db2At time.Duration) *harness {
	top, w := redSite()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "user2@contoso.com", Database: "DB2"})
	w.active["DB2"] = "FAB-RED-MBX1"
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxAcknowledgementDelay", Value: "00:02:00"}}))
	h.at(time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user1@contoso.com", "user2@contoso.com"}, Subject: "two databases"})
	})
	h.at(db2At, func() { w.mounted["DB2"] = true })
	return h
}

// fact: exchange-transport.md §1.4: a 2010 server holding the acknowledgement of a
// message from a sender without XSHADOW "waits until it has confirmed delivery to all
// next hops", up to MaxAcknowledgementDelay. A message for two databases is split in
// two (one MapiDelivery queue each): the 250 goes when the second part is delivered,
// not the first; when the second is not delivered in time, at MaxAcknowledgementDelay.
func TestDelayedAckWaitsForDeliveryToAllNextHops(t *testing.T) {
	L := 50 * time.Millisecond
	t.Run("the second part delivered within the delay", func(t *testing.T) {
		h := twoDatabases2010(t, time.Minute+10*time.Second)
		h.run(time.Hour)
		v := h.o.Verdict()
		require.Equal(t, 2, v.Delivered)
		// DB1's part is delivered at once, DB2's after the queue's first glitch retry (1 min)
		require.Equal(t, time.Minute+L, v.Fates[1].Latency-v.Fates[0].Latency)
		require.Equal(t, []time.Duration{time.Minute + v.Fates[1].Latency}, ackTimes(h, "#1"))
	})
	t.Run("the second part not delivered within the delay", func(t *testing.T) {
		h := twoDatabases2010(t, 10*time.Minute)
		h.run(time.Hour)
		acks := ackTimes(h, "#1")
		require.Len(t, acks, 1)
		// received at 1m + 7 crossings (the inbound session), acknowledged 2 min later
		rec := h.records("transport.delayedack", "#1")
		require.Len(t, rec, 1)
		require.Equal(t, rec[0].At+2*time.Minute, acks[0])
	})
}

// relayToOtherDAG: EX1 (site S1, no DAG) takes internet mail for DB1, whose active copy
// is on EX3, the only member of DAG2 in site S2 and dismounted: EX1 relays it to EX3
// (SmtpRelayToDag) and keeps its copy in Safety Net; neither can make a shadow, so
// both accept it unprotected.
func relayToOtherDAG(t *testing.T) *harness {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX3", "S2", "DAG2")},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}}, Inbound: []string{"EX1"}}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX3", false
	w.backEnd = "EX1" // EX1's front end proxies to its own Transport service, which relays
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "relayed"})
	})
	return h
}

// The loss oracle (design.md; ledger.copiesOf): a Safety Net copy is no live copy
// unless a resubmission request waits on it, so a recipient whose last live copy is
// destroyed is lost although EX1's Safety Net still holds the message (nothing would
// ever send it). The verdict names the fault and the server.
func TestLastLiveCopyDestroyedIsALossEvenWithASafetyNetCopyLeft(t *testing.T) {
	h := relayToOtherDAG(t)
	h.at(10*time.Minute, func() { h.o.Crash("EX3", true) })
	h.run(11 * time.Minute)
	require.Equal(t, 1, safetyNetItems(h, "ex1"), "EX1 still holds its processed copy")
	v := h.o.Verdict()
	require.Equal(t, 1, v.Lost)
	require.Equal(t, Fate{Message: 1, Recipient: "user@contoso.com", Fate: Lost, Reason: "crash EX3 lose-queue", Server: "EX3"}, v.Fates[0])
}

// A single-point-of-failure window is an interval in which an acknowledged,
// undelivered message has copies on exactly one server (doc.go, "Copies and the
// ledger"): here on EX1 from its 250 until EX3 has the message, then on EX3 from EX3's
// 250 until it crashes; closed windows and the one still open at the verdict both
// count in the exposure, and the most exposed server is the one with the longest sum.
func TestSPOFWindowsFollowTheOnlyServerHoldingTheMessage(t *testing.T) {
	h := relayToOtherDAG(t)
	h.run(5 * time.Minute)
	v := h.o.Verdict()
	L := 50 * time.Millisecond
	ack1 := time.Minute + 18*L // EX1's 250 reaches the sender through its front end
	recv3 := time.Minute + 23*L
	ack3 := recv3 + L
	want := []SPOFWindow{{Message: 1, Server: "EX1", From: ack1, To: recv3}, {Message: 1, Server: "EX3", From: ack3, To: 5 * time.Minute}}
	require.Equal(t, want, v.SPOF)
	require.InDelta(t, (recv3 - ack1 + 5*time.Minute - ack3).Seconds(), v.ExposureSeconds, 1e-9)
	require.Equal(t, "EX3", v.MostExposedServer)
	require.Equal(t, 1, v.PeakExposed)
	// stuck on EX3 alone: EX1's Safety Net copy is not where it waits
	require.Equal(t, Stuck, v.Fates[0].Fate)
	require.Equal(t, "EX3", v.Fates[0].Server)
	require.NotContains(t, v.Fates[0].Reason, "Safety Net")
	// one SPOFOpened record per window, and one SPOFClosed for the window that closed
	var opened, closed int
	for _, r := range h.records("transport.spof", "#1") {
		switch r.Data.(type) {
		case SPOFOpened:
			opened++
		case SPOFClosed:
			closed++
		}
	}
	require.Equal(t, [2]int{2, 1}, [2]int{opened, closed})
	// later: the window on EX3 grows with the clock until the crash closes it
	h.at(10*time.Minute, func() { h.o.Crash("EX3", true) })
	h.run(20 * time.Minute)
	v = h.o.Verdict()
	want[1].To = 10 * time.Minute
	require.Equal(t, want, v.SPOF)
	require.InDelta(t, (recv3 - ack1 + 10*time.Minute - ack3).Seconds(), v.ExposureSeconds, 1e-9)
}

// verdictConsistent checks the bookkeeping of a verdict: SPOF windows have a length,
// are sorted by start then message and do not overlap per message; the exposure is
// their sum and the most exposed server the one with the largest sum (the first by
// name of equals); the counts are the fates'.
func verdictConsistent(t require.TestingT, v Verdict) {
	perSrv := map[string]time.Duration{}
	end := map[int]time.Duration{}
	var sum time.Duration
	for i, w := range v.SPOF {
		require.Greater(t, w.To, w.From, "window %d: %+v", i, w)
		if i > 0 {
			p := v.SPOF[i-1]
			require.True(t, p.From < w.From || p.From == w.From && p.Message < w.Message, "windows %d and %d out of order", i-1, i)
		}
		require.LessOrEqual(t, end[w.Message], w.From, "overlapping windows of message #%d", w.Message)
		end[w.Message] = w.To
		perSrv[w.Server] += w.To - w.From
		sum += w.To - w.From
	}
	require.InDelta(t, sum.Seconds(), v.ExposureSeconds, 1e-6)
	most, best := "", time.Duration(0)
	for _, k := range sortedKeys(perSrv) {
		if perSrv[k] > best {
			most, best = k, perSrv[k]
		}
	}
	require.Equal(t, most, v.MostExposedServer)
	if len(v.SPOF) > 0 {
		require.GreaterOrEqual(t, v.PeakExposed, 1)
	}
	var d, b, l, s, dups, dupDet int
	for _, f := range v.Fates {
		switch f.Fate {
		case Delivered:
			d++
			require.GreaterOrEqual(t, f.Latency, time.Duration(0))
			require.NotEmpty(t, f.Server)
		case Bounced:
			b++
			require.NotEmpty(t, f.Reason)
		case Lost:
			l++
			require.NotEmpty(t, f.Reason)
		case Stuck:
			s++
			require.NotEmpty(t, f.Server)
			require.NotEmpty(t, f.Reason)
		}
		dups += f.DuplicatesDelivered
		dupDet += f.DuplicatesDetected
	}
	require.Equal(t, [6]int{d, b, l, s, dups, dupDet}, [6]int{v.Delivered, v.Bounced, v.Lost, v.Stuck, v.Duplicates, v.DuplicatesDetected})
}

// A message acknowledged and delivered at the same instant was never exposed: the
// window that opened at its 250 has no length and is not in the verdict (seed 002's
// world: DelayedAckSkippingQueueLength 1 acknowledges the second of two messages at
// once, and both are delivered when the sender gets that 250).
func TestAWindowOfNoLengthIsNoSPOF(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("FAB-RED-HUB1", "DelayedAckSkippingQueueLength", "1"))
	h.at(10*time.Minute, func() { h.submit(internetMail("first")) })
	h.at(10*time.Minute, func() { h.submit(internetMail("second")) })
	h.run(11 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Delivered)
	require.Len(t, h.records("transport.spof", "#2"), 1, "it was exposed for an instant")
	require.Empty(t, v.SPOF)
	require.Zero(t, v.ExposureSeconds)
	require.Empty(t, v.MostExposedServer)
}

// The verdict's accounting holds at every instant of random runs (traffic, crashes
// with and without queue loss, restarts, dismounts), not only at the end.
func TestRapidVerdictAccountingIsConsistentAtEveryStep(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		top, w, names := rapidWorld(t)
		s := sim.New(sim.Config{Start: t0, Seed: 1})
		o, err := New(s, top, w.env())
		require.NoError(t, err)
		if rapid.Bool().Draw(t, "reject") {
			// refused relays to a server that cannot make a shadow: windows that merge
			require.NoError(t, o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
		}
		rcpts := []string{"a@contoso.com", "b@contoso.com", "z@gmail.com"}
		at := time.Duration(0)
		for i, n := 0, rapid.IntRange(1, 20).Draw(t, "steps"); i < n; i++ {
			at += time.Duration(rapid.IntRange(0, 300).Draw(t, "gap")) * time.Second
			kind := rapid.IntRange(0, 6).Draw(t, "kind")
			srv := rapid.SampledFrom(names).Draw(t, "server")
			to := rapid.SliceOfNDistinct(rapid.SampledFrom(rcpts), 1, 3, rapid.ID[string]).Draw(t, "to")
			db := rapid.SampledFrom([]string{"DB1", "DB2"}).Draw(t, "db")
			require.NoError(t, s.At(at, 1, func() {
				switch kind {
				case 0, 1, 2:
					_, err := o.Submit(Message{From: "x@fabrikam.net", To: to, Subject: "m"})
					require.NoError(t, err)
				case 3:
					o.Crash(srv, true)
				case 4:
					o.Crash(srv, false)
				case 5:
					o.Start(srv)
				case 6:
					w.mounted[db] = !w.mounted[db]
				}
				verdictConsistent(t, o.Verdict())
			}))
		}
		runChecked(t, s, o, at+time.Hour)
		verdictConsistent(t, o.Verdict())
		// a window opens once: never two SPOFOpened records of a message at one instant
		opened := map[[2]int64]bool{}
		for _, r := range s.Journal().Records() {
			if e, ok := r.Data.(SPOFOpened); ok {
				k := [2]int64{int64(e.Message), int64(r.At)}
				require.False(t, opened[k], "message #%d: SPOFOpened twice at %v", e.Message, r.At)
				opened[k] = true
			}
		}
	})
}

// doc.go (per-message deferral): a copy refused and dropped at the same instant does
// not split the sender's single-point-of-failure window, and the exposure counts the
// merged window once. HUB1 (2010) relays to MBX13 (2013, no shadow possible,
// RejectMessageOnShadowFailure $true): each offer is refused with 451 4.4.0 until the
// setting is cleared.
func TestRefusedOffersLeaveOneWindowCountedOnce(t *testing.T) {
	h := mixed2010to2013(t, true)
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.run(20 * time.Minute)
	require.GreaterOrEqual(t, len(trackingRows(h, "MBX13", "HAREDIRECTFAIL")), 2)
	v := h.o.Verdict()
	require.Len(t, v.SPOF, 1)
	require.Equal(t, "HUB1", v.SPOF[0].Server)
	require.Equal(t, 20*time.Minute, v.SPOF[0].To)
	verdictConsistent(t, v)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$false"}}))
	h.run(40 * time.Minute)
	v = h.o.Verdict()
	require.Len(t, v.SPOF, 2)
	verdictConsistent(t, v)
}

// Two messages exposed for the same time on two servers: the most exposed server is
// the first by name (exsim's choice, so the verdict does not depend on map order).
// EX1 and EX2 are alone in their sites (no shadow possible) behind a round-robin load
// balancer, each receiving one message for its own dismounted database.
func TestMostExposedServerOfEqualsIsTheFirstByName(t *testing.T) {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S2", "")},
		Mailboxes: []Mailbox{{Address: "u1@contoso.com", Database: "DB1"}, {Address: "u2@contoso.com", Database: "DB2"}},
		Inbound:   []string{"EX1", "EX2"}, InboundLoadBalanced: true}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", false
	w.active["DB2"], w.mounted["DB2"] = "EX2", false
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"u2@contoso.com"}}) })
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"u1@contoso.com"}}) })
	h.run(time.Hour)
	v := h.o.Verdict()
	require.Len(t, v.SPOF, 2)
	require.Equal(t, v.SPOF[0].To-v.SPOF[0].From, v.SPOF[1].To-v.SPOF[1].From)
	// (the windows are listed by start: each front end proxies to the database's own
	// server, so which opens first is the proxy hops' business, not this test's)
	require.ElementsMatch(t, []string{"EX1", "EX2"}, []string{v.SPOF[0].Server, v.SPOF[1].Server})
	require.Equal(t, "EX1", v.MostExposedServer)
	require.Equal(t, 2, v.PeakExposed)
	verdictConsistent(t, v)
}

// fact: exchange-transport.md §3.6: a message that expires is returned with an NDR at
// MessageExpirationTimeout; its latency in the verdict is from submission to the NDR.
func TestBouncedLatencyIsSubmissionToTheNDR(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: "00:30:00"}}))
	h.at(time.Minute, func() { h.submit(internetMail("short")) })
	h.run(2 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, Bounced, v.Fates[0].Fate)
	ndr := trackingRows(h, "FAB-RED-HUB1", "FAIL")
	require.Len(t, ndr, 1)
	require.Equal(t, ndr[0].At-time.Minute, v.Fates[0].Latency)
	require.Greater(t, v.Fates[0].Latency, 30*time.Minute)
}

// The verdict lists SPOF windows by start, not by message: in seed 002's world the
// first message's 250 is held for MaxAcknowledgementDelay (30 s) while the second,
// arriving 10 s later, finds the queue in Retry and is acknowledged at once
// (exchange-transport.md §1.4, §1.5), so the second message's window starts first.
func TestSPOFWindowsAreListedByStart(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	h.at(10*time.Minute, func() { h.submit(internetMail("held")) })
	h.at(10*time.Minute+10*time.Second, func() { h.submit(internetMail("skipped")) })
	h.run(12 * time.Minute)
	v := h.o.Verdict()
	require.Len(t, v.SPOF, 2)
	require.Equal(t, []int{2, 1}, []int{v.SPOF[0].Message, v.SPOF[1].Message})
	require.Less(t, v.SPOF[0].From, v.SPOF[1].From)
	verdictConsistent(t, v)
}
