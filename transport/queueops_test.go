package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Q-2016: a Suspended queue still takes new messages but nothing leaves until
// Resume-Queue; Retry-Queue forces a connection attempt now.
func TestSuspendedQueueHoldsMessagesUntilResumeAndRetryQueueAttemptsNow(t *testing.T) {
	h := seed002(t, false)
	require.NoError(t, h.o.SuspendQueue(`FAB-RED-HUB1\DB1`))
	h.w.mounted["DB1"] = true
	h.run(time.Hour)
	require.Equal(t, 0, h.o.Verdict().Delivered)
	rows := h.o.GetQueue("FAB-RED-HUB1")
	require.Equal(t, "Suspended", rows[0].Status)
	out, err := h.o.GetMessage("", `FAB-RED-HUB1\1`, false)
	require.NoError(t, err)
	golden(t, "getmessage_suspended.txt", out)
	require.NoError(t, h.o.ResumeQueue(`FAB-RED-HUB1\1`))
	h.run(time.Hour + time.Second)
	require.Equal(t, 2, h.o.Verdict().Delivered)

	_, err = h.o.findQueue(`FAB-RED-HUB1\Submision`)
	require.ErrorContains(t, err, `did you mean "FAB-RED-HUB1\\Submission"`)
}

func TestRetryQueueDeliversBeforeTheNextRetryTime(t *testing.T) {
	h := seed002(t, false)
	h.w.mounted["DB1"] = true
	rows := h.o.GetQueue("FAB-RED-HUB1")
	require.Equal(t, "Retry", rows[0].Status)
	require.NoError(t, h.o.RetryQueue(rows[0].Identity))
	h.run(12*time.Minute + time.Second)
	require.Equal(t, 2, h.o.Verdict().Delivered)
}

// DelayedAckSkipping (exchange-transport.md 1.5): a message for a Suspended queue, for
// Unreachable, or for a queue already holding DelayedAckSkippingQueueLength messages
// is acknowledged at once, with the reason journaled.
func TestDelayedAckSkippingReasons(t *testing.T) {
	cases := []struct {
		name, reason string
		prep         func(h *harness)
		to           string
	}{
		{"suspended", "DelayedAckSkipping (QueueIsSuspended)", func(h *harness) {
			h.w.mounted["DB1"] = true
			h.at(9*time.Minute, func() {
				h.submit(internetMail("creates the queue"))
			})
			h.at(9*time.Minute+30*time.Second, func() { require.NoError(h.t, h.o.SuspendQueue(`FAB-RED-HUB1\DB1`)) })
		}, "user1@contoso.com"},
		{"unreachable", "DelayedAckSkipping (Unreachable)", func(h *harness) {}, "someone@gmail.com"},
		{"queue length", "DelayedAckSkipping (QueueLength=1>=1)", func(h *harness) {
			// two messages arrive at the same instant: the second finds one in the queue
			require.NoError(h.t, h.o.SetEdgeTransportConfig("FAB-RED-HUB1", "DelayedAckSkippingQueueLength", "1"))
			h.w.mounted["DB1"] = true
			h.at(10*time.Minute, func() { h.submit(internetMail("first")) })
		}, "user1@contoso.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top, w := redSite()
			h := newHarness(t, top, w)
			c.prep(h)
			h.at(10*time.Minute, func() {
				h.submit(Message{From: "sender@fabrikam.net", To: []string{c.to}, Subject: "skip"})
			})
			h.run(11 * time.Minute)
			acks := ackRecords(h, "#"+itoa(len(h.o.msgs)))
			require.Len(t, acks, 1)
			require.Contains(t, acks[0], c.reason)
		})
	}
	// DelayedAckSkippingEnabled false: the 30 s delay is kept even for a queue in Retry
	top, w := redSite()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("", "DelayedAckSkippingEnabled", "False"))
	h.at(10*time.Minute, func() { h.submit(internetMail("a")) })
	h.at(10*time.Minute+45*time.Second, func() { h.submit(internetMail("b")) })
	h.run(12 * time.Minute)
	require.Contains(t, ackRecords(h, "#2")[0], "MaxAcknowledgementDelay (30s) ran out")
}

func itoa(n int) string { return string(rune('0' + n)) }

// Unknown configuration names are errors that suggest the closest valid one.
func TestConfigurationNamesAreCheckedWithSuggestions(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	err := h.o.SetTransportConfig([]Param{{Name: "ShadowRedundancyEnable", Value: "$true"}})
	require.ErrorContains(t, err, `did you mean "ShadowRedundancyEnabled"`)
	err = h.o.SetEdgeTransportConfig("", "DelayedAckSkipingEnabled", "true")
	require.ErrorContains(t, err, `did you mean "DelayedAckSkippingEnabled"`)
	err = h.o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: "soon"}})
	require.Error(t, err)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxAcknowledgementDelay", Value: "00:00:15"}, {Name: "MaxDumpsterSizePerDatabase", Value: "36MB"}}))
	require.Equal(t, 15*time.Second, h.o.cfgDur(cMaxAcknowledgementDelay, nil))
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "SafetyNetHoldTime", Value: "2.00:00:00"}}))
	require.Equal(t, 2*day, h.o.cfgDur(cSafetyNetHoldTime, nil))
}

// Safety Net lives in the queue database but is not a queue: Get-Message does not
// list its copies and no queue identity reaches it.
func TestGetMessageDoesNotListSafetyNet(t *testing.T) {
	top, w := oneServer2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "sender@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "good", Size: 4096})
	})
	h.run(10 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	out, err := h.o.GetMessage("EX1", "", false)
	require.NoError(t, err)
	require.NotContains(t, out, "good")
	_, err = h.o.GetMessage("", `EX1\0`, false)
	require.Error(t, err)
}
