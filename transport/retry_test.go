package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// failureTimes steps the run to d and records every instant q's RetryCount grew.
func failureTimes(h *harness, server string, key qkey, d time.Duration) []time.Duration {
	var out []time.Duration
	last := 0
	done := false
	require.NoError(h.t, h.s.At(d, 0, func() { done = true }))
	for !done {
		ok, err := h.s.Step()
		require.NoError(h.t, err)
		if !ok {
			break
		}
		require.NoError(h.t, h.o.Check())
		if q := h.o.byName[strings.ToLower(server)].byKey[key]; q != nil && q.retryCount != last {
			if q.retryCount > last {
				out = append(out, h.s.Now())
			}
			last = q.retryCount
		}
	}
	return out
}

// MI-2016 / 2010 aa998043: a queue whose next hop fails retries QueueGlitchRetryCount
// (4) times QueueGlitchRetryInterval (1 min) apart, then TransientFailureRetryCount (6)
// times TransientFailureRetryInterval (5 min) apart, then every
// OutboundConnectionFailureRetryInterval (10 min).
func TestRetryLadderGlitchThenTransientThenOutboundConnectionFailureInterval(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("ladder")) })
	f := failureTimes(h, "FAB-RED-HUB1", qkey{"MapiDelivery", "DB1"}, 3*time.Hour)
	require.GreaterOrEqual(t, len(f), 14)
	L := h.o.top.Latency // each attempt takes one RPC latency before it fails
	for i := 1; i < len(f); i++ {
		want := 10 * time.Minute
		switch {
		case i <= 4:
			want = time.Minute
		case i <= 10:
			want = 5 * time.Minute
		}
		require.Equal(t, want+L, f[i]-f[i-1], "gap before failure %d", i+1)
	}
}

// MI-2016: after DelayNotificationTimeout (4 h) the sender gets a delay DSN; after
// MessageExpirationTimeout (2 days) the message expires with an NDR
// "550 4.4.7 QUEUE.Expired". DSNs are counted apart from the message counts.
func TestDelayDSNAfterFourHoursAndNDRQueueExpiredAfterTwoDays(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("expiring")) })
	h.run(4 * time.Hour)
	require.Equal(t, 0, h.o.Verdict().DSNs)
	h.run(4*time.Hour + 11*time.Minute)
	require.Equal(t, 1, h.o.Verdict().DSNs, "one delay DSN")
	h.run(2 * day)
	require.Equal(t, 0, h.o.Verdict().Bounced)
	h.run(2*day + 12*time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Bounced)
	require.Equal(t, 2, v.DSNs)
	require.Equal(t, "550 4.4.7 QUEUE.Expired; message expired", v.Fates[0].Reason)
	// one DEFER when the dismounted database first refused the copy (4.1: DEFER, source
	// STOREDRIVER, the store driver's reply as recipient-status), not one per retry;
	// one more after each MaxIdleTimeBeforeResubmit (12 h in Retry: the copy is
	// categorized again and enters the queue afresh, exchange-stress.md 4.3), at 12, 24
	// and 36 hours
	require.Equal(t, []string{"FAB-RED-HUB1 RECEIVE", "FAB-RED-HUB1 DEFER", "FAB-RED-HUB1 DSN",
		"FAB-RED-HUB1 DEFER", "FAB-RED-HUB1 DEFER", "FAB-RED-HUB1 DEFER", "FAB-RED-HUB1 FAIL", "FAB-RED-HUB1 DSN"}, trackingPath(h, 1))
}

// Set-TransportService values change the ladder and expiry.
func TestSetTransportServiceChangesExpiry(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: "00:30:00"}}))
	h.at(time.Minute, func() { h.submit(internetMail("short")) })
	h.run(time.Hour)
	require.Equal(t, 1, h.o.Verdict().Bounced)
}

func twoMailbox2016() (Topology, *world) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "EX1", Site: "S1", Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: "DAG1"},
			{Name: "EX2", Site: "S1", Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: "DAG1"},
		},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Inbound:   []string{"EX1"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX2", true
	return top, w
}

// KB 2866822 / dag-components 1.6: HubTransport set to Draining changes nothing until
// the Microsoft Exchange Transport service restarts; then the server answers MAIL FROM
// with 421 4.3.2 Service not active (EHLO still works) and the sender keeps the message.
// The KB's Exchange 2013 Mailbox servers without the ClientAccess role answer port 25
// with the Transport service itself (exchange-2013-pipeline.md 1.2); behind a front end
// the reply goes to FET, which fails over (TestFrontEndFailsOverToTheNextDestination).
func TestDrainedServerAnswers421OnlyAfterTransportRestart(t *testing.T) {
	top, w := twoMailbox2016()
	for i := range top.Servers {
		top.Servers[i].Version = Exchange2013
	}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.w.states["EX1"] = "Draining" })
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "before restart"})
	})
	h.at(3*time.Minute, func() { require.NoError(t, h.o.RestartService("EX1", "MSExchangeTransport")) })
	h.at(4*time.Minute, func() {
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "after restart"})
	})
	h.run(10 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, Delivered, v.Fates[0].Fate)
	require.Equal(t, Stuck, v.Fates[1].Fate)
	require.Equal(t, "internet", v.Fates[1].Server)
	_, proto := logs.FromJournal(h.s.Journal().Records())
	var saw421, sawEHLO bool
	for _, p := range proto {
		if p.Server == "EX1" && p.At >= 4*time.Minute {
			sawEHLO = sawEHLO || strings.HasPrefix(p.Data, "EHLO")
			saw421 = saw421 || p.Data == "421 4.3.2 Service not active"
		}
		if p.At < 4*time.Minute {
			require.NotEqual(t, "421 4.3.2 Service not active", p.Data)
		}
	}
	require.True(t, sawEHLO)
	require.True(t, saw421)
	// back to Active and restarted: the sender's next retry gets in
	h.at(11*time.Minute, func() {
		h.w.states["EX1"] = "Active"
		require.NoError(t, h.o.RestartService("EX1", "MSExchangeTransport"))
	})
	h.run(40 * time.Minute)
	require.Equal(t, 2, h.o.Verdict().Delivered)
}
