package transport

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/smtp"
)

// senderGiveUp is how long an internet sender keeps retrying a message it has no 250
// for (RFC 5321's advice of 4-5 days; the scenario format says 5 days).
const senderGiveUp = 5 * day

// outboxRetry is how often the Mail Submission service tries again to hand an Outbox
// message to a hub when none took it. No source gives the figure; exsim picks 1 min.
const outboxRetry = time.Minute

// pendingAck is an SMTP session whose 250 (the reply to end-of-data) is being held:
// Exchange 2010's delayed acknowledgement.
type pendingAck struct {
	o        *Org
	srv      *server
	sender   *item // the sender's copy, released when the 250 arrives
	root     *item // the copy received on srv
	done     bool
	conv     *smtp.Conversation // nil with the journal off: only the logs need it
	queuedAt time.Duration
	front    *frontSession // the sender reached this server through a front end (frontend.go)
}

// Submit submits m now. A sender that is a mailbox submits from its Outbox through the
// Mail Submission service; any other sender is on the internet and connects to the
// inbound servers. With Origin set, the message is a probe submitted on that server.
func (o *Org) Submit(msg Message) (int, error) {
	if len(msg.To) == 0 {
		return 0, errors.New("transport: a message needs at least one recipient")
	}
	if !strings.Contains(msg.From, "@") {
		return 0, fmt.Errorf("transport: bad sender %q", msg.From)
	}
	m := o.slabs.msgs.new() // zeroed: set fields, do not copy a whole struct
	m.id, m.submitted = len(o.msgs)+1, o.now()
	m.m = msgHeader{From: msg.From, Subject: msg.Subject, Size: msg.Size, Poison: msg.Poison}
	m.items = m.itemsBuf[:0]
	m.rcpts = o.slabs.rcpts.new(len(msg.To))
next:
	for _, to := range msg.To {
		at := lastAt(to)
		if at <= 0 || at == len(to)-1 {
			return 0, fmt.Errorf("transport: bad recipient %q", to)
		}
		for _, r := range m.rcpts {
			if strings.EqualFold(r.addr, to) {
				continue next
			}
		}
		db, ok := o.mailboxes[to]
		if !ok {
			db = o.mailboxes[strings.ToLower(to)]
		}
		m.rcpts = append(m.rcpts, rcpt{addr: to, db: db})
	}
	if msg.Origin != "" {
		srv, err := o.server(msg.Origin)
		if err != nil {
			return 0, fmt.Errorf("transport: probe origin: %w", err)
		}
		m.x().origin = srv
		m.fromOrg = true
	} else if o.mayBeMailbox(msg.From) {
		if db, ok := o.mailboxes[strings.ToLower(msg.From)]; ok {
			m.fromOrg = true
			m.x().senderDB = db
		}
	}
	o.msgs = appendDoubling(o.msgs, m)
	for len(o.iota) < len(m.rcpts) {
		o.iota = append(o.iota, len(o.iota))
	}
	all := o.iota[:len(m.rcpts):len(m.rcpts)] // shared, never changed in place
	if m.fromOrg {
		it := o.pools.senders.slab.new()
		it.m, it.rcpts, it.loc = m, all, locOutbox
		o.addCopy(it)
		if o.s.Journal().Enabled() {
			emit(o, "", "", OutboxWaiting{Msg: Msg{m.id}, From: msg.From, Service: o.submissionService(m)})
		}
		o.submitOutbox(m, it)
		return m.id, nil
	}
	it := o.newSender()
	it.m, it.rcpts, it.loc = m, all, locSender
	o.addCopy(it)
	if o.s.Journal().Enabled() {
		emit(o, "", "", InternetSubmitted{Msg: Msg{m.id}, From: msg.From})
	}
	o.internetSend(m, it)
	return m.id, nil
}

// mayBeMailbox reports false when addr cannot be a mailbox's address: its domain is
// none of the mailboxes' domains. The last such domain is kept, compared by its exact
// spelling: internet senders come from a few domains, and lower-casing and hashing
// every sender's address for the mailbox map was 3% of the day-100k run's
// instructions (cachegrind). A mailbox's lower-cased address has the lower-cased
// domain of the address (lower-casing goes rune by rune and leaves '@'), so a domain
// outside o.domains rules the address out.
func (o *Org) mayBeMailbox(addr string) bool {
	// addr ends in "@" and the kept domain, which has no '@': that is its domain,
	// found without a search for the last '@'
	if fd := o.foreignDomain; fd != "" && len(addr) > len(fd) && addr[len(addr)-len(fd)-1] == '@' && addr[len(addr)-len(fd):] == fd {
		return false
	}
	dom := addr[lastAt(addr)+1:]
	if o.domains[strings.ToLower(dom)] {
		return true
	}
	o.foreignDomain = dom
	return false
}

// lastAt is strings.LastIndexByte(s, '@') by forward searches, which are vectorised
// where LastIndexByte is a byte loop: an address has one '@', near its end. Every
// message's recipients and sender are searched; the byte loop was 1.4% of the
// day-100k run's instructions (cachegrind).
func lastAt(s string) int {
	i := strings.IndexByte(s, '@')
	if i < 0 {
		return -1
	}
	for {
		j := strings.IndexByte(s[i+1:], '@')
		if j < 0 {
			return i
		}
		i += j + 1
	}
}

// inboundCandidates is the list of servers an internet sender of m tries, in order.
func (o *Org) inboundCandidates(m *message) []*server {
	if o.inbound == nil {
		if len(o.top.Inbound) == 0 {
			for _, s := range o.servers {
				if s.transport || s.frontEnd {
					o.inbound = append(o.inbound, s)
				}
			}
		} else {
			for _, n := range o.top.Inbound {
				o.inbound = append(o.inbound, o.byName[strings.ToLower(n)])
			}
		}
	}
	list := o.inbound
	if !o.top.InboundLoadBalanced || len(list) == 0 {
		return list
	}
	switch o.top.InboundPolicy {
	case LBSourceIPAffinity:
		src := senderDomain(m)
		if i, ok := o.lbAffinity[src]; ok && list[i].up {
			return list[i : i+1]
		}
		i := o.lbTurn(list)
		if i < 0 {
			return nil
		}
		if o.lbAffinity == nil {
			o.lbAffinity = map[string]int{}
		}
		o.lbAffinity[src] = i
		return list[i : i+1]
	case LBLeastConnections:
		best := -1
		for k := 0; k < len(list); k++ {
			i := (o.lbNext + k) % len(list)
			if list[i].up && (best < 0 || list[i].inboundOpen < list[best].inboundOpen) {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		o.lbNext = best + 1
		return list[best : best+1]
	}
	if i := o.lbTurn(list); i >= 0 {
		return list[i : i+1]
	}
	return nil
}

// lbTurn is round robin: the next server in turn that is up (the health probe skips
// the others), or -1.
func (o *Org) lbTurn(list []*server) int {
	for k := 0; k < len(list); k++ {
		i := o.lbNext % len(list)
		o.lbNext++
		if list[i].up {
			return i
		}
	}
	return -1
}

// internetSend makes the sender try the inbound servers once, in order.
func (o *Org) internetSend(m *message, sender *item) {
	if sender.dead || sender.m != m { // gone (and perhaps reused for another message)
		return
	}
	m.tries++
	o.tryInbound(m, sender, o.inboundCandidates(m), 0)
}

func (o *Org) tryInbound(m *message, sender *item, cands []*server, k int) {
	if k >= len(cands) {
		if o.now()-m.submitted+o.top.SenderRetry > senderGiveUp {
			for _, r := range sender.rcpts {
				o.bounceRcpt(m, r, "the internet sender gave up after 5 days without a 250")
			}
			o.removeCopy(sender, "sender gave up", internet)
			return
		}
		if o.s.Journal().Enabled() {
			emit(o, internet, "", SenderRetry{Msg: Msg{m.id}, Why: NoServerAccepted, Retry: o.top.SenderRetry})
		}
		o.after(o.top.SenderRetry, kindSenderRetry, func() { o.internetSend(m, sender) })
		return
	}
	srv := cands[k]
	if srv.frontEnd {
		o.tryFrontEnd(m, sender, cands, k) // port 25 is Front End Transport's
		return
	}
	// The internet MTA connects, greets, and offers the message (no XSHADOW: it is not
	// Exchange 2010). Only the Exchange side writes a protocol log.
	rid, port := o.nextSession()
	c := smtp.Conversation{Epoch: o.s.Start(), Start: o.now(), Latency: o.top.Latency,
		Client: o.externalPeer(o.senderHost(m), port), Server: o.peer(srv, 25),
		ReceiveConnector: o.receiveConnector(srv), ReceiveSessionID: rid}
	c.Client.Server = ""
	msg := o.smtpMessage(sender, 0)
	c.Messages = o.oneMessage(msg)
	switch {
	case !srv.up || !o.reachable(internet, srv.name):
		c.ConnectFailure = smtp.WinsockTimedOut
		res := o.converse(&c)
		o.at(res.End, kindSession, func() {
			if o.s.Journal().Enabled() {
				emit(o, srv.name, "", ConnectFailed{Msg: Msg{m.id}, Server: srv.name, Why: o.whyUnreachable(internet, srv)})
			}
			o.tryInbound(m, sender, cands, k+1)
		})
		return
	case o.inboundState(srv) != "Active":
		st := o.inboundState(srv)
		why := fmt.Sprintf("its transport component was %s when the service started", st)
		if srv.redirected {
			why = "Redirect-Message is draining it"
		}
		r := smtp.ServiceNotActive
		c.MailReply = &r
		res := o.converse(&c)
		o.at(res.End, kindSession, func() {
			if o.s.Journal().Enabled() {
				emit(o, srv.name, "", MailFromRefused{Msg: Msg{m.id}, Server: srv.name, Why: why, Reply: r.String()})
			}
			o.tryInbound(m, sender, cands, k+1)
		})
		return
	case srv.refuses(refuseInternet):
		o.pressureRefuseInbound(m, sender, cands, k, &c)
		return
	case o.tooBigToReceive(srv, m):
		o.refuseSize(m, sender, srv, &c) // size.go
		return
	}
	o.tarpit(srv, &c, m)
	res := o.timing(&c)
	is := o.pools.inbound.get()
	*is = inboundSession{o: o, m: m, sender: sender, srv: srv, ep: srv.epoch}
	srv.inboundOpen++ // until its data is queued (Fire), for a least-connections balancer
	o.versionBucketsMoved(srv)
	if o.wantsProtocol() || o.wantsTracking() {
		cc := c // only the logs need the conversation later
		is.c = &cc
	}
	o.post(res.Outcomes[0].QueuedAt, is, kindQueued, 0)
}

// inboundSession is an internet sender's session whose data completes later.
type inboundSession struct {
	o      *Org
	m      *message
	sender *item
	srv    *server
	ep     int
	c      *smtp.Conversation
}

func (is *inboundSession) Fire(*sim.Sim, sim.Event) {
	o, m, sender, srv, c, ep := is.o, is.m, is.sender, is.srv, is.c, is.ep
	srv.inboundOpen--
	o.versionBucketsMoved(srv)
	// posted once: nothing refers to it after this event
	*is = inboundSession{}
	o.pools.inbound.put(is)
	if sender.dead || sender.m != m {
		return
	}
	if !srv.up || srv.epoch != ep || !o.reachable(internet, srv.name) {
		if o.s.Journal().Enabled() {
			emit(o, internet, "", SenderRetry{Msg: Msg{m.id}, Why: SessionBroke, Server: srv.name, Retry: o.top.SenderRetry})
		}
		o.after(o.top.SenderRetry, kindSenderRetry, func() { o.internetSend(m, sender) })
		return
	}
	o.receiveFromInternet(srv, m, sender, c)
}

func (o *Org) whyUnreachable(from string, srv *server) string {
	if !srv.up {
		return srv.name + " is down: connection refused"
	}
	return "no network path"
}

// inboundState is the state of the service answering port 25 from outside on a
// server without Front End Transport (2010, a 2013 Mailbox server without
// ClientAccess): its transport service.
func (o *Org) inboundState(srv *server) string { return o.acceptState(srv) }

// acceptState is the state in which srv's transport service takes new messages: the
// HubTransport state it picked up when it started, or Draining while Redirect-Message
// drains it.
func (o *Org) acceptState(srv *server) string {
	if srv.redirected && srv.state == "Active" {
		return "Draining"
	}
	return srv.state
}

// receiveFromInternet: srv has the whole message from a sender without XSHADOW.
func (o *Org) receiveFromInternet(srv *server, m *message, sender *item, c *smtp.Conversation) {
	it := o.newItem(srv, m, sender.rcpts)
	if c != nil {
		c.Messages[0].InternalID = int64(it.intID)
	}
	if srv.version.Is2010() {
		it.x().visited = []string{srv.name} // only 2010 routing looks at the hops
	}
	o.track(srv, "RECEIVE", "SMTP", it, "", inboundContext(c))
	o.addCopy(it)
	pa := o.pools.acks.get()
	*pa = pendingAck{o: o, srv: srv, sender: sender, root: it, conv: c, queuedAt: o.now()}
	delay := o.cfgDur(cMaxAcknowledgementDelay, srv)
	switch {
	case !srv.version.Is2010():
		o.accept2013(srv, it, pa, nil, nil)
		return
	case !o.cfgBool(cShadowRedundancyEnabled, srv):
		o.sendAck(pa, Acknowledged{Why: AckShadowRedundancyDisabled})
	case delay == 0:
		o.sendAck(pa, Acknowledged{Why: AckDelayZero})
	default:
		it.x().ack = pa
		srv.acks = append(srv.acks, pa)
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", AckDelayed{Msg: Msg{m.id}, Server: srv.name, Delay: delay})
		}
		o.on(srv, delay, kindAckTimeout, func() { o.ackTimeout(pa) })
	}
	o.categorize(srv, it)
}

func (o *Org) ackTimeout(pa *pendingAck) {
	if pa.done {
		return
	}
	srv := pa.srv
	if o.promotionTrigger(srv) == "AckTimeout" && o.promotionOn(srv) {
		// Microsoft's prose reading: instead of acknowledging unprotected, route the
		// message to another hub of the site, which leaves this hub with a shadow. With
		// no other hub nothing is routed, and the delay simply ran out.
		promoted := false
		for _, it := range o.leavesOf(pa.root) {
			if it.q != nil && it.q.kind == qDelivery && !it.haHeader && len(o.relayPeers(srv, it)) > 0 {
				o.takeFromQueue(it)
				o.categorizePromote(srv, it)
				promoted = true
			}
		}
		if promoted {
			o.sendAck(pa, Acknowledged{Why: AckPromotedOnTimeout})
			return
		}
	}
	o.sendAck(pa, Acknowledged{Why: AckDelayExpired, Delay: o.cfgDur(cMaxAcknowledgementDelay, srv)})
}

func (o *Org) leavesOf(root *item) []*item {
	var out []*item
	for _, it := range root.m.items {
		for p := it; p != nil; p = p.parent() {
			if p == root {
				out = append(out, it)
				break
			}
		}
	}
	return out
}

// ackReached: the held message reached its next hop.
func (o *Org) ackReached(pa *pendingAck, _ *item) {
	o.sendAck(pa, Acknowledged{Why: AckReachedNextHop})
}

// sendAck sends the 250 for a held session, or an unheld one when ack.Why is 0 (not
// journaled: nothing was waiting). ack carries the reason for the journal.
func (o *Org) sendAck(pa *pendingAck, ack Acknowledged) {
	if pa.done {
		return
	}
	pa.done = true
	srv := pa.srv
	for k, x := range srv.acks {
		if x == pa {
			srv.acks = append(srv.acks[:k], srv.acks[k+1:]...)
			break
		}
	}
	m := pa.root.m
	if ack.Why != 0 {
		if o.s.Journal().Enabled() {
			ack.Msg, ack.Server = Msg{m.id}, srv.name
			emit(o, srv.name, "", ack)
		}
	}
	ackAt := o.now() + o.top.Latency // the 250 crosses back to the sender
	if pa.conv != nil && o.wantsProtocol() {
		pa.conv.Messages[0].AckDelay = o.now() - pa.queuedAt
		ackAt = o.converse(pa.conv).Outcomes[0].AckAt
	}
	if pa.front != nil {
		if ackAt = o.frontAck(pa, ackAt); ackAt < 0 {
			return // the front end is gone: the sender retries
		}
	}
	o.post(ackAt, pa, kindAck, 0)
}

// dropSession: the receiving server went away before acknowledging: the sender never
// got a 250, keeps its copy and retries.
func (o *Org) dropSession(pa *pendingAck, fault string) {
	if pa.done {
		return
	}
	pa.done = true
	m := pa.root.m
	if pa.front != nil {
		o.frontDropped(pa)
	}
	if pa.sender.loc == locOutbox {
		if o.s.Journal().Enabled() {
			emit(o, pa.srv.name, "", SubmitInterrupted{Msg: Msg{m.id}, Hub: pa.srv.name, Fault: fault, Retry: outboxRetry})
		}
		o.retrySender(pa)
		return
	}
	if o.s.Journal().Enabled() {
		emit(o, internet, "", SenderRetry{Msg: Msg{m.id}, Why: SessionDied, Server: pa.srv.name, Fault: fault, Retry: o.top.SenderRetry})
	}
	o.retrySender(pa)
}

// retrySender makes the holder of a message that got no 250 try again: the internet
// sender after SenderRetry, the Mail Submission service after outboxRetry.
func (o *Org) retrySender(pa *pendingAck) {
	m, sender := pa.root.m, pa.sender
	if sender.loc == locOutbox {
		o.after(outboxRetry, kindOutbox, func() { o.submitOutbox(m, sender) })
		return
	}
	o.after(o.top.SenderRetry, kindSenderRetry, func() { o.internetSend(m, sender) })
}

// submitOutbox: the Mail Submission service on the server holding the sender's
// mailbox database notifies a hub, whose store driver picks the message up.
func (o *Org) submitOutbox(m *message, outbox *item) {
	if outbox.dead {
		return
	}
	mbx := m.r().origin
	if mbx == nil {
		act, mounted := o.activeCopy(m.r().senderDB)
		if !mounted {
			act = nil
		}
		mbx = act
	}
	var hub *server
	if mbx != nil && hostUp(mbx) && !mbx.mtsStopped {
		hub = o.pickSubmissionHub(mbx)
	}
	if hub == nil {
		if o.s.Journal().Enabled() {
			emit(o, "", "", NoHubForSubmission{Msg: Msg{m.id}, Retry: outboxRetry})
		}
		o.after(outboxRetry, kindOutbox, func() { o.submitOutbox(m, outbox) })
		return
	}
	o.after(o.top.Latency, kindSession, func() {
		if outbox.dead {
			return
		}
		if !hub.up || !hostUp(mbx) || mbx.mtsStopped || o.acceptState(hub) != "Active" {
			o.after(outboxRetry, kindOutbox, func() { o.submitOutbox(m, outbox) })
			return
		}
		if hub.refuses(refuseSubmission) {
			o.pressureRefuseSubmission(m, outbox, hub)
			return
		}
		// NOTIFYMAPI and SUBMIT are written by the Mailbox server's Mail Submission
		// service (2010) / Mailbox Transport Submission (2013+).
		if o.s.Journal().Enabled() {
			o.msgID(m, mbx) // the Mailbox server that has the sender's database writes the Message-Id
		}
		o.trackRaw(mbx, "NOTIFYMAPI", "STOREDRIVER", m, nil, 0, "", "")
		if !hub.version.Is2010() {
			// MT-2016: Mailbox Transport Submission logs RECEIVE and SUBMIT (STOREDRIVER)
			// and hands the message to the Transport service over SMTP.
			o.trackRaw(mbx, "RECEIVE", "STOREDRIVER", m, outbox.rcpts, 0, hub.name, "")
		}
		o.trackRaw(mbx, "SUBMIT", "STOREDRIVER", m, outbox.rcpts, 0, hub.name, "")
		it := o.newItem(hub, m, outbox.rcpts)
		it.x().visited = []string{hub.name}
		if hub.version.Is2010() {
			o.track(hub, "RECEIVE", "STOREDRIVER", it, mbx.name, "")
		} else {
			o.track(hub, "RECEIVE", "SMTP", it, mbx.name, submissionContext(o, m))
		}
		o.addCopy(it)
		if !hub.version.Is2010() {
			// the Outbox copy goes once the hub has made its shadow and answered
			o.accept2013(hub, it, &pendingAck{o: o, srv: hub, sender: outbox, root: it}, nil, nil)
			return
		}
		m.everAcked = true
		o.release(outbox)
		o.categorize(hub, it)
	})
}

// pickSubmissionHub chooses the hub Mail Submission on mbx notifies. Exchange 2010: a
// Mailbox server that is a DAG member (or whose local hub is) load-balances over the
// other hubs of its site and falls back to the local hub only when no other is
// available (exchange-transport.md 6.1). 2013+: the local Transport service, else
// another of the DAG or site (6.2 leaves this open; exsim's choice).
func (o *Org) pickSubmissionHub(mbx *server) *server {
	avail := func(h *server) bool {
		return h.up && o.acceptState(h) == "Active" && o.reachable(mbx.name, h.name)
	}
	var cands []*server
	var local *server
	for _, h := range o.transportServersInSite(mbx.site) {
		if !avail(h) {
			continue
		}
		if h == mbx {
			local = h
			continue
		}
		cands = append(cands, h)
	}
	if !mbx.version.Is2010() && local != nil {
		return local
	}
	if mbx.version.Is2010() && mbx.dag == "" && local != nil {
		return local
	}
	if len(cands) == 0 {
		return local
	}
	h := cands[mbx.submitRR%len(cands)]
	mbx.submitRR++
	return h
}

func (o *Org) newItem(srv *server, m *message, rcpts []int) *item {
	srv.nextInternal++
	if !m.hasAccept {
		m.hasAccept = true
		m.accepted = o.now()
	}
	// rcpts lists are never changed in place (categorization assigns new ones), so
	// copies share them
	it := o.slabs.items.new()
	it.m, it.rcpts, it.loc, it.srv, it.intID = m, rcpts, locQueue, srv, srv.nextInternal
	return it
}

// route is where the categorizer sends one recipient.
type route struct {
	dtype, nextHop string
	kind           qkind
	targets        []*server // relay targets
	promote        bool      // Shadow Redundancy Promotion redirect
	bounce         string    // NDR status instead of a queue
}

func (r route) key() qkey { return qkey{r.dtype, r.nextHop} }

// categorize routes it's open recipients on srv, bifurcating by next hop.
func (o *Org) categorize(srv *server, it *item) { o.categorizeWith(srv, it, false) }

func (o *Org) categorizePromote(srv *server, it *item) { o.categorizeWith(srv, it, true) }

func (o *Org) categorizeWith(srv *server, it *item, forcePromote bool) {
	m := it.m
	if sub := srv.submission(); sub != nil && sub.suspended {
		// a suspended Submission queue: the categorizer does not pick messages up
		if it.q != sub {
			o.takeFromQueue(it)
			it.q, it.srv = sub, srv
			sub.items = append(sub.items, it)
			o.submissionMoved(srv)
		}
		return
	}
	if it.m.m.Poison && o.poisoned(srv, it) {
		return
	}
	o.takeFromQueue(it)
	type group struct {
		r     route
		rcpts []int
	}
	var groups []*group
	// Every recipient of the copy is routed, even one delivered through another copy:
	// this server cannot know, which is how duplicates happen.
	if len(it.rcpts) == 1 { // the common case, without grouping
		if rt := o.routeFor(srv, it, it.rcpts[0], forcePromote); rt.bounce == "" {
			o.place(srv, it, rt)
			return
		}
	}
	for _, r := range it.rcpts {
		rt := o.routeFor(srv, it, r, forcePromote)
		if rt.bounce != "" {
			o.bounceRcpt(m, r, rt.bounce)
			o.led.dsns++
			o.trackRaw(srv, "FAIL", "ROUTING", m, []int{r}, it.intID, "", rt.bounce)
			o.trackRaw(srv, "DSN", "DSN", m, []int{r}, it.intID, "", "")
			continue
		}
		found := false
		for _, g := range groups {
			if g.r.key() == rt.key() {
				g.rcpts = append(g.rcpts, r)
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, &group{r: rt, rcpts: []int{r}})
		}
	}
	if len(groups) == 0 {
		o.finish(it)
		o.release(it)
		return
	}
	if len(groups) == 1 {
		it.rcpts = groups[0].rcpts
		o.place(srv, it, groups[0].r)
		return
	}
	// Bifurcation: one fork per next hop; the original becomes their parent.
	forks := make([]*item, 0, len(groups))
	for _, g := range groups {
		srv.nextInternal++
		f := &item{m: m, rcpts: g.rcpts, loc: locQueue, srv: srv, intID: srv.nextInternal, xshadow: it.xshadow,
			haHeader: it.haHeader, direct: it.direct, ext: &itemExt{visited: it.visited(), parent: it}}
		forks = append(forks, f)
		o.addCopy(f)
	}
	it.x().forks = int32(len(forks))
	o.removeCopy(it, "bifurcated", srv.name)
	for k, f := range forks {
		if len(forks) > 1 {
			o.trackRaw(srv, "TRANSFER", "ROUTING", m, f.rcpts, f.intID, "", fmt.Sprintf("%d", it.intID))
		}
		o.place(srv, f, groups[k].r)
	}
}

func (o *Org) place(srv *server, it *item, r route) {
	if r.promote {
		it.haHeader = true
		o.track(srv, "HAREDIRECT", "ROUTING", it, "", "NoShadowServer")
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", Promoted{Msg: Msg{it.m.id}, Server: srv.name, Site: srv.site})
		}
	}
	if srv.version.Is2010() && it.m.fromOrg && (r.dtype == "SmartHostConnectorDelivery" || r.dtype == "DnsConnectorDelivery") {
		// Seed 003: a 2010 hub logs TRANSFER (routing and content conversion of a
		// mailbox message for the internet) before SEND.
		o.track(srv, "TRANSFER", "ROUTING", it, "", "")
	}
	q := o.queueFor(srv, r)
	o.enqueue(q, it)
}

// routeFor decides the next hop of recipient r of it on srv.
func (o *Org) routeFor(srv *server, it *item, r int, forcePromote bool) route {
	rc := it.m.rcpts[r]
	var dom string // read only for a recipient without a mailbox: every mailbox branch below returns
	if rc.db == "" {
		dom = strings.ToLower(rc.addr[strings.LastIndex(rc.addr, "@")+1:])
		if o.domains[dom] {
			return route{bounce: "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"}
		}
	}
	if ndr := o.orgSizeLimit(srv, it.m); ndr != "" && (it.m.fromOrg || rc.db != "") {
		return route{bounce: ndr} // size.go
	}
	if srv.version.Is2010() && (forcePromote || (o.promotionOn(srv) && o.promotionTrigger(srv) == "Routing" && !it.haHeader && !it.xshadow && !it.direct)) {
		if peers := o.relayPeers(srv, it); len(peers) > 0 {
			return route{dtype: "SmtpRelayWithinAdSite", nextHop: srv.site, kind: qDelivery, targets: peers, promote: true}
		}
	}
	if rc.db != "" {
		act, _ := o.activeCopy(rc.db)
		if srv.version.Is2010() && act != nil && !act.version.Is2010() {
			return o.routeTo2013(act)
		}
		// another site's delivery group: hub sites, link size limits (adsites.go)
		if rt, ok := o.siteRoute(srv, it, act); ok {
			return rt
		}
		if !srv.version.Is2010() {
			if act != nil && act.dag != "" && act.dag != srv.dag {
				// a database of another DAG: relay to that DAG's members (Q-2016)
				if t := o.members(func(x *server) bool { return x.dag == act.dag && !x.version.Is2010() }); len(t) > 0 {
					return route{dtype: "SmtpRelayToDag", nextHop: act.dag, kind: qDelivery, targets: t}
				}
			}
			return route{dtype: "SmtpDeliveryToMailbox", nextHop: rc.db, kind: qDelivery}
		}
		if act != nil && act.site != srv.site {
			// a database in another AD site: relay to that site's hubs
			if t := o.members(func(x *server) bool { return x.site == act.site && x.version.Is2010() }); len(t) > 0 {
				return route{dtype: "SmtpRelayToRemoteAdSite", nextHop: act.site, kind: qDelivery, targets: t}
			}
		}
		if peers := o.relayPeers(srv, it); len(peers) > 0 {
			if act, _ := o.activeCopy(rc.db); act == srv && srv.dag != "" && !it.direct {
				// Exchange 2010 DAG rule: a hub does not deliver to a database mounted on
				// its own server; another hub of the site does, so the dumpster copy
				// sits on a different server.
				return route{dtype: "SmtpRelayWithinAdSite", nextHop: srv.site, kind: qDelivery, targets: peers}
			}
		}
		return route{dtype: "MapiDelivery", nextHop: rc.db, kind: qDelivery}
	}
	c, tooBig := o.connectorForSize(dom, it.m.m.Size)
	if tooBig {
		return route{bounce: routingSizeLimit} // size.go
	}
	if c == nil {
		return route{dtype: "Unreachable", nextHop: "Unreachable Domain", kind: qUnreachable}
	}
	for _, ss := range c.SourceServers {
		if strings.EqualFold(ss, srv.name) {
			if hs := smartHostList(c); hs != "" {
				return route{dtype: "SmartHostConnectorDelivery", nextHop: hs, kind: qDelivery}
			}
			return route{dtype: "DnsConnectorDelivery", nextHop: dom, kind: qDelivery}
		}
	}
	var targets []*server
	for _, ss := range c.SourceServers {
		targets = append(targets, o.byName[strings.ToLower(ss)])
	}
	return route{dtype: "SmtpRelayToConnectorSourceServers", nextHop: c.Name, kind: qDelivery, targets: targets}
}

// routeTo2013 is a 2010 hub's route to a database mounted on an Exchange 2013+
// server. The store driver of 2010 cannot deliver into a 2013+ database, so the hub
// relays over SMTP to the Transport service of the 2013+ servers that can deliver it:
// the DAG of the active copy, else the 2013+ servers of its AD site (exsim's choice of
// targets). DeliveryType and NextHopDomain are exsim's choice too: the reference (3.2)
// names SmtpRelayToMailboxDeliveryGroup and "Site:<ADSiteName>;Version:<ExchangeVersion>"
// for the 2013+ side of coexistence and has no source for the 2010 side's queue.
func (o *Org) routeTo2013(act *server) route {
	t := o.members(func(x *server) bool {
		if x.version.Is2010() {
			return false
		}
		if act.dag != "" {
			return x.dag == act.dag
		}
		return x.site == act.site
	})
	return route{dtype: "SmtpRelayToMailboxDeliveryGroup", nextHop: "Site:" + act.site + ";Version:15", kind: qDelivery, targets: t}
}

// relayPeers are the other transport servers of srv's site the item has not visited.
func (o *Org) relayPeers(srv *server, it *item) []*server {
	var out []*server
	for _, h := range o.transportServersInSite(srv.site) {
		if h == srv || h.version.Is2010() != srv.version.Is2010() {
			continue
		}
		seen := false
		for _, v := range it.visited() {
			if strings.EqualFold(v, h.name) {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, h)
		}
	}
	return out
}

func (o *Org) promotionOn(srv *server) bool {
	return srv.version.sp1() && o.cfgBool(cShadowRedundancyPromotionEnabled, srv) && o.cfgBool(cShadowRedundancyEnabled, srv)
}

func (o *Org) promotionTrigger(srv *server) string {
	return settingByName["exsimpromotiontrigger"].enum[o.cfg.get(settingByName["exsimpromotiontrigger"], srv)]
}

// connectorFor picks the send connector with the most specific matching address
// space (the first of equals, in topology order).
func (o *Org) connectorFor(dom string) *Connector {
	var best *Connector
	bestLen := -1
	for i := range o.top.Connectors {
		c := &o.top.Connectors[i]
		if l := addressSpaceMatch(c, dom); l > bestLen {
			best, bestLen = c, l
		}
	}
	return best
}

func (o *Org) senderHost(m *message) string {
	if !o.s.Journal().Enabled() {
		return "" // only logs show it
	}
	if d := senderDomain(m); d != o.senderHostOf[0] || o.senderHostOf[1] == "" {
		o.senderHostOf = [2]string{d, "mail." + d} // senders repeat: made once, not per session
	}
	return o.senderHostOf[1]
}

// Fire: the 250 reached the sender, which lets its copy go.
func (pa *pendingAck) Fire(*sim.Sim, sim.Event) {
	o, sender, root := pa.o, pa.sender, pa.root
	if root.ext == nil || root.ext.ack != pa {
		// a 2013+ acknowledgement (no 2010 copy waits on it): posted once, referred to
		// by nothing once it fires, so it is reused
		*pa = pendingAck{}
		o.pools.acks.put(pa)
	}
	root.m.everAcked = true
	if sender.dead || sender.m != root.m {
		return // already let go (and perhaps reused)
	}
	o.release(sender)
	if sender.loc == locSender {
		// an internet sender's copy is done with: reuse it (holders check .m)
		o.pools.senders.put(sender)
	}
}

// submissionService names the service that takes a message from the Outbox: Mail
// Submission (2010) or Mailbox Transport Submission (2013+).
func (o *Org) submissionService(m *message) string {
	srv := m.r().origin
	if srv == nil {
		srv, _ = o.activeCopy(m.r().senderDB)
	}
	if srv != nil && !srv.version.Is2010() {
		return "Mailbox Transport Submission service"
	}
	return "Mail Submission service"
}

// members lists the transport servers that satisfy keep, in topology order.
func (o *Org) members(keep func(*server) bool) []*server {
	var out []*server
	for _, x := range o.servers {
		if x.transport && keep(x) {
			out = append(out, x)
		}
	}
	return out
}
