package dag

import (
	"errors"
	"fmt"
	"time"
)

// Lagged-copy play down by Replay Lag Manager (exchange-site-resilience.md §3.1,
// §3.3, §3.5; Conflicts 5 and 6). Replay Lag Manager is part of the Microsoft
// Exchange DAG Management service and checks copy health every 60 seconds
// (itprotoday). When it is enabled (Set-DatabaseAvailabilityGroup
// -ReplayLagManagerEnabled, 2013+), a lagged copy plays down (replays every log it
// holds, its lag disabled) when:
//
//   - its disk has less free space than ReplayLagLowSpacePlaydownThresholdInMB
//     (10,000 MB, the Exchange team's figure) [PlayDownReason NotEnoughFreeSpace];
//   - it has physical corruption and needs page patching (2013+; 2010 had no page
//     patching of lagged copies) [PagePatching]; the page is patched once the play
//     down has replayed everything, and the copy lags again;
//   - fewer than ReplayLagManagerNumAvailableCopies (3) healthy copies of its
//     database, active or passive, lagged copies not counted, have existed for more
//     than 24 hours [NotEnoughHealthyCopies].
//
// When the condition clears the copy lags again for the logs it copies afterwards
// (the Exchange team's "Replay Lag Manager not letting lagged copy lag" case: the
// copy stays played down while the condition holds).
//
// Deferred play down (Exchange 2016 CU1+): while the copy's disk read latency is
// high a play down other than for free space waits, at most ReplayLagMaxDelay
// (default 1.00:00:00). Conflict 6 (cmdlet reference: above 25 ms; Exchange team:
// defer above 35 ms, resume below 25 ms): exsim takes the team's hysteresis, which
// contains the reference's 25 ms as the point where deferral ends.
//
// ReplayLagManagerEnabled's default (Conflict 5): the 2013-era documentation says
// disabled; the Exchange team says enabled by default from 2016 CU1 and the 2019
// preferred architecture has it on. exsim: False on 2013, True on 2016, 2019 and SE
// (the team's statement is the later, product-group one and names the release that
// changed it; the documentation page predates 2016).
//
// PlayDownReason values (Gaps: no citable list beyond None) are exsim's names for
// the three triggers: NotEnoughFreeSpace, PagePatching, NotEnoughHealthyCopies.

// PlayDownReason is the PlayDownReason field of ReplayLagStatus.
type PlayDownReason string

// Play-down reasons ("" prints None).
const (
	PlayDownNone                   PlayDownReason = ""
	PlayDownNotEnoughFreeSpace     PlayDownReason = "NotEnoughFreeSpace"
	PlayDownPagePatching           PlayDownReason = "PagePatching"
	PlayDownNotEnoughHealthyCopies PlayDownReason = "NotEnoughHealthyCopies"
)

// Replay Lag Manager's thresholds [HA-CHANGES; Exchange team blog].
const (
	LagManagerCheckInterval        = 60 * time.Second
	LagManagerNumAvailableCopies   = 3
	LagManagerFewCopiesFor         = 24 * time.Hour
	LagLowSpacePlaydownThresholdMB = 10000
	PlayDownDeferAboveLatencyMs    = 35
	PlayDownResumeBelowLatencyMs   = 25
	kindLagManager                 = 0x4409
	defaultFreeSpaceMB             = 1 << 30 // a disk nobody set: plenty of space
)

// lagState is Replay Lag Manager's view of one lagged copy.
type lagState struct {
	playDown   PlayDownReason
	fewSince   time.Duration // when fewer than 3 healthy copies began (fewSet)
	fewSet     bool
	freeMB     int  // free space on the copy's disk (defaultFreeSpaceMB unless set)
	corrupt    bool // physical corruption waiting for page patching
	latencyMs  int  // disk read latency
	deferring  bool
	deferSince time.Duration
	maxDelay   time.Duration // ReplayLagMaxDelay
}

// SetReplayLagManager is Set-DatabaseAvailabilityGroup -ReplayLagManagerEnabled.
func (o *Org) SetReplayLagManager(dagName string, on bool) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	if d.lagTimer == nil {
		return errors.New("A parameter cannot be found that matches parameter name 'ReplayLagManagerEnabled'. (Exchange 2013 added it; this DAG's members run Exchange 2010.)")
	}
	d.lagManager = on
	note(o, "", d.name, ReplayLagManagerSet{DAG: d.name, Enabled: on})
	o.update("Set-DatabaseAvailabilityGroup -ReplayLagManagerEnabled")
	return nil
}

// ReplayLagManagerEnabled reports the DAG's property (false for 2010).
func (o *Org) ReplayLagManagerEnabled(dagName string) bool {
	d, ok := o.dagByN[key(dagName)]
	return ok && d.lagManager
}

func (o *Org) lagCopy(db, server string) (*dbCopy, error) {
	c, err := o.identity(db, server)
	if err != nil {
		return nil, err
	}
	if c.ls == nil {
		c.ls = &lagState{freeMB: defaultFreeSpaceMB, maxDelay: DefaultReplayLagMaxDelay}
	}
	return c, nil
}

// SetCopyFreeSpace sets the free space (MB) of the disk holding a copy.
func (o *Org) SetCopyFreeSpace(db, server string, mb int) error {
	c, err := o.lagCopy(db, server)
	if err != nil {
		return err
	}
	c.ls.freeMB = mb
	o.update("the free space of " + c.name() + "'s disk changed")
	return nil
}

// CorruptCopyPage gives a copy physical corruption (a -1018 page) that needs page
// patching.
func (o *Org) CorruptCopyPage(db, server string) error {
	c, err := o.lagCopy(db, server)
	if err != nil {
		return err
	}
	c.ls.corrupt = true
	o.update(c.name() + " has a corrupt page")
	return nil
}

// SetCopyReadLatency sets the disk read latency (ms) of a copy's disk.
func (o *Org) SetCopyReadLatency(db, server string, ms int) error {
	c, err := o.lagCopy(db, server)
	if err != nil {
		return err
	}
	c.ls.latencyMs = ms
	return nil
}

// SetReplayLagMaxDelay is Set-MailboxDatabaseCopy -ReplayLagMaxDelay (2016+; 0 turns
// deferred play down off).
func (o *Org) SetReplayLagMaxDelay(db, server string, d time.Duration) error {
	c, err := o.lagCopy(db, server)
	if err != nil {
		return err
	}
	if d < 0 || d > MaxLag {
		return fmt.Errorf("Cannot bind parameter 'ReplayLagMaxDelay': the value %s is outside the range 00:00:00 to 14.00:00:00.", FormatTimeSpan(d))
	}
	c.ls.maxDelay = d
	return nil
}

// armLagManager keeps the 60-second check running while the DAG's Replay Lag
// Manager is on and some copy lags (only then can a check change anything).
func (o *Org) armLagManager(d *dagT) {
	if d.lagTimer == nil {
		return
	}
	need := false
	if d.lagManager {
		for _, db := range o.dbs {
			if db.dag != d {
				continue
			}
			for _, c := range db.copies {
				if c.lag > 0 {
					need = true
				}
			}
		}
	}
	if !need {
		d.lagTimer.Stop()
		for _, db := range o.dbs {
			for _, c := range db.copies {
				if db.dag == d && c.ls != nil && c.ls.playDown != PlayDownNone {
					o.endPlayDown(c, "Replay Lag Manager was turned off or the copy no longer lags")
				}
			}
		}
		return
	}
	if !d.lagTimer.Armed() {
		_ = d.lagTimer.ResetAfter(LagManagerCheckInterval)
	}
}

// healthyCopies counts db's copies Replay Lag Manager counts: the mounted active
// copy and Healthy passive copies, lagged copies excluded.
func (o *Org) healthyCopies(db *database) int {
	n := 0
	for _, c := range db.copies {
		if c.lag > 0 {
			continue
		}
		if st := o.status(c); st == Mounted || st == Healthy {
			n++
		}
	}
	return n
}

// lagCheck is one 60-second check of Replay Lag Manager.
func (o *Org) lagCheck(d *dagT) {
	now := o.s.Now()
	for _, db := range o.dbs {
		if db.dag != d {
			continue
		}
		for _, c := range db.copies {
			if c.lag <= 0 || c == db.active {
				continue
			}
			if c.ls == nil {
				c.ls = &lagState{freeMB: defaultFreeSpaceMB, maxDelay: DefaultReplayLagMaxDelay}
			}
			ls := c.ls
			healthy := o.healthyCopies(db)
			if healthy < LagManagerNumAvailableCopies {
				if !ls.fewSet {
					ls.fewSet, ls.fewSince = true, now
				}
			} else {
				ls.fewSet = false
			}
			if ls.playDown == PlayDownPagePatching && ls.corrupt && db.rql(c) == 0 {
				ls.corrupt = false // played down: the page is patched from the active copy
				note(o, c.server.name, c.name(), PagePatched{Database: db.name, Server: c.server.name})
			}
			reason := PlayDownNone
			switch {
			case ls.freeMB < LagLowSpacePlaydownThresholdMB:
				reason = PlayDownNotEnoughFreeSpace
			case ls.corrupt:
				reason = PlayDownPagePatching
			case ls.fewSet && now-ls.fewSince > LagManagerFewCopiesFor:
				reason = PlayDownNotEnoughHealthyCopies
			}
			switch {
			case reason == PlayDownNone && ls.playDown != PlayDownNone:
				o.endPlayDown(c, "the condition that played it down cleared")
			case reason != PlayDownNone && ls.playDown == PlayDownNone:
				if o.deferPlayDown(c, reason) {
					continue
				}
				o.startPlayDown(c, reason, healthy)
			case reason != PlayDownNone:
				ls.playDown = reason
			}
		}
	}
	o.update("Replay Lag Manager checked the lagged copies of " + d.name) // re-arms the check
}

// deferPlayDown reports whether a play down for reason waits for the disk (2016
// CU1+ deferral; never for free space; at most ReplayLagMaxDelay; 0 turns it off).
func (o *Org) deferPlayDown(c *dbCopy, reason PlayDownReason) bool {
	ls := c.ls
	now := o.s.Now()
	high := ls.latencyMs > PlayDownDeferAboveLatencyMs || (ls.deferring && ls.latencyMs >= PlayDownResumeBelowLatencyMs)
	if reason == PlayDownNotEnoughFreeSpace || !c.db.dag.hasPMF /* 2016+ */ || ls.maxDelay == 0 || !high {
		ls.deferring = false
		return false
	}
	if !ls.deferring {
		ls.deferring, ls.deferSince = true, now
		note(o, c.server.name, c.name(), PlayDownDeferred{Database: c.db.name, Server: c.server.name, Reason: reason, LatencyMs: ls.latencyMs, MaxDelay: ls.maxDelay})
	}
	if now-ls.deferSince >= ls.maxDelay {
		ls.deferring = false
		return false
	}
	return true
}

func (o *Org) startPlayDown(c *dbCopy, reason PlayDownReason, healthy int) {
	ls := c.ls
	ls.playDown, ls.deferring = reason, false
	note(o, c.server.name, c.name(), LagPlayedDown{Database: c.db.name, Server: c.server.name, Reason: reason, HealthyCopies: healthy, ReplayQueue: c.db.rql(c)})
	c.rconn++ // the lagged replays in flight are replaced by one play down
	if c.copied > c.replayed {
		o.replay(c, c.copied)
	}
}

func (o *Org) endPlayDown(c *dbCopy, why string) {
	c.ls.playDown = PlayDownNone
	note(o, c.server.name, c.name(), LagResumed{Database: c.db.name, Server: c.server.name, Why: why})
}

// playingDown reports whether c's lag is disabled by a play down.
func (c *dbCopy) playingDown() bool { return c.ls != nil && c.ls.playDown != PlayDownNone }

// LagPlayedDown ("dag.lag"): Replay Lag Manager played a lagged copy down for Reason
// (HealthyCopies: the database's non-lagged healthy copies; ReplayQueue: the logs
// it replays now).
type LagPlayedDown struct {
	Database, Server string
	Reason           PlayDownReason
	HealthyCopies    int
	ReplayQueue      int64
}

// LagResumed ("dag.lag"): the copy lags again.
type LagResumed struct{ Database, Server, Why string }

// PlayDownDeferred ("dag.lag"): a play down waits while the disk's read latency is
// high, at most MaxDelay.
type PlayDownDeferred struct {
	Database, Server string
	Reason           PlayDownReason
	LatencyMs        int
	MaxDelay         time.Duration
}

// PagePatched ("dag.lag"): the played-down copy's corrupt page was patched.
type PagePatched struct{ Database, Server string }

// ReplayLagManagerSet ("dag.config"): Set-DatabaseAvailabilityGroup
// -ReplayLagManagerEnabled.
type ReplayLagManagerSet struct {
	DAG     string
	Enabled bool
}

// Kind is the journal kind.
func (LagPlayedDown) Kind() string { return "dag.lag" }

// Kind is the journal kind.
func (LagResumed) Kind() string { return "dag.lag" }

// Kind is the journal kind.
func (PlayDownDeferred) Kind() string { return "dag.lag" }

// Kind is the journal kind.
func (PagePatched) Kind() string { return "dag.lag" }

// Kind is the journal kind.
func (ReplayLagManagerSet) Kind() string { return "dag.config" }

// Narrate renders the event.
func (e LagPlayedDown) Narrate() string {
	why := map[PlayDownReason]string{
		PlayDownNotEnoughFreeSpace:     fmt.Sprintf("its disk has less than %d MB free", LagLowSpacePlaydownThresholdMB),
		PlayDownPagePatching:           "it has a corrupt page that needs page patching",
		PlayDownNotEnoughHealthyCopies: fmt.Sprintf("%s has had fewer than %d healthy non-lagged copies (now %d) for more than 24 hours", e.Database, LagManagerNumAvailableCopies, e.HealthyCopies),
	}[e.Reason]
	return fmt.Sprintf("Replay Lag Manager plays down the lagged copy %s because %s: it replays the %d log(s) of its replay queue and stops lagging (ReplayLagStatus Enabled:False; PlayDownReason:%s).", copyName(e.Database, e.Server), why, e.ReplayQueue, e.Reason)
}

// Narrate renders the event.
func (e LagResumed) Narrate() string {
	return fmt.Sprintf("Replay Lag Manager lets %s lag again: %s.", copyName(e.Database, e.Server), e.Why)
}

// Narrate renders the event.
func (e PlayDownDeferred) Narrate() string {
	return fmt.Sprintf("Replay Lag Manager defers the play down of %s (%s): its disk read latency is %d ms, above %d ms; it waits until the latency falls below %d ms, at most ReplayLagMaxDelay %s.",
		copyName(e.Database, e.Server), e.Reason, e.LatencyMs, PlayDownDeferAboveLatencyMs, PlayDownResumeBelowLatencyMs, FormatTimeSpan(e.MaxDelay))
}

// Narrate renders the event.
func (e PagePatched) Narrate() string {
	return fmt.Sprintf("%s replayed its logs and patched its corrupt page from the active copy.", copyName(e.Database, e.Server))
}

// Narrate renders the event.
func (e ReplayLagManagerSet) Narrate() string {
	return fmt.Sprintf("An admin set ReplayLagManagerEnabled to %s on DAG %s.", psBool(e.Enabled), e.DAG)
}
