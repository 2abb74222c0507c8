package transport

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// mixed2010to2013 is a mixed-version organization: the Exchange 2010 SP1 hub HUB1
// takes internet mail, and the recipient's database DB13 is mounted on MBX13, an
// Exchange 2013 Mailbox server alone in its site and in no DAG, so it has no other
// server to make a shadow on. The 2010 store driver cannot deliver into a 2013
// database, so HUB1 relays to MBX13 over SMTP (SmtpRelayToMailboxDeliveryGroup): the
// relay is an SMTP session whatever the sites, which is what per-message deferral
// needs. Reject sets RejectMessageOnShadowFailure.
func mixed2010to2013(t *testing.T, reject bool) *harness {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "HUB1", Site: "Red", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
			{Name: "MBX13", Site: "Red", Version: Exchange2013, Roles: []string{"Mailbox"}},
		},
		Mailboxes: []Mailbox{{Address: "user1@contoso.com", Database: "DB13"}},
		Inbound:   []string{"HUB1"},
	}
	w := newWorld()
	w.active["DB13"], w.mounted["DB13"] = "MBX13", true
	h := newHarness(t, top, w)
	if reject {
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
	}
	return h
}

func trackingRows(h *harness, server, event string) []logs.TrackingEvent {
	var out []logs.TrackingEvent
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(logs.TrackingEvent); ok && r.Kind == logs.KindTracking && r.Server == server && string(e.EventID) == event {
			out = append(out, e)
		}
	}
	return out
}

// 1.5, reason 5: a 2010 hub holding the 250 of an internet message (no XSHADOW) whose
// next hop defers it (an Exchange 2013 server that cannot make a shadow and has
// RejectMessageOnShadowFailure $true answers 451 4.4.0) stops delaying at once and
// journals DelayedAckSkipping (ItemDeferred=<the defer time>); with $false the 2013
// server accepts the message unprotected and the ack follows the normal path.
func TestDelayedAckSkippedWithItemDeferredWhenA2013NextHopAnswers451(t *testing.T) {
	for _, reject := range []bool{true, false} {
		h := mixed2010to2013(t, reject)
		h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
		h.run(10*time.Minute + 20*time.Second)
		acks := ackRecords(h, "#1")
		require.Len(t, acks, 1, "reject=%v", reject)
		if reject {
			// the relay's data is answered at 10m+350ms+350ms; the 451 reaches HUB1 one
			// hop later and the message may go again MessageRetryInterval (1 min, 2010) on
			require.Contains(t, acks[0], "DelayedAckSkipping (ItemDeferred=3/1/2011 9:11:00 AM)")
			require.True(t, strings.HasPrefix(acks[0], "09:10:00.") && acks[0] < "09:10:01", acks[0])
		} else {
			require.Contains(t, acks[0], "the message reached its next hop")
			require.NotContains(t, acks[0], "DelayedAckSkipping")
			require.Equal(t, 1, h.o.Verdict().Delivered)
		}
	}
}

// Section 5: a 4xx for one message, in a session that went well, gets a per-message
// retry after MessageRetryInterval: the queue stays Active (no queue Retry, RetryCount
// 0), the message shows Status Retry with the reply as its LastError, DEFER is logged
// with Source SMTP and the 4xx as recipient-status, and it is offered again every
// MessageRetryInterval (1 min on 2010, 15 min on 2013+) until it expires.
func TestPerMessage451IsDeferredAndRetriedEveryMessageRetryInterval(t *testing.T) {
	h := mixed2010to2013(t, true)
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.run(13*time.Minute + 30*time.Second)

	rows := h.o.GetQueue("HUB1")
	require.Len(t, rows, 2)
	require.Equal(t, "SmtpRelayToMailboxDeliveryGroup", rows[0].DeliveryType)
	require.Equal(t, "Site:Red;Version:15", rows[0].NextHopDomain)
	require.Equal(t, "Active", rows[0].Status)
	require.Equal(t, 0, rows[0].RetryCount)
	require.Empty(t, rows[0].LastError)
	require.Equal(t, 1, rows[0].MessageCount)
	require.Equal(t, 1, rows[0].DeferredMessageCount)
	out, err := h.o.GetMessage("HUB1", "", true)
	require.NoError(t, err)
	require.Contains(t, out, "Status      : Retry")
	require.Contains(t, out, "LastError   : 451 4.4.0 Message failed to be made redundant")

	defers := trackingRows(h, "HUB1", "DEFER")
	require.Len(t, defers, 1, "one DEFER per copy per queue")
	require.Equal(t, logs.Source("SMTP"), defers[0].Source)
	require.Equal(t, []string{"451 4.4.0 Message failed to be made redundant"}, defers[0].RecipientStatus)
	require.Equal(t, "MBX13.contoso.com", defers[0].ServerHostname, "the next hop as the SEND row would name it")
	require.Empty(t, trackingRows(h, "HUB1", "SEND"))

	// every offer reaches MBX13 (RECEIVE), which fails to make a shadow and refuses it
	var at []time.Duration
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(logs.TrackingEvent); ok && r.Server == "MBX13" && e.EventID == "HAREDIRECTFAIL" {
			at = append(at, r.At)
		}
	}
	require.Len(t, at, 4) // 10m, then after 1, 2 and 3 minutes of retries
	for k := 1; k < len(at); k++ {
		gap := at[k] - at[k-1]
		// one minute, plus the time a new session takes to reach the data
		require.True(t, gap > time.Minute && gap < time.Minute+time.Second, "gap %d: %v", k, gap)
	}

	// a longer MessageRetryInterval spaces the offers out
	h2 := mixed2010to2013(t, true)
	require.NoError(t, h2.o.SetTransportService("HUB1", []Param{{Name: "MessageRetryInterval", Value: "00:05:00"}}))
	h2.at(10*time.Minute, func() { h2.submit(internetMail("deferred")) })
	h2.run(20*time.Minute + 30*time.Second)
	require.Len(t, trackingRows(h2, "MBX13", "HAREDIRECTFAIL"), 3)

	// the shadow becomes possible (RejectMessageOnShadowFailure $false): the next
	// offer is accepted and delivered
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$false"}}))
	h.run(15 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Len(t, trackingRows(h, "HUB1", "SEND"), 1)
	require.Equal(t, 0, h.o.GetQueue("HUB1")[0].DeferredMessageCount)
	// MBX13's refused copies lived no time: one single-point-of-failure window on HUB1
	// from the 250 to the accepted offer, not one per retry (then MBX13's own, as it
	// accepted the message unprotected)
	spof := h.o.Verdict().SPOF
	require.Len(t, spof, 2)
	require.Equal(t, "HUB1", spof[0].Server)
	require.Greater(t, spof[0].To-spof[0].From, 4*time.Minute)
	require.Equal(t, "MBX13", spof[1].Server)
}

// 3.6: a deferred message is still subject to DelayNotificationTimeout (delay DSN)
// and MessageExpirationTimeout (NDR 550 4.4.7 QUEUE.Expired).
func TestDeferredMessageGetsDelayDSNAndExpires(t *testing.T) {
	h := mixed2010to2013(t, true)
	require.NoError(t, h.o.SetTransportService("HUB1", []Param{
		{Name: "MessageRetryInterval", Value: "00:30:00"},
		{Name: "DelayNotificationTimeout", Value: "01:00:00"},
		{Name: "MessageExpirationTimeout", Value: "02:00:00"},
	}))
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.run(3 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Bounced)
	require.Equal(t, expiredStatus, v.Fates[0].Reason)
	var dsn []string
	for _, e := range trackingRows(h, "HUB1", "DSN") {
		dsn = append(dsn, e.SourceContext)
	}
	require.Equal(t, []string{"delay", ""}, dsn)
	require.Len(t, trackingRows(h, "HUB1", "FAIL"), 1)
}

// The ledger stays consistent when the deferring hub crashes with its queue database
// and the deferred copy was the only one (the sender had its 250): the message is lost,
// with the crash named.
func TestDeferredMessageLostWithTheQueueDatabaseOfItsHub(t *testing.T) {
	h := mixed2010to2013(t, true)
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.at(11*time.Minute+30*time.Second, func() { h.o.Crash("HUB1", true) })
	h.run(12 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Lost)
	require.Equal(t, "HUB1", v.Fates[0].Server)
}

// The rows an admin reads (4.1, 4.3): HUB1's message tracking log has RECEIVE then
// DEFER (Source SMTP, server-hostname MBX13, recipient-status the 451) and, once the
// shadow can be made, SEND; HUB1's Send protocol log shows MBX13's 451 4.4.0 to the
// data of the refused offers.
func TestDeferredRelayTrackingAndProtocolLogsGolden(t *testing.T) {
	h := mixed2010to2013(t, true)
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.at(11*time.Minute+30*time.Second, func() {
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$false"}}))
	})
	h.run(15 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	golden(t, "deferral_tracking_HUB1.log", trackingCSV(t, h, "HUB1"))
	_, proto := logs.FromJournal(h.s.Journal().Records())
	var send []logs.ProtocolEvent
	for _, p := range proto {
		if p.Server == "HUB1" && p.Log == logs.Send {
			send = append(send, p)
		}
	}
	var b bytes.Buffer
	require.NoError(t, logs.WriteProtocolLog(&b, string(Exchange2010SP1), logs.Send, t0, send))
	got := strings.ReplaceAll(b.String(), "\r\n", "\n")
	require.Equal(t, 2, strings.Count(got, "451 4.4.0 Message failed to be made redundant"))
	golden(t, "deferral_send_HUB1.log", got)
}

// 2.3 with the shadow server down rather than absent: MBX13's DAG partner MBX13B is
// down, so MBX13 answers the data only after its shadow attempts have failed
// (HAREDIRECTFAIL), with 451 4.4.0; HUB1, which was waiting for that answer, defers
// the message (DEFER, no SEND) and delivers it once MBX13B is back.
func TestRelayDeferredWhenTheOnlyShadowServerIsDown(t *testing.T) {
	top := Topology{
		Servers: []ServerSpec{
			{Name: "HUB1", Site: "Red", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
			{Name: "MBX13", Site: "Red", Version: Exchange2013, Roles: []string{"Mailbox"}, DAG: "DAG13"},
			{Name: "MBX13B", Site: "Red", Version: Exchange2013, Roles: []string{"Mailbox"}, DAG: "DAG13"},
		},
		Mailboxes: []Mailbox{{Address: "user1@contoso.com", Database: "DB13"}},
		Inbound:   []string{"HUB1"},
	}
	w := newWorld()
	w.active["DB13"], w.mounted["DB13"] = "MBX13", true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
	h.o.Crash("MBX13B", false)
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.run(10*time.Minute + 50*time.Second)
	require.Len(t, trackingRows(h, "MBX13", "HAREDIRECTFAIL"), 1)
	require.Len(t, trackingRows(h, "HUB1", "DEFER"), 1)
	require.Empty(t, trackingRows(h, "HUB1", "SEND"))
	require.Equal(t, 1, h.o.GetQueue("HUB1")[0].DeferredMessageCount)
	require.Equal(t, "Active", h.o.GetQueue("HUB1")[0].Status)
	h.at(12*time.Minute, func() { h.o.Start("MBX13B") })
	h.run(20 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Len(t, trackingRows(h, "HUB1", "SEND"), 1)
	require.Len(t, trackingRows(h, "HUB1", "DEFER"), 1)
}
