package logs

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is the date-time of every log row: ISO 8601 UTC with milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// bom starts every Exchange log file (a real 2010 tracking log begins with it).
const bom = "\ufeff"

// protocolFields is the #Fields list of the SMTP protocol logs, the same in every version.
var protocolFields = []string{
	"date-time", "connector-id", "session-id", "sequence-number", "local-endpoint",
	"remote-endpoint", "event", "data", "context",
}

// TrackingLogName is the file a Transport service's tracking log of day d is in
// (the first file of the day: the instance number only grows when a file fills up).
func TrackingLogName(d time.Time) string {
	return "MSGTRK" + d.UTC().Format("20060102") + "-1.LOG"
}

// TrackingLogFile is the first file of the tracking series prefix (MSGTRK, MSGTRKMS,
// MSGTRKMD) of a server of version for the period starting at p: 2010
// <prefix>yyyyMMdd-1.LOG (daily), 2013+ <prefix>yyyyMMddHH-1.LOG (hourly; the 2013
// code and a real 2016 MSGTRKMS2022091915-1.LOG, exchange-2013-pipeline.md 4.2: the
// documents' daily yyyymmdd-nnnn form is not what the product writes). The instance
// only grows when a file fills up (10 MB), which exsim's runs never reach.
func TrackingLogFile(version, prefix string, p time.Time) string {
	layout := "20060102"
	if trackingHourly(version) {
		layout = "2006010215"
	}
	return prefix + p.UTC().Format(layout) + "-1.LOG"
}

// ProtocolLogFile is the first file of an SMTP Send or Receive protocol log of a
// server of version for the period starting at p: SEND|RECVyyyyMMddHH-1.LOG on 2016+
// (real RECV2023011116-1.LOG), SEND|RECVyyyyMMdd-1.LOG on 2013 (its code: daily; no
// real 2013 name was found) and 2010.
func ProtocolLogFile(version, kind string, p time.Time) (string, error) {
	if !protocolHourly(version) {
		return ProtocolLogName(kind, p)
	}
	switch kind {
	case Send:
		return "SEND" + p.UTC().Format("2006010215") + "-1.LOG", nil
	case Receive:
		return "RECV" + p.UTC().Format("2006010215") + "-1.LOG", nil
	}
	return "", fmt.Errorf("unknown protocol log kind %q (want %q or %q)", kind, Send, Receive)
}

// ProtocolLogName is the file of an SMTP Send or Receive protocol log of day d.
func ProtocolLogName(kind string, d time.Time) (string, error) {
	switch kind {
	case Send:
		return "SEND" + d.UTC().Format("20060102") + "-1.LOG", nil
	case Receive:
		return "RECV" + d.UTC().Format("20060102") + "-1.LOG", nil
	}
	return "", fmt.Errorf("unknown protocol log kind %q (want %q or %q)", kind, Send, Receive)
}

// Stamp is the date-time of instant at in a run that started at start.
func Stamp(start time.Time, at time.Duration) string {
	return FormatTime(start.Add(at))
}

// FormatTime is t.UTC().Format(TimeLayout).
func FormatTime(t time.Time) string {
	var buf [len(TimeLayout)]byte
	return string(AppendTime(buf[:0], t))
}

// AppendTime appends t.UTC() in [TimeLayout], the bytes AppendFormat writes, digit by
// digit: parsing the layout at every call was 6% of the instructions of `exsim run
// --tracking-logs` (a row's columns hold up to three date-times).
func AppendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 { // AppendFormat's own forms
		return t.AppendFormat(b, TimeLayout)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6 // the layout's .000 truncates
	return append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// WriteTrackingLog writes events as the message tracking log file of an Exchange server
// of version: a header block (#Software, #Version, #Log-type, #Date, #Fields), then
// one CSV row per event in the given (logging) order, with the version's columns.
// #Date is the time the file was opened: the first event's, or start when empty.
// Lines end in CRLF, as on Windows.
func WriteTrackingLog(w io.Writer, version string, start time.Time, events []TrackingEvent) error {
	p, err := lookup(version)
	if err != nil {
		return err
	}
	opened := time.Duration(0)
	if len(events) > 0 {
		opened = events[0].At
	}
	bw := bufio.NewWriter(w)
	writeHeader(bw, p.trackingVersion, "Message Tracking Log", Stamp(start, opened), p.fields)
	cols, st := columnsOf(p.fields), newStamper(start)
	var line, join []byte
	for i := range events {
		e := &events[i]
		if e.At < 0 {
			return fmt.Errorf("tracking event %d (%s on %s) is before the start of the run", i, e.EventID, e.Server)
		}
		line, join = appendTrackingRow(line[:0], join, st, e, cols)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteProtocolLog writes events as the SMTP Send or Receive protocol log file of an
// Exchange server of version, in the given order.
func WriteProtocolLog(w io.Writer, version, kind string, start time.Time, events []ProtocolEvent) error {
	p, err := lookup(version)
	if err != nil {
		return err
	}
	var logType string
	switch kind {
	case Send:
		logType = "SMTP Send Protocol Log"
	case Receive:
		logType = "SMTP Receive Protocol Log"
	default:
		return fmt.Errorf("unknown protocol log kind %q (want %q or %q)", kind, Send, Receive)
	}
	opened := time.Duration(0)
	if len(events) > 0 {
		opened = events[0].At
	}
	bw := bufio.NewWriter(w)
	writeHeader(bw, p.protocolVersion, logType, Stamp(start, opened), protocolFields)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	for i := range events {
		e := &events[i]
		if e.At < 0 {
			return fmt.Errorf("protocol event %d (session %s) is before the start of the run", i, e.SessionID)
		}
		switch e.Event {
		case ProtoConnect, ProtoDisconnect, ProtoSend, ProtoReceive, ProtoInfo:
		default:
			return fmt.Errorf("protocol event %d (session %s): unknown event %q (want one of + - > < *)", i, e.SessionID, e.Event)
		}
		row := []string{
			Stamp(start, e.At), e.ConnectorID, e.SessionID, strconv.Itoa(e.SequenceNumber),
			e.LocalEndpoint, e.RemoteEndpoint, string(e.Event), e.Data, e.Context,
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeHeader(w *bufio.Writer, version, logType, date string, fields []string) {
	w.WriteString(bom)
	w.WriteString("#Software: Microsoft Exchange Server\r\n")
	w.WriteString("#Version: " + version + "\r\n")
	w.WriteString("#Log-type: " + logType + "\r\n")
	w.WriteString("#Date: " + date + "\r\n")
	w.WriteString("#Fields: " + strings.Join(fields, ",") + "\r\n")
}

func itoaOrEmpty(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func trackingValue(start time.Time, e *TrackingEvent, field string) string {
	switch field {
	case "date-time":
		return Stamp(start, e.At)
	case "client-ip":
		return e.ClientIP
	case "client-hostname":
		return e.ClientHostname
	case "server-ip":
		return e.ServerIP
	case "server-hostname":
		return e.ServerHostname
	case "source-context":
		return e.SourceContext
	case "connector-id":
		return e.ConnectorID
	case "source":
		return string(e.Source)
	case "event-id":
		return string(e.EventID)
	case "internal-message-id":
		return itoaOrEmpty(e.InternalMessageID)
	case "message-id":
		return e.MessageID
	case "network-message-id":
		return e.NetworkMessageID
	case "recipient-address":
		return strings.Join(e.Recipients, ";")
	case "recipient-status":
		return strings.Join(e.RecipientStatus, ";")
	case "total-bytes":
		return itoaOrEmpty(int64(e.TotalBytes))
	case "recipient-count":
		return itoaOrEmpty(int64(e.RecipientCount))
	case "related-recipient-address":
		return e.RelatedRecipientAddress
	case "reference":
		return e.Reference
	case "message-subject":
		return e.MessageSubject
	case "sender-address":
		return e.Sender
	case "return-path":
		return e.ReturnPath
	case "message-info":
		return e.MessageInfo
	case "directionality":
		return e.Directionality
	case "tenant-id":
		return e.TenantID
	case "original-client-ip":
		return e.OriginalClientIP
	case "original-server-ip":
		return e.OriginalServerIP
	case "custom-data":
		return e.CustomData
	case "transport-traffic-type":
		return e.TransportTrafficType
	case "log-id":
		return e.LogID
	case "schema-version":
		return e.SchemaVersion
	}
	return ""
}
