package dag

import (
	"errors"
	"fmt"
)

// MaintenanceOptions are StartDagServerMaintenance.ps1's switches.
type MaintenanceOptions struct {
	// PauseClusterNode pauses the node (stage 2). The documented summary says the
	// script pauses it; the 2022 script only does with -pauseClusterNode. Default true.
	PauseClusterNode bool
	// SuspendActivationOnly runs Suspend-MailboxDatabaseCopy -ActivationOnly on every
	// replicated copy of the server in stage 1, as the 2010 and 2013-era script does.
	SuspendActivationOnly bool
	// OverrideMinimumTwoCopies lets the redundancy check accept one remaining healthy
	// copy (-overrideMinimumTwoCopies).
	OverrideMinimumTwoCopies bool
	// Force skips the rollback when critical resources remain (-Force 'true').
	Force bool
	// NoComponentStates: the server runs Exchange 2010, which has no server component
	// states (exchange-dag-components.md section 2.5), so stage 1 leaves
	// HighAvailability alone and nothing about it is journaled.
	NoComponentStates bool
}

// Exchange2010Maintenance is what the 2010 SP1+ script does (exchange-dag-components.md
// section 2.5: "Suspend-MailboxDatabaseCopy -ActivationOnly on each copy; pause the
// cluster node; policy Blocked; move the active databases; move the cluster core
// group"): every copy on the server is suspended for activation, the node is paused,
// and there are no component states.
var Exchange2010Maintenance = MaintenanceOptions{PauseClusterNode: true, SuspendActivationOnly: true, NoComponentStates: true}

// DefaultMaintenance is what StartDagServerMaintenance(server) runs with.
var DefaultMaintenance = MaintenanceOptions{PauseClusterNode: true}

const startScript = "StartDagServerMaintenance.ps1"

// StartDagServerMaintenance runs StartDagServerMaintenance.ps1 -serverName server with
// DefaultMaintenance.
func (o *Org) StartDagServerMaintenance(server string) error {
	return o.StartDagServerMaintenanceWith(server, DefaultMaintenance)
}

// StartDagServerMaintenanceWith runs the script's stages at the current instant
// [MANAGE-DAG-16; START-OLD; START-NEW; DAGLIB]:
//
//  1. DatabaseCopyAutoActivationPolicy Blocked; the HighAvailability component
//     Inactive (Maintenance) if it was Active and Env.SetHighAvailability is wired;
//     with SuspendActivationOnly, every replicated copy suspended -ActivationOnly.
//  2. With PauseClusterNode, the cluster node is paused.
//  3. On a DAG member, the critical resources are moved: every active database is
//     switched over (best copy selection, which skips Blocked and paused servers) and
//     the cluster group (the PAM) moves to another member.
//
// Then the critical resources are checked again. If any remain, the script fails with
// an error naming them and, unless Force, rolls back everything but the database moves
// (node resumed, policy Unrestricted, HighAvailability Active if the script changed
// it, its activation suspends resumed). The script's retries one minute apart are not
// modelled: the moves here either succeed at once or cannot succeed without a change.
func (o *Org) StartDagServerMaintenanceWith(server string, opt MaintenanceOptions) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	by := startScript
	note(o, sv.name, sv.name, MaintenanceStarted{Server: sv.name, Script: by})
	o.setPolicy(sv, Blocked, by)
	haChanged := false
	if o.env.SetHighAvailability != nil && !opt.NoComponentStates && !o.haBlocked(sv) {
		o.env.SetHighAvailability(sv.name, false)
		haChanged = true
		note(o, sv.name, sv.name, HighAvailabilitySet{Server: sv.name, By: by})
	}
	var suspended []*dbCopy
	if opt.SuspendActivationOnly {
		for _, d := range o.dbs {
			// Every replicated copy, the active one included: the script runs
			// Suspend-MailboxDatabaseCopy -ActivationOnly for each database of the server
			// before it moves any, so a moved database cannot come back.
			if c := o.copyOn(d, sv); c != nil && d.dag != nil && !c.activationSuspended {
				if o.suspend(c, true, by) == nil {
					suspended = append(suspended, c)
				}
			}
		}
	}
	paused := false
	if opt.PauseClusterNode && sv.dag != nil && !sv.paused {
		note(o, sv.name, sv.name, MaintenanceStage{Server: sv.name, Script: by, Stage: 2})
		o.pause(sv, true, by)
		paused = true
	}
	var moveErrs []error
	if sv.dag != nil {
		note(o, sv.name, sv.name, MaintenanceStage{Server: sv.name, Script: by, Stage: 3})
		moveErrs = o.moveAll(sv, "", by+" asked Move-ActiveMailboxDatabase -Server "+sv.name+" and Active Manager")
		if d := sv.dag; d.pam == sv {
			o.movePAM(d, by)
		}
		o.update(by + " moved critical resources")
	}
	crit := o.criticalResources(sv, opt)
	if len(crit) == 0 {
		note(o, sv.name, sv.name, MaintenanceFinished{Server: sv.name, Script: by})
		return nil
	}
	err = errors.New(maintenanceFailure(by, sv.name, crit, moveErrs))
	note(o, sv.name, sv.name, MaintenanceFailed{Server: sv.name, Script: by, Critical: crit, MoveErrors: moveErrs, Force: opt.Force})
	if opt.Force {
		return err
	}
	rb := by + " rollback"
	if paused {
		o.pause(sv, false, rb)
	}
	// The scripts restore Unrestricted, not the policy the server had before.
	o.setPolicy(sv, Unrestricted, rb)
	if haChanged {
		o.env.SetHighAvailability(sv.name, true)
		note(o, sv.name, sv.name, HighAvailabilitySet{Server: sv.name, By: rb, Active: true, Rollback: true})
		o.update(rb)
	}
	for _, c := range suspended {
		o.resume(c, rb)
	}
	return err
}

// movePAM moves the cluster group (and the PAM role) to the first other member in the
// majority that is not paused.
func (o *Org) movePAM(d *dagT, by string) {
	from := d.pam
	for _, m := range d.members {
		if m != from && m.inQuorum && !m.paused {
			d.pam = m
			note(o, m.name, d.name, PAMMoved{DAG: d.name, From: from.name, To: m.name, By: by})
			return
		}
	}
	note(o, from.name, d.name, PAMMoveFailed{DAG: d.name, From: from.name, By: by})
}

// criticalResources is GetCriticalMailboxResources [DAGLIB]: what stops server from
// entering maintenance.
func (o *Org) criticalResources(sv *server, opt MaintenanceOptions) []string {
	var out []string
	d := sv.dag
	if d != nil && len(d.members) >= 2 && d.pam == sv {
		out = append(out, fmt.Sprintf("%s is the Primary Active Manager of DAG %s", sv.name, d.name))
	}
	upServers := 0
	if d != nil {
		for _, m := range d.members {
			if m.up {
				upServers++
			}
		}
	}
	atLeast := 2
	if upServers == 2 || opt.OverrideMinimumTwoCopies {
		atLeast = 1
	}
	for _, db := range o.dbs {
		c := o.copyOn(db, sv)
		if c == nil {
			continue
		}
		if len(db.copies) == 1 {
			out = append(out, fmt.Sprintf("%s: non-replicated database (assumed to hold mailboxes)", db.name))
			continue
		}
		if c == db.active {
			out = append(out, fmt.Sprintf("%s: Copy is active", db.name))
			continue
		}
		if !db.mounted {
			out = append(out, fmt.Sprintf("%s: Active is dismounted on %s", db.name, db.active.server.name))
		}
		if !sv.up {
			if !db.mounted {
				out = append(out, fmt.Sprintf("%s: Copy is potentially active while replay service is down", db.name))
			} else if sv.policy != Blocked {
				out = append(out, fmt.Sprintf("%s: copy is ServiceDown and the server's policy is not Blocked", db.name))
			}
		}
		healthy := 0
		for _, x := range db.copies {
			if x == c {
				continue
			}
			if st := o.status(x); st == Mounted || st == Healthy {
				healthy++
			}
		}
		if healthy < atLeast {
			out = append(out, fmt.Sprintf("%s: fails redundancy validation: %d healthy copy(ies) would remain, at least %d required", db.name, healthy, atLeast))
		}
	}
	return out
}

// StopDagServerMaintenance runs StopDagServerMaintenance.ps1 -serverName server: it
// resumes the cluster node, sets the policy Unrestricted, sets HighAvailability Active
// (unverified for the newer script; chosen) and runs Resume-MailboxDatabaseCopy on
// every copy of the server. By design this clears every activation block, including
// those that existed before maintenance (Exchange Team Blog, "Preserving Activation
// Blocks After Performing DAG Member Maintenance").
func (o *Org) StopDagServerMaintenance(server string) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	by := "StopDagServerMaintenance.ps1"
	note(o, sv.name, sv.name, MaintenanceReset{Server: sv.name, Script: by})
	if sv.dag != nil {
		o.pause(sv, false, by)
	}
	o.setPolicy(sv, Unrestricted, by)
	if o.env.SetHighAvailability != nil && o.haBlocked(sv) {
		o.env.SetHighAvailability(sv.name, true)
		note(o, sv.name, sv.name, HighAvailabilitySet{Server: sv.name, By: by, Active: true})
	}
	for _, d := range o.dbs {
		if c := o.copyOn(d, sv); c != nil {
			o.resume(c, by+" ran Resume-MailboxDatabaseCopy")
		}
	}
	o.update(by)
	return nil
}
