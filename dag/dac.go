package dag

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Site resilience: DAC mode and its protocol (DACP), the datacenter switchover cmdlets
// Stop-, Restore- and Start-DatabaseAvailabilityGroup, the alternate witness, and the
// split brain that DACP exists to prevent. Facts: exchange-site-resilience.md sections
// 1 and 2 ([DAC] dac-mode.md, [SWITCHOVER] datacenter-switchovers.md, [KB10086] the
// Exchange 2010 switchover guide, [STOP-DAG], [RESTORE-DAG], [START-DAG] the cmdlet
// reference); choices are in doc.go.

// DACMode is Set-DatabaseAvailabilityGroup -DatacenterActivationMode [SET-DAG].
type DACMode string

// DatacenterActivationMode values.
const (
	DACOff     DACMode = "Off"
	DACDagOnly DACMode = "DagOnly"
)

// ParseDACMode parses a -DatacenterActivationMode value as the shell does.
func ParseDACMode(s string) (DACMode, error) {
	return parseEnum("DatacenterActivationMode", s, DACOff, DACDagOnly)
}

// SiteOptions are a DAG's site-resilience properties given when it is created.
type SiteOptions struct {
	WitnessSite          string // the AD site of the witness server
	AlternateWitness     string // AlternateWitnessServer ("" none)
	AlternateWitnessSite string
	DAC                  DACMode // "" is Off
}

// staleView is the cluster as servers evicted while cut off (or down) still believe it
// is: the voters and the witness before the eviction, and where each database was
// active. The evicted servers never heard of the switchover [DAC: "the starting DAG
// members in the primary datacenter have no idea that a datacenter switchover has
// occurred"].
type staleView struct {
	voters  []*server
	witness string
	active  map[*database]*server
}

// votes reports whether a member's cluster service runs and votes.
func (sv *server) votes() bool { return sv.up && !sv.clusDisabled && !sv.evicted }

func (d *dagT) witnessInUse() string {
	if d.useAlt && d.altWitness != "" {
		return d.altWitness
	}
	return d.witness
}

func (d *dagT) voters() []*server {
	var out []*server
	for _, m := range d.members {
		if !m.evicted {
			out = append(out, m)
		}
	}
	return out
}

// mountBlock says why Active Manager on sv may not mount a database even with quorum
// ("" if it may): a server on StoppedMailboxServers, or DAC mode with a DACP bit of 0.
func (o *Org) mountBlock(sv *server) string {
	d := sv.dag
	switch {
	case d == nil:
		return ""
	case sv.stopped:
		return sv.name + " is on StoppedMailboxServers (Stop-DatabaseAvailabilityGroup)"
	case d.dac == DACDagOnly && !sv.dacp:
		return "DAC mode: the DACP bit of Active Manager on " + sv.name + " is 0 (it reaches no DAG member whose bit is 1, nor every server on StartedMailboxServers)"
	}
	return ""
}

// evalDACP sets the DACP bit of starting members [DAC]: the bit is 0 whenever Active
// Manager starts; it becomes 1 when the member reaches another member whose bit is 1,
// or (automount consensus, timmcmic "Datacenter Activation Coordination" part 5) when
// it reaches every other server on StartedMailboxServers. The bit is kept whatever the
// mode, and only read in DagOnly.
func (o *Org) evalDACP(d *dagT) {
	for changed := true; changed; {
		changed = false
		for _, m := range d.members {
			if m.dacp || !m.votes() || m.stopped {
				continue
			}
			by := o.dacpGrant(m, d.members, d.started())
			if by == "" {
				by = o.witnessBootGrant(d, m)
			}
			if by != "" {
				o.setDACP(m)
				changed = true
				if d.dac == DACDagOnly {
					note(o, m.name, m.name, DACPBitSet{DAG: d.name, Server: m.name, By: by})
				}
			}
		}
	}
}

// dacpGrant says who lets m set its bit among peers (and the started list), "" nobody.
func (o *Org) dacpGrant(m *server, peers, started []*server) string {
	for _, p := range peers {
		if p != m && p.up && p.dacp && o.reach(m.name, p.name) && o.reach(p.name, m.name) {
			return p.name
		}
	}
	all := true
	n := 0
	for _, p := range started {
		if p == m {
			continue
		}
		n++
		if !p.up || !o.reach(m.name, p.name) {
			all = false
			break
		}
	}
	if all && n > 0 {
		return "StartedMailboxServers"
	}
	return ""
}

// started is StartedMailboxServers: the members not stopped (exsim lists every member
// of an established DAG as started; see doc.go).
func (d *dagT) started() []*server {
	var out []*server
	for _, m := range d.members {
		if !m.stopped && !m.evicted {
			out = append(out, m)
		}
	}
	return out
}

// evalStale decides what servers evicted behind the cluster's back do. One that
// reaches a running member of the real cluster learns it was evicted. The others form
// groups that can talk to each other; a group with a majority of its old view's votes
// (the old witness counts when no running cluster holds it) believes it has quorum and
// mounts the databases its view has active on its members, unless DAC mode holds them
// back: its members restarted with DACP bit 0 and reach nobody with 1. Such a mount
// beside the real active copy is a split brain [DAC].
func (o *Org) evalStale(d *dagT) {
	var cur []*server
	for _, m := range d.members {
		if m.votes() {
			cur = append(cur, m)
		}
	}
	var stale []*server
	for _, m := range d.members {
		if m.stale == nil {
			continue
		}
		if !m.up {
			stale = append(stale, m)
			continue
		}
		for _, c := range cur {
			if o.reach(m.name, c.name) && o.reach(c.name, m.name) {
				note(o, m.name, m.name, EvictionLearned{DAG: d.name, Server: m.name, From: c.name})
				m.stale = nil
				break
			}
		}
		if m.stale != nil {
			stale = append(stale, m)
		}
	}
	rogue := map[*server]string{} // server -> why it may mount
	held := map[*server]string{}  // server -> why it would have, had DACP not held it back
	seen := map[*server]bool{}
	for _, m := range stale {
		if seen[m] || !m.up {
			continue
		}
		v := m.stale
		group := []*server{m}
		seen[m] = true
		for i := 0; i < len(group); i++ {
			for _, x := range stale {
				if !seen[x] && x.up && x.stale == v && o.reach(group[i].name, x.name) && o.reach(x.name, group[i].name) {
					seen[x] = true
					group = append(group, x)
				}
			}
		}
		votes, total := 0, len(v.voters)
		for _, x := range group {
			for _, y := range v.voters {
				if x == y {
					votes++
				}
			}
		}
		if total%2 == 0 && v.witness != "" {
			total++
			held := d.hasQuorum && strings.EqualFold(d.witnessInUse(), v.witness)
			if !held {
				for _, x := range group {
					if o.reach(x.name, v.witness) {
						votes++
						break
					}
				}
			}
		}
		if votes < total/2+1 {
			continue
		}
		why := fmt.Sprintf("%d of %d votes of the cluster as they last knew it", votes, total)
		for _, x := range group {
			if d.dac == DACDagOnly && !x.dacp {
				if by := o.dacpGrant(x, group, v.voters); by != "" {
					o.setDACP(x)
					note(o, x.name, x.name, DACPBitSet{DAG: d.name, Server: x.name, By: by})
				}
			}
			if d.dac != DACDagOnly || x.dacp {
				rogue[x] = why
			} else {
				held[x] = why
			}
		}
	}
	for _, db := range o.dbs {
		if db.dag != d {
			continue
		}
		for _, c := range db.copies {
			var v *staleView
			if c.server.stale != nil {
				v = c.server.stale
			}
			mine := v != nil && v.active[db] == c.server && !c.broken
			if hw, ok := held[c.server]; ok && mine {
				if !c.held {
					c.held = true
					note(o, c.server.name, db.name, SplitBrainPrevented{DAG: d.name, Database: db.name, Server: c.server.name, Why: hw})
				}
			} else {
				c.held = false
			}
			why, ok := rogue[c.server]
			want := ok && mine
			if want == c.rogue {
				continue
			}
			c.rogue = want
			if want {
				real := ""
				if db.mounted {
					real = db.active.server.name
				}
				note(o, c.server.name, db.name, SplitBrainMount{DAG: d.name, Database: db.name, Server: c.server.name, Why: why, AlsoMountedOn: real})
			} else {
				note(o, c.server.name, db.name, SplitBrainDismount{DAG: d.name, Database: db.name, Server: c.server.name})
			}
		}
	}
}

// MountedCopies lists the servers where db is mounted: the active copy, and any copy
// a stale partition mounted as well (more than one is a split brain).
func (o *Org) MountedCopies(db string) []string {
	d, ok := o.dbByN[key(db)]
	if !ok {
		return nil
	}
	var out []string
	for _, c := range d.copies {
		if (c == d.active && d.mounted) || c.rogue {
			out = append(out, c.server.name)
		}
	}
	return out
}

func (o *Org) dagNamed(name string) (*dagT, error) {
	d, ok := o.dagByN[key(name)]
	if !ok {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", name)
	}
	return d, nil
}

// SetSiteOptions sets a DAG's witness site, alternate witness and DAC mode (the
// topology's values, before t=0).
func (o *Org) SetSiteOptions(dagName string, opt SiteOptions) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	for _, m := range d.members {
		if opt.AlternateWitness != "" && strings.EqualFold(m.name, opt.AlternateWitness) {
			return fmt.Errorf("dag: DAG %q: the alternate witness server %q must not be a DAG member", d.name, opt.AlternateWitness)
		}
	}
	d.witnessSite, d.altWitness, d.altWitnessSite = opt.WitnessSite, opt.AlternateWitness, opt.AlternateWitnessSite
	if opt.DAC != "" {
		d.dac = opt.DAC
	}
	return nil
}

// SetDAGOptions are the Set-DatabaseAvailabilityGroup parameters this package models.
// A call with none of them set is the bare `Set-DatabaseAvailabilityGroup -Identity
// DAG`, which makes Exchange re-adjust the quorum model: after a switchback it goes
// back to the primary witness [SWITCHOVER 2.6].
type SetDAGOptions struct {
	DAC                       DACMode // "" unchanged
	WitnessServer             string
	WitnessDirectory          string
	AlternateWitness          string
	AlternateWitnessSite      string
	AlternateWitnessDirectory string
}

// SetDAG is Set-DatabaseAvailabilityGroup.
func (o *Org) SetDAG(dagName string, opt SetDAGOptions) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	for _, m := range d.members {
		for _, w := range []string{opt.WitnessServer, opt.AlternateWitness} {
			if w != "" && strings.EqualFold(m.name, w) {
				return fmt.Errorf("The witness server '%s' is a member of the database availability group '%s'; a witness server must not be a DAG member.", w, d.name)
			}
		}
	}
	e := DAGSet{DAG: d.name, DAC: opt.DAC, WitnessServer: opt.WitnessServer, AlternateWitness: opt.AlternateWitness}
	if opt.DAC != "" {
		d.dac = opt.DAC
	}
	if opt.WitnessServer != "" {
		d.witness = opt.WitnessServer
	}
	if opt.AlternateWitness != "" {
		d.altWitness, d.altWitnessSite = opt.AlternateWitness, opt.AlternateWitnessSite
	}
	if opt.WitnessDirectory != "" {
		d.witnessDir = opt.WitnessDirectory
	}
	if opt.AlternateWitnessDirectory != "" {
		d.altWitnessDir = opt.AlternateWitnessDirectory
	}
	if opt == (SetDAGOptions{}) || opt.WitnessServer != "" {
		if d.useAlt {
			e.BackToPrimary = true
		}
		d.useAlt = false
		d.lock = nil
	}
	e.Witness = d.witnessInUse()
	note(o, "", d.name, e)
	o.update("Set-DatabaseAvailabilityGroup " + d.name)
	return nil
}

func errNeedsDAC(cmd string, d *dagT) error {
	return fmt.Errorf("%s can only be run against a database availability group whose DatacenterActivationMode is DagOnly; '%s' has DatacenterActivationMode %s.", cmd, d.name, d.dac)
}

// pick resolves -ActiveDirectorySite or -MailboxServer to members.
func (o *Org) pick(d *dagT, site string, servers []string) ([]*server, error) {
	var out []*server
	if site != "" {
		for _, m := range d.members {
			if strings.EqualFold(m.site, site) {
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("No member of database availability group '%s' is in Active Directory site '%s'.", d.name, site)
		}
		return out, nil
	}
	for _, n := range servers {
		sv, err := o.server(n)
		if err != nil {
			return nil, err
		}
		if sv.dag != d {
			return nil, fmt.Errorf("Server '%s' isn't a member of database availability group '%s'.", sv.name, d.name)
		}
		out = append(out, sv)
	}
	if len(out) == 0 {
		return nil, errors.New("Specify -ActiveDirectorySite or -MailboxServer.")
	}
	return out, nil
}

func names(ss []*server) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.name
	}
	return out
}

// StopDAG is Stop-DatabaseAvailabilityGroup -ActiveDirectorySite site | -MailboxServer
// servers [-ConfigurationOnly] [STOP-DAG; SWITCHOVER]: the servers go on
// StoppedMailboxServers, so their Active Manager does not mount. Without
// -ConfigurationOnly a server that is up also has its cluster service stopped and
// disabled (the 2010 guide's force cleanup), so it stops voting; one that is down or
// cannot be reached is only marked in AD (reported in Unreachable).
func (o *Org) StopDAG(dagName, site string, servers []string, configurationOnly bool) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	if d.dac != DACDagOnly {
		return errNeedsDAC("Stop-DatabaseAvailabilityGroup", d)
	}
	targets, err := o.pick(d, site, servers)
	if err != nil {
		return err
	}
	e := DAGStopped{DAG: d.name, Site: site, Servers: names(targets), ConfigurationOnly: configurationOnly}
	for _, sv := range targets {
		sv.stopped = true
		if configurationOnly {
			continue
		}
		if sv.up && !sv.evicted {
			sv.clusDisabled = true
		} else {
			e.Unreachable = append(e.Unreachable, sv.name)
		}
	}
	note(o, "", d.name, e)
	o.update("Stop-DatabaseAvailabilityGroup stopped " + strings.Join(e.Servers, ", "))
	return nil
}

// RestoreOptions are Restore-DatabaseAvailabilityGroup's parameters.
type RestoreOptions struct {
	Site                      string // -ActiveDirectorySite: the site to activate ("" every non-stopped member)
	AlternateWitness          string // -AlternateWitnessServer
	AlternateWitnessSite      string
	AlternateWitnessDirectory string
	UsePrimaryWitnessServer   bool
}

// RestoreDAG is Restore-DatabaseAvailabilityGroup [RESTORE-DAG; SWITCHOVER; KB10086]:
// it needs a prior Stop-DatabaseAvailabilityGroup, forcibly evicts every server on
// StoppedMailboxServers from the cluster, and when the remaining members are even or
// a single one, moves the quorum to Node and File Share Majority with the alternate
// witness (the current reference; the 2010 help said "even" only, see doc.go). The
// surviving members' DACP bits are reset to 1, so they may mount; their databases
// then fail over by best copy selection. It fails when no survivor is up, since
// quorum could not be re-established.
func (o *Org) RestoreDAG(dagName string, opt RestoreOptions) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	if d.dac != DACDagOnly {
		return errNeedsDAC("Restore-DatabaseAvailabilityGroup", d)
	}
	var stopped, survivors []*server
	for _, m := range d.members {
		switch {
		case m.stopped && !m.evicted:
			stopped = append(stopped, m)
		case !m.stopped && !m.evicted && (opt.Site == "" || strings.EqualFold(m.site, opt.Site)):
			survivors = append(survivors, m)
		}
	}
	if len(stopped) == 0 {
		return fmt.Errorf("Restore-DatabaseAvailabilityGroup needs Stop-DatabaseAvailabilityGroup first: no member of '%s' that is still in the cluster is on StoppedMailboxServers.", d.name)
	}
	if opt.AlternateWitness != "" {
		for _, m := range d.members {
			if strings.EqualFold(m.name, opt.AlternateWitness) {
				return fmt.Errorf("The alternate witness server '%s' is a member of the database availability group '%s'; a witness server must not be a DAG member.", opt.AlternateWitness, d.name)
			}
		}
		d.altWitness, d.altWitnessSite = opt.AlternateWitness, opt.AlternateWitnessSite
	}
	if opt.AlternateWitnessDirectory != "" {
		d.altWitnessDir = opt.AlternateWitnessDirectory
	}
	return o.forceQuorum(d, stopped, survivors, opt.UsePrimaryWitnessServer, "Restore-DatabaseAvailabilityGroup")
}

// forceQuorum is the core of a switchover: evict the stopped servers, restart the
// cluster on the survivors with forced quorum, pick the witness, let the survivors
// mount. The non-DAC procedure (cluster /forcecleanup, net start clussvc /forcequorum,
// evict, Set-DatabaseAvailabilityGroup -WitnessServer) has the same effect on the
// cluster; the property test uses it for a DAG with DAC mode Off.
func (o *Org) forceQuorum(d *dagT, stopped, survivors []*server, usePrimary bool, by string) error {
	up := 0
	for _, s := range survivors {
		if s.up {
			up++
		}
	}
	if up == 0 {
		return fmt.Errorf("%s failed: no surviving member of '%s' is running, so quorum can't be re-established.", by, d.name)
	}
	remaining := 0
	for _, m := range d.members {
		if !m.evicted && !containsServer(stopped, m) {
			remaining++
		}
	}
	alt := false
	if remaining%2 == 0 || remaining == 1 {
		if !usePrimary {
			if d.altWitness == "" {
				return fmt.Errorf("%s failed: %d members of '%s' remain, so the cluster needs a witness, and no alternate witness server is configured. Specify -AlternateWitnessServer (or -UsePrimaryWitnessServer).", by, remaining, d.name)
			}
			alt = true
		}
	}
	view := &staleView{voters: d.voters(), witness: d.witnessInUse(), active: map[*database]*server{}}
	for _, db := range o.dbs {
		if db.dag == d {
			view.active[db] = db.active.server
		}
	}
	e := DAGRestored{DAG: d.name, By: by, Evicted: names(stopped), Survivors: names(survivors)}
	for _, s := range stopped {
		s.evicted = true
		s.clusDisabled = false
		cut := !s.up
		for _, v := range survivors {
			if !o.reach(s.name, v.name) {
				cut = true
			}
		}
		if cut {
			s.stale = view
			e.Unaware = append(e.Unaware, s.name)
		}
	}
	d.useAlt = alt
	d.lock = nil
	if d.dynamic {
		for _, s := range stopped {
			s.weight = 0
		}
		w, wit := o.voteTargets(d, func(m *server) bool { return m.up && containsServer(survivors, m) })
		o.setVotes(d, w, wit, by+" forced quorum on the surviving members")
	}
	for _, s := range survivors {
		if s.up {
			o.setDACP(s)
		}
	}
	if remaining%2 == 0 || remaining == 1 {
		e.Witness = d.witnessInUse()
		e.Alternate = alt
	}
	note(o, "", d.name, e)
	o.update(by + " evicted " + strings.Join(e.Evicted, ", "))
	return nil
}

func containsServer(ss []*server, s *server) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// StartDAG is Start-DatabaseAvailabilityGroup -ActiveDirectorySite site |
// -MailboxServer servers [-ConfigurationOnly] [START-DAG; KB10086]: the servers leave
// StoppedMailboxServers and, unless -ConfigurationOnly, rejoin the cluster (a server
// that is down joins when it boots). With an even member count the cluster uses Node
// and File Share Majority with the witness now in use, the alternate one until
// Set-DatabaseAvailabilityGroup goes back to the primary.
func (o *Org) StartDAG(dagName, site string, servers []string, configurationOnly bool) error {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return err
	}
	if d.dac != DACDagOnly {
		return errNeedsDAC("Start-DatabaseAvailabilityGroup", d)
	}
	targets, err := o.pick(d, site, servers)
	if err != nil {
		return err
	}
	e := DAGStarted{DAG: d.name, Site: site, Servers: names(targets), ConfigurationOnly: configurationOnly}
	for _, sv := range targets {
		sv.stopped = false
		if configurationOnly {
			continue
		}
		if sv.evicted || sv.clusDisabled {
			e.Joined = append(e.Joined, sv.name)
		}
		sv.evicted, sv.clusDisabled, sv.stale = false, false, nil
	}
	d.lock = nil
	note(o, "", d.name, e)
	o.update("Start-DatabaseAvailabilityGroup started " + strings.Join(e.Servers, ", "))
	return nil
}

func (o *Org) setDACP(sv *server) {
	sv.dacp, sv.dacpSet, sv.dacpSetAt = true, true, o.s.Now()
}

// witnessBootGrant is the two-member DAG rule [DAC]: the bit alone cannot tell an
// isolated reboot from a site power loss, so a starting member of a DAG of two that
// reaches the witness compares the witness's boot time with when its own bit was last
// set to 1: set after the witness booted, the member rebooted alone and may mount;
// set before, the member assumes it and the witness restarted together and does not.
// The witness's boot time comes from [Org.WitnessBooted] (before the scenario when
// never told).
func (o *Org) witnessBootGrant(d *dagT, m *server) string {
	w := d.witnessInUse()
	if len(d.voters()) != 2 || w == "" || !m.dacpSet || !o.reach(m.name, w) {
		return ""
	}
	if boot, ok := o.witnessBoot[key(w)]; ok && boot > m.dacpSetAt {
		return ""
	}
	return "witness " + w
}

// WitnessBooted records that the witness server name booted now (a fail-site's
// restore, or the witness's server starting), for the two-member DACP rule. It
// decides nothing by itself: the caller's next NetworkChanged or ServerUp does.
func (o *Org) WitnessBooted(name string) {
	if o.witnessBoot == nil {
		o.witnessBoot = map[string]time.Duration{}
	}
	o.witnessBoot[key(name)] = o.s.Now()
}
