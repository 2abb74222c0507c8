package transport

import (
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/stretchr/testify/require"
)

// Tests that pin org.go's checks of a topology and its restarts, found by mutation
// testing (issue 24, the fifth transport pass).

// A mailbox address needs a local part before its "@": "@contoso.com" is refused
// when the topology is built, as a database without a name is (exsim's check of its
// input; no Exchange fact).
func TestMailboxAddressWithoutALocalPartIsRefused(t *testing.T) {
	s := sim.New(sim.Config{Start: t0, Seed: 1})
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", "")},
		Mailboxes: []Mailbox{{Address: "@contoso.com", Database: "DB1"}}}
	_, err := New(s, top, newWorld().env())
	require.ErrorContains(t, err, `bad mailbox "@contoso.com"`)
	top.Mailboxes[0].Address = "u@contoso.com"
	_, err = New(sim.New(sim.Config{Start: t0, Seed: 1}), top, newWorld().env())
	require.NoError(t, err)
}

// An unknown server name is an error naming the closest server when one is close, and
// only the name when none is (the project's rule for bad input: the closest valid
// word).
func TestUnknownServerSuggestsTheClosestServer(t *testing.T) {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", "")}}
	h := newHarness(t, top, newWorld())
	_, err := h.o.server("EX11")
	require.EqualError(t, err, `unknown server "EX11" (did you mean "EX1"?)`)
	_, err = h.o.server("FAB-RED-HUB9")
	require.EqualError(t, err, `unknown server "FAB-RED-HUB9"`)
}

// fact: exchange-transport.md §3.5: the queue database has an identity, and a new
// mail.que means a new ID. A server that lost its queue database starts with database
// ID 2 after its first (exsim numbers them from 1, as the journal narrates), 3 after a
// second loss.
func TestANewQueueDatabaseGetsTheNextDatabaseID(t *testing.T) {
	h := newHarness(t, Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", "")}}, newWorld())
	h.at(time.Minute, func() { h.o.Crash("EX1", true) })
	h.at(2*time.Minute, func() { h.o.Start("EX1") })
	h.at(3*time.Minute, func() { h.o.Crash("EX1", true) })
	h.at(4*time.Minute, func() { h.o.Start("EX1") })
	h.run(5 * time.Minute)
	var ids []int
	for _, r := range h.records("transport.start", "EX1") {
		if st := r.Data.(Started); st.NewQueueDB {
			ids = append(ids, st.DatabaseID)
		}
	}
	require.Equal(t, []int{2, 3}, ids)
}

// fact: exchange-transport.md §3.1: a delivery queue is deleted when empty and idle
// for QueueMaxIdleTime (3 minutes). A restart of the Transport service in that time
// does not make an already-empty queue new again: it is gone 3 minutes after its last
// message left, as without the restart (a queue the restart empties is listed from the
// restart on: TestEmptyDeliveryQueueIsDeletedAfterQueueMaxIdleTime and seed 002).
func TestAnEmptyQueueIsNotKeptLongerByARestart(t *testing.T) {
	top, w := redSite()
	w.mounted["DB1"] = true
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(internetMail("first")) })
	h.run(2 * time.Minute)
	del := h.records("transport.deliver", "")
	require.Len(t, del, 1)
	empty := del[0].At
	var before, at []string
	h.at(empty+time.Minute, func() {
		require.NoError(t, h.o.RestartService("FAB-RED-HUB1", "MSExchangeTransport"))
	})
	h.at(empty+3*time.Minute-time.Nanosecond, func() { before = deliveryQueues(h, "FAB-RED-HUB1") })
	h.at(empty+3*time.Minute, func() { at = deliveryQueues(h, "FAB-RED-HUB1") })
	h.run(10 * time.Minute)
	require.Equal(t, []string{`FAB-RED-HUB1\1`}, before)
	require.Empty(t, at, "idle for QueueMaxIdleTime since its last message left: gone")
}
