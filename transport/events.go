package transport

import "time"

// This file is transport's journal vocabulary: one type per thing that can happen,
// with the fields a writer needs. Each type's Kind and Narrate are in narrate.go; the
// sentence is rendered from the fields only when a writer prints narration.

// Msg is the message an event is about, by its number in submission order (1, 2, ...).
// Embedded in every per-message event, so writers find the message with [MessageOf].
type Msg struct{ Message int }

// MessageNumber is the event's message number.
func (m Msg) MessageNumber() int { return m.Message }

// MessageOf returns the message number an event is about, or 0 if it is about none.
func MessageOf(p any) int {
	if m, ok := p.(interface{ MessageNumber() int }); ok {
		return m.MessageNumber()
	}
	return 0
}

// ConfigSet: a transport setting changed (Set-TransportConfig, Set-TransportService,
// EdgeTransport.exe.config, a connector's property).
type ConfigSet struct {
	Where, Name, Value string // where it is set (cmdlet or file), the setting, its new value
}

// OutboxWaiting: a mailbox user submitted a message; it waits in the Outbox for the
// submission service.
type OutboxWaiting struct {
	Msg
	From, Service string
}

// InternetSubmitted: an internet sender has a message for the organization and holds it
// until an Exchange server answers 250.
type InternetSubmitted struct {
	Msg
	From string
}

// SubmitInterrupted: the hub that was taking a message from a mailbox's Outbox went away
// (the fault) before it took it; the message is submitted again after Retry.
type SubmitInterrupted struct {
	Msg
	Hub, Fault string
	Retry      time.Duration
}

// NoHubForSubmission: no Hub Transport server can take an Outbox message now.
type NoHubForSubmission struct {
	Msg
	Retry time.Duration
}

// SenderRetry says why an internet sender still holds a message and retries after Retry.
type SenderRetry struct {
	Msg
	Why    SenderRetryReason
	Server string // the server whose session broke or died (none for NoServerAccepted)
	Fault  string // what killed the session (SessionDied)
	Retry  time.Duration
}

// SenderRetryReason is why an internet sender keeps a message.
type SenderRetryReason uint8

const (
	NoServerAccepted SenderRetryReason = iota // every inbound server refused or was unreachable
	SessionBroke                              // the session broke before the data was complete
	SessionDied                               // the session died before the 250
)

// ConnectFailed: the internet sender cannot connect to an inbound server.
type ConnectFailed struct {
	Msg
	Server, Why string
}

// MailFromRefused: an inbound server refused a session at MAIL FROM with Reply: 421
// 4.3.2 Service not active (its transport or front end component not Active), or on
// 2013+ 451 4.7.0 Temporary server error (HubTransport Inactive behind the front end).
type MailFromRefused struct {
	Msg
	Server, Why string
	Reply       string // the SMTP reply as sent; "" in records from before it was kept
}

// AckDelayed: a 2010 hub holds the 250 for a message from a sender without XSHADOW, up to
// MaxAcknowledgementDelay (delayed acknowledgement).
type AckDelayed struct {
	Msg
	Server string
	Delay  time.Duration
}

// Acknowledged: a server answered 250 for a message it had held or had to decide on.
// Immediate acks of 2013+ servers (after their shadow was made) are not journaled.
type Acknowledged struct {
	Msg
	Server string
	Why    AckReason
	Delay  time.Duration // MaxAcknowledgementDelay, for AckDelayExpired
	Skip   string        // DelayedAckSkipping's reason (e.g. "ItemDeferred=...")
	Queue  string        // the queue whose state made the skip, for AckSkipped
}

// AckReason is why a held or pending acknowledgement was sent.
type AckReason uint8

const (
	AckShadowRedundancyDisabled AckReason = iota + 1 // nothing to wait for
	AckDelayZero                                     // MaxAcknowledgementDelay 0 turns delayed ack off
	AckPromotedOnTimeout                             // routed to another hub of the site, then acked
	AckDelayExpired                                  // MaxAcknowledgementDelay ran out
	AckReachedNextHop                                // another copy exists now
	AckSkipped                                       // DelayedAckSkipping: the queue cannot confirm in time
	AckSkippedDeferred                               // DelayedAckSkipping: the next hop deferred it (ItemDeferred)
	AckUnprotected                                   // 2013+: no shadow could be made and it is accepted anyway
)

// Promoted: Shadow Redundancy Promotion routes a message to another hub of the site
// instead of delivering it, so this hub keeps a shadow.
type Promoted struct {
	Msg
	Server, Site string
}

// DirectDelivery: no other hub of the site can take a message that promotion would
// route away; the hub delivers it straight to its destination.
type DirectDelivery struct {
	Msg
	Server, Site, Why string
}

// ShadowMade: a shadow copy of a message exists on a second server.
type ShadowMade struct {
	Msg
	Server  string // the primary's server
	On      string // the shadow server
	XShadow bool   // 2010: the primary relayed it with XSHADOW and keeps the shadow in Queue
	Queue   string // the shadow queue (XShadow)
}

// ShadowFailed: a 2013+ server could not make a shadow of a message.
type ShadowFailed struct {
	Msg
	Server   string
	Rejected bool // RejectMessageOnShadowFailure $true: 451 4.4.0, the sender keeps it
}

// ShadowRemade: the primary learnt its shadow on Lost is gone and made a new one.
type ShadowRemade struct {
	Msg
	Server, Lost string
}

// ShadowDiscarded: a 2010 shadow server learnt from the primary that the message went
// on, and discards its shadow.
type ShadowDiscarded struct {
	Msg
	Server, Primary string
}

// ShadowTakeover: a shadow server takes ownership of its shadow (the primary is gone)
// and resubmits it.
type ShadowTakeover struct {
	Msg
	Server, Why string
}

// HeartbeatMissed: a shadow server cannot reach the primary for the discard status of
// its shadows.
type HeartbeatMissed struct {
	Server, Primary   string
	Shadows           int
	Attempt, Attempts int // this heartbeat, and ShadowHeartbeatRetryCount
}

// LossyFailover: a database failed over and lost what was delivered into it in [From, To].
type LossyFailover struct {
	Database string
	From, To time.Time // wall-clock instants of the lost window
}

// MessageLost: a message-recipient has no copy left anywhere.
type MessageLost struct {
	Msg
	Recipient, Fault string
	Undone           bool // a lossy failover undid its delivery (no Safety Net copy left)
}

// Resubmitted: Safety Net (2013+) or the transport dumpster (2010) redelivers a message
// for a recipient.
type Resubmitted struct {
	Msg
	Server, Recipient string
	Dumpster          bool   // 2010's transport dumpster, not Safety Net
	Why               string // what asked for it (a lossy failover), "" if nothing more
}

// Duplicate: a recipient got a message a second time.
type Duplicate struct {
	Msg
	Recipient string
	Detected  bool // the mailbox's duplicate detection dropped it
}

// SPOFOpened: an acknowledged, undelivered message now exists only on Server.
type SPOFOpened struct {
	Msg
	Server string
}

// SPOFClosed: the message is no longer only on Server (a second copy exists, it was
// delivered, or its last copy is gone); the window lasted Lasted.
type SPOFClosed struct {
	Msg
	Server string
	Lasted time.Duration
}

// Crashed: a server stopped at once; QueueLost when its queue database is gone too.
type Crashed struct {
	Server    string
	QueueLost bool
}

// ServiceCrashed: MSExchangeTransport crashed while processing a message (a poison
// message candidate) and is restarted after Restart.
type ServiceCrashed struct {
	Msg
	Server       string
	Crash, Limit int // this crash, and PoisonThreshold
	Restart      time.Duration
}

// Poisoned: a message crashed the service PoisonThreshold times and is put in the
// poison message queue.
type Poisoned struct {
	Msg
	Server         string
	Crashes, Limit int
	Queue          string
}

// Stopped: a server shut down cleanly.
type Stopped struct{ Server string }

// ServiceStopped: an admin stopped a transport service (Stop-Service, Restart-Service).
type ServiceStopped struct{ Server, Service string }

// ServiceStarted: the Front End Transport service started and picked up its component
// state, or a Mailbox Transport service started (State "": it reads none). The
// Transport service's start is [Started].
type ServiceStarted struct{ Server, Service, State string }

// Started: a server booted or its Transport service started.
type Started struct {
	Server     string
	Transport  bool   // the server runs a transport service (else: it just started)
	NewQueueDB bool   // its queue database was lost: a new, empty one
	DatabaseID int    // the queue database ID
	Reloaded   int    // queued messages reloaded from a kept queue database
	State      string // the HubTransport state it picked up
}

// NetworkChanged: reachability between servers changed.
type NetworkChanged struct{}

// QueueEvent: a queue's status changed, by itself or by a queue cmdlet.
type QueueEvent struct {
	Op                 QueueOp
	Identity, Status   string
	LastError          string // QueueToRetry
	DeliveryType, Next string // QueueToRetry: DeliveryType and NextHopDomain
}

// QueueOp is what happened to a queue.
type QueueOp uint8

const (
	QueueToRetry   QueueOp = iota // the queue went to Retry
	QueueRetried                  // Retry-Queue
	QueueSuspended                // Suspend-Queue
	QueueResumed                  // Resume-Queue
)

// MessageDeferred: a 2013+ next hop answered one message with a transient error
// (451 4.4.0 ...) in a session that went well; only that message waits.
type MessageDeferred struct {
	Msg
	Peer, Status, Queue string
	Wait                time.Duration // MessageRetryInterval
}

// DeliveryDeferred: delivery into a mailbox database is deferred.
type DeliveryDeferred struct {
	Msg
	Database, Status, Queue string
}

// DelayDSN: a message waited longer than DelayNotificationTimeout; its sender is told.
type DelayDSN struct {
	Msg
	Server string
	Delay  time.Duration
}

// Expired: a message expired after MessageExpirationTimeout; the sender gets an NDR.
type Expired struct {
	Msg
	Server, Queue, Status string
	Timeout               time.Duration
}

// QueueDelivered: a hub delivered Count messages from a queue into a mailbox database.
type QueueDelivered struct {
	Server, Queue, Database, Active string
	Count                           int
}

// Redirected: Redirect-Message handed a server's queued messages to Target.
type Redirected struct {
	Server, Target string
	Count          int
}

// Proxied: the Front End Transport service on FrontEnd proxied the message to the
// Transport service of BackEnd, which has its data (exchange-2013-pipeline.md 1.5).
// Not narrated: FrontEndRelayed tells the hop once the back end answered.
type Proxied struct {
	Msg
	FrontEnd, BackEnd string
}

// ProxyAttemptFailed: FrontEnd's proxy hop to BackEnd failed (Why); FET fails over to
// its next destination.
type ProxyAttemptFailed struct {
	Msg
	FrontEnd, BackEnd, Why string
}

// ProxyRefused: the Front End Transport service on FrontEnd found no Transport service
// to take the message and answered the data with Reply (451 4.7.0 ... PRXn).
type ProxyRefused struct {
	Msg
	FrontEnd, Reply, Why string
}

// FrontEndRelayed: BackEnd answered 250 (after making its shadow) and FrontEnd gave
// that reply to the internet sender. Detour says why the message did not go to the
// front end's own Transport service or its first destination ("" when nothing stood
// in the way: then it is not narrated, so a busy run's narration and page stay small).
type FrontEndRelayed struct {
	Msg
	FrontEnd, BackEnd, Detour string
}
