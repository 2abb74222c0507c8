package smtp

import (
	"testing"
	"time"
)

func BenchmarkConverse(b *testing.B) {
	c := Conversation{
		Epoch: epoch, Start: time.Minute, Latency: 10 * time.Millisecond,
		Client: hub("EX1", "10.0.0.1", "Exchange2016", 41000), Server: hub("EX2", "10.0.0.2", "Exchange2016", 25),
		SendConnector: IntraOrgSendConnector, ReceiveConnector: DefaultReceiveConnector("EX2"),
		SendSessionID: SessionID(1), ReceiveSessionID: SessionID(2),
		Messages: []Message{{From: "a@contoso.com", To: []string{"b@contoso.com"}, Size: 2048, MessageID: "<m1@EX1>", RecordID: 12345, InternalID: 3}},
	}
	b.ReportAllocs()
	for b.Loop() {
		Converse(c)
	}
}

func BenchmarkTiming(b *testing.B) {
	c := Conversation{
		Epoch: epoch, Start: time.Minute, Latency: 10 * time.Millisecond,
		Client: hub("EX1", "10.0.0.1", "Exchange2016", 41000), Server: hub("EX2", "10.0.0.2", "Exchange2016", 25),
		Messages: []Message{{From: "a@contoso.com", To: []string{"b@contoso.com"}, Size: 2048, MessageID: "<m1@EX1>", RecordID: 12345, InternalID: 3}},
	}
	b.ReportAllocs()
	for b.Loop() {
		Timing(c)
	}
}
