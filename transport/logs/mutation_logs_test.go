package logs

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that pin the cmdlet's filters, EventData and the writers' edge cases, found by
// mutation testing (issue 24, the fifth transport pass): each kills a mutant of
// cmdlet.go, stream.go or write.go that the package's tests let live.

// fact: exchange-transport.md §4.2: Get-MessageTrackingLog's -Reference, and on 2016+
// -NetworkMessageId and -TransportTrafficType, keep only the rows whose column is the
// value given (case-insensitive, as the shell compares strings); without them every
// row is kept, whatever the row's column holds.
func TestGetMessageTrackingLogFiltersByReferenceNetworkMessageIdAndTransportTrafficType(t *testing.T) {
	events := []TrackingEvent{
		{At: time.Second, EventID: EventDeliver, Reference: "<ref1@contoso.com>", NetworkMessageID: "aaaa", TransportTrafficType: "Email"},
		{At: 2 * time.Second, EventID: EventDeliver, Reference: "<ref2@contoso.com>", NetworkMessageID: "bbbb", TransportTrafficType: "Journal"},
		{At: 3 * time.Second, EventID: EventDeliver},
	}
	at := func(rows []TrackingEvent) []time.Duration {
		var out []time.Duration
		for _, r := range rows {
			out = append(out, r.At)
		}
		return out
	}
	all := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	require.Equal(t, all, at(Filter{}.Apply(events)), "no filter: every row")
	require.Equal(t, []time.Duration{2 * time.Second}, at(Filter{Reference: "<REF2@contoso.com>"}.Apply(events)))
	require.Equal(t, []time.Duration{time.Second}, at(Filter{NetworkMessageId: "AAAA"}.Apply(events)))
	require.Equal(t, []time.Duration{2 * time.Second}, at(Filter{TransportTrafficType: "journal"}.Apply(events)))
}

// fact: import-shapes.md §2.3 Get-MessageTrackingLog | Export-Csv (differs from raw):
// custom-data is EventData, a collection of key/value pairs; the shell prints a
// collection of up to $FormatEnumerationLimit (4) items whole, and cuts only a longer
// one with "...".
func TestEventDataOfExactlyFormatEnumerationLimitPairsIsPrintedWhole(t *testing.T) {
	e := TrackingEvent{CustomData: "S:A=1;S:B=2;S:C=3;S:D=4"}
	fs, err := EventProperties("Exchange2016", &e, seedStart, "")
	require.NoError(t, err)
	got := ""
	for _, f := range fs {
		if f.Name == "EventData" {
			got = f.Value
		}
	}
	require.Equal(t, "{[A, 1], [B, 2], [C, 3], [D, 4]}", got)
}

// A custom-data pair is "<type letter>:Key=Value"; ParseCustomData drops the prefix
// only when a key follows it, so a bare "S:" stays a key of its own (ParseCustomData's
// doc: "a missing or longer prefix is kept as part of the key").
func TestCustomDataPrefixWithoutAKeyIsKeptAsTheKey(t *testing.T) {
	require.Equal(t, [][2]string{{"S:", ""}, {"A", "1"}}, ParseCustomData("S:;S:A=1"))
}

// fact: exchange-transport.md §4.3: a protocol log file is its header (#Software,
// #Version, #Log-type, #Date, #Fields) and then its rows; a log with no rows yet is the
// header alone, dated at the start of the run. (exsim writes "#Log-type", as real
// files do.)
func TestProtocolLogWithoutRowsIsItsHeaderDatedAtTheStart(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteProtocolLog(&b, "Exchange2016", Receive, seedStart, nil))
	text := b.String()
	require.Contains(t, text, "#Log-type: SMTP Receive Protocol Log\r\n") // the header writes "Log-type", as real files do
	require.Contains(t, text, "#Date: "+Stamp(seedStart, 0)+"\r\n")
	require.True(t, strings.HasSuffix(text, "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n"), text)
}

// A tracking stream whose file cannot be written (a full disk) reports it from Close,
// the first error of the stream, instead of leaving a truncated log unnoticed.
func TestTrackingStreamReportsAFullDiskFromClose(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	dir := t.TempDir()
	version := "Exchange2016"
	e := TrackingEvent{At: time.Second, Server: "EX1", EventID: EventDeliver, Source: SourceStoreDriver}
	folder := filepath.Join(dir, "EX1", "MessageTracking")
	require.NoError(t, os.MkdirAll(folder, 0o755))
	name := TrackingLogFile(version, TrackingPrefix(version, &e), period(seedStart, e.At, trackingHourly(version)))
	require.NoError(t, os.Symlink("/dev/full", filepath.Join(folder, name)))
	st := NewTrackingStream(dir, func(string) string { return version }, seedStart)
	st.Row(&e)
	require.ErrorIs(t, st.Close(), syscall.ENOSPC)
}
