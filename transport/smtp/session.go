package smtp

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/exsim/exsim/transport/logs"
)

// Connector names Exchange gives its implicit connectors.
const (
	// IntraOrgSendConnector is the implicit Send connector between transport servers
	// of one organization.
	IntraOrgSendConnector = "Intra-Organization SMTP Send Connector"
)

// DefaultReceiveConnector is the connector-id of server's default Receive connector
// in its Receive protocol log: "<Server>\Default <Server>".
func DefaultReceiveConnector(server string) string {
	return server + `\Default ` + server
}

// SessionID formats the n-th session of a log as Exchange prints session ids: 16
// upper-case hex digits (real ones start 08D..., from a time-based counter).
func SessionID(n uint64) string {
	b := sessionDigits(n)
	return string(b[:])
}

// AppendSessionID appends [SessionID] of n to b.
func AppendSessionID(b []byte, n uint64) []byte {
	d := sessionDigits(n)
	return append(b, d[:]...)
}

func sessionDigits(n uint64) (b [16]byte) {
	const digits = "0123456789ABCDEF" // "%016X", by hand: one per session, and fmt showed in profiles
	v := 0x08D0000000000000 + n
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return b
}

// Session builds the rows of one session in one protocol log: it stamps the connector,
// session id and endpoints, numbers the rows from 0, and leaves the local endpoint
// empty on a Send log until the connection is made (as the real logs do).
type Session struct {
	server, kind, connector, id, local, remote string
	connected                                  bool
	events                                     []logs.ProtocolEvent
}

// NewSession starts the session sessionID in server's Send or Receive log.
func NewSession(server, kind, connectorID, sessionID, local, remote string) (*Session, error) {
	if kind != logs.Send && kind != logs.Receive {
		return nil, fmt.Errorf("unknown protocol log kind %q (want %q or %q)", kind, logs.Send, logs.Receive)
	}
	return &Session{server: server, kind: kind, connector: connectorID, id: sessionID,
		local: local, remote: remote, connected: kind == logs.Receive}, nil
}

// Add appends one row at instant at. A Connect row fills in the local endpoint from
// then on.
func (s *Session) Add(at time.Duration, ev logs.ProtocolEventType, data, context string) {
	if ev == logs.ProtoConnect {
		s.connected = true
	}
	local := ""
	if s.connected {
		local = s.local
	}
	s.events = append(s.events, logs.ProtocolEvent{
		At: at, Server: s.server, Log: s.kind, ConnectorID: s.connector, SessionID: s.id,
		SequenceNumber: len(s.events), LocalEndpoint: local, RemoteEndpoint: s.remote,
		Event: ev, Data: data, Context: context,
	})
}

// Events returns the rows so far.
func (s *Session) Events() []logs.ProtocolEvent { return s.events }

// Peer is one end of a conversation. An empty Version means a host that is not
// Exchange (an internet MTA): it writes no protocol log, and answers as Postfix does
// in the seed's capture ("250 2.1.0 Ok", "354 End data with <CR><LF>.<CR><LF>").
type Peer struct {
	Server  string // name of the server whose logs get the rows
	FQDN    string
	IP      string
	Port    int      // the client's source port, or the server's listening port (25)
	Version string   // Exchange profile, "" for a non-Exchange host
	Caps    []string // EHLO capabilities when serving; nil: Capabilities(Version)
}

func (p Peer) endpoint() string { return p.IP + ":" + strconv.Itoa(p.Port) }

// Message is one message offered in a conversation, with the receiver's answers.
type Message struct {
	From       string // reverse path; "" for a DSN (MAIL FROM:<>)
	To         []string
	Size       int
	MessageID  string // "<...>", the Message-Id header
	RecordID   int64  // the sender's queue record id ("sending message" line)
	InternalID int64  // the receiver's internal message id (in its 250 2.6.0 reply)

	// The receiver's answers. RcptReplies[i] answers To[i] (nil: all accepted).
	// DataReply answers the message data (nil: queued). AckDelay holds the final reply
	// back (Exchange 2010 delayed acknowledgement).
	RcptReplies []Reply
	DataReply   *Reply
	AckDelay    time.Duration
}

// Conversation is one SMTP session from Client to Server.
type Conversation struct {
	Epoch            time.Time     // wall clock of instant 0 (for the banner)
	Start            time.Duration // when the client starts connecting
	Latency          time.Duration // one way
	Client, Server   Peer
	SendConnector    string // connector-id in the client's Send log
	ReceiveConnector string // connector-id in the server's Receive log
	SendSessionID    string
	ReceiveSessionID string
	ConnectFailure   int           // 0: connects; else a Winsock code (WinsockRefused, WinsockTimedOut)
	ConnectTimeout   time.Duration // how long a WinsockTimedOut attempt takes (0: 2×Latency)
	MailReply        *Reply        // a session-level refusal at MAIL FROM (ServiceNotActive)
	// MailDelay, when set, is a tarpit: the server holds its reply to each MAIL FROM
	// that long, and its Receive log says so in a "Tarpit for '<span>' due to
	// '<TarpitReason>'" row.
	MailDelay    time.Duration
	TarpitReason string
	// XProxyFrom, when set, is the front end's XPROXYFROM line, sent after EHLO and
	// answered with XProxyFromAccepted (the Front End Transport proxy hop).
	XProxyFrom string
	// RequireTLS and SmartHostAuth are the Send connector's RequireTLS and
	// SmartHostAuthMechanism ("" or AuthNone: none) for a session from Exchange to a
	// host outside the organization (tls.go); the session also starts TLS whenever
	// that host offers STARTTLS.
	RequireTLS     bool
	SmartHostAuth  string
	IgnoreSTARTTLS bool // Set-SendConnector -IgnoreSTARTTLS: no opportunistic TLS
	Messages       []Message
}

// Outcome is what the client learned about one message.
type Outcome struct {
	Rcpt     []Reply       // per recipient
	Final    Reply         // the reply to the data; Code 0 if no data was sent
	QueuedAt time.Duration // server time the data was complete (0 if not sent)
	AckAt    time.Duration // client time the final reply arrived
}

// Result is a conversation's rows and outcome.
type Result struct {
	Send     []logs.ProtocolEvent // the client's Send log rows (nil if not Exchange)
	Receive  []logs.ProtocolEvent // the server's Receive log rows (nil if not Exchange or never connected)
	Failure  Reply                // session-level failure seen by the client; Code 0 if none
	Outcomes []Outcome            // one per message offered before any failure
	End      time.Duration        // client time the session ended
}

// Converse plays one SMTP session and returns both protocol logs' rows. When the
// journal is off, Timing gives the same outcome without building rows.
//
// The client connects, reads the banner, sends EHLO, then for each message MAIL FROM
// and RCPT TO (pipelined when the server advertises PIPELINING), then BDAT <size> LAST
// when it advertises CHUNKING, else DATA; then QUIT. Each line takes Latency to cross,
// so a Send row is stamped with the client's time and a Receive row with the server's.
// A MailReply (421 4.3.2 from a server whose transport is Inactive or Draining) comes
// after an accepted EHLO, and the server closes the session (KB 2866822).
//
// With a host outside the organization the client plays STARTTLS and AUTH after
// EHLO when the host offers them or the connector requires them (tls.go). Between
// Exchange servers TLS is not played, as the seed leaves it out. Version differences
// (chosen from the captures read): 2013+ Send logs open with "*,SendRoutingHeaders,Set Session
// Permissions" and log "sending message with RecordId n and InternetMessageId <id>",
// end with QUIT and "-,,Remote" (a real 2016 log); 2010 Send logs log "*,<RecordId>,
// sending message" and the 221 (the seed). The Send log lists the EHLO reply one line
// per row (seed; a real 2013 log); the Receive log writes it as one row,
// "250  <fqdn> Hello [<ip>] SIZE PIPELINING ...".
func Converse(c Conversation) (Result, error) {
	var res Result
	clientMajor, serverMajor, caps, err := c.check()
	if err != nil {
		return res, err
	}
	L := c.Latency
	var snd, rcv *Session
	if clientMajor > 0 {
		snd, _ = NewSession(c.Client.Server, logs.Send, c.SendConnector, c.SendSessionID, c.Client.endpoint(), c.Server.endpoint())
	}
	// cl logs on the Send side, sv on the Receive side; both are no-ops for a
	// non-Exchange host.
	cl := func(at time.Duration, ev logs.ProtocolEventType, data, ctx string) {
		if snd != nil {
			snd.Add(at, ev, data, ctx)
		}
	}
	sv := func(at time.Duration, ev logs.ProtocolEventType, data, ctx string) {
		if rcv != nil {
			rcv.Add(at, ev, data, ctx)
		}
	}
	finish := func(end time.Duration) (Result, error) {
		if snd != nil {
			res.Send = snd.Events()
		}
		if rcv != nil {
			res.Receive = rcv.Events()
		}
		res.End = end
		return res, nil
	}

	t := c.Start
	if clientMajor >= 15 {
		cl(t, logs.ProtoInfo, "SendRoutingHeaders", "Set Session Permissions")
	}
	cl(t, logs.ProtoInfo, "", "attempting to connect")
	if c.ConnectFailure != 0 {
		wait := 2 * L
		if c.ConnectFailure == WinsockTimedOut && c.ConnectTimeout > 0 {
			wait = c.ConnectTimeout
		}
		t += wait
		cl(t, logs.ProtoInfo, "", FailedToConnect(c.ConnectFailure))
		res.Failure = UnableToConnect
		if c.ConnectFailure == WinsockTimedOut {
			res.Failure = ConnectionTimedOut
		}
		return finish(t)
	}

	// TCP connect: the server sees it after one crossing and greets at once.
	s := t + L
	opened := s // the Receive session's start, in its "receiving message" rows
	if serverMajor > 0 {
		rcv, _ = NewSession(c.Server.Server, logs.Receive, c.ReceiveConnector, c.ReceiveSessionID, c.Server.endpoint(), c.Client.endpoint())
	}
	sv(s, logs.ProtoConnect, "", "")
	banner := Reply{Code: 220, Text: c.Server.FQDN + " ESMTP ready"}
	if serverMajor > 0 {
		banner = Banner(c.Server.FQDN, c.Epoch.Add(s))
	}
	sv(s, logs.ProtoSend, banner.String(), "")
	t += 2 * L
	cl(t, logs.ProtoConnect, "", "")
	cl(t, logs.ProtoReceive, banner.String(), "")

	// EHLO.
	ehlo := "EHLO " + c.Client.FQDN
	cl(t, logs.ProtoSend, ehlo, "")
	s = t + L
	sv(s, logs.ProtoReceive, ehlo, "")
	lines := EHLOLines(c.Server.FQDN, c.Client.IP, caps)
	collapsed := "250  " + c.Server.FQDN + " Hello [" + c.Client.IP + "]"
	for _, cp := range caps {
		collapsed += " " + cp
	}
	sv(s, logs.ProtoSend, collapsed, "")
	t += 2 * L
	for _, l := range lines {
		cl(t, logs.ProtoReceive, l, "")
	}
	if clientMajor > 0 && serverMajor == 0 {
		t, caps = c.playTLSAndAuth(t, caps, cl)
	}
	if c.XProxyFrom != "" {
		cl(t, logs.ProtoSend, c.XProxyFrom, "")
		s = t + L
		sv(s, logs.ProtoReceive, c.XProxyFrom, "")
		sv(s, logs.ProtoSend, XProxyFromAccepted.String(), "")
		t += 2 * L
		cl(t, logs.ProtoReceive, XProxyFromAccepted.String(), "")
	}
	pipelining := Has(caps, "PIPELINING")
	chunking := Has(caps, "CHUNKING")

	for mi, m := range c.Messages {
		if clientMajor >= 15 {
			cl(t, logs.ProtoInfo, "", "sending message with RecordId "+strconv.FormatInt(m.RecordID, 10)+" and InternetMessageId "+m.MessageID)
		} else {
			cl(t, logs.ProtoInfo, strconv.FormatInt(m.RecordID, 10), "sending message")
		}
		mail := "MAIL FROM:<" + m.From + ">"
		if Has(caps, "SIZE") { // RFC 1870: SIZE= only to a server that offered SIZE
			mail += " SIZE=" + strconv.Itoa(m.Size)
		}
		var out Outcome
		// The server's answer to MAIL FROM.
		mailReply := c.mailReply(serverMajor)
		rcptReply := func(i int) Reply { return m.rcptReply(i, serverMajor) }
		// Client sends MAIL (and the RCPTs when pipelining); the server answers each.
		cl(t, logs.ProtoSend, mail, "")
		s = t + L
		sv(s, logs.ProtoReceive, mail, "")
		if d := c.MailDelay; d > 0 {
			sv(s, logs.ProtoInfo, "", TarpitContext(d, c.TarpitReason))
			s += d
		}
		if !mailReply.Positive() {
			if pipelining {
				for _, r := range m.To {
					cl(t, logs.ProtoSend, "RCPT TO:<"+r+">", "")
				}
			}
			sv(s, logs.ProtoSend, mailReply.String(), "")
			sv(s, logs.ProtoDisconnect, "", "Local")
			t += 2*L + c.MailDelay
			cl(t, logs.ProtoReceive, mailReply.String(), "")
			cl(t, logs.ProtoDisconnect, "", "Remote")
			res.Failure = mailReply
			return finish(t)
		}
		sv(s, logs.ProtoInfo, logs.SMTPSourceContext(c.ReceiveSessionID, c.Epoch.Add(opened), mi+1), "receiving message")
		sv(s, logs.ProtoSend, mailReply.String(), "")
		if pipelining {
			for _, r := range m.To {
				cl(t, logs.ProtoSend, "RCPT TO:<"+r+">", "")
			}
			for i, r := range m.To {
				sv(s, logs.ProtoReceive, "RCPT TO:<"+r+">", "")
				sv(s, logs.ProtoSend, rcptReply(i).String(), "")
			}
			t += 2*L + c.MailDelay
			cl(t, logs.ProtoReceive, mailReply.String(), "")
			for i := range m.To {
				out.Rcpt = append(out.Rcpt, rcptReply(i))
				cl(t, logs.ProtoReceive, rcptReply(i).String(), "")
			}
		} else {
			t += 2*L + c.MailDelay
			cl(t, logs.ProtoReceive, mailReply.String(), "")
			for i, r := range m.To {
				cl(t, logs.ProtoSend, "RCPT TO:<"+r+">", "")
				s = t + L
				sv(s, logs.ProtoReceive, "RCPT TO:<"+r+">", "")
				sv(s, logs.ProtoSend, rcptReply(i).String(), "")
				t += 2 * L
				out.Rcpt = append(out.Rcpt, rcptReply(i))
				cl(t, logs.ProtoReceive, rcptReply(i).String(), "")
			}
		}
		accepted := false
		for _, r := range out.Rcpt {
			accepted = accepted || r.Positive()
		}
		if !accepted {
			// Nothing to send: reset the transaction for the next message.
			cl(t, logs.ProtoSend, "RSET", "")
			s = t + L
			sv(s, logs.ProtoReceive, "RSET", "")
			sv(s, logs.ProtoSend, Reply{250, "2.0.0", "Resetting"}.String(), "")
			t += 2 * L
			cl(t, logs.ProtoReceive, Reply{250, "2.0.0", "Resetting"}.String(), "")
			res.Outcomes = append(res.Outcomes, out)
			continue
		}
		if chunking {
			bdat := "BDAT " + strconv.Itoa(m.Size) + " LAST"
			cl(t, logs.ProtoSend, bdat, "")
			s = t + L
			sv(s, logs.ProtoReceive, bdat, "")
		} else {
			cl(t, logs.ProtoSend, "DATA", "")
			s = t + L
			sv(s, logs.ProtoReceive, "DATA", "")
			start := StartMailInput
			if serverMajor == 0 {
				start = Reply{354, "", "End data with <CR><LF>.<CR><LF>"}
			}
			sv(s, logs.ProtoSend, start.String(), "")
			t += 2 * L
			cl(t, logs.ProtoReceive, start.String(), "")
			s = t + L // the message data arrives
		}
		final := c.finalReply(m, serverMajor)
		out.QueuedAt = s
		sv(s+m.AckDelay, logs.ProtoSend, final.String(), "")
		t = s + m.AckDelay + L
		out.Final = final
		out.AckAt = t
		cl(t, logs.ProtoReceive, final.String(), "")
		res.Outcomes = append(res.Outcomes, out)
	}

	// QUIT.
	cl(t, logs.ProtoSend, "QUIT", "")
	s = t + L
	sv(s, logs.ProtoReceive, "QUIT", "")
	bye := ClosingChannel
	if serverMajor == 0 {
		bye = Reply{221, "2.0.0", "Bye"}
	}
	sv(s, logs.ProtoSend, bye.String(), "")
	sv(s, logs.ProtoDisconnect, "", "Local")
	t += 2 * L
	if clientMajor >= 15 {
		cl(t, logs.ProtoDisconnect, "", "Remote")
	} else {
		cl(t, logs.ProtoReceive, bye.String(), "")
		cl(t, logs.ProtoDisconnect, "", "Local")
	}
	return finish(t)
}

// check validates c and returns the two sides' major versions (0: not Exchange) and
// the server's capabilities.
func (c *Conversation) check() (clientMajor, serverMajor int, caps []string, err error) {
	if c.Latency < 0 || c.Start < 0 {
		return 0, 0, nil, errors.New("smtp: negative start or latency")
	}
	if c.Client.Version != "" {
		if clientMajor, err = majorOf(c.Client.Version); err != nil {
			return 0, 0, nil, err
		}
	}
	if c.Server.Version != "" {
		if serverMajor, err = majorOf(c.Server.Version); err != nil {
			return 0, 0, nil, err
		}
	}
	for mi, m := range c.Messages {
		if len(m.RcptReplies) != 0 && len(m.RcptReplies) != len(m.To) {
			return 0, 0, nil, fmt.Errorf("smtp: message %d has %d recipients but %d recipient replies", mi, len(m.To), len(m.RcptReplies))
		}
	}
	caps = c.Server.Caps
	if caps == nil && c.Server.Version != "" {
		caps, _ = capsOf(c.Server.Version)
	}
	switch c.SmartHostAuth {
	case "", AuthNone, AuthBasic, AuthBasicRequireTLS:
	default:
		return 0, 0, nil, fmt.Errorf("smtp: SmartHostAuthMechanism %q is not played (want %s, %s or %s)", c.SmartHostAuth, AuthNone, AuthBasic, AuthBasicRequireTLS)
	}
	if serverMajor == 0 && clientMajor > 0 {
		if (c.RequireTLS || c.SmartHostAuth == AuthBasicRequireTLS) && !Has(caps, "STARTTLS") {
			return 0, 0, nil, fmt.Errorf("smtp: the connector requires TLS but %s does not offer STARTTLS", c.Server.FQDN)
		}
		if c.usesAuth() && !offersAuthLogin(caps) {
			return 0, 0, nil, fmt.Errorf("smtp: the connector authenticates with %s but %s does not offer AUTH LOGIN", c.SmartHostAuth, c.Server.FQDN)
		}
	}
	return clientMajor, serverMajor, caps, nil
}

// mailReply is the server's answer to MAIL FROM.
func (c *Conversation) mailReply(serverMajor int) Reply {
	if c.MailReply != nil {
		return *c.MailReply
	}
	if serverMajor == 0 {
		return Reply{250, "2.1.0", "Ok"}
	}
	return SenderOK
}

// rcptReply is the server's answer to RCPT TO for To[i].
func (m *Message) rcptReply(i, serverMajor int) Reply {
	if m.RcptReplies != nil {
		return m.RcptReplies[i]
	}
	if serverMajor == 0 {
		return Reply{250, "2.1.5", "Ok"}
	}
	return RecipientOK
}

// finalReply is the server's answer to the message data.
func (c *Conversation) finalReply(m Message, serverMajor int) Reply {
	if m.DataReply != nil {
		return *m.DataReply
	}
	if serverMajor == 0 {
		id := uint64(m.InternalID)
		if id == 0 {
			id = RemoteQueueID(m.RecordID)
		}
		return RemoteQueued(id)
	}
	final, _ := Queued(c.Server.Version, m.MessageID, m.InternalID, c.Server.FQDN, Transfer{m.Size, c.Latency + m.AckDelay})
	return final
}

// Timing plays the same session as Converse without building any log row: the
// outcome, failure and end time only, for runs whose journal is off (benchmarks).
func Timing(c Conversation) (Result, error) {
	var res Result
	clientMajor, serverMajor, caps, err := c.check()
	if err != nil {
		return res, err
	}
	L, t := c.Latency, c.Start
	if c.ConnectFailure != 0 {
		wait := 2 * L
		res.Failure = UnableToConnect
		if c.ConnectFailure == WinsockTimedOut {
			res.Failure = ConnectionTimedOut
			if c.ConnectTimeout > 0 {
				wait = c.ConnectTimeout
			}
		}
		res.End = t + wait
		return res, nil
	}
	t += 4 * L // connect and banner, EHLO and its reply
	if clientMajor > 0 && serverMajor == 0 {
		var d time.Duration
		d, caps = c.tlsAndAuthTime(caps)
		t += d
	}
	if c.XProxyFrom != "" {
		t += 2 * L
	}
	pipelining, chunking := Has(caps, "PIPELINING"), Has(caps, "CHUNKING")
	for _, m := range c.Messages {
		mailReply := c.mailReply(serverMajor)
		if !mailReply.Positive() {
			res.Failure = mailReply
			res.End = t + 2*L + c.MailDelay
			return res, nil
		}
		var out Outcome
		accepted := false
		t += 2*L + c.MailDelay // MAIL (and the pipelined RCPTs)
		for i := range m.To {
			if !pipelining {
				t += 2 * L
			}
			r := m.rcptReply(i, serverMajor)
			out.Rcpt = append(out.Rcpt, r)
			accepted = accepted || r.Positive()
		}
		if !accepted {
			t += 2 * L // RSET
			res.Outcomes = append(res.Outcomes, out)
			continue
		}
		if !chunking {
			t += 2 * L // DATA and 354
		}
		s := t + L
		out.QueuedAt = s
		out.Final = c.finalReply(m, serverMajor)
		t = s + m.AckDelay + L
		out.AckAt = t
		res.Outcomes = append(res.Outcomes, out)
	}
	res.End = t + 2*L // QUIT
	return res, nil
}

// TarpitContext is the Receive log's context of a tarpit row, "Tarpit for
// '0.00:00:10' due to 'BackPressure'": the form of a real 2010 row ("Tarpit for
// '0.00:00:00.312' due to 'DelayedAck'", exchange-stress.md 1.1 cites no row for
// back pressure; the form is from a third-party copy of a real log), the span as
// .NET's TimeSpan "g"-like d.hh:mm:ss[.fff].
func TarpitContext(d time.Duration, reason string) string {
	ms := d.Milliseconds()
	span := fmt.Sprintf("%d.%02d:%02d:%02d", ms/86400000, ms/3600000%24, ms/60000%60, ms/1000%60)
	if f := ms % 1000; f != 0 {
		span += fmt.Sprintf(".%03d", f)
	}
	return "Tarpit for '" + span + "' due to '" + reason + "'"
}
