package logs

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// The row encoder appends a log row's CSV bytes straight into the file's buffer. It
// writes exactly what encoding/csv's Writer (Comma ',', UseCRLF) writes for the same
// fields (FuzzCSVFieldMatchesEncodingCSV compares them); it exists because the
// Writer's per-byte quoting check, the []string row and time.Format per row were
// a third of `exsim run --tracking-logs` once rows carried every column.

// column is a #Fields name compiled to a number once, so a row's values are not found
// by comparing field names.
type column uint8

const (
	colUnknown column = iota
	colDateTime
	colClientIP
	colClientHostname
	colServerIP
	colServerHostname
	colSourceContext
	colConnectorID
	colSource
	colEventID
	colInternalMessageID
	colMessageID
	colNetworkMessageID
	colRecipientAddress
	colRecipientStatus
	colTotalBytes
	colRecipientCount
	colRelatedRecipientAddress
	colReference
	colMessageSubject
	colSenderAddress
	colReturnPath
	colMessageInfo
	colDirectionality
	colTenantID
	colOriginalClientIP
	colOriginalServerIP
	colCustomData
	colTransportTrafficType
	colLogID
	colSchemaVersion
)

var columnNames = map[string]column{
	"date-time": colDateTime, "client-ip": colClientIP, "client-hostname": colClientHostname,
	"server-ip": colServerIP, "server-hostname": colServerHostname,
	"source-context": colSourceContext, "connector-id": colConnectorID, "source": colSource,
	"event-id": colEventID, "internal-message-id": colInternalMessageID,
	"message-id": colMessageID, "network-message-id": colNetworkMessageID,
	"recipient-address": colRecipientAddress, "recipient-status": colRecipientStatus,
	"total-bytes": colTotalBytes, "recipient-count": colRecipientCount,
	"related-recipient-address": colRelatedRecipientAddress, "reference": colReference,
	"message-subject": colMessageSubject, "sender-address": colSenderAddress,
	"return-path": colReturnPath, "message-info": colMessageInfo,
	"directionality": colDirectionality, "tenant-id": colTenantID,
	"original-client-ip": colOriginalClientIP, "original-server-ip": colOriginalServerIP,
	"custom-data": colCustomData, "transport-traffic-type": colTransportTrafficType,
	"log-id": colLogID, "schema-version": colSchemaVersion,
}

// columnsOf compiles a #Fields list; a name it does not know writes an empty field,
// as [trackingValue] does.
func columnsOf(fields []string) []column {
	out := make([]column, len(fields))
	for i, f := range fields {
		out[i] = columnNames[f]
	}
	return out
}

// stamper formats date-times ([TimeLayout]) of one run, formatting the part up to
// the seconds once per second: rows come in time order, many in the same second.
type stamper struct {
	start  time.Time
	sec    int64
	prefix []byte // "2006-01-02T15:04:05." of sec
}

func newStamper(start time.Time) *stamper { return &stamper{start: start} }

func (s *stamper) append(buf []byte, at time.Duration) []byte {
	t := s.start.Add(at).UTC()
	if sec := t.Unix(); sec != s.sec || s.prefix == nil {
		full := AppendTime(s.prefix[:0], t)
		s.sec, s.prefix = sec, full[:len(full)-len("000Z")]
	}
	ms := t.Nanosecond() / 1e6 // Format truncates to the millisecond, so does this
	return append(append(buf, s.prefix...), byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// appendTrackingRow appends e's CSV line (CRLF-terminated) with the given columns.
// scratch holds a joined multi-valued field; it is returned for reuse.
func appendTrackingRow(buf, scratch []byte, st *stamper, e *TrackingEvent, cols []column) ([]byte, []byte) {
	for i, c := range cols {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch c {
		case colDateTime:
			buf = st.append(buf, e.At) // digits, '-', ':', '.', 'Z': never quoted
		case colInternalMessageID:
			buf = appendIntOrEmpty(buf, e.InternalMessageID)
		case colTotalBytes:
			buf = appendIntOrEmpty(buf, int64(e.TotalBytes))
		case colRecipientCount:
			buf = appendIntOrEmpty(buf, int64(e.RecipientCount))
		case colRecipientAddress, colRecipientStatus:
			list := e.Recipients
			if c == colRecipientStatus {
				list = e.RecipientStatus
			}
			scratch = scratch[:0]
			for k, v := range list {
				if k > 0 {
					scratch = append(scratch, ';')
				}
				scratch = append(scratch, v...)
			}
			buf = appendCSVField(buf, bytesView(scratch))
		default:
			buf = appendCSVField(buf, stringColumn(e, c))
		}
	}
	return append(buf, '\r', '\n'), scratch
}

func appendIntOrEmpty(buf []byte, n int64) []byte {
	if n == 0 {
		return buf
	}
	return strconv.AppendInt(buf, n, 10)
}

// stringColumn is the value of a column that holds one string.
func stringColumn(e *TrackingEvent, c column) string {
	switch c {
	case colClientIP:
		return e.ClientIP
	case colClientHostname:
		return e.ClientHostname
	case colServerIP:
		return e.ServerIP
	case colServerHostname:
		return e.ServerHostname
	case colSourceContext:
		return e.SourceContext
	case colConnectorID:
		return e.ConnectorID
	case colSource:
		return string(e.Source)
	case colEventID:
		return string(e.EventID)
	case colMessageID:
		return e.MessageID
	case colNetworkMessageID:
		return e.NetworkMessageID
	case colRelatedRecipientAddress:
		return e.RelatedRecipientAddress
	case colReference:
		return e.Reference
	case colMessageSubject:
		return e.MessageSubject
	case colSenderAddress:
		return e.Sender
	case colReturnPath:
		return e.ReturnPath
	case colMessageInfo:
		return e.MessageInfo
	case colDirectionality:
		return e.Directionality
	case colTenantID:
		return e.TenantID
	case colOriginalClientIP:
		return e.OriginalClientIP
	case colOriginalServerIP:
		return e.OriginalServerIP
	case colCustomData:
		return e.CustomData
	case colTransportTrafficType:
		return e.TransportTrafficType
	case colLogID:
		return e.LogID
	case colSchemaVersion:
		return e.SchemaVersion
	}
	return ""
}

// appendCSVField appends one field as encoding/csv's Writer writes it with Comma ','
// and UseCRLF: quoted when it holds a quote, comma, CR or LF, is `\.`, or starts with
// a space; inside quotes a quote doubles, LF becomes CRLF and a lone CR is dropped.
func appendCSVField(buf []byte, f string) []byte {
	if !csvNeedsQuotes(f) {
		return append(buf, f...)
	}
	buf = append(buf, '"')
	for {
		// the runs between the bytes quoting changes go in whole: byte by byte this
		// was 5% of a day-100k run with tracking logs (cachegrind)
		i := indexQuoteOrBreak(f)
		if i < 0 {
			buf = append(buf, f...)
			break
		}
		buf = append(buf, f[:i]...)
		switch f[i] {
		case '"':
			buf = append(buf, '"', '"')
		case '\n':
			buf = append(buf, '\r', '\n')
		} // '\r' is dropped
		f = f[i+1:]
	}
	return append(buf, '"')
}

const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// swarZero has, once and-ed with swarHigh, the high bit of each zero byte of y set,
// and the lowest set bit is exact (a borrow can mark a byte above a zero byte, never
// one below). Several are or-ed before the one and.
func swarZero(y uint64) uint64 { return (y - swarOnes) &^ y }

// swarHasQuoteSpecial reports whether any byte of x is '"', ',', CR or LF: the exact
// "has a zero byte" test on x^b...b for each, or-ed so one branch decides.
func swarHasQuoteSpecial(x uint64) bool {
	return (swarZero(x^(swarOnes*'"'))|swarZero(x^(swarOnes*','))|swarZero(x^(swarOnes*'\r'))|swarZero(x^(swarOnes*'\n')))&swarHigh != 0
}

// load8 is the little-endian word of f[i:i+8], one load: a copy into an array was
// 2% of a day-100k run with tracking logs, and byte by byte (generic code gets no
// combined load) three times that.
// The caller has checked i+8 <= len(f).
func load8(f string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(f)), i))[:])
}

// bytesView is b's bytes as a string, not copied: only for a call that does not keep
// it while b may change.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// indexQuoteOrBreak is the index of f's first '"', CR or LF, or -1.
func indexQuoteOrBreak(f string) int {
	i := 0
	for ; i+8 <= len(f); i += 8 {
		x := load8(f, i)
		if m := (swarZero(x^(swarOnes*'"')) | swarZero(x^(swarOnes*'\r')) | swarZero(x^(swarOnes*'\n'))) & swarHigh; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(f); i++ {
		if c := f[i]; c == '"' || c == '\r' || c == '\n' {
			return i
		}
	}
	return -1
}

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for Comma ',', eight bytes at a
// time (it was the writer's largest cost: 2.1G of the instructions of a day-100k
// run with tracking logs when each byte value had its own branch). A field of eight
// bytes or more ends with a load of its last eight, which may test some bytes twice.
func csvNeedsQuotes(f string) bool {
	if len(f) == 0 {
		return false
	}
	if f == `\.` {
		return true
	}
	if len(f) >= 8 {
		i := 0
		for ; i+8 < len(f); i += 8 {
			if swarHasQuoteSpecial(load8(f, i)) {
				return true
			}
		}
		if swarHasQuoteSpecial(load8(f, len(f)-8)) {
			return true
		}
	} else {
		for i := 0; i < len(f); i++ {
			if c := f[i]; c == '"' || c == ',' || c == '\r' || c == '\n' {
				return true
			}
		}
	}
	if c := f[0]; c < utf8.RuneSelf {
		return c == ' ' || '\t' <= c && c <= '\r' // unicode.IsSpace below U+0080
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}
