package dag

import (
	"fmt"
	"sort"
)

type selectOpts struct {
	dial     MountDial // MountDialOverride; "" uses each target server's AutoDatabaseMountDial
	lossless bool      // a lossless targetless switchover: sort by ActivationPreference
	skipLag  bool      // -SkipLagChecks
}

// criteria are the ten ordered best copy selection criteria [AM]; CI = content index
// state, CQL = copy queue length, RQL = replay queue length.
var criteria = [10]string{
	"CI Healthy, CQL < 10, RQL < 50",
	"CI Crawling, CQL < 10, RQL < 50",
	"CI Healthy, RQL < 50",
	"CI Crawling, RQL < 50",
	"RQL < 50",
	"CI Healthy, CQL < 10",
	"CI Crawling, CQL < 10",
	"CI Healthy",
	"CI Crawling",
	"any eligible status",
}

func (o *Org) contentIndex(c *dbCopy) string {
	switch {
	case !c.server.up:
		return contentIndexUnknown
	case c.broken:
		return contentIndexFailed
	}
	return contentIndexHealthy
}

func (o *Org) matches(k int, c *dbCopy) bool {
	ci := o.contentIndex(c)
	h, cr := ci == contentIndexHealthy, ci == "Crawling"
	cql, rql := c.db.cql(c) < 10, c.db.rql(c) < 50
	switch k {
	case 0:
		return h && cql && rql
	case 1:
		return cr && cql && rql
	case 2:
		return h && rql
	case 3:
		return cr && rql
	case 4:
		return rql
	case 5:
		return h && cql
	case 6:
		return cr && cql
	case 7:
		return h
	case 8:
		return cr
	}
	return true
}

// autoBlock says why Active Manager may not activate c automatically ("" if it may).
func (o *Org) autoBlock(c, src *dbCopy) string {
	sv := c.server
	switch {
	case !sv.up:
		return "server is down"
	case !sv.inQuorum:
		return "server is not in the DAG's majority"
	case sv.paused:
		return "cluster node is paused"
	case sv.policy == Blocked:
		return "DatabaseCopyAutoActivationPolicy is Blocked"
	case sv.policy == IntrasiteOnly && sv.site != src.server.site:
		return fmt.Sprintf("DatabaseCopyAutoActivationPolicy is IntrasiteOnly and the copy is in site %s, not %s", sv.site, src.server.site)
	case o.haBlocked(sv):
		return "HighAvailability component is Inactive"
	case c.activationSuspended:
		return "activation is suspended"
	}
	if why := o.mountBlock(sv); why != "" {
		return why
	}
	if why := o.atMaxActive(sv, c.db); why != "" {
		return why
	}
	if st := o.status(c); !eligible(st) {
		return "status " + string(st) + " is not eligible"
	}
	return ""
}

// logsFrom reports whether target can pull the remaining logs from the old active copy
// (attempt copy last logs): its server is up, its logs readable and reachable.
func (o *Org) logsFrom(src, target *dbCopy) bool {
	return src.server.up && !src.broken && o.reach(src.server.name, target.server.name) && o.reach(target.server.name, src.server.name)
}

// bestCopy runs best copy selection [AM]: drop unreachable and blocked copies, sort by
// copy queue length (or by ActivationPreference when any server holding a copy uses
// Lossless), then try the ten criteria in order; a copy whose queue after attempting to
// copy the last logs exceeds its mount dial is skipped for the next one. It returns the
// copy, an Activation naming the rule that picked it, and why the others were
// skipped.
func (o *Org) bestCopy(db *database, opt selectOpts) (*dbCopy, Activation, []string) {
	src := db.active
	var cands []*dbCopy
	var skipped []string
	for _, c := range db.copies {
		if c == src {
			continue
		}
		if why := o.autoBlock(c, src); why != "" {
			skipped = append(skipped, c.server.name+": "+why)
			continue
		}
		cands = append(cands, c)
	}
	// DatabaseCopyActivationDisabledAndMoveNow only keeps databases off a server while
	// another healthy copy exists [SET-MBXSRV].
	var open []*dbCopy
	for _, c := range cands {
		if !c.server.moveNow {
			open = append(open, c)
		}
	}
	if len(open) > 0 && len(open) < len(cands) {
		for _, c := range cands {
			if c.server.moveNow {
				skipped = append(skipped, c.server.name+": DatabaseCopyActivationDisabledAndMoveNow is set and another healthy copy exists")
			}
		}
		cands = open
	}
	byPref := opt.lossless || opt.dial == Lossless
	for _, c := range db.copies {
		if c.server.dial == Lossless {
			byPref = true
		}
	}
	if byPref {
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].pref < cands[j].pref })
	} else {
		sort.SliceStable(cands, func(i, j int) bool {
			a, b := db.cql(cands[i]), db.cql(cands[j])
			if a != b {
				return a < b
			}
			return cands[i].pref < cands[j].pref
		})
	}
	// MaximumPreferredActiveDatabases [SET-MBXSRV, 2013+]: servers below their
	// preferred maximum are tried first; the others only when none of those can
	// mount (a preference, not a limit; see placement.go).
	var under, over []*dbCopy
	for _, c := range cands {
		if why := o.atMaxPreferred(c.server, db); why != "" {
			over = append(over, c)
			skipped = append(skipped, c.server.name+": tried last, "+why)
		} else {
			under = append(under, c)
		}
	}
	tried := map[*dbCopy]bool{}
	for _, tier := range [][]*dbCopy{under, over} {
		if c, act, ok := o.tryCriteria(db, src, tier, tried, opt, byPref, &skipped); ok {
			return c, act, skipped
		}
	}
	if len(skipped) == 0 {
		skipped = []string{"no other copy"}
	}
	return nil, Activation{}, skipped
}

// tryCriteria tries the ten criteria in order over cands (one tier of bestCopy).
func (o *Org) tryCriteria(db *database, src *dbCopy, cands []*dbCopy, tried map[*dbCopy]bool, opt selectOpts, byPref bool, skipped *[]string) (*dbCopy, Activation, bool) {
	for k := range criteria {
		for _, c := range cands {
			if tried[c] || !o.matches(k, c) {
				continue
			}
			tried[c] = true
			post := db.cql(c)
			if o.logsFrom(src, c) {
				post = 0
			}
			dial := opt.dial
			if dial == "" {
				dial = c.server.dial
			}
			if !dial.allows(post) {
				*skipped = append(*skipped, fmt.Sprintf("%s: copy queue length %d is more than the %s mount dial allows", c.server.name, post, dial))
				continue
			}
			return c, Activation{Criterion: k + 1, ByPreference: byPref, Dial: dial}, true
		}
	}
	return nil, Activation{}, false
}

// activate makes c the active copy; act says how and why (its rule fields), activate
// fills in the rest and journals it. When the old active copy's logs cannot be
// pulled, the logs c lacks are lost: the lineage restarts from c's last log and the
// lost window is reported through Env.LossyFailover.
func (o *Org) activate(db *database, c *dbCopy, act Activation) {
	old := db.active
	oldGen := db.gen
	newGen := oldGen
	if !o.logsFrom(old, c) {
		newGen = min(db.valid(c), oldGen)
	}
	act.Database, act.From, act.To, act.LostLogs = db.name, old.server.name, c.server.name, oldGen-newGen
	if c.lag > 0 {
		act.LaggedReplay = min(c.copied, newGen) - c.replayed // the replay queue it replays as it mounts
	}
	if newGen < oldGen {
		act.LostFrom, act.LostTo = db.commitAt[newGen], db.commitAt[oldGen-1]
		act.LostFromWall, act.LostToWall = o.s.Wall(act.LostFrom), o.s.Wall(act.LostTo)
		db.commitAt = db.commitAt[:newGen]
		o.losses = append(o.losses, loss{db: db.name, from: act.LostFrom, to: act.LostTo})
	}
	db.epoch++
	db.bases = append(db.bases, newGen)
	db.gen = newGen
	c.copied, c.replayed, c.epoch = newGen, newGen, db.epoch
	c.phase = phaseReady
	c.timer.Stop()
	c.conn++
	c.rconn++
	c.repl = false
	old.conn++
	old.rconn++
	old.repl = false
	old.timer.Stop()
	if old.server.up && !old.broken {
		o.startInit(old)
	} else {
		old.phase = phaseInit
	}
	db.active = c
	db.mounted = db.wantMounted
	db.detect.Stop()
	db.lastNoCopy = NoFailoverTarget{}
	act.Mounted = db.mounted
	note(o, c.server.name, db.name, act)
}
