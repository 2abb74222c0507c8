package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// deferRows are the DEFER tracking rows of message id.
func deferRows(h *harness, id int) []logs.TrackingEvent {
	var out []logs.TrackingEvent
	for _, r := range h.records(logs.KindTracking, fmt.Sprintf("#%d", id)) {
		if e := r.Data.(logs.TrackingEvent); e.EventID == logs.EventDefer {
			out = append(out, e)
		}
	}
	return out
}

// Exchange 2010 (4.1, DEFER "message delivery was delayed"): the hub's store driver
// reaches the Mailbox server but the database is dismounted, so the hub logs DEFER
// (source STOREDRIVER, recipient-status the store driver's answer) once for the copy,
// not at every retry of the MapiDelivery queue; the message is delivered after the
// mount.
func TestExchange2010DismountedDatabaseLogsDeferOncePerCopy(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("deferred")) })
	h.at(40*time.Minute, func() { w.mounted["DB1"] = true })
	h.run(2 * time.Hour)
	rows := deferRows(h, 1)
	require.Len(t, rows, 1, "the queue retried several times in 40 minutes")
	require.Equal(t, "FAB-RED-HUB1", rows[0].Server)
	require.Equal(t, logs.Source("STOREDRIVER"), rows[0].Source)
	require.Equal(t, "FAB-RED-MBX1", rows[0].ServerHostname)
	require.Equal(t, []string{"432 4.3.2 STOREDRV; mailbox database is offline"}, rows[0].RecipientStatus)
	require.Equal(t, []string{"FAB-RED-HUB1 RECEIVE", "FAB-RED-HUB1 DEFER", "FAB-RED-HUB1 DELIVER"}, trackingPath(h, 1))
	require.Equal(t, 1, h.o.Verdict().Delivered)
}

// A server that cannot be reached is a connection failure, not a deferral: the queue
// goes to Retry with a LastError and no DEFER is written (nothing was offered).
func TestUnreachableMailboxServerIsQueueRetryWithoutDefer(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	w.cut[[2]string{"FAB-RED-HUB1", "FAB-RED-MBX1"}] = true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("cut off")) })
	h.run(30 * time.Minute)
	require.Empty(t, deferRows(h, 1))
	q := h.o.GetQueue("FAB-RED-HUB1")
	found := false
	for _, r := range q {
		if r.DeliveryType == "MapiDelivery" {
			found = true
			require.Equal(t, "Retry", r.Status)
			require.Equal(t, "432 4.3.2 STOREDRV; mailbox server is offline", r.LastError)
		}
	}
	require.True(t, found)
}

// Exchange 2016: Mailbox Transport Delivery on the server holding the dismounted
// database refuses it; that server logs DEFER (STOREDRIVER) once, the sending server's
// SmtpDeliveryToMailbox queue goes to Retry, and after the mount the message is
// delivered there.
func TestExchange2016DismountedDatabaseDeferLoggedByMailboxTransportDelivery(t *testing.T) {
	top, w := twoMailbox2016()
	w.mounted["DB1"] = false
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "sender@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "x", Size: 4096})
	})
	h.at(30*time.Minute, func() { w.mounted["DB1"] = true })
	h.run(2 * time.Hour)
	rows := deferRows(h, 1)
	require.Len(t, rows, 1)
	require.Equal(t, "EX2", rows[0].Server)
	require.Equal(t, []string{"432 4.3.2 STOREDRV; mailbox database is offline"}, rows[0].RecipientStatus)
	require.Equal(t, 1, h.o.Verdict().Delivered)
}
