package logs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/sim/psfmt"
)

// DefaultResultSize is Get-MessageTrackingLog's -ResultSize default.
const DefaultResultSize = 1000

// Filter holds the parameters of Get-MessageTrackingLog. Empty fields do not filter.
type Filter struct {
	Server            string         // -Server: whose log (case-insensitive)
	Start, End        *time.Duration // -Start inclusive, -End exclusive
	EventId           string         // -EventId, e.g. "DELIVER" (case-insensitive)
	MessageSubject    string         // -MessageSubject: partial match, case-insensitive
	Sender            string         // -Sender: sender-address (case-insensitive)
	MessageId         string         // -MessageId, with or without the angle brackets
	InternalMessageId int64          // -InternalMessageId (0: any)
	Reference         string         // -Reference
	Recipients        []string       // -Recipients: rows naming any of them
	ResultSize        int            // -ResultSize: 0 means 1000, negative means Unlimited
	// 2016+:
	NetworkMessageId     string // -NetworkMessageId (case-insensitive)
	Source               string // -Source, e.g. SMTP (case-insensitive)
	TransportTrafficType string // -TransportTrafficType, e.g. Email (case-insensitive)
}

// Apply returns the rows of events that match, in time order (same instant: logging
// order), at most ResultSize of them.
func (f Filter) Apply(events []TrackingEvent) []TrackingEvent {
	var out []TrackingEvent
	for i := range events {
		if f.match(&events[i]) {
			out = append(out, events[i])
		}
	}
	slices.SortStableFunc(out, func(a, b TrackingEvent) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	size := f.ResultSize
	if size == 0 {
		size = DefaultResultSize
	}
	if size > 0 && len(out) > size {
		out = out[:size]
	}
	return out
}

func trimAngles(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">") }

func (f Filter) match(e *TrackingEvent) bool {
	if f.Server != "" && !strings.EqualFold(f.Server, e.Server) {
		return false
	}
	if f.Start != nil && e.At < *f.Start {
		return false
	}
	if f.End != nil && e.At >= *f.End {
		return false
	}
	if f.EventId != "" && !strings.EqualFold(f.EventId, string(e.EventID)) {
		return false
	}
	if f.MessageSubject != "" && !strings.Contains(strings.ToLower(e.MessageSubject), strings.ToLower(f.MessageSubject)) {
		return false
	}
	if f.Sender != "" && !strings.EqualFold(f.Sender, e.Sender) {
		return false
	}
	if f.MessageId != "" && !strings.EqualFold(trimAngles(f.MessageId), trimAngles(e.MessageID)) {
		return false
	}
	if f.InternalMessageId != 0 && f.InternalMessageId != e.InternalMessageID {
		return false
	}
	if f.Reference != "" && !strings.EqualFold(f.Reference, e.Reference) {
		return false
	}
	if f.NetworkMessageId != "" && !strings.EqualFold(f.NetworkMessageId, e.NetworkMessageID) {
		return false
	}
	if f.Source != "" && !strings.EqualFold(f.Source, string(e.Source)) {
		return false
	}
	if f.TransportTrafficType != "" && !strings.EqualFold(f.TransportTrafficType, e.TransportTrafficType) {
		return false
	}
	if len(f.Recipients) > 0 {
		found := false
		for _, want := range f.Recipients {
			for _, r := range e.Recipients {
				if strings.EqualFold(want, r) {
					found = true
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// FormatTrackingTable prints events as Get-MessageTrackingLog does by default: the
// columns EventId, Source, Sender, Recipients, MessageSubject (MT-2016's example).
func FormatTrackingTable(events []TrackingEvent) string {
	cols := []psfmt.Column{{Name: "EventId"}, {Name: "Source"}, {Name: "Sender"}, {Name: "Recipients"}, {Name: "MessageSubject"}}
	rows := make([][]string, len(events))
	for i, e := range events {
		rows[i] = []string{string(e.EventID), string(e.Source), e.Sender, psfmt.Collection(e.Recipients), e.MessageSubject}
	}
	return psfmt.Table(cols, rows)
}

// PSTimeLayout is how the Exchange Management Shell (en-US) prints a Timestamp.
const PSTimeLayout = "1/2/2006 3:04:05 PM"

// formatEnumerationLimit is PowerShell's $FormatEnumerationLimit default: a
// collection with more items prints the first four and "...".
const formatEnumerationLimit = 4

// cmdletProperties are the properties of a MessageTrackingEvent in the order the
// shell prints them, each with the #Fields column it comes from ("" for one the
// cmdlet computes). The order is the real "Get-MessageTrackingLog | Export-Csv"
// header of a 2016+ shell (import-shapes.md 2.3, CSS-Exchange
// Transport/Measure-EmailDelayInMTL.ps1): RunspaceId, Timestamp, ..., MessageInfo,
// MessageLatency, MessageLatencyType, EventData, TransportTrafficType,
// SchemaVersion, without the remoting properties PSComputerName and
// PSShowComputerName, which Format-List does not show. The cmdlet has no
// OriginalServerIp and no LogId, and shows custom-data as EventData. A property
// whose column the server's version does not log (NetworkMessageId before 2013,
// TransportTrafficType and SchemaVersion before 2016) is not a property there: the
// seed's 2010 Format-List is a subsequence of what is left.
var cmdletProperties = []struct{ name, field string }{
	{"RunspaceId", ""}, {"Timestamp", "date-time"}, {"ClientIp", "client-ip"},
	{"ClientHostname", "client-hostname"}, {"ServerIp", "server-ip"},
	{"ServerHostname", "server-hostname"}, {"SourceContext", "source-context"},
	{"ConnectorId", "connector-id"}, {"Source", "source"}, {"EventId", "event-id"},
	{"InternalMessageId", "internal-message-id"}, {"MessageId", "message-id"},
	{"NetworkMessageId", "network-message-id"}, {"Recipients", "recipient-address"},
	{"RecipientStatus", "recipient-status"}, {"TotalBytes", "total-bytes"},
	{"RecipientCount", "recipient-count"}, {"RelatedRecipientAddress", "related-recipient-address"},
	{"Reference", "reference"}, {"MessageSubject", "message-subject"},
	{"Sender", "sender-address"}, {"ReturnPath", "return-path"},
	{"Directionality", "directionality"}, {"TenantId", "tenant-id"},
	{"OriginalClientIp", "original-client-ip"}, {"MessageInfo", "message-info"},
	{"MessageLatency", ""}, {"MessageLatencyType", ""}, {"EventData", "custom-data"},
	{"TransportTrafficType", "transport-traffic-type"}, {"SchemaVersion", "schema-version"},
}

// PropertyNames are the MessageTrackingEvent properties of version in Format-List
// order.
func PropertyNames(version string) ([]string, error) {
	p, err := lookup(version)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cmdletProperties {
		if c.field == "" || slices.Contains(p.fields, c.field) {
			out = append(out, c.name)
		}
	}
	return out, nil
}

// EventProperties are one row's properties as the cmdlet returns them on a server of
// version, in Format-List order (PropertyNames):
//   - RunspaceId is the shell session's (one per run, RunspaceID);
//   - Timestamp is en-US in UTC (the real cmdlet prints the server's local time);
//   - Recipients and RecipientStatus are collections {a, b}, EventData the
//     custom-data pairs {[Key, Value], ...}, each cut after four items with "..."
//     ($FormatEnumerationLimit);
//   - a zero InternalMessageId is empty, as the seed's SUBMIT row shows it;
//   - MessageLatency and MessageLatencyType come from message-info as the cmdlet
//     computes them (MessageLatency: a TimeSpan on DELIVER, SEND, SUBMIT and a
//     STOREDRIVER RESUBMIT, empty elsewhere).
func EventProperties(version string, e *TrackingEvent, start time.Time, runspace string) ([]psfmt.Field, error) {
	p, err := lookup(version)
	if err != nil {
		return nil, err
	}
	fs := make([]psfmt.Field, 0, len(cmdletProperties))
	for _, c := range cmdletProperties {
		if c.field != "" && !slices.Contains(p.fields, c.field) {
			continue
		}
		var v string
		switch c.name {
		case "RunspaceId":
			v = runspace
		case "Timestamp":
			v = start.Add(e.At).UTC().Format(PSTimeLayout)
		case "Recipients":
			v = collection(e.Recipients)
		case "RecipientStatus":
			v = collection(e.RecipientStatus)
		case "TotalBytes":
			v = strconv.Itoa(e.TotalBytes)
		case "RecipientCount":
			v = strconv.Itoa(e.RecipientCount)
		case "MessageLatency":
			if d, ok, _ := MessageLatency(e, start); ok {
				v = psfmt.TimeSpan(d)
			}
		case "MessageLatencyType":
			_, _, v = MessageLatency(e, start)
		case "EventData":
			var items []string
			for _, kv := range ParseCustomData(e.CustomData) {
				items = append(items, "["+kv[0]+", "+kv[1]+"]")
			}
			v = collection(items)
		default:
			v = trackingValue(start, e, c.field)
		}
		fs = append(fs, psfmt.Field{Name: c.name, Value: v})
	}
	return fs, nil
}

func collection(items []string) string {
	if len(items) > formatEnumerationLimit {
		items = append([]string(nil), items[:formatEnumerationLimit]...)
		items[formatEnumerationLimit-1] += "..."
	}
	return psfmt.Collection(items)
}

// ParseCustomData reads a custom-data column (S:Key=Value;S:Key2=Value2, each pair
// with a one-letter type prefix) into its key/value pairs, in order, as the cmdlet's
// EventData holds them. A pair without "=" has an empty value; empty pairs are
// skipped; a missing or longer prefix is kept as part of the key.
func ParseCustomData(s string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(s, ";") {
		if part == "" {
			continue
		}
		if len(part) > 2 && part[1] == ':' {
			part = part[2:]
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// RunspaceID is the RunspaceId of the shell session a run's cmdlets come from: a
// GUID derived from the scenario seed (synthetic; the same seed gives the same id).
func RunspaceID(seed uint64) string {
	x := seed ^ 0x52756e7370616365 // "Runspace"
	next := func() uint64 {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	a, b := next(), next()
	// Version 4, variant 10xx, as .NET's Guid.NewGuid makes them.
	a = a&^0xf000 | 0x4000
	b = b&^(0xc<<60) | 0x8<<60
	h := fmt.Sprintf("%016x%016x", a, b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// FormatTrackingList prints events as "Get-MessageTrackingLog | Format-List" does on
// a server of version: EventProperties of each row, a blank line between rows.
func FormatTrackingList(version string, events []TrackingEvent, start time.Time, runspace string) (string, error) {
	if _, err := lookup(version); err != nil {
		return "", err
	}
	objs := make([][]psfmt.Field, len(events))
	for i := range events {
		objs[i], _ = EventProperties(version, &events[i], start, runspace)
	}
	return psfmt.List(objs), nil
}
