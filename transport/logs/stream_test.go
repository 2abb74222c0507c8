package logs

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim"
)

// The stream's writer goroutine writes the bytes the batch writer builds from the
// whole journal, whatever the batch size (1: every row crosses to the writer; more
// rows than one batch: the writer and the rows Close writes; fewer: Close alone),
// and the caller may reuse the row it handed over.
func TestStreamedFilesAreTheBatchWritersWhateverTheBatchSize(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := rapid.SliceOfN(rapid.Custom(genEvent), 0, 40).Draw(t, "events")
		slices.SortStableFunc(events, func(a, b TrackingEvent) int { return cmp.Compare(a.At, b.At) })
		versions := map[string]string{}
		for _, s := range []string{"EX1", "EX2", "EX3"} {
			versions[s] = rapid.SampledFrom(Versions).Draw(t, "version "+s)
		}
		versionOf := func(s string) string { return versions[s] }
		want, err := TrackingFiles(versionOf, seedStart, events)
		require.NoError(t, err)

		dir, err := os.MkdirTemp("", "stream")
		require.NoError(t, err)
		defer os.RemoveAll(dir)
		st := NewTrackingStream(dir, versionOf, seedStart)
		st.batchRows = rapid.IntRange(1, 8).Draw(t, "batch rows")
		var reused TrackingEvent
		for i := range events {
			reused = events[i]
			st.Row(&reused)
			reused = TrackingEvent{Server: "EX1", MessageSubject: "overwritten after Row"}
		}
		require.NoError(t, st.Close())
		var got []string
		require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				got = append(got, filepath.ToSlash(rel))
			}
			return err
		}))
		var names []string
		for _, f := range want {
			names = append(names, f.Path)
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			require.NoError(t, err)
			require.Equal(t, string(f.Data), string(data), f.Path)
		}
		slices.Sort(names)
		require.Equal(t, names, got, "no other file")
	})
}

// A write that fails on the writer goroutine is the stream's error: Close returns
// it (every time it is called), the rows after it are dropped, and the writer stops.
func TestStreamReturnsTheWritersFirstError(t *testing.T) {
	for _, rows := range []int{1, 3, 1000} { // on the writer, on the writer and Close, Close only
		notADir := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(notADir, nil, 0o644))
		st := NewTrackingStream(notADir, func(string) string { return "Exchange2016" }, seedStart)
		st.batchRows = rows
		for i := range 10 {
			st.Row(&TrackingEvent{At: time.Duration(i) * time.Second, Server: "EX1", EventID: EventReceive})
		}
		err := st.Close()
		require.Error(t, err)
		require.Contains(t, err.Error(), "not a directory")
		require.Equal(t, err, st.Close())
		st.Row(&TrackingEvent{Server: "EX1"}) // after Close: dropped, no panic
	}
}

// A row before the run's start is an error of the stream, found by its writer.
func TestStreamRejectsARowBeforeTheStart(t *testing.T) {
	st := NewTrackingStream(t.TempDir(), func(string) string { return "Exchange2016" }, seedStart)
	st.batchRows = 1
	st.Row(&TrackingEvent{At: 0, Server: "EX1", EventID: EventReceive})
	st.Row(&TrackingEvent{At: -time.Second, Server: "EX1", EventID: EventSend})
	st.Row(&TrackingEvent{At: time.Second, Server: "EX1", EventID: EventDeliver})
	require.EqualError(t, st.Close(), "tracking event SEND on EX1 is before the start of the run")
}

// The stream's journal tap takes tracking records as the journal hands them over
// (the payload itself, not a copy), writes the same file as Row does, skips a record
// of another payload, and finds a record whose server is not its row's.
func TestStreamTapWritesTheJournalsRows(t *testing.T) {
	version := func(string) string { return "Exchange2016" }
	rows := seedInternal()
	want, err := TrackingFiles(version, seedStart, rows)
	require.NoError(t, err)
	dir := t.TempDir()
	st := NewTrackingStream(dir, version, seedStart)
	st.batchRows = 2
	tap := st.Tap(true)
	require.Equal(t, KindTracking, tap.Kind)
	require.True(t, tap.Consume)
	for _, e := range rows {
		tap.Fn(&sim.Record{Kind: KindTracking, Server: e.Server, Data: e})
		tap.Fn(&sim.Record{Kind: KindTracking, Server: e.Server, Data: ProtocolEvent{Server: e.Server}})
	}
	require.NoError(t, st.Close())
	for _, f := range want {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		require.NoError(t, err)
		require.Equal(t, string(f.Data), string(got), f.Path)
	}

	st = NewTrackingStream(t.TempDir(), version, seedStart)
	st.Tap(false).Fn(&sim.Record{Kind: KindTracking, Server: "EX2", Data: TrackingEvent{Server: "EX1", EventID: EventSend}})
	require.EqualError(t, st.Close(), "a tracking record of EX2 holds a row of EX1")
}
