package transport

import (
	"time"
)

// Version is a server's behaviour profile.
type Version string

// The profiles. Exchange2010SP2 and SP3 behave as SP1 (the transport facts modelled
// here did not change after SP1). ExchangeSE, Subscription Edition (RTM 15.2.2562.17,
// July 2025), behaves as 2019: its RTM is 2019 CU15's code, and no transport or DAG
// difference is documented (exchange-2013-pipeline.md section 3); only its version
// strings differ.
const (
	Exchange2010    Version = "Exchange2010"
	Exchange2010SP1 Version = "Exchange2010SP1"
	Exchange2010SP2 Version = "Exchange2010SP2"
	Exchange2010SP3 Version = "Exchange2010SP3"
	Exchange2013    Version = "Exchange2013"
	Exchange2016    Version = "Exchange2016"
	Exchange2019    Version = "Exchange2019"
	ExchangeSE      Version = "ExchangeSE"
)

// Is2010 reports whether v is an Exchange 2010 profile (Hub Transport role, delayed
// acknowledgement, XSHADOW).
func (v Version) Is2010() bool {
	return v == Exchange2010 || v.sp1()
}

// sp1 reports whether v has the Exchange 2010 SP1 changes (promotion, 15 min x 12
// heartbeat).
func (v Version) sp1() bool {
	return v == Exchange2010SP1 || v == Exchange2010SP2 || v == Exchange2010SP3
}

func (v Version) valid() bool {
	switch v {
	case Exchange2010, Exchange2010SP1, Exchange2010SP2, Exchange2010SP3, Exchange2013, Exchange2016, Exchange2019, ExchangeSE:
		return true
	}
	return false
}

// ServerSpec describes one Exchange server.
type ServerSpec struct {
	Name, Site string
	Version    Version
	Roles      []string // "Mailbox", "HubTransport", "ClientAccess"
	DAG        string
}

// Connector is a send connector.
type Connector struct {
	Name          string
	AddressSpaces []string
	SourceServers []string
	SmartHost     string   // one host, or a comma list (as NextHopDomain shows it)
	SmartHosts    []string // several smart hosts, in order (smarthost.go); wins over SmartHost
	// MaxMessageSize in bytes (size.go); 0: the version's default; math.MaxInt64: unlimited.
	MaxMessageSize int64
	// FrontendProxyEnabled sends the connector's mail through a Front End Transport
	// service (2013+, "Proxy through client access server"; frontend.go).
	FrontendProxyEnabled bool
	// RequireTLS and SmartHostAuthMechanism (None, BasicAuth, BasicAuthRequireTLS)
	// are Set-SendConnector's: the session to a smart host then starts TLS and
	// authenticates (transport/smtp tls.go); its hosts must offer STARTTLS and AUTH
	// LOGIN (HostCapabilities).
	RequireTLS             bool
	SmartHostAuthMechanism string
	// IgnoreSTARTTLS: no opportunistic TLS with a host that offers STARTTLS.
	IgnoreSTARTTLS bool
}

// The load balancer methods a Topology may give (Citrix NetScaler's ROUNDROBIN,
// LEASTCONNECTION and SOURCEIP persistence, the ones most load balancers offer):
//   - LBRoundRobin: each new connection goes to the next server in turn.
//   - LBLeastConnections: to the server with the fewest open SMTP sessions from the
//     load balancer; ties go to the next in turn, as round robin would.
//   - LBSourceIPAffinity: a source (exsim: the sender's domain, standing for its
//     MTA's address) sticks to the server it first went to, chosen in turn, while
//     that server is up.
//
// The health probe skips servers that are down with every method.
const (
	LBRoundRobin       = "roundRobin"
	LBLeastConnections = "leastConnections"
	LBSourceIPAffinity = "sourceIPAffinity"
)

// LBPolicies lists the load balancer methods.
var LBPolicies = []string{LBRoundRobin, LBLeastConnections, LBSourceIPAffinity}

// Mailbox is a mailbox recipient and the database that holds it.
type Mailbox struct{ Address, Database string }

// Topology is the organization transport runs in.
type Topology struct {
	Servers             []ServerSpec
	Mailboxes           []Mailbox
	Connectors          []Connector
	Inbound             []string
	InboundLoadBalanced bool // a load balancer in front of Inbound, with InboundPolicy
	// InboundPolicy is the load balancer's method: LBRoundRobin ("" too),
	// LBLeastConnections or LBSourceIPAffinity.
	InboundPolicy string
	SenderRetry   time.Duration // internet sender retry interval (default 15m, for up to 5 days)
	// MX holds the MX records of external domains (lower-case names) for DNS routing
	// (smarthost.go); a domain without records is delivered to "mx.<domain>".
	MX map[string][]MX
	// ARecord: external domains the scenario lists without MX records, and whether
	// the domain name has an A record (true: mail goes to that host, the implicit MX;
	// false: the domain does not resolve and its mail is returned with
	// SMTPSEND.DNS.NonExistentDomain). smarthost.go.
	ARecord map[string]bool
	// HostCapabilities are the EHLO capabilities an external host offers, by
	// lower-case name; a host not listed offers smtp.InternetHostCaps.
	HostCapabilities map[string][]string
	Latency          time.Duration // one SMTP hop (default 50ms)
	// ProtocolLogEverything makes every connector log its sessions, whatever its
	// ProtocolLoggingLevel (model tests that read protocol rows); off, each connector
	// logs at its product default or its Set-*Connector level (protolevel.go).
	ProtocolLogEverything bool
	// Sites are the AD sites' Exchange settings and SiteLinks the IP site links
	// (adsites.go); a site named only by its servers takes the defaults, and no links
	// means DEFAULTIPSITELINK holding every site at cost 100.
	Sites     []SiteSpec
	SiteLinks []SiteLink
}

// Env is how the rest of the world (databases, component states, the network) reaches
// transport. Nil functions take the documented defaults.
type Env struct {
	// ActiveCopy names the server holding db's active copy and whether it is mounted.
	// Nil: every database is mounted on the first Mailbox server.
	ActiveCopy func(db string) (server string, mounted bool)
	// Committed is told that a delivery wrote into db's active copy now.
	Committed func(db string)
	// ServiceStarted returns the component state a service picks up when it starts:
	// "Active", "Draining" or "Inactive" (nil: Active).
	ServiceStarted func(server, service string) string
	// Reachable reports whether a and b can talk; "internet" is the outside world (nil: all).
	Reachable func(a, b string) bool
}

// Param is one cmdlet parameter, as text.
type Param struct{ Name, Value string }

// Message is one message to submit.
type Message struct {
	From    string
	To      []string
	Subject string
	Size    int
	Origin  string // a server for probes; "" = by sender (a mailbox's Outbox, else the internet)
	// Poison makes the message crash the transport service of every server whose
	// categorizer processes it (a message that trips a bug): exsim's way to produce a
	// poison message. After PoisonThreshold crashes it goes to the server's Poison queue.
	Poison bool
}

// QueueInfo is one Get-Queue row.
type QueueInfo struct {
	Identity        string
	DeliveryType    string
	Status          string
	MessageCount    int
	NextHopDomain   string
	NextHopCategory string
	LastError       string
	RetryCount      int
	// DeferredMessageCount: messages waiting out a per-message retry
	// (MessageRetryInterval) after a 4xx for that message alone.
	DeferredMessageCount int
	FirstRetryTime       time.Time // zero: none
	LastRetryTime        time.Time
	NextRetryTime        time.Time
	Velocity             float64
}

// FateKind says how a (message, recipient) ended.
type FateKind string

// Fates.
const (
	Delivered FateKind = "Delivered"
	Bounced   FateKind = "Bounced"
	Lost      FateKind = "Lost"
	Stuck     FateKind = "Stuck"
)

// Fate is the end of one (message, recipient).
type Fate struct {
	Message   int
	Recipient string
	Fate      FateKind
	Latency   time.Duration // submission to first delivery (Delivered) or to the NDR (Bounced)
	Reason    string        // Bounced: the NDR status; Lost: the fault; Stuck: where and why
	Server    string        // Lost: the server that destroyed the last copy; Stuck: where it sits
	// Duplicates: extra copies that reached the recipient. A mailbox's duplicate
	// detection drops them (DuplicatesDetected); an external recipient sees them
	// (DuplicatesDelivered).
	DuplicatesDetected, DuplicatesDelivered int
}

// SPOFWindow is an interval in which an acknowledged, undelivered message had copies on
// exactly one server.
type SPOFWindow struct {
	Message  int
	Server   string
	From, To time.Duration
}

// Verdict is the ledger's judgement of a run.
type Verdict struct {
	Fates                           []Fate
	Delivered, Bounced, Lost, Stuck int
	Duplicates                      int // duplicates an end user sees (external recipients)
	DuplicatesDetected              int // duplicates a mailbox's duplicate detection dropped
	DSNs                            int // delay DSNs and NDRs Exchange generated
	SPOF                            []SPOFWindow
	ExposureSeconds                 float64
	PeakExposed                     int
	MostExposedServer               string
}

// ServerFQDN is the fully qualified name of a server as the shell shows it (e.g.
// Get-ServerComponentState's Server): its name in the organization's first accepted
// domain, the one its SMTP banner and logs use. An unknown server gives "".
func (o *Org) ServerFQDN(name string) string {
	srv, err := o.server(name)
	if err != nil {
		return ""
	}
	return o.fqdn(srv)
}
