package scenarios

import (
	"strconv"
	"strings"

	"github.com/exsim/exsim/powershell"
	"github.com/exsim/exsim/sim/psfmt"
)

// The Exchange Management Shell's default table views: for each Get- cmdlet a step
// can run, the properties its Format-Table prints with no -Property, their labels,
// widths and alignment, as Exchange's format.ps1xml (Exchange.format.ps1xml in the
// Exchange bin folder) defines them. This is the one place these choices live.
//
// No format.ps1xml text and no stored text capture of these tables was found (the
// CSS-Exchange captures in reference/captures are Export-Clixml, which holds no
// view; style-and-ecosystem.md B5 says the Get-Queue columns are from practitioner
// memory). So each view says where its columns and widths come from: a documented
// example, or widths recalled from Exchange Management Shell screens that are not
// stored here. A column with Width 0 has none: Windows PowerShell 5.1 sizes it to
// its label and the values it prints (psfmt.View). Exchange's views give no
// Alignment, so their numbers are left-aligned, unlike PowerShell's own generated
// tables.

// viewColumn is one column of a view: the property it prints and how.
type viewColumn struct {
	prop string
	psfmt.ViewColumn
}

// view is one cmdlet's default table.
type view struct {
	cols []viewColumn
}

func col(prop string, width int) viewColumn {
	return viewColumn{prop: prop, ViewColumn: psfmt.ViewColumn{Label: prop, Width: width}}
}

func labeled(prop, label string, width int) viewColumn {
	return viewColumn{prop: prop, ViewColumn: psfmt.ViewColumn{Label: label, Width: width}}
}

var (
	// Get-Queue on Exchange 2010 (ExtensibleQueueInfo): Identity, DeliveryType,
	// Status, MessageCount, NextHopDomain (style-and-ecosystem.md B5, practitioner
	// memory). Widths recalled from 2010 shells, no capture stored: DeliveryType is 12
	// wide (the familiar "SmtpRelay...", "ShadowRed...", "DnsConnec..."), Status 6 and
	// MessageCount 12 (each as wide as its label), Identity 27; NextHopDomain has no
	// width.
	getQueue2010 = view{cols: []viewColumn{col("Identity", 27), col("DeliveryType", 12), col("Status", 6), col("MessageCount", 12), col("NextHopDomain", 0)}}
	// Get-Queue on Exchange 2013 and later adds Velocity, RiskLevel and
	// OutboundIPPool before NextHopDomain (B5, practitioner memory); each added column
	// is as wide as its label (recalled, no capture stored), Identity narrows to 20.
	getQueue2013 = view{cols: []viewColumn{col("Identity", 20), col("DeliveryType", 12), col("Status", 6), col("MessageCount", 12),
		col("Velocity", 8), col("RiskLevel", 9), col("OutboundIPPool", 14), col("NextHopDomain", 0)}}
	// Get-Message (ExtensibleMessageInfo): Identity, FromAddress, Status, Queue,
	// Subject (queues-and-messages-in-powershell.md's examples select them; the
	// transport model's choice since round one). No capture of the table is known:
	// no widths.
	getMessage = view{cols: []viewColumn{col("Identity", 0), col("FromAddress", 0), col("Status", 0), col("Queue", 0), col("Subject", 0)}}
	// Get-MessageTrackingLog (MessageTrackingEvent): EventId, Source, Sender,
	// Recipients, MessageSubject, exactly as the cmdlet's documentation example for
	// Exchange 2016 prints them (exchange-transport.md MT-2016,
	// style-and-ecosystem.md B5): sized to the content, so no widths.
	getMessageTrackingLog = view{cols: []viewColumn{col("EventId", 0), col("Source", 0), col("Sender", 0), col("Recipients", 0), col("MessageSubject", 0)}}
	// Get-ServerComponentState (ServerComponentStatePresentationObject): Server,
	// Component, State, where Server is the object's ServerFqdn (the E15 capture's
	// property holding Solo-E15A.Solo.net; the object has no Server property). No
	// capture of the table is known: no widths.
	getServerComponentState = view{cols: []viewColumn{labeled("ServerFqdn", "Server", 0), col("Component", 0), col("State", 0)}}
	// Get-MailboxDatabaseCopyStatus: Name, Status, CopyQueueLength,
	// ReplayQueueLength, LastInspectedLogTime, ContentIndexState, with the widths
	// recalled from 2010-2019 shells (no capture stored): Status 15, CopyQueueLength 9
	// and ReplayQueueLength 11 (their labels wrap onto a second header line,
	// "CopyQueue / Length"), LastInspectedLogTime 22, ContentIndexState 12
	// ("ContentIndex / State"), Name 45: the six fill the 119 characters of the line.
	getMailboxDatabaseCopyStatus = view{cols: []viewColumn{col("Name", 45), col("Status", 15), col("CopyQueueLength", 9),
		col("ReplayQueueLength", 11), col("LastInspectedLogTime", 22), col("ContentIndexState", 12)}}
	// Get-DatabaseAvailabilityGroup: Name, "Member Servers" (Servers), "Operational
	// Servers" (OperationalServers, empty without -Status): the labels as exsim has
	// printed them since round one, recalled; no capture of the table is known, no
	// widths.
	getDatabaseAvailabilityGroup = view{cols: []viewColumn{col("Name", 0), labeled("Servers", "Member Servers", 0), labeled("OperationalServers", "Operational Servers", 0)}}
	// Get-ReceiveConnector: Identity, Bindings, Enabled, the first two 40 wide,
	// recalled from 2010-2019 shells (no capture of the table stored; the 2019
	// Export-Clixml capture gives the objects).
	getReceiveConnector = view{cols: []viewColumn{col("Identity", 40), col("Bindings", 40), col("Enabled", 0)}}
	// Get-SendConnector: Identity, AddressSpaces, Enabled, recalled; no capture of
	// the table and no widths known.
	getSendConnector = view{cols: []viewColumn{col("Identity", 0), col("AddressSpaces", 0), col("Enabled", 0)}}
	// Get-TransportService (2010: Get-TransportServer, the same TransportServer
	// object): Name, MaxConcurrentMailboxDeliveries, MaxConcurrentMailboxSubmissions,
	// MaxOutboundConnections. A choice: no capture of the table and no format.ps1xml
	// text is stored (import-shapes.md §1.8: "no real output found"); these are the
	// server's name and the throttling limits admins read it for, sized to the
	// content, which keeps the line within 120 characters. Every version alike.
	getTransportService = view{cols: []viewColumn{col("Name", 0), col("MaxConcurrentMailboxDeliveries", 0),
		col("MaxConcurrentMailboxSubmissions", 0), col("MaxOutboundConnections", 0)}}
	// Get-MailboxDatabase: Name 30, Server 15, Recovery 15, ReplicationType 15,
	// recalled from 2010-2019 shells (no capture stored).
	getMailboxDatabase = view{cols: []viewColumn{col("Name", 30), col("Server", 15), col("Recovery", 15), col("ReplicationType", 15)}}
)

// viewOf is the default view of cmdlet on a server of version (a scenario version
// name); ok is false for a cmdlet without one.
func viewOf(cmdlet, version string) (view, bool) {
	switch cmdlet {
	case "Get-Queue":
		if strings.HasPrefix(versionOf(version), "Exchange2010") {
			return getQueue2010, true
		}
		return getQueue2013, true
	case "Get-Message":
		return getMessage, true
	case "Get-MessageTrackingLog":
		return getMessageTrackingLog, true
	case "Get-ServerComponentState":
		return getServerComponentState, true
	case "Get-MailboxDatabaseCopyStatus":
		return getMailboxDatabaseCopyStatus, true
	case "Get-DatabaseAvailabilityGroup":
		return getDatabaseAvailabilityGroup, true
	case "Get-MailboxDatabase":
		return getMailboxDatabase, true
	case "Get-ReceiveConnector":
		return getReceiveConnector, true
	case "Get-SendConnector":
		return getSendConnector, true
	case "Get-TransportService", "Get-TransportServer":
		return getTransportService, true
	}
	return view{}, false
}

// table prints objects as Format-Table does with the view's columns: with its widths
// (cut with "..." where a value is longer, or wrapped onto more lines with -Wrap),
// or sized to the content with -AutoSize.
func (v view) table(objs [][]psfmt.Field, autosize, wrap bool) string {
	cols := make([]psfmt.ViewColumn, len(v.cols))
	for i, c := range v.cols {
		cols[i] = c.ViewColumn
	}
	rows := make([][]string, len(objs))
	for i, o := range objs {
		rows[i] = make([]string, len(v.cols))
		for j, c := range v.cols {
			rows[i][j] = fieldValue(o, c.prop)
		}
	}
	switch {
	case autosize:
		return psfmt.AutoSize(cols, rows)
	case wrap:
		return psfmt.Wrapped(cols, rows)
	}
	return psfmt.View(cols, rows)
}

// propertyView is the table Format-Table -Property (or Select-Object's output) makes:
// one column per property, labelled with the property's own spelling, no widths,
// numbers right-aligned, as PowerShell's generated tables are. A property is numeric
// when the first object's value is a number.
func propertyView(objs [][]psfmt.Field) view {
	var v view
	if len(objs) == 0 {
		return v
	}
	for _, f := range objs[0] {
		c := col(f.Name, 0)
		_, err := strconv.ParseFloat(f.Value, 64)
		c.Right = err == nil
		v.cols = append(v.cols, c)
	}
	return v
}

// scriptView is a cmdlet's default view for the objects a script's cmdlets return,
// so the script's console prints them as step output does.
func scriptView(cmdlet, version string) powershell.TableView {
	v, _ := viewOf(cmdlet, version)
	out := make(powershell.TableView, len(v.cols))
	for i, c := range v.cols {
		out[i] = powershell.ViewColumn{Property: c.prop, ViewColumn: c.ViewColumn}
	}
	return out
}

func fieldValue(o []psfmt.Field, prop string) string {
	for _, f := range o {
		if strings.EqualFold(f.Name, prop) {
			return f.Value
		}
	}
	return ""
}
