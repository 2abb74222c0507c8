package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/smtp"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// threeMember2016 is a 2016 DAG of three Mailbox servers in one site, DB1 active on
// EX1, internet mail through a round-robin load balancer.
func threeMember2016() (Topology, *world) {
	var top Topology
	for _, n := range []string{"EX1", "EX2", "EX3"} {
		top.Servers = append(top.Servers, ServerSpec{Name: n, Site: "S1", Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: "DAG1"})
	}
	top.Mailboxes = []Mailbox{{Address: "user@contoso.com", Database: "DB1"}}
	top.Inbound = []string{"EX1", "EX2", "EX3"}
	top.InboundLoadBalanced = true
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	return top, w
}

// SR-2016 2.2: the receiving server makes a shadow on another DAG member before it
// acknowledges; with a dismounted database the queued message has two copies, so no
// single point of failure exists.
func TestExchange2016ShadowExistsBeforeAckNoSPOF(t *testing.T) {
	top, w := threeMember2016()
	w.mounted["DB1"] = false
	h := newHarness(t, top, w)
	for i := 0; i < 4; i++ {
		at := time.Duration(i+1) * time.Minute
		h.at(at, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
	}
	h.run(10 * time.Minute)
	v := h.o.Verdict()
	require.Empty(t, v.SPOF)
	for id := 1; id <= 4; id++ {
		path := trackingPath(h, id)
		require.Contains(t, path[1], "HARECEIVE", "message %d: %v", id, path)
		require.Contains(t, path[2], "HAREDIRECT", "message %d: %v", id, path)
	}
	h.at(11*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.run(time.Hour)
	require.Equal(t, 4, h.o.Verdict().Delivered)
}

// RejectMessageOnShadowFailure $false (default): with every other member down the
// message is accepted unprotected (HAREDIRECTFAIL) and the verdict shows a SPOF
// window; $true answers 451 4.4.0 and the sender keeps the message.
func TestExchange2016ShadowFailureAcceptsUnprotectedOrRejects(t *testing.T) {
	for _, reject := range []bool{false, true} {
		t.Run(fmt.Sprint(reject), func(t *testing.T) {
			top, w := threeMember2016()
			top.InboundLoadBalanced = false
			w.mounted["DB1"] = false
			h := newHarness(t, top, w)
			if reject {
				require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
			}
			h.o.Crash("EX2", false)
			h.o.Crash("EX3", false)
			h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
			h.run(5 * time.Minute)
			v := h.o.Verdict()
			if reject {
				require.Empty(t, v.SPOF)
				require.Equal(t, "internet", v.Fates[0].Server, "the sender keeps it")
			} else {
				require.Len(t, v.SPOF, 1)
				require.Equal(t, "EX1", v.SPOF[0].Server)
				require.Contains(t, trackingPath(h, 1), "EX1 HAREDIRECTFAIL")
			}
		})
	}
}

// SN-2016: after a lossy failover Safety Net resubmits the deliveries the database
// lost: no loss; a recipient whose delivery was not lost is a duplicate the mailbox
// detects.
func TestExchange2016LossyFailoverSafetyNetRedelivers(t *testing.T) {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "other@contoso.com", Database: "DB2"})
	w.active["DB2"], w.mounted["DB2"] = "EX3", true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com", "other@contoso.com"}, Subject: "s"})
	})
	h.run(5 * time.Minute)
	require.Equal(t, 2, h.o.Verdict().Delivered)
	h.at(6*time.Minute, func() {
		h.w.active["DB1"] = "EX2"
		h.o.LossyFailover("DB1", 0, 6*time.Minute)
	})
	h.run(10 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Delivered)
	require.Equal(t, 0, v.Lost)
	require.Contains(t, trackingPath(h, 1), "EX1 RESUBMIT")
	require.Equal(t, 2, h.w.commits["DB1"])
}

// Exchange 2010: the transport dumpster on the delivering hub redelivers after a lossy
// failover; without it (MaxDumpsterSizePerDatabase 0) the delivery is lost.
func TestExchange2010LossyFailoverTransportDumpster(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprint(on), func(t *testing.T) {
			top, w := redSite()
			top.Servers[2].DAG = "DAG1"
			w.mounted["DB1"] = true
			h := newHarness(t, top, w)
			if !on {
				require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxDumpsterSizePerDatabase", Value: "0"}}))
			}
			h.at(time.Minute, func() { h.submit(internetMail("dumpster")) })
			h.run(5 * time.Minute)
			h.at(6*time.Minute, func() { h.o.LossyFailover("DB1", 0, 6*time.Minute) })
			h.run(10 * time.Minute)
			v := h.o.Verdict()
			if on {
				require.Equal(t, 1, v.Delivered)
			} else {
				require.Equal(t, 1, v.Lost)
				require.Equal(t, "lossy failover of DB1", v.Fates[0].Reason)
			}
		})
	}
}

// Under random crashes of one server at a time with queue loss (each server back
// before the next crash), dismounts and random traffic, a 2016 DAG of three members with
// shadow redundancy loses no message.
func TestRapidExchange2016DAGShadowRedundancyLosesNothingUnderSingleCrashes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := singleCrashRun(t, true)
		require.Zero(t, v.Lost, "%+v", v.Fates)
	})
}

// The same workload without shadow redundancy loses mail: the property above can fail.
func TestWithoutShadowRedundancySingleCrashesLoseMail(t *testing.T) {
	lost := 0
	for seed := 0; seed < 40 && lost == 0; seed++ {
		rapid.Check(t, func(t *rapid.T) {
			lost += singleCrashRun(t, false).Lost
		})
	}
	require.Positive(t, lost)
}

func singleCrashRun(t *rapid.T, shadow bool) Verdict {
	top, w := threeMember2016()
	names := []string{"EX1", "EX2", "EX3"}
	s := sim.New(sim.Config{Start: t0, Seed: 1})
	o, err := New(s, top, w.env())
	require.NoError(t, err)
	if !shadow {
		require.NoError(t, o.SetTransportConfig([]Param{{Name: "ShadowRedundancyEnabled", Value: "$false"}}))
	}
	// the database fails over (losslessly) when its server goes down, as dag would
	moveDB := func() {
		for _, n := range names {
			if o.byName[strings.ToLower(n)].up {
				w.active["DB1"] = n
				return
			}
		}
	}
	at := time.Duration(0)
	crashes := rapid.IntRange(1, 6).Draw(t, "crashes")
	for i := 0; i < crashes; i++ {
		victim := rapid.SampledFrom(names).Draw(t, "victim")
		msgs := rapid.IntRange(0, 6).Draw(t, "msgs")
		for k := 0; k < msgs; k++ {
			at += time.Duration(rapid.IntRange(1, 120).Draw(t, "gap")) * time.Second
			require.NoError(t, s.At(at, 1, func() {
				_, err := o.Submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "m"})
				require.NoError(t, err)
			}))
		}
		if rapid.Bool().Draw(t, "dismount") {
			require.NoError(t, s.At(at, 1, func() { w.mounted["DB1"] = false }))
			back := at + time.Duration(rapid.IntRange(1, 40).Draw(t, "dismounted"))*time.Minute
			require.NoError(t, s.At(back, 1, func() { w.mounted["DB1"] = true }))
		}
		at += time.Duration(rapid.IntRange(1, 300).Draw(t, "before crash")) * time.Second
		down := time.Duration(rapid.IntRange(1, 9).Draw(t, "down")) * time.Minute
		require.NoError(t, s.At(at, 1, func() {
			o.Crash(victim, true)
			if w.active["DB1"] == victim {
				moveDB()
			}
		}))
		require.NoError(t, s.At(at+down, 1, func() { o.Start(victim) }))
		at += 15 * time.Minute
	}
	runChecked(t, s, o, at+time.Hour)
	w.mounted["DB1"] = true
	runChecked(t, s, o, s.Now()+6*time.Hour)
	return o.Verdict()
}

// RM / 3.7: Redirect-Message drains the delivery queues of the source to the target,
// which shadows them again; the source takes no new messages; 2010 has no
// Redirect-Message.
func TestRedirectMessageDrainsDeliveryQueuesToTarget(t *testing.T) {
	top, w := threeMember2016()
	top.InboundLoadBalanced = false
	top.Inbound = []string{"EX1"}
	w.mounted["DB1"] = false
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "one"}) })
	h.at(2*time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "two"}) })
	h.at(5*time.Minute, func() { require.NoError(t, h.o.RedirectMessage("EX1", "EX2.contoso.com")) })
	h.at(6*time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "three"}) })
	h.run(10 * time.Minute)
	for _, q := range h.o.GetQueue("EX1") {
		if q.DeliveryType != "ShadowRedundancy" {
			require.Zero(t, q.MessageCount, q.Identity)
		}
	}
	var onEX2 int
	for _, q := range h.o.GetQueue("EX2") {
		if q.DeliveryType == "SmtpDeliveryToMailbox" {
			onEX2 = q.MessageCount
		}
	}
	require.Equal(t, 2, onEX2)
	require.Empty(t, h.o.Verdict().SPOF, "the target made new shadows")
	// EX1's Transport refuses the third message (421 4.3.2), and EX1's Front End
	// Transport fails over to another member: the only inbound server still takes mail
	require.NotEqual(t, "internet", h.o.Verdict().Fates[2].Server)
	require.NotEqual(t, "EX1", h.o.Verdict().Fates[2].Server)
	h.at(11*time.Minute, func() { h.w.mounted["DB1"] = true })
	h.run(time.Hour)
	require.Equal(t, 3, h.o.Verdict().Delivered)

	top2, w2 := redSite()
	h2 := newHarness(t, top2, w2)
	require.ErrorContains(t, h2.o.RedirectMessage("FAB-RED-HUB1", "FAB-RED-HUB2"), "2013 and later")
}

// MT-2016's sequence for a message between two mailboxes, Exchange 2016: NOTIFYMAPI,
// RECEIVE and SUBMIT (STOREDRIVER) by Mailbox Transport Submission, RECEIVE (SMTP) in
// the Transport service, HAREDIRECT once the shadow exists, then SEND and DELIVER.
func TestExchange2016InternalMessageTrackingSequence(t *testing.T) {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "chris@contoso.com", Database: "DB1"})
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "chris@contoso.com", To: []string{"user@contoso.com"}, Subject: "test"})
	})
	h.run(5 * time.Minute)
	var evs []string
	for _, e := range trackingPath(h, 1) {
		evs = append(evs, e[strings.Index(e, " ")+1:])
	}
	require.Equal(t, []string{"NOTIFYMAPI", "RECEIVE", "SUBMIT", "RECEIVE", "HARECEIVE", "HAREDIRECT", "DELIVER", "SEND", "HADISCARD"}, evs)
	require.Equal(t, 1, h.o.Verdict().Delivered)
}

// The session timing cache agrees with transport/smtp.Timing, also for sessions that
// differ from one timed before only in what the cache's key once left out: a tarpit's
// MAIL FROM delay (exchange-stress.md 1.1), a receiver's capabilities without
// PIPELINING, a connect timeout, the latency, and TLS and authentication to a
// smart host. Each of those once got the earlier session's times in runs without
// protocol logs, and its own with them.
func TestTimingCacheMatchesSmtpTiming(t *testing.T) {
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	h.s.Journal().Disable()
	o := h.o
	ex1, ex2 := o.byName["ex1"], o.byName["ex2"]
	noPipelining := smtp.Peer{Server: internet, FQDN: "mx.y.z", IP: "192.0.2.9", Port: 25, Caps: []string{"SIZE", "8BITMIME"}}
	plainEx2 := o.peer(ex2, 25) // a Receive connector that offers neither PIPELINING nor CHUNKING
	plainEx2.Caps = []string{"SIZE", "8BITMIME"}
	smartHost := smtp.Peer{Server: internet, FQDN: "relay.y.z", IP: "192.0.2.10", Port: 25,
		Caps: []string{"PIPELINING", "CHUNKING", "STARTTLS", "AUTH LOGIN"}}
	for _, c := range []smtp.Conversation{
		{Start: 5 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: o.peer(ex2, 25),
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: o.peer(ex2, 25),
			MailDelay: 10 * time.Second, TarpitReason: "BackPressure",
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 80 * time.Millisecond, Client: o.peer(ex1, 1025), Server: o.peer(ex2, 25),
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 50 * time.Millisecond, Client: o.externalPeer("mail.b.c", 1025), Server: o.peer(ex2, 25),
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z", "w@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 50 * time.Millisecond, Client: o.externalPeer("mail.b.c", 1025), Server: plainEx2,
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z", "w@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: noPipelining,
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z", "w@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: smartHost,
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z", "w@y.z"}, Size: 100}}},
		{Start: 6 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: smartHost,
			RequireTLS: true, SmartHostAuth: smtp.AuthBasicRequireTLS,
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z", "w@y.z"}, Size: 100}}},
		{Start: 7 * time.Second, Latency: 50 * time.Millisecond, Client: o.externalPeer("mail.b.c", 1025), Server: o.peer(ex2, 25),
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z", "w@y.z"}, Size: 100, AckDelay: 3 * time.Second}}},
		{Start: 9 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: o.peer(ex2, 25), ConnectFailure: smtp.WinsockTimedOut,
			Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z"}, Size: 100}}},
		{Start: 9 * time.Second, Latency: 50 * time.Millisecond, Client: o.peer(ex1, 1025), Server: o.peer(ex2, 25), ConnectFailure: smtp.WinsockTimedOut,
			ConnectTimeout: 21 * time.Second, Messages: []smtp.Message{{From: "a@b.c", To: []string{"x@y.z"}, Size: 100}}},
	} {
		for range 2 { // a miss, then a hit
			want, err := smtp.Timing(c)
			require.NoError(t, err)
			got := o.timing(&c)
			require.Equal(t, want.End, got.End)
			require.Equal(t, want.Failure, got.Failure)
			require.Equal(t, len(want.Outcomes), len(got.Outcomes))
			for k := range want.Outcomes {
				require.Equal(t, want.Outcomes[k].QueuedAt, got.Outcomes[k].QueuedAt)
				require.Equal(t, want.Outcomes[k].AckAt, got.Outcomes[k].AckAt)
			}
		}
	}
}

// Two runs of the same world give the same journal and the same running hash.
func TestRunsAreDeterministic(t *testing.T) {
	run := func() (uint64, int) {
		s, o, _ := anchorsWorld(t, 300)
		s.Journal().Disable()
		require.NoError(t, s.RunUntil(day))
		return s.Hash(), o.Verdict().Delivered
	}
	h1, d1 := run()
	h2, d2 := run()
	require.Equal(t, h1, h2)
	require.Equal(t, d1, d2)
}

// SR-2016 2.4: a shadow server that cannot reach the primary for ShadowResubmitTimeSpan
// (3 h) promotes its shadows and delivers them; a primary back with a new queue database
// is noticed at the next heartbeat (ShadowHeartbeatFrequency, 2 min).
func TestExchange2016ShadowTakeoverAfterResubmitTimeSpanOrNewDatabase(t *testing.T) {
	for _, c := range []struct {
		name       string
		backAt     time.Duration
		minLatency time.Duration
		maxLatency time.Duration
	}{
		{"silent 3 h", 10 * time.Hour, 3 * time.Hour, 3*time.Hour + 5*time.Minute},
		{"new database", 30 * time.Minute, 29 * time.Minute, 33 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			top, w := threeMember2016()
			top.Servers = top.Servers[:2]
			top.Inbound = []string{"EX1"}
			top.InboundLoadBalanced = false
			w.active["DB1"], w.mounted["DB1"] = "EX2", false
			h := newHarness(t, top, w)
			h.at(0, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
			h.at(time.Minute, func() { h.o.Crash("EX1", true) })
			h.at(2*time.Minute, func() { h.w.mounted["DB1"] = true })
			h.at(c.backAt, func() { h.o.Start("EX1") })
			h.run(12 * time.Hour)
			v := h.o.Verdict()
			require.Equal(t, 1, v.Delivered)
			require.GreaterOrEqual(t, v.Fates[0].Latency, c.minLatency)
			require.LessOrEqual(t, v.Fates[0].Latency, c.maxLatency)
		})
	}
}

func TestFormatQueues2016TableAndList(t *testing.T) {
	top, w := threeMember2016()
	w.mounted["DB1"] = false
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.run(3 * time.Minute)
	rows := h.o.GetQueue("EX1")
	golden(t, "getqueue_2016_table.txt", FormatQueues(Exchange2016, rows, false))
	golden(t, "getqueue_2016_list.txt", FormatQueues(Exchange2016, rows[:1], true))
}
