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

// offerTimes lists, per message, the instants MBX13 refused it (HAREDIRECTFAIL: one
// per offer from HUB1).
func offerTimes(h *harness) map[int][]time.Duration {
	out := map[int][]time.Duration{}
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(logs.TrackingEvent); ok && r.Server == "MBX13" && e.EventID == "HAREDIRECTFAIL" {
			out[MessageOf(r.Data)] = append(out[MessageOf(r.Data)], r.At)
		}
	}
	return out
}

// fact: exchange-transport.md §5: each deferred message gets its own retry after
// MessageRetryInterval: two messages deferred 30 s apart in one queue are each offered
// again a minute (2010) after their own deferral, the earlier one first.
func TestEachDeferredMessageIsRetriedAfterItsOwnMessageRetryInterval(t *testing.T) {
	h := mixed2010to2013(t, true)
	h.at(10*time.Minute, func() { h.submit(internetMail("first")) })
	h.at(10*time.Minute+30*time.Second, func() { h.submit(internetMail("second")) })
	runBounded(h, 13*time.Minute+45*time.Second, 100000)
	got := offerTimes(h)
	for id := 1; id <= 2; id++ {
		require.Len(t, got[id], 4, "#%d: the first offer and three retries", id)
		for k := 1; k < 4; k++ {
			gap := got[id][k] - got[id][k-1]
			// a minute, plus the time a new session takes to reach the data
			require.True(t, gap > time.Minute && gap < time.Minute+time.Second, "#%d gap %d: %v", id, k, gap)
		}
	}
	require.Less(t, got[1][1], got[2][1])
}
