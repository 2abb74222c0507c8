package logs

import (
	"bytes"
	"encoding/csv"
	"github.com/exsim/exsim/sim/simtest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name, got)
}

// seedStart is 8/27/2016 10:45:00 PM, where the seed's internal-message search starts.
var seedStart = time.Date(2016, 8, 27, 22, 45, 0, 0, time.UTC)

// seedInternal is the seed's "int to int 1": Alan Reid to Alannah Shaw, both on DB1
// active on EX13-2. EX13-2 logs NOTIFYMAPI and SUBMIT (naming its partner), EX13-1
// logs RECEIVE (STOREDRIVER) and DELIVER.
func seedInternal() []TrackingEvent {
	const (
		mid    = "<5386E0BEF5FB4A4B8C1F1F0B15075DC2@EX13-2.mynet.lan>"
		sender = "alan.reid@mynet.lan"
		rcpt   = "alannah.shaw@mynet.lan"
		subj   = "int to int 1"
	)
	return []TrackingEvent{
		{At: 2*time.Minute + 10*time.Second, Server: "EX13-2", ServerHostname: "EX13-2",
			SourceContext: "MDB:61914740-3f1b-4ddb-94e0-557196870cfa, Mailbox:279f077c-216f-4323-a9ee-48e50ffd3cad, Event:269492708, MessageClass:IPM.Note, CreationTime:2016-08-27T22:47:09.900Z, ClientType:MOMT",
			Source:        SourceStoreDriver, EventID: EventNotifyMAPI},
		{At: 2*time.Minute + 10*time.Second + 120*time.Millisecond, Server: "EX13-2",
			ClientIP: "fe80::a179:11fd:2f31:9329%16", ClientHostname: "EX13-2", ServerHostname: "EX13-1",
			Source: SourceStoreDriver, EventID: EventSubmit, MessageID: mid, MessageSubject: subj,
			Sender: sender, MessageInfo: "2016-08-27T22:47:09.900Z;LSRV=EX13-2.mynet.lan:TOTAL=1"},
		{At: 2*time.Minute + 10*time.Second + 250*time.Millisecond, Server: "EX13-1",
			ClientIP: "10.0.0.12", ClientHostname: "EX13-2", ServerIP: "10.0.0.11", ServerHostname: "EX13-1",
			SourceContext: "08D3CEC2A3A5A4F1", Source: SourceStoreDriver, EventID: EventReceive,
			InternalMessageID: 41, MessageID: mid, Recipients: []string{rcpt}, TotalBytes: 4821,
			RecipientCount: 1, MessageSubject: subj, Sender: sender, ReturnPath: sender},
		{At: 2*time.Minute + 10*time.Second + 480*time.Millisecond, Server: "EX13-1",
			ServerIP: "10.0.0.12", ServerHostname: "EX13-2", Source: SourceStoreDriver, EventID: EventDeliver,
			InternalMessageID: 41, MessageID: mid, Recipients: []string{rcpt}, RecipientStatus: []string{""},
			TotalBytes: 4821, RecipientCount: 1, MessageSubject: subj, Sender: sender, ReturnPath: sender,
			MessageInfo: "2016-08-27T22:47:09.900Z"},
	}
}

func onServer(events []TrackingEvent, server string) []TrackingEvent {
	return Filter{Server: server}.Apply(events)
}

// Reproduces the seed's two-server Exchange 2010 DAG: each server's own file, with the
// 26-field 2010 header.
func TestTrackingLog2010DAGInternalMessage(t *testing.T) {
	for _, server := range []string{"EX13-2", "EX13-1"} {
		var b bytes.Buffer
		require.NoError(t, WriteTrackingLog(&b, "Exchange2010SP3", seedStart, onServer(seedInternal(), server)))
		golden(t, "tracking-2010-"+server+".log", b.String())
	}
	require.Equal(t, "MSGTRK20160827-1.LOG", TrackingLogName(seedStart))
}

// MT-2016's typical same-server 2016 sequence, with the 30-field 15.01 header and a
// two-recipient row (';'-joined, aligned statuses) and a subject that needs quoting.
func TestTrackingLog2016SameServerSequence(t *testing.T) {
	const mid = "<a1b2c3@EX2016.contoso.com>"
	rc := []string{"michelle@contoso.com", "kate@contoso.com"}
	ev := func(ms int, id EventID, src Source) TrackingEvent {
		return TrackingEvent{At: time.Duration(ms) * time.Millisecond, Server: "EX2016", ServerHostname: "EX2016",
			EventID: id, Source: src, MessageID: mid, NetworkMessageID: "5c7e1c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
			Recipients: rc, RecipientCount: 2, TotalBytes: 6153, Sender: "chris@contoso.com",
			MessageSubject: `test, with "quotes"`, Directionality: Originating,
			TransportTrafficType: "Email", SchemaVersion: "15.01.2375.007", InternalMessageID: 12}
	}
	events := []TrackingEvent{
		{At: 0, Server: "EX2016", EventID: EventNotifyMAPI, Source: SourceStoreDriver, ServerHostname: "EX2016"},
		ev(10, EventReceive, SourceStoreDriver),
		ev(20, EventSubmit, SourceStoreDriver),
		ev(30, EventHARedirect, SourceSMTP),
		ev(40, EventReceive, SourceSMTP),
		ev(50, EventAgentInfo, SourceAgent),
		ev(60, EventSend, SourceSMTP),
		ev(70, EventDeliver, SourceStoreDriver),
	}
	events[7].RecipientStatus = []string{"250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK"}
	var b bytes.Buffer
	require.NoError(t, WriteTrackingLog(&b, "Exchange2016", seedStart, events))
	golden(t, "tracking-2016.log", b.String())
}

func TestTrackingFieldsPerVersion(t *testing.T) {
	cases := []struct {
		version string
		n       int
		last    string
	}{
		{"Exchange2010", 26, "custom-data"},
		{"Exchange2010SP1", 26, "custom-data"},
		{"Exchange2013", 27, "custom-data"},
		{"Exchange2016", 30, "schema-version"},
		{"Exchange2019", 30, "schema-version"},
	}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			f, err := TrackingFields(c.version)
			require.NoError(t, err)
			require.Len(t, f, c.n)
			require.Equal(t, c.last, f[len(f)-1])
			has := strings.Contains(strings.Join(f, ","), "message-id,network-message-id,recipient-address")
			require.Equal(t, c.n > 26, has, "network-message-id comes right after message-id from 2013 on")
		})
	}
	_, err := TrackingFields("Exchange2007")
	require.ErrorContains(t, err, "unknown Exchange version")
}

func TestWritersRejectBadInput(t *testing.T) {
	var b bytes.Buffer
	require.Error(t, WriteTrackingLog(&b, "Exchange2003", seedStart, nil))
	require.Error(t, WriteTrackingLog(&b, "Exchange2010", seedStart, []TrackingEvent{{At: -1}}))
	require.Error(t, WriteProtocolLog(&b, "Exchange2010", "Both", seedStart, nil))
	require.Error(t, WriteProtocolLog(&b, "Exchange2010", Send, seedStart, []ProtocolEvent{{Event: "?"}}))
	_, err := ProtocolLogName("Both", seedStart)
	require.Error(t, err)
}

// The seed's 2010 Send log session to a smart host, reduced to its documented rows.
func TestProtocolLog2010SendSession(t *testing.T) {
	row := func(ms, seq int, local string, ev ProtocolEventType, data, ctx string) ProtocolEvent {
		return ProtocolEvent{At: time.Duration(ms) * time.Millisecond, Server: "EX13-2", Log: Send,
			ConnectorID: "MYNET-SendConn-1", SessionID: "08D3B0E1D2C4A8F7", SequenceNumber: seq,
			LocalEndpoint: local, RemoteEndpoint: "8.23.224.60:25", Event: ev, Data: data, Context: ctx}
	}
	const me = "10.0.0.12:28532"
	events := []ProtocolEvent{
		row(389, 0, "", ProtoInfo, "", "attempting to connect"),
		row(450, 1, me, ProtoConnect, "", ""),
		row(512, 2, me, ProtoReceive, "220 ESMTP ready", ""),
		row(512, 3, me, ProtoSend, "EHLO EX13-2.mynet.lan", ""),
		row(575, 4, me, ProtoReceive, "250-SIZE 36700160", ""),
		row(600, 5, me, ProtoInfo, "44", "sending message"),
		row(600, 6, me, ProtoSend, "MAIL FROM:<alan.reid@mynet.lan> SIZE=6147", ""),
		row(600, 7, me, ProtoSend, "RCPT TO:<someone@gmail.com>", ""),
		row(660, 8, me, ProtoReceive, "250 2.1.0 Ok", ""),
		row(660, 9, me, ProtoReceive, "250 2.1.5 Ok", ""),
		row(720, 10, me, ProtoReceive, "354 End data with <CR><LF>.<CR><LF>", ""),
		row(800, 11, me, ProtoReceive, "250 2.0.0 Ok: queued as 1E53E4005DE", ""),
		row(860, 12, me, ProtoReceive, "221 2.0.0 Bye", ""),
		row(860, 13, me, ProtoDisconnect, "", "Local"),
	}
	var b bytes.Buffer
	require.NoError(t, WriteProtocolLog(&b, "Exchange2010SP3", Send, time.Date(2016, 8, 20, 14, 0, 0, 0, time.UTC), events))
	golden(t, "protocol-2010-send.log", b.String())
	name, err := ProtocolLogName(Send, time.Date(2016, 8, 20, 14, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Equal(t, "SEND20160820-1.LOG", name)
}

// MT-2016's example table, printed exactly (header, dash underline, {} collections).
func TestTrackingTableMatchesDocExample(t *testing.T) {
	rc := []string{"michelle@contoso.com"}
	ev := func(id EventID, src Source) TrackingEvent {
		return TrackingEvent{EventID: id, Source: src, Sender: "chris@contoso.com", Recipients: rc, MessageSubject: "test"}
	}
	events := []TrackingEvent{
		{EventID: EventNotifyMAPI, Source: SourceStoreDriver},
		ev(EventReceive, SourceStoreDriver), ev(EventSubmit, SourceStoreDriver),
		ev(EventHARedirect, SourceSMTP), ev(EventReceive, SourceSMTP), ev(EventAgentInfo, SourceAgent),
		ev(EventSend, SourceSMTP), ev(EventDeliver, SourceStoreDriver),
	}
	want := `EventId    Source      Sender            Recipients             MessageSubject
-------    ------      ------            ----------             --------------
NOTIFYMAPI STOREDRIVER                   {}
RECEIVE    STOREDRIVER chris@contoso.com {michelle@contoso.com} test
SUBMIT     STOREDRIVER chris@contoso.com {michelle@contoso.com} test
HAREDIRECT SMTP        chris@contoso.com {michelle@contoso.com} test
RECEIVE    SMTP        chris@contoso.com {michelle@contoso.com} test
AGENTINFO  AGENT       chris@contoso.com {michelle@contoso.com} test
SEND       SMTP        chris@contoso.com {michelle@contoso.com} test
DELIVER    STOREDRIVER chris@contoso.com {michelle@contoso.com} test
`
	require.Equal(t, want, FormatTrackingTable(events))
}

// The seed's "Get-MessageTrackingLog -Server EX13-2 -Start ... -End ... | fl" and the
// EX13-1 one, as 2010 prints them.
func TestTrackingListGetMessageTrackingLogFL(t *testing.T) {
	start, end := time.Duration(0), 15*time.Minute
	for _, server := range []string{"EX13-2", "EX13-1"} {
		rows := Filter{Server: server, Start: &start, End: &end}.Apply(seedInternal())
		out, err := FormatTrackingList("Exchange2010SP3", rows, seedStart, RunspaceID(1))
		require.NoError(t, err)
		golden(t, "list-2010-"+server+".txt", out)
	}
	out, err := FormatTrackingList("Exchange2016", seedInternal()[:1], seedStart, RunspaceID(1))
	require.NoError(t, err)
	require.Contains(t, out, "NetworkMessageId")
	require.Contains(t, out, "SchemaVersion")
	_, err = FormatTrackingList("nope", nil, seedStart, "")
	require.Error(t, err)
}

func TestFilterParameters(t *testing.T) {
	all := seedInternal()
	d := func(x time.Duration) *time.Duration { return &x }
	cases := []struct {
		name string
		f    Filter
		want []EventID
	}{
		{"server is case-insensitive", Filter{Server: "ex13-1"}, []EventID{EventReceive, EventDeliver}},
		{"event id", Filter{EventId: "deliver"}, []EventID{EventDeliver}},
		{"subject is a partial match", Filter{MessageSubject: "TO INT"}, []EventID{EventSubmit, EventReceive, EventDeliver}},
		{"sender", Filter{Sender: "Alan.Reid@mynet.lan"}, []EventID{EventSubmit, EventReceive, EventDeliver}},
		{"message id without brackets", Filter{MessageId: "5386E0BEF5FB4A4B8C1F1F0B15075DC2@EX13-2.mynet.lan"}, []EventID{EventSubmit, EventReceive, EventDeliver}},
		{"recipients", Filter{Recipients: []string{"nobody@x", "alannah.shaw@mynet.lan"}}, []EventID{EventReceive, EventDeliver}},
		{"end is exclusive", Filter{End: d(all[2].At)}, []EventID{EventNotifyMAPI, EventSubmit}},
		{"start is inclusive", Filter{Start: d(all[2].At)}, []EventID{EventReceive, EventDeliver}},
		{"internal id", Filter{InternalMessageId: 41}, []EventID{EventReceive, EventDeliver}},
		{"result size", Filter{ResultSize: 1}, []EventID{EventNotifyMAPI}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []EventID
			for _, e := range c.f.Apply(all) {
				got = append(got, e.EventID)
			}
			require.Equal(t, c.want, got)
		})
	}
}

func TestFilterDefaultResultSizeIs1000(t *testing.T) {
	events := make([]TrackingEvent, 1500)
	require.Len(t, Filter{}.Apply(events), 1000)
	require.Len(t, Filter{ResultSize: -1}.Apply(events), 1500)
}

func genEvent(t *rapid.T) TrackingEvent {
	text := rapid.StringMatching(`[a-zA-Z0-9 ,;"<>@.:\-]{0,12}`)
	return TrackingEvent{
		At:                time.Duration(rapid.Int64Range(0, int64(48*time.Hour)).Draw(t, "at")),
		Server:            rapid.SampledFrom([]string{"EX1", "EX2", "EX3"}).Draw(t, "server"),
		ClientHostname:    text.Draw(t, "client"),
		SourceContext:     text.Draw(t, "ctx"),
		EventID:           rapid.SampledFrom([]EventID{EventReceive, EventSend, EventDeliver, EventFail}).Draw(t, "id"),
		Source:            rapid.SampledFrom([]Source{SourceSMTP, SourceStoreDriver, SourceQueue}).Draw(t, "src"),
		InternalMessageID: rapid.Int64Range(1, 1<<40).Draw(t, "iid"),
		MessageID:         text.Draw(t, "mid"),
		Recipients:        rapid.SliceOfN(rapid.StringMatching(`[a-z]{1,5}@[a-z]{1,5}\.com`), 1, 3).Draw(t, "rcpt"),
		TotalBytes:        rapid.IntRange(1, 1<<20).Draw(t, "bytes"),
		RecipientCount:    rapid.IntRange(1, 3).Draw(t, "count"),
		MessageSubject:    text.Draw(t, "subject"),
		Sender:            text.Draw(t, "sender"),
		MessageInfo:       text.Draw(t, "info"),
	}
}

// Any tracking log we write reads back, with a CSV reader, to the same field values in
// the #Fields order: quoting never breaks a row, whatever commas and quotes the
// subject or context hold.
func TestTrackingLogReadsBackAsCSV(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		version := rapid.SampledFrom(Versions).Draw(t, "version")
		events := rapid.SliceOfN(rapid.Custom(genEvent), 0, 6).Draw(t, "events")
		var b bytes.Buffer
		require.NoError(t, WriteTrackingLog(&b, version, seedStart, events))
		text := strings.TrimPrefix(b.String(), "\ufeff")
		var body []string
		var fields []string
		for _, line := range strings.SplitAfter(text, "\r\n") {
			switch {
			case strings.HasPrefix(line, "#Fields: "):
				fields = strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "#Fields: "), "\r\n"), ",")
			case strings.HasPrefix(line, "#"):
			default:
				body = append(body, line)
			}
		}
		r := csv.NewReader(strings.NewReader(strings.Join(body, "")))
		rows, err := r.ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, len(events))
		want, _ := TrackingFields(version)
		require.Equal(t, want, fields)
		for i, row := range rows {
			require.Len(t, row, len(fields))
			for j, f := range fields {
				require.Equal(t, trackingValue(seedStart, &events[i], f), row[j], f)
			}
		}
	})
}

// Apply returns exactly the matching rows, in non-decreasing time, keeping the
// logging order of rows at the same instant.
func TestFilterApplyIsOrderedSubset(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := rapid.SliceOfN(rapid.Custom(genEvent), 0, 30).Draw(t, "events")
		for i := range events {
			events[i].LogID = string(rune('A' + i))
		}
		f := Filter{Server: rapid.SampledFrom([]string{"", "EX1", "ex2"}).Draw(t, "server"), ResultSize: -1}
		if rapid.Bool().Draw(t, "window") {
			s := time.Duration(rapid.Int64Range(0, int64(48*time.Hour)).Draw(t, "start"))
			e := s + time.Duration(rapid.Int64Range(0, int64(24*time.Hour)).Draw(t, "len"))
			f.Start, f.End = &s, &e
		}
		got := f.Apply(events)
		n := 0
		for i := range events {
			if f.match(&events[i]) {
				n++
			}
		}
		require.Len(t, got, n)
		for i := 1; i < len(got); i++ {
			require.LessOrEqual(t, got[i-1].At, got[i].At)
			if got[i-1].At == got[i].At {
				require.Less(t, got[i-1].LogID, got[i].LogID)
			}
		}
		for _, e := range got {
			require.True(t, f.match(&e))
		}
	})
}

// other is a payload that is not a log row.
type other struct{}

func (other) Kind() string    { return "component.set" }
func (other) Narrate() string { return "not a row" }

// Every log derives from the journal: rows recorded as transport.track /
// transport.smtp come back in logging order, other records are ignored.
func TestFromJournalCollectsRowsInLoggingOrder(t *testing.T) {
	var j sim.Journal
	rows := seedInternal()
	j.Add(sim.Record{Data: rows[0]})
	j.Add(sim.Record{Kind: KindTracking, Data: other{}})
	j.Add(sim.Record{Data: rows[1]})
	j.Add(sim.Record{Data: ProtocolEvent{SessionID: "08D0000000000001"}})
	j.Add(sim.Record{Kind: KindTracking}) // no payload
	tr, pr := FromJournal(j.Records())
	require.Equal(t, []EventID{EventNotifyMAPI, EventSubmit}, []EventID{tr[0].EventID, tr[1].EventID})
	require.Len(t, tr, 2)
	require.Len(t, pr, 1)
}

// The Transport service starts a new tracking file each UTC day on 2010 and each UTC
// hour from 2013 (exchange-2013-pipeline.md 4.2); 2010 keeps protocol logs in
// ProtocolLog\SmtpSend, 2013+ in Hub\ProtocolLog\SmtpSend.
func TestFilesRollPerServerAndDay(t *testing.T) {
	start := time.Date(2016, 8, 27, 23, 59, 0, 0, time.UTC)
	versions := map[string]string{"EX1": "Exchange2010SP3", "EX2": "Exchange2016"}
	versionOf := func(s string) string { return versions[s] }
	tr := []TrackingEvent{
		{At: 2 * time.Minute, Server: "EX2", EventID: EventReceive},
		{At: 0, Server: "EX1", EventID: EventSubmit},
		{At: 30 * time.Second, Server: "EX2", EventID: EventReceive},
	}
	files, err := TrackingFiles(versionOf, start, tr)
	require.NoError(t, err)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	require.Equal(t, []string{
		"EX1/MessageTracking/MSGTRK20160827-1.LOG",
		"EX2/MessageTracking/MSGTRK2016082723-1.LOG",
		"EX2/MessageTracking/MSGTRK2016082800-1.LOG",
	}, paths)
	require.Contains(t, string(files[2].Data), "#Date: 2016-08-28T00:01:00.000Z")

	pr := []ProtocolEvent{
		{Server: "EX2", Log: Send, Event: ProtoConnect},
		{Server: "EX1", Log: Send, Event: ProtoConnect},
		{Server: "EX1", Log: Receive, Event: ProtoConnect},
	}
	pfiles, err := ProtocolFiles(versionOf, start, pr)
	require.NoError(t, err)
	paths = nil
	for _, f := range pfiles {
		paths = append(paths, f.Path)
	}
	require.Equal(t, []string{
		"EX1/ProtocolLog/SmtpReceive/RECV20160827-1.LOG",
		"EX1/ProtocolLog/SmtpSend/SEND20160827-1.LOG",
		"EX2/Hub/ProtocolLog/SmtpSend/SEND2016082723-1.LOG",
	}, paths)

	_, err = TrackingFiles(func(string) string { return "" }, start, tr)
	require.Error(t, err)
	_, err = ProtocolFiles(versionOf, start, []ProtocolEvent{{Server: "EX1", Log: "Both"}})
	require.Error(t, err)
}

func TestSourceContextAndMessageInfoForms(t *testing.T) {
	created := time.Date(2016, 4, 5, 0, 0, 1, 22e6, time.UTC)
	require.Equal(t,
		"MDB:61914740-3f1b-4ddb-94e0-557196870cfa, Mailbox:279f077c-216f-4323-a9ee-48e50ffd3cad, Event:269492708, MessageClass:IPM.Note.StorageQuotaWarning.Warning, CreationTime:2016-04-05T00:00:01.022Z, ClientType:System",
		MailboxSourceContext("61914740-3f1b-4ddb-94e0-557196870cfa", "279f077c-216f-4323-a9ee-48e50ffd3cad", 269492708, "IPM.Note.StorageQuotaWarning.Warning", created, "System"),
		"a real Exchange 2010 NOTIFYMAPI row")
	require.Equal(t, "2016-07-18T15:57:14.276Z;LSRV=EX13-1.mynet.lan:TOTAL=1",
		SubmitMessageInfo(time.Date(2016, 7, 18, 15, 57, 14, 276e6, time.UTC), "EX13-1.mynet.lan", 1), "the seed's SUBMIT row")
	require.Equal(t, "08D0000000000007;2016-08-27T22:47:00.025Z;1",
		SMTPSourceContext("08D0000000000007", time.Date(2016, 8, 27, 22, 47, 0, 25e6, time.UTC), 1))
}

// Sessions recorded whole at their start interleave in the file by time, as a log
// written as things happen does.
func TestProtocolFilesInterleaveSessionsByTime(t *testing.T) {
	pr := []ProtocolEvent{
		{At: 0, Server: "EX1", Log: Receive, SessionID: "A", SequenceNumber: 0, Event: ProtoConnect},
		{At: 30 * time.Second, Server: "EX1", Log: Receive, SessionID: "A", SequenceNumber: 1, Event: ProtoDisconnect},
		{At: time.Second, Server: "EX1", Log: Receive, SessionID: "B", SequenceNumber: 0, Event: ProtoConnect},
	}
	files, err := ProtocolFiles(func(string) string { return "Exchange2010" }, seedStart, pr)
	require.NoError(t, err)
	require.Len(t, files, 1)
	lines := strings.Split(strings.TrimSpace(string(files[0].Data)), "\r\n")
	require.Contains(t, lines[5], ",A,0,")
	require.Contains(t, lines[6], ",B,0,")
	require.Contains(t, lines[7], ",A,1,")
}

// exchange-2013-pipeline.md 4.1-4.2: a 2013+ Mailbox server writes message tracking in
// three series, MSGTRK (Transport), MSGTRKMS (Mailbox Transport Submission: NOTIFYMAPI,
// SUBMIT and its RECEIVE STOREDRIVER, as the real MSGTRKMS2022091915-1.LOG holds) and
// MSGTRKMD (Mailbox Transport Delivery: DELIVER), each rolling every UTC hour; 2010
// writes one daily MSGTRK.
func TestTrackingSplitsIntoMSGTRKMSAndMDRollingHourlyFrom2013(t *testing.T) {
	start := time.Date(2022, 9, 19, 15, 2, 0, 0, time.UTC)
	cases := []struct {
		version string
		want    []string
	}{
		{"Exchange2016", []string{"MSGTRK2022091915-1.LOG", "MSGTRK2022091916-1.LOG", "MSGTRKMD2022091915-1.LOG", "MSGTRKMS2022091915-1.LOG"}},
		{"Exchange2013", []string{"MSGTRK2022091915-1.LOG", "MSGTRK2022091916-1.LOG", "MSGTRKMD2022091915-1.LOG", "MSGTRKMS2022091915-1.LOG"}},
		{"ExchangeSE", []string{"MSGTRK2022091915-1.LOG", "MSGTRK2022091916-1.LOG", "MSGTRKMD2022091915-1.LOG", "MSGTRKMS2022091915-1.LOG"}},
		{"Exchange2010SP3", []string{"MSGTRK20220919-1.LOG"}},
	}
	tr := []TrackingEvent{
		{At: 0, Server: "EX1", EventID: EventNotifyMAPI, Source: "STOREDRIVER"},
		{At: time.Second, Server: "EX1", EventID: EventReceive, Source: "STOREDRIVER"},
		{At: time.Second, Server: "EX1", EventID: EventSubmit, Source: "STOREDRIVER"},
		{At: 2 * time.Second, Server: "EX1", EventID: EventReceive, Source: "SMTP"},
		{At: 3 * time.Second, Server: "EX1", EventID: "DELIVER", Source: "STOREDRIVER"},
		{At: time.Hour, Server: "EX1", EventID: EventReceive, Source: "SMTP"},
	}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			files, err := TrackingFiles(func(string) string { return c.version }, start, tr)
			require.NoError(t, err)
			var names []string
			for _, f := range files {
				names = append(names, strings.TrimPrefix(f.Path, "EX1/MessageTracking/"))
			}
			require.Equal(t, c.want, names)
			// the stream writes the same files
			dir := t.TempDir()
			st := NewTrackingStream(dir, func(string) string { return c.version }, start)
			for i := range tr {
				st.Row(&tr[i])
			}
			require.NoError(t, st.Close())
			for _, f := range files {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
				require.NoError(t, err)
				require.Equal(t, string(f.Data), string(got), f.Path)
			}
		})
	}
}

// exchange-2013-pipeline.md 4.1-4.2: 2013+ protocol logs go to one folder per service,
// FrontEnd\ProtocolLog, Hub\ProtocolLog and Mailbox\ProtocolLog (SmtpReceive\Delivery
// from 2016); 2016+ files roll hourly (RECV2023011116-1.LOG), 2013 and 2010 daily.
func TestProtocolLogsGoToTheFolderOfTheirService(t *testing.T) {
	start := time.Date(2023, 1, 11, 16, 0, 0, 0, time.UTC)
	rows := []ProtocolEvent{
		{Server: "EX1", Log: Receive, Service: FrontEnd, Event: ProtoConnect},
		{Server: "EX1", Log: Send, Service: FrontEnd, Event: ProtoConnect},
		{Server: "EX1", Log: Receive, Service: Hub, Event: ProtoConnect},
		{Server: "EX1", Log: Receive, Service: MailboxDelivery, Event: ProtoConnect},
		{Server: "EX1", Log: Send, Event: ProtoConnect},
	}
	cases := map[string][]string{
		"Exchange2019": {"FrontEnd/ProtocolLog/SmtpReceive/RECV2023011116-1.LOG", "Hub/ProtocolLog/SmtpReceive/RECV2023011116-1.LOG",
			"Mailbox/ProtocolLog/SmtpReceive/Delivery/RECV2023011116-1.LOG", "FrontEnd/ProtocolLog/SmtpSend/SEND2023011116-1.LOG", "Hub/ProtocolLog/SmtpSend/SEND2023011116-1.LOG"},
		"Exchange2013": {"FrontEnd/ProtocolLog/SmtpReceive/RECV20230111-1.LOG", "Hub/ProtocolLog/SmtpReceive/RECV20230111-1.LOG",
			"Mailbox/ProtocolLog/SmtpReceive/RECV20230111-1.LOG", "FrontEnd/ProtocolLog/SmtpSend/SEND20230111-1.LOG", "Hub/ProtocolLog/SmtpSend/SEND20230111-1.LOG"},
		"Exchange2010": {"ProtocolLog/SmtpReceive/RECV20230111-1.LOG", "ProtocolLog/SmtpSend/SEND20230111-1.LOG"},
	}
	for _, v := range []string{"Exchange2019", "Exchange2013", "Exchange2010"} {
		files, err := ProtocolFiles(func(string) string { return v }, start, rows)
		require.NoError(t, err)
		var got []string
		for _, f := range files {
			got = append(got, strings.TrimPrefix(f.Path, "EX1/"))
		}
		require.Equal(t, cases[v], got, v)
	}
}
