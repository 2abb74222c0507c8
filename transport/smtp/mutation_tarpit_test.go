package smtp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tarpit's protocol-log context gives its delay as a TimeSpan d.hh:mm:ss, with
// milliseconds only when there are some.
func TestTarpitContextWritesTheDelayAsATimeSpan(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "0.00:00:05"},
		{26*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Millisecond, "1.02:03:04.005"},
		{59*time.Minute + 59*time.Second + 999*time.Millisecond, "0.00:59:59.999"},
	} {
		require.Contains(t, TarpitContext(c.d, "r"), c.want, c.d)
		require.NotContains(t, TarpitContext(c.d, "r"), c.want+"0", c.d)
	}
}

// fact: exchange-2013-pipeline.md §6.4 and §6.5: the 2013+ 250 2.6.0 states the
// data's time, which exsim takes as its crossing plus the receiver's hold before the
// reply (the shadow wait, Message.AckDelay): a back end that holds the reply 2 s for
// its shadow answers "in 2.005", not the crossing's 0.005.
func TestQueuedReplyTimeIncludesTheReceiversHoldForItsShadow(t *testing.T) {
	res, err := Converse(Conversation{
		Epoch: epoch, Start: 2 * time.Minute, Latency: 5 * time.Millisecond,
		Client:        hub("EX1", "10.0.0.11", "Exchange2016", 28532),
		Server:        hub("EX2", "10.0.0.12", "Exchange2016", 2525),
		SendConnector: IntraOrgSendConnector, ReceiveConnector: DefaultReceiveConnector("EX2"),
		SendSessionID: SessionID(1), ReceiveSessionID: SessionID(7),
		Messages: []Message{{From: "sender@gmail.com", To: []string{"alan.reid@mynet.lan"}, Size: 2048,
			MessageID: "<a@mail.gmail.com>", RecordID: 44, InternalID: 41, AckDelay: 2 * time.Second}},
	})
	require.NoError(t, err)
	require.Contains(t, res.Outcomes[0].Final.String(), " 2048 bytes in 2.005, 0.998 KB/sec Queued mail for delivery")
}
