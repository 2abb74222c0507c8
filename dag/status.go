package dag

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/sim/psfmt"
)

// CopyStatusRow is one object of Get-MailboxDatabaseCopyStatus.
type CopyStatusRow struct {
	Name                 string // "DB\Server"
	DatabaseName         string
	MailboxServer        string
	Status               Status
	CopyQueueLength      int64
	ReplayQueueLength    int64
	LastInspectedLogTime time.Time // zero: never (printed blank, as for an active copy)
	ContentIndexState    string
	ActivationPreference int
	ActivationSuspended  bool
	ActiveCopy           bool
	ReplayLagStatus      string // lagged.go
}

// CopyStatus is Get-MailboxDatabaseCopyStatus: identity is "DB\Server" (one copy), "DB"
// (every copy of the database) or "" (every copy in the organization), in database
// creation order and then activation preference order.
func (o *Org) CopyStatus(identity string) ([]CopyStatusRow, error) {
	if identity == "" {
		var rows []CopyStatusRow
		for _, d := range o.dbs {
			for _, c := range d.copies {
				rows = append(rows, o.row(c))
			}
		}
		return rows, nil
	}
	dbName, srv, hasSrv := strings.Cut(identity, `\`)
	if hasSrv {
		c, err := o.identity(dbName, srv)
		if err != nil {
			return nil, err
		}
		return []CopyStatusRow{o.row(c)}, nil
	}
	d, err := o.database(dbName)
	if err != nil {
		return nil, err
	}
	rows := make([]CopyStatusRow, 0, len(d.copies))
	for _, c := range d.copies {
		rows = append(rows, o.row(c))
	}
	return rows, nil
}

// CopyStatusServer is Get-MailboxDatabaseCopyStatus -Server server.
func (o *Org) CopyStatusServer(server string) ([]CopyStatusRow, error) {
	sv, err := o.server(server)
	if err != nil {
		return nil, err
	}
	var rows []CopyStatusRow
	for _, d := range o.dbs {
		if c := o.copyOn(d, sv); c != nil {
			rows = append(rows, o.row(c))
		}
	}
	return rows, nil
}

func (o *Org) row(c *dbCopy) CopyStatusRow {
	d := c.db
	r := CopyStatusRow{
		Name: c.name(), DatabaseName: d.name, MailboxServer: c.server.name,
		Status: o.status(c), CopyQueueLength: d.cql(c), ReplayQueueLength: d.rql(c),
		ContentIndexState: o.contentIndex(c), ActivationPreference: c.pref,
		ActivationSuspended: c.activationSuspended, ActiveCopy: c == d.active,
		ReplayLagStatus: o.replayLagStatus(c),
	}
	if c != d.active && c.hasInspected {
		r.LastInspectedLogTime = o.s.Wall(c.inspected)
	}
	return r
}

// FormatCopyStatus prints rows with the columns of Get-MailboxDatabaseCopyStatus's
// default table: Name, Status, CopyQueueLength, ReplayQueueLength,
// LastInspectedLogTime, ContentIndexState, with times in the en-US form PowerShell
// uses, sized to the content: the model's own rendering, for its tests. A step
// prints the shell's view with its widths (scenarios' views table) of Fields.
func FormatCopyStatus(rows []CopyStatusRow) string {
	if len(rows) == 0 {
		return "" // PowerShell prints nothing for an empty result
	}
	cols := []psfmt.Column{
		{Name: "Name"}, {Name: "Status"},
		{Name: "CopyQueueLength", Numeric: true}, {Name: "ReplayQueueLength", Numeric: true},
		{Name: "LastInspectedLogTime"}, {Name: "ContentIndexState"},
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		t := ""
		if !r.LastInspectedLogTime.IsZero() {
			t = r.LastInspectedLogTime.Format("1/2/2006 3:04:05 PM")
		}
		cells[i] = []string{r.Name, string(r.Status), strconv.FormatInt(r.CopyQueueLength, 10), strconv.FormatInt(r.ReplayQueueLength, 10), t, r.ContentIndexState}
	}
	return psfmt.Table(cols, cells)
}

// DAGStatusRow is one object of Get-DatabaseAvailabilityGroup: the properties that
// only -Status fills (OperationalServers, PrimaryActiveManager,
// ServersInMaintenance) are empty without it, as the cmdlet leaves them
// [Get-DatabaseAvailabilityGroup doc: "The Status switch specifies whether to return
// real-time status information ... OperationalServers, PrimaryActiveManager ..."].
type DAGStatusRow struct {
	Name          string
	Servers       []string // the members, in the order they were added
	WitnessServer string
	// -Status only:
	Status               bool
	OperationalServers   []string // members that are up and in the cluster majority
	PrimaryActiveManager string
	// ServersInMaintenance lists members in DAG maintenance. Chosen: a member whose
	// cluster node is paused (StartDagServerMaintenance.ps1 or cluster.exe /pause),
	// since that is the state the 2010 scripts leave and the one 2010 can see (it has
	// no component states).
	ServersInMaintenance []string

	// Site resilience [GET-DAG; SET-DAG; KB10086]. StoppedMailboxServers and
	// StartedMailboxServers are written by Stop-/Start-DatabaseAvailabilityGroup; an
	// established DAG in DAC mode lists every member as started (choice), one with
	// DAC mode Off lists none.
	AlternateWitnessServer    string
	WitnessDirectory          string // as set by Set-DatabaseAvailabilityGroup ("" otherwise)
	AlternateWitnessDirectory string
	DatacenterActivationMode  DACMode
	StoppedMailboxServers     []string
	StartedMailboxServers     []string
	// -Status only: ReplicationPort (TCP 64327) and WitnessShareInUse, Primary or
	// Alternate, None under Node Majority (the value set beyond Primary is not
	// documented; these are Exchange's WitnessShareUsage names).
	ReplicationPort   int
	WitnessShareInUse string
	// Documented defaults the model does not change [SET-DAG; NEW-DAG;
	// CONFIGURE-AUTORESEED]: NetworkCompression and NetworkEncryption
	// InterSubnetOnly, ManualDagNetworkConfiguration False, ThirdPartyReplication
	// Disabled, the AutoDag root folders C:\ExchangeDatabases and C:\ExchangeVolumes,
	// AutoDagAutoReseedEnabled and AutoDagDiskReclaimerEnabled True; and, for a 2016+
	// DAG, PreferenceMoveFrequency.
	PreferenceMoveFrequency string // "" for a DAG without the property (2010, 2013)
	// ReplayLagManagerEnabled True or False (playdown.go); "" for a 2010 DAG.
	ReplayLagManagerEnabled string
}

// DAGStatus is Get-DatabaseAvailabilityGroup [identity] [-Status]: every DAG in
// creation order, or the one named.
func (o *Org) DAGStatus(identity string, status bool) ([]DAGStatusRow, error) {
	var out []DAGStatusRow
	for _, d := range o.dags {
		if identity != "" && !strings.EqualFold(identity, d.name) {
			continue
		}
		r := DAGStatusRow{Name: d.name, WitnessServer: d.witness, Status: status,
			AlternateWitnessServer: d.altWitness, DatacenterActivationMode: d.dac,
			WitnessDirectory: d.witnessDir, AlternateWitnessDirectory: d.altWitnessDir}
		if d.hasPMF {
			r.PreferenceMoveFrequency = fmtSpan(d.pmf)
		}
		if d.lagTimer != nil {
			r.ReplayLagManagerEnabled = psBool(d.lagManager)
		}
		if status {
			r.ReplicationPort = 64327
			r.WitnessShareInUse = "None"
			if n := len(d.voters()); n%2 == 0 && d.witnessInUse() != "" {
				r.WitnessShareInUse = "Primary"
				if d.useAlt {
					r.WitnessShareInUse = "Alternate"
				}
			}
		}
		for _, m := range d.members {
			if m.stopped {
				r.StoppedMailboxServers = append(r.StoppedMailboxServers, m.name)
			} else if d.dac == DACDagOnly && !m.evicted {
				r.StartedMailboxServers = append(r.StartedMailboxServers, m.name)
			}
			r.Servers = append(r.Servers, m.name)
			if status && m.up && m.inQuorum && d.hasQuorum {
				r.OperationalServers = append(r.OperationalServers, m.name)
			}
			if status && m.paused {
				r.ServersInMaintenance = append(r.ServersInMaintenance, m.name)
			}
		}
		if status && d.pam != nil {
			r.PrimaryActiveManager = d.pam.name
		}
		out = append(out, r)
	}
	if identity != "" && len(out) == 0 {
		return nil, fmt.Errorf("The operation couldn't be performed because object '%s' couldn't be found.", identity)
	}
	return out, nil
}

// Fields gives the row's properties in the order Format-List * prints them (the ones
// exsim models).
func (r DAGStatusRow) Fields() []psfmt.Field {
	coll := func(s []string) string {
		if len(s) == 0 {
			return "{}"
		}
		return psfmt.Collection(s)
	}
	port := ""
	if r.ReplicationPort != 0 {
		port = strconv.Itoa(r.ReplicationPort)
	}
	f := []psfmt.Field{
		{Name: "Name", Value: r.Name},
		{Name: "Servers", Value: coll(r.Servers)},
		{Name: "WitnessServer", Value: r.WitnessServer},
		{Name: "WitnessDirectory", Value: r.WitnessDirectory},
		{Name: "AlternateWitnessServer", Value: r.AlternateWitnessServer},
		{Name: "AlternateWitnessDirectory", Value: r.AlternateWitnessDirectory},
		{Name: "DatacenterActivationMode", Value: string(r.DatacenterActivationMode)},
		{Name: "StoppedMailboxServers", Value: coll(r.StoppedMailboxServers)},
		{Name: "StartedMailboxServers", Value: coll(r.StartedMailboxServers)},
		{Name: "OperationalServers", Value: coll(r.OperationalServers)},
		{Name: "PrimaryActiveManager", Value: r.PrimaryActiveManager},
		{Name: "ServersInMaintenance", Value: coll(r.ServersInMaintenance)},
		{Name: "ReplicationPort", Value: port},
		{Name: "WitnessShareInUse", Value: r.WitnessShareInUse},
	}
	if r.ReplayLagManagerEnabled != "" {
		f = append(f, psfmt.Field{Name: "ReplayLagManagerEnabled", Value: r.ReplayLagManagerEnabled})
	}
	// The documented defaults, after the modelled properties (no full capture of the
	// shell's Format-List order exists; see exchange-site-resilience.md Gaps).
	f = append(f,
		psfmt.Field{Name: "NetworkCompression", Value: "InterSubnetOnly"},
		psfmt.Field{Name: "NetworkEncryption", Value: "InterSubnetOnly"},
		psfmt.Field{Name: "ManualDagNetworkConfiguration", Value: "False"},
		psfmt.Field{Name: "ThirdPartyReplication", Value: "Disabled"},
		psfmt.Field{Name: "AutoDagDatabasesRootFolderPath", Value: `C:\ExchangeDatabases`},
		psfmt.Field{Name: "AutoDagVolumesRootFolderPath", Value: `C:\ExchangeVolumes`},
		psfmt.Field{Name: "AutoDagAutoReseedEnabled", Value: "True"},
		psfmt.Field{Name: "AutoDagDiskReclaimerEnabled", Value: "True"},
	)
	if r.PreferenceMoveFrequency != "" {
		f = append(f, psfmt.Field{Name: "PreferenceMoveFrequency", Value: r.PreferenceMoveFrequency})
	}
	return f
}

// FormatDAGStatus prints rows with the columns of Get-DatabaseAvailabilityGroup's
// default table: Name, Member Servers, Operational Servers (the last empty without
// -Status), sized to the content, for the model's tests; a step prints scenarios'
// view of Fields.
func FormatDAGStatus(rows []DAGStatusRow) string {
	if len(rows) == 0 {
		return ""
	}
	cols := []psfmt.Column{{Name: "Name"}, {Name: "Member Servers"}, {Name: "Operational Servers"}}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		op := ""
		if r.Status {
			op = psfmt.Collection(r.OperationalServers)
		}
		cells[i] = []string{r.Name, psfmt.Collection(r.Servers), op}
	}
	return psfmt.Table(cols, cells)
}

// Fields gives the copy's properties in the order Format-List * prints them (the
// ones exsim models).
func (r CopyStatusRow) Fields() []psfmt.Field {
	t := ""
	if !r.LastInspectedLogTime.IsZero() {
		t = r.LastInspectedLogTime.Format("1/2/2006 3:04:05 PM")
	}
	return []psfmt.Field{
		{Name: "Name", Value: r.Name},
		{Name: "DatabaseName", Value: r.DatabaseName},
		{Name: "Status", Value: string(r.Status)},
		{Name: "MailboxServer", Value: r.MailboxServer},
		{Name: "ActiveCopy", Value: psBool(r.ActiveCopy)},
		{Name: "ActivationSuspended", Value: psBool(r.ActivationSuspended)},
		{Name: "CopyQueueLength", Value: strconv.FormatInt(r.CopyQueueLength, 10)},
		{Name: "ReplayQueueLength", Value: strconv.FormatInt(r.ReplayQueueLength, 10)},
		{Name: "LastInspectedLogTime", Value: t},
		{Name: "ContentIndexState", Value: r.ContentIndexState},
		{Name: "ReplayLagStatus", Value: r.ReplayLagStatus},
	}
}

func psBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
