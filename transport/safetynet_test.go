package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A Safety Net copy is a 40-byte record, not the 112-byte queue copy it was made from
// (issue 22: a day of 1,000,000 messages ended with 211 MB of kept items).
func TestSafetyNetCopiesAreCompact(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(snCopy{}), uintptr(40))
}

// A copy kept in Safety Net leaves its message's list of copies: the ledger holds the
// record, not the item, so the item can go.
func TestAKeptCopyIsARecordAndNoLongerAnItemOfItsMessage(t *testing.T) {
	top, w := twoMailbox2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{mailboxOf(h)}, Subject: "kept"}) })
	h.run(10 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	m := h.o.msgs[0]
	require.Empty(t, m.items)
	seqs := map[string]uint32{}
	for _, srv := range h.o.servers {
		srv.sn.each(func(_ int, c *snCopy) {
			require.Same(t, m, c.m)
			require.Nil(t, c.rcpts, "a copy of every recipient stores no list")
			require.Equal(t, []int{0}, h.o.recipients(c))
			seqs[srv.name] = c.seq
		})
	}
	require.Len(t, seqs, 2, "the primary and the shadow Safety Net each keep one")
	// nothing keeps the items reachable: neither the message's inline list nor the
	// slots queues left when copies were taken from them
	require.Equal(t, [3]*item{}, m.itemsBuf)
	for _, srv := range h.o.servers {
		for _, q := range srv.queues {
			for _, it := range q.items[len(q.items):cap(q.items)] {
				require.Nil(t, it, "a slot %s left", q.identity())
			}
		}
	}
	require.NotZero(t, seqs["EX1"])
	require.Less(t, seqs["EX1"], seqs["EX2"], "the shadow EX2 makes on EX1 before it acknowledges joins the ledger before EX2's own copy")
}

// snRecipients stores no list for every recipient in order, and the list otherwise.
func TestSafetyNetRecipientsAreNilOnlyForAllInOrder(t *testing.T) {
	m := &message{rcpts: make([]rcpt, 3)}
	require.Nil(t, snRecipients(m, []int{0, 1, 2}))
	for _, l := range [][]int{{0}, {1, 2}, {0, 2, 1}, {2, 1, 0}} {
		p := snRecipients(m, l)
		require.NotNil(t, p)
		require.Equal(t, l, *p)
	}
	c := &snCopy{m: m, rcpts: snRecipients(m, []int{2})}
	require.True(t, c.covers(2))
	require.False(t, c.covers(0))
	require.True(t, (&snCopy{m: m}).covers(1))
	require.False(t, (&snCopy{m: m}).covers(3))
}

// The store against a model, a slice of every copy ever added: at(n) is copy n until
// it is swept or the store is reset, each visits the live ones in order, live counts
// them, and dropping blocks loses none still named.
func TestSafetyNetStoreMatchesAModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s snStore
		type entry struct {
			keptAt time.Duration
			gone   bool
		}
		var model []entry
		start := 0
		steps := rapid.IntRange(1, 400).Draw(t, "steps")
		for range steps {
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0, 1, 2, 3, 4, 5:
				at := time.Duration(len(model))
				n := s.add(snCopy{keptAt: at})
				require.Equal(t, len(model), n)
				model = append(model, entry{keptAt: at})
			case 6:
				if len(model) > start {
					n := rapid.IntRange(start, len(model)-1).Draw(t, "kill")
					if c := s.at(n); !c.dead {
						c.dead = true
						s.live--
						model[n].gone = true
					}
				}
			case 7:
				n := rapid.IntRange(start, len(model)).Draw(t, "sweep")
				if k := rapid.IntRange(0, len(s.blocks)).Draw(t, "to a block"); k < len(s.blocks) && s.blocks[k].at >= start {
					n = s.blocks[k].at // exactly where a block starts
				}
				for k := start; k < n; k++ {
					if c := s.at(k); !c.dead {
						c.dead = true
						s.live--
					}
					model[k].gone = true
				}
				s.dropBefore(n)
				start = n
				if len(s.blocks) > 1 {
					// (the last block stays, to be filled: a later sweep drops it)
					require.Greater(t, s.blocks[1].at, s.start, "a sweep drops the blocks of swept copies only")
				}
			case 8:
				if rapid.IntRange(0, 4).Draw(t, "reset") == 0 {
					s.reset()
					for k := start; k < len(model); k++ {
						model[k].gone = true
					}
					start = len(model)
				}
			case 9:
				if len(model) > 0 {
					n := rapid.IntRange(0, len(model)-1).Draw(t, "at")
					c := s.at(n)
					if n < start {
						require.Nil(t, c)
					} else {
						require.Equal(t, model[n].keptAt, c.keptAt)
					}
				}
			}
			var live []int
			s.each(func(n int, c *snCopy) {
				require.Equal(t, model[n].keptAt, c.keptAt)
				live = append(live, n)
			})
			var want []int
			for n := start; n < len(model); n++ {
				if !model[n].gone {
					want = append(want, n)
				}
			}
			require.Equal(t, want, live)
			require.Equal(t, len(want), s.live)
			require.Nil(t, s.at(len(model)))
		}
	})
}

// fact: exchange-transport.md §2.5: after a lossy failover the Shadow Safety Net
// resubmits if the recipient still has no delivery 12 hours later. A failover in the
// minute after the delivery finds the shadow still in its shadow queue on EX2 (it is
// discarded into EX2's Shadow Safety Net at the next heartbeat): the request waits on
// that shadow and, once it is kept, on its Safety Net copy, which answers at 12 hours
// because the primary Safety Net's copy is still queued for a dismounted database.
func TestShadowSafetyNetAnswersForAShadowKeptAfterTheFailover(t *testing.T) {
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.run(2 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Len(t, h.o.msgs[0].items, 1)
	require.Equal(t, locShadow, h.o.msgs[0].items[0].loc, "the shadow is not discarded yet")
	h.at(2*time.Minute, func() {
		h.w.active["DB1"], h.w.mounted["DB1"] = "EX3", false
		h.o.LossyFailover("DB1", 0, 2*time.Minute)
	})
	h.run(4 * time.Minute)
	require.Equal(t, 1, safetyNetItems(h, "ex2"), "the shadow is kept")
	require.Equal(t, 1, armedCopies(h), "and the request waits on its copy")
	h.run(13 * time.Hour)
	require.Equal(t, []string{"EX1@2m0s", "EX2@12h2m0s"}, trackedResubmits(h))
	require.Zero(t, armedCopies(h), "answered")
	h.at(13*time.Hour, func() { h.w.mounted["DB1"] = true })
	h.run(14 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered, "%+v", v.Fates)
	require.Equal(t, 1, v.DuplicatesDetected, "the second resubmission's copy is a duplicate the mailbox drops")
}

// A resubmission request waiting on a Safety Net copy keeps its recipient in flight;
// when the copy goes with its queue database (EX1, still down, loses it) the recipient
// is lost to that fault, and nothing waits on the copy any more.
func TestARecipientWaitingOnALostSafetyNetCopyIsLost(t *testing.T) {
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "ShadowRedundancyEnabled", Value: "$false"}}))
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.at(10*time.Minute, func() {
		h.o.Crash("EX1", false)
		h.w.active["DB1"] = "EX2"
		h.o.LossyFailover("DB1", 0, 10*time.Minute)
	})
	h.run(time.Hour)
	require.Equal(t, 1, armedCopies(h), "EX1's copy waits for EX1")
	require.Equal(t, Stuck, h.o.Verdict().Fates[0].Fate)
	h.at(2*time.Hour, func() { h.o.Crash("EX1", true) })
	h.run(3 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Lost, "%+v", v.Fates)
	require.Equal(t, "crash EX1 lose-queue", v.Fates[0].Reason)
	require.Zero(t, armedCopies(h))
	require.Empty(t, h.o.msgs[0].ext.armedSN)
}

// A stuck recipient's copies are listed in the order they were made: the Safety Net
// copy on EX1 that waits for EX1 to start, made before the copy the Shadow Safety Net
// resubmitted at 12 hours, which waits in EX2's queue for a dismounted database.
func TestAStuckRecipientsCopiesAreListedInTheOrderMade(t *testing.T) {
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.at(10*time.Minute, func() {
		h.o.Crash("EX1", false)
		h.w.active["DB1"], h.w.mounted["DB1"] = "EX2", false
		h.o.LossyFailover("DB1", 0, 10*time.Minute)
	})
	h.run(13 * time.Hour)
	f := h.o.Verdict().Fates[0]
	require.Equal(t, Stuck, f.Fate)
	require.Equal(t, "EX1, EX2", f.Server)
	require.True(t, strings.HasPrefix(f.Reason, "in the Safety Net of EX1, waiting to be resubmitted; in EX2\\"), f.Reason)
}

// The shadow a lossy failover's request waits on is the first made, in a shadow queue
// or in a shadow Safety Net.
func TestTheShadowAskedIsTheFirstMade(t *testing.T) {
	srv := &server{name: "EX2"}
	older, newer := &item{seq: 3}, &item{seq: 9}
	kept := func(seq uint32) keptCopy { return keptCopy{snRef{srv, int(seq)}, &snCopy{seq: seq}} }
	cases := []struct {
		name string
		live []*item
		kept []keptCopy
		want shadowWait
		ok   bool
	}{
		{"none", nil, nil, shadowWait{}, false},
		{"a shadow in its queue", []*item{older}, nil, shadowWait{it: older}, true},
		{"a kept shadow", nil, []keptCopy{kept(5)}, shadowWait{ref: snRef{srv, 5}}, true},
		{"the queued one made first", []*item{older}, []keptCopy{kept(5)}, shadowWait{it: older}, true},
		{"the kept one made first", []*item{newer}, []keptCopy{kept(5), kept(12)}, shadowWait{ref: snRef{srv, 5}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, ok := firstShadow(c.live, c.kept)
			require.Equal(t, c.ok, ok)
			require.Equal(t, c.want, w)
		})
	}
}

// keptCopies lists a message's Safety Net copies in the order the copies were made,
// whichever servers hold them; a copy swept or dead is not listed.
func TestKeptCopiesAreInTheOrderMade(t *testing.T) {
	m, other := &message{id: 1}, &message{id: 2}
	a, b := &server{name: "EX1"}, &server{name: "EX2"}
	o := &Org{servers: []*server{a, b}}
	a.sn.add(snCopy{m: m, seq: 7})
	a.sn.add(snCopy{m: other, seq: 8})
	dead := a.sn.add(snCopy{m: m, seq: 1})
	a.sn.at(dead).dead = true
	b.sn.add(snCopy{m: m, seq: 2})
	b.sn.add(snCopy{m: m, seq: 9})
	var got []string
	for _, k := range o.keptCopies()[m] {
		got = append(got, fmt.Sprintf("%s/%d", k.ref.srv.name, k.c.seq))
	}
	require.Equal(t, []string{"EX2/2", "EX1/7", "EX2/9"}, got)
}

// add appends c to s and returns its number (the tests' way to fill a store).
func (s *snStore) add(c snCopy) int {
	p, n := s.push()
	*p = c
	return n
}
