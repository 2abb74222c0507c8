package dag

import (
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
	}
	if c != d.active && c.hasInspected {
		r.LastInspectedLogTime = o.s.Wall(c.inspected)
	}
	return r
}

// FormatCopyStatus prints rows as Get-MailboxDatabaseCopyStatus's default table:
// Name, Status, CopyQueueLength, ReplayQueueLength, LastInspectedLogTime,
// ContentIndexState, with times in the en-US form PowerShell uses.
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
