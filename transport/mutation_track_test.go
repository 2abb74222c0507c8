package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the message tracking fields (track.go) found by the fourth mutation pass
// (issue 24).

// fact: exchange-2013-pipeline.md §5.1: a 2016+ NOTIFYMAPI row's message-info is the
// submission latency (<CreationTime>;LSRV=<server>:TOTAL-SUB=<s>|SA=<s>|MTSS-PEN=...),
// and a SEND row's custom-data starts with S:E2ELatency: each the seconds since the
// mailbox submitted the message (exsim's reading of the names: no source gives their
// arithmetic). S:ToEntity=Internet and IsSmtpResponseFromExternalServer=True are for a
// SEND to the internet only.
func TestTrackingLatenciesCountFromTheSubmission(t *testing.T) {
	top, w := threeMember2016()
	top.Mailboxes = append(top.Mailboxes, Mailbox{Address: "chris@contoso.com", Database: "DB1"})
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "chris@contoso.com", To: []string{"user@contoso.com"}, Subject: "s"}) })
	h.run(5 * time.Minute)
	since := func(at time.Duration) string { return secs(at - time.Minute) }
	notify := trackingRows(h, "EX1", "NOTIFYMAPI")
	require.Len(t, notify, 1)
	lat := since(notify[0].At)
	require.True(t, strings.HasSuffix(notify[0].MessageInfo, ":TOTAL-SUB="+lat+"|SA="+lat+"|MTSS-PEN=0.000"), notify[0].MessageInfo)
	send := trackingRows(h, "EX1", "SEND")
	require.Len(t, send, 1)
	require.True(t, strings.HasPrefix(send[0].CustomData, "S:E2ELatency="+since(send[0].At)+";"), send[0].CustomData)
	// a SEND to another server of the organization is no SEND to the internet
	require.Contains(t, send[0].CustomData, ";S:IsSmtpResponseFromExternalServer=False;")
	require.NotContains(t, send[0].CustomData, "S:ToEntity=Internet")
}
