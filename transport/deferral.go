package transport

import (
	"strings"
	"time"

	"github.com/exsim/exsim/transport/smtp"
)

// Per-message deferral (exchange-transport.md section 5: "A 4xx for one message or
// recipient gets a per-message retry (MessageRetryInterval)"). The session succeeded,
// so the queue is not in Retry: only the message waits. The one 4xx exsim produces for
// a single message is a 2013+ receiver's 451 4.4.0 Message failed to be made redundant
// (RejectMessageOnShadowFailure $true, no shadow possible) answering a relay from
// another Exchange server.

// rejectToPrevious: it, received on a 2013+ server from another Exchange server, was
// refused with 451 4.4.0. The previous hop's copy is deferred when the reply reaches
// it: at once if it already waits for the answer, otherwise when its session reaches
// the end of the data (relaySession.acked).
func (o *Org) rejectToPrevious(it *item) {
	if it.ext == nil || it.ext.prev == nil {
		return
	}
	prev, rcv := it.ext.prev, it.srv
	it.ext.prev = nil
	if prev.dead || prev.next != it {
		return
	}
	prev.next = nil
	if !prev.awaiting {
		prev.x().rejected = true
		return
	}
	prev.awaiting = false // the 10-minute no-answer check must not resend it
	q := prev.q
	o.on(prev.srv, o.top.Latency, kindAck, func() {
		if !prev.dead && prev.q == q {
			o.deferItem(prev, smtp.NotRedundant, rcv)
		}
	})
}

// deferItem: the next hop answered it's data with the transient reply r. The copy stays
// in its delivery queue (still Active, no queue Retry), is not offered again before
// MessageRetryInterval has passed, logs DEFER (source SMTP, the reply as
// recipient-status) the first time it is deferred in this queue, and is subject to the
// delay DSN and expiry as any queued message.
func (o *Org) deferItem(it *item, r smtp.Reply, peer *server) {
	q, srv := it.q, it.srv
	it.sending, it.awaiting = false, false
	if q == nil || q.kind != qDelivery || it.dead || o.settlePending(it) {
		return
	}
	status := r.String()
	wait := o.cfgDur(cMessageRetryInterval, srv)
	until := o.now() + wait
	x := it.x()
	x.deferUntil, x.deferErr = until, status
	if _, done := q.deferred[it]; !done {
		if q.deferred == nil {
			q.deferred = map[*item]struct{}{}
		}
		q.deferred[it] = struct{}{}
		o.track(srv, "DEFER", "SMTP", it, peer.name, status)
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", MessageDeferred{Msg: Msg{it.m.id}, Peer: peer.name, Status: status, Queue: q.identity(), Wait: wait})
		}
	}
	// 1.5 reason 5: a held acknowledgement cannot be earned by a deferred message.
	o.skipDelayedAck(q, it, "ItemDeferred="+psTime(o.s.Wall(until)))
	if o.checkItemAge(q, it) {
		return // expired
	}
	o.scheduleAttempt(q, wait)
}

// deferredNow reports whether it waits out a per-message deferral at now.
func (o *Org) deferredNow(it *item) bool {
	return it.ext != nil && it.ext.deferUntil > o.now()
}

// nextDeferred is when the first of q's deferred copies may be offered again (0: none).
func (o *Org) nextDeferred(q *queue) time.Duration {
	var next time.Duration
	for _, it := range q.items {
		if it.ext != nil && it.ext.deferUntil > o.now() && (next == 0 || it.ext.deferUntil < next) {
			next = it.ext.deferUntil
		}
	}
	return next
}

// deferredCount is Get-Queue's DeferredMessageCount.
func (o *Org) deferredCount(q *queue) int {
	n := 0
	for _, it := range q.items {
		if o.deferredNow(it) {
			n++
		}
	}
	return n
}

// skipDelayedAck applies DelayedAckSkipping (1.5) to a copy held for delayed
// acknowledgement that went into q for reason: the sender gets its 250 now.
func (o *Org) skipDelayedAck(q *queue, it *item, reason string) {
	pa := ackOf(it)
	if pa == nil || pa.done || !o.cfgBool(cDelayedAckSkippingEnabled, q.srv) {
		return
	}
	ack := Acknowledged{Why: AckSkipped, Skip: reason}
	if strings.HasPrefix(reason, "ItemDeferred=") {
		ack.Why = AckSkippedDeferred
	}
	if o.s.Journal().Enabled() {
		ack.Queue = q.identity()
	}
	o.sendAck(pa, ack)
}
