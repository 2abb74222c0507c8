package format

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
)

// Limits that stop runaway input at load time, before anything is simulated.
const (
	// MaxDuration is the longest simulated time a scenario may ask for.
	MaxDuration = 30 * 24 * time.Hour
	// MaxMessages bounds the messages a scenario's traffic may submit (for Poisson
	// traffic, the expected count perHour × window); a message to several
	// recipients counts once.
	MaxMessages = 1_000_000
	// MaxEvents is the default event budget of a run: a scenario that could not fit
	// it is refused at load.
	MaxEvents = 50_000_000
)

// Defaults from scenario-format.md.
const (
	DefaultSeed        uint64        = 1
	DefaultLatency     time.Duration = 50 * time.Millisecond
	DefaultSenderRetry time.Duration = 15 * time.Minute
	// DefaultSite is the site servers are in when the topology names none: the
	// name Active Directory gives the first site of every forest.
	DefaultSite = "Default-First-Site-Name"
)

// DefaultMessageSize is the size of every traffic message, in bytes (the format has
// no size): a short text message with its headers, about what the seed 003 session
// carried (SIZE=6147).
const DefaultMessageSize = 6144

// DefaultStart is the simulated wall clock at t=0 when the scenario sets no start.
var DefaultStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Versions are the behaviour profiles a server may run (design.md).
var Versions = []string{"Exchange2010", "Exchange2010SP1", "Exchange2010SP2", "Exchange2010SP3", "Exchange2013", "Exchange2016", "Exchange2019", "ExchangeSE"}

// Is2010 reports whether v is an Exchange 2010 profile (Hub Transport role, no
// component states).
func Is2010(v string) bool {
	return versionIndex(v) >= 0 && versionIndex(v) < versionIndex("Exchange2013")
}

// Pos is a position in the scenario file (1-based line and column; zero when the
// value was not written in the file but defaulted).
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Scenario is one loaded and checked scenario file. Every name reference in it has
// been resolved (case-insensitively, as Exchange does) and rewritten to the spelling
// of its declaration, so consumers may compare names with ==.
type Scenario struct {
	File        string // the file name errors are reported against
	Name        string
	Description string
	Version     string // default profile of every server ("" if every server sets its own)
	Start       time.Time
	Duration    time.Duration
	Seed        uint64

	Topology            Topology
	Config              []Command         // cmdlets applied before t=0, in order
	EdgeTransportConfig map[string]string // appSettings; values as written ("false")
	EdgePos             map[string]Pos    // position of each EdgeTransportConfig key
	Traffic             []Traffic
	Steps               []Step
	Monitors            []Monitor
	Expect              Expect

	expectedMessages float64 // what the traffic submits (Poisson: expected), for the event budget
	names            *loader // the loader's name tables, for commands bound after loading
}

// Errorf formats a semantic error at pos as "file:line:col: message", the form
// every load error has, for checks done after loading (e.g. by the runner).
func (s *Scenario) Errorf(pos Pos, format string, args ...any) error {
	return &Error{File: s.File, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Error is a scenario error with its position.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Topology is the organization: sites, servers, DAGs, databases, mailboxes,
// connectors and the internet edge.
type Topology struct {
	Pos            Pos
	Sites          []string
	SitePos        []Pos
	ADSites        []ADSiteSpec   // the declared sites' Exchange settings, as Sites (adsites.go)
	SiteLinks      []SiteLinkSpec // IP site links; none: DEFAULTIPSITELINK
	Servers        []ServerSpec
	DAGs           []DAGSpec
	Databases      []DatabaseSpec
	Mailboxes      []Mailbox
	SendConnectors []SendConnector
	Internet       Internet
	Latency        time.Duration // one SMTP hop inside the organization
}

// ServerSpec is one Exchange server.
type ServerSpec struct {
	Pos     Pos
	Name    string
	Site    string   // resolved; DefaultSite when the topology has no sites
	Roles   []string // Mailbox, HubTransport, ClientAccess
	Version string   // resolved: the server's own or the scenario's
}

// HasRole reports whether the server has the role (case-insensitive).
func (s ServerSpec) HasRole(role string) bool {
	for _, r := range s.Roles {
		if strings.EqualFold(r, role) {
			return true
		}
	}
	return false
}

// Transport reports whether the server runs the Transport service: a Hub Transport
// server in 2010, a Mailbox server from 2013 on.
func (s ServerSpec) Transport() bool {
	if Is2010(s.Version) {
		return s.HasRole("HubTransport")
	}
	return s.HasRole("Mailbox")
}

// DAGSpec is a database availability group (at most 16 members, each a Mailbox
// server in no other DAG).
//
// Witness is the file share witness's server, required when the member count
// is even. The format says it is not one of the servers; we refuse only a
// witness that is a member of the DAG (Exchange refuses that too) and allow
// another declared server, since a Hub or CAS server commonly holds the witness
// share. It may be named in a partition fault.
type DAGSpec struct {
	Pos     Pos
	Name    string
	Members []string
	Witness string // "" allowed when the member count is odd (then it is unused)
	// WitnessSite is the witness's AD site: written as {server, site}, the site of
	// a declared witness server, else the site of the first member.
	WitnessSite string
	// AlternateWitness (and its site, placed the same way) is the witness
	// Restore-DatabaseAvailabilityGroup switches to; "" none.
	AlternateWitness, AlternateWitnessSite string
	// DatacenterActivationMode is one of DACModes; "" is Off.
	DatacenterActivationMode string
	// SeedingMBps is the throughput of a seed in MB/s (0: dag.DefaultSeedingMBps).
	SeedingMBps float64
	// AutoReseedSpares is the spare disks of each member AutoReseed may use (0:
	// AutoReseed's volumes are not configured, so it does nothing).
	AutoReseedSpares int
}

// DatabaseSpec is a mailbox database; Copies are in activation preference order and
// copy 1 is mounted at t=0.
type DatabaseSpec struct {
	Pos    Pos
	Name   string
	Copies []string
	SizeGB float64 // for seeding time (0: dag.DefaultDatabaseSize)
}

// Mailbox is a recipient in one database.
type Mailbox struct {
	Pos      Pos
	Address  string
	Database string
}

// SendConnector routes mail for its address spaces from its source servers.
type SendConnector struct {
	Pos           Pos
	Name          string
	AddressSpaces []string
	SourceServers []string
	SmartHost     string
	SmartHosts    []string // several smart hosts, in order (wins over SmartHost)
	// MaxMessageSize in bytes; 0: the version's default; Unlimited: none.
	MaxMessageSize int64
	// FrontendProxyEnabled: the connector's mail goes out through a Front End
	// Transport service (2013+).
	FrontendProxyEnabled bool
	// RequireTLS and SmartHostAuthMechanism (None, BasicAuth, BasicAuthRequireTLS)
	// are Set-SendConnector's; a smart-host connector only, whose hosts offer
	// STARTTLS (and AUTH LOGIN to authenticate).
	RequireTLS             bool
	SmartHostAuthMechanism string
	IgnoreSTARTTLS         bool // no opportunistic TLS (Set-SendConnector -IgnoreSTARTTLS)
}

// Unlimited is a size limit's "unlimited".
const Unlimited = int64(1<<63 - 1)

// Internet is the organization's internet edge.
type Internet struct {
	Pos         Pos
	Inbound     Inbound
	SenderRetry time.Duration    // default 15m; an internet sender retries for up to 5 days
	Domains     []ExternalDomain // external domains with MX records, in file order
	Hosts       []ExternalHost   // external hosts' EHLO capabilities, in file order
}

// ExternalHost is a smart host or MX host whose EHLO capabilities the scenario gives
// (internet.hosts); a host not listed offers "SIZE 36700160" and PIPELINING.
type ExternalHost struct {
	Pos          Pos
	Name         string // as the topology names it
	Capabilities []string
}

// ExternalDomain is an internet domain whose MX records the scenario gives (DNS
// routing: lower preference first, equal preferences balanced).
type ExternalDomain struct {
	Pos  Pos
	Name string // lower case
	MX   []MXRecord
	// ASet: the domain is given with a: instead of MX records; A: it has an A record
	// (mail goes to the domain's own host, the implicit MX), else it does not resolve.
	A, ASet bool
}

// MXRecord is one MX record, written "HOST PREFERENCE".
type MXRecord struct {
	Pos        Pos
	Host       string
	Preference int
}

// ExternalHosts lists the smart hosts and MX hosts of the topology (the names the
// down, refuse and up faults take), in the order the file names them.
func (t *Topology) ExternalHosts() []string {
	var out []string
	add := func(h string) {
		for _, x := range out {
			if strings.EqualFold(x, h) {
				return
			}
		}
		out = append(out, h)
	}
	for _, c := range t.SendConnectors {
		for _, h := range c.Hosts() {
			add(h)
		}
	}
	for _, d := range t.Internet.Domains {
		for _, r := range d.MX {
			add(r.Host)
		}
		if d.A {
			add(d.Name) // the implicit MX
		}
	}
	return out
}

// DefaultHostCapabilities are what an external host the scenario does not describe
// offers: the seed's smart host's "SIZE 36700160" and PIPELINING
// (transport/smtp.InternetHostCaps).
var DefaultHostCapabilities = []string{"SIZE 36700160", "PIPELINING"}

// HostCapabilities are the EHLO capabilities of external host name: its
// internet.hosts entry, or DefaultHostCapabilities.
func (in *Internet) HostCapabilities(name string) []string {
	for _, h := range in.Hosts {
		if strings.EqualFold(h.Name, name) {
			return h.Capabilities
		}
	}
	return DefaultHostCapabilities
}

// Hosts lists the connector's smart hosts: SmartHosts, or SmartHost's comma list.
func (c SendConnector) Hosts() []string {
	if len(c.SmartHosts) > 0 {
		return c.SmartHosts
	}
	var out []string
	for _, h := range strings.Split(c.SmartHost, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// Inbound names the servers that take mail from the internet: either a plain list
// (senders pick from it) or a load balancer with a policy (LBPolicies).
type Inbound struct {
	Pos          Pos
	Servers      []string
	LoadBalancer bool   // written as {loadBalancer: [...], policy: ...}
	Policy       string // one of LBPolicies when LoadBalancer ("roundRobin" by default)
}

// Command is one cmdlet line of `config`, parsed.
type Command struct {
	Pos      Pos // of the line's value; cmdlet offsets are relative to it
	Text     string
	Pipeline cmdlet.Pipeline
}

// Traffic is one traffic entry: a single message, Count messages Every apart, or a
// Poisson stream of PerHour messages between Start and Until.
type Traffic struct {
	Pos     Pos
	At      time.Duration
	From    string
	To      []string // "*@domain" picks a mailbox of the domain (or an address there)
	Count   int      // 1 unless given
	Every   time.Duration
	Subject string
	PerHour float64       // > 0 for a Poisson stream
	Start   time.Duration // Poisson window start (default 0)
	Until   time.Duration // Poisson window end (default the scenario duration)
	Size    int64         // bytes of each message (0: DefaultMessageSize)
	Sizes   []int64       // size: [a, b, ...]: each message takes one of them, drawn uniformly
}

// Poisson reports whether the entry is a Poisson stream.
func (t Traffic) Poisson() bool { return t.PerHour > 0 }

// Step is an admin action (Run) or a fault (Fault) at a simulated instant.
// Byte offsets in Run (cmdlet.Command.Pos, Arg.Pos, Value.Pos) are relative to
// Text, which starts at TextPos in the file (after an opening quote; for a block
// scalar, at its indicator).
type Step struct {
	Pos     Pos
	At      time.Duration
	On      string // server the cmdlet runs on ("" when not given)
	Text    string // the run or fault line as written
	TextPos Pos    // position of that value in the file
	Run     cmdlet.Pipeline
	Fault   *fault.Fault
	Script  *ScriptStep // an admin's script (Text is its path)
	// ID names the step for others' After; After lists the ids of the steps this
	// one must follow when a plan search (exsim plan --safest) reorders the plan.
	ID       string
	After    []string
	afterPos []Pos
}

// Monitor is a SCOM-style monitor: kind "mailflow" (From sends a probe to To every
// Every; a probe later than LatencyThreshold alerts) or "heartbeat" (Servers miss
// Missed heartbeats Every apart: alert).
type Monitor struct {
	Pos              Pos
	Kind             string
	From, To         string
	Servers          []string
	Every            time.Duration
	LatencyThreshold time.Duration
	Missed           int
}

// Expect is what a run must show. Nil fields are not checked. When the file has
// no expect, Implicit is set and Lost and Duplicates are "== 0".
type Expect struct {
	Pos        Pos
	Implicit   bool
	Delivered  *Compare
	Lost       *Compare
	Duplicates *Compare
	Bounced    *Compare
	SPOF       *SPOFExpect
	MaxLatency *time.Duration
	Alerts     []AlertExpect
	Tracking   []TrackingExpect
	Queues     []QueueExpect
	States     []StateExpect
}

// SPOFExpect bounds the single-point-of-failure windows.
type SPOFExpect struct {
	Pos         Pos
	Windows     *Compare
	MaxExposure *time.Duration // longest single window, at most
}

// AlertExpect is the number of alerts a monitor kind raised.
type AlertExpect struct {
	Pos     Pos
	Monitor string
	Count   Compare
}

// TrackingExpect is every message tracking event of one message, "SERVER EVENTID".
type TrackingExpect struct {
	Pos     Pos
	Message int
	Events  []string
}

// QueueExpect is a Get-Queue row at an instant.
type QueueExpect struct {
	Pos          Pos
	At           time.Duration
	Queue        string
	Status       string // "" = not checked
	MessageCount *Compare
}

// StateExpect is a server component's state at an instant.
type StateExpect struct {
	Pos       Pos
	At        time.Duration
	Server    string
	Component string
	State     string
}

// Compare is an expectation on a number: "== 2" when written as 2, or a
// comparison written as a string: ">0", ">=1", "<5", "<=5", "==3", "!=0".
type Compare struct {
	Op    string // one of ==, !=, <, <=, >, >=
	Value float64
}

// ParseCompare parses "2", ">0", "<= 5".
func ParseCompare(s string) (Compare, error) {
	t := strings.TrimSpace(s)
	op := "=="
	for _, o := range []string{"<=", ">=", "==", "!=", "<", ">", "="} {
		if strings.HasPrefix(t, o) {
			op, t = o, strings.TrimSpace(t[len(o):])
			break
		}
	}
	if op == "=" {
		op = "=="
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v != v {
		return Compare{}, fmt.Errorf("invalid comparison %q (want a number or a string like \">0\" or \"<=5\")", s)
	}
	return Compare{Op: op, Value: v}, nil
}

// Holds reports whether v satisfies the comparison.
func (c Compare) Holds(v float64) bool {
	switch c.Op {
	case "!=":
		return v != c.Value
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case ">":
		return v > c.Value
	case ">=":
		return v >= c.Value
	default:
		return v == c.Value
	}
}

func (c Compare) String() string {
	return c.Op + strconv.FormatFloat(c.Value, 'g', -1, 64)
}

// ReadsTracking reports whether the scenario itself reads message tracking rows: a
// Get-MessageTrackingLog step or a tracking expectation.
func (s *Scenario) ReadsTracking() bool {
	if len(s.Expect.Tracking) > 0 {
		return true
	}
	for _, st := range s.Steps {
		for _, c := range st.Run {
			if strings.EqualFold(c.Name, "Get-MessageTrackingLog") {
				return true
			}
		}
	}
	return false
}

// LBPolicies are the load balancer methods an inbound load balancer may use (the
// format's names of transport.LBRoundRobin, LBLeastConnections, LBSourceIPAffinity).
var LBPolicies = []string{"roundRobin", "leastConnections", "sourceIPAffinity"}
