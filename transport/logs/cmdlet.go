package logs

import (
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

// listNames renames the #Fields columns as the cmdlet's properties: dashes removed,
// CamelCase, date-time → Timestamp, recipient-address → Recipients, sender-address →
// Sender (the cmdlet's reference; the seed's Format-List output spells ClientIp,
// ServerIp, ConnectorId, EventId, InternalMessageId, MessageId).
var listNames = map[string]string{
	"date-time": "Timestamp", "client-ip": "ClientIp", "client-hostname": "ClientHostname",
	"server-ip": "ServerIp", "server-hostname": "ServerHostname", "source-context": "SourceContext",
	"connector-id": "ConnectorId", "source": "Source", "event-id": "EventId",
	"internal-message-id": "InternalMessageId", "message-id": "MessageId",
	"network-message-id": "NetworkMessageId", "recipient-address": "Recipients",
	"recipient-status": "RecipientStatus", "total-bytes": "TotalBytes",
	"recipient-count": "RecipientCount", "related-recipient-address": "RelatedRecipientAddress",
	"reference": "Reference", "message-subject": "MessageSubject", "sender-address": "Sender",
	"return-path": "ReturnPath", "message-info": "MessageInfo", "directionality": "Directionality",
	"tenant-id": "TenantId", "original-client-ip": "OriginalClientIp",
	"original-server-ip": "OriginalServerIp", "custom-data": "CustomData",
	"transport-traffic-type": "TransportTrafficType", "log-id": "LogId",
	"schema-version": "SchemaVersion",
}

// FormatTrackingList prints events as "Get-MessageTrackingLog | Format-List" does on a
// server of version: one property per #Fields column of that version, in that order
// (the seed's 2010 output is a subsequence of it), renamed as the cmdlet renames them.
// Timestamp is printed en-US in UTC (the real cmdlet prints the server's local time);
// collections as {a, b}; a zero InternalMessageId as empty, as the seed's SUBMIT row
// shows it. RunspaceId and the computed latency properties are left out.
func FormatTrackingList(version string, events []TrackingEvent, start time.Time) (string, error) {
	p, err := lookup(version)
	if err != nil {
		return "", err
	}
	objs := make([][]psfmt.Field, len(events))
	for i := range events {
		e := &events[i]
		fs := make([]psfmt.Field, 0, len(p.fields))
		for _, f := range p.fields {
			var v string
			switch f {
			case "date-time":
				v = start.Add(e.At).UTC().Format(PSTimeLayout)
			case "recipient-address":
				v = psfmt.Collection(e.Recipients)
			case "recipient-status":
				v = psfmt.Collection(e.RecipientStatus)
			case "total-bytes":
				v = strconv.Itoa(e.TotalBytes)
			case "recipient-count":
				v = strconv.Itoa(e.RecipientCount)
			default:
				v = trackingValue(start, e, f)
			}
			fs = append(fs, psfmt.Field{Name: listNames[f], Value: v})
		}
		objs[i] = fs
	}
	return psfmt.List(objs), nil
}
