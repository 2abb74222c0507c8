package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the message flow (flow.go) that pin sourced facts, found by mutation
// testing (issue 24).

// fact: exchange-transport.md §5: a sender without a 250 keeps the message and retries;
// RFC 5321's give-up time is 4-5 days (exsim: 5 days, every SenderRetry). A try that
// starts exactly 5 days after submission is still made; the sender gives up when the
// next try would start later than that, and the recipient is bounced then.
func TestInternetSenderGivesUpAfterFiveDaysWithoutA250(t *testing.T) {
	top, w := redSite()
	// a failed try takes 2 x Latency (100 ms): 480 cycles of SenderRetry + 100 ms are
	// exactly 5 days, so try 481 starts at 5 days
	top.SenderRetry = 15*time.Minute - 100*time.Millisecond
	h := newHarness(t, top, w)
	h.o.Stop("FAB-RED-HUB1") // the only inbound server
	sent := time.Minute
	h.at(sent, func() { h.submit(internetMail("never accepted")) })
	h.run(sent + 6*day)
	require.Len(t, h.records("transport.sender", "#1"), 480, "the retries before the last try")
	require.Equal(t, 481, h.o.msgs[0].tries)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Bounced)
	require.Equal(t, Bounced, v.Fates[0].Fate)
	require.Equal(t, 5*day+100*time.Millisecond, v.Fates[0].Latency, "the last try's connection timed out")
	require.Equal(t, 0, v.DSNs, "the sender's own bounce, not an Exchange NDR")
}

// A recipient is local-part@domain: Submit refuses one with either part empty (as an
// SMTP client would at RCPT TO) and accepts the shortest valid address.
func TestSubmitRefusesARecipientWithoutLocalPartOrDomain(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	for _, to := range []string{"@contoso.com", "user1@", "user1", "@"} {
		_, err := h.o.Submit(Message{From: "a@fabrikam.net", To: []string{to}})
		require.ErrorContains(t, err, "bad recipient", to)
	}
	_, err := h.o.Submit(Message{From: "a@fabrikam.net", To: []string{"u@c"}})
	require.NoError(t, err)
}
