package logs

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
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

// is2010 reports an Exchange 2010 profile: one transport service, one set of logs.
func is2010(version string) bool { return strings.HasPrefix(version, "Exchange2010") }

// Folders under %ExchangeInstallPath%TransportRoles\Logs: 2010 keeps MessageTracking and
// ProtocolLog\SmtpSend|SmtpReceive at the top (the seed); 2013+ keeps one protocol log
// folder per service (exchange-2013-pipeline.md 4.1): FrontEnd\ProtocolLog\..., Hub\
// ProtocolLog\... and, for Mailbox Transport Delivery's receive log, Mailbox\ProtocolLog\
// SmtpReceive (2013 docs) or Mailbox\ProtocolLog\SmtpReceive\Delivery (2016 docs).
func protocolFolder(version, kind, service string) string {
	sub := "SmtpSend"
	if kind == Receive {
		sub = "SmtpReceive"
	}
	if is2010(version) {
		return "ProtocolLog/" + sub
	}
	switch service {
	case FrontEnd:
		return "FrontEnd/ProtocolLog/" + sub
	case MailboxDelivery:
		if version == "Exchange2013" {
			return "Mailbox/ProtocolLog/" + sub
		}
		return "Mailbox/ProtocolLog/" + sub + "/Delivery"
	}
	return "Hub/ProtocolLog/" + sub
}

// The message tracking prefixes of a 2013+ Mailbox server (4.2): the Transport service,
// Mailbox Transport Submission and Mailbox Transport Delivery.
const (
	PrefixTransport  = "MSGTRK"
	PrefixSubmission = "MSGTRKMS"
	PrefixDelivery   = "MSGTRKMD"
)

// TrackingPrefix is the file series a tracking row of a server of version goes to.
// 2010 writes one series. On 2013+, Mailbox Transport Submission writes NOTIFYMAPI,
// SUBMIT* and its RECEIVE (source STOREDRIVER: a real 2016 MSGTRKMS file holds that
// row, though the reference's column notes put it in MSGTRK; exsim follows the file),
// Mailbox Transport Delivery writes DELIVER, DUPLICATEDELIVER and its DEFER (source
// STOREDRIVER), and the Transport service everything else.
func TrackingPrefix(version string, e *TrackingEvent) string {
	if is2010(version) {
		return PrefixTransport
	}
	switch e.EventID {
	case "NOTIFYMAPI", "SUBMIT", "SUBMITDEFER", "SUBMITFAIL":
		return PrefixSubmission
	case "DELIVER", "DUPLICATEDELIVER":
		return PrefixDelivery
	case "RECEIVE":
		if e.Source == "STOREDRIVER" {
			return PrefixSubmission
		}
	case "DEFER":
		if e.Source == "STOREDRIVER" {
			return PrefixDelivery
		}
	}
	return PrefixTransport
}

// trackingHourly: message tracking rolls every UTC hour from 2013 on (the 2013 code
// and a real 2016 file name, 4.2); 2010 rolls daily (the seed's file).
func trackingHourly(version string) bool { return !is2010(version) }

// protocolHourly: protocol logs roll every UTC hour where real file names show it
// (2016 and later, 4.2); 2013 (its code) and 2010 roll daily.
func protocolHourly(version string) bool { return !is2010(version) && version != "Exchange2013" }

// period is the start of the file period holding instant at: the UTC hour or day.
func period(start time.Time, at time.Duration, hourly bool) time.Time {
	t := start.Add(at).UTC()
	if hourly {
		return t.Truncate(time.Hour)
	}
	return t.Truncate(24 * time.Hour)
}

type fileKey struct {
	server, kind, series string // series: tracking prefix, or protocol log service
	period               time.Time
}

// TrackingFiles writes each server's tracking rows into the files its services roll
// (one series per service, one file per period: see [TrackingLogFile]), sorted by
// server, series, then period. Rows in a file are in time order (same instant: journal
// order), as a log written as things happen is. versionOf gives a server's profile.
func TrackingFiles(versionOf func(server string) string, start time.Time, events []TrackingEvent) ([]File, error) {
	groups := map[fileKey][]TrackingEvent{}
	for i := range events {
		e := &events[i]
		v := versionOf(e.Server)
		k := fileKey{e.Server, "", TrackingPrefix(v, e), period(start, e.At, trackingHourly(v))}
		groups[k] = append(groups[k], *e)
	}
	var files []File
	for _, k := range sortedKeys(groups) {
		rows := groups[k]
		version := versionOf(k.server)
		slices.SortStableFunc(rows, func(a, b TrackingEvent) int { return cmp.Compare(a.At, b.At) })
		var b bytes.Buffer
		if err := WriteTrackingLog(&b, version, start, rows); err != nil {
			return nil, err
		}
		files = append(files, File{Server: k.server, Path: k.server + "/MessageTracking/" + TrackingLogFile(version, k.series, k.period), Data: b.Bytes()})
	}
	return files, nil
}

// ProtocolFiles writes each server's Send and Receive protocol rows into one file per
// service, log and period, sorted by server, Receive before Send, service, then period.
func ProtocolFiles(versionOf func(server string) string, start time.Time, events []ProtocolEvent) ([]File, error) {
	groups := map[fileKey][]ProtocolEvent{}
	for _, e := range events {
		v := versionOf(e.Server)
		svc := e.Service
		if svc == "" || is2010(v) {
			svc = Hub
		}
		k := fileKey{e.Server, e.Log, svc, period(start, e.At, protocolHourly(v))}
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
		name, _ := ProtocolLogFile(version, k.kind, k.period)
		files = append(files, File{Server: k.server, Path: k.server + "/" + protocolFolder(version, k.kind, k.series) + "/" + name, Data: b.Bytes()})
	}
	return files, nil
}

func sortedKeys[V any](m map[fileKey]V) []fileKey {
	keys := make([]fileKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b fileKey) int {
		return cmp.Or(cmp.Compare(a.server, b.server), cmp.Compare(a.kind, b.kind), cmp.Compare(a.series, b.series), a.period.Compare(b.period))
	})
	return keys
}
