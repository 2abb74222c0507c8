package transport

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// Event kinds for the running hash.
const (
	kindSession sim.Kind = 100 + iota
	kindAck
	kindAckTimeout
	kindAttempt
	kindRetry
	kindHeartbeat
	kindSenderRetry
	kindExpiry
	kindOutbox
	kindQueued
	kindCrash
)

const internet = "internet"

// Org is the transport side of one organization.
type Org struct {
	s             *sim.Sim
	top           Topology
	env           Env
	cfg           config
	servers       []*server // topology order
	byName        map[string]*server
	mailboxes     map[string]string   // lower-case address -> database
	foreignDomain string              // the last sender domain with no mailbox (mayBeMailbox)
	domains       map[string]bool     // accepted domains: those of the mailboxes
	ext           map[string]*extHost // external smart hosts and MX hosts by lower-case name (smarthost.go)
	extRR         map[string]int      // rotation over them per server and next hop
	rcvMax        map[string]int64    // Set-ReceiveConnector -MaxMessageSize by lower-case identity (size.go)
	// idleResubmit: when each queue was last resubmitted (queueops.go)
	idleResubmit map[*queue]time.Duration
	resubmitReqs []ResubmitRequest // Add-ResubmitRequest (queueops.go)
	msgs         []*message
	lbNext       int
	lbAffinity   map[string]int // source -> index in inbound (sourceIPAffinity)
	delivered    []func(id int, recipient string, at time.Duration)
	led          ledger
	sessions     uint64
	timings      []timingEntry
	trackSink    func(*logs.TrackingEvent) // SetTrackingSink
	feCaps       []string                  // the last Default Frontend EHLO list made, for feCapsSize (frontendPeer)
	feCapsSize   int64
	timingSlots  [16]int32 // 1 + the index in timings of the last key found in the slot (timing)
	inetIP       string
	senderHostOf [2]string         // the last sender domain and its host name (senderHost)
	named        [16]*server       // serverNamed's answers
	crashes      map[poisonKey]int // transport crashes per (message, server): the crash count Exchange keeps
	inbound      []*server
	feIdx        *frontIndex
	logWants     logWants
	journal      *sim.Journal       // s.Journal(), for logWants
	routeTo      func(*server) bool // tests: narrows the front ends' routing tables
	proxyPick    uint64             // proxyTargets' calls: marks the servers one call listed
	blank        []string
	iota         []int
	nextSeq      uint32 // addCopy's numbering of copies (item.seq)
	outcome1     [1]smtp.Outcome
	message1     [1]smtp.Message
	trk          trackState   // what tracking rows remember between events (track.go)
	plog         protoLogging // connectors' ProtocolLoggingLevel (protolevel.go)
	sites        siteTable    // AD sites and site links (adsites.go)
	slabs        struct {
		msgs  slab[message]
		rcpts rcptSlab
		items slab[item] // copies received by a server: they may end in Safety Net
	}
	// objects reused once released, each pool with its own slab
	pools struct {
		senders pool[item] // sender and Outbox copies: gone at the 250
		acks    pool[pendingAck]
		inbound pool[inboundSession]
		fronts  pool[frontSession]
		shadows pool[shadowSession]
		relays  pool[relaySession]
		batches [][]*item
	}
}

// server is one Exchange server as transport sees it.
type server struct {
	name, site, dag string
	version         Version
	mailbox         bool // holds mailbox databases (Mail Submission / store driver side)
	transport       bool // runs a transport service with a queue database
	up              bool
	epoch           int        // bumped at every stop, crash and start: stale events are dropped
	dbID            int        // queue database ID; a new mail.que gets a new one
	lostDB          bool       // the queue database was destroyed; a new one is made at start
	state           string     // HubTransport state picked up when MSExchangeTransport started
	inboundOpen     int        // internet SMTP sessions open on it (least-connections balancing)
	pendingApp      []setValue // EdgeTransport.exe.config values saved in the run, read at the next start
	fetState        string     // FrontendTransport state picked up by MSExchangeFrontEndTransport (2013+)
	mdConn          string     // "<S>\\Default Mailbox Delivery <S>", made once (mailboxDeliveryConnector)
	frontEnd        bool       // runs MSExchangeFrontEndTransport (frontend.go)
	fetStopped      bool       // MSExchangeFrontEndTransport stopped alone
	fetEpoch        int        // bumped when FET stops or the host goes down: its sessions die
	hubStopped      bool       // MSExchangeTransport stopped alone: the host (and FET) runs on
	proxyRR         int        // FET's round robin inside a delivery group
	proxyPicked     uint64     // the Org's proxyPick when a front end last listed it as a destination
	siteNo          int32      // its AD site by number, and as a front end its site's and its delivery group's
	feSite, feGroup []*server  // 2013+ Transport services (frontIndex)
	mtdStopped      bool       // MSExchangeDelivery (Mailbox Transport Delivery) stopped
	mtsStopped      bool       // MSExchangeSubmission (Mailbox Transport Submission) stopped
	feConn          string
	feCaps          []string // Default Frontend's EHLO list, for feCapsSize
	feCapsSize      int64
	queues          []*queue
	byKey           map[qkey]*queue
	qSlots          [32]*queue // queueByKey's kept answers
	spareQueues     []*queue   // dropped delivery queues, for reuse (dropQueue)
	nextQueue       int
	nextInternal    int
	acks            []*pendingAck
	rr              int // round robin over relay targets
	submitRR        int // Mail Submission round robin over hubs
	sweepArmed      bool
	redirected      bool // Redirect-Message ran: no new messages until the service restarts
	fqdn, ipAddr    string
	shadowSet       bool
	cfgVals         []int64
	redeliver       []redelivery
	sn              snStore // its Safety Net (or dumpster) copies; snQ is their place among its queues
	cfgGen          int
	shadowRemote    []*server
	shadowLocal     []*server
	recvConn        string
	sweepEpoch      int
	subQ, snQ       *queue             // Submission and Safety Net (check gone)
	shadowQs        map[*server]*queue // shadow queues by primary server (check gone)
	bp              *backPressure      // resource meters and what they refuse (pressure.go)
}

// New builds transport for topology t. Every server starts running.
func New(s *sim.Sim, t Topology, env Env) (*Org, error) {
	if s == nil {
		return nil, errors.New("transport: nil simulation")
	}
	if t.SenderRetry == 0 {
		t.SenderRetry = 15 * time.Minute
	}
	if t.Latency == 0 {
		t.Latency = 50 * time.Millisecond
	}
	if t.SenderRetry < 0 || t.Latency < 0 {
		return nil, errors.New("transport: negative SenderRetry or Latency")
	}
	o := &Org{s: s, journal: s.Journal(), logWants: logWants{seen: ^uint64(0)}, top: t, env: env, byName: map[string]*server{}, mailboxes: map[string]string{}, domains: map[string]bool{},
		cfg: config{org: map[string]int64{}, server: map[string]map[string]int64{}}}
	o.plog.all = t.ProtocolLogEverything
	for _, sp := range t.Servers {
		if sp.Name == "" {
			return nil, errors.New("transport: a server has no name")
		}
		if _, dup := o.byName[strings.ToLower(sp.Name)]; dup {
			return nil, fmt.Errorf("transport: server %q listed twice", sp.Name)
		}
		v := sp.Version
		if v == "" {
			v = Exchange2010SP1
		}
		if !v.valid() {
			return nil, fmt.Errorf("transport: server %s: unknown version %q", sp.Name, sp.Version)
		}
		srv := &server{name: sp.Name, site: sp.Site, dag: sp.DAG, version: v, up: true, dbID: 1, state: "Active", fetState: "Active", byKey: map[qkey]*queue{}}
		for _, r := range sp.Roles {
			switch strings.ToLower(r) {
			case "mailbox":
				srv.mailbox = true
				if !v.Is2010() {
					srv.transport = true // 2013+: the Mailbox role runs the Transport service
				}
			case "hubtransport":
				if !v.Is2010() {
					return nil, fmt.Errorf("transport: server %s: the HubTransport role does not exist in %s (the Mailbox role runs transport)", sp.Name, v)
				}
				srv.transport = true
			case "clientaccess":
				srv.frontEnd = v == Exchange2013 // a 2013 CAS runs Front End Transport
			default:
				return nil, fmt.Errorf("transport: server %s: unknown role %q (Mailbox, HubTransport, ClientAccess)", sp.Name, r)
			}
		}
		if !v.Is2010() && v != Exchange2013 && srv.mailbox {
			srv.frontEnd = true // 2016+: every Mailbox server runs Front End Transport
		}
		o.servers = append(o.servers, srv)
		o.byName[strings.ToLower(sp.Name)] = srv
	}
	for _, mb := range t.Mailboxes {
		at := strings.LastIndex(mb.Address, "@")
		if at <= 0 || mb.Database == "" {
			return nil, fmt.Errorf("transport: bad mailbox %q (database %q)", mb.Address, mb.Database)
		}
		o.mailboxes[strings.ToLower(mb.Address)] = mb.Database
		o.domains[strings.ToLower(mb.Address[at+1:])] = true
	}
	for _, c := range t.Connectors {
		for _, ss := range c.SourceServers {
			srv, err := o.server(ss)
			if err != nil {
				return nil, fmt.Errorf("transport: send connector %s: %w", c.Name, err)
			}
			if !srv.transport {
				return nil, fmt.Errorf("transport: send connector %s: source server %s runs no transport service", c.Name, ss)
			}
		}
	}
	for _, in := range t.Inbound {
		srv, err := o.server(in)
		if err != nil {
			return nil, fmt.Errorf("transport: inbound: %w", err)
		}
		if !srv.transport && !srv.frontEnd {
			return nil, fmt.Errorf("transport: inbound server %s runs no transport service", in)
		}
	}
	o.extRR = map[string]int{}
	o.initHosts() // smarthost.go
	o.initSites() // adsites.go
	for _, srv := range o.servers {
		if srv.transport {
			o.newPersistentQueues(srv)
			o.initPressure(srv)
		}
	}
	return o, nil
}

func (o *Org) server(name string) (*server, error) {
	if srv, ok := o.byName[strings.ToLower(name)]; ok {
		return srv, nil
	}
	names := make([]string, 0, len(o.servers))
	for _, s := range o.servers {
		names = append(names, s.name)
	}
	if c := closest(name, names); c != "" {
		return nil, fmt.Errorf("unknown server %q (did you mean %q?)", name, c)
	}
	return nil, fmt.Errorf("unknown server %q", name)
}

func (o *Org) now() time.Duration { return o.s.Now() }

// emit journals the event p, which happened now on server (may be empty). It is
// generic so that p is boxed into a record only when the journal wants its kind.
func emit[P sim.Payload](o *Org, server, subject string, p P) {
	if j := o.s.Journal(); j.Wants(p.Kind()) {
		j.Add(sim.Record{At: o.s.Now(), Kind: p.Kind(), Server: server, Subject: subject, Data: p})
	}
}

func (o *Org) reachable(a, b string) bool {
	if o.env.Reachable == nil || (!asciiFoldDiffers(a, b) && strings.EqualFold(a, b)) {
		return true
	}
	return o.env.Reachable(a, b)
}

// asciiFoldDiffers reports that a and b are not equal under Unicode case folding
// because their last bytes are ASCII and differ in more than case: an ASCII last
// byte is a whole rune, and an ASCII rune folds only to ASCII runes (K, S aside,
// whose other folds are not ASCII). Names that differ at the end (EX1, EX2) are
// then told apart without a call to strings.EqualFold, which cost 1.3% of the
// day-100k run.
func asciiFoldDiffers(a, b string) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) != len(b)
	}
	x, y := a[len(a)-1], b[len(b)-1]
	if x >= 0x80 || y >= 0x80 {
		return false
	}
	if 'A' <= x && x <= 'Z' {
		x += 'a' - 'A'
	}
	if 'A' <= y && y <= 'Z' {
		y += 'a' - 'A'
	}
	return x != y
}

// activeCopy asks where db is mounted.
func (o *Org) activeCopy(db string) (*server, bool) {
	if o.env.ActiveCopy == nil {
		for _, s := range o.servers {
			if s.mailbox {
				return s, true
			}
		}
		return nil, false
	}
	name, mounted := o.env.ActiveCopy(db)
	srv := o.serverNamed(name) // exact names first: cheaper than lower-casing and hashing
	if srv == nil {
		var ok bool
		if srv, ok = o.byName[strings.ToLower(name)]; !ok {
			return nil, false
		}
	}
	return srv, mounted && hostUp(srv) // a stopped Transport service leaves the store (and Mailbox Transport) running
}

// serverNamed is the server called exactly name, or nil. Answers are kept in slots
// picked by the name's length and last byte: activeCopy asks on every hop, and its
// scan of the servers' names was 2% of the anchors benchmark's instructions. The
// servers are fixed by New, so a kept answer never goes stale.
func (o *Org) serverNamed(name string) *server {
	if name == "" {
		return nil
	}
	c := &o.named[(len(name)^int(name[len(name)-1]))&(len(o.named)-1)]
	if *c != nil && (*c).name == name {
		return *c
	}
	for _, s := range o.servers {
		if s.name == name {
			*c = s
			return s
		}
	}
	return nil
}

func (o *Org) after(d time.Duration, k sim.Kind, fn func()) {
	if err := o.s.After(d, k, fn); err != nil {
		panic(err) // d is never negative here: a bug in exsim
	}
}

// on schedules fn d from now, dropped if srv stopped or restarted meanwhile.
func (o *Org) on(srv *server, d time.Duration, k sim.Kind, fn func()) {
	ep := srv.epoch
	o.after(d, k, func() {
		if srv.up && srv.epoch == ep {
			fn()
		}
	})
}

// OnDelivered registers f, called at every first delivery of a (message, recipient).
func (o *Org) OnDelivered(f func(id int, recipient string, at time.Duration)) {
	o.delivered = append(o.delivered, f)
}

// Crash stops server at once. With loseQueue its queue database is gone (corrupt, or
// its disk died): every copy on it (primaries, shadows, dumpster) is destroyed, and it
// will start with a new queue database ID.
func (o *Org) Crash(server string, loseQueue bool) {
	srv, err := o.server(server)
	if err != nil || !hostUp(srv) && !loseQueue {
		return
	}
	fault := "crash " + srv.name
	if loseQueue {
		fault += " lose-queue"
	}
	srv.hubStopped = false // the host goes down: Front End Transport with it
	srv.fetEpoch++
	o.down(srv, fault)
	if loseQueue {
		if o.s.Journal().Enabled() {
			emit(o, srv.name, srv.name, Crashed{Server: srv.name, QueueLost: true})
		}
		o.destroyQueueDatabase(srv, fault)
	} else {
		if o.s.Journal().Enabled() {
			emit(o, srv.name, srv.name, Crashed{Server: srv.name})
		}
	}
}

// Stop shuts server down cleanly: the queue database is kept.
func (o *Org) Stop(server string) {
	srv, err := o.server(server)
	if err != nil || !hostUp(srv) {
		return
	}
	srv.fetEpoch++
	if srv.hubStopped { // only the host was still up
		srv.hubStopped = false
	} else {
		o.down(srv, "stop "+srv.name)
	}
	if o.s.Journal().Enabled() {
		emit(o, srv.name, srv.name, Stopped{Server: srv.name})
	}
}

// Start boots server: its services start and pick up their component states.
func (o *Org) Start(server string) {
	srv, err := o.server(server)
	if err != nil || hostUp(srv) {
		return
	}
	o.boot(srv, true)
}

// RestartService restarts a service on server: MSExchangeTransport (transport picks
// up its HubTransport component state and reloads its queue database) or
// MSExchangeFrontEndTransport (2013+).
func (o *Org) RestartService(server, service string) error {
	if err := o.StopService(server, service); err != nil {
		return err
	}
	return o.StartService(server, service)
}

// StopService stops a service on server.
func (o *Org) StopService(server, service string) error {
	srv, err := o.checkService(server, service)
	if err != nil {
		return err
	}
	if mt := o.mailboxTransport(srv, service); mt != nil {
		*mt = true
		if o.s.Journal().Enabled() {
			emit(o, srv.name, service, ServiceStopped{Server: srv.name, Service: service})
		}
		return nil
	}
	if strings.EqualFold(service, "MSExchangeFrontEndTransport") {
		srv.fetState = "Inactive"
		srv.fetStopped = true // connections are refused; sessions being proxied die
		srv.fetEpoch++
		if o.s.Journal().Enabled() {
			emit(o, srv.name, service, ServiceStopped{Server: srv.name, Service: service})
		}
		return nil
	}
	if srv.up {
		o.down(srv, "stop "+srv.name)
		srv.hubStopped = true // the host and Front End Transport run on
		if o.s.Journal().Enabled() {
			emit(o, srv.name, service, ServiceStopped{Server: srv.name, Service: service})
		}
	}
	return nil
}

// StartService starts a service on server.
func (o *Org) StartService(server, service string) error {
	srv, err := o.checkService(server, service)
	if err != nil {
		return err
	}
	if mt := o.mailboxTransport(srv, service); mt != nil {
		if *mt && hostUp(srv) {
			*mt = false
			if o.s.Journal().Enabled() {
				emit(o, srv.name, service, ServiceStarted{Server: srv.name, Service: service})
			}
		}
		return nil
	}
	if strings.EqualFold(service, "MSExchangeFrontEndTransport") {
		if !hostUp(srv) {
			return nil
		}
		srv.fetState = o.pickUp(srv, "MSExchangeFrontEndTransport")
		srv.fetStopped = false
		srv.fetEpoch++
		if o.s.Journal().Enabled() {
			emit(o, srv.name, service, ServiceStarted{Server: srv.name, Service: service, State: srv.fetState})
		}
		return nil
	}
	if !srv.up {
		withFE := !srv.hubStopped // a stopped host starts with all its services
		o.boot(srv, withFE)       // else the Front End Transport service runs on
	}
	return nil
}

func (o *Org) checkService(server, service string) (*server, error) {
	srv, err := o.server(server)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.EqualFold(service, "MSExchangeTransport"):
		if !srv.transport {
			return nil, fmt.Errorf("%s runs no MSExchangeTransport service", srv.name)
		}
	case strings.EqualFold(service, "MSExchangeFrontEndTransport"):
		if !srv.frontEnd {
			return nil, fmt.Errorf("%s runs no MSExchangeFrontEndTransport service (Exchange 2016+ Mailbox servers and Exchange 2013 Client Access servers only)", srv.name)
		}
	case strings.EqualFold(service, "MSExchangeDelivery"), strings.EqualFold(service, "MSExchangeSubmission"):
		if srv.version.Is2010() || !srv.mailbox {
			return nil, fmt.Errorf("%s runs no %s service (Exchange 2013+ Mailbox servers only)", srv.name, service)
		}
	default:
		names := []string{"MSExchangeTransport", "MSExchangeFrontEndTransport", "MSExchangeDelivery", "MSExchangeSubmission"}
		if c := closest(service, names); c != "" {
			return nil, fmt.Errorf("unknown service %q (did you mean %q?)", service, c)
		}
		return nil, fmt.Errorf("unknown service %q (%s)", service, strings.Join(names, ", "))
	}
	return srv, nil
}

func (o *Org) pickUp(srv *server, service string) string {
	if o.env.ServiceStarted == nil {
		return "Active"
	}
	st := o.env.ServiceStarted(srv.name, service)
	switch st {
	case "Active", "Draining", "Inactive":
		return st
	}
	return "Active"
}

// NetworkChanged tells transport that Env.Reachable may answer differently now.
// Sessions check reachability when they connect, and queues in Retry try again at
// their next retry time, as Exchange does; nothing else changes at once.
func (o *Org) NetworkChanged() {
	if o.s.Journal().Enabled() {
		emit(o, "", "network", NetworkChanged{})
	}
}

// down stops srv's services: timers die with the epoch, sessions waiting for a delayed
// acknowledgement are dropped (the sender keeps its copy and retries).
func (o *Org) down(srv *server, fault string) {
	srv.up = false
	srv.epoch++
	acks := srv.acks
	srv.acks = nil
	for _, pa := range acks {
		o.dropSession(pa, fault)
	}
	for _, q := range srv.queues {
		q.busy = false
		if q.timer != nil {
			q.timer.Stop()
		}
	}
}

// destroyQueueDatabase destroys every copy held on srv.
func (o *Org) destroyQueueDatabase(srv *server, fault string) {
	var dead []*item
	kept := -1 // where the Safety Net's copies go among the copies lost, in its queues' order
	for _, q := range srv.queues {
		if q.kind == qSafetyNet {
			kept = len(dead)
		}
		dead = append(dead, q.items...)
		q.items = nil
		q.gone = true
	}
	if kept < 0 {
		kept = len(dead) // (keep makes the queue before it keeps a copy: Check says so)
	}
	for k := 0; k <= len(dead); k++ {
		if k == kept {
			for n := srv.sn.start; n < srv.sn.end; n++ {
				o.dropKept(srv, n, fault, srv.name, true)
			}
			srv.sn.reset()
		}
		if k < len(dead) {
			dead[k].destroyed = true
			o.removeCopy(dead[k], fault, srv.name)
		}
	}
	o.lostShadows(dead)
	srv.queues = nil
	srv.byKey = map[qkey]*queue{}
	srv.lostDB = true
}

// boot starts the Transport service on srv; withFrontEnd when the whole server boots,
// so that the Front End Transport service (2013+) starts too and picks up its state.
// Restarting MSExchangeTransport alone leaves MSExchangeFrontEndTransport as it was.
func (o *Org) boot(srv *server, withFrontEnd bool) {
	srv.up = true
	srv.hubStopped = false
	srv.epoch++
	if withFrontEnd { // the whole server boots: the Mailbox Transport services start too
		srv.mtdStopped, srv.mtsStopped = false, false
	}
	if withFrontEnd && srv.frontEnd && !srv.transport { // a 2013 CAS: Front End Transport alone
		srv.fetState = o.pickUp(srv, "MSExchangeFrontEndTransport")
		srv.fetStopped = false
	}
	if !srv.transport {
		if o.s.Journal().Enabled() {
			emit(o, srv.name, srv.name, Started{Server: srv.name})
		}
		return
	}
	o.applyEdited(srv)
	srv.state = o.pickUp(srv, "MSExchangeTransport")
	srv.redirected = false
	defer o.pressureBoot(srv)
	if withFrontEnd && srv.frontEnd {
		srv.fetState = o.pickUp(srv, "MSExchangeFrontEndTransport")
		srv.fetStopped = false
	}
	if srv.lostDB {
		srv.lostDB = false
		srv.dbID++
		srv.nextQueue = 0
		o.newPersistentQueues(srv)
		if o.s.Journal().Enabled() {
			emit(o, srv.name, srv.name, Started{Server: srv.name, Transport: true, NewQueueDB: true, DatabaseID: srv.dbID, State: srv.state})
		}
		return
	}
	// The queue database is loaded and the categorizer routes what it holds again with
	// the routing tables just built (this is what makes queued mail follow a changed
	// EdgeTransport.exe.config after the restart the setting requires).
	var reload []*item
	for _, q := range srv.queues {
		if q.kind == qDelivery || q.kind == qSubmission || q.kind == qUnreachable {
			reload = append(reload, q.items...)
			if len(q.items) > 0 {
				// Emptied now: Get-Queue lists it, empty, until QueueMaxIdleTime has
				// passed (seed 002: FAB-RED-HUB1\216 still listed after the restart).
				q.emptySince = o.now()
			}
			q.items = nil
			q.deferred = nil // a new process: reloaded copies are deferred (and logged) afresh
			// a new process: the in-memory retry state starts afresh
			q.inRetry, q.retryCount, q.lastError, q.busy = false, 0, "", false
			if !q.suspended {
				q.status = "Ready"
			}
		}
	}
	if o.s.Journal().Enabled() {
		emit(o, srv.name, srv.name, Started{Server: srv.name, Transport: true, DatabaseID: srv.dbID, Reloaded: len(reload), State: srv.state})
	}
	for _, q := range srv.queues {
		if q.kind == qShadow && len(q.items) > 0 {
			o.armHeartbeat(q)
		}
	}
	// the hourly Safety Net / dumpster sweep died with the old process: without this a
	// quiet server kept its copies past their hold time until it kept a new one
	if srv.sn.live > 0 {
		o.armSweep(srv)
	}
	defer o.serveRedeliveries(srv)
	for _, it := range reload {
		it.q = nil
		it.sending = false
		o.categorize(srv, it)
	}
}

func (o *Org) transportServersInSite(site string) []*server {
	var out []*server
	for _, s := range o.servers {
		if s.transport && s.site == site {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}
