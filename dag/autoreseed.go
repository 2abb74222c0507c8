package dag

import (
	"fmt"
	"time"
)

// AutoReseed (2013 SP1+, exchange-site-resilience.md 4.4), for a DAG whose volumes are
// configured for it (a scenario gives each member a number of spare disks; without
// that configuration AutoReseed has nothing to work with, so nothing happens). The
// workflow per copy, with the documented timings: a copy Failed for 10 consecutive
// minutes is suspended (FailedAndSuspended); one FailedAndSuspended for 15
// consecutive minutes starts the workflow: up to 3 resume attempts 5 minutes apart,
// then, when its server has a spare disk left, the spare is allocated and the copy is
// reseeded in place from the active copy (SafeDeleteExistingFiles). Exchange works per
// volume (all copies on it); exsim has one copy per disk. Not modelled: the Disk
// Reclaimer, the 3-day reset, BitLocker.

// AutoReseed timings [AUTORESEED].
const (
	autoSuspendAfter  = 10 * time.Minute // Failed this long: suspended
	autoReseedAfter   = 15 * time.Minute // FailedAndSuspended this long: the workflow starts
	autoResumeEvery   = 5 * time.Minute
	autoResumeRetries = 3
	kindAutoReseed    = 0x4407
)

// SetAutoReseedSpares configures AutoReseed on a DAG: each member has spares spare
// disks (0: AutoReseed is off).
func (o *Org) SetAutoReseedSpares(dagName string, spares int) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	if spares < 0 {
		return fmt.Errorf("dag: DAG %s: spare disks must be at least 0", d.name)
	}
	d.autoReseed = spares > 0
	for _, m := range d.members {
		m.spares = spares
	}
	return nil
}

// watchAutoReseed arms or disarms c's AutoReseed timer when its status changes.
func (o *Org) watchAutoReseed(c *dbCopy, st Status) {
	d := c.db.dag
	if d == nil || !d.autoReseed {
		return
	}
	if c.autoTimer == nil {
		c.autoTimer = o.s.NewFuncTimer(kindAutoReseed, func() { o.autoReseedStep(c) })
	}
	switch st {
	case Failed:
		c.autoStage = 0
		_ = c.autoTimer.ResetAfter(autoSuspendAfter)
	case FailedAndSuspended:
		if c.autoStage == 0 {
			_ = c.autoTimer.ResetAfter(autoReseedAfter)
		}
	default:
		c.autoStage = 0
		c.autoTimer.Stop()
	}
}

// autoReseedStep runs when a timer of c's workflow fires.
func (o *Org) autoReseedStep(c *dbCopy) {
	switch st := o.status(c); {
	case st == Failed:
		c.suspended, c.activationSuspended = true, true
		c.rconn++
		note(o, c.server.name, c.name(), AutoReseedStep{Database: c.db.name, Server: c.server.name, Step: "suspend"})
		o.update("AutoReseed suspended " + c.name())
	case st != FailedAndSuspended:
	case c.autoStage < autoResumeRetries:
		c.autoStage++
		// A resume of a copy whose disk is still bad fails and leaves it suspended
		// [RESUME-MDBC]; one whose problem went away resumes.
		note(o, c.server.name, c.name(), AutoReseedStep{Database: c.db.name, Server: c.server.name, Step: "resume", Attempt: c.autoStage})
		if !c.broken {
			o.resume(c, "AutoReseed")
			return
		}
		_ = c.autoTimer.ResetAfter(autoResumeEvery)
	case c.server.spares == 0:
		c.autoStage = autoResumeRetries + 1
		note(o, c.server.name, c.name(), AutoReseedStep{Database: c.db.name, Server: c.server.name, Step: "nospare"})
	default:
		c.autoStage = autoResumeRetries + 1
		c.server.spares--
		note(o, c.server.name, c.name(), AutoReseedStep{Database: c.db.name, Server: c.server.name, Step: "reseed", SparesLeft: c.server.spares})
		if err := o.seed(c, c.db.active, true); err != nil {
			note(o, c.server.name, c.name(), SeedFailed{Database: c.db.name, Server: c.server.name, Why: err.Error()})
		}
		o.update("AutoReseed reseeds " + c.name())
	}
}
