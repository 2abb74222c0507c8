package transport

import (
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// The Front End Transport service (FET) of Exchange 2013+ (exchange-2013-pipeline.md,
// cited by section):
//
//   - Who runs it (1.1, 1.2): every 2016/2019/SE Mailbox server, and 2013 servers with
//     the ClientAccess role (a 2013 CAS-only server runs FET alone). FET answers port
//     25 ("Default Frontend <S>"); the co-located Transport service then listens on
//     2525 ("Default <S>"). A 2013 Mailbox server without ClientAccess keeps Transport
//     on 25 (the 2013 port quirk).
//   - Stateless proxy (1.1, 1.5): FET answers EHLO, MAIL and RCPT itself, queues
//     nothing, and after the headers picks one Transport service, proxies the message
//     over "Inbound Proxy Internal Send Connector" to port 2525 (XPROXYFROM, "250
//     XProxyFrom accepted"), and answers the sender with the back end's own reply only
//     when the back end has answered, that is after the back end made its shadow (2).
//     exsim picks at the end of the data, which is when its sessions complete the
//     headers too.
//   - The choice (1.5): the delivery group of the recipients' databases (the DAG of
//     the active copy's server, else the 2013+ Mailbox servers of its AD site), from
//     the first 20 recipients, closest group first (exsim: the first recipient whose
//     active copy is in FET's site, else the first recipient); with no mailbox
//     recipient, a random Mailbox server of FET's site (the run's "frontend" random
//     stream); then the other Mailbox servers of FET's site (the fail-over list); at
//     most 10 servers, at most 4 of them in other sites. FET never bifurcates. Routing
//     leaves out servers whose HubTransport is not Active (see routable for which
//     state). Inside a group exsim goes
//     round robin (the sources do not say how FET spreads sessions), local-site members
//     first.
//   - Failures (1.5): FET tries each destination once (InboundProxyPerHostConnection
//     Attempts 1) and fails over on a refused connection or reply. With no destination
//     it answers "451 4.7.0 Temporary server error. Please try again later. PRX1 "; when
//     every destination failed, the encoded reply of the last failure: PRX3 for a
//     connection that failed, PRX4 for a back end that refused the session (its
//     Transport service not Active answers MAIL FROM with 421 4.3.2). Which PRX a
//     reachable but refusing back end gives is open in the reference (1.8 item 6):
//     PRX4 ("protocol error") is exsim's choice. A back end that takes the data but
//     rejects it (451 4.4.0, RejectMessageOnShadowFailure) is replaced by the generic
//     "451 4.7.0 Temporary server error. Please try again later" (no PRX: exsim's
//     choice; the back end's text is not passed on, InboundProxyPreserveTargetResponse
//     being false by default).
//   - FET's own state (1.8): FrontendTransport Inactive when the service started
//     answers MAIL FROM with "421 4.3.2 Service not active"; Draining with "421 4.3.2
//     Service not available" (the paused SmtpIn's reason; the reference infers a
//     refusal at connect, exsim answers at MAIL FROM as it does for Transport); a
//     stopped MSExchangeFrontEndTransport refuses the connection (Winsock 10061).
//   - Logs (6.2-6.4): the sender's session is in FrontEnd\ProtocolLog\SmtpReceive
//     with "Proxy destination(s) obtained from OnProxyInboundMessage event" (the 2013
//     code's line, without the 2024 log's Correlation Id) or "No destinations could be
//     obtained to proxy to" before the final reply; the proxy hop in FrontEnd\Protocol
//     Log\SmtpSend and in the back end's Hub\ProtocolLog\SmtpReceive; the back end's
//     RECEIVE row names FET's server as its client. FET writes no message tracking.

const (
	frontEndMaxTargets = 10 // ProxyRoutingMaxTotalHubCount
	frontEndMaxRemote  = 4  // ProxyRoutingMaxRemoteSiteHubCount
	hubPortColocated   = 2525
)

const (
	logProxyDestinations = "Proxy destination(s) obtained from OnProxyInboundMessage event"
	logNoDestinations    = "No destinations could be obtained to proxy to"
)

// frontSession is one internet session through a front end: the sender's session with
// FET and FET's proxy attempts. One event of it is pending at a time; once a back end
// has the data its pendingAck carries it until the sender's final reply.
type frontSession struct {
	o        *Org
	m        *message
	sender   *item
	fe, b    *server
	fep, bep int
	cands    []*server // the sender's inbound list and this server's place in it
	k        int
	c        *smtp.Conversation // the sender's session, kept only while logged (nil otherwise)
	logged   bool
	pc       *smtp.Conversation // the proxy hop that carried the data (logged only)
	prid     string             // that hop's Receive session id and start: the back end's RECEIVE source-context
	pstart   time.Duration
	queuedAt time.Duration // the data was complete at FET
	targets  [frontEndMaxTargets]*server
	n, next  int
	prx      int // encoded reply of the last failed attempt
	seq      int // XPROXYFROM SEQNUM
	detour   string
	pressed  *server // the last back end whose back pressure refused the session, and why
	pressWhy string
}

// Fire: A 0, the data is complete at FET; A 1, the back end has it; kindSession, a
// proxy attempt failed.
func (fs *frontSession) Fire(_ *sim.Sim, ev sim.Event) {
	switch {
	case ev.Kind == kindSession:
		fs.o.proxyTry(fs)
	case ev.A == 0:
		fs.o.proxyBegin(fs)
	default:
		fs.o.proxyQueued(fs)
	}
}

func (o *Org) freeFront(fs *frontSession) {
	*fs = frontSession{}
	o.pools.fronts.put(fs)
}

// hostUp: the server runs (its Transport service may be stopped alone).
func hostUp(s *server) bool { return s.up || s.hubStopped }

// fetRunning: MSExchangeFrontEndTransport runs on s.
func fetRunning(s *server) bool { return s.frontEnd && hostUp(s) && !s.fetStopped }

// hubPort is the port s's Transport service listens on: 2525 beside a front end,
// else 25 (exchange-2013-pipeline.md 1.2).
func hubPort(s *server) int {
	if s.frontEnd && s.transport {
		return hubPortColocated
	}
	return 25
}

func (o *Org) frontendConnector(s *server) string {
	if s.feConn == "" {
		s.feConn = smtp.FrontendReceiveConnector(s.name)
	}
	return s.feConn
}

// frontendPeer is fe's Front End Transport on port 25, advertising its Default
// Frontend connector's capabilities (SIZE with the connector's MaxMessageSize).
func (o *Org) frontendPeer(fe *server) smtp.Peer {
	p := o.peer(fe, 25)
	p.Caps = o.frontendCaps(fe)
	return p
}

// frontendCaps is the EHLO list of fe's Default Frontend connector.
func (o *Org) frontendCaps(fe *server) []string {
	if size := o.receiveLimit(fe, "Default Frontend"); fe.feCaps == nil || fe.feCapsSize != size {
		// front ends of one size limit share one list: the session timing cache knows
		// a receiver's capabilities by their list (timingKey)
		if o.feCaps == nil || o.feCapsSize != size {
			o.feCaps, o.feCapsSize = smtp.FrontendCapabilities(size), size
		}
		fe.feCaps, fe.feCapsSize = o.feCaps, size
	}
	return fe.feCaps
}

// tryFrontEnd: the internet sender of m connects to port 25 of cands[k], a front end.
func (o *Org) tryFrontEnd(m *message, sender *item, cands []*server, k int) {
	fe := cands[k]
	rid, port := o.nextSession()
	if !o.wantsProtocol() && hostUp(fe) && o.reachable(internet, fe.name) && !fe.fetStopped && fe.fetState == "Active" &&
		!o.tooBigToReceive(fe, m) {
		// the session of every internet message, when it is refused nowhere and no log
		// shows it: timed without building it (quickQueued)
		if at, ok := o.quickQueued(len(sender.rcpts), false, nil, fe, o.frontendCaps(fe)); ok {
			o.frontOpen(m, sender, cands, k, nil, at)
			return
		}
	}
	c := smtp.Conversation{Epoch: o.s.Start(), Start: o.now(), Latency: o.top.Latency,
		Client: o.externalPeer(o.senderHost(m), port), Server: o.frontendPeer(fe),
		ReceiveConnector: o.frontendConnector(fe), ReceiveSessionID: rid}
	c.Client.Server = ""
	c.Messages = o.oneMessage(o.smtpMessage(sender, 0))
	next := func(end time.Duration, p sim.Payload) {
		o.at(end, kindSession, func() {
			if o.s.Journal().Enabled() {
				emitAny(o, fe.name, p)
			}
			o.tryInbound(m, sender, cands, k+1)
		})
	}
	switch {
	case !hostUp(fe) || !o.reachable(internet, fe.name):
		c.ConnectFailure = smtp.WinsockTimedOut
		next(o.converse(&c).End, ConnectFailed{Msg: Msg{m.id}, Server: fe.name, Why: o.whyUnreachable(internet, fe)})
		return
	case fe.fetStopped:
		c.ConnectFailure = smtp.WinsockRefused
		next(o.converse(&c).End, ConnectFailed{Msg: Msg{m.id}, Server: fe.name, Why: "MSExchangeFrontEndTransport is stopped: connection refused"})
		return
	case o.tooBigToReceive(fe, m):
		o.refuseSize(m, sender, fe, &c) // Default Frontend's MaxMessageSize, at MAIL FROM (size.go)
		return
	case fe.fetState != "Active":
		r := smtp.ServiceNotActive
		if fe.fetState == "Draining" {
			r = smtp.ServiceNotAvailable
		}
		c.MailReply = &r
		why := "the Front End Transport service's FrontendTransport component was " + fe.fetState + " when MSExchangeFrontEndTransport started"
		next(o.converse(&c).End, MailFromRefused{Msg: Msg{m.id}, Server: fe.name, Why: why, Reply: r.String()})
		return
	}
	var logged *smtp.Conversation
	if o.wantsProtocol() {
		// only the protocol log reads the sender's session later; copying it into
		// every session was 3% of the anchors workload's instructions (cachegrind)
		cc := c
		logged = &cc
	}
	o.frontOpen(m, sender, cands, k, logged, o.timing(&c).Outcomes[0].QueuedAt)
}

// frontOpen: the sender's session with front end cands[k] is open and its data
// reaches the front end at queuedAt. c is the session when the protocol log shows
// it, else nil.
func (o *Org) frontOpen(m *message, sender *item, cands []*server, k int, c *smtp.Conversation, queuedAt time.Duration) {
	fe := cands[k]
	fs := o.pools.fronts.get()
	*fs = frontSession{o: o, m: m, sender: sender, fe: fe, fep: fe.fetEpoch, cands: cands, k: k, logged: c != nil, c: c}
	fe.inboundOpen++ // until its data is complete, for a least-connections balancer
	o.post(queuedAt, fs, kindQueued, 0)
}

func emitAny(o *Org, server string, p sim.Payload) {
	if j := o.s.Journal(); j.Wants(p.Kind()) {
		j.Add(sim.Record{At: o.s.Now(), Kind: p.Kind(), Server: server, Data: p})
	}
}

func (o *Org) frontAlive(fs *frontSession) bool {
	return fetRunning(fs.fe) && fs.fe.fetEpoch == fs.fep
}

// proxyBegin: the headers are in; FET picks its destinations.
func (o *Org) proxyBegin(fs *frontSession) {
	fe, m, sender := fs.fe, fs.m, fs.sender
	fe.inboundOpen--
	fs.queuedAt = o.now()
	if sender.dead || sender.m != m {
		o.freeFront(fs)
		return
	}
	if !o.frontAlive(fs) || !o.reachable(internet, fe.name) {
		if o.s.Journal().Enabled() {
			emit(o, internet, "", SenderRetry{Msg: Msg{m.id}, Why: SessionBroke, Server: fe.name, Retry: o.top.SenderRetry})
		}
		o.after(o.top.SenderRetry, kindSenderRetry, func() { o.internetSend(m, sender) })
		o.freeFront(fs)
		return
	}
	fs.n = o.proxyTargets(fe, m, &fs.targets)
	if fe.transport && fe.up && o.s.Journal().Enabled() && !o.routable(fe) {
		fs.detour = "the front end's own Transport service runs " + o.acceptState(fe)
	}
	if fs.n == 0 {
		o.frontRefuse(fs, 1, "no Transport service in its routing tables can take the message (none runs with HubTransport Active)")
		return
	}
	o.proxyTry(fs)
}

// proxyTry opens the proxy hop to the next destination, or answers the sender when
// none is left.
func (o *Org) proxyTry(fs *frontSession) {
	fe, m := fs.fe, fs.m
	if fs.sender.dead || fs.sender.m != m {
		o.freeFront(fs)
		return
	}
	if !o.frontAlive(fs) {
		o.frontLost(fs, "MSExchangeFrontEndTransport on "+fe.name+" stopped")
		return
	}
	if fs.next >= fs.n {
		o.frontRefuse(fs, fs.prx, "every Transport service it tried failed")
		return
	}
	b := fs.targets[fs.next]
	fs.next++
	fs.pressed = nil
	fs.seq++
	sid, port := o.nextSession()
	rid, _ := o.nextSession()
	if !fs.logged && hostUp(b) && o.reachable(fe.name, b.name) && b.up && !b.refuses(refuseInternet) &&
		o.acceptState(b) == "Active" && o.tarpitDelay(b) == 0 {
		// the proxied session of every internet message, when nothing refuses or
		// holds it and no log shows it: timed without building it (quickQueued)
		if at, ok := o.quickQueued(len(fs.sender.rcpts), true, fe, b, nil); ok {
			fs.b, fs.bep, fs.pc = b, b.epoch, nil
			fs.prid, fs.pstart = rid, o.now()+o.top.Latency
			o.post(at, fs, kindQueued, 1)
			return
		}
	}
	pc := smtp.Conversation{Epoch: o.s.Start(), Start: o.now(), Latency: o.top.Latency, Client: o.peer(fe, port),
		Server: o.peer(b, hubPort(b)), SendConnector: smtp.InboundProxySendConnector, ReceiveConnector: o.receiveConnector(b),
		SendSessionID: sid, ReceiveSessionID: rid, XProxyFrom: "XPROXYFROM"}
	if fs.logged {
		pc.XProxyFrom = smtp.XProxyFrom(fs.c.ReceiveSessionID, fs.c.Client.IP, fs.c.Client.Port, fs.c.Client.FQDN, fs.seq)
	}
	why := ""
	switch {
	case !hostUp(b) || !o.reachable(fe.name, b.name):
		pc.ConnectFailure = smtp.WinsockTimedOut
		why = o.whyUnreachable(fe.name, b)
		fs.prx = 3
	case !b.up:
		pc.ConnectFailure = smtp.WinsockRefused
		why = "its MSExchangeTransport service is stopped: connection refused"
		fs.prx = 3
	case b.refuses(refuseInternet):
		// The back end's back pressure refuses mail from outside the organization
		// (exchange-stress.md 1.3); the proxied session carries the internet client
		// (XPROXYFROM), so it is refused as the client would be. exsim's choice, no
		// source traces it: FET fails over to its next destination, and when every one
		// refused so, the sender gets the back end's 452 4.3.1 (frontRefuse).
		r := smtp.InsufficientResources
		pc.MailReply = &r
		why = o.pressureWhy(b, refuseInternet)
		fs.pressed, fs.pressWhy = b, why
	case o.acceptState(b) != "Active":
		r := smtp.ServiceNotActive
		pc.MailReply = &r
		why = "its Transport service runs " + o.acceptState(b) + " and answers MAIL FROM with " + r.String()
		fs.prx = 4
	}
	pc.Messages = o.oneMessage(o.smtpMessage(fs.sender, int64(b.nextInternal+1)))
	if why == "" {
		o.tarpit(b, &pc, m) // the back end's tarpit holds the proxied MAIL FROM (pressure_tarpit.go)
	}
	if why != "" {
		res := o.converse(&pc)
		if o.s.Journal().Enabled() {
			emit(o, fe.name, "", ProxyAttemptFailed{Msg: Msg{m.id}, FrontEnd: fe.name, BackEnd: b.name, Why: why})
		}
		o.post(res.End, fs, kindSession, 0)
		return
	}
	res := o.timing(&pc)
	fs.b, fs.bep, fs.pc = b, b.epoch, nil
	fs.prid, fs.pstart = rid, pc.Start+pc.Latency
	if fs.logged {
		cc := pc
		fs.pc = &cc
	}
	o.post(res.Outcomes[0].QueuedAt, fs, kindQueued, 1)
}

// proxyQueued: the back end has the data. It takes the message as from any sender
// without XSHADOW: shadow first, then its 250 (pendingAck.front carries the rest).
func (o *Org) proxyQueued(fs *frontSession) {
	fe, b, m, sender := fs.fe, fs.b, fs.m, fs.sender
	if sender.dead || sender.m != m {
		o.freeFront(fs)
		return
	}
	if !o.frontAlive(fs) {
		o.frontLost(fs, "MSExchangeFrontEndTransport on "+fe.name+" stopped")
		return
	}
	if !b.up || b.epoch != fs.bep || !o.reachable(fe.name, b.name) {
		fs.prx = 3
		if o.s.Journal().Enabled() {
			emit(o, fe.name, "", ProxyAttemptFailed{Msg: Msg{m.id}, FrontEnd: fe.name, BackEnd: b.name, Why: "the session broke before the data was complete"})
		}
		o.proxyTry(fs)
		return
	}
	it := o.newItem(b, m, sender.rcpts)
	if fs.pc != nil {
		fs.pc.Messages[0].InternalID = int64(it.intID)
	}
	ctx := ""
	if fs.prid != "" {
		ctx = logs.SMTPSourceContext(fs.prid, o.s.Wall(fs.pstart), 0) // the proxy session, one message each
	}
	o.track(b, "RECEIVE", "SMTP", it, fe.name, ctx)
	o.addCopy(it)
	if o.s.Journal().Enabled() {
		emit(o, fe.name, "", Proxied{Msg: Msg{m.id}, FrontEnd: fe.name, BackEnd: b.name})
	}
	pa := o.pools.acks.get()
	*pa = pendingAck{o: o, srv: b, sender: sender, root: it, conv: fs.pc, queuedAt: o.now(), front: fs}
	o.accept2013(b, it, pa, nil, nil)
}

// frontAck: the back end's 250 reaches FET at atFE; FET gives it to the sender. It
// returns when the sender has it, or -1 when FET is gone (the sender got nothing and
// retries: the back end keeps the message, and a duplicate may follow, as the
// shadow-redundancy document says).
func (o *Org) frontAck(pa *pendingAck, atFE time.Duration) time.Duration {
	fs := pa.front
	pa.front = nil
	defer o.freeFront(fs)
	if !o.frontAlive(fs) {
		if o.s.Journal().Enabled() {
			emit(o, internet, "", SenderRetry{Msg: Msg{fs.m.id}, Why: SessionDied, Server: fs.fe.name,
				Fault: "MSExchangeFrontEndTransport stopped", Retry: o.top.SenderRetry})
		}
		o.retrySender(pa)
		return -1
	}
	if o.s.Journal().Enabled() {
		d := fs.detour
		if fs.next > 1 {
			if d != "" {
				d += ", and "
			}
			d += fmt.Sprintf("after %d failed attempt(s)", fs.next-1)
		}
		emit(o, fs.fe.name, "", FrontEndRelayed{Msg: Msg{fs.m.id}, FrontEnd: fs.fe.name, BackEnd: pa.srv.name, Detour: d})
	}
	if !fs.logged {
		return atFE + o.top.Latency
	}
	r, _ := smtp.Queued(string(pa.srv.version), o.msgID(fs.m, nil), int64(pa.root.intID), o.fqdn(pa.srv), smtp.Transfer{Bytes: max(fs.m.m.Size, 1), Took: o.top.Latency + o.now() - pa.queuedAt})
	fs.c.Messages[0].DataReply = &r
	fs.c.Messages[0].AckDelay = atFE - fs.queuedAt
	return o.converseFront(fs, logProxyDestinations).Outcomes[0].AckAt
}

// frontRejected: the back end refused the data (451 4.4.0); FET answers the sender
// with its generic reply.
func (o *Org) frontRejected(pa *pendingAck) {
	fs := pa.front
	pa.front = nil
	if fs.logged {
		r := smtp.ProxyFailure(0)
		fs.c.Messages[0].DataReply = &r
		fs.c.Messages[0].AckDelay = o.now() + o.top.Latency - fs.queuedAt
		o.converseFront(fs, logProxyDestinations)
	}
	o.freeFront(fs)
}

// frontDropped: the back end went away before it answered; the sender's session dies.
func (o *Org) frontDropped(pa *pendingAck) {
	fs := pa.front
	pa.front = nil
	o.freeFront(fs)
}

// frontLost: FET stopped while proxying; the sender's session died without a reply.
func (o *Org) frontLost(fs *frontSession, fault string) {
	if fs == nil {
		return
	}
	m, sender := fs.m, fs.sender
	if o.s.Journal().Enabled() {
		emit(o, internet, "", SenderRetry{Msg: Msg{m.id}, Why: SessionDied, Server: fs.fe.name, Fault: fault, Retry: o.top.SenderRetry})
	}
	o.after(o.top.SenderRetry, kindSenderRetry, func() { o.internetSend(m, sender) })
	o.freeFront(fs)
}

// frontRefuse: FET answers the data with the encoded reply prx; the sender tries its
// next inbound server.
func (o *Org) frontRefuse(fs *frontSession, prx int, why string) {
	m, sender, cands, k, fe := fs.m, fs.sender, fs.cands, fs.k, fs.fe
	r := smtp.ProxyFailure(prx)
	var pressed MailFromRefused
	if fs.pressed != nil { // the last back end tried refused under back pressure
		r = smtp.InsufficientResources
		pressed = MailFromRefused{Msg: Msg{m.id}, Server: fs.pressed.name, Why: fs.pressWhy, Reply: r.String()}
	}
	end := o.now() + 3*o.top.Latency // the reply crosses, then QUIT and 221
	if fs.logged {
		fs.c.Messages[0].DataReply = &r
		line := logProxyDestinations
		if prx == 1 {
			line = logNoDestinations
		}
		o.converseFront(fs, line) // its rows; the model's time does not depend on logging
	}
	o.freeFront(fs)
	o.at(end, kindSession, func() {
		if o.s.Journal().Enabled() {
			if pressed.Server != "" {
				emit(o, fe.name, "", pressed)
			} else {
				emit(o, fe.name, "", ProxyRefused{Msg: Msg{m.id}, FrontEnd: fe.name, Reply: r.String(), Why: why})
			}
		}
		o.tryInbound(m, sender, cands, k+1)
	})
}

// converseFront plays the sender's session with FET and journals FET's Receive log,
// with FET's proxy line (line) before its final reply.
func (o *Org) converseFront(fs *frontSession, line string) smtp.Result {
	res, err := smtp.Converse(*fs.c)
	if err != nil {
		panic(err) // built here from valid profiles: a bug
	}
	rows := res.Receive
	at := len(rows)
	for i, r := range rows {
		if r.At >= fs.queuedAt && r.Event == logs.ProtoSend {
			at = i
			break
		}
	}
	if at < len(rows) {
		info := rows[at]
		info.At, info.Event, info.Data, info.Context = fs.queuedAt, logs.ProtoInfo, "", line
		rows = append(rows[:at], append([]logs.ProtocolEvent{info}, rows[at:]...)...)
		for i := at; i < len(rows); i++ {
			rows[i].SequenceNumber = i
		}
	}
	j := o.s.Journal()
	for _, r := range rows {
		r.Service = logs.FrontEnd
		j.Add(sim.Record{At: r.At, Kind: logs.KindProtocol, Server: r.Server, Subject: r.SessionID, Data: r})
	}
	return res
}

// proxyTargets fills out with FET fe's destinations for m and returns how many.
func (o *Org) proxyTargets(fe *server, m *message, out *[frontEndMaxTargets]*server) int {
	o.frontIndex()
	o.proxyPick++ // a server whose proxyPicked is this is in out already
	t := proxyList{o: o, out: out, pick: o.proxyPick, site: fe.siteNo}
	var group []*server
	for i, r := range m.rcpts {
		if i == 20 {
			break
		}
		if r.db == "" {
			continue
		}
		act, _ := o.activeCopy(r.db)
		if act == nil {
			continue
		}
		g := act.feGroup
		if group == nil {
			group = g
		}
		if act.siteNo == fe.siteNo {
			group = g
			break
		}
	}
	local := fe.feSite
	if group != nil {
		// round robin inside the group, local-site members first
		start := fe.proxyRR % len(group)
		fe.proxyRR++
		locals := 0
		for pass := 0; pass < 2; pass++ {
			for k, j := 0, start; k < len(group); k++ { // j is (start+k) % len(group)
				if b := group[j]; (b.siteNo == t.site) == (pass == 0) {
					if pass == 0 {
						locals++
					}
					t.add(b)
				}
				if t.n == len(t.out) {
					break // full: the rest could add none (a 16-member DAG's last six)
				}
				if j++; j == len(group) {
					j = 0
				}
			}
			if locals == len(group) || t.n == len(t.out) {
				break // every member is local, or the list is full: the second pass would add none
			}
		}
	} else if len(local) > 0 {
		start := o.s.Rand("frontend").IntN(len(local))
		for k := range local {
			t.add(local[(start+k)%len(local)])
		}
	}
	for _, b := range local { // the fail-over list
		if t.n == len(t.out) {
			break // full: scanning a large site's servers for nothing was most of the 32-server day's extra cost (cachegrind)
		}
		if b.proxyPicked != t.pick {
			t.add(b)
		}
	}
	return t.n
}

// proxyList is the destination list proxyTargets builds. Membership is a mark on the
// server (proxyPicked), not a scan of out, and sites are compared by number: the scan,
// the site names' string comparisons and the closure this replaced were 6% of the
// anchors workload's instructions (cachegrind). routable is a pure test, so asking it
// only of a new member changes nothing.
type proxyList struct {
	o         *Org
	out       *[frontEndMaxTargets]*server
	n, remote int
	pick      uint64
	site      int32
}

func (t *proxyList) add(b *server) {
	if t.n == len(t.out) || b.proxyPicked == t.pick || !t.o.routable(b) {
		return
	}
	if b.siteNo != t.site {
		if t.remote == frontEndMaxRemote {
			return
		}
		t.remote++
	}
	t.out[t.n] = b
	b.proxyPicked = t.pick
	t.n++
}

// routable: FET's routing tables hold b's Transport service: its HubTransport is
// Active (1.5). Sources disagree on which state: the 2013 code reads the AD copy when
// the tables are built, which would take a Set-ServerComponentState at once; seed 004
// and KB 2866822 saw nothing change until MSExchangeTransport restarted (the 451 came
// after the restart). exsim follows the observations: the state the back end's
// Transport service picked up when it started (or Draining under Redirect-Message).
func (o *Org) routable(b *server) bool {
	if o.routeTo != nil && !o.routeTo(b) {
		return false
	}
	return o.acceptState(b) == "Active"
}

// frontIndex is the 2013+ Transport services by DAG and by AD site, built once.
type frontIndex struct {
	dag, site map[string][]*server
}

func (o *Org) frontIndex() *frontIndex {
	if o.feIdx != nil {
		return o.feIdx
	}
	ix := &frontIndex{dag: map[string][]*server{}, site: map[string][]*server{}}
	for _, s := range o.servers {
		if !s.transport || s.version.Is2010() {
			continue
		}
		if s.dag != "" {
			ix.dag[s.dag] = append(ix.dag[s.dag], s)
		}
		ix.site[s.site] = append(ix.site[s.site], s)
	}
	// every server's AD site by number, and its lists (a server's site and DAG never
	// change): proxyTargets reads them per message instead of hashing names
	sites := map[string]int32{}
	for _, s := range o.servers {
		n, ok := sites[s.site]
		if !ok {
			n = int32(len(sites))
			sites[s.site] = n
		}
		s.siteNo = n
		s.feSite = ix.site[s.site]
		if s.dag != "" {
			s.feGroup = ix.dag[s.dag]
		} else {
			s.feGroup = ix.site[s.site]
		}
	}
	o.feIdx = ix
	return ix
}

// mailboxTransport is the stopped flag of Mailbox Transport Delivery (MSExchangeDelivery)
// or Submission (MSExchangeSubmission) on srv, or nil for another service. They read no
// component state (exchange-2013-pipeline.md 1.8: built with state management off), so
// starting one only makes it run again: a stopped Delivery refuses the Transport
// services' connections on 475, a stopped Submission leaves mail in the Outboxes.
func (o *Org) mailboxTransport(srv *server, service string) *bool {
	switch {
	case strings.EqualFold(service, "MSExchangeDelivery"):
		return &srv.mtdStopped
	case strings.EqualFold(service, "MSExchangeSubmission"):
		return &srv.mtsStopped
	}
	return nil
}

// Outbound proxy (exchange-2013-pipeline.md 1.6): a send connector with
// FrontendProxyEnabled makes the Transport service hand its mail to a Front End
// Transport service ("Outbound Proxy Frontend <S>", port 717; exsim logs the
// Transport's side under the 2013 code's "Outbound Proxy Internal Send Connector"),
// which sends it on to the smart host or MX and answers the Transport service with the
// remote host's reply once it has it. Which front end is disputed (Conflicts): exsim
// takes the source server's own when it runs with FrontendTransport Active (the 2016
// document's "local", and the docs PR that says mail "would still go out from the
// Source Server only"), else the first other server of its site whose front end runs
// Active (the 2013 code's local-site candidates), in topology order. exsim proxies one
// message per session and sends no XPROXYTO (its syntax is not in the reference). When
// no front end can take the session the queue goes to Retry with exsim's LastError "no
// Front End Transport service to proxy through" (unsourced); when the front end cannot
// reach the remote host it answers 451 4.7.0 ... PRX3 and the queue shows it in its
// failover LastError.

const (
	outboundProxyPort          = 717
	outboundProxySendConnector = "Outbound Proxy Internal Send Connector"
)

func (o *Org) frontProxied(q *queue) bool {
	if q.srv.version.Is2010() {
		return false
	}
	for i := range o.top.Connectors {
		c := &o.top.Connectors[i]
		if c.FrontendProxyEnabled && c.Name == o.connectorName(q) {
			return true
		}
	}
	return false
}

func (o *Org) outboundFrontEnd(srv *server) *server {
	ok := func(s *server) bool { return fetRunning(s) && s.fetState == "Active" && o.reachable(srv.name, s.name) }
	if ok(srv) {
		return srv
	}
	for _, s := range o.servers {
		if s != srv && s.site == srv.site && ok(s) {
			return s
		}
	}
	return nil
}

// outboundProxy runs one session of q through a front end: Transport to FET on 717,
// then FET to the remote host.
func (o *Org) outboundProxy(q *queue) {
	srv := q.srv
	var it *item
	for _, x := range q.items {
		if !x.sending && (x.ext == nil || !o.deferredNow(x)) {
			it = x
			break
		}
	}
	if it == nil {
		q.busy = false
		if next := o.nextDeferred(q); next > 0 {
			o.scheduleAttempt(q, next-o.now())
		}
		return
	}
	fe := o.outboundFrontEnd(srv)
	if fe == nil {
		o.busyFail(q, "no Front End Transport service to proxy through")
		return
	}
	sid, port := o.nextSession()
	rid, _ := o.nextSession()
	leg1 := smtp.Conversation{Epoch: o.s.Start(), Start: o.now(), Latency: o.top.Latency, Client: o.peer(srv, port),
		Server: o.peer(fe, outboundProxyPort), SendConnector: outboundProxySendConnector,
		ReceiveConnector: fe.name + `\Outbound Proxy Frontend ` + fe.name, SendSessionID: sid, ReceiveSessionID: rid}
	leg1.Messages = []smtp.Message{o.smtpMessage(it, 0)}
	r1, err := smtp.Timing(leg1)
	if err != nil {
		panic(err)
	}
	sid2, port2 := o.nextSession()
	leg2 := smtp.Conversation{Epoch: o.s.Start(), Start: r1.Outcomes[0].QueuedAt, Latency: o.top.Latency, Client: o.peer(fe, port2),
		SendConnector: o.connectorName(q), SendSessionID: sid2}
	if !o.proxyTarget(q, &leg2) {
		return // the domain does not resolve: its mail was returned
	}
	o.connectorSecurity(leg2.SendConnector, &leg2)
	if !o.reachable(fe.name, internet) {
		leg2.ConnectFailure = smtp.WinsockTimedOut
	}
	leg2.Messages = []smtp.Message{o.smtpMessage(it, 0)}
	logged := o.wantsProtocol()
	r2, err := smtp.Timing(leg2)
	if err != nil {
		panic(err)
	}
	if logged {
		r2, _ = smtp.Converse(leg2)
		o.journalRows(r2.Send, logs.FrontEnd, logs.FrontEnd)
	}
	if r2.Failure.Code != 0 {
		r := smtp.ProxyFailure(3)
		leg1.Messages[0].DataReply = &r
		leg1.Messages[0].AckDelay = r2.End - r1.Outcomes[0].QueuedAt
		res := o.converse(&leg1)
		lastErr, _ := smtp.FailoverError(string(srv.version), r, leg1.Server.IP+":717")
		ep := srv.epoch
		o.at(res.End, kindSession, func() {
			if srv.epoch != ep || !srv.up {
				return
			}
			q.busy = false
			o.fail(q, lastErr)
		})
		return
	}
	leg1.Messages[0].DataReply = &r2.Outcomes[0].Final // FET passes the remote host's reply on
	leg1.Messages[0].AckDelay = r2.Outcomes[0].AckAt - r1.Outcomes[0].QueuedAt
	res := o.converse(&leg1)
	batch := append(o.newBatch(), it)
	it.sending = true
	rs := o.pools.relays.get()
	*rs = relaySession{o: o, q: q, srv: srv, ep: srv.epoch, batch: batch, external: true,
		serverIP: leg1.Server.IP, serverPort: outboundProxyPort}
	o.post(res.Outcomes[0].QueuedAt, rs, kindQueued, 0)
	o.post(res.Outcomes[0].AckAt, rs, kindAck, 0)
	o.post(res.End, rs, kindSession, 0)
	rs.pending = 3
}

// proxyTarget sets c's server: the remote host Front End Transport connects to for
// q's outbound proxy. It is the first of q's candidates (the connector's smart hosts
// in rotation, or the domain's MX hosts by preference, or its A record: smarthost.go)
// that is neither down nor refusing, as the Transport service's own failover picks;
// when every one fails, the first, so the proxy's leg fails as a direct send would.
// It reports false when the domain does not resolve (its mail has been returned).
func (o *Org) proxyTarget(q *queue, c *smtp.Conversation) bool {
	hosts := o.candidates(q)
	if len(hosts) == 0 {
		o.nonexistentDomain(q)
		return false
	}
	pick := 0
	for k, name := range hosts {
		if h := o.ext[strings.ToLower(name)]; h == nil || (!h.down && h.refuse.Code == 0) {
			pick = k
			break
		}
		if k == len(hosts)-1 {
			pick = -1
		}
	}
	name := hosts[max(pick, 0)]
	c.Server = o.externalPeer(name, 25)
	if h := o.ext[strings.ToLower(name)]; h != nil {
		c.Server.IP = h.ip
		if pick < 0 && h.down {
			c.ConnectFailure = smtp.WinsockTimedOut
		} else if pick < 0 {
			r := h.refuse
			c.MailReply = &r
		}
	}
	return true
}

// mailboxDeliveryConnector is the connector-id of Mailbox Transport Delivery's implicit
// Receive connector on 475: "Default Mailbox Delivery <machine name>" (the 2013 code's
// name; exchange-2013-pipeline.md 1.2), prefixed with the server as receive
// connector-ids are.
func mailboxDeliveryConnector(s *server) string {
	if s.mdConn == "" { // once per server: it was one allocation per delivered message
		s.mdConn = s.name + `\Default Mailbox Delivery ` + s.name
	}
	return s.mdConn
}
