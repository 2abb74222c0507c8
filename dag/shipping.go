package dag

import (
	"fmt"
	"sort"
	"time"

	"github.com/exsim/exsim/sim"
)

// Committed records that a delivery wrote a log into db's active copy at s.Now(): the
// log generation advances and every connected passive copy receives the log after
// Timings.LogShipping and replays it Timings.LogReplay later. It is an error when db
// is unknown or not mounted (nothing can be written then).
func (o *Org) Committed(db string) error {
	d, err := o.database(db)
	if err != nil {
		return err
	}
	if !d.mounted {
		return fmt.Errorf("dag: database %s is not mounted, so nothing can be written to it", d.name)
	}
	d.gen++
	d.commitAt = append(d.commitAt, o.s.Now())
	a := d.active
	a.copied, a.replayed = d.gen, d.gen
	for _, c := range d.copies {
		if c != a && c.repl {
			o.ship(c, d.gen)
		}
	}
	return nil
}

// catchUp sends a copy that just (re)connected every log it misses, and replays what it
// already holds.
func (o *Org) catchUp(c *dbCopy) {
	if c.db.gen > c.copied {
		o.ship(c, c.db.gen)
	}
	if c.copied > c.replayed {
		o.replay(c, c.copied)
	}
}

func (o *Org) ship(c *dbCopy, g int64) {
	_ = o.s.Post(o.s.Now()+o.t.LogShipping, o.logsOf(c), logEvent(kindShip, c.conn, g))
}

func (o *Org) replay(c *dbCopy, g int64) {
	_ = o.s.Post(o.s.Now()+o.replayDelay(c), o.logsOf(c), logEvent(kindReplay, c.rconn, g))
}

// copyLogs runs a copy's log shipped (kindShip) or replayed (kindReplay) as a
// sim.Handler, made once a copy: a closure each was two allocations a message in a
// day of mail (a third of the whole run's). The event carries the generation (N)
// and the connection it went out on (A, B: its low and high halves).
type copyLogs struct {
	o *Org
	c *dbCopy
}

func (o *Org) logsOf(c *dbCopy) *copyLogs {
	if c.logs == nil {
		c.logs = &copyLogs{o: o, c: c}
	}
	return c.logs
}

func logEvent(k sim.Kind, conn uint64, g int64) sim.Event {
	return sim.Event{Kind: k, A: int32(uint32(conn)), B: int32(uint32(conn >> 32)), N: g}
}

func (h *copyLogs) Fire(_ *sim.Sim, ev sim.Event) {
	o, c, g := h.o, h.c, ev.N
	conn := uint64(uint32(ev.A)) | uint64(uint32(ev.B))<<32
	if ev.Kind == kindShip {
		if c.conn != conn || g <= c.copied {
			return
		}
		c.copied = g
		c.inspected, c.hasInspected = o.s.Now(), true
		o.replay(c, g)
		return
	}
	if c.rconn != conn || !c.server.up || c.suspended || c.broken {
		return
	}
	if v := min(g, c.copied); v > c.replayed {
		c.replayed = v
	}
}

// valid is how many of c's logs belong to the database's current lineage: a lossy
// activation restarts the lineage from the new active copy's last log, so logs a copy
// holds beyond that point diverge.
func (db *database) valid(c *dbCopy) int64 {
	v := c.copied
	for e := c.epoch + 1; e <= db.epoch && e < len(db.bases); e++ {
		v = min(v, db.bases[e])
	}
	return v
}

// cql is the copy queue length: logs the active copy wrote that c does not hold.
func (db *database) cql(c *dbCopy) int64 {
	if c == db.active {
		return 0
	}
	return max(0, db.gen-db.valid(c))
}

// rql is the replay queue length: logs c holds but has not replayed.
func (db *database) rql(c *dbCopy) int64 {
	if c == db.active {
		return 0
	}
	return max(0, c.copied-c.replayed)
}

// Replicated reports whether every delivery written into db's active copy at or before
// instant at is held by at least one passive copy (a delivery counts as replicated
// once a passive copy holds its log). A standalone database never replicates.
func (o *Org) Replicated(db string, at time.Duration) bool {
	d, ok := o.lookupDB(db)
	if !ok || d.dag == nil {
		return false
	}
	g := int64(sort.Search(len(d.commitAt), func(i int) bool { return d.commitAt[i] > at }))
	if g == 0 {
		return true
	}
	for _, c := range d.copies {
		if c != d.active && d.valid(c) >= g {
			return true
		}
	}
	return false
}

// Generation returns db's current log generation (the number of logs in the active
// copy's lineage).
func (o *Org) Generation(db string) int64 {
	d, ok := o.lookupDB(db)
	if !ok {
		return 0
	}
	return d.gen
}
