package transport

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// ip gives every server a stable private address and the internet a documentation one.
func (o *Org) ip(name string) string {
	for k, s := range o.servers {
		if s.name == name || strings.EqualFold(s.name, name) {
			if s.ipAddr == "" { // made once (as peer() keeps it): it was a Sprintf per tracking row
				s.ipAddr = "10.0.0." + strconv.Itoa(11+k)
			}
			return s.ipAddr
		}
	}
	return "203.0.113.25"
}

// trackState is what tracking rows remember between events; it is only filled while
// the journal keeps tracking rows.
type trackState struct {
	rows    uint64                   // rows written: the n of each log-id
	arrived map[hopKey]time.Duration // when a server's copy arrived (TOTAL-HUB); gone at its SEND
	// customData is the custom-data every 2013+ row starts from (BuildCommonCustomData)
	customData string
	// servers are the servers rows name as peers, by the name as the caller spells
	// it: lower-casing "EX3" for byName was an allocation per row.
	servers map[string]*server
	inetIP  string // o.ip(internet), which scans every server's name
	// clientIPs are the mailboxes' client addresses (clientIP formats one with fmt)
	clientIPs   map[string]string
	recipientOK string             // smtp.RecipientOK's line
	row         logs.TrackingEvent // the row being built
	rcptBlock   []string           // recipients'
}

// recipients is an empty list of room n for a row's recipient addresses, carved
// from a block shared by rows: rows keep their lists (the journal, the stream's
// batches), so a block is never written again where a list was carved, and an
// allocation per row becomes one per thousand rows.
func (t *trackState) recipients(n int) []string {
	if n > 64 {
		return make([]string, 0, n)
	}
	if len(t.rcptBlock)+n > cap(t.rcptBlock) {
		t.rcptBlock = make([]string, 0, 1024)
	}
	l := t.rcptBlock[len(t.rcptBlock) : len(t.rcptBlock) : len(t.rcptBlock)+n]
	t.rcptBlock = t.rcptBlock[:len(t.rcptBlock)+n]
	return l
}

// ipOf is srv's address, made once (o.ip scans the servers for the name).
func (o *Org) ipOf(srv *server) string {
	if srv.ipAddr == "" {
		srv.ipAddr = o.ip(srv.name)
	}
	return srv.ipAddr
}

// internetIP is the internet's address in tracking rows.
func (o *Org) internetIP() string {
	if o.trk.inetIP == "" {
		o.trk.inetIP = o.ip(internet)
	}
	return o.trk.inetIP
}

// peerServer is the server named peer (any case), nil for a host outside.
func (o *Org) peerServer(peer string) *server {
	if s, ok := o.trk.servers[peer]; ok {
		return s
	}
	s := o.byName[strings.ToLower(peer)]
	if s != nil { // only servers are kept: outside hosts' names are many
		if o.trk.servers == nil {
			o.trk.servers = map[string]*server{}
		}
		o.trk.servers[peer] = s
	}
	return s
}

type hopKey struct {
	srv *server
	id  int
}

type entry struct {
	srv *server
	at  time.Duration
}

// track journals a message tracking row on srv for copy it. peer is the other side
// (the sending host for RECEIVE, the next hop for SEND, the mailbox server for a 2010
// DELIVER, the transport server for a 2013+ DELIVER and for SUBMIT). ctx is the
// source-context when the caller knows it (an SMTP session, a reason), or the
// recipient-status of DEFER and FAIL.
func (o *Org) track(srv *server, ev, src string, it *item, peer, ctx string) {
	o.row(srv, ev, src, it.m, it, it.rcpts, it.intID, peer, ctx)
}

// trackRaw is track for a row that has no copy of its own (the Outbox side, a DSN).
func (o *Org) trackRaw(srv *server, ev, src string, m *message, rcpts []int, intID int, peer, ctx string) {
	o.row(srv, ev, src, m, nil, rcpts, intID, peer, ctx)
}

// row builds one tracking row with the columns Exchange fills for its event
// (exchange-2013-pipeline.md 5.1-5.3: the real lines and the 2013 code; the 2010
// seed for 2010's SUBMIT). Where no source says what a column holds, the choice is
// written beside it.
func (o *Org) row(srv *server, ev, src string, m *message, it *item, rcpts []int, intID int, peer, ctx string) {
	if !o.wantsTracking() { // building a row is most of a message's cost
		return
	}
	j := o.s.Journal()
	now := o.now()
	old := srv.version.Is2010()
	var origin *server
	if srv.mailbox && (ev == "NOTIFYMAPI" || ev == "SUBMIT") {
		origin = srv // the store on the sender's mailbox server makes the Message-Id
	}
	// built in place: a row passed to the sink by address escaped, one 512-byte
	// allocation per row (the journal's record copies it)
	e := &o.trk.row
	*e = logs.TrackingEvent{At: now, Server: srv.name, EventID: logs.EventID(ev), Source: logs.Source(src),
		InternalMessageID: int64(intID), MessageID: o.msgID(m, origin), MessageSubject: m.m.Subject, Sender: m.m.From,
		ReturnPath: m.m.From, TotalBytes: m.m.Size, SourceContext: ctx}
	peerSrv := o.peerServer(peer)
	e.Recipients = o.trk.recipients(len(rcpts))
	for _, r := range rcpts {
		e.Recipients = append(e.Recipients, m.rcpts[r].addr)
	}
	e.RecipientCount = len(e.Recipients)
	if m.fromOrg {
		e.Directionality = logs.Originating
	} else {
		e.Directionality = logs.Incoming
	}
	if !old {
		e.NetworkMessageID = o.networkMessageID(m)
		// BuildCommonCustomData (2013 code): every Transport row; 2010 rows keep
		// custom-data empty (no 2010 row read shows one).
		if o.trk.customData == "" { // made once: orgDomain sorts the domains at every call
			o.trk.customData = "S:DeliveryPriority=Normal;S:AccountForest=" + o.orgDomain()
		}
		e.CustomData = o.trk.customData
	}
	local := o.ipOf(srv)
	switch ev {
	case "RECEIVE":
		in := o.enter(m, srv)
		e.MessageInfo = o.authCode(m)
		e.OriginalClientIP, e.OriginalServerIP = o.originalIPs(m, in)
		e.ServerIP, e.ServerHostname = local, srv.name
		o.arrive(srv, intID)
		if src == "SMTP" {
			e.ConnectorID = o.receiveConnector(srv)
			if peerSrv == nil { // the internet sender, by its HELO name
				e.ClientIP, e.ClientHostname = o.internetIP(), o.senderHost(m)
				if !old {
					e.CustomData = "S:FromEntity=Internet;S:FirstForestHop=" + o.fqdn(in.srv) + ";" + e.CustomData
				}
			} else { // another Exchange server: its HELO is its FQDN
				e.ClientIP, e.ClientHostname = o.ipOf(peerSrv), o.fqdn(peerSrv)
				if !old && !m.fromOrg && in.srv == srv {
					// The first Transport hop of internet mail, proxied by the Front End
					// Transport of peer: the real 2019 row (pipeline 5.3) names the proxy
					// hop, the first forest hop and the internet client.
					fe := o.fqdn(peerSrv)
					e.CustomData = "S:ProxyHop1=" + fe + "(" + e.ClientIP + ");S:FirstForestHop=" + fe +
						";S:FromEntity=Internet;S:ProxiedClientIPAddress=" + o.internetIP() +
						";S:ProxiedClientHostname=" + o.senderHost(m) + ";" + e.CustomData
				}
			}
			break // recipient-status is empty for SMTP
		}
		// STOREDRIVER: the Mailbox server submits to the transport server. 2010 logs
		// it on the hub (peer is the Mailbox server), 2013+ in MSGTRKMS on the Mailbox
		// server (peer is the Transport service's server).
		mbx, hub := peerSrv, srv
		if !old {
			mbx, hub = srv, peerSrv
			e.InternalMessageID = o.submissionID(srv, m)
		}
		if mbx == nil {
			mbx = srv
		}
		if hub == nil {
			hub = srv
		}
		e.ClientIP, e.ClientHostname = o.ipOf(mbx), mbx.name
		e.ServerIP, e.ServerHostname = o.ipOf(hub), hub.name
		e.SourceContext = o.mailboxContext(m, mbx)
		if !old {
			e.ClientHostname = o.fqdn(mbx) // a real MSGTRKMS row: client FQDN, server short name
			e.CustomData = "S:MailboxDatabaseGuid=" + o.guid("mdb", m.r().senderDB, 0) + ";S:ItemEntryId=" + o.itemEntryID(m) + ";" + e.CustomData
		}
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, "To") // the P2 recipient type
		}
	case "NOTIFYMAPI":
		o.msgID(m, srv)
		if old {
			// "a NOTIFYMAPI entry with essentially no data" (seed 003)
			dir := e.Directionality
			*e = logs.TrackingEvent{At: now, Server: srv.name, EventID: logs.EventNotifyMAPI, Source: logs.SourceStoreDriver,
				ServerHostname: srv.name, Directionality: dir}
			break
		}
		// A real 2016+ row: the Mailbox server as client, the store event, the
		// sender, the submission latency and the item; nothing of the message yet.
		*e = logs.TrackingEvent{At: now, Server: srv.name, EventID: logs.EventNotifyMAPI, Source: logs.SourceStoreDriver,
			ClientIP: local, ClientHostname: srv.name, SourceContext: o.mailboxContext(m, srv), Sender: m.m.From,
			MessageInfo: logs.FormatTime(o.s.Wall(m.submitted)) + ";LSRV=" + o.fqdn(srv) + ":TOTAL-SUB=" +
				secs(now-m.submitted) + "|SA=" + secs(now-m.submitted) + "|MTSS-PEN=0.000",
			CustomData: "S:ItemEntryId=" + o.itemEntryID(m)}
	case "SUBMIT":
		in := o.enter(m, srv)
		e.ClientIP, e.ClientHostname = local, srv.name
		if peerSrv != nil {
			e.ServerHostname = peerSrv.name
		}
		e.SourceContext = o.mailboxContext(m, srv)
		e.MessageInfo = logs.SubmitMessageInfo(o.s.Wall(m.submitted), o.fqdn(srv), len(rcpts))
		e.OriginalClientIP, _ = o.originalIPs(m, in)
		if old {
			// Seed 003's SUBMIT: server-ip, connector-id, internal-message-id,
			// recipients, recipient-status, sender and return-path empty.
			e.InternalMessageID, e.Recipients, e.Sender, e.ReturnPath = 0, nil, "", ""
			break
		}
		if peerSrv != nil {
			e.ServerIP = o.ipOf(peerSrv)
		} else {
			e.ServerIP = o.ip(peer)
		}
		e.InternalMessageID = o.submissionID(srv, m)
	case "SEND":
		e.ClientIP, e.ClientHostname = local, srv.name
		rcptOK := o.trk.recipientOK
		if rcptOK == "" {
			rcptOK = smtp.RecipientOK.String()
			o.trk.recipientOK = rcptOK // made once: it was a string per SEND row
		}
		if peerSrv == nil {
			rcptOK = "250 2.1.5 Ok" // the smart host's answer (seed 003)
		}
		if peerSrv != nil {
			e.ServerIP, e.ServerHostname = o.ipOf(peerSrv), o.fqdn(peerSrv)
			e.ConnectorID = smtp.IntraOrgSendConnector
		} else {
			e.ServerIP, e.ServerHostname = o.internetIP(), peer
			if c := o.connectorFor(recipientDomain(m, rcpts)); c != nil {
				e.ConnectorID = c.Name
			}
		}
		// source-context: ctx is the whole of it, from the session ([relaySession.sendContext])
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, rcptOK)
		}
		e.MessageInfo = o.latency(srv, m, intID, "TOTAL-HUB")
		if !old {
			external := "False"
			if peerSrv == nil {
				external = "True"
				e.CustomData = "S:ToEntity=Internet;" + e.CustomData
			}
			e.CustomData = "S:E2ELatency=" + secs(now-o.arrival(m)) + ";S:MsgRecipCount=" + strconv.Itoa(len(rcpts)) +
				";S:IncludeInSla=True;S:IsSmtpResponseFromExternalServer=" + external + ";" + e.CustomData
		}
		o.leave(srv, intID)
	case "DELIVER":
		// 2010: the hub logs it, peer is the Mailbox server. 2013+: Mailbox Transport
		// Delivery logs it (MSGTRKMD), peer is the Transport server that sent it over 475.
		hub, mbx := srv, peerSrv
		if !old && ctx != "" { // ctx: the 475 session Mailbox Transport Delivery received it on
			hub, mbx = peerSrv, srv
		}
		if hub == nil {
			hub = srv
		}
		if mbx == nil {
			mbx = srv
		}
		e.ClientIP, e.ClientHostname = o.ipOf(hub), hub.name
		e.ServerIP, e.ServerHostname = o.ipOf(mbx), mbx.name
		if old {
			for range e.Recipients {
				e.RecipientStatus = append(e.RecipientStatus, smtp.Delivered.String())
			}
			e.MessageInfo = logs.FormatTime(o.s.Wall(o.arrival(m)))
			o.leave(srv, intID)
			break
		}
		e.ClientHostname = o.fqdn(hub) // its SmtpIn (HELO) name
		if i := strings.LastIndexByte(ctx, ';'); i >= 0 {
			e.SourceContext = ctx[:i] + ";ClientSubmitTime:" + o.clientSubmitTime(m)
		}
		var boxes []string
		for _, r := range rcpts {
			e.RecipientStatus = append(e.RecipientStatus, "Inbox") // the folder delivered to
			boxes = append(boxes, o.guid("mailbox", strings.ToLower(m.rcpts[r].addr), 0))
		}
		e.MessageInfo = o.latency(mbx, m, -1, "TOTAL-DEL")
		from := "Hosted"
		if !m.fromOrg {
			from = "Internet"
		}
		e.CustomData = "S:Mailboxes=" + strings.Join(boxes, ";") + ";S:ToEntity=Hosted;S:FromEntity=" + from + ";" + e.CustomData
	case "DEFER":
		e.ClientHostname, e.ServerHostname = srv.name, peer
		if src == "SMTP" { // the next hop's reply to this message, as for SEND
			e.ClientIP = local
			if peerSrv != nil {
				e.ServerIP, e.ServerHostname = o.ipOf(peerSrv), o.fqdn(peerSrv)
			}
			e.ConnectorID = smtp.IntraOrgSendConnector
		}
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, ctx)
		}
		e.SourceContext = ""
		if it != nil && it.ext != nil && it.ext.deferUntil > 0 {
			e.MessageInfo = logs.FormatTime(o.s.Wall(it.ext.deferUntil)) // DeferUntil
		}
	case "FAIL":
		e.ServerHostname = srv.name
		for range e.Recipients {
			e.RecipientStatus = append(e.RecipientStatus, ctx)
		}
		e.SourceContext = ""
		e.Reference = o.dsnID(m, srv, intID) // the DSN it caused (MT-2016)
		e.MessageInfo = o.latency(srv, m, intID, "TOTAL-HUB")
		o.leave(srv, intID)
	case "DSN":
		// The DSN is a message of its own, from the server's system mailbox to the
		// sender; reference is the original's Message-Id (2013 code, TrackDSN).
		e.ServerHostname = srv.name
		e.Reference, e.MessageID = e.MessageID, o.dsnID(m, srv, intID)
		e.Recipients, e.RecipientCount = []string{m.m.From}, 1
		e.Sender, e.ReturnPath = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@"+o.orgDomain(), "<>"
		e.MessageSubject = "Undeliverable: " + m.m.Subject
		if ctx == "delay" {
			e.MessageSubject = "Delivery delayed:" + m.m.Subject
		}
		e.Directionality = logs.Originating
		if !old {
			e.NetworkMessageID = o.tickGUID("dsn-network-message-id", uint64(m.id)<<20|uint64(intID), o.s.Wall(now))
		}
	case "HAREDIRECT":
		e.ServerHostname = srv.name
		if ctx == "" && peerSrv != nil { // the shadow server's answer
			id := int64(0)
			if it != nil && it.shadow != nil {
				id = int64(it.shadow.intID)
			}
			r, _ := smtp.Queued(string(peerSrv.version), e.MessageID, id, o.fqdn(peerSrv))
			e.SourceContext = redundancyAnswer(o.fqdn(peerSrv), r)
		}
	case "HARECEIVE":
		e.ServerHostname = srv.name
		if peerSrv != nil {
			e.ClientHostname = o.fqdn(peerSrv) // the primary server
		}
	case "RESUBMIT":
		// a new primary copy (internal-message-id) of the original (reference)
		e.ServerHostname = srv.name
		e.Reference, e.SourceContext = ctx, ""
		o.arrive(srv, intID)
	case "HADISCARD", "HAREDIRECTFAIL", "TRANSFER", "POISONMESSAGE":
		e.ServerHostname = srv.name
		if ev == "HADISCARD" && ctx == "" {
			e.SourceContext = "DeliveryComplete" // the primary delivered it (chosen wording)
		}
		if ev == "TRANSFER" {
			// reference is the internal-message-id of the copy forked from; a
			// content-conversion TRANSFER (2010, seed 003) keeps the one copy in exsim,
			// so it names that copy's own id.
			if ctx == "" {
				ctx = strconv.Itoa(intID)
			}
			e.Reference, e.SourceContext = ctx, ""
		}
	}
	if v := logs.SchemaVersion(string(srv.version)); v != "" {
		e.SchemaVersion = v
		e.LogID = o.tickGUID("log-id", o.trk.rows, o.s.Wall(now))
		o.trk.rows++
		if e.EventID != logs.EventNotifyMAPI { // a real NOTIFYMAPI row leaves it empty
			e.TransportTrafficType = "Email"
		}
	}
	if o.trackSink != nil {
		e.Message = m.id
		o.trackSink(e)
		return
	}
	j.Add(simRecord(o, srv.name, m, ev, *e))
}

// SetTrackingSink hands every message tracking row to fn, in the order they happen,
// instead of journaling it; fn must copy what it keeps (the row is reused). It is for
// a writer that streams the rows to their files while nothing else reads them (no
// output, step or tap): boxing a 512-byte row per record for the journal, which only
// passed it on, was a third of the simulation's allocations with --tracking-logs.
// Set it before the run; nil journals the rows again.
func (o *Org) SetTrackingSink(fn func(*logs.TrackingEvent)) {
	o.trackSink = fn
	o.logWants.seen-- // wantsTracking asks again
}

// redundancyAnswer is "<shadow FQDN>=<its 250, Queued mail for redundancy>" (the
// shadow's Queued line with its first "Queued mail for delivery" replaced), built in
// one string: the line, the replacement and the concatenation were three.
func redundancyAnswer(fqdn string, queued smtp.Reply) string {
	const delivery, redundancy = "Queued mail for delivery", "Queued mail for redundancy"
	var buf [256]byte
	b := queued.AppendTo(append(append(buf[:0], fqdn...), '='))
	line := b[len(fqdn)+1:]
	if i := bytes.Index(line, []byte(delivery)); i >= 0 {
		tail := string(line[i+len(delivery):]) // a copy: the append below overwrites it
		b = append(append(b[:len(fqdn)+1+i], redundancy...), tail...)
	}
	return string(b)
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// appendSecs appends secs(d).
func appendSecs(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, d.Seconds(), 'f', 3, 64)
}

// enter notes where m entered the organization (the first RECEIVE or SUBMIT) on m
// itself, so tracking keeps nothing per message once it is done.
func (o *Org) enter(m *message, srv *server) entry {
	if m.r().entry == nil {
		m.x().entry = srv
	}
	return entry{m.ext.entry, o.arrival(m)}
}

// arrival is the organization's arrival time of m, the first element of a SEND or
// DELIVER message-info: when its sender submitted it, or when the first server
// received it from the internet.
func (o *Org) arrival(m *message) time.Duration {
	if m.hasAccept && !m.fromOrg {
		return m.accepted
	}
	return m.submitted
}

func (o *Org) arrive(srv *server, id int) {
	if o.trk.arrived == nil {
		o.trk.arrived = map[hopKey]time.Duration{}
	}
	o.trk.arrived[hopKey{srv, id}] = o.now()
}

func (o *Org) leave(srv *server, id int) { delete(o.trk.arrived, hopKey{srv, id}) }

// latency is message-info of SEND, DELIVER and FAIL: the arrival time, then the
// time this server held the message: "<arrival>;LSRV=<fqdn>:TOTAL-HUB=<s>" (2013+,
// real SEND rows; exsim does not split the total into pipeline stages); 2010 writes
// the origination time only (MT-2016 field notes).
func (o *Org) latency(srv *server, m *message, id int, key string) string {
	var buf [128]byte // formatted in place: one string, not three
	b := logs.AppendTime(buf[:0], o.s.Wall(o.arrival(m)))
	if srv.version.Is2010() {
		return string(b)
	}
	since, ok := o.trk.arrived[hopKey{srv, id}]
	if !ok {
		since = o.arrival(m)
	}
	b = append(append(append(append(append(b, ";LSRV="...), o.fqdn(srv)...), ':'), key...), '=')
	return string(appendSecs(b, o.now()-since))
}

// authCode is the message-info of a RECEIVE: the MultilevelAuth code the message
// entered with, which every later hop keeps (a header): "04I: " (SecureMapiSubmit,
// Internal) for a mailbox's message (a real MSGTRKMS row); "0cA: " (MUTUALGSSAPI,
// Anonymous: FET proxying anonymous internet mail, a real 2016 row) for internet
// mail on 2013+; "00A: " (no mechanism, Anonymous) for internet mail received
// directly by a 2010 hub (chosen: no 2010 row was read).
func (o *Org) authCode(m *message) string {
	switch {
	case m.fromOrg:
		return "04I: "
	case m.r().entry != nil && m.ext.entry.version.Is2010():
		return "00A: "
	}
	return "0cA: "
}

// originalIPs are original-client-ip and original-server-ip: the client that first
// gave the message to the organization and the server it gave it to
// (X-MS-Exchange-Organization-OriginalClientIPAddress / ...ServerIPAddress).
func (o *Org) originalIPs(m *message, in entry) (client, server string) {
	client = o.internetIP()
	if m.fromOrg {
		client = o.trk.clientIPs[m.m.From]
		if client == "" {
			if o.trk.clientIPs == nil {
				o.trk.clientIPs = map[string]string{}
			}
			client = o.clientIP(m.m.From)
			o.trk.clientIPs[m.m.From] = client
		}
	}
	if in.srv != nil {
		server = o.ipOf(in.srv)
	}
	return client, server
}

// clientSubmitTime is when the sender's client submitted m; empty for internet mail
// (a real SEND row of a message from outside leaves it empty).
func (o *Org) clientSubmitTime(m *message) string {
	if !m.fromOrg {
		return ""
	}
	return logs.FormatTime(o.s.Wall(m.submitted))
}

// mailboxContext is the source-context of the store-side rows: the mailbox database,
// the sender's mailbox, the store event, the item's class and creation time and the
// client (MOMT, Outlook, in real 2016 rows; 2010's ClientType value for Outlook is
// User, chosen). 2013+ adds the submission assistant and its store connection.
func (o *Org) mailboxContext(m *message, mbx *server) string {
	ct := "MOMT"
	if mbx.version.Is2010() {
		ct = "User"
	}
	s := logs.MailboxSourceContext(o.guid("mdb", m.r().senderDB, 0), o.guid("mailbox", strings.ToLower(m.m.From), 0),
		int64(o.hashOf("mapi-event", mbx.name, 0)%90000000)+int64(m.id), "IPM.Note", o.s.Wall(m.submitted), ct)
	if !mbx.version.Is2010() {
		s += ", SubmissionAssistant:MailboxTransportSubmissionEmailAssistant, ServerMdbConnectionId:" +
			fmt.Sprintf("%016X", o.hashOf("mdb-connection", mbx.name, 0)&0x00ffffffffffffff|0x0800000000000000)
	}
	return s
}

// dsnID is the Message-Id of the DSN srv makes for m's copy intID.
func (o *Org) dsnID(m *message, srv *server, intID int) string {
	g := strings.ReplaceAll(o.guid("dsn", srv.name, uint64(m.id)<<20|uint64(intID)), "-", "")
	if srv.version.Is2010() {
		g = strings.ToUpper(g)
	}
	return "<" + g + "@" + o.fqdn(srv) + ">"
}

func senderDomain(m *message) string { return m.m.From[lastAt(m.m.From)+1:] }

func recipientDomain(m *message, rcpts []int) string {
	if len(rcpts) == 0 {
		return ""
	}
	a := m.rcpts[rcpts[0]].addr
	return strings.ToLower(a[strings.LastIndex(a, "@")+1:])
}

func simRecord(o *Org, server string, m *message, ev string, e logs.TrackingEvent) sim.Record {
	e.Message = m.id
	return sim.Record{At: o.now(), Kind: logs.KindTracking, Server: server, Data: e}
}
