package logs

import (
	"bytes"
	"cmp"
	"slices"
	"time"

	"github.com/exsim/exsim/sim"
)

// Journal kinds of the records whose Data is a log row.
const (
	KindTracking = "transport.track" // Data: TrackingEvent
	KindProtocol = "transport.smtp"  // Data: ProtocolEvent
)

// FromJournal collects the log rows recorded in a journal, in journal (logging) order.
// A record of those kinds whose Data is not the row type is skipped.
func FromJournal(records []sim.Record) (tracking []TrackingEvent, protocol []ProtocolEvent) {
	for _, r := range records {
		switch r.Kind {
		case KindTracking:
			if e, ok := r.Data.(TrackingEvent); ok {
				tracking = append(tracking, e)
			}
		case KindProtocol:
			if e, ok := r.Data.(ProtocolEvent); ok {
				protocol = append(protocol, e)
			}
		}
	}
	return tracking, protocol
}

// File is one log file of one server, ready to be written out.
type File struct {
	Server string
	Path   string // relative: <Server>/<folder under TransportRoles\Logs>/<file name>
	Data   []byte
}

// Folders under %ExchangeInstallPath%TransportRoles\Logs: 2010 keeps MessageTracking and
// ProtocolLog\SmtpSend|SmtpReceive at the top (the seed); 2013+ keeps the Transport
// service's protocol logs under Hub\ (PL-2016).
func protocolFolder(version, kind string) string {
	sub := "SmtpSend"
	if kind == Receive {
		sub = "SmtpReceive"
	}
	if p, _ := lookup(version); p.protocolVersion == "14.0.0.0" {
		return "ProtocolLog/" + sub
	}
	return "Hub/ProtocolLog/" + sub
}

type dayKey struct {
	server, kind string
	day          time.Time
}

func dayOf(start time.Time, at time.Duration) time.Time {
	return start.Add(at).UTC().Truncate(24 * time.Hour)
}

// TrackingFiles writes each server's tracking rows into one file per UTC day, as the
// Transport service rolls them, sorted by server then day. Rows in a file are in time
// order (same instant: journal order), as a log written as things happen is; this
// matters for protocol rows, which a model may record for a whole session at once.
// versionOf gives a server's profile.
func TrackingFiles(versionOf func(server string) string, start time.Time, events []TrackingEvent) ([]File, error) {
	groups := map[dayKey][]TrackingEvent{}
	for _, e := range events {
		k := dayKey{e.Server, "", dayOf(start, e.At)}
		groups[k] = append(groups[k], e)
	}
	var files []File
	for _, k := range sortedKeys(groups) {
		rows := groups[k]
		slices.SortStableFunc(rows, func(a, b TrackingEvent) int { return cmp.Compare(a.At, b.At) })
		var b bytes.Buffer
		if err := WriteTrackingLog(&b, versionOf(k.server), start, rows); err != nil {
			return nil, err
		}
		files = append(files, File{Server: k.server, Path: k.server + "/MessageTracking/" + TrackingLogName(k.day), Data: b.Bytes()})
	}
	return files, nil
}

// ProtocolFiles writes each server's Send and Receive protocol rows into one file per
// log and UTC day, sorted by server, Receive before Send, then day.
func ProtocolFiles(versionOf func(server string) string, start time.Time, events []ProtocolEvent) ([]File, error) {
	groups := map[dayKey][]ProtocolEvent{}
	for _, e := range events {
		k := dayKey{e.Server, e.Log, dayOf(start, e.At)}
		groups[k] = append(groups[k], e)
	}
	var files []File
	for _, k := range sortedKeys(groups) {
		version := versionOf(k.server)
		rows := groups[k]
		slices.SortStableFunc(rows, func(a, b ProtocolEvent) int { return cmp.Compare(a.At, b.At) })
		var b bytes.Buffer
		if err := WriteProtocolLog(&b, version, k.kind, start, rows); err != nil {
			return nil, err
		}
		name, _ := ProtocolLogName(k.kind, k.day)
		files = append(files, File{Server: k.server, Path: k.server + "/" + protocolFolder(version, k.kind) + "/" + name, Data: b.Bytes()})
	}
	return files, nil
}

func sortedKeys[V any](m map[dayKey]V) []dayKey {
	keys := make([]dayKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b dayKey) int {
		return cmp.Or(cmp.Compare(a.server, b.server), cmp.Compare(a.kind, b.kind), a.day.Compare(b.day))
	})
	return keys
}
