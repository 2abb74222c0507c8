package transport

import (
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/smtp"
)

// Exchange 2013+ shadow redundancy (exchange-transport.md 2.1-2.4), Safety Net (2.5)
// and the Exchange 2010 transport dumpster (1.7), with resubmission after a lossy
// failover.

// boundary lists the servers that may hold srv's shadows: the other members of its
// DAG, else the other transport servers of its AD site; remote-site members first
// under ShadowMessagePreferenceSetting PreferRemote or RemoteOnly.
func (o *Org) shadowCandidates(srv *server) (remote, local []*server) {
	if srv.shadowSet {
		return srv.shadowRemote, srv.shadowLocal
	}
	defer func() { srv.shadowSet, srv.shadowRemote, srv.shadowLocal = true, remote, local }()
	for _, s := range o.servers {
		if s == srv || !s.transport || s.version.Is2010() {
			continue
		}
		if srv.dag != "" {
			if s.dag != srv.dag {
				continue
			}
		} else if s.site != srv.site {
			continue
		}
		if s.site != srv.site {
			remote = append(remote, s)
		} else {
			local = append(local, s)
		}
	}
	return remote, local
}

// shadowPlan is the ordered list of shadow attempts: up to MaxRetriesForRemoteSiteShadow
// on remote-site members then MaxRetriesForLocalSiteShadow on local ones (PreferRemote),
// only local ones (LocalOnly, or a single-site boundary) or only remote ones (RemoteOnly).
// It is a value (no allocation per message): attempt k is at(k).
// The candidate lists are the server's (computed once, never changed), so the plan
// holds only counts.
type shadowPlan struct {
	srv    *server
	base   int
	nr, nl int32
}

func (p shadowPlan) len() int { return int(p.nr + p.nl) }

func (p shadowPlan) at(k int) *server {
	if k < int(p.nr) {
		return p.srv.shadowRemote[(p.base+k)%len(p.srv.shadowRemote)]
	}
	return p.srv.shadowLocal[(p.base+k-int(p.nr))%len(p.srv.shadowLocal)]
}

func (o *Org) planShadow(srv *server) shadowPlan {
	p := shadowPlan{srv: srv, base: srv.rr}
	srv.rr++
	p.nr, p.nl = o.shadowCounts(srv)
	return p
}

// shadowCounts is how many shadow attempts srv's plan makes on remote-site and on
// local-site members.
func (o *Org) shadowCounts(srv *server) (nr, nl int32) {
	remote, local := o.shadowCandidates(srv)
	pref := settingByName["shadowmessagepreferencesetting"]
	mode := pref.enum[o.cfg.val(pref, srv)]
	if len(remote) == 0 {
		mode = "LocalOnly"
	}
	if mode != "LocalOnly" && len(remote) > 0 {
		nr = int32(o.cfgInt(cMaxRetriesForRemoteSiteShadow, srv))
	}
	if mode != "RemoteOnly" && len(local) > 0 {
		nl = int32(o.cfgInt(cMaxRetriesForLocalSiteShadow, srv))
	}
	return nr, nl
}

// refusesUnshadowable reports whether srv (2013+) will answer the data of a relayed
// message with 451 4.4.0 whatever happens: it has no server to make a shadow on and
// RejectMessageOnShadowFailure is $true. The relay's protocol logs then show the 451.
func (o *Org) refusesUnshadowable(srv *server) bool {
	if srv.version.Is2010() || !o.cfgBool(cShadowRedundancyEnabled, srv) || !o.cfgBool(cRejectMessageOnShadowFailure, srv) {
		return false
	}
	nr, nl := o.shadowCounts(srv)
	return nr+nl == 0
}

// shadowSession makes a shadow of it: a second SMTP session from srv to another server
// of the boundary (HAREDIRECT on srv, HARECEIVE on the shadow server), trying the plan
// in order. It is one handler for every attempt (no allocation per event). When it
// ends, an accepting session acknowledges (or rejects) and categorizes; a re-shadow
// just ends. Nothing happens if srv stops meanwhile (the sender's session dies with it).
type shadowSession struct {
	o                      *Org
	srv, b                 *server
	it, sh                 *item
	plan                   shadowPlan
	k, ep, bep             int
	reshadow               bool
	pending                int // posted events not yet fired
	pa                     *pendingAck
	ackOutbox, retryOutbox func()
}

func (o *Org) makeShadow(ss *shadowSession) {
	ss.o = o
	ss.plan = o.planShadow(ss.srv)
	ss.ep = ss.srv.epoch
	o.shadowTry(ss)
}

func (o *Org) shadowTry(ss *shadowSession) {
	srv, it := ss.srv, ss.it
	if ss.k >= ss.plan.len() {
		o.track(srv, "HAREDIRECTFAIL", "SMTP", it, "", haRedirectFailContext(ss.plan.len()))
		o.shadowDone(ss, false)
		return
	}
	b := ss.plan.at(ss.k)
	ss.b, ss.bep, ss.sh = b, b.epoch, nil
	sid, port := o.nextSession()
	rid, _ := o.nextSession()
	if !o.wantsProtocol() && b.up && o.reachable(srv.name, b.name) && o.acceptState(b) == "Active" && !b.refuses(refuseShadow) {
		// the shadow session of every message, when b takes it and no log shows it:
		// timed without building it (quickQueued)
		if queued, ack, _, ok := o.quickTimes(len(it.rcpts), false, srv, b, nil); ok {
			ss.pending += 2
			o.post(queued, ss, kindQueued, 0)
			o.post(ack, ss, kindAck, 0)
			return
		}
	}
	c := smtp.Conversation{Epoch: o.s.Start(), Start: o.now(), Latency: o.top.Latency, Client: o.peer(srv, port), Server: o.peer(b, hubPort(b)),
		SendConnector: smtp.IntraOrgSendConnector, ReceiveConnector: o.receiveConnector(b), SendSessionID: sid, ReceiveSessionID: rid}
	switch {
	case !b.up || !o.reachable(srv.name, b.name):
		c.ConnectFailure = smtp.WinsockTimedOut
	case o.acceptState(b) != "Active":
		r := smtp.ServiceNotActive
		c.MailReply = &r
	case b.refuses(refuseShadow):
		r := smtp.InsufficientResources // Shadow Redundancy rejects messages (pressure.go)
		c.MailReply = &r
	}
	c.Messages = o.oneMessage(o.smtpMessage(it, int64(b.nextInternal+1)))
	res := o.converse(&c)
	if res.Failure.Code != 0 {
		ss.pending++
		o.post(res.End, ss, kindSession, 0)
		return
	}
	ss.pending += 2
	o.post(res.Outcomes[0].QueuedAt, ss, kindQueued, 0)
	o.post(res.Outcomes[0].AckAt, ss, kindAck, 0)
}

func (ss *shadowSession) Fire(_ *sim.Sim, ev sim.Event) {
	o, srv, b, it := ss.o, ss.srv, ss.b, ss.it
	ss.pending--
	defer func() {
		if ss.pending == 0 { // its last event, and no new attempt posted
			*ss = shadowSession{}
			o.pools.shadows.put(ss)
		}
	}()
	switch ev.Kind {
	case kindSession: // the attempt failed
		if srv.up && srv.epoch == ss.ep && !it.dead {
			ss.k++
			o.shadowTry(ss)
		}
	case kindQueued: // b has the copy
		if !srv.up || srv.epoch != ss.ep || it.dead || !b.up || b.epoch != ss.bep {
			return
		}
		sh := o.newItem(b, it.m, it.rcpts)
		sh.loc = locShadow
		sh.primary = it
		sh.primaryDB = int32(srv.dbID)
		o.track(b, "HARECEIVE", "SMTP", sh, srv.name, "")
		q := o.shadowQueue(b, srv)
		sh.q = q
		q.items = append(q.items, sh)
		o.addCopy(sh)
		it.shadow = sh
		ss.sh = sh
		o.armHeartbeat(q)
	case kindAck: // b's 250 reached srv
		if !srv.up || srv.epoch != ss.ep || it.dead {
			return
		}
		if ss.sh == nil {
			ss.k++
			o.shadowTry(ss)
			return
		}
		o.track(srv, "HAREDIRECT", "SMTP", it, b.name, "")
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", ShadowMade{Msg: Msg{it.m.id}, Server: srv.name, On: b.name})
		}
		o.shadowDone(ss, true)
	}
}

// accept2013 finishes a 2013+ reception: shadow first, then acknowledge (or reject
// with 451 4.4.0 when RejectMessageOnShadowFailure is $true), then categorize.
func (o *Org) accept2013(srv *server, it *item, pa *pendingAck, ackOutbox, retryOutbox func()) {
	if !o.cfgBool(cShadowRedundancyEnabled, srv) {
		if it.ext != nil {
			it.ext.prev = nil
		}
		o.ack2013(pa, ackOutbox, 0)
		o.categorize(srv, it)
		return
	}
	it.accepting = true
	if pa != nil {
		srv.acks = append(srv.acks, pa)
	}
	// the message waits in Submission while its shadow is made
	if sub := srv.submission(); sub != nil && it.q == nil {
		it.q = sub
		sub.items = append(sub.items, it)
	}
	ss := o.pools.shadows.get()
	*ss = shadowSession{srv: srv, it: it, pa: pa, ackOutbox: ackOutbox, retryOutbox: retryOutbox}
	o.makeShadow(ss)
}

func (o *Org) shadowDone(ss *shadowSession, ok bool) {
	if ss.reshadow {
		return
	}
	srv, it, pa := ss.srv, ss.it, ss.pa
	if ok {
		o.accepted(ss, 0)
		o.categorize(srv, it)
		return
	}
	relayed := it.ext != nil && it.ext.prev != nil // another Exchange server waits for the answer
	if o.cfgBool(cRejectMessageOnShadowFailure, srv) && (pa != nil || ss.ackOutbox != nil || relayed) {
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", ShadowFailed{Msg: Msg{it.m.id}, Server: srv.name, Rejected: true})
		}
		o.reject2013(pa, ss.retryOutbox, it)
		return
	}
	if o.s.Journal().Enabled() {
		emit(o, srv.name, "", ShadowFailed{Msg: Msg{it.m.id}, Server: srv.name})
	}
	o.accepted(ss, AckUnprotected)
	o.categorize(srv, it)
}

// accepted acknowledges what ss was protecting: the sender's 250, the Outbox hand-off,
// and a previous hop waiting for this server's acknowledgement.
func (o *Org) accepted(ss *shadowSession, why AckReason) {
	it := ss.it
	it.accepting = false
	if it.ext != nil {
		it.ext.prev = nil // answered 250: nothing to reject any more
	}
	o.ack2013(ss.pa, ss.ackOutbox, why)
	if it.ext != nil && it.ext.afterAccept != nil {
		f := it.ext.afterAccept
		it.ext.afterAccept = nil
		f()
	}
}

func (o *Org) ack2013(pa *pendingAck, ackOutbox func(), why AckReason) {
	if pa != nil {
		o.sendAck(pa, Acknowledged{Why: why})
	}
	if ackOutbox != nil {
		ackOutbox()
	}
}

func (o *Org) reject2013(pa *pendingAck, retryOutbox func(), it *item) {
	if pa != nil && !pa.done {
		pa.done = true
		srv := pa.srv
		for k, x := range srv.acks {
			if x == pa {
				srv.acks = append(srv.acks[:k], srv.acks[k+1:]...)
				break
			}
		}
		r := smtp.NotRedundant
		if pa.conv != nil {
			pa.conv.Messages[0].DataReply = &r
			o.converse(pa.conv)
		}
		if pa.front != nil {
			o.frontRejected(pa)
		}
		o.retrySender(pa)
	}
	o.rejectToPrevious(it)
	o.takeFromQueue(it)
	o.release(it)
	if retryOutbox != nil {
		o.after(outboxRetry, kindOutbox, retryOutbox)
	}
}

// safetyNet is srv's Safety Net (2013+) or transport dumpster (2010): a queue in its
// queue database that Get-Queue does not list.
func (o *Org) safetyNet(srv *server) *queue {
	if q := srv.snQ; q != nil && !q.gone {
		return q
	}
	key := qkey{"SafetyNet", ""}
	if q := srv.byKey[key]; q != nil {
		return q
	}
	q := &queue{srv: srv, kind: qSafetyNet, key: key, dtype: "SafetyNet", status: "Ready", emptySince: o.now()}
	srv.queues = append(srv.queues, q)
	srv.byKey[key] = q
	srv.snQ = q
	return q
}

// keep moves a processed copy into srv's Safety Net (2013+; primary or shadow) or
// transport dumpster (2010, mailbox deliveries into a replicated database only), or
// releases it. Only copies with mailbox recipients are kept: they are what a lossy
// failover may need again.
func (o *Org) keep(it *item, shadow bool) {
	srv := it.srv
	o.takeFromQueue(it)
	mailbox := false
	for _, r := range it.rcpts {
		if it.m.rcpts[r].db != "" {
			mailbox = true
		}
	}
	hold := o.cfgDur(cSafetyNetHoldTime, nil)
	if v := o.cfgDur(cSafetyNetHoldTimeInterval, srv); v >= 0 {
		hold = v
	}
	if srv.version.Is2010() {
		hold = o.cfgDur(cMaxDumpsterTime, nil)
		if o.cfgInt(cMaxDumpsterSizePerDatabase, nil) == 0 {
			hold = 0
		}
	}
	if !mailbox || hold <= 0 || srv.dag == "" && srv.version.Is2010() && !o.replicated(it) {
		o.release(it)
		return
	}
	q := o.safetyNet(srv)
	it.loc = locSafetyNet
	it.q = q
	o.keepCopy(srv, it, shadow)
	if m := it.m; m.r().lastFault != nil {
		o.checkLost(m, it.rcpts, m.ext.lastFault.fault, m.ext.lastFault.where)
	} else {
		o.checkLost(m, it.rcpts, "its copies were passed on and then lost", srv.name)
	}
	o.spofUpdate(it.m)
	if srv.version.Is2010() {
		o.trimDumpster(srv)
	}
	o.armSweep(srv)
}

// replicated: a 2010 dumpster keeps copies only for databases in a DAG (exsim: the
// active copy's server is a DAG member).
func (o *Org) replicated(it *item) bool {
	for _, r := range it.rcpts {
		if db := it.m.rcpts[r].db; db != "" {
			if act, _ := o.activeCopy(db); act != nil && act.dag != "" {
				return true
			}
		}
	}
	return false
}

// dumpsterSize is the size exsim counts for a message without one: 75 KB, a typical
// mean message size (exsim's choice).
const dumpsterSize = 75 << 10

// trimDumpster evicts the oldest copies of each database beyond
// MaxDumpsterSizePerDatabase (first in, first out, as 2007 documents).
func (o *Org) trimDumpster(srv *server) {
	limit := int64(o.cfgInt(cMaxDumpsterSizePerDatabase, nil))
	per := map[string]int64{}
	for n := srv.sn.end - 1; n >= srv.sn.start; n-- {
		c := srv.sn.at(n)
		if c.dead {
			continue
		}
		db := c.m.rcpts[o.recipients(c)[0]].db
		size := int64(c.m.m.Size)
		if size <= 0 {
			size = dumpsterSize
		}
		per[db] += size
		if per[db] > limit {
			o.dropKept(srv, n, "the transport dumpster evicted it (MaxDumpsterSizePerDatabase)", srv.name, false)
		}
	}
}

// armSweep drops Safety Net / dumpster copies older than their hold time, hourly.
func (o *Org) armSweep(srv *server) {
	if srv.sweepArmed && srv.sweepEpoch == srv.epoch {
		return
	}
	srv.sweepArmed, srv.sweepEpoch = true, srv.epoch
	o.on(srv, time.Hour, kindExpiry, func() {
		srv.sweepArmed = false
		if srv.sn.live == 0 {
			return
		}
		hold := o.cfgDur(cSafetyNetHoldTime, nil)
		if v := o.cfgDur(cSafetyNetHoldTimeInterval, srv); v >= 0 {
			hold = v
		}
		if srv.version.Is2010() {
			hold = o.cfgDur(cMaxDumpsterTime, nil)
		}
		// copies are kept in order, so the expired ones are a prefix
		var old []int
		n := srv.sn.start
		for ; n < srv.sn.end; n++ {
			if o.now()-srv.sn.at(n).keptAt < hold {
				break
			}
			old = append(old, n) // (dropKept passes over a copy evicted already)
		}
		if len(old) == 0 {
			o.armSweep(srv)
			return
		}
		for _, k := range old {
			o.dropKept(srv, k, "its Safety Net copy expired (SafetyNetHoldTime)", srv.name, false)
		}
		srv.sn.dropBefore(n)
		if srv.sn.live > 0 {
			o.armSweep(srv)
		}
	})
}

// LossyFailover is told by dag that db failed over losing the deliveries made into it
// from from to to (not yet copied to the new active copy). Those recipients are no
// longer delivered; Safety Net (2013+: the primary Safety Net at once, the shadow
// Safety Net after 12 hours if the primary stays unreachable) or the transport dumpster
// of every 2010 hub (at once) resubmits its copies; DSNs are suppressed and a
// recipient already redelivered is a duplicate the mailbox detects. A recipient with no
// copy left is lost to the failover.
func (o *Org) LossyFailover(db string, from, to time.Duration) {
	fault := "lossy failover of " + db
	if o.s.Journal().Enabled() {
		emit(o, "", db, LossyFailover{Database: db, From: o.s.Wall(from), To: o.s.Wall(to)})
	}
	type undone struct {
		m *message
		r int
	}
	var list []undone
	for _, m := range o.msgs {
		for r := range m.rcpts {
			rc := &m.rcpts[r]
			if rc.db == db && rc.fate == fateDelivered && rc.at >= from && rc.at <= to {
				rc.fate = fateNone
				rc.dupDet = 0
				list = append(list, undone{m, r})
			}
		}
	}
	var kept map[*message][]keptCopy
	if len(list) > 0 {
		kept = o.keptCopies()
	}
	for _, u := range list {
		m, r := u.m, u.r
		// the copies that can resubmit r, in the order of m's copies
		var primary []snRef
		var shadow []keptCopy
		var live []*item
		for _, it := range m.items {
			if it.loc == locShadow && m.covers(it, r) {
				live = append(live, it)
			}
		}
		for _, k := range kept[m] {
			if k.ref.get() == nil || !k.c.covers(r) {
				continue
			}
			if k.c.shadow {
				shadow = append(shadow, k)
			} else {
				primary = append(primary, k.ref)
			}
		}
		for _, ref := range primary {
			if ref.srv.up {
				o.resubmitFromSafetyNet(ref, r, "")
				if !ref.srv.version.Is2010() {
					break // one primary Safety Net copy is enough; 2010: every hub resubmits
				}
			} else {
				// a server that is down answers the request when its transport starts
				// again (exsim's choice: the sources do not say)
				o.arm(ref)
				ref.srv.redeliver = append(ref.srv.redeliver, redelivery{ref, m, r})
			}
		}
		// The shadow Safety Net resubmits after 12 hours if the recipient still has no
		// delivery (the primary Safety Net could not be reached, or lost what it
		// resubmitted). The first of m's shadows is asked: a copy in a shadow Safety
		// Net, or a shadow still in its queue, which answers if it is in Safety Net by
		// then.
		if w, ok := firstShadow(live, shadow); ok {
			o.armWait(w) // the recipient may wait on it
			o.after(12*time.Hour, kindExpiry, func() {
				ref, ok := w.resolve()
				if !ok || m.rcpts[r].fate != fateNone {
					o.disarmWait(w)
					o.checkLost(m, []int{r}, fault, "")
					return
				}
				if !ref.srv.up {
					ref.srv.redeliver = append(ref.srv.redeliver, redelivery{ref, m, r}) // still armed
					return
				}
				o.resubmitFromSafetyNet(ref, r, "the primary Safety Net did not redeliver it within 12 hours")
				o.disarm(ref)
			})
		}
		if m.copiesOf(r) == 0 {
			m.rcpts[r].fate = fateLost
			m.rcpts[r].setReason(fault)
			m.rcpts[r].at = o.now()
			if o.s.Journal().Enabled() {
				emit(o, "", "", MessageLost{Msg: Msg{m.id}, Recipient: m.rcpts[r].addr, Fault: fault, Undone: true})
			}
		}
		o.spofUpdate(m)
	}
}

// resubmitFromSafetyNet makes a new primary copy for recipient r from the Safety Net
// or dumpster copy ref names and categorizes it (RESUBMIT, source SAFETYNET).
func (o *Org) resubmitFromSafetyNet(ref snRef, r int, why string) {
	srv, c := ref.srv, ref.get()
	m, intID := c.m, c.intID
	it := o.newItem(srv, m, []int{r})
	it.direct = true
	it.resubmit = true
	it.x().visited = []string{srv.name}
	o.track(srv, "RESUBMIT", "SAFETYNET", it, "", resubmitReference(intID))
	if o.s.Journal().Enabled() {
		emit(o, srv.name, "", Resubmitted{Msg: Msg{m.id}, Server: srv.name, Recipient: m.rcpts[r].addr, Dumpster: srv.version.Is2010(), Why: why})
	}
	o.addCopy(it)
	o.categorize(srv, it)
}

// lostShadows: srv lost its queue database; primaries elsewhere whose shadows it held
// notice at their next heartbeat exchange (ShadowHeartbeatFrequency) and make new
// shadows. The sources do not say how a 2013+ primary reacts to a lost shadow; exsim
// re-shadows, as it does for any message it must protect.
func (o *Org) lostShadows(dead []*item) {
	for _, sh := range dead {
		p := sh.primary
		if sh.loc != locShadow || p == nil || p.dead || p.srv == nil || p.srv.version.Is2010() {
			continue
		}
		o.on(p.srv, o.cfgDur(cShadowHeartbeatFrequency, p.srv), kindHeartbeat, func() {
			if p.dead || p.loc != locQueue || p.finished || (p.shadow != nil && !p.shadow.dead) {
				return
			}
			if o.s.Journal().Enabled() {
				emit(o, p.srv.name, "", ShadowRemade{Msg: Msg{p.m.id}, Server: p.srv.name, Lost: sh.srv.name})
			}
			o.makeShadow(&shadowSession{srv: p.srv, it: p, reshadow: true})
		})
	}
}

// redelivery is a resubmission request a server could not serve while it was down:
// for recipient r of m, from the copy ref names.
type redelivery struct {
	ref snRef
	m   *message
	r   int
}

// serveRedeliveries runs the requests that arrived while srv was down.
func (o *Org) serveRedeliveries(srv *server) {
	list := srv.redeliver
	srv.redeliver = nil
	for _, rd := range list {
		if rd.ref.get() != nil && rd.m.rcpts[rd.r].fate == fateNone {
			o.resubmitFromSafetyNet(rd.ref, rd.r, "a request made while "+srv.name+" was down")
		}
		o.disarm(rd.ref)
		o.checkLost(rd.m, []int{rd.r}, "a lossy failover whose redelivery found no copy", srv.name)
	}
}
