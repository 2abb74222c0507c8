package sim

import (
	"fmt"
	"time"
)

// Record is one entry of the journal: something that happened, when, where and why.
type Record struct {
	At      time.Duration // simulated instant
	Seq     int           // position in the journal
	Kind    string        // dotted class, e.g. "component.set", "transport.track"
	Server  string        // the server it happened on, if any
	Subject string        // what it is about: a message, queue, database, component
	Text    string        // the narration line for a person, empty if not narrated
	Data    any           // a typed payload for writers (tracking event, table, ...)
}

// Journal is the append-only record of a run. Every output (narration, logs,
// verdict, HTML) is derived from it.
type Journal struct {
	records []Record
	off     bool
	omit    []string // kinds not recorded (few: a slice beats a map here)
}

// Omit stops recording records of the given kinds, for runs that need the journal
// but not all of it (exploration counts mechanisms but reads no protocol log).
// Producers ask [Journal.Wants] before building an expensive record.
func (j *Journal) Omit(kinds ...string) { j.omit = append(j.omit, kinds...) }

// Wants reports whether a record of kind would be kept.
func (j *Journal) Wants(kind string) bool {
	if j.off {
		return false
	}
	for _, k := range j.omit {
		if k == kind {
			return false
		}
	}
	return true
}

// Disable stops recording (for benchmarks that measure only the model). Enabled
// reports false afterwards so callers can skip building records.
func (j *Journal) Disable() { j.off = true }

// Enable resumes recording after Disable.
func (j *Journal) Enable() { j.off = false }

// Enabled reports whether records are kept.
func (j *Journal) Enabled() bool { return !j.off }

// Add appends r, stamping its position.
func (j *Journal) Add(r Record) {
	if !j.Wants(r.Kind) {
		return
	}
	r.Seq = len(j.records)
	j.records = append(j.records, r)
}

// Addf appends a narrated record at t.
func (j *Journal) Addf(t time.Duration, kind, server, subject, format string, args ...any) {
	if j.off {
		return
	}
	j.Add(Record{At: t, Kind: kind, Server: server, Subject: subject, Text: fmt.Sprintf(format, args...)})
}

// Records returns the journal so far. The slice must not be modified.
func (j *Journal) Records() []Record { return j.records }

// Len is the number of records.
func (j *Journal) Len() int { return len(j.records) }
