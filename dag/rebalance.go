package dag

import (
	"errors"
	"fmt"
	"time"
)

// DefaultPreferenceMoveFrequency is the DAG property's default on Exchange 2016 CU2 and
// later [MANAGE-DAG-16 note; SET-DAG].
const DefaultPreferenceMoveFrequency = time.Hour

// InfiniteTimeSpan is .NET's Timeout.InfiniteTimeSpan (-00:00:00.0010000), the value
// Set-DatabaseAvailabilityGroup -PreferenceMoveFrequency takes to turn rebalancing off.
const InfiniteTimeSpan = -time.Millisecond

// DAGOptions are properties of a DAG given when it is created.
type DAGOptions struct {
	// Exchange2016 says the members run Exchange 2016 CU2 or later (2019 too): the DAG
	// has PreferenceMoveFrequency, 1 hour by default. 2010 and 2013 DAGs lack it and
	// never rebalance on their own.
	Exchange2016 bool
	// DynamicQuorum says the cluster runs on Windows Server 2012 R2 or later (Exchange
	// 2013 and later, see quorum_dynamic.go): dynamic quorum and dynamic witness.
	DynamicQuorum bool
	// ReplayLagManager says the DAG has ReplayLagManagerEnabled (Exchange 2013+), and
	// ReplayLagManagerEnabled is its default (playdown.go: False on 2013, True on
	// 2016 and later).
	ReplayLagManager, ReplayLagManagerEnabled bool
}

const kindRebalance = 0x4405

// AddDAGWith is AddDAG with options.
func (o *Org) AddDAGWith(name string, members []string, witness string, opt DAGOptions) error {
	if err := o.AddDAG(name, members, witness); err != nil {
		return err
	}
	d := o.dagByN[key(name)]
	d.hasPMF = opt.Exchange2016
	if opt.Exchange2016 {
		d.pmf = DefaultPreferenceMoveFrequency
	}
	if opt.DynamicQuorum {
		d.dynamic = true
		d.adjust = o.s.NewFuncTimer(kindVotes, func() { o.adjustVotes(d) })
	}
	if opt.ReplayLagManager {
		d.lagManager = opt.ReplayLagManagerEnabled
		d.lagTimer = o.s.NewFuncTimer(kindLagManager, func() { o.lagCheck(d) })
	}
	d.created = o.s.Now()
	d.rebalance = o.s.NewFuncTimer(kindRebalance, func() { o.rebalanceTick(d) })
	o.armRebalance(d)
	return nil
}

// SetPreferenceMoveFrequency is Set-DatabaseAvailabilityGroup dag
// -PreferenceMoveFrequency every. InfiniteTimeSpan (or 0) turns automatic rebalancing
// off. The checks stay on the DAG's own schedule: every interval counted from the
// DAG's creation, so a new value takes effect at the next multiple of it.
func (o *Org) SetPreferenceMoveFrequency(dagName string, every time.Duration) error {
	d, ok := o.dagByN[key(dagName)]
	if !ok {
		return fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", dagName)
	}
	if !d.hasPMF {
		return errors.New("A parameter cannot be found that matches parameter name 'PreferenceMoveFrequency'. (Exchange 2016 CU2 added it; this DAG's members run an earlier version.)")
	}
	if every < 0 && every != InfiniteTimeSpan {
		return fmt.Errorf("Cannot bind parameter 'PreferenceMoveFrequency'. The value %v is negative; use a positive interval or InfiniteTimeSpan to disable it.", every)
	}
	if every == InfiniteTimeSpan {
		every = 0
	}
	d.pmf = every
	note(o, "", d.name, PreferenceMoveFrequencySet{DAG: d.name, Every: every})
	o.armRebalance(d)
	return nil
}

// PreferenceMoveFrequency returns the DAG's interval (0: never rebalances).
func (o *Org) PreferenceMoveFrequency(dagName string) time.Duration {
	if d, ok := o.dagByN[key(dagName)]; ok {
		return d.pmf
	}
	return 0
}

// fmtSpan prints a duration as a .NET TimeSpan ("01:00:00"; "InfiniteTimeSpan" for off).
func fmtSpan(d time.Duration) string {
	if d <= 0 {
		return "InfiniteTimeSpan"
	}
	return FormatTimeSpan(d)
}

// armRebalance keeps the DAG's check timer armed for the next multiple of the interval
// after its creation while some database of the DAG is active off its preference-1
// copy, and disarmed otherwise. A check with every database at home does nothing, so
// skipping it changes no outcome; it only keeps an idle DAG off the event agenda.
func (o *Org) armRebalance(d *dagT) {
	if d.rebalance == nil {
		return
	}
	away := false
	for _, db := range o.dbs {
		if db.dag == d && db.active.pref != 1 {
			away = true
			break
		}
	}
	if d.pmf <= 0 || !away {
		d.rebalance.Stop()
		return
	}
	now := o.s.Now()
	next := d.created + ((now-d.created)/d.pmf+1)*d.pmf
	if d.rebalance.Armed() && d.rebalance.When() == next {
		return
	}
	_ = d.rebalance.Reset(next)
}

// rebalanceTick is one PreferenceMoveFrequency check: every mounted database of the
// DAG whose ActivationPreference 1 copy is not active is switched over to it when that
// can be done losslessly and the copy may be activated automatically; otherwise it is
// left where it is until the next check.
func (o *Org) rebalanceTick(d *dagT) {
	moved := false
	for _, db := range o.dbs {
		if db.dag != d {
			continue
		}
		if db.active.pref == 1 {
			db.lastRebalance = RebalanceSkipped{}
			continue
		}
		home := db.copies[0]
		why := o.rebalanceBlock(db, home)
		if why != "" {
			e := RebalanceSkipped{Database: db.name, Server: db.active.server.name, Home: home.server.name, Why: why, Every: d.pmf}
			if e != db.lastRebalance {
				db.lastRebalance = e
				note(o, home.server.name, db.name, e)
			}
			continue
		}
		db.lastRebalance = RebalanceSkipped{}
		o.activate(db, home, Activation{Action: ActionSwitchover, Automatic: true, By: "Active Manager", Rebalance: true, Every: d.pmf})
		moved = true
	}
	if moved {
		o.update("PreferenceMoveFrequency rebalancing")
		return
	}
	o.armRebalance(d)
}

// rebalanceBlock says why the preference-1 copy home may not take db back now ("" if
// it may): the move must be a lossless switchover onto a copy Active Manager may
// activate automatically.
func (o *Org) rebalanceBlock(db *database, home *dbCopy) string {
	src := db.active
	switch {
	case !db.dag.hasQuorum || db.dag.pam == nil:
		return "DAG " + db.dag.name + " has no quorum or no Primary Active Manager"
	case !db.mounted:
		return db.name + " is not mounted, and rebalancing only switches over a mounted database"
	case home.server.moveNow:
		return home.server.name + " has DatabaseCopyActivationDisabledAndMoveNow set"
	}
	if why := o.autoBlock(home, src); why != "" {
		return home.server.name + ": " + why
	}
	if why := o.atMaxPreferred(home.server, db); why != "" {
		return why
	}
	if st := o.status(home); st != Healthy {
		return fmt.Sprintf("%s is %s, not Healthy", home.name(), st)
	}
	// A switchover first copies the last logs from the old active copy; whatever it
	// cannot get would be lost, and rebalancing never loses a log.
	post := db.cql(home)
	if o.logsFrom(src, home) {
		post = 0
	}
	if post > 0 {
		return fmt.Sprintf("%s would still miss %d log(s), and a rebalancing switchover must be lossless", home.name(), post)
	}
	return ""
}
