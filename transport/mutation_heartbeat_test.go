package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of the shadow heartbeat (queue.go) that pin sourced facts, found by the fourth
// mutation pass (issue 24).

// fact: exchange-transport.md §2.4: with no session to the primary in between, the
// shadow server opens one on its own after ShadowHeartbeatFrequency (2 minutes) and
// discards the shadows of delivered messages then. A shadow queue that a heartbeat
// emptied has no heartbeat pending, so a shadow that arrives later is discarded
// ShadowHeartbeatFrequency after it arrived, not at the old queue's next beat.
func TestShadowIsDiscardedOneHeartbeatFrequencyAfterItArrives(t *testing.T) {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "chris@contoso.com", Database: "DB1"})
	h := newHarness(t, top, w)
	for _, at := range []time.Duration{time.Minute, 2 * time.Minute, 3*time.Minute + 30*time.Second} {
		h.at(at, func() { h.submit(Message{From: "chris@contoso.com", To: []string{"user@contoso.com"}, Subject: "s"}) })
	}
	h.run(10 * time.Minute)
	for id := 1; id <= 3; id++ {
		var recv, disc time.Duration
		var where string
		for _, r := range h.records(logs.KindTracking, fmt.Sprintf("#%d", id)) {
			e := r.Data.(logs.TrackingEvent)
			switch e.EventID {
			case "HARECEIVE":
				recv, where = r.At, e.Server
			case "HADISCARD":
				require.Equal(t, where, e.Server)
				disc = r.At
			}
		}
		require.NotZero(t, disc, "#%d has no HADISCARD", id)
		require.Equal(t, 2*time.Minute, disc-recv, "#%d", id)
	}
}
