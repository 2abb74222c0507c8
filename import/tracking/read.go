package tracking

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Error is a refusal of a log file at a line (and column, when known).
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// field is a column exsim reads, by its raw log name; aliases are the
// Export-Csv names (import-shapes.md 2.3: renames, dashes removed).
type field int

const (
	fTime field = iota
	fServer
	fSource
	fEvent
	fInternalID
	fMessageID
	fNetworkID
	fRecipients
	fBytes
	fRecipientCount
	fSender
	fDirectionality
	fSourceContext
	fCustomData
	nFields
)

var fieldNames = map[string]field{
	"date-time": fTime, "timestamp": fTime,
	"server-hostname": fServer, "serverhostname": fServer,
	"source":   fSource,
	"event-id": fEvent, "eventid": fEvent,
	"internal-message-id": fInternalID, "internalmessageid": fInternalID,
	"message-id": fMessageID, "messageid": fMessageID,
	"network-message-id": fNetworkID, "networkmessageid": fNetworkID,
	"recipient-address": fRecipients, "recipients": fRecipients,
	"total-bytes": fBytes, "totalbytes": fBytes,
	"recipient-count": fRecipientCount, "recipientcount": fRecipientCount,
	"sender-address": fSender, "sender": fSender,
	"directionality": fDirectionality,
	"source-context": fSourceContext, "sourcecontext": fSourceContext,
	"custom-data": fCustomData, "eventdata": fCustomData,
}

// record is one log line's fields exsim reads.
type record struct {
	f    [nFields]string
	line int
}

// reader streams one file's records: a raw log (lines starting "#" are headers;
// "#Fields:" sets the columns, and may come again) or an Export-Csv file (an
// optional "#TYPE" line, then a header row).
type reader struct {
	file    string
	br      *bufio.Reader
	maxLine int
	line    int
	cols    []field // column index → field (-1: not read)
	header  bool    // a column header has been read
	csv     bool    // Export-Csv layout (the header is the first data row)
}

func newReader(file string, r io.Reader, maxLine int) *reader {
	return &reader{file: file, br: bufio.NewReaderSize(r, maxLine+2), maxLine: maxLine}
}

func (r *reader) errf(format string, args ...any) error {
	return &Error{File: r.file, Line: r.line, Msg: fmt.Sprintf(format, args...)}
}

// readLine reads one physical line without its line end, bounded.
func (r *reader) readLine() (string, error) {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.line++
		return "", r.errf("line longer than %d bytes, the limit for a tracking log line", r.maxLine)
	}
	if err == io.EOF && len(b) == 0 {
		return "", io.EOF
	}
	if err != nil && err != io.EOF {
		return "", err
	}
	r.line++
	s := strings.TrimRight(string(b), "\r\n")
	if r.line == 1 {
		s = strings.TrimPrefix(s, "\uFEFF")
	}
	return s, nil
}

// next returns the next data record, io.EOF at the end.
func (r *reader) next() (*record, error) {
	for {
		s, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		if strings.HasPrefix(s, "#") {
			if rest, ok := strings.CutPrefix(s, "#Fields:"); ok {
				if err := r.setColumns(splitCSV(strings.TrimSpace(rest))); err != nil {
					return nil, err
				}
			}
			continue // #Software, #Version, #Log-type, #Date, #TYPE
		}
		// A quoted field may hold a line end: read on until the quotes close.
		start := r.line
		for strings.Count(s, `"`)%2 == 1 {
			more, err := r.readLine()
			if err == io.EOF {
				r.line = start
				return nil, r.errf("a quoted field is not closed before the end of the file")
			}
			if err != nil {
				return nil, err
			}
			s += "\n" + more
			if len(s) > r.maxLine {
				r.line = start
				return nil, r.errf("record longer than %d bytes, the limit", r.maxLine)
			}
		}
		fields := splitCSV(s)
		if !r.header {
			// No #Fields line: an Export-Csv file, whose first row names the columns.
			r.csv = true
			if err := r.setColumns(fields); err != nil {
				return nil, err
			}
			continue
		}
		rec := &record{line: start}
		for i, v := range fields {
			if i < len(r.cols) && r.cols[i] >= 0 {
				rec.f[r.cols[i]] = v
			}
		}
		if len(fields) != len(r.cols) {
			return rec, &lineError{line: start, msg: fmt.Sprintf("%d fields where the header has %d", len(fields), len(r.cols))}
		}
		return rec, nil
	}
}

// lineError is a bad data line: counted and reported, the file read on.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

func (r *reader) setColumns(names []string) error {
	r.cols = make([]field, len(names))
	var have [nFields]bool
	for i, n := range names {
		f, ok := fieldNames[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			r.cols[i] = -1
			continue
		}
		r.cols[i] = f
		have[f] = true
	}
	r.header = true
	var missing []string
	for _, need := range []struct {
		f    field
		name string
	}{{fTime, "date-time (Timestamp)"}, {fEvent, "event-id (EventId)"}, {fSource, "source (Source)"}, {fRecipients, "recipient-address (Recipients)"}, {fSender, "sender-address (Sender)"}} {
		if !have[need.f] {
			missing = append(missing, need.name)
		}
	}
	if len(missing) > 0 {
		return r.errf("not a message tracking log: the header has no %s column", strings.Join(missing, ", "))
	}
	if !have[fMessageID] && !have[fInternalID] && !have[fNetworkID] {
		return r.errf("not a message tracking log: the header has no message-id, network-message-id or internal-message-id column")
	}
	return nil
}

// splitCSV splits one CSV record: commas outside double quotes, "" inside quotes
// for a quote (Exchange writes its logs so; so does Export-Csv).
func splitCSV(s string) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '"' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

// timeLayouts: raw logs write UTC ISO 8601 (date-time); Export-Csv writes the
// exporting machine's culture, e.g. en-US "6/10/2024 9:00:00 AM".
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 15:04:05",
	"02.01.2006 15:04:05",
	"2.1.2006 15:04:05",
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
