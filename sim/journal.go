package sim

import (
	"strings"
	"time"
)

// Payload is what a journal record says happened, as a Go value of a type declared
// by the model package that owns it (transport.ShadowMade, dag.Mounted, ...). Writers
// switch on the payload's type and read its fields; nothing decides anything from the
// narration sentence, so rewording one changes no picture, counter or log.
type Payload interface {
	// Kind is the record's dotted class ("transport.shadow", "dag.mount"), used for
	// filtering ([Journal.Omit]) and by writers that group records.
	Kind() string
	// Narrate renders the sentence a person reads for this event, or "" when the
	// event is not narrated (log rows, cmdlet output). It is called only by writers
	// that print narration, so building a record formats no string.
	Narrate() string
}

// Record is one entry of the journal: something that happened, when and where.
type Record struct {
	At      time.Duration // simulated instant
	Seq     int           // position in the journal
	Kind    string        // Data.Kind(), kept as a field for cheap filtering
	Server  string        // the server it happened on, if any
	Subject string        // what it is about (a queue, database, component), for display only
	Data    Payload       // the typed event
}

// Text is the record's narration sentence, "" if it is not narrated.
func (r *Record) Text() string {
	if r.Data == nil {
		return ""
	}
	return r.Data.Narrate()
}

// Line is the narration as the report prints it: the sentence, prefixed with
// "[server] " when the sentence does not itself name the server it happened on.
func (r *Record) Line() string {
	t := r.Text()
	if t == "" || r.Server == "" || strings.Contains(t, r.Server) {
		return t
	}
	return "[" + r.Server + "] " + t
}

// Journal is the append-only record of a run. Every output (narration, logs,
// verdict, HTML) is derived from it.
type Journal struct {
	records []Record
	off     bool
	omit    []string // kinds not recorded (few: a slice beats a map here)
	keep    []string // when set, the only kinds recorded
	taps    []Tap
	// tapped holds the record the taps of an Add read, one per Add in progress (a
	// tap may add records). Handing a tap &r of Add's own parameter moved every
	// added record to the heap: 600,000 allocations in a run of day-100k with
	// --tracking-logs (its memory profile).
	tapping []*Record
	depth   int
	// settings counts changes of off, omit, keep and taps (Settings)
	settings uint64
	// memo remembers answers of Wants while settings stays the same: a model asks
	// about a few dozen kinds on every event, and each answer scans the omit, keep
	// and tap lists (the generic emit of transport and its string compares were 3%
	// of a verdict-only day-100k run). A slot is picked by length and last byte.
	memo [16]wantsMemo
}

type wantsMemo struct {
	kind     string
	settings uint64 // settings+1 when the answer was taken: 0 is never valid
	ok       bool
}

// Tap receives the records of one kind as they are added, whether or not the
// journal keeps them: a writer that streams (a log written as things happen) needs
// no copy of the run in memory.
type Tap struct {
	Kind string // AllKinds: every record that is built (an omitted kind never is)
	Fn   func(*Record)
	// Consume: the tap takes the records; the journal keeps no copy of them.
	Consume bool
}

// AllKinds as a [Tap]'s Kind receives every record, for a writer that summarizes
// the whole run as it goes (the HTML page). It cannot consume.
const AllKinds = "*"

// Tap adds t; its kind is then wanted even when [Journal.Keep] does not list it
// ([Journal.Omit] still wins: an omitted kind is never built).
func (j *Journal) Tap(t Tap) { j.taps = append(j.taps, t); j.settings++ }

// Omit stops recording records of the given kinds, for runs that need the journal
// but not all of it (exploration counts mechanisms but reads no protocol log).
// Producers ask [Journal.Wants] before building an expensive record.
func (j *Journal) Omit(kinds ...string) { j.omit = append(j.omit, kinds...); j.settings++ }

// Keep records only records of the given kinds (after Omit), for runs whose
// outputs read a few kinds: a verdict-only run keeps the Get- step output and none
// of the narration. Keep with no kinds records nothing but keeps the journal on.
func (j *Journal) Keep(kinds ...string) {
	j.keep = append(make([]string, 0, len(kinds)), kinds...)
	j.settings++
}

// Settings changes whenever what Wants answers may change (Omit, Keep, Tap,
// Disable, Enable): a model that asks Wants about the same kinds several times per
// event remembers the answers while Settings stays the same.
func (j *Journal) Settings() uint64 { return j.settings }

// Wants reports whether a record of kind would be kept.
func (j *Journal) Wants(kind string) bool {
	if j.off {
		return false
	}
	if kind == "" {
		return j.wants(kind)
	}
	m := &j.memo[(len(kind)^int(kind[len(kind)-1]))&(len(j.memo)-1)]
	if m.settings != j.settings+1 || m.kind != kind {
		*m = wantsMemo{kind: kind, settings: j.settings + 1, ok: j.wants(kind)}
	}
	return m.ok
}

// wants is Wants without the memo.
func (j *Journal) wants(kind string) bool {
	for _, k := range j.omit {
		if k == kind {
			return false
		}
	}
	return j.kept(kind) || j.tapped(kind)
}

func (j *Journal) kept(kind string) bool {
	if j.keep == nil {
		return true
	}
	for _, k := range j.keep {
		if k == kind {
			return true
		}
	}
	return false
}

func (j *Journal) tapped(kind string) bool {
	for _, t := range j.taps {
		if t.Kind == kind || t.Kind == AllKinds {
			return true
		}
	}
	return false
}

// Disable stops recording (for benchmarks that measure only the model). Enabled
// reports false afterwards so callers can skip building records.
func (j *Journal) Disable() { j.off = true; j.settings++ }

// Enable resumes recording after Disable.
func (j *Journal) Enable() { j.off = false; j.settings++ }

// Enabled reports whether records are kept.
func (j *Journal) Enabled() bool { return !j.off }

// Add appends r, stamping its position and, when r.Kind is empty, its kind from
// the payload.
func (j *Journal) Add(r Record) {
	if r.Kind == "" && r.Data != nil {
		r.Kind = r.Data.Kind()
	}
	if !j.Wants(r.Kind) {
		return
	}
	r.Seq = len(j.records)
	if j.tapped(r.Kind) {
		r = j.tap(r)
	}
	consumed := false
	for _, t := range j.taps {
		consumed = consumed || t.Kind == r.Kind && t.Consume
	}
	if !consumed && j.kept(r.Kind) {
		j.records = append(j.records, r)
	}
}

// Emit appends the event p, which happened at t on server (may be empty) and is
// about subject (may be empty).
func (j *Journal) Emit(t time.Duration, server, subject string, p Payload) {
	if j.off {
		return
	}
	j.Add(Record{At: t, Kind: p.Kind(), Server: server, Subject: subject, Data: p})
}

// Records returns the journal so far. The slice must not be modified.
func (j *Journal) Records() []Record { return j.records }

// Len is the number of records.
func (j *Journal) Len() int { return len(j.records) }

// tap runs r's taps on a reused copy of r and returns the copy as they left it.
func (j *Journal) tap(r Record) Record {
	if j.depth == len(j.tapping) {
		j.tapping = append(j.tapping, new(Record))
	}
	p := j.tapping[j.depth]
	*p = r
	j.depth++
	for _, t := range j.taps {
		if t.Kind == r.Kind || t.Kind == AllKinds {
			t.Fn(p)
		}
	}
	j.depth--
	r, *p = *p, Record{} // the copy keeps no payload alive
	return r
}
