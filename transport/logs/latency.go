package logs

import (
	"strings"
	"time"
)

// Latency types of a MessageTrackingEvent's MessageLatencyType, as the cmdlet names
// them.
const (
	LatencyNone        = "None"
	LatencyLocalServer = "LocalServer"
	LatencyEndToEnd    = "EndToEnd"
)

// MessageLatency is how Get-MessageTrackingLog fills a row's MessageLatency and
// MessageLatencyType from its message-info column. No fact file covers it; the rule
// is the cmdlet's own, read in GetMessageTrackingLog.cs of the decompiled 2013 CU23
// build (CalculateLatencyProperties, found with the code search; behaviour only), and
// a real 2010 Format-List agrees (a DELIVER whose MessageInfo is
// "2015-09-06T00:02:43.649Z;SRV=<fqdn>:TOTAL=0", Timestamp 0.532 s later, shows
// "MessageLatency : 00:00:00.5320000" and "MessageLatencyType : EndToEnd"):
//   - only DELIVER, SEND, SUBMIT and a RESUBMIT whose source is STOREDRIVER get a
//     latency; every other row, and one whose message-info is empty or unreadable,
//     has none (ok false) and type None;
//   - message-info starts with the original arrival time; the latency is the row's
//     time minus it, never below zero (ok false when the arrival time is missing);
//   - the type is LocalServer for an "LSRV=" part, EndToEnd for an "SRV=" part (the
//     last one read decides), None when there is neither.
//
// The row's time is taken as the log writes it, to the millisecond.
func MessageLatency(e *TrackingEvent, start time.Time) (latency time.Duration, ok bool, typ string) {
	if e.MessageInfo == "" || !latencyEvent(e) {
		return 0, false, LatencyNone
	}
	arrival, rest, hasArrival := parseArrival(e.MessageInfo)
	typ = LatencyNone
	for _, part := range strings.Split(rest, ";") {
		switch {
		case strings.HasPrefix(part, "LSRV="):
			typ = LatencyLocalServer
		case strings.HasPrefix(part, "SRV="):
			typ = LatencyEndToEnd
		}
	}
	if !hasArrival {
		return 0, false, typ
	}
	at := start.Add(e.At).UTC().Truncate(time.Millisecond)
	if d := at.Sub(arrival); d > 0 {
		return d, true, typ
	}
	return 0, true, typ
}

func latencyEvent(e *TrackingEvent) bool {
	switch e.EventID {
	case EventDeliver, EventSend, EventSubmit:
		return true
	case EventResubmit:
		return e.Source == SourceStoreDriver
	}
	return false
}

// parseArrival reads message-info's leading original arrival time (up to the first
// ';') and returns what follows it; ok is false when it does not start with one,
// and rest is then the whole text.
func parseArrival(info string) (arrival time.Time, rest string, ok bool) {
	head, tail, _ := strings.Cut(info, ";")
	t, err := time.Parse(TimeLayout, head)
	if err != nil {
		return time.Time{}, info, false
	}
	return t, tail, true
}
