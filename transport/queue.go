package transport

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/sim/psfmt"
)

type qkind uint8

const (
	qSubmission qkind = iota
	qUnreachable
	qDelivery
	qShadow
	qSafetyNet
	qPoison
)

// queue is one transport queue of a server.
type queue struct {
	srv        *server
	kind       qkind
	num        int // the integer in <Server>\<n>
	key        qkey
	dtype      string
	nextHop    string
	targets    []*server
	status     string
	suspended  bool
	lastError  string
	retryCount int
	firstRetry time.Duration
	lastRetry  time.Duration
	nextRetry  time.Duration
	inRetry    bool
	items      []*item
	busy       bool
	timer      *sim.Timer
	emptySince time.Duration
	shadowOf   *server
	misses     int
	hbEpoch    int
	hbArmed    bool
	hb         *heartbeatEvent
	scratch    []*item            // heartbeat's copy of items
	gone       bool               // removed from its server (srv.byKey no longer holds it)
	deferred   map[*item]struct{} // copies that already have a DEFER row for this queue
}

// submission is srv's Submission queue, nil while its queue database is gone. Lookups
// through pointers kept on the server avoid hashing a two-string key per message.
func (srv *server) submission() *queue {
	if q := srv.subQ; q != nil && !q.gone {
		return q
	}
	return nil
}

func (q *queue) identity() string {
	switch q.kind {
	case qSubmission:
		return q.srv.name + `\Submission`
	case qUnreachable:
		return q.srv.name + `\Unreachable`
	case qPoison:
		return q.srv.name + `\Poison`
	case qShadow:
		return q.srv.name + `\Shadow\` + strconv.Itoa(q.num)
	}
	return q.srv.name + `\` + strconv.Itoa(q.num)
}

func (o *Org) newPersistentQueues(srv *server) {
	for _, k := range []qkind{qSubmission, qUnreachable, qPoison} {
		q := &queue{srv: srv, kind: k, status: "Ready"}
		switch k {
		case qSubmission:
			q.dtype, q.nextHop = "Undefined", "Submission"
		case qUnreachable:
			q.dtype, q.nextHop = "Unreachable", "Unreachable Domain"
		case qPoison:
			q.dtype, q.nextHop = "Undefined", "Poison Message" // 3.2
		}
		q.key = qkey{q.dtype, q.nextHop}
		if k == qSubmission {
			srv.subQ = q
		}
		srv.queues = append(srv.queues, q)
		srv.byKey[q.key] = q
	}
}

// queueByKey is srv.byKey[key], asked first of a slot picked by the key's lengths
// and last bytes that keeps the last queue found there: routing asks for a queue on
// every hop, and hashing its two strings for the map was 1-2% of the day-100k run
// (perf). A kept queue is checked whole, and one removed since is marked gone.
func (srv *server) queueByKey(key qkey) *queue {
	h := len(key.dtype)*3 + len(key.nextHop)*5
	if n := len(key.nextHop); n > 0 {
		h += int(key.nextHop[n-1])*7 + int(key.nextHop[max(n-2, 0)])
	}
	slot := &srv.qSlots[h&(len(srv.qSlots)-1)]
	if q := *slot; q != nil && !q.gone && q.key == key {
		return q
	}
	q := srv.byKey[key]
	if q != nil {
		*slot = q
	}
	return q
}

// queueFor returns srv's queue for route r, creating it (or re-creating one removed
// after QueueMaxIdleTime) as Exchange does on demand.
func (o *Org) queueFor(srv *server, r route) *queue {
	key := r.key()
	q := srv.queueByKey(key)
	if q != nil && q.kind == qDelivery && len(q.items) == 0 && !q.busy && !q.suspended &&
		o.now()-q.emptySince >= o.cfgDur(cQueueMaxIdleTime, srv) && !q.inRetry {
		o.dropQueue(q)
		q = nil
	}
	if q == nil {
		srv.nextQueue++
		var timer *sim.Timer
		if n := len(srv.spareQueues); n > 0 {
			// a queue dropped for idleness, reused: with many servers and databases
			// most deliveries find their queue dropped (79,000 made in the 32-server
			// day), and each new one was fresh memory. Its timer's function attempts
			// this same queue, so it serves again.
			q, srv.spareQueues = srv.spareQueues[n-1], srv.spareQueues[:n-1]
			timer = q.timer
		} else {
			q = new(queue)
		}
		*q = queue{srv: srv, kind: r.kind, num: srv.nextQueue, key: key, dtype: r.dtype, nextHop: r.nextHop, status: "Ready",
			emptySince: o.now(), timer: timer}
		srv.queues = append(srv.queues, q)
		srv.byKey[key] = q
	}
	if len(r.targets) > 0 {
		q.targets = r.targets
	}
	return q
}

func (o *Org) dropQueue(q *queue) {
	srv := q.srv
	for k, x := range srv.queues {
		if x == q {
			srv.queues = append(srv.queues[:k], srv.queues[k+1:]...)
			break
		}
	}
	delete(srv.byKey, q.key)
	q.gone = true
	if q.timer != nil {
		q.timer.Stop()
	}
	// Only an empty, idle delivery queue is dropped (queueFor): no copy, session or
	// armed timer refers to it, so it can serve as this server's next new queue. A
	// kept answer of queueByKey that still names it is checked by its key, and the
	// server's own queues are the only ones it is reused for.
	delete(o.idleResubmit, q)
	srv.spareQueues = append(srv.spareQueues, q)
}

func (o *Org) takeFromQueue(it *item) {
	q := it.q
	if q == nil {
		return
	}
	for k, x := range q.items {
		if x == it {
			q.items = without(q.items, k)
			break
		}
	}
	if len(q.items) == 0 {
		q.emptySince = o.now()
	}
	if q.deferred != nil {
		delete(q.deferred, it)
	}
	it.q = nil
}

// dbOffline is what the store driver (2010) or Mailbox Transport Delivery (2013+)
// answers for a database that is not mounted.
const dbOffline = "432 4.3.2 STOREDRV; mailbox database is offline"

// deferQueued writes a DEFER tracking row (source STOREDRIVER, recipient-status the
// reply) on srv for every copy in q whose delivery was refused for the moment, the
// first time each copy is deferred in q; later retries show in the queue's
// RetryCount and LastError only (exsim's choice: no source says whether every retry
// writes a row).
func (o *Org) deferQueued(q *queue, srv *server, peer, status string) {
	for _, it := range q.items {
		if _, done := q.deferred[it]; done {
			continue
		}
		if q.deferred == nil {
			q.deferred = map[*item]struct{}{}
		}
		q.deferred[it] = struct{}{}
		o.track(srv, "DEFER", "STOREDRIVER", it, peer, status)
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", DeliveryDeferred{Msg: Msg{it.m.id}, Database: q.nextHop, Status: status, Queue: q.identity()})
		}
	}
}

// enqueue puts it into q and applies DelayedAckSkipping.
func (o *Org) enqueue(q *queue, it *item) {
	srv := q.srv
	active := len(q.items)
	it.q = q
	it.srv = srv
	q.items = append(q.items, it)
	if pa := ackOf(it); pa != nil && !pa.done && o.cfgBool(cDelayedAckSkippingEnabled, srv) {
		reason := ""
		limit := o.cfgInt(cDelayedAckSkippingQueueLength, srv)
		switch {
		case q.kind == qUnreachable:
			reason = "Unreachable"
		case q.suspended:
			reason = "QueueIsSuspended"
		case q.kind == qDelivery && q.inRetry:
			reason = "QueueInRetry"
		case q.kind == qDelivery && active >= limit:
			reason = fmt.Sprintf("QueueLength=%d>=%d", active, limit)
		case it.ext != nil && it.ext.deferUntil > o.now():
			// reason 5 for a copy enqueued again while deferred; for the Submission
			// queue the code counts it only if the defer time is in the future
			reason = "ItemDeferred=" + psTime(o.s.Wall(it.ext.deferUntil))
		}
		if reason != "" {
			o.skipDelayedAck(q, it, reason)
		}
	}
	switch q.kind {
	case qUnreachable:
		o.armExpiry(it)
	case qDelivery:
		if !q.busy && !q.inRetry && !q.suspended {
			o.scheduleAttempt(q, 0)
		}
	}
}

func ackOf(it *item) *pendingAck {
	for p := it; p != nil; p = p.parent() {
		if pa := p.ack(); pa != nil {
			return pa
		}
	}
	return nil
}

func (o *Org) scheduleAttempt(q *queue, d time.Duration) {
	srv := q.srv
	if q.timer == nil {
		q.timer = o.s.NewFuncTimer(kindAttempt, func() { o.attempt(q) })
	}
	if q.timer.Armed() && q.timer.When() <= o.now()+d {
		return
	}
	ep := srv.epoch
	_ = ep
	if err := q.timer.Reset(o.now() + d); err != nil {
		panic(err)
	}
}

// attempt opens a connection to q's next hop; the outcome is known one latency later.
func (o *Org) attempt(q *queue) {
	srv := q.srv
	if !srv.up || q.busy || q.suspended || q.gone {
		return
	}
	if len(q.items) == 0 {
		q.status = "Ready"
		q.inRetry = false
		return
	}
	q.busy = true
	if !q.inRetry {
		q.status = "Active"
	}
	if q.dtype != "MapiDelivery" {
		o.smtpAttempt(q)
		return
	}
	o.on(srv, o.top.Latency, kindSession, func() { o.outcome(q) })
}

// outcome ends a MapiDelivery attempt (store driver delivery over RPC, one latency).
func (o *Org) outcome(q *queue) {
	q.busy = false
	if q.gone {
		return
	}
	if err := o.deliverMailbox(q); err != "" {
		o.fail(q, err)
		return
	}
	o.succeeded(q)
}

func (o *Org) succeeded(q *queue) {
	if !q.suspended {
		q.status = "Ready"
	}
	q.inRetry = false
	q.retryCount = 0
	q.lastError = ""
	if len(q.items) > 0 {
		o.scheduleAttempt(q, 0)
	} else {
		q.emptySince = o.now()
	}
}

// fail puts q in Retry and arms the next attempt from the retry ladder: the queue
// glitch retries, then the transient failure retries, then the outbound connection
// failure interval (exchange-transport.md 3.6).
func (o *Org) fail(q *queue, lastError string) {
	srv := q.srv
	if !q.inRetry {
		q.firstRetry = o.now()
		if o.s.Journal().Enabled() {
			emit(o, srv.name, q.identity(), QueueEvent{Op: QueueToRetry, Identity: q.identity(), Status: "Retry", LastError: lastError, DeliveryType: q.dtype, Next: q.nextHop})
		}
	}
	q.inRetry = true
	if !q.suspended {
		q.status = "Retry"
	}
	q.lastError = lastError
	q.retryCount++
	q.lastRetry = o.now()
	d := o.retryInterval(q)
	q.nextRetry = o.now() + d
	o.scheduleAttempt(q, d)
	o.checkAge(q)
	o.idleResubmitCheck(q) // MaxIdleTimeBeforeResubmit (queueops.go)
}

func (o *Org) retryInterval(q *queue) time.Duration {
	srv := q.srv
	if q.dtype == "SmtpDeliveryToMailbox" {
		return o.cfgDur(cMailboxDeliveryQueueRetryInterval, srv)
	}
	n := q.retryCount
	glitch := o.cfgInt(cQueueGlitchRetryCount, srv)
	if n <= glitch {
		return o.cfgDur(cQueueGlitchRetryInterval, srv)
	}
	if n <= glitch+o.cfgInt(cTransientFailureRetryCount, srv) {
		return o.cfgDur(cTransientFailureRetryInterval, srv)
	}
	return o.cfgDur(cOutboundConnectionFailureRetryInterval, srv)
}

// checkAge sends delay DSNs after DelayNotificationTimeout and NDRs after
// MessageExpirationTimeout, both counted from when the organization accepted the
// message.
func (o *Org) checkAge(q *queue) {
	for _, it := range append([]*item(nil), q.items...) {
		o.checkItemAge(q, it)
	}
}

// checkItemAge is checkAge for one copy of q; it reports whether the copy expired.
func (o *Org) checkItemAge(q *queue, it *item) bool {
	srv := q.srv
	exp := o.cfgDur(cMessageExpirationTimeout, srv)
	delay := o.cfgDur(cDelayNotificationTimeout, srv)
	m := it.m
	age := o.now() - m.accepted
	if age >= exp {
		o.expire(it)
		return true
	}
	if age >= delay && !m.delayDSN && !it.resubmit && o.delayDSNEnabled(m) {
		m.delayDSN = true
		o.led.dsns++
		o.trackRaw(srv, "DSN", "DSN", m, it.rcpts, it.intID, "", "delay")
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", DelayDSN{Msg: Msg{m.id}, Server: srv.name, Delay: delay})
		}
	}
	return false
}

func (o *Org) delayDSNEnabled(m *message) bool {
	if m.fromOrg {
		return o.cfgBool(cInternalDelayDsnEnabled, nil)
	}
	return o.cfgBool(cExternalDelayDsnEnabled, nil)
}

const expiredStatus = "550 4.4.7 QUEUE.Expired; message expired"

func (o *Org) expire(it *item) {
	srv, m := it.srv, it.m
	o.trackRaw(srv, "FAIL", "QUEUE", m, it.rcpts, it.intID, "", expiredStatus)
	o.trackRaw(srv, "DSN", "DSN", m, it.rcpts, it.intID, "", "")
	o.led.dsns++
	for _, r := range it.rcpts {
		o.bounceRcpt(m, r, expiredStatus)
	}
	if o.s.Journal().Enabled() {
		emit(o, srv.name, "", Expired{Msg: Msg{m.id}, Server: srv.name, Queue: it.q.identity(), Status: expiredStatus, Timeout: o.cfgDur(cMessageExpirationTimeout, srv)})
	}
	o.takeFromQueue(it)
	o.finish(it)
	o.release(it)
}

// armExpiry expires a message sitting in Unreachable.
func (o *Org) armExpiry(it *item) {
	srv := it.srv
	at := it.m.accepted + o.cfgDur(cMessageExpirationTimeout, srv)
	d := at - o.now()
	if d < 0 {
		d = 0
	}
	o.on(srv, d, kindExpiry, func() {
		if !it.dead && it.q != nil && it.q.kind == qUnreachable {
			o.expire(it)
		}
	})
}

// deliverMailbox delivers q's messages to the active copy of its database.
func (o *Org) deliverMailbox(q *queue) string {
	srv := q.srv
	act, mounted := o.activeCopy(q.nextHop)
	switch {
	case act == nil || !act.up || !o.reachable(srv.name, act.name):
		return "432 4.3.2 STOREDRV; mailbox server is offline"
	case !mounted:
		// the hub's store driver reached the server and was refused for the database
		o.deferQueued(q, srv, act.name, dbOffline)
		return dbOffline
	}
	items := q.items
	q.items = nil
	for _, it := range items {
		it.q = nil
		for _, r := range it.rcpts {
			o.deliverRcpt(it.m, r, act)
		}
		o.track(srv, "DELIVER", "STOREDRIVER", it, act.name, "")
		o.finish(it)
		it.q = q
		q.items = append(q.items, it)
		o.keep(it, false)
	}
	if o.s.Journal().Enabled() {
		emit(o, srv.name, q.identity(), QueueDelivered{Server: srv.name, Queue: q.identity(), Database: q.nextHop, Active: act.name, Count: len(items)})
	}
	return ""
}

// resubmitDirect: the other hubs of the site are unreachable, so messages routed to
// them for high availability go straight to their destination instead
// (ResubmitForDirectDelivery).
func (o *Org) resubmitDirect(q *queue, why string) {
	srv := q.srv
	items := q.items
	q.items = nil
	q.emptySince = o.now()
	for _, it := range items {
		it.q = nil
		it.direct = true
		o.track(srv, "HAREDIRECT", "QUEUE", it, "", "ResubmitForDirectDelivery")
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", DirectDelivery{Msg: Msg{it.m.id}, Server: srv.name, Site: srv.site, Why: why})
		}
		o.categorize(srv, it)
	}
}

// shadowQueue is srv's shadow queue for messages whose primary is on primary.
func (o *Org) shadowQueue(srv, primary *server) *queue {
	if q := srv.shadowQs[primary]; q != nil && !q.gone {
		return q
	}
	key := qkey{"ShadowRedundancy", primary.name}
	if q := srv.byKey[key]; q != nil {
		return q
	}
	srv.nextQueue++
	// A shadow queue's NextHopDomain is the primary server's FQDN, as Get-Queue shows it
	// (seed 002: the shadow queue on FAB-RED-HUB1 names FAB-RED-HUB2 by its FQDN).
	q := &queue{srv: srv, kind: qShadow, num: srv.nextQueue, key: key, dtype: "ShadowRedundancy", nextHop: o.fqdn(primary), status: "Ready", shadowOf: primary, emptySince: o.now()}
	srv.queues = append(srv.queues, q)
	srv.byKey[key] = q
	if srv.shadowQs == nil {
		srv.shadowQs = map[*server]*queue{}
	}
	srv.shadowQs[primary] = q
	return q
}

func (o *Org) heartbeatInterval(srv *server) (time.Duration, int) {
	if srv.version.Is2010() {
		return o.cfgDur(cShadowHeartbeatTimeoutInterval, srv), o.cfgInt(cShadowHeartbeatRetryCount, srv)
	}
	f := o.cfgDur(cShadowHeartbeatFrequency, srv)
	n := int(o.cfgDur(cShadowResubmitTimeSpan, srv) / f)
	return f, max(n, 1)
}

func (o *Org) armHeartbeat(q *queue) {
	srv := q.srv
	if q.hbArmed && q.hbEpoch == srv.epoch {
		return
	}
	q.hbArmed, q.hbEpoch = true, srv.epoch
	d, _ := o.heartbeatInterval(srv)
	if q.hb == nil {
		q.hb = &heartbeatEvent{o: o, q: q}
	}
	// the event carries the epoch it was armed in: a restart makes it stale
	o.post(o.now()+d, q.hb, kindHeartbeat, srv.epoch)
}

// heartbeatEvent is a shadow queue's heartbeat (a handler: no closure per arming).
type heartbeatEvent struct {
	o *Org
	q *queue
}

func (h *heartbeatEvent) Fire(_ *sim.Sim, ev sim.Event) {
	if srv := h.q.srv; srv.up && srv.epoch == int(ev.A) {
		h.q.hbArmed = false
		h.o.heartbeat(h.q)
	}
}

// heartbeat: the shadow server asks the primary for the discard status of its
// shadows. A primary that answers with the same queue database ID discards the
// shadows of messages it delivered; one that answers with a new ID has lost them, so
// the shadows are resubmitted at once; one that stays silent for the retry count of
// heartbeats is presumed dead and its shadows are resubmitted.
func (o *Org) heartbeat(q *queue) {
	srv := q.srv
	if q.gone || len(q.items) == 0 {
		return
	}
	p := q.shadowOf
	_, limit := o.heartbeatInterval(srv)
	if p.up && o.reachable(srv.name, p.name) {
		q.misses = 0
		q.scratch = append(q.scratch[:0], q.items...)
		for _, it := range q.scratch {
			switch {
			case int(it.primaryDB) != p.dbID:
				o.takeover(it, fmt.Sprintf("%s came back with a new queue database (ID %d), so the primary copy is gone", p.name, p.dbID))
			case it.primary.finished:
				if srv.version.Is2010() {
					if o.s.Journal().Enabled() {
						emit(o, srv.name, "", ShadowDiscarded{Msg: Msg{it.m.id}, Server: srv.name, Primary: p.name})
					}
					o.takeFromQueue(it)
					o.release(it)
				} else {
					o.track(srv, "HADISCARD", "REDUNDANCY", it, "", "")
					o.keep(it, true)
				}
			}
		}
		clear(q.scratch) // keep no dead copies reachable
	} else {
		q.misses++
		if q.misses == 1 || q.misses >= limit {
			if o.s.Journal().Enabled() {
				emit(o, srv.name, q.identity(), HeartbeatMissed{Server: srv.name, Primary: p.name, Shadows: len(q.items), Attempt: q.misses, Attempts: limit})
			}
		}
		if q.misses >= limit {
			q.misses = 0
			for _, it := range append([]*item(nil), q.items...) {
				o.takeover(it, fmt.Sprintf("%s was silent for %d heartbeats", p.name, limit))
			}
		}
	}
	if len(q.items) > 0 {
		o.armHeartbeat(q)
	}
}

// takeover promotes a shadow to a primary copy on its server and resubmits it.
func (o *Org) takeover(it *item, why string) {
	srv := it.srv
	o.takeFromQueue(it)
	it.loc = locQueue
	it.primary = nil
	it.direct = true
	if o.s.Journal().Enabled() {
		emit(o, srv.name, "", ShadowTakeover{Msg: Msg{it.m.id}, Server: srv.name, Why: why})
	}
	if !srv.version.Is2010() {
		// the promoted message is protected again like a new one (exsim's choice)
		o.accept2013(srv, it, nil, nil, nil)
		return
	}
	o.categorize(srv, it)
}

// GetQueue returns server's queues as Get-Queue lists them: delivery and shadow queues
// by queue number, then Submission, then Unreachable when it holds messages. Empty
// delivery and shadow queues disappear after QueueMaxIdleTime. A server that is down
// returns nil (the cmdlet cannot connect).
func (o *Org) GetQueue(server string) []QueueInfo {
	srv, err := o.server(server)
	if err != nil || !srv.up || !srv.transport {
		return nil
	}
	var rows []QueueInfo
	idle := o.cfgDur(cQueueMaxIdleTime, srv)
	var tail []QueueInfo
	qs := append([]*queue(nil), srv.queues...)
	sort.SliceStable(qs, func(a, b int) bool { return qs[a].num < qs[b].num })
	for _, q := range qs {
		if (q.kind == qDelivery || q.kind == qShadow) && len(q.items) == 0 && !q.busy && !q.inRetry && !q.suspended && o.now()-q.emptySince >= idle {
			continue
		}
		if (q.kind == qUnreachable || q.kind == qPoison) && len(q.items) == 0 || q.kind == qSafetyNet {
			continue
		}
		r := QueueInfo{Identity: q.identity(), DeliveryType: q.dtype, Status: q.status, MessageCount: len(q.items),
			NextHopDomain: q.nextHop, NextHopCategory: "Internal", LastError: q.lastError, RetryCount: q.retryCount,
			DeferredMessageCount: o.deferredCount(q)}
		if q.dtype == "SmartHostConnectorDelivery" || q.dtype == "DnsConnectorDelivery" {
			r.NextHopCategory = "External"
		}
		if q.inRetry {
			r.FirstRetryTime = o.s.Wall(q.firstRetry)
			r.LastRetryTime = o.s.Wall(q.lastRetry)
			r.NextRetryTime = o.s.Wall(q.nextRetry)
		}
		if q.kind == qSubmission || q.kind == qUnreachable || q.kind == qPoison {
			tail = append(tail, r)
		} else {
			rows = append(rows, r)
		}
	}
	return append(rows, tail...)
}

// QueueFields gives a Get-Queue row's properties in the order Format-List prints
// them on a server of version v (2013+ adds FirstRetryTime, DeferredMessageCount,
// RiskLevel and OutboundIPPool; the last two are "reserved for internal Microsoft
// use" and read Normal and 0 on-premises).
func QueueFields(v Version, r QueueInfo) []psfmt.Field {
	f := []psfmt.Field{
		{Name: "DeliveryType", Value: r.DeliveryType},
		{Name: "NextHopDomain", Value: r.NextHopDomain},
		{Name: "TlsDomain"},
		{Name: "NextHopConnector", Value: "00000000-0000-0000-0000-000000000000"},
		{Name: "Status", Value: r.Status},
		{Name: "MessageCount", Value: strconv.Itoa(r.MessageCount)},
		{Name: "LastError", Value: r.LastError},
		{Name: "RetryCount", Value: strconv.Itoa(r.RetryCount)},
		{Name: "LastRetryTime", Value: psTime(r.LastRetryTime)},
		{Name: "NextRetryTime", Value: psTime(r.NextRetryTime)},
	}
	if !v.Is2010() {
		f = append(f, psfmt.Field{Name: "FirstRetryTime", Value: psTime(r.FirstRetryTime)}, psfmt.Field{Name: "DeferredMessageCount", Value: strconv.Itoa(r.DeferredMessageCount)})
	}
	f = append(f,
		psfmt.Field{Name: "NextHopCategory", Value: r.NextHopCategory},
		psfmt.Field{Name: "IncomingRate", Value: "0"},
		psfmt.Field{Name: "OutgoingRate", Value: "0"},
		psfmt.Field{Name: "Velocity", Value: strconv.FormatFloat(r.Velocity, 'f', -1, 64)},
	)
	if !v.Is2010() {
		f = append(f, psfmt.Field{Name: "RiskLevel", Value: "Normal"}, psfmt.Field{Name: "OutboundIPPool", Value: "0"})
	}
	return append(f,
		psfmt.Field{Name: "Identity", Value: r.Identity},
		psfmt.Field{Name: "IsValid", Value: "True"},
	)
}

// FormatQueues prints Get-Queue rows with a content-sized table of the view's
// columns, or Format-List (RiskLevel and OutboundIPPool left out of the list). It
// is the models' own rendering, for their tests; what a step prints is the shell's
// default view with its fixed widths (scenarios' views table).
func FormatQueues(v Version, rows []QueueInfo, list bool) string {
	if list {
		var objs [][]psfmt.Field
		for _, r := range rows {
			var f []psfmt.Field
			for _, x := range QueueFields(v, r) {
				if x.Name != "RiskLevel" && x.Name != "OutboundIPPool" {
					f = append(f, x)
				}
			}
			objs = append(objs, f)
		}
		return psfmt.List(objs)
	}
	if v.Is2010() {
		cols := []psfmt.Column{{Name: "Identity"}, {Name: "DeliveryType"}, {Name: "Status"}, {Name: "MessageCount", Numeric: true}, {Name: "NextHopDomain"}}
		var cells [][]string
		for _, r := range rows {
			cells = append(cells, []string{r.Identity, r.DeliveryType, r.Status, strconv.Itoa(r.MessageCount), r.NextHopDomain})
		}
		return psfmt.Table(cols, cells)
	}
	cols := []psfmt.Column{{Name: "Identity"}, {Name: "DeliveryType"}, {Name: "Status"}, {Name: "MessageCount", Numeric: true},
		{Name: "Velocity", Numeric: true}, {Name: "RiskLevel"}, {Name: "OutboundIPPool", Numeric: true}, {Name: "NextHopDomain"}}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.Identity, r.DeliveryType, r.Status, strconv.Itoa(r.MessageCount),
			strconv.FormatFloat(r.Velocity, 'f', -1, 64), "Normal", "0", r.NextHopDomain})
	}
	return psfmt.Table(cols, cells)
}

// psTime renders a time as en-US PowerShell does; zero is empty.
func psTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("1/2/2006 3:04:05 PM")
}

// qkey identifies a queue of a server: its DeliveryType and NextHopDomain (Exchange's
// NextHopSolutionKey without the connector).
type qkey struct{ dtype, nextHop string }
