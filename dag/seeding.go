package dag

import (
	"fmt"
	"time"
)

// The copy lifecycle (exchange-site-resilience.md section 4): Add-, Remove- and
// Update-MailboxDatabaseCopy, seeding with its statuses Seeding and SeedingSource,
// and its duration from the database's size and the DAG's seeding rate.

// Seeding defaults. No Microsoft figure exists; 13 MB/s is the rate of the one admin
// report in the reference (600 GB over a 100 Mbps inter-site link in about 13 hours),
// and a database is 1 GB unless the scenario says otherwise.
const (
	DefaultSeedingMBps  = 13.0
	DefaultDatabaseSize = 1.0 // GB
	maxCopies           = 16
	kindSeed            = 0x4406
)

// needsSeedMessage is Add-MailboxDatabaseCopy -SeedingPostponed's SuspendMessage [ADD-MDBC].
const needsSeedMessage = "Replication is suspended for database copy '%s' because database needs to be seeded."

// SetDatabaseSize sets db's size in GB (seeding time is size / rate).
func (o *Org) SetDatabaseSize(db string, gb float64) error {
	d, err := o.database(db)
	if err != nil {
		return err
	}
	if gb <= 0 {
		return fmt.Errorf("dag: database %s: the size must be more than 0 GB", d.name)
	}
	d.sizeGB = gb
	return nil
}

// SetSeedingRate sets the DAG's seeding throughput in MB/s.
func (o *Org) SetSeedingRate(dagName string, mbps float64) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	if mbps <= 0 {
		return fmt.Errorf("dag: DAG %s: the seeding rate must be more than 0 MB/s", d.name)
	}
	d.seedMBps = mbps
	return nil
}

func (o *Org) seedTime(db *database) time.Duration {
	gb, rate := db.sizeGB, db.dag.seedMBps
	if gb == 0 {
		gb = DefaultDatabaseSize
	}
	if rate == 0 {
		rate = DefaultSeedingMBps
	}
	return time.Duration(gb * 1024 / rate * float64(time.Second)).Round(time.Second)
}

// AddCopyOptions are Add-MailboxDatabaseCopy's parameters.
type AddCopyOptions struct {
	ActivationPreference int // 0: last
	ReplayLagTime        time.Duration
	TruncationLagTime    time.Duration
	SeedingPostponed     bool // the copy stays Suspended until Update-MailboxDatabaseCopy
	ConfigurationOnly    bool // only Active Directory (2013+): no seed either
}

// AddCopy is Add-MailboxDatabaseCopy [ADD-MDBC]: the server must be a member of the
// database's DAG, the DAG must have quorum, the server must hold no copy yet. Unless
// postponed, the new copy is seeded from the active copy at once.
func (o *Org) AddCopy(db, server string, opt AddCopyOptions) error {
	d, err := o.database(db)
	if err != nil {
		return err
	}
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	switch {
	case d.dag == nil && sv.dag == nil:
		return fmt.Errorf("Database '%s' and server '%s' aren't in a database availability group, so a copy can't be added.", d.name, sv.name)
	case d.dag == nil:
		if len(d.copies) != 1 || d.copies[0].server.dag != sv.dag {
			return fmt.Errorf("Server '%s' isn't in the database availability group of the server holding '%s'.", sv.name, d.name)
		}
		d.dag = sv.dag // a standalone database of a DAG member gets its second copy
	case sv.dag != d.dag:
		return fmt.Errorf("Server '%s' isn't a member of database availability group '%s', which holds database '%s'.", sv.name, d.dag.name, d.name)
	}
	if !d.dag.hasQuorum {
		return fmt.Errorf("Database availability group '%s' doesn't have quorum, so a database copy can't be added.", d.dag.name)
	}
	if o.copyOn(d, sv) != nil {
		return fmt.Errorf("Database '%s' already has a copy on server '%s'.", d.name, sv.name)
	}
	if len(d.copies) >= maxCopies {
		return fmt.Errorf("Database '%s' already has %d copies, the most a database can have.", d.name, maxCopies)
	}
	if opt.ReplayLagTime < 0 || opt.ReplayLagTime > MaxLag || opt.TruncationLagTime < 0 || opt.TruncationLagTime > MaxLag {
		return fmt.Errorf("ReplayLagTime and TruncationLagTime must be between 00:00:00 and 14.00:00:00.")
	}
	pref := opt.ActivationPreference
	if pref <= 0 || pref > len(d.copies)+1 {
		pref = len(d.copies) + 1
	}
	c := &dbCopy{db: d, server: sv, pref: pref, id: d.name + `\` + sv.name, lag: opt.ReplayLagTime, truncLag: opt.TruncationLagTime}
	c.timer = o.s.NewFuncTimer(kindPhase, func() { o.phaseDone(c) })
	c.seedTimer = o.s.NewFuncTimer(kindSeed, func() { o.seedDone(c) })
	c.needsSeed, c.suspended, c.activationSuspended = true, true, true
	c.epoch = d.epoch
	cs := append([]*dbCopy{}, d.copies...)
	cs = append(cs[:pref-1], append([]*dbCopy{c}, cs[pref-1:]...)...)
	d.copies = cs
	for i, x := range d.copies {
		x.pref = i + 1
	}
	note(o, sv.name, c.name(), CopyAdded{Database: d.name, Server: sv.name, ActivationPreference: pref, SeedingPostponed: opt.SeedingPostponed || opt.ConfigurationOnly, ConfigurationOnly: opt.ConfigurationOnly, Message: fmt.Sprintf(needsSeedMessage, c.name())})
	if !opt.SeedingPostponed && !opt.ConfigurationOnly {
		if err := o.seed(c, d.active, false); err != nil {
			o.update("a database copy was added")
			return err
		}
	}
	o.update("Add-MailboxDatabaseCopy added " + c.name())
	return nil
}

// RemoveCopy is Remove-MailboxDatabaseCopy [REMOVE-MDBC]: not the active copy, only
// with quorum; the copy's files stay on disk (a later seed of that server needs
// -DeleteExistingFiles).
func (o *Org) RemoveCopy(db, server string) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	d := c.db
	switch {
	case c == d.active:
		return fmt.Errorf("Database copy '%s' is the active copy and can't be removed. Move the active copy to another server first.", c.name())
	case d.dag == nil || !d.dag.hasQuorum:
		return fmt.Errorf("The database copy '%s' can't be removed because the database availability group doesn't have quorum.", c.name())
	}
	if c.seeding {
		o.endSeed(c)
	}
	c.timer.Stop()
	if c.seedTimer != nil {
		c.seedTimer.Stop()
	}
	c.conn++
	c.rconn++
	var keep []*dbCopy
	for _, x := range d.copies {
		if x != c {
			keep = append(keep, x)
		}
	}
	d.copies = keep
	for i, x := range d.copies {
		x.pref = i + 1
	}
	c.server.leftFiles = append(c.server.leftFiles, d.name)
	note(o, c.server.name, c.name(), CopyRemoved{Database: d.name, Server: c.server.name})
	o.update("Remove-MailboxDatabaseCopy removed " + c.name())
	return nil
}

// UpdateCopyOptions are Update-MailboxDatabaseCopy's parameters.
type UpdateCopyOptions struct {
	SourceServer        string // a passive copy to seed from ("" the active copy)
	DeleteExistingFiles bool
}

// UpdateCopy is Update-MailboxDatabaseCopy DB\Server [UPDATE-MDBC]: the copy must be
// suspended first; files already there (an established copy, or a removed copy's
// leftovers) need -DeleteExistingFiles. The copy goes Seeding and, when the seed is
// done, Initializing then Healthy; a passive source shows SeedingSource meanwhile.
func (o *Org) UpdateCopy(db, server string, opt UpdateCopyOptions) error {
	c, err := o.identity(db, server)
	if err != nil {
		return err
	}
	d := c.db
	switch {
	case c == d.active:
		return fmt.Errorf("Database copy '%s' is the active copy; only a passive copy can be seeded.", c.name())
	case c.seeding:
		return fmt.Errorf("Database copy '%s' is already being seeded.", c.name())
	case !c.suspended:
		return fmt.Errorf("The seeding operation failed. Error: Database copy '%s' must be suspended before it is seeded. Run Suspend-MailboxDatabaseCopy first.", c.name())
	case c.hasFiles() && !opt.DeleteExistingFiles:
		return fmt.Errorf("The seeding operation failed. Error: Files of database copy '%s' already exist on '%s'. Specify -DeleteExistingFiles to remove them.", c.name(), c.server.name)
	}
	src := d.active
	if opt.SourceServer != "" {
		sv, err := o.server(opt.SourceServer)
		if err != nil {
			return err
		}
		if src = o.copyOn(d, sv); src == nil {
			return fmt.Errorf("Database '%s' doesn't have a copy on source server '%s'.", d.name, sv.name)
		}
		if src == c {
			return fmt.Errorf("A copy can't be seeded from itself.")
		}
	}
	if err := o.seed(c, src, opt.DeleteExistingFiles); err != nil {
		return err
	}
	o.update("Update-MailboxDatabaseCopy seeds " + c.name())
	return nil
}

func (c *dbCopy) hasFiles() bool {
	if !c.needsSeed {
		return true
	}
	for _, n := range c.server.leftFiles {
		if n == c.db.name {
			return true
		}
	}
	return false
}

// seed starts seeding c from src.
func (o *Org) seed(c, src *dbCopy, deleted bool) error {
	d := c.db
	if src != d.active {
		if st := o.status(src); st != Healthy {
			return fmt.Errorf("The seeding operation failed. Error: The source copy '%s' is %s; seed from a healthy copy or the active copy.", src.name(), st)
		}
	} else if !d.mounted && !o.logsFrom(src, c) {
		return fmt.Errorf("The seeding operation failed. Error: The active copy of '%s' on '%s' can't be read.", d.name, src.server.name)
	}
	if !o.logsFrom(src, c) {
		return fmt.Errorf("The seeding operation failed. Error: '%s' can't reach the source '%s'.", c.server.name, src.server.name)
	}
	if deleted {
		leftFiles := c.server.leftFiles[:0]
		for _, n := range c.server.leftFiles {
			if n != d.name {
				leftFiles = append(leftFiles, n)
			}
		}
		c.server.leftFiles = leftFiles
	}
	dur := o.seedTime(d)
	c.seeding, c.seedSrc = true, src
	c.broken = false // a reseed writes new files (onto a replaced disk)
	src.sourcing++
	_ = c.seedTimer.ResetAfter(dur)
	gb := d.sizeGB
	if gb == 0 {
		gb = DefaultDatabaseSize
	}
	note(o, c.server.name, c.name(), SeedStarted{Database: d.name, Server: c.server.name, Source: src.server.name, SizeGB: gb, Takes: dur, DeleteExistingFiles: deleted})
	return nil
}

func (o *Org) endSeed(c *dbCopy) {
	c.seeding = false
	if c.seedSrc != nil {
		c.seedSrc.sourcing--
		c.seedSrc = nil
	}
}

// seedDone finishes a seed: a source that failed, went down or could no longer be
// reached (or a passive source that became active) fails it [UPDATE-DBC: a passive
// source aborts the seed when it fails or the database fails over]; otherwise the
// copy holds everything the active copy wrote and goes Initializing.
func (o *Org) seedDone(c *dbCopy) {
	src, d := c.seedSrc, c.db
	o.endSeed(c)
	var why string
	switch {
	case !c.server.up:
		why = c.server.name + " is down"
	case !src.server.up || src.broken:
		why = "the source copy " + src.name() + " failed"
	case src != d.active && src.active():
		why = "the database failed over during the seed"
	case !o.logsFrom(d.active, c) && !o.logsFrom(src, c):
		why = "the source can no longer be reached"
	}
	if why != "" {
		c.broken, c.suspended, c.activationSuspended = true, true, true
		note(o, c.server.name, c.name(), SeedFailed{Database: d.name, Server: c.server.name, Why: why})
		o.update("the seed of " + c.name() + " failed")
		return
	}
	c.needsSeed, c.broken, c.suspended, c.activationSuspended = false, false, false, false
	c.copied, c.replayed, c.epoch = d.gen, d.gen, d.epoch
	c.inspected, c.hasInspected = o.s.Now(), true
	c.conn++
	c.rconn++
	c.repl = false
	o.startInit(c)
	note(o, c.server.name, c.name(), SeedFinished{Database: d.name, Server: c.server.name, Source: src.server.name})
	o.update("the seed of " + c.name() + " finished")
}

func (c *dbCopy) active() bool { return c == c.db.active }

// seedStatus is the status of a copy taking part in a seed, "" if none.
func seedStatus(c *dbCopy) Status {
	switch {
	case c.seeding:
		return Seeding
	case c.sourcing > 0 && c != c.db.active:
		return SeedingSource
	}
	return statusNone
}
