package dag

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
)

type phase uint8

const (
	phaseReady  phase = iota // copying and replaying (or waiting for a source)
	phaseInit                // Initializing
	phaseResync              // Resynchronizing
)

type server struct {
	name, site string
	up         bool
	dag        *dagT
	policy     ActivationPolicy
	dial       MountDial
	moveNow    bool // DatabaseCopyActivationDisabledAndMoveNow
	paused     bool // Suspend-ClusterNode
	inQuorum   bool

	// Site resilience (dac.go).
	stopped      bool       // on the DAG's StoppedMailboxServers (Stop-DatabaseAvailabilityGroup)
	clusDisabled bool       // its cluster service was stopped and disabled by Stop-DatabaseAvailabilityGroup
	evicted      bool       // evicted from the cluster by Restore-DatabaseAvailabilityGroup
	stale        *staleView // evicted while cut off or down: it still believes the old cluster
	dacp         bool       // Active Manager's in-memory DACP bit (1: may mount)
	dacpSet      bool       // the bit was ever 1; dacpSetAt is when it last became 1
	dacpSetAt    time.Duration
	leftFiles    []string // databases whose removed copy left its files here (seeding.go)
	maxActive    int      // MaximumActiveDatabases; 0: no limit (placement.go)
	spares       int      // spare disks AutoReseed may use (autoreseed.go)
	weight       int      // DynamicWeight under dynamic quorum (quorum_dynamic.go)
	maxPreferred int      // MaximumPreferredActiveDatabases; 0: $null (placement.go)
}

type dagT struct {
	name      string
	members   []*server
	witness   string
	pam       *server
	lock      *server // the locking node: holds the witness.log lock
	hasQuorum bool
	votes     int

	// Site resilience (dac.go).
	witnessSite    string
	altWitness     string // AlternateWitnessServer
	altWitnessSite string
	witnessDir     string  // WitnessDirectory, AlternateWitnessDirectory as set ("" not set:
	altWitnessDir  string  // the default C:\DAGFileShareWitnesses\<DAG FQDN> needs the FQDN)
	useAlt         bool    // the cluster uses the alternate witness (after Restore-DatabaseAvailabilityGroup)
	dac            DACMode // DatacenterActivationMode
	seedMBps       float64 // seeding throughput (seeding.go); 0: the default
	autoReseed     bool    // AutoReseed volumes configured (autoreseed.go)

	hasPMF    bool          // Exchange 2016 CU2+: PreferenceMoveFrequency exists
	pmf       time.Duration // PreferenceMoveFrequency; 0: off
	created   time.Duration // the checks run at created + k*pmf
	rebalance *sim.Timer    // nil for a DAG without the property

	// Dynamic quorum (quorum_dynamic.go).
	dynamic       bool
	witnessWeight int        // WitnessDynamicWeight
	adjust        *sim.Timer // the membership window before votes are adjusted

	lagManager bool       // ReplayLagManagerEnabled (playdown.go)
	lagTimer   *sim.Timer // Replay Lag Manager's 60-second check; nil on 2010
}

type database struct {
	name   string
	dag    *dagT // nil: standalone (not replicated)
	copies []*dbCopy
	active *dbCopy

	mounted       bool
	told          string           // "server/mounted" last given to Env.DatabaseChanged
	wantMounted   bool             // false after Dismount-Database until Mount-Database
	downSince     time.Duration    // when it last stopped being mounted against the admin's wish
	detect        *sim.Timer       // failure detection before best copy selection
	lastNoCopy    NoFailoverTarget // last "no eligible copy" event, to say it once
	lastRebalance RebalanceSkipped // last "not moved back" event, to say it once

	sizeGB   float64         // for seeding time; 0: the default
	gen      int64           // log generation of the active copy
	commitAt []time.Duration // commitAt[g-1]: when generation g was written (current lineage)
	epoch    int
	bases    []int64 // bases[e]: generation the lineage restarted from at epoch e
}

type dbCopy struct {
	db     *database
	server *server
	pref   int
	id     string // db\server, made once: records and reasons name the copy often

	suspended           bool          // Suspend-MailboxDatabaseCopy (replication and activation)
	activationSuspended bool          // -ActivationOnly, or implied by a full suspend
	broken              bool          // fail-copy: its disk failed
	rogue               bool          // mounted by a stale partition beside the real active copy (split brain)
	held                bool          // a stale partition would mount it, but DACP holds it back (said once)
	lag, truncLag       time.Duration // ReplayLagTime, TruncationLagTime (lagged.go)
	ls                  *lagState     // Replay Lag Manager's view (playdown.go); nil until needed
	// Seeding (seeding.go): needsSeed until a seed completes (a copy added without
	// one); seeding while it is seeded from seedSrc; sourcing counts the seeds it feeds.
	needsSeed, seeding bool
	seedSrc            *dbCopy
	sourcing           int
	seedTimer          *sim.Timer
	autoTimer          *sim.Timer // AutoReseed (autoreseed.go); nil until needed
	autoStage          int        // resume attempts made; past the retries: workflow over
	phase              phase
	timer              *sim.Timer

	copied, replayed int64
	epoch            int // the lineage its logs follow
	inspected        time.Duration
	hasInspected     bool
	repl             bool       // replicating at the last settle
	conn, rconn      uint64     // bumped to void in-flight log shipping / replay
	logs             *logEvents // the handler of both (shipping.go); nil until the first
	shown            Status     // last journaled status
}

// Org holds every mailbox server's databases and DAGs of an organization.
type Org struct {
	s       *sim.Sim
	env     Env
	t       Timings
	servers map[string]*server
	order   []*server
	dags    []*dagT
	dagByN  map[string]*dagT
	dbs     []*database
	dbByN   map[string]*database
	dbExact map[string]*database // by the name as created: transport asks by that name millions of times, and key() allocates
	dbSlots [64]*database        // lookupDB's answers by exact name
	losses  []loss
	busy    bool
	// witnessBoot is when each witness server last booted (dac.go); absent: before t=0.
	witnessBoot map[string]time.Duration
}

// Refresh makes Active Manager look at every database again, e.g. after a
// HighAvailability component state changed.
func (o *Org) Refresh(reason string) { o.update(reason) }

type loss struct {
	db       string
	from, to time.Duration
}

// New returns an empty organization on s.
func New(s *sim.Sim, env Env) *Org {
	return &Org{s: s, env: env, t: DefaultTimings(), servers: map[string]*server{}, dagByN: map[string]*dagT{}, dbByN: map[string]*database{}, dbExact: map[string]*database{}}
}

// SetTimings replaces the transition durations (see [DefaultTimings]).
func (o *Org) SetTimings(t Timings) error {
	if t.Initializing < 0 || t.Resynchronizing < 0 || t.FailureDetection < 0 || t.LogShipping < 0 || t.LogReplay < 0 {
		return errors.New("dag: timings must not be negative")
	}
	o.t = t
	return nil
}

// Timings returns the transition durations in use.
func (o *Org) Timings() Timings { return o.t }

func key(name string) string { return strings.ToLower(name) }

// lookupDB finds a database by name, case-insensitively as Exchange does, trying the
// name as created first: the per-message calls from transport (ActiveCopy, Committed)
// use it, and lower-casing "DB01" allocates (5% of a 100,000-message run).
//
// Before the map, a slot picked by the name's length and last two bytes keeps the
// last database found there: a day of mail asks some ten times a message, and hashing
// the name for the map was 3% of the day-100k run (perf). Databases are never
// removed, so a kept answer never goes stale; a slot two names share only misses.
func (o *Org) lookupDB(name string) (*database, bool) {
	n := len(name)
	if n == 0 {
		return nil, false
	}
	slot := &o.dbSlots[(n*7+int(name[n-1])+3*int(name[max(n-2, 0)]))&(len(o.dbSlots)-1)]
	if d := *slot; d != nil && d.name == name {
		return d, true
	}
	if d, ok := o.dbExact[name]; ok {
		*slot = d
		return d, true
	}
	d, ok := o.dbByN[key(name)]
	return d, ok
}

// AddServer adds a mailbox server in AD site site. It starts up, not in a DAG, with
// policy Unrestricted and mount dial GoodAvailability.
func (o *Org) AddServer(name, site string) error {
	if name == "" {
		return errors.New("dag: a server needs a name")
	}
	if _, ok := o.servers[key(name)]; ok {
		return fmt.Errorf("dag: server %q already exists", name)
	}
	sv := &server{name: name, site: site, up: true, policy: Unrestricted, dial: GoodAvailability, inQuorum: true}
	o.servers[key(name)] = sv
	o.order = append(o.order, sv)
	return nil
}

// AddDAG creates a DAG of existing servers; members' order decides ties (the first
// member owns the cluster group, so it is the PAM, and holds the witness lock). The
// witness is required when the member count is even and must not be a member.
func (o *Org) AddDAG(name string, members []string, witness string) error {
	if name == "" {
		return errors.New("dag: a DAG needs a name")
	}
	if _, ok := o.dagByN[key(name)]; ok {
		return fmt.Errorf("dag: DAG %q already exists", name)
	}
	if len(members) == 0 {
		return fmt.Errorf("dag: DAG %q needs at least one member", name)
	}
	d := &dagT{name: name}
	seen := map[string]bool{}
	for _, m := range members {
		sv, ok := o.servers[key(m)]
		if !ok {
			return fmt.Errorf("dag: DAG %q: unknown server %q", name, m)
		}
		if sv.dag != nil {
			return fmt.Errorf("dag: server %q is already a member of DAG %q", sv.name, sv.dag.name)
		}
		if seen[key(m)] {
			return fmt.Errorf("dag: DAG %q lists server %q twice", name, m)
		}
		seen[key(m)] = true
		d.members = append(d.members, sv)
	}
	if len(members)%2 == 0 {
		if witness == "" {
			return fmt.Errorf("dag: DAG %q has %d members: an even member count needs a witness server (Node and File Share Majority)", name, len(members))
		}
		if seen[key(witness)] {
			return fmt.Errorf("dag: DAG %q: the witness server %q must not be a DAG member", name, witness)
		}
		d.witness = witness
	}
	for _, sv := range d.members {
		sv.dag = d
	}
	d.pam = d.members[0]
	d.lock = d.members[0]
	d.dac = DACOff
	for _, sv := range d.members {
		sv.dacp, sv.dacpSet = true, true // an established DAG: every Active Manager has been running
		sv.weight = 1
	}
	if len(members)%2 == 0 {
		d.witnessWeight = 1
	}
	o.dags = append(o.dags, d)
	o.dagByN[key(name)] = d
	o.evalQuorum(d, "the DAG was created")
	return nil
}

// AddDatabase creates a database with copies on the servers, in activation preference
// order. Copy 1 is active and mounted at t=0; the other copies start Healthy (the
// scenario begins with an established DAG). A single copy on a server outside any DAG
// is a standalone (non-replicated) database; otherwise every copy must be on a member of
// one DAG.
func (o *Org) AddDatabase(name string, copies []string) error {
	if name == "" {
		return errors.New("dag: a database needs a name")
	}
	if _, ok := o.dbByN[key(name)]; ok {
		return fmt.Errorf("dag: database %q already exists", name)
	}
	if len(copies) == 0 {
		return fmt.Errorf("dag: database %q needs at least one copy", name)
	}
	db := &database{name: name, wantMounted: true, bases: []int64{0}}
	seen := map[string]bool{}
	for i, n := range copies {
		sv, ok := o.servers[key(n)]
		if !ok {
			return fmt.Errorf("dag: database %q: unknown server %q", name, n)
		}
		if seen[key(n)] {
			return fmt.Errorf("dag: database %q has two copies on server %q", name, sv.name)
		}
		seen[key(n)] = true
		if len(copies) > 1 && sv.dag == nil {
			return fmt.Errorf("dag: database %q: server %q is not in a DAG, so it cannot hold a copy of a replicated database", name, sv.name)
		}
		if i == 0 {
			db.dag = sv.dag
		} else if sv.dag != db.dag {
			return fmt.Errorf("dag: database %q: server %q is not a member of DAG %s; copies of a database live in one DAG", name, sv.name, db.dag.name)
		}
		c := &dbCopy{db: db, server: sv, pref: i + 1, id: db.name + `\` + sv.name}
		c.timer = o.s.NewFuncTimer(kindPhase, func() { o.phaseDone(c) })
		c.seedTimer = o.s.NewFuncTimer(kindSeed, func() { o.seedDone(c) })
		db.copies = append(db.copies, c)
	}
	db.active = db.copies[0]
	db.detect = o.s.NewFuncTimer(kindDetect, func() { o.update("failure detection time elapsed") })
	o.dbs = append(o.dbs, db)
	o.dbByN[key(name)] = db
	o.dbExact[name] = db
	if ok, _ := o.available(db.active); ok {
		db.mounted = true
	} else {
		db.downSince = o.s.Now()
	}
	for _, c := range db.copies {
		if c != db.active && !c.server.up {
			c.phase = phaseInit
		}
		if c != db.active {
			c.hasInspected = true // an established copy has inspected logs before t=0
		}
	}
	db.told = db.where()
	o.update("database " + name + " was created")
	return nil
}

// ActiveCopy returns the server holding db's active copy and whether it is mounted
// there. An unknown database returns ("", false).
func (o *Org) ActiveCopy(db string) (server string, mounted bool) {
	d, ok := o.lookupDB(db)
	if !ok {
		return "", false
	}
	return d.active.server.name, d.mounted
}

// Databases lists the database names in creation order.
func (o *Org) Databases() []string {
	out := make([]string, len(o.dbs))
	for i, d := range o.dbs {
		out[i] = d.name
	}
	return out
}

// PAM returns the server that is the Primary Active Manager of dagName ("" when the
// cluster has no owner, e.g. without quorum).
func (o *Org) PAM(dagName string) string {
	d, ok := o.dagByN[key(dagName)]
	if !ok || d.pam == nil {
		return ""
	}
	return d.pam.name
}

// HasQuorum reports whether the DAG's cluster has quorum.
func (o *Org) HasQuorum(dagName string) bool {
	d, ok := o.dagByN[key(dagName)]
	return ok && d.hasQuorum
}

func (o *Org) reach(a, b string) bool {
	if a == b || o.env.Reachable == nil {
		return true
	}
	return o.env.Reachable(a, b)
}

func (o *Org) haBlocked(sv *server) bool {
	return o.env.ActivationBlocked != nil && o.env.ActivationBlocked(sv.name)
}

func (o *Org) server(name string) (*server, error) {
	sv, ok := o.servers[key(name)]
	if !ok {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", name)
	}
	return sv, nil
}

func (o *Org) database(name string) (*database, error) {
	d, ok := o.lookupDB(name)
	if !ok {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", name)
	}
	return d, nil
}

func (o *Org) copyOn(db *database, sv *server) *dbCopy {
	for _, c := range db.copies {
		if c.server == sv {
			return c
		}
	}
	return nil
}

func (db *database) where() string { return fmt.Sprintf("%s/%t", db.active.server.name, db.mounted) }

func (c *dbCopy) name() string { return c.id }

// note journals the event p, which happened now on srv about subject. It is generic
// so that p becomes an interface (a heap copy) only when the journal is on.
func note[P sim.Payload](o *Org, srv, subject string, p P) {
	if j := o.s.Journal(); j.Enabled() {
		j.Emit(o.s.Now(), srv, subject, p)
	}
}
