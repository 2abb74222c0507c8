package transport

import (
	"time"
)

// Poison messages (exchange-transport.md 3.1-3.3): a message whose processing crashed
// the transport service PoisonThreshold times (Set-TransportService, default 2) is put
// in the server's Poison queue (<Server>\Poison, DeliveryType Undefined, NextHopDomain
// "Poison Message") when the service next starts, instead of being processed again.
// The queue is hidden by Get-Queue while empty, its messages are permanently
// Suspended, never expire and are never resumed automatically.

// serviceRestart is how long Windows service recovery takes to start a crashed
// MSExchangeTransport again (exsim's choice: the sources read give no figure).
const serviceRestart = 5 * time.Second

type poisonKey struct {
	m   *message
	srv *server
}

// poisoned handles a poison message the categorizer of srv is about to process: at or
// over the threshold it goes to the Poison queue; otherwise it waits in Submission and
// the transport service crashes (at once, after the current event) with the crash
// count raised. It reports whether it took the copy (always, for a poison message).
func (o *Org) poisoned(srv *server, it *item) bool {
	key := poisonKey{it.m, srv}
	limit := o.cfgInt(cPoisonThreshold, srv)
	if o.cfgBool(cPoisonMessageDetectionEnabled, srv) && o.crashes[key] >= limit {
		pq := srv.byKey[qkey{"Undefined", "Poison Message"}]
		if pq == nil {
			return false // no queue database loaded: nothing processes it now
		}
		o.takeFromQueue(it)
		it.q, it.srv = pq, srv
		pq.items = append(pq.items, it)
		o.track(srv, "POISONMESSAGE", "POISONMESSAGE", it, "", "")
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", Poisoned{Msg: Msg{it.m.id}, Server: srv.name, Crashes: o.crashes[key], Limit: limit, Queue: pq.identity()})
		}
		return true
	}
	if sub := srv.submission(); sub != nil && it.q != sub {
		o.takeFromQueue(it)
		it.q, it.srv = sub, srv
		sub.items = append(sub.items, it)
	}
	if o.crashes == nil {
		o.crashes = map[poisonKey]int{}
	}
	o.crashes[key]++
	n := o.crashes[key]
	o.on(srv, 0, kindCrash, func() { o.serviceCrash(srv, it.m, n, limit) })
	return true
}

// serviceCrash: MSExchangeTransport on srv stops abruptly while processing m (its
// queue database survives); service recovery starts it again after serviceRestart,
// and the restarted service reloads the queue database.
func (o *Org) serviceCrash(srv *server, m *message, n, limit int) {
	if o.s.Journal().Enabled() {
		emit(o, srv.name, "", ServiceCrashed{Msg: Msg{m.id}, Server: srv.name, Crash: n, Limit: limit, Restart: serviceRestart})
	}
	o.down(srv, "crash "+srv.name)
	ep := srv.epoch
	o.after(serviceRestart, kindCrash, func() {
		if !srv.up && srv.epoch == ep {
			o.boot(srv, false)
		}
	})
}
