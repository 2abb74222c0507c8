package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func resubmits(h *harness) []QueueResubmitted {
	var out []QueueResubmitted
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(QueueResubmitted); ok {
			out = append(out, e)
		}
	}
	return out
}

// fact: exchange-stress.md 4.1: Retry-Queue -Resubmit $true sends the Unreachable queue's messages back to
// the categorizer, which routes them with the routing of now; a delivery queue can be
// resubmitted only in Retry, the poison queue never as a queue.
func TestRetryQueueResubmitSendsMessagesBackToTheCategorizer(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Partner", AddressSpaces: []string{"fabrikam.net"}, SourceServers: []string{"EX1"}}, nil)
	sendOut(h, time.Minute, "z@gmail.com") // no connector: Unreachable
	h.at(5*time.Minute, func() {
		h.o.top.Connectors = append(h.o.top.Connectors, Connector{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}})
		require.ErrorContains(t, h.o.ResubmitQueue(`EX1\Submission`), "not a delivery queue or the Unreachable queue")
		require.NoError(t, h.o.ResubmitQueue(`EX1\Unreachable`))
	})
	h.run(time.Hour)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Equal(t, []QueueResubmitted{{Identity: `EX1\Unreachable`, Messages: 1, Why: "Retry-Queue -Resubmit $true"}}, resubmits(h))

	h = outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"sh1.contoso.net"}}, nil)
	sendOut(h, time.Minute, "z@gmail.com")
	h.run(2 * time.Minute)
	var id string
	for _, q := range h.o.GetQueue("EX1") {
		if q.DeliveryType == "SmartHostConnectorDelivery" {
			id = q.Identity
		}
	}
	require.ErrorContains(t, h.o.ResubmitQueue(id), "only when the status of the remote queue is Retry")
}

// fact: exchange-stress.md 4.3: MaxIdleTimeBeforeResubmit (12 h by default): a delivery queue in Retry
// that has delivered nothing for that long has its messages re-categorized; 1.3:
// back pressure's "message resubmission paused" holds it.
func TestMaxIdleTimeBeforeResubmitResubmitsAnIdleRetryQueue(t *testing.T) {
	for _, pressed := range []bool{false, true} {
		h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"sh1.contoso.net"}}, nil)
		require.NoError(t, h.o.SetEdgeTransportConfig("EX1", "MaxIdleTimeBeforeResubmit", "01:00:00"))
		require.NoError(t, h.o.HostDown("sh1.contoso.net"))
		if pressed {
			require.NoError(t, h.o.SetResourceUse("EX1", DatabaseUsedSpace, 96))
		}
		sendOut(h, time.Minute, "z@gmail.com")
		h.run(3 * time.Hour)
		got := resubmits(h)
		if pressed {
			require.Empty(t, got)
			continue
		}
		require.NotEmpty(t, got)
		require.Equal(t, "MaxIdleTimeBeforeResubmit", got[0].Why)
		require.Len(t, got, 2, "once an hour: after the first hour in Retry, then an hour after the resubmission")
	}
	require.Equal(t, 12*time.Hour, time.Duration(settingByName["maxidletimebeforeresubmit"].def(Exchange2016)))
}

func messageID(h *harness, server, dtype string) string {
	out, err := h.o.GetMessage(server, "", true)
	require.NoError(h.t, err)
	for _, q := range h.o.GetQueue(server) {
		if q.DeliveryType == dtype {
			for _, line := range strings.Split(out, "\n") {
				if f := strings.Fields(line); len(f) == 3 && f[0] == "Identity" && strings.HasPrefix(f[2], q.Identity+`\`) {
					return f[2]
				}
			}
		}
	}
	h.t.Fatalf("no message in a %s queue of %s:\n%s", dtype, server, out)
	return ""
}

// fact: exchange-stress.md 4.2: Remove-Message -WithNDR $true (the default) returns the message to its
// sender; -WithNDR $false deletes it without telling anyone (the verdict counts it
// lost to the removal); the Submission queue's messages can't be removed.
func TestRemoveMessageWithAndWithoutNDR(t *testing.T) {
	for _, ndr := range []bool{true, false} {
		h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"sh1.contoso.net"}}, nil)
		require.NoError(t, h.o.HostDown("sh1.contoso.net"))
		sendOut(h, time.Minute, "z@gmail.com")
		h.at(10*time.Minute, func() {
			require.NoError(t, h.o.RemoveMessage(messageID(h, "EX1", "SmartHostConnectorDelivery"), ndr))
		})
		h.run(time.Hour)
		f := h.o.Verdict().Fates[0]
		if ndr {
			require.Equal(t, Bounced, f.Fate)
			require.Equal(t, removedNDR, f.Reason)
		} else {
			require.Equal(t, Lost, f.Fate)
			require.Equal(t, "Remove-Message -WithNDR $false", f.Reason)
		}
	}
	h := pressureHarness(t, Exchange2016)
	require.NoError(t, h.o.SuspendQueue(`EX1\Submission`))
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.run(2 * time.Minute)
	out, _ := h.o.GetMessage("EX1", `EX1\Submission`, false)
	require.Contains(t, out, `EX1\Submission\`)
	id := strings.Fields(strings.Split(strings.TrimSpace(out), "\n")[2])[0]
	require.ErrorContains(t, h.o.RemoveMessage(id, true), "can't be removed from the Submission queue")
}

// fact: exchange-stress.md 4.2: a suspended message stays in its queue and is not sent, while the others
// are; Resume-Message lets it go.
func TestSuspendMessageHoldsItUntilResumed(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"sh1.contoso.net"}}, nil)
	require.NoError(t, h.o.HostDown("sh1.contoso.net"))
	sendOut(h, time.Minute, "z@gmail.com")
	h.at(3*time.Minute, func() {
		require.NoError(t, h.o.SuspendMessage(messageID(h, "EX1", "SmartHostConnectorDelivery")))
		require.NoError(t, h.o.HostUp("sh1.contoso.net"))
	})
	sendOut(h, 4*time.Minute, "y@gmail.com")
	h.at(30*time.Minute, func() {
		require.Equal(t, 1, h.o.Verdict().Delivered, "the other message went")
		out, _ := h.o.GetMessage("EX1", "", true)
		require.Contains(t, out, "Suspended")
		require.NoError(t, h.o.ResumeMessage(messageID(h, "EX1", "SmartHostConnectorDelivery")))
	})
	h.run(time.Hour)
	require.Equal(t, 2, h.o.Verdict().Delivered)
}

// fact: exchange-stress.md 4.5: Add-ResubmitRequest -Destination -StartTime -EndTime resubmits the
// primary Safety Net's copies for that database and window; both times must be in
// the past, start before end; Safety Net resubmits are hidden from mailbox users by
// duplicate detection; Get-ResubmitRequest lists the numbered requests.
func TestAddResubmitRequestResubmitsFromSafetyNet(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.at(10*time.Minute, func() {
		_, err := h.o.AddResubmitRequest("DB1", 5*time.Minute, time.Minute)
		require.ErrorContains(t, err, "StartTime must be before EndTime")
		_, err = h.o.AddResubmitRequest("DB1", 0, time.Hour)
		require.ErrorContains(t, err, "in the past")
		req, err := h.o.AddResubmitRequest("DB1", 0, 5*time.Minute)
		require.NoError(t, err)
		require.Equal(t, 1, req.Identity)
		require.Equal(t, 1, req.MessagesResubmitted)
	})
	h.run(time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 1, v.DuplicatesDetected)
	require.Equal(t, 0, v.Duplicates)
	out, err := h.o.GetResubmitRequest(0)
	require.NoError(t, err)
	require.Contains(t, out, "DB1")
	_, err = h.o.GetResubmitRequest(2)
	require.Error(t, err)
}

// fact: exchange-stress.md 4.5: Add-ResubmitRequest's ConditionalResubmit set (-Recipient,
// -Sender, -MessageId) resubmits only the matching Safety Net copies; Recipient and
// Sender can't be combined with -Destination.
func TestAddResubmitRequestConditionalResubmitMatchesSenderRecipientMessageId(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.at(time.Minute, func() { h.submit(Message{From: "b@tailspin.net", To: []string{"user@contoso.com"}}) })
	h.at(10*time.Minute, func() {
		_, err := h.o.AddResubmitRequestFor(ResubmitFilter{Destination: "DB1", Sender: "a@fabrikam.net"}, 0, 5*time.Minute)
		require.ErrorContains(t, err, "can't be used with -Destination")
		_, err = h.o.AddResubmitRequestFor(ResubmitFilter{}, 0, 5*time.Minute)
		require.ErrorContains(t, err, "give -Destination")
		req, err := h.o.AddResubmitRequestFor(ResubmitFilter{Sender: "A@fabrikam.net"}, 0, 5*time.Minute)
		require.NoError(t, err)
		require.Equal(t, 1, req.MessagesResubmitted, "only a@fabrikam.net's message")
		req, err = h.o.AddResubmitRequestFor(ResubmitFilter{Recipient: "nobody@contoso.com"}, 0, 5*time.Minute)
		require.NoError(t, err)
		require.Zero(t, req.MessagesResubmitted)
		req, err = h.o.AddResubmitRequestFor(ResubmitFilter{MessageID: h.o.msgID(h.o.msgs[1], nil)}, 0, 5*time.Minute)
		require.NoError(t, err)
		require.Equal(t, 1, req.MessagesResubmitted, "the second message by its Message-Id")
	})
	h.run(time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Delivered)
	require.Equal(t, 2, v.DuplicatesDetected, "one resubmitted copy of each, dropped by the mailbox")
	out, err := h.o.GetResubmitRequest(1)
	require.NoError(t, err)
	require.Contains(t, out, "Sender=A@fabrikam.net")
}

// fact: exchange-stress.md 4.5: -UnresponsivePrimaryServers lets the other servers holding copies
// (Shadow Safety Net) resubmit when the primaries are down.
func TestAddResubmitRequestUnresponsivePrimaryServersUsesShadowSafetyNet(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.at(20*time.Minute, func() {
		h.o.Crash("EX1", false)
		h.w.active["DB1"] = "EX2" // the database fails over
		req, err := h.o.AddResubmitRequestFor(ResubmitFilter{Destination: "DB1", UnresponsivePrimaryServers: []string{"EX1"}}, 0, 10*time.Minute)
		require.NoError(t, err)
		require.Equal(t, 1, req.MessagesResubmitted)
		_, err = h.o.AddResubmitRequestFor(ResubmitFilter{Destination: "DB1", UnresponsivePrimaryServers: []string{"EX9"}}, 0, 10*time.Minute)
		require.Error(t, err)
	})
	h.run(time.Hour)
	var from []string
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(Resubmitted); ok && e.Why == "Add-ResubmitRequest" {
			from = append(from, e.Server)
		}
	}
	require.Equal(t, []string{"EX2"}, from, "EX2's Shadow Safety Net answered while EX1 was down")
	require.Equal(t, 1, h.o.Verdict().DuplicatesDetected)
}
