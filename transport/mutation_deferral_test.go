package transport

import (
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of per-message deferral (deferral.go) found by mutation testing (issue 24).

// runBounded is harness.run with a limit on the number of events: a queue that keeps
// re-arming its attempt at one instant fails the test instead of hanging it.
func runBounded(h *harness, d time.Duration, limit int) {
	h.t.Helper()
	done := false
	require.NoError(h.t, h.s.At(d, 0, func() { done = true }))
	for n := 0; !done; n++ {
		require.Less(h.t, n, limit, "more than %d events before %v: stuck at %v", limit, d, h.s.Now())
		ok, err := h.s.Step()
		require.NoError(h.t, err)
		if !ok {
			break
		}
		require.NoError(h.t, h.o.Check())
	}
}

// fact: exchange-stress.md §4.2 and exchange-transport.md §5: a message deferred by a
// 451 waits MessageRetryInterval; suspended meanwhile, it is not offered when its
// deferral ends (the queue has nothing else to send and waits), and Resume-Message
// lets it go again.
func TestSuspendedDeferredMessageIsNotOfferedWhenItsDeferralEnds(t *testing.T) {
	h := mixed2010to2013(t, true)
	h.at(10*time.Minute, func() { h.submit(internetMail("deferred")) })
	h.at(10*time.Minute+30*time.Second, func() {
		require.NoError(t, h.o.SuspendMessage(messageID(h, "HUB1", "SmtpRelayToMailboxDeliveryGroup")))
	})
	offers := func() int {
		n := 0
		for _, r := range h.s.Journal().Records() {
			if e, ok := r.Data.(logs.TrackingEvent); ok && r.Server == "MBX13" && e.EventID == "HAREDIRECTFAIL" {
				n++
			}
		}
		return n
	}
	runBounded(h, 15*time.Minute, 100000)
	require.Equal(t, 1, offers(), "only the first offer, before the suspension")
	require.NoError(t, h.o.ResumeMessage(messageID(h, "HUB1", "SmtpRelayToMailboxDeliveryGroup")))
	runBounded(h, 15*time.Minute+10*time.Second, 100000)
	require.Equal(t, 2, offers(), "offered again at once")
}
