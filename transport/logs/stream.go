package logs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/sim"
)

// TrackingStream writes message tracking rows to their files as they are journaled,
// as the services do: one file per server, series ([TrackingPrefix]) and period (UTC
// hour from 2013, day for 2010), opened at the period's first row (its #Date) and
// closed when the series' next row is of a later period. Rows arrive in time order (a
// tracking row is written at the instant of its event), so the files are byte for
// byte those [TrackingFiles] builds from a whole journal, without the run's rows in
// memory.
//
// Encoding and writing the rows runs on a goroutine of the stream's own, fed by a
// bounded channel of row batches: `exsim run --tracking-logs` spent a third of its
// time there (the encoder, then the write system calls, 22% of its profile after
// it), which the simulation's single thread need not wait for. One goroutine takes
// the batches in the order they were filled, so the files are the same bytes as a
// writer on the simulation's thread writes; the simulation stays single-threaded (the
// stream only reads the rows it is handed, copies the caller cannot change). A run
// of fewer rows than one batch never starts the goroutine: [TrackingStream.Close]
// writes them. Close must be called (it stops the goroutine) even after an error.
//
// Fed by its [TrackingStream.Tap], the stream keeps the journal record's payload (a
// TrackingEvent boxed once by its producer, which nothing changes) rather than a copy
// of the 500-byte row: the simulation's thread only appends the payload, its server
// and that server's profile to a batch.
type TrackingStream struct {
	versionOf func(server string) string
	versions  map[string]string // versionOf's answers, asked once per server
	batchRows int               // rows a batch holds before it is handed over
	batch     []streamRow       // being filled on the caller's goroutine
	full      chan []streamRow  // filled batches, in order, to the writer
	free      chan []streamRow  // written batches, back for reuse
	done      chan struct{}     // closed when the writer has written everything
	closed    bool
	w         *trackingWriter // only the writer goroutine touches it once started
}

// streamBatchRows and streamBatches bound the rows in flight: at most
// streamBatches+2 batches of streamBatchRows exist at once, a 560-byte entry each
// (and, fed by the Tap, a 512-byte boxed row per entry): under 4 MB.
const (
	streamBatchRows = 512
	streamBatches   = 4
)

// streamRow is a row to write: the journal's payload as it was boxed (Tap), or a
// copy of the row in the batch itself (Row), which a batch reused holds without an
// allocation.
type streamRow struct {
	server, version string
	row             sim.Payload // a TrackingEvent of server, or nil: ev
	ev              TrackingEvent
}

// trackingWriter encodes rows into their files; one goroutine at a time uses it.
type trackingWriter struct {
	dir   string
	start time.Time
	stamp *stamper
	open  map[fileOf]*trackingFile // a server's series -> its current file
	// spare are the buffers of closed files, for the next ones: a day of hourly
	// files is hundreds of 64 KB buffers (25 MB for the day-100k run's 384 files)
	spare []*bufio.Writer
	err   error
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
	return &TrackingStream{
		versionOf: versionOf, versions: map[string]string{}, batchRows: streamBatchRows,
		w: &trackingWriter{dir: dir, start: start, stamp: newStamper(start), open: map[fileOf]*trackingFile{}},
	}
}

// Row writes a copy of e (the caller may reuse e), made in the batch: no allocation
// per row. The first error stops the stream; [TrackingStream.Close] returns it.
func (t *TrackingStream) Row(e *TrackingEvent) {
	if r := t.next(e.Server); r != nil {
		r.ev = *e
		t.filled()
	}
}

// Tap is the journal tap that feeds the stream the tracking rows as they are
// journaled; consume: the journal keeps no copy of them.
func (t *TrackingStream) Tap(consume bool) sim.Tap {
	return sim.Tap{Kind: KindTracking, Fn: t.record, Consume: consume}
}

// record takes a tracking record's payload as it is: a record's Server is its row's
// (the writer checks it), so the row is not copied out to find its server.
func (t *TrackingStream) record(r *sim.Record) {
	if _, ok := r.Data.(TrackingEvent); ok {
		t.add(r.Server, r.Data)
	}
}

func (t *TrackingStream) add(server string, row sim.Payload) {
	if r := t.next(server); r != nil {
		r.row = row
		t.filled()
	}
}

// next is the batch's next row, its server and version set, or nil once closed.
func (t *TrackingStream) next(server string) *streamRow {
	if t.closed {
		return nil
	}
	v, ok := t.versions[server]
	if !ok {
		v = t.versionOf(server) // on the caller's goroutine: versionOf may read the caller's state
		t.versions[server] = v
	}
	if t.batch == nil {
		t.batch = make([]streamRow, 0, t.batchRows)
	}
	t.batch = t.batch[:len(t.batch)+1] // written in place: a row is 500 bytes
	r := &t.batch[len(t.batch)-1]
	r.server, r.version = server, v
	return r
}

// filled hands the batch over once it is full.
func (t *TrackingStream) filled() {
	if len(t.batch) == t.batchRows {
		t.handOver()
	}
}

// handOver gives the filled batch to the writer, starting it at the first batch,
// and takes an empty one (waiting while streamBatches are queued: memory stays
// bounded when the disk is slower than the simulation).
func (t *TrackingStream) handOver() {
	if t.full == nil {
		t.full = make(chan []streamRow, streamBatches)
		t.free = make(chan []streamRow, streamBatches+2)
		t.done = make(chan struct{})
		go t.w.run(t.full, t.free, t.done)
	}
	t.full <- t.batch
	select {
	case b := <-t.free:
		t.batch = b[:0]
	default:
		t.batch = make([]streamRow, 0, t.batchRows)
	}
}

// run writes the batches of full until it is closed, then flushes and closes the
// files, and closes done.
func (w *trackingWriter) run(full <-chan []streamRow, free chan<- []streamRow, done chan<- struct{}) {
	defer close(done)
	for b := range full {
		w.rows(b)
		select {
		case free <- b:
		default: // the pool is full: let the collector have it
		}
	}
	w.closeAll()
}

func (w *trackingWriter) rows(b []streamRow) {
	for i := range b {
		e := &b[i].ev
		if b[i].row != nil {
			*e = b[i].row.(TrackingEvent)
		}
		if e.Server != b[i].server && w.err == nil {
			w.err = fmt.Errorf("a tracking record of %s holds a row of %s", b[i].server, e.Server)
		}
		w.row(b[i].version, e)
		b[i] = streamRow{} // the batch keeps no row alive once written
	}
}

func (w *trackingWriter) row(version string, e *TrackingEvent) {
	if w.err != nil {
		return
	}
	if e.At < 0 {
		w.err = fmt.Errorf("tracking event %s on %s is before the start of the run", e.EventID, e.Server)
		return
	}
	series := TrackingPrefix(version, e)
	day := period(w.start, e.At, trackingHourly(version))
	key := fileOf{e.Server, series}
	tf := w.open[key]
	if tf != nil && !tf.day.Equal(day) {
		if w.err = tf.close(); w.err != nil {
			return
		}
		w.spare = append(w.spare, tf.bw)
		tf = nil
	}
	if tf == nil {
		if tf, w.err = w.create(version, e.Server, series, day, e.At); w.err != nil {
			return
		}
		w.open[key] = tf
	}
	tf.line, tf.join = appendTrackingRow(tf.line[:0], tf.join, w.stamp, e, tf.cols)
	_, w.err = tf.bw.Write(tf.line)
}

func (w *trackingWriter) create(version, server, series string, day time.Time, at time.Duration) (*trackingFile, error) {
	p, err := lookup(version)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(w.dir, server, "MessageTracking")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, TrackingLogFile(version, series, day)))
	if err != nil {
		return nil, err
	}
	var bw *bufio.Writer
	if n := len(w.spare); n > 0 {
		bw, w.spare = w.spare[n-1], w.spare[:n-1]
		bw.Reset(f)
	} else {
		bw = bufio.NewWriterSize(f, 64<<10)
	}
	writeHeader(bw, p.trackingVersion, "Message Tracking Log", Stamp(w.start, at), p.fields)
	return &trackingFile{day: day, f: f, bw: bw, cols: columnsOf(p.fields)}, nil
}

func (tf *trackingFile) close() error {
	err := tf.bw.Flush()
	if cerr := tf.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// closeAll flushes and closes every open file, keeping the first error.
func (w *trackingWriter) closeAll() {
	for _, k := range sortedServers(w.open) {
		if err := w.open[k].close(); w.err == nil {
			w.err = err
		}
	}
	w.open = map[fileOf]*trackingFile{}
}

// Close writes the rows not yet written, flushes and closes every open file, stops
// the writer and returns the stream's first error. Calling it again returns the
// same error; rows after Close are dropped.
func (t *TrackingStream) Close() error {
	if t.closed {
		return t.w.err
	}
	t.closed = true
	if t.full == nil { // never handed a batch over: no writer to wait for
		t.w.rows(t.batch)
		t.w.closeAll()
	} else {
		t.full <- t.batch
		close(t.full)
		<-t.done // the writer's last write happens before this
	}
	t.batch = nil
	return t.w.err
}

func sortedServers(m map[fileOf]*trackingFile) []fileOf {
	out := make([]fileOf, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b fileOf) int { return strings.Compare(a.server+"/"+a.series, b.server+"/"+b.series) })
	return out
}
