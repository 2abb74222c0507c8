package logs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// TrackingStream writes message tracking rows to their files as they are journaled,
// as the services do: one file per server, series ([TrackingPrefix]) and period (UTC
// hour from 2013, day for 2010), opened at the period's first row (its #Date) and
// closed when the series' next row is of a later period. Rows arrive in time order (a
// tracking row is written at the instant of its event), so the files are byte for
// byte those [TrackingFiles] builds from a whole journal, without the run's rows in
// memory.
type TrackingStream struct {
	dir       string
	versionOf func(server string) string
	start     time.Time
	stamp     *stamper
	open      map[fileOf]*trackingFile // a server's series -> its current file
	versions  map[string]string        // versionOf's answers, asked once per server
	err       error
}

// fileOf names a server's tracking series (not server+"/"+series: that concatenation
// was an allocation per row).
type fileOf struct{ server, series string }

type trackingFile struct {
	day  time.Time // the period
	f    *os.File
	bw   *bufio.Writer
	cols []column
	line []byte // the row being encoded
	join []byte // a multi-valued field being joined
}

// NewTrackingStream writes under dir/<Server>/MessageTracking/; versionOf gives a
// server's profile, start the wall-clock time of t=0.
func NewTrackingStream(dir string, versionOf func(server string) string, start time.Time) *TrackingStream {
	return &TrackingStream{dir: dir, versionOf: versionOf, start: start, stamp: newStamper(start), open: map[fileOf]*trackingFile{}, versions: map[string]string{}}
}

// Row writes e. The first error stops the stream; [TrackingStream.Close] returns it.
func (t *TrackingStream) Row(e *TrackingEvent) {
	if t.err != nil {
		return
	}
	if e.At < 0 {
		t.err = fmt.Errorf("tracking event %s on %s is before the start of the run", e.EventID, e.Server)
		return
	}
	v, ok := t.versions[e.Server]
	if !ok {
		v = t.versionOf(e.Server)
		t.versions[e.Server] = v
	}
	series := TrackingPrefix(v, e)
	day := period(t.start, e.At, trackingHourly(v))
	key := fileOf{e.Server, series}
	tf := t.open[key]
	if tf != nil && !tf.day.Equal(day) {
		if t.err = tf.close(); t.err != nil {
			return
		}
		tf = nil
	}
	if tf == nil {
		if tf, t.err = t.create(e.Server, series, day, e.At); t.err != nil {
			return
		}
		t.open[key] = tf
	}
	tf.line, tf.join = appendTrackingRow(tf.line[:0], tf.join, t.stamp, e, tf.cols)
	_, t.err = tf.bw.Write(tf.line)
}

func (t *TrackingStream) create(server, series string, day time.Time, at time.Duration) (*trackingFile, error) {
	version := t.versionOf(server)
	p, err := lookup(version)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(t.dir, server, "MessageTracking")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, TrackingLogFile(version, series, day)))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	writeHeader(bw, p.trackingVersion, "Message Tracking Log", Stamp(t.start, at), p.fields)
	return &trackingFile{day: day, f: f, bw: bw, cols: columnsOf(p.fields)}, nil
}

func (tf *trackingFile) close() error {
	err := tf.bw.Flush()
	if cerr := tf.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close flushes and closes every open file and returns the stream's first error.
func (t *TrackingStream) Close() error {
	for _, server := range sortedServers(t.open) {
		if err := t.open[server].close(); t.err == nil {
			t.err = err
		}
	}
	t.open = map[fileOf]*trackingFile{}
	return t.err
}

func sortedServers(m map[fileOf]*trackingFile) []fileOf {
	out := make([]fileOf, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b fileOf) int { return strings.Compare(a.server+"/"+a.series, b.server+"/"+b.series) })
	return out
}
