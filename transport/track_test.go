package transport

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// exchange-2013-pipeline.md 5.1 (derived): the last 12 hex digits of a real
// network-message-id and log-id are the top 48 bits of the .NET UTC ticks of their
// creation; the worked examples of the facts.
func TestNetworkMessageIDAndLogIDEndInTheTopBitsOfDotNetTicks(t *testing.T) {
	for _, c := range []struct {
		at   string
		tail uint64
	}{
		{"2022-09-19T15:02:29.450Z", 0x08da9a4ff8da}, // QZ network-message-id ...-08da9a4ff8da
		{"2024-01-25T15:16:09.843Z", 0x08dc1db88f7f}, // EL log-id ...-08dc1db88f7f
	} {
		at, err := time.Parse(logs.TimeLayout, c.at)
		require.NoError(t, err)
		require.Equal(t, c.tail, dotNetTicks(at)>>16, c.at)
	}
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "someone@fabrikam.com", To: []string{"user@contoso.com"}, Subject: "in"})
	})
	h.run(5 * time.Minute)
	rows := trackingRows(h, "EX1", "RECEIVE")
	require.NotEmpty(t, rows)
	stamp := func(d time.Duration) string {
		return hex12(dotNetTicks(t0.Add(d)) >> 16)
	}
	require.True(t, strings.HasSuffix(rows[0].NetworkMessageID, stamp(time.Minute)), "network-message-id %s: made when the message was sent", rows[0].NetworkMessageID)
	rec := h.records(logs.KindTracking, "#1")[0]
	require.True(t, strings.HasSuffix(rec.Data.(logs.TrackingEvent).LogID, stamp(rec.At)), "log-id: made with the row")
}

func hex12(v uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 12)
	for i := 11; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b)
}

// MT-2016: message-id is <GUID@ServerFQDN> for a message Exchange creates, from the
// server that created it (the Mailbox server holding the sender's database), the
// same on every hop; network-message-id is the same on every hop too.
func TestMessageIDIsAGUIDAtTheOriginatingMailboxServer(t *testing.T) {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "chris@contoso.com", Database: "DB1"})
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "chris@contoso.com", To: []string{"user@contoso.com"}, Subject: "test"})
	})
	h.run(5 * time.Minute)
	ids, nets := map[string]bool{}, map[string]bool{}
	for _, r := range h.records(logs.KindTracking, "#1") {
		e := r.Data.(logs.TrackingEvent)
		if e.EventID == logs.EventNotifyMAPI {
			continue
		}
		ids[e.MessageID], nets[e.NetworkMessageID] = true, true
	}
	require.Len(t, ids, 1, "one Message-Id end to end")
	require.Len(t, nets, 1, "one network-message-id across copies")
	for id := range ids {
		require.Regexp(t, `^<[0-9a-f]{32}@EX1\.contoso\.com>$`, id)
	}
	// 2010 (seed 003): upper-case hex at the Mailbox server's FQDN
	top2, w2 := twoNodeDAG("EX13-2")
	h2 := newHarness(t, top2, w2)
	h2.at(time.Minute, func() {
		h2.submit(Message{From: "alan.reid@mynet.lan", To: []string{"alannah.shaw@mynet.lan"}, Subject: "int to int 1"})
	})
	h2.run(5 * time.Minute)
	require.Regexp(t, `^<[0-9A-F]{32}@EX13-2\.mynet\.lan>$`, trackingRows(h2, "EX13-2", "SUBMIT")[0].MessageID)
}

// Seed 003: a 2010 SUBMIT names the Mailbox server as client and the hub as server,
// says LSRV=<FQDN>:TOTAL=<n> in MessageInfo, and leaves ServerIp, ConnectorId,
// InternalMessageId, Recipients, RecipientStatus, Sender and ReturnPath empty.
func TestExchange2010SubmitLeavesEmptyWhatSeed003ShowsEmpty(t *testing.T) {
	top, w := twoNodeDAG("EX13-1")
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "alan.reid@mynet.lan", To: []string{"someone@gmail.com"}, Subject: "OutBound-001"})
	})
	h.run(5 * time.Minute)
	s := trackingRows(h, "EX13-1", "SUBMIT")
	require.Len(t, s, 1)
	e := s[0]
	require.Equal(t, "EX13-1", e.ClientHostname)
	require.NotEmpty(t, e.ClientIP)
	require.Equal(t, "EX13-2", e.ServerHostname)
	require.Equal(t, "2011-03-01T09:01:00.000Z;LSRV=EX13-1.mynet.lan:TOTAL=1", e.MessageInfo)
	require.Empty(t, e.ServerIP)
	require.Empty(t, e.ConnectorID)
	require.Zero(t, e.InternalMessageID)
	require.Empty(t, e.Recipients)
	require.Empty(t, e.RecipientStatus)
	require.Empty(t, e.Sender)
	require.Empty(t, e.ReturnPath)
	require.Equal(t, "OutBound-001", e.MessageSubject)
}

// exchange-2013-pipeline.md 5.2: a RECEIVE SMTP row's source-context is
// "<session id>;<session start>;<messages already received>", the session of the
// Receive protocol log whose "receiving message" row carries the same id and start
// (counting from 1 there, 6.4).
func TestReceiveSourceContextNamesTheReceiveLogSession(t *testing.T) {
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() {
		h.submit(Message{From: "someone@fabrikam.com", To: []string{"user@contoso.com"}, Subject: "in"})
	})
	h.run(5 * time.Minute)
	var recv logs.TrackingEvent
	for _, r := range h.records(logs.KindTracking, "#1") {
		if e := r.Data.(logs.TrackingEvent); e.EventID == logs.EventReceive && e.Source == logs.SourceSMTP {
			recv = e
			break
		}
	}
	ctx := recv.SourceContext
	require.Regexp(t, `^08D[0-9A-F]{13};\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z;0$`, ctx)
	want := strings.TrimSuffix(ctx, ";0") + ";1"
	found := false
	for _, r := range h.s.Journal().Records() {
		if p, ok := r.Data.(logs.ProtocolEvent); ok && p.Context == "receiving message" && p.Data == want {
			found = true
		}
	}
	require.True(t, found, "the Receive log has a 'receiving message' row with data %s", want)
	require.Equal(t, "0cA: ", recv.MessageInfo, "anonymous internet mail, as FET proxies it")
	require.Empty(t, recv.RecipientStatus, "recipient-status is empty for SMTP")
	require.Contains(t, recv.CustomData, "S:FromEntity=Internet")
}

// Synthetic GUIDs come from the scenario seed: the same seed gives the same ids, another
// seed other ids.
func TestSyntheticIDsAreDerivedFromTheSeed(t *testing.T) {
	ids := func(seed uint64) string {
		top, w := threeMember2016()
		s := sim.New(sim.Config{Start: t0, Seed: seed})
		o, err := New(s, top, w.env())
		require.NoError(t, err)
		require.NoError(t, s.At(time.Minute, 1, func() {
			_, err := o.Submit(Message{From: "someone@fabrikam.com", To: []string{"user@contoso.com"}, Subject: "in"})
			require.NoError(t, err)
		}))
		require.NoError(t, s.RunUntil(5*time.Minute))
		var b strings.Builder
		for _, r := range s.Journal().Records() {
			if e, ok := r.Data.(logs.TrackingEvent); ok {
				b.WriteString(e.MessageID + e.NetworkMessageID + e.LogID + "\n")
			}
		}
		return b.String()
	}
	require.Equal(t, ids(1), ids(1))
	require.NotEqual(t, ids(1), ids(2))
}

// Under random traffic and faults, every message keeps one Message-Id and (2013+) one
// network-message-id on every row about it (a DSN is a message of its own), and every
// server's tracking log reads back through a CSV reader with its version's columns.
func TestRapidTrackingRowsKeepOneIdentityPerMessageAndReadBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		top, w, names := rapidWorld(t)
		s := sim.New(sim.Config{Start: t0, Seed: rapid.Uint64().Draw(t, "seed")})
		o, err := New(s, top, w.env())
		require.NoError(t, err)
		senders := []string{"x@fabrikam.net", "a@contoso.com", "b@contoso.com"}
		rcpts := []string{"a@contoso.com", "b@contoso.com", "z@gmail.com"}
		at := time.Duration(0)
		for i, n := 0, rapid.IntRange(1, 12).Draw(t, "steps"); i < n; i++ {
			at += time.Duration(rapid.IntRange(0, 300).Draw(t, "gap")) * time.Second
			crash := rapid.IntRange(0, 5).Draw(t, "kind") == 0
			srv := rapid.SampledFrom(names).Draw(t, "server")
			from := rapid.SampledFrom(senders).Draw(t, "from")
			to := rapid.SliceOfNDistinct(rapid.SampledFrom(rcpts), 1, 3, rapid.ID[string]).Draw(t, "to")
			require.NoError(t, s.At(at, 1, func() {
				if crash {
					o.Crash(srv, false)
					return
				}
				_, err := o.Submit(Message{From: from, To: to, Subject: "m, with a comma"})
				require.NoError(t, err)
			}))
		}
		runChecked(t, s, o, at+time.Hour)
		ids, nets := map[int]map[string]bool{}, map[int]map[string]bool{}
		byServer := map[string][]logs.TrackingEvent{}
		for _, r := range s.Journal().Records() {
			e, ok := r.Data.(logs.TrackingEvent)
			if !ok {
				continue
			}
			byServer[e.Server] = append(byServer[e.Server], e)
			if e.EventID == logs.EventNotifyMAPI || e.EventID == logs.EventDSN {
				continue
			}
			if ids[e.Message] == nil {
				ids[e.Message], nets[e.Message] = map[string]bool{}, map[string]bool{}
			}
			ids[e.Message][e.MessageID] = true
			if e.NetworkMessageID != "" {
				nets[e.Message][e.NetworkMessageID] = true
			}
		}
		for m := range ids {
			require.Len(t, ids[m], 1, "message #%d: one Message-Id", m)
			require.LessOrEqual(t, len(nets[m]), 1, "message #%d: one network-message-id", m)
		}
		for _, sp := range top.Servers {
			v := string(sp.Version)
			var b bytes.Buffer
			require.NoError(t, logs.WriteTrackingLog(&b, v, t0, byServer[sp.Name]))
			fields, err := logs.TrackingFields(v)
			require.NoError(t, err)
			body := b.String()
			body = body[strings.Index(body, "#Fields: "):]
			body = body[strings.Index(body, "\r\n")+2:]
			r := csv.NewReader(strings.NewReader(body))
			r.FieldsPerRecord = len(fields)
			recs, err := r.ReadAll()
			require.NoError(t, err, sp.Name)
			require.Len(t, recs, len(byServer[sp.Name]))
		}
	})
}

// exchange-2013-pipeline.md 5.2 (RESUBMIT, 2013 code): a Safety Net resubmission is a
// new record (internal-message-id) of the same message (message-id,
// network-message-id) whose reference is the record it was made from.
func TestResubmitNamesTheSafetyNetCopyInReference(t *testing.T) {
	top, w := threeMember2016()
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.run(5 * time.Minute)
	h.at(6*time.Minute, func() {
		h.w.active["DB1"] = "EX2"
		h.o.LossyFailover("DB1", 0, 6*time.Minute)
	})
	h.run(10 * time.Minute)
	rs := trackingRows(h, "EX1", "RESUBMIT")
	require.NotEmpty(t, rs)
	recv := trackingRows(h, "EX1", "RECEIVE")[0]
	e := rs[0]
	require.Equal(t, strconv.FormatInt(recv.InternalMessageID, 10), e.Reference, "the Safety Net copy it came from")
	require.NotEqual(t, recv.InternalMessageID, e.InternalMessageID, "a new record")
	require.Equal(t, recv.MessageID, e.MessageID)
	require.Equal(t, recv.NetworkMessageID, e.NetworkMessageID)
}

// A tracking sink gets every row the journal would have recorded, in the same order
// and with the same fields, and the journal then records none.
func TestTrackingSinkGetsTheRowsTheJournalWouldRecord(t *testing.T) {
	run := func(sink bool) (rows []logs.TrackingEvent, journaled int) {
		top, w := threeMember2016()
		h := newHarness(t, top, w)
		if sink {
			h.o.SetTrackingSink(func(e *logs.TrackingEvent) { rows = append(rows, *e) })
		}
		for i := 0; i < 5; i++ {
			h.at(time.Duration(i+1)*time.Minute, func() {
				h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: fmt.Sprint("s", i)})
			})
		}
		h.run(time.Hour)
		for _, r := range h.s.Journal().Records() {
			if e, ok := r.Data.(logs.TrackingEvent); ok {
				journaled++
				if !sink {
					rows = append(rows, e)
				}
			}
		}
		return rows, journaled
	}
	want, n := run(false)
	require.NotZero(t, n)
	got, n := run(true)
	require.Zero(t, n, "the journal records no row a sink takes")
	require.Equal(t, want, got)
}
