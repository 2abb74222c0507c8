package dag

import (
	"fmt"
	"slices"
)

// update re-evaluates quorum, PAM ownership, every database's mount state and every
// copy's status after a change, journaling what changed and why. It is the one place
// automatic decisions (remount, failover) are taken.
func (o *Org) update(why string) {
	if o.busy { // an update already in progress covers this change
		return
	}
	o.busy = true
	for _, d := range o.dags {
		o.evalQuorum(d, why)
	}
	for _, db := range o.dbs {
		o.evalDB(db, why)
	}
	o.settle(why)
	for _, d := range o.dags {
		o.armRebalance(d)
		o.armLagManager(d)
	}
	o.busy = false
	o.flushLosses()
}

// flushLosses tells the environment about lost windows and moved databases once the
// model is consistent, so its callbacks may call back in.
func (o *Org) flushLosses() {
	ls := o.losses
	o.losses = nil
	for _, l := range ls {
		if o.env.LossyFailover != nil {
			o.env.LossyFailover(l.db, l.from, l.to)
		}
	}
	for _, db := range o.dbs {
		if w := db.where(); w != db.told {
			db.told = w
			if o.env.DatabaseChanged != nil {
				o.env.DatabaseChanged(db.name, db.active.server.name, db.mounted)
			}
		}
	}
}

// evalQuorum decides which members form the cluster's majority. Votes: every member,
// plus the file share witness when the member count is even (Node and File Share
// Majority); an odd count is Node Majority [DAG]. Members that are down do not vote; a
// paused node keeps its vote (inferred, see doc.go). Members split into groups that can
// talk to each other; the witness's vote goes to the group of the locking node if it
// can still reach the witness, else to the first group (in member order) that can.
func (o *Org) evalQuorum(d *dagT, why string) {
	n := 0
	for _, m := range d.members {
		if !m.evicted {
			n++
		}
	}
	witness := d.witnessInUse()
	nfsm := d.nfsm()
	useWitness := d.witnessVotes()
	total := 0
	for _, m := range d.members {
		total += d.nodeVote(m)
	}
	if useWitness {
		total++
	}
	needed := total/2 + 1
	group := make([]int, len(d.members))
	for i := range group {
		group[i] = -1
	}
	ngroups := 0
	for i, m := range d.members {
		if !m.votes() || group[i] >= 0 {
			continue
		}
		group[i] = ngroups
		stack := []int{i}
		for len(stack) > 0 {
			a := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j, b := range d.members {
				if b.votes() && group[j] < 0 && o.reach(d.members[a].name, b.name) && o.reach(b.name, d.members[a].name) {
					group[j] = ngroups
					stack = append(stack, j)
				}
			}
		}
		ngroups++
	}
	votes := make([]int, ngroups)
	for i, m := range d.members {
		if group[i] >= 0 {
			votes[group[i]] += d.nodeVote(m)
		}
	}
	if useWitness {
		li := -1
		for i, m := range d.members {
			if m == d.lock {
				li = i
			}
		}
		if li < 0 || group[li] < 0 || !o.reach(d.lock.name, witness) {
			d.lock = nil
			for i, m := range d.members {
				if group[i] >= 0 && o.reach(m.name, witness) {
					d.lock, li = m, i
					break
				}
			}
		}
		if d.lock != nil {
			votes[group[li]]++
		}
	}
	best, bestVotes := -1, 0
	for g, v := range votes {
		if v > bestVotes {
			best, bestVotes = g, v
		}
	}
	has := bestVotes >= needed
	var majority []string
	for i, m := range d.members {
		m.inQuorum = has && group[i] == best
		if m.inQuorum {
			majority = append(majority, m.name)
		}
	}
	if has && useWitness && d.lock != nil && d.lock.inQuorum {
		majority = append(majority, "witness "+witness)
	}
	if has != d.hasQuorum || bestVotes != d.votes {
		note(o, "", d.name, QuorumChange{DAG: d.name, Quorum: has, Had: d.hasQuorum, Votes: bestVotes, Total: total, Needed: needed, Majority: majority, FileShareWitness: nfsm, Why: why})
	}
	d.hasQuorum, d.votes = has, bestVotes
	o.evalPAM(d, why)
	o.evalDACP(d)
	o.evalStale(d)
	o.armVoteAdjust(d)
}

// evalPAM keeps the PAM on the owner of the cluster group: it stays while its server is
// in the majority (a paused owner keeps the groups it owns), and otherwise moves to the
// first member in the majority that is not paused (groups never move to a paused node).
func (o *Org) evalPAM(d *dagT, why string) {
	old := d.pam
	switch {
	case !d.hasQuorum:
		d.pam = nil
	case d.pam != nil && d.pam.inQuorum:
	default:
		d.pam = nil
		for _, m := range d.members {
			if m.inQuorum && !m.paused {
				d.pam = m
				break
			}
		}
	}
	if old == d.pam {
		return
	}
	e := PAMChanged{DAG: d.name, Quorum: d.hasQuorum, Why: why}
	if old != nil {
		e.From = old.name
	}
	if d.pam != nil {
		e.PAM = d.pam.name
	}
	note(o, e.PAM, d.name, e)
}

// available reports whether db's copy c can be mounted where it is, and if not why.
func (o *Org) available(c *dbCopy) (bool, string) {
	sv := c.server
	switch {
	case !sv.up:
		return false, "server " + sv.name + " is down"
	case c.broken:
		return false, "the database copy on " + sv.name + " failed"
	case c.db.dag != nil && !c.db.dag.hasQuorum:
		return false, "DAG " + c.db.dag.name + " has no quorum"
	case c.db.dag != nil && !sv.inQuorum:
		return false, sv.name + " is cut off from the DAG's majority, so its cluster service stopped"
	}
	if why := o.mountBlock(sv); why != "" {
		return false, why
	}
	return true, ""
}

func (o *Org) evalDB(db *database, why string) {
	a := db.active
	ok, cause := o.available(a)
	now := o.s.Now()
	if db.mounted && !ok {
		db.mounted = false
		db.downSince = now
		db.lastNoCopy = NoFailoverTarget{}
		note(o, a.server.name, db.name, DatabaseDismounted{Database: db.name, Server: a.server.name, Cause: cause})
	}
	if db.mounted || !db.wantMounted {
		db.detect.Stop()
		return
	}
	if ok {
		if a.server.moveNow && db.dag != nil {
			if c, act, _ := o.bestCopy(db, selectOpts{}); c != nil {
				act.Action, act.Automatic, act.By, act.MoveNow = ActionSwitchover, true, "Active Manager", MoveNowAtMount
				o.activate(db, c, act)
				return
			}
		}
		db.mounted = true
		db.lastNoCopy = NoFailoverTarget{}
		db.detect.Stop()
		note(o, a.server.name, db.name, DatabaseMounted{Database: db.name, Server: a.server.name, Why: why})
		return
	}
	if db.dag == nil || !db.dag.hasQuorum || db.dag.pam == nil {
		return // standalone: waits for its server; DAG: waits for quorum / a PAM
	}
	if due := db.downSince + o.t.FailureDetection; now < due {
		if !db.detect.Armed() {
			_ = db.detect.Reset(due)
		}
		return
	}
	o.failover(db, cause)
}

// failover runs best copy selection for a database whose active copy is lost.
func (o *Org) failover(db *database, cause string) {
	pam := db.dag.pam.name
	c, act, skipped := o.bestCopy(db, selectOpts{})
	if c == nil {
		e := NoFailoverTarget{Database: db.name, PAM: pam, Cause: cause, Skipped: skipped}
		if l := db.lastNoCopy; e.Database != l.Database || e.PAM != l.PAM || e.Cause != l.Cause || !slices.Equal(e.Skipped, l.Skipped) {
			db.lastNoCopy = e
			note(o, pam, db.name, e)
		}
		return
	}
	act.Action, act.Automatic, act.By, act.Cause = ActionFailover, true, "the PAM ("+pam+")", cause
	o.activate(db, c, act)
}

// settle derives every copy's status, journals changes, and starts or stops log
// shipping and resynchronization as copies connect and disconnect.
func (o *Org) settle(why string) {
	for _, db := range o.dbs {
		for _, c := range db.copies {
			repl := o.replicating(c)
			if repl && c.epoch != db.epoch {
				if v := db.valid(c); c.copied > v {
					c.phase = phaseResync
					_ = c.timer.ResetAfter(o.t.Resynchronizing)
					repl = false
				} else {
					c.epoch = db.epoch
					c.conn++
					c.rconn++
					c.repl = false // catch up from the new source below
				}
			}
			if !repl && c.repl {
				c.conn++
			}
			if repl && !c.repl {
				o.catchUp(c)
			}
			c.repl = repl
			st := o.status(c)
			if st != c.shown {
				if c.shown != statusNone {
					note(o, c.server.name, c.name(), CopyChange{Database: db.name, Server: c.server.name, From: c.shown, To: st, Why: why})
				}
				c.shown = st
				o.watchAutoReseed(c, st)
			}
		}
	}
}

// connected reports whether c can talk to its database's active copy for log shipping.
func (o *Org) connected(c *dbCopy) bool {
	a := c.db.active
	return a.server.up && !a.broken && o.reach(a.server.name, c.server.name) && o.reach(c.server.name, a.server.name)
}

func (o *Org) replicating(c *dbCopy) bool {
	return c != c.db.active && c.db.dag != nil && c.server.up && !c.broken && !c.suspended && c.phase == phaseReady && o.connected(c)
}

func (o *Org) status(c *dbCopy) Status {
	db := c.db
	if c == db.active {
		switch {
		case !c.server.up:
			return ServiceDown
		case db.mounted:
			return Mounted
		}
		return Dismounted
	}
	if st := seedStatus(c); st != statusNone && c.server.up {
		return st
	}
	switch {
	case !c.server.up:
		return ServiceDown
	case c.broken && c.suspended:
		return FailedAndSuspended
	case c.broken:
		return Failed
	case c.suspended:
		return Suspended
	case c.phase == phaseInit:
		return Initializing
	case c.phase == phaseResync:
		if o.connected(c) {
			return Resynchronizing
		}
		return DisconnectedAndResynchronizing
	case !o.connected(c):
		return DisconnectedAndHealthy
	}
	return Healthy
}

// startInit puts a passive copy into Initializing for Timings.Initializing.
func (o *Org) startInit(c *dbCopy) {
	c.phase = phaseInit
	_ = c.timer.ResetAfter(o.t.Initializing)
}

func (o *Org) phaseDone(c *dbCopy) {
	switch c.phase {
	case phaseInit:
		c.phase = phaseReady
		o.update(c.name() + " finished initializing")
	case phaseResync:
		v := c.db.valid(c)
		c.copied = min(c.copied, v)
		c.replayed = min(c.replayed, v)
		c.epoch = c.db.epoch
		c.phase = phaseReady
		c.conn++
		c.rconn++
		c.repl = false
		o.update(c.name() + " finished resynchronizing")
	}
}

// ServerDown records a crash or stop of server: its copies go ServiceDown, its mounted
// databases dismount, and after Timings.FailureDetection the PAM fails them over. A
// down server also stops voting for its DAG's quorum.
func (o *Org) ServerDown(server string) {
	sv, ok := o.servers[key(server)]
	if !ok || !sv.up {
		return
	}
	sv.up = false
	sv.dacp = false // the bit lives in Active Manager's memory
	for _, db := range o.dbs {
		if c := o.copyOn(db, sv); c != nil {
			c.timer.Stop()
			c.phase = phaseInit
			c.conn++
			c.rconn++
		}
	}
	note(o, sv.name, sv.name, ServerDown{Server: sv.name})
	o.update("server " + sv.name + " went down")
}

// ServerStop is a clean shutdown of an Exchange 2013+ server: Exchange hooks Windows
// shutdown and first tries to activate another copy of every database mounted there
// (best copy selection; lossless here because the server still answers), then the
// server goes down as with ServerDown [MANAGE-DAG-13/16]. For Exchange 2010, call
// ServerDown.
func (o *Org) ServerStop(server string) {
	sv, ok := o.servers[key(server)]
	if !ok || !sv.up {
		return
	}
	for _, db := range o.dbs {
		if db.dag == nil || db.active.server != sv || !db.mounted {
			continue
		}
		if c, act, skipped := o.bestCopy(db, selectOpts{}); c != nil {
			act.Action, act.Automatic, act.By = ActionSwitchover, true, "Shutdown of "+sv.name+" and Active Manager"
			o.activate(db, c, act)
		} else {
			note(o, sv.name, db.name, ShutdownNoTarget{Server: sv.name, Database: db.name, Skipped: skipped})
		}
	}
	o.ServerDown(server)
}

// ServerUp records that server booted: its replication service starts, so its passive
// copies go through Initializing; its active databases mount again if nothing else
// took them over.
func (o *Org) ServerUp(server string) {
	sv, ok := o.servers[key(server)]
	if !ok || sv.up {
		return
	}
	sv.up = true
	for _, db := range o.dbs {
		if c := o.copyOn(db, sv); c != nil {
			if c == db.active {
				c.phase = phaseReady
			} else {
				o.startInit(c)
			}
		}
	}
	note(o, sv.name, sv.name, ServerUp{Server: sv.name})
	o.update("server " + sv.name + " came back")
}

// NetworkChanged re-evaluates quorum, log shipping and failovers after partitions
// changed.
func (o *Org) NetworkChanged() { o.update("the network changed") }

// FailCopy fails one database copy (its disk): a passive copy shows Failed; an active
// copy dismounts and the PAM fails the database over after Timings.FailureDetection.
// The failed copy's logs are unreadable, so a failover from it is lossy (choice).
func (o *Org) FailCopy(db, server string) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	if c.broken {
		return nil
	}
	c.broken = true
	c.conn++
	c.rconn++
	note(o, c.server.name, c.name(), CopyFailed{Database: c.db.name, Server: c.server.name})
	o.update("copy " + c.name() + " failed")
	return nil
}

// RepairCopy ends a FailCopy: the replication service re-checks the copy, which goes
// Initializing and then Healthy (or FailedAndSuspended stays Suspended until resumed).
func (o *Org) RepairCopy(db, server string) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	if !c.broken {
		return nil
	}
	c.broken = false
	if c != c.db.active && c.server.up {
		o.startInit(c)
	}
	note(o, c.server.name, c.name(), CopyRepaired{Database: c.db.name, Server: c.server.name})
	o.update("copy " + c.name() + " was repaired")
	return nil
}

func (o *Org) identity(db, server string) (*dbCopy, error) {
	d, err := o.database(db)
	if err != nil {
		return nil, err
	}
	sv, err := o.server(server)
	if err != nil {
		return nil, err
	}
	c := o.copyOn(d, sv)
	if c == nil {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s\\%s' couldn't be found.", d.name, sv.name)
	}
	return c, nil
}
