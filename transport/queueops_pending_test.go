package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of PendingSuspend and PendingRemove (exchange-stress.md 4.2).

// inFlight runs h until a message of EX1's SmtpDeliveryToMailbox queue is on the wire
// to EX2 and returns its identity (a 2016 internet message for a mailbox on EX2,
// received by EX1).
func inFlight(t *testing.T) (*harness, string) {
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX2", true
	w.backEnd = "EX1"
	top := Topology{
		Servers: []ServerSpec{
			{Name: "EX1", Site: "S1", Version: Exchange2016, Roles: roles(Exchange2016), DAG: "DAG1"},
			{Name: "EX2", Site: "S1", Version: Exchange2016, Roles: roles(Exchange2016), DAG: "DAG1"},
		},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Inbound:   []string{"EX1"},
	}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	for i := 0; i < 100000; i++ {
		ok, err := h.s.Step()
		require.NoError(t, err)
		require.True(t, ok, "the message never went on the wire")
		objs, err := h.o.Messages("EX1", "")
		require.NoError(t, err)
		for _, m := range objs {
			if m[3].Value == "Active" && strings.Contains(m[5].Value, `EX1\`) {
				return h, m[6].Value
			}
		}
	}
	t.Fatal("no message went on the wire")
	return nil, ""
}

func status(t *testing.T, h *harness, id string) string {
	objs, err := h.o.Messages("EX1", "")
	require.NoError(t, err)
	for _, m := range objs {
		if m[6].Value == id {
			return m[3].Value
		}
	}
	return ""
}

// fact: exchange-stress.md 4.2: Suspend-Message on a message being delivered makes it PendingSuspend;
// it is suspended only if the delivery fails and it re-enters the queue.
func TestSuspendMessageBeingDeliveredIsPendingSuspend(t *testing.T) {
	// the delivery fails: EX2 goes down mid-session, and the message stays Suspended
	h, id := inFlight(t)
	require.NoError(t, h.o.SuspendMessage(id))
	require.Equal(t, "PendingSuspend", status(t, h, id))
	h.o.Crash("EX2", false)
	h.at(h.s.Now()+time.Minute, func() { h.o.Start("EX2") })
	h.run(h.s.Now() + time.Hour)
	require.Equal(t, "Suspended", status(t, h, id), "not sent again after EX2 came back")
	require.Equal(t, 0, h.o.Verdict().Delivered)
	require.NoError(t, h.o.ResumeMessage(id))
	h.run(h.s.Now() + time.Hour)
	require.Equal(t, 1, h.o.Verdict().Delivered)

	// the delivery succeeds: the suspension never takes effect
	h, id = inFlight(t)
	require.NoError(t, h.o.SuspendMessage(id))
	h.run(h.s.Now() + time.Hour)
	require.Equal(t, 1, h.o.Verdict().Delivered)
}

// fact: exchange-stress.md 4.2: Remove-Message on a message being delivered makes it pending
// (PendingRemove in the queues page's status table; §Conflicts: PendingDelete in the
// cmdlet reference); it is removed only if the delivery fails.
func TestRemoveMessageBeingDeliveredIsPendingRemove(t *testing.T) {
	h, id := inFlight(t)
	require.NoError(t, h.o.RemoveMessage(id, true))
	require.Equal(t, "PendingRemove", status(t, h, id))
	h.o.Crash("EX2", false)
	h.run(h.s.Now() + time.Hour)
	require.Empty(t, status(t, h, id), "removed once the delivery failed")
	f := fateOf(h, 1)
	require.Equal(t, Bounced, f.Fate)
	require.Equal(t, removedNDR, f.Reason)

	h, id = inFlight(t)
	require.NoError(t, h.o.RemoveMessage(id, false))
	h.run(h.s.Now() + time.Hour)
	require.Equal(t, Delivered, fateOf(h, 1).Fate, "the delivery succeeded: nothing was removed")
}

// Remove-Message takes the message's shadows with it: a 2010 XSHADOW relay's shadow (which
// points at the primary without the primary pointing back) no longer waits for ever
// for a primary that is gone (the conservation property found it).
func TestRemoveMessageTakesItsShadowsWithIt(t *testing.T) {
	for _, v := range []Version{Exchange2010SP1, Exchange2016} {
		w := newWorld()
		w.active["DB1"], w.mounted["DB1"] = "EX1", true
		top := Topology{
			Servers: []ServerSpec{
				{Name: "EX1", Site: "S1", Version: v, Roles: roles(v), DAG: "DAG1"},
				{Name: "EX2", Site: "S1", Version: v, Roles: roles(v), DAG: "DAG1"},
			},
			Mailboxes:  []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
			Connectors: []Connector{{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"sh1.contoso.net"}}},
			Inbound:    []string{"EX2"},
		}
		h := newHarness(t, top, w)
		require.NoError(t, h.o.HostDown("sh1.contoso.net"))
		// from the internet into EX2, relayed to EX1 (the connector's source), shadowed on EX2
		h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"z@gmail.com"}}) })
		h.at(20*time.Minute, func() {
			require.NoError(t, h.o.RemoveMessage(messageID(h, "EX1", "SmartHostConnectorDelivery"), false))
		})
		h.run(6 * time.Hour)
		f := fateOf(h, 1)
		require.Equal(t, Lost, f.Fate, "%s: %s", v, f.Reason)
		require.Equal(t, "Remove-Message -WithNDR $false", f.Reason, v)
		for _, it := range h.o.msgs[0].items {
			require.NotEqual(t, locShadow, it.loc, "%s: a shadow is left on %s", v, it.srv.name)
		}
	}
}
