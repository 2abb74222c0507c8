// Package logs models the two transport log files an Exchange administrator reads, the
// message tracking log and the SMTP protocol log, and the Get-MessageTrackingLog cmdlet
// that reads the first. It holds rows and writes files; the transport model decides
// what happens and records rows in the journal (Kind "transport.track" with a
// TrackingEvent, "transport.smtp" with a ProtocolEvent).
//
// # Message tracking log (MT-2016, style-and-ecosystem B5)
//
//   - File MSGTRK<yyyymmdd>-1.LOG, CSV after a header block: #Software: Microsoft
//     Exchange Server, #Version, #Log-type: Message Tracking Log, #Date (when the file
//     was opened), #Fields.
//   - #Fields per version: Exchange 2010 (14.x) has 26 columns ending at custom-data;
//     2013 (15.00) adds network-message-id after message-id; 2016/2019 (15.01+) add
//     transport-traffic-type, log-id and schema-version at the end.
//   - date-time is UTC with milliseconds (2006-01-02T15:04:05.000Z); recipient-address
//     and recipient-status are ';'-joined in the same order; fields with commas are
//     double-quoted (encoding/csv).
//
// Choices where the sources are silent or disagree:
//   - #Version: a real 2010 tracking log (2016, so SP3) says 14.0.0.0, so every 2010
//     profile writes that. 2016 writes 15.01.2375.007 (a real 2022 header); 2013 and 2019
//     write builds of the same form (15.00.1497.002, 15.02.1544.004). Protocol logs write
//     14.0.0.0 (2010) and 15.0.0.0 (2013+, seen in a real 2016 SMTP Send log).
//   - "#Log-type" with a lower-case t, as the real files have it (the docs print
//     "#Log-Type"). Files start with a UTF-8 byte order mark, as the real 2010 file does,
//     and lines end in CRLF (Windows).
//   - A zero internal-message-id, total-bytes or recipient-count is written empty: a real
//     2010 NOTIFYMAPI row leaves them empty.
//   - schema-version (2016+) is the server's build, the file's #Version ([SchemaVersion]).
//
// Which columns each event fills is decided by the transport model (transport/track.go,
// from the real rows of exchange-2013-pipeline.md 5.3 and seed 003) and checked for every
// built-in by a test that reads the files back through encoding/csv
// (scenarios/report/trackingcsv_test.go).
//
// # SMTP protocol log (PL-2016)
//
// Files SEND<yyyymmdd>-1.LOG / RECV<yyyymmdd>-1.LOG, #Log-type SMTP Send Protocol Log /
// SMTP Receive Protocol Log, #Fields date-time,connector-id,session-id,sequence-number,
// local-endpoint,remote-endpoint,event,data,context, events + - > < *. The rows of a
// session are built by package transport/smtp; a server writes them only for connectors
// whose ProtocolLoggingLevel is Verbose (transport/protolevel.go).
//
// # From the journal to files
//
// [FromJournal] collects the rows recorded under [KindTracking] and [KindProtocol];
// [TrackingFiles] and [ProtocolFiles] split them per server and UTC day into files named
// and foldered as Exchange does (2010: MessageTracking, ProtocolLog\SmtpSend; 2013+:
// Hub\ProtocolLog\SmtpSend). [MailboxSourceContext], [SubmitMessageInfo] and
// [SMTPSourceContext] word the columns whose form real rows show.
//
// [TrackingStream] writes the tracking files as a run journals their rows (its
// [TrackingStream.Tap]), byte for byte what [TrackingFiles] builds afterwards. It
// encodes and writes on one goroutine of its own, fed batches of rows in journal
// order through a bounded channel: the only goroutine in a run, off the simulation's
// thread, which stays single-threaded and deterministic ([TrackingStream.Close] stops
// it and returns the first write error).
//
// # Journal events
//
// A [TrackingEvent] (kind transport.track) and a [ProtocolEvent] (transport.smtp) are
// journal payloads: one row of a log each, not narrated. A tracking row also carries
// exsim's message number (not a column), so writers can follow a message.
//
// # Get-MessageTrackingLog
//
// [Filter] applies the cmdlet's parameters (-Server, -Start, -End exclusive, -EventId,
// -MessageSubject partial, -Sender, -MessageId, -Recipients, -ResultSize default 1000);
// [FormatTrackingTable] and [FormatTrackingList] print the result as the Exchange
// Management Shell does, with the columns renamed (dashes removed, CamelCase,
// date-time → Timestamp, recipient-address → Recipients, sender-address → Sender).
package logs
