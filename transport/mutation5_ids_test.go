package transport

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/exsim/exsim/transport/smtp"
	"github.com/stretchr/testify/require"
)

// Tests that pin the synthetic identifiers of ids.go (README, "Synthetic fields in the
// logs"), found by mutation testing (issue 24, the fifth transport pass).

// fact: exchange-2013-pipeline.md §5.1 General field semantics: the message-id of a
// message Exchange creates is <GUID@ServerFQDN>, the server that made it: for a
// mailbox's mail the Mailbox server holding the sender's database (not the internet
// form mail.<domain>), for a probe the server it starts on.
func TestMessageIdNamesTheServerThatCreatedTheMessage(t *testing.T) {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", "")},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}, {Address: "other@contoso.com", Database: "DB1"}}}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX2", true
	h := newHarness(t, top, w)
	mailbox := h.submit(Message{From: "user@contoso.com", To: []string{"other@contoso.com"}, Subject: "from a mailbox"})
	probe := h.submit(Message{From: "probe@contoso.com", To: []string{"other@contoso.com"}, Subject: "a probe", Origin: "EX1"})
	form := regexp.MustCompile(`^<[0-9a-f]{32}@(.*)>$`)
	host := func(id int) string {
		got := form.FindStringSubmatch(h.o.msgID(h.o.msgs[id-1], nil))
		require.NotNil(t, got, h.o.msgID(h.o.msgs[id-1], nil))
		return got[1]
	}
	require.Equal(t, "EX2.contoso.com", host(mailbox))
	require.Equal(t, "EX1.contoso.com", host(probe))
}

// fact: exchange-2013-pipeline.md §5.1 General field semantics: internal-message-id is
// the queue record id, local to each server. Mailbox Transport Submission's records
// (MSGTRKMS) count up by one a message from a base of six digits seeded by the server's
// name (README, synthetic fields: "Mailbox Transport Submission's from a seeded base"),
// so they are never the Transport service's small counts.
func TestMailboxTransportSubmissionRecordIDsCountUpFromASixDigitBase(t *testing.T) {
	h := newHarness(t, Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", "")}}, newWorld())
	for i := 1; i <= 40; i++ {
		srv := &server{name: fmt.Sprintf("EX%d", i)}
		first := h.o.submissionID(srv, &message{id: 1})
		require.GreaterOrEqual(t, first, int64(100001), srv.name)
		require.LessOrEqual(t, first, int64(1000000), srv.name)
		require.Equal(t, first+1, h.o.submissionID(srv, &message{id: 2}), srv.name)
	}
}

// fact: exchange-transport.md §4.3: session-id is unique per SMTP session. Mailbox
// Transport Submission's hand-offs are another process's sessions, so exsim counts
// them on their own, above every session id of the Transport service, and like every
// counter of session ids (real ones are a time-based counter, 08D...) they count up.
func TestSubmissionSessionIdsCountUpAboveTheTransportServices(t *testing.T) {
	prev := smtp.SessionID(1<<32 - 1)
	for id := 1; id <= 3; id++ {
		s := submissionSession(&message{id: id})
		require.Len(t, s, 16)
		require.Greater(t, s, prev, "message %d", id) // fixed-width upper-case hex: text order is number order
		prev = s
	}
}

// fact: exchange-2013-pipeline.md §5.3 Real lines (quoted in full): S:ItemEntryId is
// 70 bytes, two upper-case hex digits each, joined by "-" (the 2016+ NOTIFYMAPI row:
// 00-00-00-00-39-E7-...-00-00).
func TestItemEntryIdIsSeventyHexBytesJoinedByDashes(t *testing.T) {
	h := newHarness(t, Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", "")}}, newWorld())
	byte2 := regexp.MustCompile(`^[0-9A-F]{2}$`)
	seen := map[string]bool{}
	for id := 1; id <= 3; id++ {
		v := h.o.itemEntryID(&message{id: id})
		parts := strings.Split(v, "-")
		require.Len(t, parts, 70, v)
		for _, p := range parts {
			require.Regexp(t, byte2, p, v)
		}
		require.False(t, seen[v], "message %d has another message's item", id)
		seen[v] = true
	}
}
