package dag

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/exsim/exsim/sim/psfmt"
)

// Active-copy placement (exchange-site-resilience.md section 6):
// MaximumActiveDatabases and RedistributeActiveDatabases.ps1.

// SetMaximumActiveDatabases is Set-MailboxServer -MaximumActiveDatabases (0: $null, no
// limit) [SET-MBXSRV]: once server has that many mounted databases, Active Manager
// activates no more copies there and the store refuses further mounts.
func (o *Org) SetMaximumActiveDatabases(server string, n int) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("Cannot bind parameter 'MaximumActiveDatabases': %d is not a whole number of at least 0.", n)
	}
	sv.maxActive = n
	note(o, sv.name, sv.name, MaximumActiveDatabasesSet{Server: sv.name, Max: n})
	o.update("an admin set MaximumActiveDatabases on " + sv.name)
	return nil
}

// atMaxActive says why sv may not take db's active copy because of
// MaximumActiveDatabases ("" if it may): the databases other than db mounted there.
func (o *Org) atMaxActive(sv *server, db *database) string {
	return o.atMax(sv, db, "MaximumActiveDatabases", sv.maxActive)
}

// atMax says that the setting named name (max 0: no limit) is reached on sv for db:
// the databases other than db mounted there are max or more ("" if not).
func (o *Org) atMax(sv *server, db *database, name string, max int) string {
	if max == 0 {
		return ""
	}
	n := 0
	for _, d := range o.dbs {
		if d != db && d.mounted && d.active.server == sv {
			n++
		}
	}
	if n >= max {
		return fmt.Sprintf("%s (%d) is reached on %s", name, max, sv.name)
	}
	return ""
}

// SetMaximumPreferredActiveDatabases is Set-MailboxServer
// -MaximumPreferredActiveDatabases (2013+; 0: $null) [SET-MBXSRV: "honoured only in
// BCSS, switchovers and DAG rebalancing"]. Unlike MaximumActiveDatabases it is a
// preference, not a limit (chosen from "preferred" and from the cmdlet reference
// saying nothing of refused mounts): best copy selection (failovers and targetless
// switchovers) tries servers below it first and a server at it only when no other
// copy can mount; RedistributeActiveDatabases.ps1 and PreferenceMoveFrequency
// rebalancing do not move a database to a server at it, and take the next
// preferred copy instead. Mount-Database and Move-ActiveMailboxDatabase
// -ActivateOnServer (an admin naming the server) ignore it.
func (o *Org) SetMaximumPreferredActiveDatabases(server string, n int) error {
	sv, err := o.server(server)
	if err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("Cannot bind parameter 'MaximumPreferredActiveDatabases': %d is not a whole number of at least 0.", n)
	}
	sv.maxPreferred = n
	note(o, sv.name, sv.name, MaximumPreferredActiveDatabasesSet{Server: sv.name, Max: n})
	o.update("an admin set MaximumPreferredActiveDatabases on " + sv.name)
	return nil
}

// atMaxPreferred says why sv is at its MaximumPreferredActiveDatabases for db ("" if
// not): the databases other than db mounted there.
func (o *Org) atMaxPreferred(sv *server, db *database) string {
	return o.atMax(sv, db, "MaximumPreferredActiveDatabases", sv.maxPreferred)
}

// MaximumPreferredActiveDatabasesSet ("dag.policy"): Set-MailboxServer
// -MaximumPreferredActiveDatabases (Max 0: $null).
type MaximumPreferredActiveDatabasesSet struct {
	Server string
	Max    int
}

// Kind is the journal kind.
func (MaximumPreferredActiveDatabasesSet) Kind() string { return "dag.policy" }

// Narrate renders the event.
func (e MaximumPreferredActiveDatabasesSet) Narrate() string {
	if e.Max == 0 {
		return fmt.Sprintf("An admin cleared MaximumPreferredActiveDatabases on %s ($null).", e.Server)
	}
	return fmt.Sprintf("An admin set MaximumPreferredActiveDatabases to %d on %s: best copy selection prefers other servers once %d databases are mounted there, and rebalancing moves none there.", e.Max, e.Server, e.Max)
}

// DistributionRow is one server of RedistributeActiveDatabases.ps1's distribution
// (the script's object properties, practical365's capture).
type DistributionRow struct {
	ServerName                      string
	TotalDbs, ActiveDbs, PassiveDbs int
	PreferenceCountList             []int // copies there with ActivationPreference 1, 2, ...
	MountedDbs, DismountedDbs       int
	DagName                         string
}

// Redistribute is RedistributeActiveDatabases.ps1 -DagName dag
// -BalanceDbsByActivationPreference (bySite false) or
// -BalanceDbsBySiteAndActivationPreference (bySite true) [MANAGE-DBC 6.3]: each
// mounted database moves by a lossless switchover to its most preferred copy that
// Active Manager could activate and that is Healthy; by site, the candidates are
// first those in the site where the database is active. It returns the final
// distribution per member. Move suppression is not modelled.
func (o *Org) Redistribute(dagName string, bySite bool) ([]DistributionRow, error) {
	d, err := o.dagNamed(dagName)
	if err != nil {
		return nil, err
	}
	if !d.hasQuorum || d.pam == nil {
		return nil, fmt.Errorf("Database availability group '%s' doesn't have quorum, so active databases can't be redistributed.", d.name)
	}
	e := Redistributed{DAG: d.name, BySite: bySite}
	var errs []error
	for _, db := range o.dbs {
		if db.dag != d || !db.mounted {
			continue
		}
		target := o.preferred(db, bySite)
		if target == nil || target == db.active {
			continue
		}
		from := db.active.server.name
		if err := o.move(db, target.server.name, "RedistributeActiveDatabases.ps1 and Active Manager", selectOpts{}); err != nil {
			errs = append(errs, err)
			e.Failed = append(e.Failed, db.name)
			continue
		}
		e.Moved = append(e.Moved, db.name+" "+from+" -> "+target.server.name)
	}
	note(o, "", d.name, e)
	o.update("RedistributeActiveDatabases.ps1 balanced " + d.name)
	return o.distribution(d), errors.Join(errs...)
}

func (o *Org) preferred(db *database, bySite bool) *dbCopy {
	ok := func(c *dbCopy) bool {
		if c == db.active {
			return true
		}
		return o.autoBlock(c, db.active) == "" && o.status(c) == Healthy && o.atMaxPreferred(c.server, db) == ""
	}
	if bySite {
		for _, c := range db.copies {
			if c.server.site == db.active.server.site && ok(c) {
				return c
			}
		}
	}
	for _, c := range db.copies {
		if ok(c) {
			return c
		}
	}
	return nil
}

func (o *Org) distribution(d *dagT) []DistributionRow {
	most := 0
	for _, db := range o.dbs {
		if db.dag == d {
			most = max(most, len(db.copies))
		}
	}
	var rows []DistributionRow
	for _, m := range d.members {
		r := DistributionRow{ServerName: m.name, DagName: d.name, PreferenceCountList: make([]int, most)}
		for _, db := range o.dbs {
			c := o.copyOn(db, m)
			if c == nil {
				continue
			}
			r.TotalDbs++
			r.PreferenceCountList[c.pref-1]++
			if c == db.active {
				r.ActiveDbs++
				if db.mounted {
					r.MountedDbs++
				} else {
					r.DismountedDbs++
				}
			} else {
				r.PassiveDbs++
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// FormatDistribution prints the distribution as a table of the script's properties.
func FormatDistribution(rows []DistributionRow) string {
	cols := []psfmt.Column{{Name: "ServerName"}, {Name: "TotalDbs", Numeric: true}, {Name: "ActiveDbs", Numeric: true}, {Name: "PassiveDbs", Numeric: true}, {Name: "PreferenceCountList"}, {Name: "MountedDbs", Numeric: true}, {Name: "DismountedDbs", Numeric: true}, {Name: "DagName"}}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		pcl := make([]string, len(r.PreferenceCountList))
		for j, n := range r.PreferenceCountList {
			pcl[j] = strconv.Itoa(n)
		}
		cells[i] = []string{r.ServerName, strconv.Itoa(r.TotalDbs), strconv.Itoa(r.ActiveDbs), strconv.Itoa(r.PassiveDbs), "{" + strings.Join(pcl, ", ") + "}", strconv.Itoa(r.MountedDbs), strconv.Itoa(r.DismountedDbs), r.DagName}
	}
	return psfmt.Table(cols, cells)
}
