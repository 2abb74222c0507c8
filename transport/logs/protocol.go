package logs

import "time"

// ProtocolEventType is the event column of an SMTP protocol log.
type ProtocolEventType string

// The five protocol log event symbols (PL-2016).
const (
	ProtoConnect    ProtocolEventType = "+" // the TCP connection opened
	ProtoDisconnect ProtocolEventType = "-" // it closed; context says who closed it (Local/Remote)
	ProtoSend       ProtocolEventType = ">" // the logging server sent a line
	ProtoReceive    ProtocolEventType = "<" // the logging server received a line
	ProtoInfo       ProtocolEventType = "*" // information, nothing on the wire
)

// Protocol log kinds: the side of the session a log is written by.
const (
	Send    = "Send"    // SmtpSend: the logging server is the client
	Receive = "Receive" // SmtpReceive: the logging server is the server
)

// The 2013+ services that keep their own protocol logs (exchange-2013-pipeline.md 4.1).
const (
	FrontEnd        = "FrontEnd"        // Front End Transport
	Hub             = "Hub"             // the Transport service
	MailboxDelivery = "MailboxDelivery" // Mailbox Transport Delivery
)

// ProtocolEvent is one row of an SMTP Send or Receive protocol log, plus the simulated
// instant and the server whose log holds it.
type ProtocolEvent struct {
	At     time.Duration // date-time, as a simulated instant
	Server string        // the server whose log this row is in (not a column)
	Log    string        // Send or Receive: which log of Server (not a column)
	// Service is the 2013+ service whose log holds the row (not a column): FrontEnd,
	// Hub or MailboxDelivery; "" is Hub. Exchange 2010 has one log per server.
	Service string

	ConnectorID    string // Send connector name, or "<Server>\<Receive connector>"
	SessionID      string // 16 upper-case hex digits, constant for the session
	SequenceNumber int    // 0, 1, 2, ... within the session
	LocalEndpoint  string // "ip:port" of the logging server, empty before connecting
	RemoteEndpoint string // "ip:port" of the other side
	Event          ProtocolEventType
	Data           string
	Context        string
}

// Kind makes a protocol log row a journal payload ([KindProtocol]); it is not narrated.
func (ProtocolEvent) Kind() string { return KindProtocol }

// Narrate is empty: a log row is written to its log, not told.
func (ProtocolEvent) Narrate() string { return "" }
