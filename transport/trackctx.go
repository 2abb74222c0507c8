package transport

import (
	"fmt"
	"strconv"

	"github.com/exsim/exsim/transport/logs"
	"github.com/exsim/exsim/transport/smtp"
)

// The SMTP sessions a tracking row names in its source-context.

// sendContext is the source-context of the SEND row of it: "<Send session
// id>;<the receiver's answer to the data of it>;ClientSubmitTime:<t>" (2013 code;
// the session id is empty in 2016+ rows; 2010: the 2013 form, chosen), built in one
// string: the session id and the answer were strings of their own, cut apart again
// by the row.
func (rs *relaySession) sendContext(it *item) string {
	if !rs.o.wantsTracking() {
		return "" // no row will show it: building it was a tenth of a run's time
	}
	var buf [320]byte
	b := buf[:0]
	if v := rs.srv.version; v.Is2010() || v == Exchange2013 {
		b = smtp.AppendSessionID(b, rs.recvN-1)
	}
	b = append(b, ';')
	if rs.external {
		b = smtp.RemoteQueued(smtp.RemoteQueueID(int64(it.intID))).AppendTo(b)
	} else {
		r, _ := smtp.Queued(string(rs.target.version), rs.o.msgID(it.m, nil), rs.firstID+int64(rs.index(it)), rs.o.fqdn(rs.target), smtp.Transfer{Bytes: max(it.m.m.Size, 1), Took: rs.o.top.Latency})
		b = r.AppendTo(b)
	}
	b = append(b, ";ClientSubmitTime:"...)
	if it.m.fromOrg {
		b = logs.AppendTime(b, rs.o.s.Wall(it.m.submitted))
	}
	return string(b)
}

func (rs *relaySession) index(it *item) int {
	for i, b := range rs.batch {
		if b == it {
			return i
		}
	}
	return 0
}

// recvContext is the source-context of the receiver's RECEIVE (and a 2013+ DELIVER)
// of it: "<session id>;<session start>;<messages already received in the session>"
// (a real 2016 row: ...;0 for the first message of its session).
func (rs *relaySession) recvContext(it *item) string {
	if !rs.o.wantsTracking() {
		return ""
	}
	return logs.SMTPSourceContext(smtp.SessionID(rs.recvN), rs.o.s.Wall(rs.recvStart), rs.index(it))
}

// inboundContext is the source-context of a RECEIVE from the internet sender of c.
func inboundContext(c *smtp.Conversation) string {
	if c == nil || c.ReceiveSessionID == "" {
		return ""
	}
	return logs.SMTPSourceContext(c.ReceiveSessionID, c.Epoch.Add(c.Start+c.Latency), 0)
}

// submissionContext is the source-context of the Transport service's RECEIVE of a
// message Mailbox Transport Submission hands it over SMTP (2013+).
func submissionContext(o *Org, m *message) string {
	if !o.wantsTracking() {
		return ""
	}
	return logs.SMTPSourceContext(submissionSession(m), o.s.Wall(o.now()), 0)
}

// resubmitReference is the reference of a RESUBMIT row: the record id of the Safety Net
// copy it was made from (2013 code, TrackResubmit).
func resubmitReference(intID int32) string { return strconv.Itoa(int(intID)) }

// haRedirectFailContext is the source-context of HAREDIRECTFAIL: "No suitable shadow
// servers" when there was none to try (a real 2016+ row; the 2013 code's string), else
// how many were tried (exsim's wording: the code joins the servers' replies, which
// exsim does not keep).
func haRedirectFailContext(tried int) string {
	if tried == 0 {
		return "No suitable shadow servers"
	}
	return fmt.Sprintf("No shadow server available after %d attempt(s)", tried)
}
