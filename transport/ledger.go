package transport

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// message is one submitted message and its ledger entry. Safety Net keeps every
// delivered message for SafetyNetHoldTime, so what most messages never set (a sender
// inside the organization, a probe's origin, a fault's note, the ids and entry server
// only the logs read) is apart in msgExt: 64 bytes less per message held (a 1M-message
// day held some 600 MB at its end).
type message struct {
	id        int
	m         msgHeader
	submitted time.Duration
	accepted  time.Duration // when the organization first received it (expiry counts from here)
	rcpts     []rcpt
	items     []*item // live copies
	itemsBuf  [3]*item
	ext       *msgExt
	// SPOF window currently open
	spofSrv   *server
	spofFrom  time.Duration
	hasAccept bool
	everAcked bool // the originator got a 250 (or the Outbox hand-off completed)
	fromOrg   bool // sent by a mailbox (Outbox), not by the internet
	delayDSN  bool
	tries     int32 // internet sender attempts (in the bools' padding)
}

// msgHeader is what the ledger keeps of the submitted Message: its recipients are in
// rcpts and a probe's origin in the extension, so keeping the whole Message (To and
// Origin too) cost 40 bytes a message for nothing.
type msgHeader struct {
	From, Subject string
	Size          int
	Poison        bool
}

// msgExt is what few messages need, or only the logs: made on first write (x).
type msgExt struct {
	msgID    string
	netID    string // network-message-id, made once (ids.go)
	senderDB string
	origin   *server // probe origin
	// the fault that last destroyed a copy, for a loss found later (a shadow discarded
	// because its primary had passed the message on to a copy that was then destroyed)
	lastFault *faultNote
	entry     *server // tracking only: the first server that had it (original-server-ip)
	// its Safety Net copies a resubmission request waits on (arm): live copies
	armedSN []snRef
}

// x is m's extension, made on first write.
func (m *message) x() *msgExt {
	if m.ext == nil {
		m.ext = &msgExt{}
	}
	return m.ext
}

// r is a copy of m's extension for reading: the zero value when none was made.
func (m *message) r() msgExt {
	if m.ext == nil {
		return msgExt{}
	}
	return *m.ext
}

type faultNote struct{ fault, where string }

// rcpt is one recipient of a message and its fate. The fate is a byte and the reason
// (only a bounce or a loss has one) is apart: 80 bytes instead of 96, for every
// recipient Safety Net holds.
type rcpt struct {
	addr   string
	db     string // mailbox database; "" for an external recipient
	at     time.Duration
	server string
	why    *string // the reason of a bounce or a loss; nil: none
	dupDet int32
	dupDel int32
	fate   fateCode
}

// fateCode is a recipient's FateKind in a byte; fateNone: in flight.
type fateCode uint8

const (
	fateNone fateCode = iota
	fateDelivered
	fateBounced
	fateLost
)

// kind is the FateKind the verdict shows ("" in flight).
func (f fateCode) kind() FateKind {
	switch f {
	case fateDelivered:
		return Delivered
	case fateBounced:
		return Bounced
	case fateLost:
		return Lost
	}
	return ""
}

func (rc *rcpt) reason() string {
	if rc.why == nil {
		return ""
	}
	return *rc.why
}

func (rc *rcpt) setReason(s string) { rc.why = &s }

type locKind uint8

const (
	locSender    locKind = iota // an internet sender that has no 250 yet
	locOutbox                   // a mailbox's Outbox (in the mailbox database)
	locQueue                    // a primary copy in a transport queue (Submission, delivery, Unreachable)
	locShadow                   // a shadow copy in a shadow queue
	locSafetyNet                // a processed copy in Safety Net (2013+) or the transport dumpster (2010)
)

// item is one durable copy of a message for some of its recipients, in a queue or
// with its sender. Fields are ordered to pack. A copy kept in Safety Net becomes a
// record of its own (snCopy, safetynet.go).
type item struct {
	m         *message
	rcpts     []int
	srv       *server
	q         *queue
	intID     int
	primary   *item    // shadow: the primary it shadows
	shadow    *item    // 2013+ primary: its shadow
	next      *item    // the copy the next hop made of it
	ext       *itemExt // rarely set fields, apart
	seq       uint32   // its place among its message's copies (addCopy): m.items' order, which a Safety Net copy keeps
	primaryDB int32    // shadow: the primary server's queue database ID when the shadow was made
	loc       locKind
	haHeader  bool // stamped X-MS-Exchange-Forest-RoutedForHighAvailability
	xshadow   bool // received over a session that negotiated XSHADOW
	direct    bool // RouteForHighAvailability cleared: route straight to the destination
	finished  bool // handed to the next hop (discard status: delivery complete)
	destroyed bool
	dead      bool
	sending   bool // on the wire in an SMTP session
	resubmit  bool // resubmitted from Safety Net: DSNs suppressed
	awaiting  bool // sent; the 2013+ receiver has not acknowledged (it is making a shadow)
	accepting bool // 2013+: received, shadow being made, not yet acknowledged
}

// itemExt holds what few copies need: 2010 routing's visited hops, a delayed
// acknowledgement, bifurcation, and a 2013+ receiver's pending acknowledgement.
type itemExt struct {
	visited     []string
	ack         *pendingAck // a delayed acknowledgement waiting for this copy to reach its next hop
	parent      *item       // fork: the item it was bifurcated from
	forks       int32
	afterAccept func() // run when it is acknowledged
	// per-message deferral (a 4xx for this message from a session that succeeded)
	prev       *item         // 2013+ receiver: the previous hop's copy waiting for this server's answer
	rejected   bool          // sender: its next hop answered the data with a 4xx (rejectWith)
	deferUntil time.Duration // sender: not offered again before this time
	deferErr   string        // sender: the 4xx, Get-Message's LastError while deferred
	suspended  bool          // Suspend-Message (queueops.go): not offered until resumed
	// Remove-Message while it was being delivered (PendingRemove, queueops.go): removed
	// if that delivery fails, with an NDR when removeNDR
	pendingRemove, removeNDR bool
	// a lossy failover's shadow Safety Net request waits on this shadow, still in its
	// shadow queue (armed); kept in Safety Net while armed, the request waits on the
	// copy kept (keptAs, whose srv is nil until then) instead
	armed  int32
	keptAs snRef
}

// x is it's extension, made on first write.
func (it *item) x() *itemExt {
	if it.ext == nil {
		it.ext = &itemExt{}
	}
	return it.ext
}

func (it *item) visited() []string {
	if it.ext == nil {
		return nil
	}
	return it.ext.visited
}

func (it *item) ack() *pendingAck {
	if it.ext == nil {
		return nil
	}
	return it.ext.ack
}

func (it *item) parent() *item {
	if it.ext == nil {
		return nil
	}
	return it.ext.parent
}

// ledger keeps the SPOF windows and counters.
type ledger struct {
	windows []SPOFWindow
	exposed int
	peak    int
	perSrv  map[string]time.Duration
	dsns    int
	// instantClosed lists the windows that closed at instantAt after lasting no
	// time (a second copy appeared the instant the window opened): if the window
	// opens again in that instant its SPOFOpened has been journaled already.
	instantAt     time.Duration
	instantClosed []instantWindow
}

type instantWindow struct {
	msg int
	srv *server
}

func (m *message) final(i int) bool { return m.rcpts[i].fate != fateNone }

func (m *message) covers(it *item, i int) bool {
	for _, r := range it.rcpts {
		if r == i {
			return true
		}
	}
	return false
}

// copiesOf counts the live copies of recipient i: its copies in queues and with its
// sender, and the Safety Net or dumpster copies a resubmission request waits on. A
// recipient whose last live copy goes is lost, even if an inert Safety Net copy
// remains: nothing would ever send it.
func (m *message) copiesOf(i int) int {
	n := 0
	for _, it := range m.items {
		if m.covers(it, i) {
			n++
		}
	}
	if m.ext != nil && len(m.ext.armedSN) > 0 {
		n += m.armedCovering(i)
	}
	return n
}

func (o *Org) addCopy(it *item) {
	o.nextSeq++
	it.seq = o.nextSeq
	it.m.items = append(it.m.items, it)
	o.spofUpdate(it.m)
}

// removeCopy drops it from the ledger. A recipient left with no copy and no fate is
// lost, to the fault that removed the copy.
func (o *Org) removeCopy(it *item, fault, where string) {
	if it.dead {
		return
	}
	it.dead = true
	m := it.m
	for k, x := range m.items {
		if x == it {
			m.items = without(m.items, k)
			break
		}
	}
	if it.destroyed {
		m.x().lastFault = &faultNote{fault, where}
	}
	o.checkLost(m, it.rcpts, fault, where)
	o.spofUpdate(m)
}

// checkLost declares lost every recipient in rcpts left with no fate and no live copy.
func (o *Org) checkLost(m *message, rcpts []int, fault, where string) {
	for _, r := range rcpts {
		if !m.final(r) && m.copiesOf(r) == 0 {
			m.rcpts[r].fate = fateLost
			m.rcpts[r].at = o.now()
			m.rcpts[r].setReason(fault)
			m.rcpts[r].server = where
			if o.s.Journal().Enabled() {
				emit(o, where, "", MessageLost{Msg: Msg{m.id}, Recipient: m.rcpts[r].addr, Fault: fault})
			}
		}
	}
}

// release removes a copy that was handed on (its next hop has it now).
func (o *Org) release(it *item) { o.removeCopy(it, "released", "") }

// finish marks it handed to its next hop: its discard status is complete and a delayed
// acknowledgement waiting for it may go.
func (o *Org) finish(it *item) {
	if it.finished {
		return
	}
	it.finished = true
	if pa := it.ack(); pa != nil {
		o.ackReached(pa, it)
	}
	if p := it.parent(); p != nil {
		p.ext.forks--
		if p.ext.forks <= 0 {
			o.finish(p)
		}
	}
}

// deliverRcpt records a delivery of recipient r of m (into mailbox database db, or to
// an external host when db is "").
func (o *Org) deliverRcpt(m *message, r int, srv *server) {
	rc := &m.rcpts[r]
	switch rc.fate {
	case fateNone:
		rc.fate = fateDelivered
		rc.at = o.now()
		rc.server = srv.name
		for _, f := range o.delivered {
			f(m.id, rc.addr, o.now())
		}
	case fateDelivered:
		if rc.db != "" {
			rc.dupDet++
			if o.s.Journal().Enabled() {
				emit(o, srv.name, "", Duplicate{Msg: Msg{m.id}, Recipient: rc.addr, Detected: true})
			}
		} else {
			rc.dupDel++
			if o.s.Journal().Enabled() {
				emit(o, srv.name, "", Duplicate{Msg: Msg{m.id}, Recipient: rc.addr})
			}
		}
	}
	if rc.db != "" && o.env.Committed != nil {
		o.env.Committed(rc.db)
	}
}

func (o *Org) bounceRcpt(m *message, r int, reason string) {
	rc := &m.rcpts[r]
	if rc.fate != fateNone {
		return
	}
	rc.fate = fateBounced
	rc.at = o.now()
	rc.setReason(reason)
}

// spofUpdate opens or closes m's single-point-of-failure window: an acknowledged,
// undelivered message whose copies all sit on one server.
func (o *Org) spofUpdate(m *message) {
	var only *server
	exposed := false
	if m.everAcked && !m.allFinal() {
		exposed = true
		for _, it := range m.items {
			if it.loc == locSender || it.loc == locOutbox {
				exposed = false // the originator still holds it
				break
			}
			if it.loc == locSafetyNet || !o.coversOpen(it) {
				continue
			}
			if only == nil {
				only = it.srv
			} else if only != it.srv {
				exposed = false
				break
			}
		}
		if only == nil {
			exposed = false
		}
	}
	if m.spofSrv != nil && (!exposed || m.spofSrv != only) {
		o.closeWindow(m)
	}
	if exposed && m.spofSrv == nil {
		m.spofSrv = only
		m.spofFrom = o.now()
		o.led.exposed++
		if o.led.exposed > o.led.peak {
			o.led.peak = o.led.exposed
		}
		if n := len(o.led.windows); n > 0 {
			// a second copy that lived no time at all (a next hop that received the
			// message and refused it at once, as a 451 does) does not split a window
			if lw := o.led.windows[n-1]; lw.Message == m.id && lw.Server == only.name && lw.To == o.now() {
				o.led.windows = o.led.windows[:n-1]
				o.led.perSrv[lw.Server] -= lw.To - lw.From
				m.spofFrom = lw.From
				return
			}
		}
		if o.s.Journal().Enabled() && !o.led.reopenedInstantly(m.id, only, o.now()) {
			emit(o, only.name, "", SPOFOpened{Msg: Msg{m.id}, Server: only.name})
		}
	}
}

// reopenedInstantly reports whether m's window on srv closed at now after lasting
// no time, so that opening it again continues the window the journal already opened
// (with long SMTP latencies a next hop can take a copy and refuse it, 451 4.4.0, in
// the instant the sender's copy became the only one: one window, one SPOFOpened).
func (l *ledger) reopenedInstantly(msg int, srv *server, now time.Duration) bool {
	if l.instantAt != now {
		return false
	}
	for _, w := range l.instantClosed {
		if w.msg == msg && w.srv == srv {
			return true
		}
	}
	return false
}

func (o *Org) coversOpen(it *item) bool {
	for _, r := range it.rcpts {
		if !it.m.final(r) {
			return true
		}
	}
	return false
}

func (o *Org) closeWindow(m *message) {
	w := SPOFWindow{Message: m.id, Server: m.spofSrv.name, From: m.spofFrom, To: o.now()}
	if w.To == w.From {
		if o.led.instantAt != w.To {
			o.led.instantAt, o.led.instantClosed = w.To, o.led.instantClosed[:0]
		}
		o.led.instantClosed = append(o.led.instantClosed, instantWindow{m.id, m.spofSrv})
	}
	if w.To > w.From {
		o.led.windows = append(o.led.windows, w)
		if o.led.perSrv == nil {
			o.led.perSrv = map[string]time.Duration{}
		}
		o.led.perSrv[w.Server] += w.To - w.From
		if o.s.Journal().Enabled() {
			emit(o, w.Server, "", SPOFClosed{Msg: Msg{m.id}, Server: w.Server, Lasted: w.To - w.From})
		}
	}
	o.led.exposed--
	m.spofSrv = nil
}

func (m *message) allFinal() bool {
	for i := range m.rcpts {
		if m.rcpts[i].fate == fateNone {
			return false
		}
	}
	return true
}

// Check verifies the ledger: every live copy is where it says it is and every queue
// holds only live copies; every (message, recipient) is exactly one of in flight (at
// least one copy), delivered, bounced or lost (no copy). Tests call it after every
// event.
func (o *Org) Check() error {
	inQueues := map[*item]bool{}
	for _, srv := range o.servers {
		for _, q := range srv.queues {
			for _, it := range q.items {
				if it.dead {
					return fmt.Errorf("message #%d: dead copy in %s", it.m.id, q.identity())
				}
				if it.q != q || it.srv != srv {
					return fmt.Errorf("message #%d: copy in %s thinks it is elsewhere", it.m.id, q.identity())
				}
				if inQueues[it] {
					return fmt.Errorf("message #%d: copy twice in queues", it.m.id)
				}
				inQueues[it] = true
			}
		}
	}
	n := 0
	for _, m := range o.msgs {
		for _, it := range m.items {
			if it.dead {
				return fmt.Errorf("message #%d: dead copy in the ledger", m.id)
			}
			switch it.loc {
			case locQueue, locShadow, locSafetyNet:
				if !inQueues[it] {
					return fmt.Errorf("message #%d: ledger copy on %s is in no queue", m.id, it.srv.name)
				}
				n++
			}
		}
		if m.ext != nil {
			for _, ref := range m.ext.armedSN {
				if c := ref.get(); c == nil || c.armed <= 0 || c.m != m {
					return fmt.Errorf("message #%d: a resubmission request waits on a Safety Net copy on %s that is gone or not armed", m.id, ref.srv.name)
				}
			}
		}
		for i, rc := range m.rcpts {
			c := m.copiesOf(i)
			switch rc.fate {
			case fateNone:
				if c == 0 {
					return fmt.Errorf("message #%d to %s: in flight with no copy", m.id, rc.addr)
				}
			case fateLost:
				if c != 0 {
					return fmt.Errorf("message #%d to %s: lost but %d copies remain", m.id, rc.addr, c)
				}
			case fateDelivered, fateBounced:
			default:
				return fmt.Errorf("message #%d to %s: unknown fate %d", m.id, rc.addr, rc.fate)
			}
		}
	}
	if n != len(inQueues) {
		return errors.New("queues hold copies the ledger does not know")
	}
	for _, srv := range o.servers {
		live := 0
		var last time.Duration
		var err error
		srv.sn.each(func(n int, c *snCopy) {
			live++
			if c.keptAt < last && err == nil {
				err = fmt.Errorf("message #%d: %s's Safety Net copies are out of order", c.m.id, srv.name)
			}
			last = c.keptAt
			if c.armed > 0 && err == nil && !slices.Contains(c.m.ext.armedSN, snRef{srv, n}) {
				err = fmt.Errorf("message #%d: an armed Safety Net copy on %s is not a live copy", c.m.id, srv.name)
			}
		})
		if err != nil {
			return err
		}
		if live > 0 && (srv.snQ == nil || srv.snQ.gone || srv.byKey[srv.snQ.key] != srv.snQ) {
			return fmt.Errorf("%s holds Safety Net copies and no Safety Net queue to place them among its queues", srv.name)
		}
		if live != srv.sn.live {
			return fmt.Errorf("%s's Safety Net counts %d copies and holds %d", srv.name, srv.sn.live, live)
		}
	}
	return nil
}

// Verdict judges the run from the ledger at the current instant.
func (o *Org) Verdict() Verdict {
	var v Verdict
	now := o.now()
	perSrv := map[string]time.Duration{}
	for k, d := range o.led.perSrv {
		perSrv[k] = d
	}
	v.SPOF = append(v.SPOF, o.led.windows...)
	v.Fates = make([]Fate, 0, len(o.msgs))
	for _, m := range o.msgs {
		if m.spofSrv != nil && now > m.spofFrom {
			v.SPOF = append(v.SPOF, SPOFWindow{Message: m.id, Server: m.spofSrv.name, From: m.spofFrom, To: now})
			perSrv[m.spofSrv.name] += now - m.spofFrom
		}
		for i, rc := range m.rcpts {
			f := Fate{Message: m.id, Recipient: rc.addr, Fate: rc.fate.kind(), DuplicatesDetected: int(rc.dupDet), DuplicatesDelivered: int(rc.dupDel)}
			switch rc.fate {
			case fateDelivered:
				f.Latency = rc.at - m.submitted
				f.Server = rc.server
				v.Delivered++
			case fateBounced:
				f.Latency = rc.at - m.submitted
				f.Reason = rc.reason()
				v.Bounced++
			case fateLost:
				f.Reason = rc.reason()
				f.Server = rc.server
				v.Lost++
			default:
				f.Fate = Stuck
				f.Server, f.Reason = o.whereStuck(m, i)
				v.Stuck++
			}
			v.Duplicates += int(rc.dupDel)
			v.DuplicatesDetected += int(rc.dupDet)
			v.Fates = append(v.Fates, f)
		}
	}
	sort.SliceStable(v.SPOF, func(a, b int) bool {
		if v.SPOF[a].From != v.SPOF[b].From {
			return v.SPOF[a].From < v.SPOF[b].From
		}
		return v.SPOF[a].Message < v.SPOF[b].Message
	})
	var best time.Duration
	for _, k := range sortedKeys(perSrv) {
		v.ExposureSeconds += perSrv[k].Seconds()
		if perSrv[k] > best {
			best, v.MostExposedServer = perSrv[k], k
		}
	}
	v.PeakExposed = o.led.peak
	v.DSNs = o.led.dsns
	return v
}

// whereStuck says where an undelivered recipient's copies sit and why they do not move.
func (o *Org) whereStuck(m *message, r int) (string, string) {
	var where, why []string
	// m's copies in their order: the items, and the Safety Net copies a resubmission
	// request waits on
	var armed []snRef
	if m.ext != nil {
		for _, ref := range m.ext.armedSN {
			if c := ref.get(); c != nil && c.covers(r) {
				armed = append(armed, ref)
			}
		}
		sort.Slice(armed, func(a, b int) bool { return armed[a].get().seq < armed[b].get().seq })
	}
	waiting := func(ref snRef) {
		where = append(where, ref.srv.name)
		why = append(why, fmt.Sprintf("in the Safety Net of %s, waiting to be resubmitted", ref.srv.name))
	}
	for _, it := range m.items {
		if !m.covers(it, r) {
			continue
		}
		for len(armed) > 0 && armed[0].get().seq < it.seq {
			waiting(armed[0])
			armed = armed[1:]
		}
		switch it.loc {
		case locSender:
			where = append(where, internet)
			why = append(why, fmt.Sprintf("the internet sender has no 250 yet and retries every %v", o.top.SenderRetry))
		case locOutbox:
			where = append(where, "Outbox")
			why = append(why, "still in the sender's Outbox: no Hub Transport server took it")
		default:
			where = append(where, it.srv.name)
			switch {
			case it.q != nil && it.q.kind == qPoison:
				why = append(why, fmt.Sprintf("in %s: processing it crashed the transport service of %s PoisonThreshold times; poison messages never expire and wait for an administrator (Resume-Message or Remove-Message)", it.q.identity(), it.srv.name))
			case !it.srv.up:
				why = append(why, fmt.Sprintf("in %s, and %s is down", it.q.identity(), it.srv.name))
			case it.loc == locShadow:
				why = append(why, fmt.Sprintf("a shadow in %s waiting for its primary on %s", it.q.identity(), it.q.nextHop))
			case it.q.status == "Retry":
				why = append(why, fmt.Sprintf("in %s (Retry: %s)", it.q.identity(), it.q.lastError))
			default:
				why = append(why, fmt.Sprintf("in %s (%s)", it.q.identity(), it.q.status))
			}
		}
	}
	for _, ref := range armed {
		waiting(ref)
	}
	return strings.Join(where, ", "), strings.Join(why, "; ")
}
