package transport

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// orgDomain is the domain in server FQDNs: the first accepted domain.
func (o *Org) orgDomain() string {
	d := sortedKeys(o.domains)
	if len(d) == 0 {
		return "contoso.com"
	}
	return d[0]
}

func (o *Org) fqdn(srv *server) string {
	if srv.fqdn == "" {
		srv.fqdn = srv.name + "." + o.orgDomain()
	}
	return srv.fqdn
}

func (o *Org) peer(srv *server, port int) smtp.Peer {
	if srv.ipAddr == "" {
		srv.ipAddr = o.ip(srv.name)
	}
	return smtp.Peer{Server: srv.name, FQDN: o.fqdn(srv), IP: srv.ipAddr, Port: port, Version: string(srv.version)}
}

func (o *Org) receiveConnector(srv *server) string {
	if srv.recvConn == "" {
		srv.recvConn = smtp.DefaultReceiveConnector(srv.name)
	}
	return srv.recvConn
}

// externalPeer is a host outside the organization (not Exchange: no protocol log).
func (o *Org) externalPeer(fqdn string, port int) smtp.Peer {
	if o.inetIP == "" {
		o.inetIP = o.ip(internet)
	}
	caps := smtp.InternetHostCaps
	if len(o.ext) > 0 { // most worlds declare no external host: no lower-casing per session
		if h := o.ext[strings.ToLower(fqdn)]; h != nil && h.caps != nil {
			caps = h.caps
		}
	}
	return smtp.Peer{Server: internet, FQDN: fqdn, IP: o.inetIP, Port: port, Caps: caps}
}

// connectorSecurity gives c the RequireTLS and SmartHostAuthMechanism of the Send
// connector named name (none for an implicit connector).
func (o *Org) connectorSecurity(name string, c *smtp.Conversation) {
	for i := range o.top.Connectors {
		if k := &o.top.Connectors[i]; k.Name == name {
			c.RequireTLS, c.SmartHostAuth, c.IgnoreSTARTTLS = k.RequireTLS, k.SmartHostAuthMechanism, k.IgnoreSTARTTLS
			return
		}
	}
}

func (o *Org) nextSession() (id string, port int) {
	o.sessions++
	if !o.wantsProtocol() && !o.wantsTracking() {
		return "", 1024 + int(o.sessions%60000) // no log row will show it
	}
	return smtp.SessionID(o.sessions), 1024 + int(o.sessions%60000)
}

// converse plays c and journals both protocol logs; when the journal keeps no
// protocol rows it only times the session.
func (o *Org) converse(c *smtp.Conversation) smtp.Result {
	if !o.wantsProtocol() {
		return o.timing(c)
	}
	res, err := smtp.Converse(*c)
	if err != nil {
		panic(err)
	}
	var rows []logs.ProtocolEvent
	if o.protocolLogged(o.byName[strings.ToLower(c.Client.Server)], logs.Send, c.SendConnector) {
		rows = append(rows, res.Send...)
	}
	if o.protocolLogged(o.byName[strings.ToLower(c.Server.Server)], logs.Receive, c.ReceiveConnector) {
		rows = append(rows, res.Receive...)
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].At < rows[b].At })
	recv, send := o.logService(*c)
	o.journalRows(rows, recv, send)
	return res
}

// journalRows journals protocol rows, Receive rows in recv's log, Send rows in send's.
func (o *Org) journalRows(rows []logs.ProtocolEvent, recv, send string) {
	for _, r := range rows {
		if r.Log == logs.Send {
			r.Service = send
		} else {
			r.Service = recv
		}
		o.s.Journal().Add(sim.Record{At: r.At, Kind: logs.KindProtocol, Server: r.Server, Subject: r.SessionID, Data: r})
	}
}

// logService names the services whose protocol logs hold c's rows (2013+ keeps one
// folder per service): the Receive side by the port it answers, the Send side by the
// connector.
func (o *Org) logService(c smtp.Conversation) (recv, send string) {
	recv, send = logs.Hub, logs.Hub
	switch c.Server.Port {
	case 475:
		recv = logs.MailboxDelivery
	case outboundProxyPort:
		recv = logs.FrontEnd
	case 25:
		if s, ok := o.byName[strings.ToLower(c.Server.Server)]; ok && s.frontEnd {
			recv = logs.FrontEnd
		}
	}
	if c.SendConnector == smtp.InboundProxySendConnector {
		send = logs.FrontEnd
	}
	return recv, send
}

func (o *Org) smtpMessage(it *item, internalID int64) smtp.Message {
	m := smtp.Message{From: it.m.m.From, Size: max(it.m.m.Size, 1), RecordID: int64(it.intID), InternalID: internalID}
	if !o.wantsProtocol() {
		// only the timing is needed: the recipient count
		for len(o.blank) < len(it.rcpts) {
			o.blank = append(o.blank, "")
		}
		m.To = o.blank[:len(it.rcpts)]
		return m
	}
	m.MessageID = o.msgID(it.m, nil)
	m.To = make([]string, len(it.rcpts))
	for k, r := range it.rcpts {
		m.To[k] = it.m.rcpts[r].addr
	}
	return m
}

// smtpAttempt runs one SMTP session from q's server to its next hop carrying every
// message of q not already on the wire. The receiver takes each message when its data
// is complete; the sender learns of the 250 one latency later and then keeps a shadow
// (XSHADOW between 2010 hubs) or lets the message go.
func (o *Org) smtpAttempt(q *queue) {
	srv := q.srv
	sid, port := o.nextSession()
	rid, _ := o.nextSession()
	recvN := o.sessions
	if o.quickDelivery(q, recvN) {
		return
	}
	c := smtp.Conversation{Epoch: o.s.Start(), Start: o.now(), Latency: o.top.Latency, Client: o.peer(srv, port),
		SendConnector: smtp.IntraOrgSendConnector, SendSessionID: sid, ReceiveSessionID: rid}
	var target *server
	external := false
	var notActive *server
	var firstDown *server
	var pressured *server
	if why := o.inboundBlocked(q); why != "" { // Set-AdSite -InboundMailEnabled $false (adsites.go)
		q.busy = false
		if !o.backOff(q, why) {
			o.fail(q, why)
		}
		return
	}
	switch q.dtype {
	case "SmartHostConnectorDelivery", "DnsConnectorDelivery":
		if o.frontProxied(q) {
			o.outboundProxy(q)
			return
		}
		external = true
		c.SendConnector = o.connectorName(q)
		o.connectorSecurity(c.SendConnector, &c)
		if !o.externalTarget(q, &c) { // smarthost.go: rotation, MX, failover
			return
		}
	case "SmtpDeliveryToMailbox":
		act, mounted := o.activeCopy(q.nextHop)
		if act == nil {
			o.busyFail(q, fmt.Sprintf("no server holds database %s", q.nextHop))
			return
		}
		c.Server = o.peer(act, 475) // the Mailbox Transport Delivery service
		c.ReceiveConnector = mailboxDeliveryConnector(act)
		switch {
		case !hostUp(act) || !o.reachable(srv.name, act.name): // Mailbox Transport Delivery runs without Transport
			c.ConnectFailure = smtp.WinsockTimedOut
		case act.mtdStopped: // nothing listens on 475
			c.ConnectFailure = smtp.WinsockRefused
		case !mounted:
			// The Mailbox Transport Delivery service answers for the database.
			// Mailbox Transport Delivery on the active copy's server logs the deferral.
			o.deferQueued(q, act, act.name, dbOffline)
			lastErr, _ := smtp.FailoverError(string(srv.version), smtp.Reply{Code: 432, Enhanced: "4.3.2", Text: "STOREDRV; mailbox database is offline"}, o.ip(act.name)+":475")
			o.busyFail(q, lastErr)
			return
		default:
			target = act
		}
	default: // relays to other transport servers
		n := len(q.targets)
		for k := 0; k < n; k++ {
			t := q.targets[(srv.rr+k)%n]
			switch {
			case !t.up || !o.reachable(srv.name, t.name):
				if firstDown == nil {
					firstDown = t
				}
			case o.acceptState(t) != "Active":
				if notActive == nil {
					notActive = t
				}
			case t.refuses(refuseExchange):
				if pressured == nil {
					pressured = t // back pressure (pressure.go)
				}
			default:
				target = t
				srv.rr = (srv.rr + k + 1) % n
			}
			if target != nil {
				break
			}
		}
		switch {
		case target != nil:
			c.Server = o.peer(target, hubPort(target))
			c.ReceiveConnector = o.receiveConnector(target)
		case notActive != nil:
			c.Server = o.peer(notActive, hubPort(notActive))
			c.ReceiveConnector = o.receiveConnector(notActive)
			r := smtp.ServiceNotActive
			c.MailReply = &r
		case pressured != nil:
			c.Server = o.peer(pressured, 25)
			c.ReceiveConnector = o.receiveConnector(pressured)
			r := smtp.InsufficientResources
			c.MailReply = &r
		case firstDown != nil:
			c.Server = o.peer(firstDown, hubPort(firstDown))
			c.ConnectFailure = smtp.WinsockTimedOut
		default:
			o.busyFail(q, "no transport server to relay to")
			return
		}
	}
	batch := o.newBatch()
	for _, it := range q.items {
		if !it.sending && len(batch) < 20 && (it.ext == nil || (!o.deferredNow(it) && !it.ext.suspended)) {
			batch = append(batch, it)
		}
	}
	if len(batch) == 0 {
		q.busy = false
		o.freeBatch(batch)
		if next := o.nextDeferred(q); next > 0 {
			o.scheduleAttempt(q, next-o.now()) // only deferred messages: wait for the first
		} else if q.inRetry && hasSuspended(q) {
			o.scheduleAttempt(q, o.retryInterval(q)) // only suspended ones: keep the retry schedule (queueops.go)
		}
		return
	}
	if len(batch) > 20 { // messages per connection
		batch = batch[:20]
	}
	if target != nil && !external && c.ConnectFailure == 0 && c.MailReply == nil && len(batch) == 1 && !o.wantsProtocol() {
		// a session of one message that nothing refuses and no log shows: timed
		// without its message list and outcome (quickQueued)
		if queued, ack, end, ok := o.quickTimes(len(batch[0].rcpts), false, srv, target, c.Server.Caps); ok {
			batch[0].sending = true
			o.relayOne(o.relayOpen(q, target, batch, external, c.Server, c.Start+c.Latency, recvN), queued, ack, end)
			return
		}
	}
	if c.ConnectFailure == 0 && c.MailReply == nil && len(batch) == 1 {
		id := int64(0)
		if target != nil {
			id = int64(target.nextInternal + 1)
		}
		c.Messages = o.oneMessage(o.smtpMessage(batch[0], id))
	} else if c.ConnectFailure == 0 && c.MailReply == nil {
		for k, it := range batch {
			id := int64(0)
			if target != nil {
				id = int64(target.nextInternal + k + 1)
			}
			c.Messages = append(c.Messages, o.smtpMessage(it, id))
		}
	} else {
		c.Messages = o.oneMessage(o.smtpMessage(batch[0], 0))
	}
	if target != nil && !external && !finalHop(q) && o.wantsProtocol() && o.refusesUnshadowable(target) {
		// the receiver will refuse every message of this relay (rejectToPrevious); the
		// protocol logs show its 451 to the data (timing is the same)
		r := smtp.NotRedundant
		for k := range c.Messages {
			c.Messages[k].DataReply = &r
		}
	}
	res := o.converse(&c)
	ep := srv.epoch
	if res.Failure.Code != 0 {
		var lastErr string
		if c.ConnectFailure != 0 {
			lastErr, _ = smtp.ConnectFailureError(string(srv.version), c.ConnectFailure, c.Server.IP+":"+strconv.Itoa(c.Server.Port))
		} else {
			lastErr, _ = smtp.FailoverError(string(srv.version), res.Failure, c.Server.IP+":"+strconv.Itoa(c.Server.Port))
		}
		o.freeBatch(batch)
		connectFailed := c.ConnectFailure != 0 // not c itself: a closure holding c moves every session's conversation to the heap
		o.at(res.End, kindSession, func() {
			if srv.epoch != ep || !srv.up {
				return
			}
			q.busy = false
			if q.dtype == "SmtpRelayWithinAdSite" {
				o.resubmitDirect(q, lastErr)
			}
			if connectFailed && o.backOff(q, lastErr) {
				return // queue at point of failure (adsites.go)
			}
			o.fail(q, lastErr)
		})
		return
	}
	for _, it := range batch {
		it.sending = true
	}
	rs := o.relayOpen(q, target, batch, external, c.Server, c.Start+c.Latency, recvN)
	for k := range res.Outcomes {
		o.post(res.Outcomes[k].QueuedAt, rs, kindQueued, k)
		o.post(res.Outcomes[k].AckAt, rs, kindAck, k)
	}
	o.post(res.End, rs, kindSession, 0)
	rs.pending = 2*len(res.Outcomes) + 1
}

// quickDelivery is smtpAttempt's delivery of one message to the Mailbox Transport
// Delivery service of its database's active copy when that is all q has to offer,
// nothing refuses it and no protocol log shows it: the session is timed without
// being built (quickQueued). It reports false, having changed nothing, when the
// attempt is another.
func (o *Org) quickDelivery(q *queue, recvN uint64) bool {
	if q.dtype != "SmtpDeliveryToMailbox" || o.wantsProtocol() || o.inboundBlocked(q) != "" {
		return false
	}
	srv := q.srv
	act, mounted := o.activeCopy(q.nextHop)
	if act == nil || !mounted || !hostUp(act) || !o.reachable(srv.name, act.name) || act.mtdStopped {
		return false
	}
	var one *item
	for _, it := range q.items {
		if !it.sending && (it.ext == nil || (!o.deferredNow(it) && !it.ext.suspended)) {
			if one != nil {
				return false // a batch of several
			}
			one = it
		}
	}
	if one == nil {
		return false
	}
	queued, ack, end, ok := o.quickTimes(len(one.rcpts), false, srv, act, nil)
	if !ok {
		return false
	}
	batch := append(o.newBatch(), one)
	one.sending = true
	o.relayOne(o.relayOpen(q, act, batch, false, o.peer(act, 475), o.now()+o.top.Latency, recvN), queued, ack, end)
	return true
}

// relayOne posts the events of rs, a session of one message: the receiver has it at
// queued, the sender its 250 at ack, and the session ends at end.
func (o *Org) relayOne(rs *relaySession, queued, ack, end time.Duration) {
	o.post(queued, rs, kindQueued, 0)
	o.post(ack, rs, kindAck, 0)
	o.post(end, rs, kindSession, 0)
	rs.pending = 3
}

// relayOpen is the session from q's server carrying batch to target (nil: outside
// Exchange) at peer, which accepted it, its receiving side begun at recvStart; the
// caller posts its events.
func (o *Org) relayOpen(q *queue, target *server, batch []*item, external bool, peer smtp.Peer, recvStart time.Duration, recvN uint64) *relaySession {
	srv := q.srv
	rs := o.pools.relays.get()
	*rs = relaySession{o: o, q: q, srv: srv, target: target, ep: srv.epoch, batch: batch, external: external,
		final: q.dtype == "SmtpDeliveryToMailbox", serverIP: peer.IP, serverPort: peer.Port,
		recvN: recvN, recvStart: recvStart, serverHost: peer.FQDN}
	if target != nil {
		rs.firstID = int64(target.nextInternal + 1) // as the conversation numbered them
		rs.tep = target.epoch
		rs.xshadow = srv.version.Is2010() && target.version.Is2010() && o.cfgBool(cShadowRedundancyEnabled, srv) &&
			!o.cfgBool(cShadowRedundancyLocalDisabled, srv)
	}
	return rs
}

func finalHop(q *queue) bool { return q.dtype == "SmtpDeliveryToMailbox" }

// relaySession is one successful SMTP session of a queue: its events are posted to it
// (a handler, so no closure is allocated per message).
type relaySession struct {
	o                                *Org
	q                                *queue
	srv, target                      *server
	ep, tep                          int
	batch                            []*item
	external, final, xshadow, broken bool
	serverIP                         string
	serverPort                       int
	pending                          int           // posted events not yet fired
	recvN                            uint64        // the session number of the receiving side (the sending side's is one less)
	recvStart                        time.Duration // when the receiving side's session began
	firstID                          int64         // the receiver's InternalId of batch[0] in its 250s
	serverHost                       string        // the next hop's host name (an MX, a smart host)
}

func (o *Org) post(at time.Duration, h sim.Handler, k sim.Kind, a int) {
	if at < o.now() {
		at = o.now()
	}
	if err := o.s.Post(at, h, sim.Event{Kind: k, A: int32(a)}); err != nil {
		panic(err)
	}
}

// Fire runs the session's events: kindQueued (the receiver has message A), kindAck
// (its 250 reached the sender), kindSession (the session ended).
func (rs *relaySession) Fire(_ *sim.Sim, ev sim.Event) {
	rs.pending--
	if rs.pending == 0 {
		defer rs.o.freeRelay(rs)
	}
	switch ev.Kind {
	case kindQueued:
		rs.queued(rs.batch[ev.A])
	case kindAck:
		rs.acked(rs.batch[ev.A])
	default:
		rs.ended()
	}
}

func (rs *relaySession) queued(it *item) {
	o, srv, target := rs.o, rs.srv, rs.target
	if rs.broken || srv.epoch != rs.ep || !srv.up || it.dead {
		rs.broken = true
		return
	}
	if rs.external {
		return
	}
	alive := target.up && target.epoch == rs.tep
	if rs.final {
		alive = hostUp(target) // Mailbox Transport Delivery does not restart with Transport
	}
	if !alive {
		rs.broken = true
		return
	}
	if rs.final {
		// Mailbox Transport Delivery writes into the database and answers 250.
		for _, r := range it.rcpts {
			o.deliverRcpt(it.m, r, target)
		}
		o.track(target, "DELIVER", "STOREDRIVER", it, srv.name, rs.recvContext(it))
		return
	}
	nit := o.newItem(target, it.m, it.rcpts)
	nit.xshadow = rs.xshadow
	nit.haHeader = it.haHeader
	nit.direct = it.direct
	nit.x().visited = append(append([]string(nil), it.visited()...), target.name)
	o.track(target, "RECEIVE", "SMTP", nit, srv.name, rs.recvContext(it))
	o.addCopy(nit)
	it.next = nit
	if !target.version.Is2010() {
		nit.x().prev = it                        // this hop waits for the answer to its data
		o.accept2013(target, nit, nil, nil, nil) // shadowed again on arrival
		return
	}
	o.categorize(target, nit)
}

func (rs *relaySession) acked(it *item) {
	o, srv, target, q := rs.o, rs.srv, rs.target, rs.q
	if rs.broken || srv.epoch != rs.ep || it.dead {
		return
	}
	it.sending = false
	if it.ext != nil && it.ext.rejected {
		// the 2013+ receiver answered the data with 451 4.4.0 (rejectToPrevious)
		it.ext.rejected = false
		o.deferItem(it, smtp.NotRedundant, target)
		return
	}
	if rs.external {
		o.track(srv, "SEND", "SMTP", it, rs.serverHost, rs.sendContext(it))
		for _, r := range it.rcpts {
			o.deliverRcpt(it.m, r, srv)
		}
		o.finish(it)
		o.keepOrRelease(it)
		return
	}
	nit := it.next
	waits := !rs.final && !rs.xshadow && nit != nil && nit.accepting && !nit.dead
	sid := rs.sendContext(it)
	if !waits {
		o.track(srv, "SEND", "SMTP", it, target.name, sid)
	}
	if rs.final {
		o.finish(it)
		o.keepOrRelease(it)
		return
	}
	if rs.xshadow {
		o.takeFromQueue(it)
		sq := o.shadowQueue(srv, target)
		it.loc = locShadow
		it.primary = it.next
		it.primaryDB = int32(target.dbID)
		it.q = sq
		sq.items = append(sq.items, it)
		o.armHeartbeat(sq)
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", ShadowMade{Msg: Msg{it.m.id}, Server: srv.name, On: target.name, XShadow: true, Queue: sq.identity()})
		}
		o.finish(it)
		o.spofUpdate(it.m)
		return
	}
	ep := rs.ep
	fin := func() {
		if srv.epoch != ep || it.dead {
			return
		}
		it.sending, it.awaiting = false, false
		if waits {
			// SEND is logged when the 250 comes, not before a 451 could
			o.track(srv, "SEND", "SMTP", it, target.name, sid)
		}
		o.finish(it)
		o.keepOrRelease(it)
	}
	if waits {
		// a 2013+ receiver acknowledges only once it has made its shadow
		it.sending, it.awaiting = true, true
		nit.x().afterAccept = fin
		o.on(srv, 10*time.Minute, kindAck, func() {
			if it.awaiting && !it.dead {
				it.sending, it.awaiting = false, false // no answer: send it again
				o.settlePending(it)
				o.scheduleAttempt(q, 0)
			}
		})
		return
	}
	fin()
}

func (rs *relaySession) ended() {
	o, srv, q := rs.o, rs.srv, rs.q
	if srv.epoch != rs.ep || !srv.up {
		return
	}
	q.busy = false
	for _, it := range rs.batch {
		if !it.awaiting {
			it.sending = false
			o.settlePending(it) // a PendingRemove whose delivery failed (queueops.go)
		}
	}
	if rs.broken {
		lastErr, _ := smtp.FailoverError(string(srv.version), smtp.ConnectionDropped, rs.serverIP+":"+strconv.Itoa(rs.serverPort))
		o.fail(q, lastErr)
		return
	}
	o.succeeded(q)
}

func (o *Org) connectorName(q *queue) string {
	for i := range o.top.Connectors {
		if c := &o.top.Connectors[i]; q.dtype == "SmartHostConnectorDelivery" && smartHostList(c) == q.nextHop {
			return c.Name
		}
	}
	if c := o.connectorFor(q.nextHop); c != nil {
		return c.Name
	}
	return smtp.IntraOrgSendConnector
}

// busyFail fails an attempt that needed no session.
func (o *Org) busyFail(q *queue, lastErr string) {
	q.busy = false
	o.fail(q, lastErr)
}

func (o *Org) at(t time.Duration, k sim.Kind, fn func()) {
	if t < o.now() {
		t = o.now()
	}
	if err := o.s.At(t, k, fn); err != nil {
		panic(err)
	}
}

// keepOrRelease: a 2013+ server keeps what it processed in its primary Safety Net; a
// 2010 hub's dumpster keeps only its own mailbox deliveries.
func (o *Org) keepOrRelease(it *item) {
	if it.srv.version.Is2010() {
		o.takeFromQueue(it)
		o.release(it)
		return
	}
	o.keep(it, false)
}

// timingKey is what the timing of a one-message session depends on, besides what
// makes timing not cache it (cacheable). The receiver's capabilities (PIPELINING and
// CHUNKING save round trips) are known by their list: lists are shared (a front
// end's, the internet hosts', nil for a version's own), so one list is one key, and
// equal lists apart are only two keys of the same offsets.
type timingKey struct {
	shape          int // recipients<<2 | refused at MAIL FROM<<1 | proxied (the Front End Transport hop's XPROXYFROM)
	connectFailure int
	client, server string
	caps           *string
	nCaps          int
}

// is compares the integers first, and the versions by pointer before their bytes:
// they are the servers' own strings, so equal keys share them (the generated == of
// the struct called memequal for each, 0.7% of the day-100k run).
func (k *timingKey) is(o *timingKey) bool {
	return k.shape == o.shape && k.connectFailure == o.connectFailure && k.caps == o.caps && k.nCaps == o.nCaps &&
		sameString(k.client, o.client) && sameString(k.server, o.server)
}

// cacheable: c is a one-message session with every recipient and the data accepted,
// at the organization's latency, with no tarpit delay, no connect timeout of its own
// and no TLS or authentication to a host outside Exchange. Those are what the
// session's times depend on that timingKey does not hold; sessions with them are
// rare (back pressure, smart hosts) and are timed each time. The cache once keyed on
// less, and a tarpitted session got the untarpitted times without protocol logs
// (TestTimingCacheMatchesSmtpTiming).
func (o *Org) cacheable(c *smtp.Conversation) bool {
	return len(c.Messages) == 1 && len(c.Messages[0].RcptReplies) == 0 && c.Messages[0].DataReply == nil &&
		c.MailDelay == 0 && c.ConnectTimeout == 0 && c.Latency == o.top.Latency &&
		(c.Client.Version == "" || c.Server.Version != "")
}

// sameString is a == b, shortcut when both are the same bytes.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

type timingEntry struct {
	k   timingKey
	off timingOffsets
}

type timingOffsets struct {
	queued, ack, end time.Duration
	failure          smtp.Reply
	outcome          bool
}

// timing is smtp.Timing with the offsets of one-message sessions cached: the journal is
// off (a benchmark) and the same handful of session shapes repeat. It takes c by
// pointer and does not keep it: a conversation is some 400 bytes, and copying it per
// call showed in the anchors workload's instruction counts (cachegrind).
func (o *Org) timing(c *smtp.Conversation) smtp.Result {
	if !o.cacheable(c) {
		res, err := smtp.Timing(*c)
		if err != nil {
			panic(err) // the conversation is built here from valid profiles: a bug
		}
		return res
	}
	shape := len(c.Messages[0].To) << 2
	if c.MailReply != nil {
		shape |= 2
	}
	if c.XProxyFrom != "" {
		shape |= 1
	}
	k := timingKey{shape: shape, connectFailure: c.ConnectFailure, client: c.Client.Version, server: c.Server.Version,
		caps: unsafe.SliceData(c.Server.Caps), nCaps: len(c.Server.Caps)}
	off, ok := o.timed(&k)
	if !ok {
		cc := *c // timed from 0 with no acknowledgement delay: the caller's c is unchanged
		delay := c.Messages[0].AckDelay
		cc.Start = 0
		c.Messages[0].AckDelay = 0
		res, err := smtp.Timing(cc)
		if err != nil {
			panic(err)
		}
		c.Messages[0].AckDelay = delay
		off = timingOffsets{end: res.End, failure: res.Failure}
		if len(res.Outcomes) == 1 {
			off.outcome = true
			off.queued, off.ack = res.Outcomes[0].QueuedAt, res.Outcomes[0].AckAt
		}
		o.timingSlots[k.slot(len(o.timingSlots))] = int32(len(o.timings) + 1)
		o.timings = append(o.timings, timingEntry{k, off})
	}
	// the acknowledgement delay shifts everything after the data (Converse)
	d := c.Messages[0].AckDelay
	res := smtp.Result{Failure: off.failure, End: c.Start + off.end}
	if off.outcome {
		res.End += d
		// callers read the outcome at once, so one buffer serves every session
		o.outcome1[0] = smtp.Outcome{QueuedAt: c.Start + off.queued, AckAt: c.Start + off.ack + d}
		res.Outcomes = o.outcome1[:]
	}
	return res
}

// slot is k's place among n slots (a power of two).
func (k *timingKey) slot(n int) int {
	return (k.shape*5 + k.connectFailure*3 + len(k.client) + 7*len(k.server) + 11*k.nCaps) & (n - 1)
}

// timed returns the offsets of the sessions of key k, if one was timed. A handful of
// keys repeat: a slot picked by the key's integers and the versions' lengths
// remembers where its last key was found, and a linear scan (which beats hashing two
// strings) finds the rest; the scan was 2% of the day-100k run's instructions
// (cachegrind).
func (o *Org) timed(k *timingKey) (timingOffsets, bool) {
	slot := &o.timingSlots[k.slot(len(o.timingSlots))]
	if i := *slot - 1; i >= 0 && o.timings[i].k.is(k) {
		return o.timings[i].off, true
	}
	for i := range o.timings {
		if e := &o.timings[i].k; e.shape == k.shape && e.connectFailure == k.connectFailure && e.caps == k.caps && e.nCaps == k.nCaps &&
			e.client == k.client && e.server == k.server {
			*slot = int32(i + 1)
			return o.timings[i].off, true
		}
	}
	return timingOffsets{}, false
}

// quickQueued is when the receiver has the data of a session that was not built: a
// session of one message to n recipients from client to server (nil: a host outside
// Exchange), starting now, that nothing refuses, proxied or not, to a receiver
// offering caps (nil: its version's), at the organization's latency, with no tarpit
// and no acknowledgement delay, and shown in no protocol log. The caller has checked
// all that. It is what timing would give the conversation, known only once such a
// session was timed (ok false: build the conversation and call timing). Building
// the conversations of the sessions every message has (its peers, connectors and
// message) only to read their key was 5% of the day-100k run's instructions
// (cachegrind).
func (o *Org) quickQueued(n int, proxied bool, client, server *server, caps []string) (at time.Duration, ok bool) {
	at, _, _, ok = o.quickTimes(n, proxied, client, server, caps)
	return at, ok
}

// quickTimes is quickQueued, when the sender has the receiver's 250 and when the
// session ends.
func (o *Org) quickTimes(n int, proxied bool, client, server *server, caps []string) (queued, ack, end time.Duration, ok bool) {
	k := timingKey{shape: n << 2, caps: unsafe.SliceData(caps), nCaps: len(caps)}
	if proxied {
		k.shape |= 1
	}
	if client != nil {
		k.client = string(client.version)
	}
	if server != nil {
		k.server = string(server.version)
	}
	off, ok := o.timed(&k)
	if !ok || !off.outcome || off.failure.Code != 0 {
		return 0, 0, 0, false
	}
	return o.now() + off.queued, o.now() + off.ack, o.now() + off.end, true
}

// oneMessage is the message list of a one-message session; with the journal off the
// list is only read for timing, at once, so one buffer serves.
func (o *Org) oneMessage(m smtp.Message) []smtp.Message {
	if o.wantsProtocol() {
		return []smtp.Message{m}
	}
	o.message1[0] = m
	return o.message1[:]
}
