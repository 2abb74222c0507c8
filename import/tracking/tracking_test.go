package tracking

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/sim/simtest"
)

// The 30 columns of a 2013+ raw log (import-shapes.md 2.1).
const fields30 = "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version"

// logs writes raw MSGTRK logs of EX1 and EX2 in which every message is logged
// on two hops, as Exchange logs it: an internet message RECEIVE SMTP on its
// front server and again on the mailbox server; a mailbox submission RECEIVE
// STOREDRIVER then RECEIVE SMTP on the next hop.
type logs struct {
	dir   string
	files map[string]*strings.Builder
	n     int
}

func newLogs(t *testing.T) *logs {
	return &logs{dir: t.TempDir(), files: map[string]*strings.Builder{}}
}

func (l *logs) line(server, file, at, source, event, msgID, rcpts, sender, dir, custom string, bytes int) {
	name := fmt.Sprintf("%s/MSGTRK%s-%s.LOG", server, file, at[:13])
	b := l.files[name]
	if b == nil {
		b = &strings.Builder{}
		l.files[name] = b
		fmt.Fprintf(b, "#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.035\r\n#Log-type: Message Tracking Log\r\n#Date: %s\r\n#Fields: %s\r\n", at, fields30)
	}
	l.n++
	rc := len(strings.Split(rcpts, ";"))
	fmt.Fprintf(b, "%s,10.0.0.1,client,10.0.0.2,%s.contoso.com,,%s\\Default %s,%s,%s,%d,%s,,%s,,%d,%d,,,\"Hello, world\",%s,%s,,%s,,,,%s,Email,,15.01.2507.035\r\n",
		at, server, server, server, source, event, l.n, msgID, rcpts, bytes, rc, sender, sender, dir, custom)
}

func (l *logs) inbound(at, id string) {
	l.line("EX1", "", at, "SMTP", "RECEIVE", id, "user1@contoso.com", "someone@fabrikam.net", "Incoming", "S:FromEntity=Internet", 50000)
	l.line("EX2", "", at, "SMTP", "RECEIVE", id, "user1@contoso.com", "someone@fabrikam.net", "Incoming", "", 50000)
	l.line("EX2", "MD", at, "STOREDRIVER", "DELIVER", id, "user1@contoso.com", "someone@fabrikam.net", "Incoming", "", 50000)
}

func (l *logs) submit(at, id, to string) {
	l.line("EX2", "MS", at, "STOREDRIVER", "RECEIVE", id, to, "user2@contoso.com", "Originating", "S:MailboxDatabaseName=DB1;S:DeliveryPriority=Normal", 20000)
	l.line("EX1", "", at, "SMTP", "RECEIVE", id, to, "user2@contoso.com", "Originating", "", 20000)
	l.line("EX1", "", at, "SMTP", "SENDEXTERNAL", id, to, "user2@contoso.com", "Originating", "", 20000)
}

func (l *logs) write(t *testing.T) {
	for name, b := range l.files {
		p := filepath.Join(l.dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	}
}

// A generated day with a known volume each hour: 10+3h inbound, 5+h outbound and
// 2 internal messages per hour, spread over the hour; and a quieter day after it.
func generatedDay(t *testing.T) (*logs, [3][24]int) {
	l := newLogs(t)
	var want [3][24]int
	id := 0
	for h := range 24 {
		want[Inbound][h], want[Outbound][h], want[Internal][h] = 10+3*h, 5+h, 2
		for kind, n := range []int{want[Inbound][h], want[Outbound][h], want[Internal][h]} {
			for i := range n {
				id++
				at := fmt.Sprintf("2024-06-10T%02d:%02d:%02d.%03dZ", h, (i*59)/max(n, 1), i%60, id%1000)
				mid := fmt.Sprintf("<%d@contoso.com>", id)
				switch kind {
				case 0:
					l.inbound(at, mid)
				case 1:
					l.submit(at, mid, "partner@fabrikam.net")
				case 2:
					l.submit(at, mid, "user3@contoso.com")
				}
			}
		}
	}
	for i := range 5 {
		id++
		l.inbound(fmt.Sprintf("2024-06-11T08:%02d:00.000Z", i), fmt.Sprintf("<%d@contoso.com>", id))
	}
	l.write(t)
	return l, want
}

// Done-when of issue 18: traffic import of a generated day of logs gives rates
// within 1% per hour.
func TestGeneratedDayRatesWithinOnePercentPerHour(t *testing.T) {
	l, want := generatedDay(t)
	res, err := Import(l.dir, Options{})
	require.NoError(t, err)
	require.Equal(t, "2024-06-10", res.Day.Format("2006-01-02"), "the busiest day by default")
	for d := Inbound; d <= Internal; d++ {
		for h := range 24 {
			w := float64(want[d][h])
			require.InDelta(t, w, res.Rates[d][h], w*0.01, "%s hour %d", d, h)
		}
	}
	require.Equal(t, 24*(10+5+2)+3*276+276, res.Messages-5, "each message counted once over its hops")
	require.Equal(t, []string{"EX1"}, res.EntryServers, "internet mail enters by its first hop")
	simtest.Golden(t, "generated-day.yaml", res.YAML)
}

func TestDayAndScalePickHowMuch(t *testing.T) {
	l, want := generatedDay(t)
	res, err := Import(l.dir, Options{Scale: 0.5})
	require.NoError(t, err)
	require.InDelta(t, float64(want[Inbound][7])/2, res.Rates[Inbound][7], 0.001)
	res, err = Import(l.dir, Options{Day: "2024-06-11"})
	require.NoError(t, err)
	require.Equal(t, 5, res.Hourly[Inbound][8])
	require.Contains(t, res.YAML, "perHour: 5, start: 8h, until: 9h")
	_, err = Import(l.dir, Options{Day: "June 10"})
	require.ErrorContains(t, err, `--day "June 10": want a date like 2024-06-10`)
	_, err = Import(l.dir, Options{Scale: -1})
	require.ErrorContains(t, err, "--scale")
}

// Get-MessageTrackingLog | Export-Csv: another header (import-shapes.md 2.3),
// a #TYPE line, local times.
func TestExportCsvFile(t *testing.T) {
	header := `"PSComputerName","RunspaceId","PSShowComputerName","Timestamp","ClientIp","ClientHostname","ServerIp","ServerHostname","SourceContext","ConnectorId","Source","EventId","InternalMessageId","MessageId","NetworkMessageId","Recipients","RecipientStatus","TotalBytes","RecipientCount","RelatedRecipientAddress","Reference","MessageSubject","Sender","ReturnPath","Directionality","TenantId","OriginalClientIp","MessageInfo","MessageLatency","MessageLatencyType","EventData","TransportTrafficType","SchemaVersion"`
	var b strings.Builder
	b.WriteString("#TYPE Selected.Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent\r\n" + header + "\r\n")
	row := func(ts, server, source, event, id, rcpt, sender string) {
		fmt.Fprintf(&b, `"ex1.contoso.com","4f1d6ed3-81ee-4120-9d38-b803867135e5","False","%s","10.0.0.1","c","10.0.0.2","%s","","","%s","%s","1","%s","","%s","","1000","1","","","a ""quoted"" subject","%s","%s","Originating","","","","","","","Email","15.2.986.5"`+"\r\n", ts, server, source, event, id, rcpt, sender, sender)
	}
	for i := range 30 {
		ts := fmt.Sprintf("6/10/2024 %d:%02d:00 PM", 1+i%2, i)
		id := fmt.Sprintf("<c%d@contoso.com>", i)
		row(ts, "EX1", "STOREDRIVER", "RECEIVE", id, "x@fabrikam.net", "user1@contoso.com")
		row(ts, "EX2", "SMTP", "RECEIVE", id, "x@fabrikam.net", "user1@contoso.com")
	}
	p := filepath.Join(t.TempDir(), "mtl.csv")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	res, err := Import(p, Options{})
	require.NoError(t, err)
	require.Equal(t, 15, res.Hourly[Outbound][13])
	unjoined := filepath.Join(t.TempDir(), "unjoined.csv")
	require.NoError(t, os.WriteFile(unjoined, []byte(strings.ReplaceAll(b.String(), `"x@fabrikam.net"`, `"System.String[]"`)), 0o644))
	_, err = Import(unjoined, Options{})
	require.ErrorContains(t, err, `unjoined.csv:3: the Recipients column holds "System.String[]"`)
	require.Equal(t, 15, res.Hourly[Outbound][14])
	require.Contains(t, strings.Join(res.Warnings, "\n"), "Export-Csv Timestamps carry no time zone")
}

func TestBadLogsAreRefusedOrCounted(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
		return p
	}
	_, err := Import(write("a.log", "#Fields: date-time,foo\r\n2024-06-10T00:00:00Z,1\r\n"), Options{})
	require.ErrorContains(t, err, "a.log:1: not a message tracking log: the header has no event-id (EventId)")
	_, err = Import(write("b.log", "#Fields: "+fields30+"\r\n"+strings.Repeat("x", 700)+"\r\n"), Options{MaxLine: 600})
	require.ErrorContains(t, err, "b.log:2: line longer than 600 bytes")
	_, err = Import(write("c.log", "#Fields: "+fields30+"\r\n\"open\r\n"), Options{})
	require.ErrorContains(t, err, "c.log:2: a quoted field is not closed")
	_, err = Import(write("d.log", "#Fields: "+fields30+"\r\n"), Options{})
	require.ErrorContains(t, err, "no mailbox submission")
	l := newLogs(t)
	l.submit("2024-06-10T01:00:00.000Z", "<1@x>", "a@fabrikam.net")
	l.write(t)
	p := filepath.Join(l.dir, "EX1", "MSGTRK-2024-06-10T01.LOG")
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, append(data, []byte("2024-06-10T01:00:00Z,short\r\nnot-a-time"+strings.Repeat(",", 4)+"EX1,,,SMTP,RECEIVE,9,<9@x>,,a@b.c,,1,1,,,,x@y.z"+strings.Repeat(",", 10)+"\r\n")...), 0o644))
	res, err := Import(l.dir, Options{})
	require.NoError(t, err)
	require.Contains(t, strings.Join(res.Warnings, "\n"), "2 line(s) not read (first: line 8: 2 fields where the header has 30)")
}

func TestSplitCSV(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a,b,c", []string{"a", "b", "c"}},
		{`a,"b,c",d`, []string{"a", "b,c", "d"}},
		{`"a ""q"" b",`, []string{`a "q" b`, ""}},
		{"", []string{""}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, splitCSV(tt.in), tt.in)
	}
}

func FuzzReadLog(f *testing.F) {
	f.Add([]byte("#Fields: " + fields30 + "\r\n2024-06-10T00:00:00.000Z,,,,EX1,,,STOREDRIVER,RECEIVE,1,<1@x>,,a@fabrikam.net,,10,1,,,,b@contoso.com,,,Originating,,,,,,,\r\n"))
	f.Add([]byte("\"Timestamp\",\"EventId\",\"Source\",\"Recipients\",\"Sender\",\"MessageId\"\r\n\"6/10/2024 1:00:00 PM\",\"RECEIVE\",\"SMTP\",\"a@b.c\",\"d@e.f\",\"<1>\"\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.log")
		require.NoError(t, os.WriteFile(p, data, 0o644))
		res, err := Import(p, Options{MaxLine: 4096, InternalDomains: []string{"contoso.com"}})
		if err != nil {
			return
		}
		for d := range res.Rates {
			for _, r := range res.Rates[d] {
				require.False(t, math.IsNaN(r) || r < 0)
			}
		}
	})
}

// Issue 18: mailbox submissions per database. With a mailbox of DB1 to send
// from, DB1's submissions are written from it; the hour's total is unchanged.
func TestSubmissionsPerDatabaseComeFromAMailboxInIt(t *testing.T) {
	l, want := generatedDay(t)
	res, err := Import(l.dir, Options{Senders: map[string]string{"db1": "user4@contoso.com"}})
	require.NoError(t, err)
	require.Contains(t, res.YAML, `- {from: "user4@contoso.com", to: "*@fabrikam.net", perHour: 12, start: 7h, until: 8h}   # 12 messages 07:00-08:00, from database DB1`)
	require.NotContains(t, res.YAML, `from: "*@contoso.com"`, "every submission of the day was from DB1")
	require.Equal(t, float64(want[Outbound][7]), res.Rates[Outbound][7])
}

// Any version: the #Fields header decides the columns. An Exchange 2010-style
// header (no network-message-id, no log-id or schema-version) in another order,
// and a second #Fields line in the same file, are read by name.
func TestFieldsHeaderDecidesTheColumns(t *testing.T) {
	row := func(cols []string, v map[string]string) string {
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = v[c]
		}
		return strings.Join(out, ",") + "\r\n"
	}
	e14 := strings.Split("date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data", ",")
	other := []string{"event-id", "source", "message-id", "sender-address", "recipient-address", "date-time", "server-hostname"}
	var b strings.Builder
	b.WriteString("#Software: Microsoft Exchange Server\r\n#Version: 14.03.0123.004\r\n#Log-type: Message Tracking Log\r\n#Fields: " + strings.Join(e14, ",") + "\r\n")
	for i := range 4 {
		b.WriteString(row(e14, map[string]string{"date-time": fmt.Sprintf("2024-06-10T10:%02d:00.000Z", i), "server-hostname": "HUB1", "source": "STOREDRIVER", "event-id": "RECEIVE", "message-id": fmt.Sprintf("<a%d@fabrikam.com>", i), "recipient-address": "x@contoso.net", "sender-address": "user1@fabrikam.com", "total-bytes": "100"}))
	}
	b.WriteString("#Fields: " + strings.Join(other, ",") + "\r\n")
	for i := range 3 {
		b.WriteString(row(other, map[string]string{"date-time": fmt.Sprintf("2024-06-10T11:%02d:00.000Z", i), "server-hostname": "HUB1", "source": "SMTP", "event-id": "RECEIVE", "message-id": fmt.Sprintf("<b%d@contoso.net>", i), "recipient-address": "user1@fabrikam.com", "sender-address": "x@contoso.net"}))
	}
	p := filepath.Join(t.TempDir(), "MSGTRK20240610-1.LOG")
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	res, err := Import(p, Options{})
	require.NoError(t, err)
	require.Equal(t, 4, res.Hourly[Outbound][10])
	require.Equal(t, 3, res.Hourly[Inbound][11])
}

// Same logs, same bytes: nothing depends on map order.
func TestImportIsDeterministic(t *testing.T) {
	l, _ := generatedDay(t)
	a, err := Import(l.dir, Options{Senders: map[string]string{"db1": "user4@contoso.com"}})
	require.NoError(t, err)
	for range 3 {
		b, err := Import(l.dir, Options{Senders: map[string]string{"db1": "user4@contoso.com"}})
		require.NoError(t, err)
		require.Equal(t, a.YAML, b.YAML)
		require.Equal(t, a.Warnings, b.Warnings)
	}
}
