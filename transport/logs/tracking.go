package logs

import "time"

// EventID is a message tracking event-id, spelt as Exchange writes it.
type EventID string

// Event IDs documented for Exchange 2007/2010 and 2013+ (MT-2016). The transport model
// picks the ones its version logs; this package does not forbid any per version.
const (
	EventAgentInfo          EventID = "AGENTINFO"
	EventBadmail            EventID = "BADMAIL"
	EventClientSubmission   EventID = "CLIENTSUBMISSION"
	EventDefer              EventID = "DEFER"
	EventDeliver            EventID = "DELIVER"
	EventDeliverFail        EventID = "DELIVERFAIL"
	EventDrop               EventID = "DROP"
	EventDSN                EventID = "DSN"
	EventDuplicateDeliver   EventID = "DUPLICATEDELIVER"
	EventDuplicateExpand    EventID = "DUPLICATEEXPAND"
	EventDuplicateRedirect  EventID = "DUPLICATEREDIRECT"
	EventExpand             EventID = "EXPAND"
	EventFail               EventID = "FAIL"
	EventHADiscard          EventID = "HADISCARD"
	EventHAReceive          EventID = "HARECEIVE"
	EventHARedirect         EventID = "HAREDIRECT"
	EventHARedirectFail     EventID = "HAREDIRECTFAIL"
	EventInitMessageCreated EventID = "INITMESSAGECREATED"
	EventLoad               EventID = "LOAD"
	EventNotifyMAPI         EventID = "NOTIFYMAPI"
	EventNotifyShadow       EventID = "NOTIFYSHADOW"
	EventPoisonMessage      EventID = "POISONMESSAGE"
	EventProcess            EventID = "PROCESS"
	EventReceive            EventID = "RECEIVE"
	EventRedirect           EventID = "REDIRECT"
	EventResolve            EventID = "RESOLVE"
	EventResubmit           EventID = "RESUBMIT"
	EventResubmitDefer      EventID = "RESUBMITDEFER"
	EventResubmitFail       EventID = "RESUBMITFAIL"
	EventSend               EventID = "SEND"
	EventSubmit             EventID = "SUBMIT"
	EventSubmitDefer        EventID = "SUBMITDEFER"
	EventSubmitFail         EventID = "SUBMITFAIL"
	EventSuppressed         EventID = "SUPPRESSED"
	EventThrottle           EventID = "THROTTLE"
	EventTransfer           EventID = "TRANSFER"
)

// Source is a message tracking source: the transport component that logged the event.
type Source string

// Source values documented in MT-2016.
const (
	SourceAdmin                   Source = "ADMIN"
	SourceAgent                   Source = "AGENT"
	SourceApproval                Source = "APPROVAL"
	SourceBootloader              Source = "BOOTLOADER"
	SourceDNS                     Source = "DNS"
	SourceDSN                     Source = "DSN"
	SourceGateway                 Source = "GATEWAY"
	SourceMailboxRule             Source = "MAILBOXRULE"
	SourceMeetingMessageProcessor Source = "MEETINGMESSAGEPROCESSOR"
	SourceORAR                    Source = "ORAR"
	SourcePickup                  Source = "PICKUP"
	SourcePoisonMessage           Source = "POISONMESSAGE"
	SourcePublicFolder            Source = "PUBLICFOLDER"
	SourceQueue                   Source = "QUEUE"
	SourceRedundancy              Source = "REDUNDANCY"
	SourceRouting                 Source = "ROUTING"
	SourceSafetyNet               Source = "SAFETYNET"
	SourceSMTP                    Source = "SMTP"
	SourceStoreDriver             Source = "STOREDRIVER"
)

// Directionality values of the directionality column.
const (
	Incoming    = "Incoming"
	Originating = "Originating"
	Undefined   = "Undefined"
)

// TrackingEvent is one row of a message tracking log: one field per #Fields column,
// plus the simulated instant and the server whose log holds it.
//
// Multi-valued columns (recipient-address, recipient-status) are slices written
// ';'-joined in the same order. A zero InternalMessageID, TotalBytes or RecipientCount
// is written as an empty field, as a real Exchange 2010 NOTIFYMAPI row shows them.
type TrackingEvent struct {
	At      time.Duration // date-time, as a simulated instant
	Server  string        // the server whose log this row is in (not a column)
	Message int           // exsim's number of the message, 1, 2, ... (not a column)

	ClientIP                string
	ClientHostname          string
	ServerIP                string
	ServerHostname          string
	SourceContext           string
	ConnectorID             string
	Source                  Source
	EventID                 EventID
	InternalMessageID       int64 // per server: differs on every hop
	MessageID               string
	NetworkMessageID        string // 2013+ only (not in the 2010 #Fields)
	Recipients              []string
	RecipientStatus         []string
	TotalBytes              int
	RecipientCount          int
	RelatedRecipientAddress string
	Reference               string
	MessageSubject          string
	Sender                  string
	ReturnPath              string
	MessageInfo             string
	Directionality          string
	TenantID                string
	OriginalClientIP        string
	OriginalServerIP        string
	CustomData              string
	TransportTrafficType    string // 2016+ only
	LogID                   string // 2016+ only
	SchemaVersion           string // 2016+ only
}

// Kind makes a tracking row a journal payload ([KindTracking]); it is not narrated.
func (TrackingEvent) Kind() string { return KindTracking }

// Narrate is empty: a log row is written to its log, not told.
func (TrackingEvent) Narrate() string { return "" }

// MessageNumber is the row's message number, for writers that follow a message.
func (e TrackingEvent) MessageNumber() int { return e.Message }
