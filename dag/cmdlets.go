package dag

import (
	"errors"
	"fmt"
	"strings"
)

// Error texts follow Exchange's shapes ("An Active Manager operation failed. Error: ...");
// only the HighAvailability text is quoted from a source (Q&A 299342), the rest are
// written in the same style.
const amFailed = "An Active Manager operation failed. Error: The database action failed. Error: "

func errValidate(c *dbCopy, why string) error {
	return fmt.Errorf("%sAn error occurred while trying to validate the specified database copy for possible activation. Error: Database copy '%s' on server '%s' %s.", amFailed, c.db.name, c.server.name, why)
}

// Mount is Mount-Database: it mounts db's active copy where it is. It never moves the
// active copy; it fails when that copy cannot mount (server down, copy failed, no
// quorum).
func (o *Org) Mount(db string) error {
	d, err := o.database(db)
	if err != nil {
		return err
	}
	if d.mounted {
		return nil
	}
	a := d.active
	if why := o.atMaxActive(a.server, d); why != "" {
		note(o, a.server.name, d.name, MountRefused{Database: d.name, Server: a.server.name, Cause: why})
		return fmt.Errorf("Couldn't mount the database that you specified. Specified database: %s; Error code: %s%s.", d.name, amFailed, why)
	}
	if ok, cause := o.available(a); !ok {
		note(o, a.server.name, d.name, MountRefused{Database: d.name, Server: a.server.name, Cause: cause})
		return fmt.Errorf("Couldn't mount the database that you specified. Specified database: %s; Error code: %s%s.", d.name, amFailed, cause)
	}
	d.wantMounted, d.mounted = true, true
	d.lastNoCopy = NoFailoverTarget{}
	note(o, a.server.name, d.name, DatabaseMounted{Database: d.name, Server: a.server.name, ByAdmin: true})
	o.update("an admin mounted " + d.name)
	return nil
}

// Dismount is Dismount-Database: the active copy dismounts and stays dismounted (no
// failover) until Mount-Database. Passive copies keep their status.
func (o *Org) Dismount(db string) error {
	d, err := o.database(db)
	if err != nil {
		return err
	}
	if !d.wantMounted && !d.mounted {
		return nil
	}
	d.wantMounted, d.mounted = false, false
	d.detect.Stop()
	note(o, d.active.server.name, d.name, DatabaseDismounted{Database: d.name, Server: d.active.server.name, ByAdmin: true})
	o.update("an admin dismounted " + d.name)
	return nil
}

// MoveOptions are Move-ActiveMailboxDatabase's optional parameters.
type MoveOptions struct {
	MountDialOverride MountDial // "" (None): the target server's own dial
	// SkipLagChecks lets a lagged copy be activated, even suspended (the documented
	// "suspend, then Move-ActiveMailboxDatabase -SkipLagChecks"): it replays its
	// whole replay queue as it mounts.
	SkipLagChecks bool
}

// Move is Move-ActiveMailboxDatabase db [-ActivateOnServer target]: a switchover. With
// no target, best copy selection picks one; with no healthy target the database stays
// where it is (mounted) and an error is returned [SWFO].
func (o *Org) Move(db, target string) error { return o.MoveWith(db, target, MoveOptions{}) }

// MoveWith is Move with options.
func (o *Org) MoveWith(db, target string, opt MoveOptions) error {
	d, err := o.database(db)
	if err != nil {
		return err
	}
	err = o.move(d, target, "Admin ran Move-ActiveMailboxDatabase and Active Manager", selectOpts{dial: opt.MountDialOverride, skipLag: opt.SkipLagChecks})
	o.update("an admin moved " + d.name)
	return err
}

// MoveServer is Move-ActiveMailboxDatabase -Server server [-ActivateOnServer target]:
// every database active on server is switched over.
func (o *Org) MoveServer(server, target string) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	errs := o.moveAll(sv, target, "Admin ran Move-ActiveMailboxDatabase -Server and Active Manager")
	o.update("an admin moved the databases off " + sv.name)
	return errors.Join(errs...)
}

func (o *Org) moveAll(sv *server, target, by string) []error {
	var errs []error
	for _, d := range o.dbs {
		if d.active.server == sv && d.dag != nil {
			if err := o.move(d, target, by, selectOpts{}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

func (o *Org) move(d *database, target, by string, opt selectOpts) error {
	src := d.active
	refuse := func(err error) error {
		note(o, src.server.name, d.name, MoveRefused{Database: d.name, Server: src.server.name, Err: err})
		return err
	}
	if d.dag == nil {
		return refuse(fmt.Errorf("%sDatabase '%s' isn't replicated (it has one copy, on %s), so there is no other copy to activate.", amFailed, d.name, src.server.name))
	}
	if !d.dag.hasQuorum || d.dag.pam == nil {
		return refuse(fmt.Errorf("An Active Manager operation failed. Error: An Active Manager operation encountered an error. To perform this operation, the server must be a member of a database availability group, and the database availability group must have quorum. Database availability group '%s' doesn't have quorum.", d.dag.name))
	}
	if target == "" {
		c, act, skipped := o.bestCopy(d, opt)
		if c == nil {
			return refuse(fmt.Errorf("%sAn error occurred while trying to select a database copy for possible activation. Error: No database copy of '%s' is eligible for activation (%s).", amFailed, d.name, strings.Join(skipped, "; ")))
		}
		act.Action, act.Automatic, act.By = ActionSwitchover, true, by
		o.activate(d, c, act)
		return nil
	}
	sv, err := o.server(target)
	if err != nil {
		return refuse(err)
	}
	c := o.copyOn(d, sv)
	switch {
	case c == nil:
		return refuse(fmt.Errorf("%sDatabase '%s' doesn't have a copy on server '%s'.", amFailed, d.name, sv.name))
	case c == src:
		return refuse(fmt.Errorf("%sDatabase '%s' is already active on server '%s'.", amFailed, d.name, sv.name))
	case !sv.up:
		return refuse(errValidate(c, "is on a server that can't be contacted (status ServiceDown)"))
	case !sv.inQuorum:
		return refuse(errValidate(c, "is on a server that isn't in the database availability group's majority"))
	case o.mountBlock(sv) != "":
		return refuse(errValidate(c, "can't be mounted: "+o.mountBlock(sv)))
	case o.atMaxActive(sv, d) != "":
		return refuse(errValidate(c, "can't be activated: "+o.atMaxActive(sv, d)))
	case o.haBlocked(sv):
		return refuse(fmt.Errorf("Server '%s' component (HighAvailability) state is offline. If you need to activate databases copies on this server, you can use Set-ServerComponentState -Component 'HighAvailability' -State 'Active' and retry Move-ActiveMailboxDatabase.", sv.name))
	}
	lagged := c.lag > 0 && opt.skipLag
	if c.lag > 0 && !opt.skipLag {
		return refuse(errValidate(c, fmt.Sprintf("is a lagged copy (ReplayLagTime %s, replay queue %d logs); specify -SkipLagChecks to activate it", FormatTimeSpan(c.lag), d.rql(c))))
	}
	if st := o.status(c); !eligible(st) && !(lagged && st == Suspended) {
		return refuse(errValidate(c, fmt.Sprintf("is in state '%s' and can't be activated", st)))
	}
	if c.activationSuspended && !lagged {
		return refuse(errValidate(c, "has been administratively blocked from activation (activation suspended); run Resume-MailboxDatabaseCopy first"))
	}
	post := d.cql(c)
	if o.logsFrom(src, c) {
		post = 0
	}
	dial := opt.dial
	if dial == "" {
		dial = sv.dial
	}
	if !dial.allows(post) {
		return refuse(errValidate(c, fmt.Sprintf("has a copy queue length of %d logs, which is too high for the %s mount dial", post, dial)))
	}
	o.activate(d, c, Activation{Action: ActionSwitchover, By: by})
	return nil
}

// SuspendCopy is Suspend-MailboxDatabaseCopy db\server [-ActivationOnly]. Without
// -ActivationOnly both replication and activation stop (Suspended); with it only
// activation is blocked and the copy keeps replicating. The active copy can only be
// suspended -ActivationOnly.
func (o *Org) SuspendCopy(db, server string, activationOnly bool) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	return o.suspend(c, activationOnly, "Admin ran Suspend-MailboxDatabaseCopy")
}

func (o *Org) suspend(c *dbCopy, activationOnly bool, by string) error {
	if c.db.dag == nil {
		return fmt.Errorf("Database '%s' isn't replicated, so its copy can't be suspended.", c.db.name)
	}
	// -ActivationOnly on the active copy is accepted: Microsoft's maintenance scripts
	// run it on every replicated database of the server before moving any
	// [START-OLD stage 1], which they could not if Exchange refused it. Replication of
	// the active copy cannot be suspended.
	if c == c.db.active && !activationOnly {
		return fmt.Errorf("The suspend operation can't proceed because database '%s' on Exchange Mailbox server '%s' is the active mailbox database copy.", c.db.name, c.server.name)
	}
	if activationOnly {
		c.activationSuspended = true
		note(o, c.server.name, c.name(), CopySuspended{Database: c.db.name, Server: c.server.name, By: by, ActivationOnly: true})
	} else {
		c.suspended, c.activationSuspended = true, true
		c.rconn++
		note(o, c.server.name, c.name(), CopySuspended{Database: c.db.name, Server: c.server.name, By: by})
	}
	o.update(by + " on " + c.name())
	return nil
}

// ResumeCopy is Resume-MailboxDatabaseCopy db\server: it clears both kinds of suspend;
// a copy that was Suspended goes through Initializing. The cmdlet works on "a passive
// mailbox database copy" [Resume-MailboxDatabaseCopy doc], so the only copy of a
// database that is not replicated is refused, as Suspend-MailboxDatabaseCopy refuses
// it (the wording mirrors the suspend error; chosen, no source quotes it).
func (o *Org) ResumeCopy(db, server string) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	if c.db.dag == nil {
		return fmt.Errorf("Database '%s' isn't replicated, so its copy can't be resumed.", c.db.name)
	}
	if c.needsSeed || c.seeding {
		return fmt.Errorf(needsSeedMessage+" Run Update-MailboxDatabaseCopy.", c.name())
	}
	o.resume(c, "Admin ran Resume-MailboxDatabaseCopy")
	return nil
}

func (o *Org) resume(c *dbCopy, by string) {
	if !c.suspended && !c.activationSuspended {
		return
	}
	was := c.suspended
	c.suspended, c.activationSuspended = false, false
	if was && c != c.db.active && c.server.up && !c.broken {
		o.startInit(c)
	}
	note(o, c.server.name, c.name(), CopyResumed{Database: c.db.name, Server: c.server.name, By: by})
	o.update(by + " on " + c.name())
}

// SetAutoActivationPolicy is Set-MailboxServer -DatabaseCopyAutoActivationPolicy
// Unrestricted | IntrasiteOnly | Blocked. It governs automatic activation onto server.
func (o *Org) SetAutoActivationPolicy(server, policy string) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	p, err := parseEnum("DatabaseCopyAutoActivationPolicy", policy, Unrestricted, IntrasiteOnly, Blocked)
	if err != nil {
		return err
	}
	o.setPolicy(sv, p, "Admin ran Set-MailboxServer")
	return nil
}

func (o *Org) setPolicy(sv *server, p ActivationPolicy, by string) {
	if sv.policy == p {
		return
	}
	sv.policy = p
	note(o, sv.name, sv.name, AutoActivationPolicySet{Server: sv.name, Policy: p, By: by})
	o.update(by + " on " + sv.name)
}

// SetAutoDatabaseMountDial is Set-MailboxServer -AutoDatabaseMountDial
// BestAvailability | GoodAvailability | Lossless.
func (o *Org) SetAutoDatabaseMountDial(server, dial string) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	d, err := parseEnum("AutoDatabaseMountDial", dial, BestAvailability, GoodAvailability, Lossless)
	if err != nil {
		return err
	}
	sv.dial = d
	note(o, sv.name, sv.name, MountDialSet{Server: sv.name, Dial: d})
	o.update("an admin changed the mount dial of " + sv.name)
	return nil
}

// SetActivationDisabledAndMoveNow is Set-MailboxServer
// -DatabaseCopyActivationDisabledAndMoveNow: when true, databases mounted on server
// move away at once where another healthy copy exists, and none mounts there while
// one does [SET-MBXSRV].
func (o *Org) SetActivationDisabledAndMoveNow(server string, on bool) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	o.setMoveNow(sv, on, "Admin ran Set-MailboxServer")
	return nil
}

func (o *Org) setMoveNow(sv *server, on bool, by string) {
	if sv.moveNow == on {
		return
	}
	sv.moveNow = on
	note(o, sv.name, sv.name, ActivationDisabledAndMoveNowSet{Server: sv.name, On: on, By: by})
	if on {
		for _, d := range o.dbs {
			if d.dag == nil || d.active.server != sv || !d.mounted {
				continue
			}
			if c, act, _ := o.bestCopy(d, selectOpts{}); c != nil {
				act.Action, act.Automatic, act.By, act.MoveNow = ActionSwitchover, true, "Active Manager", MoveNowSet
				o.activate(d, c, act)
			} else {
				note(o, sv.name, d.name, MoveNowNoTarget{Database: d.name, Server: sv.name})
			}
		}
	}
	o.update(by + " on " + sv.name)
}

// SuspendClusterNode is Suspend-ClusterNode: the node is paused, so it cannot become
// the PAM and no database is activated on it automatically; the groups it owns stay
// owned and it keeps its quorum vote.
func (o *Org) SuspendClusterNode(server string) error {
	sv, err := o.clusterNode(server)
	if err != nil {
		return err
	}
	o.pause(sv, true, "Admin ran Suspend-ClusterNode")
	return nil
}

// ResumeClusterNode is Resume-ClusterNode.
func (o *Org) ResumeClusterNode(server string) error {
	sv, err := o.clusterNode(server)
	if err != nil {
		return err
	}
	o.pause(sv, false, "Admin ran Resume-ClusterNode")
	return nil
}

func (o *Org) clusterNode(server string) (*server, error) {
	sv, ok := o.servers[key(server)]
	if !ok || sv.dag == nil {
		return nil, fmt.Errorf("The cluster node '%s' was not found.", server)
	}
	return sv, nil
}

func (o *Org) pause(sv *server, on bool, by string) {
	if sv.paused == on {
		return
	}
	sv.paused = on
	note(o, sv.name, sv.name, NodePaused{Server: sv.name, Paused: on, By: by})
	o.update(by + " on " + sv.name)
}

// MoveClusterGroup is Move-ClusterGroup "Cluster Group" -Node node (FailoverClusters,
// Windows Server 2008 R2; cluster.exe's `group "Cluster Group" /moveto:node` does the
// same): the cluster core group, and with it the PAM role, moves to node [seed 003,
// step 3: "We move the PAM role with this command"]. A paused node or one outside the
// majority cannot own a group; the error texts are chosen, not quoted.
func (o *Org) MoveClusterGroup(node string) error {
	sv, err := o.clusterNode(node)
	if err != nil {
		return err
	}
	d := sv.dag
	switch {
	case d.pam == sv:
		return nil
	case !sv.up || !sv.inQuorum:
		return fmt.Errorf("The cluster group 'Cluster Group' could not be moved to node '%s': the node is not up.", sv.name)
	case sv.paused:
		return fmt.Errorf("The cluster group 'Cluster Group' could not be moved to node '%s': the node is paused.", sv.name)
	}
	from := ""
	if d.pam != nil {
		from = d.pam.name
	}
	d.pam = sv
	note(o, sv.name, d.name, PAMMoved{DAG: d.name, From: from, To: sv.name, By: "Move-ClusterGroup"})
	o.update("Admin ran Move-ClusterGroup")
	return nil
}
