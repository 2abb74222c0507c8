package logs

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Format-List shows a MessageTrackingEvent's properties in the order of the real
// "Get-MessageTrackingLog | Export-Csv" header (import-shapes.md 2.3) without the
// remoting properties: RunspaceId first, ..., MessageInfo, MessageLatency,
// MessageLatencyType, EventData, TransportTrafficType, SchemaVersion; a version
// has only the properties whose columns it logs.
func TestTrackingFormatListPropertyOrderIsTheCmdletsPerVersion(t *testing.T) {
	want2016 := []string{"RunspaceId", "Timestamp", "ClientIp", "ClientHostname", "ServerIp", "ServerHostname",
		"SourceContext", "ConnectorId", "Source", "EventId", "InternalMessageId", "MessageId", "NetworkMessageId",
		"Recipients", "RecipientStatus", "TotalBytes", "RecipientCount", "RelatedRecipientAddress", "Reference",
		"MessageSubject", "Sender", "ReturnPath", "Directionality", "TenantId", "OriginalClientIp", "MessageInfo",
		"MessageLatency", "MessageLatencyType", "EventData", "TransportTrafficType", "SchemaVersion"}
	cases := map[string][]string{
		"Exchange2016": want2016, "Exchange2019": want2016, "ExchangeSE": want2016,
		"Exchange2013":    without(want2016, "TransportTrafficType", "SchemaVersion"),
		"Exchange2010SP3": without(want2016, "NetworkMessageId", "TransportTrafficType", "SchemaVersion"),
	}
	for v, want := range cases {
		t.Run(v, func(t *testing.T) {
			got, err := PropertyNames(v)
			require.NoError(t, err)
			require.Equal(t, want, got)
			e := seedInternal()[1]
			fs, err := EventProperties(v, &e, seedStart, RunspaceID(1))
			require.NoError(t, err)
			names := make([]string, len(fs))
			for i, f := range fs {
				names[i] = f.Name
			}
			require.Equal(t, want, names)
		})
	}
	_, err := PropertyNames("Exchange2007")
	require.Error(t, err)
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		keep := true
		for _, d := range drop {
			keep = keep && s != d
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

// custom-data's S:Key=Value pairs are the cmdlet's EventData, {[Key, Value], ...},
// cut after four items as $FormatEnumerationLimit does.
func TestCustomDataIsEventDataKeyValuePairs(t *testing.T) {
	require.Equal(t, [][2]string{{"E2ELatency", "0.512"}, {"FromEntity", "Internet"}, {"Bad", ""}},
		ParseCustomData("S:E2ELatency=0.512;S:FromEntity=Internet;;Bad"))
	e := TrackingEvent{CustomData: "S:A=1;S:B=2;S:C=3;S:D=4;S:E=5"}
	fs, err := EventProperties("Exchange2016", &e, seedStart, "")
	require.NoError(t, err)
	for _, f := range fs {
		if f.Name == "EventData" {
			require.Equal(t, "{[A, 1], [B, 2], [C, 3], [D, 4]...}", f.Value)
		}
		if f.Name == "MessageLatencyType" {
			require.Equal(t, "None", f.Value)
		}
	}
}

// RunspaceId is a GUID derived from the seed: the same seed gives the same id, a
// version-4 GUID as .NET makes them.
func TestRunspaceIdIsASeededVersion4GUID(t *testing.T) {
	a, b := RunspaceID(1), RunspaceID(2)
	require.Equal(t, a, RunspaceID(1))
	require.NotEqual(t, a, b)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a)
}

func FuzzParseCustomData(f *testing.F) {
	for _, s := range []string{"S:E2ELatency=0.512;S:FromEntity=Internet", ";;", "S:", "=", "S:K=V=W;I:N=3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kv := range ParseCustomData(s) {
			if strings.Contains(kv[0], ";") {
				t.Fatalf("key %q holds a separator", kv[0])
			}
		}
	})
}

// The cmdlet fills MessageLatency (the row's time minus message-info's original
// arrival time) and MessageLatencyType (LSRV= LocalServer, SRV= EndToEnd) on
// DELIVER, SEND, SUBMIT and a STOREDRIVER RESUBMIT only (GetMessageTrackingLog's
// CalculateLatencyProperties, a real 2010 Format-List: see MessageLatency).
// fact: exchange-2013-pipeline.md §5.1
func TestMessageLatencyIsTheTimeSinceOriginalArrivalOnDeliverSendSubmit(t *testing.T) {
	at := func(e TrackingEvent, ms int) TrackingEvent {
		e.At = time.Duration(ms)*time.Millisecond + 250*time.Microsecond // sub-ms is not in the log
		return e
	}
	arrival := seedStart.Add(time.Second).UTC().Format(TimeLayout)
	cases := []struct {
		name    string
		e       TrackingEvent
		latency string
		typ     string
	}{
		{"deliver local", at(TrackingEvent{EventID: EventDeliver, Source: SourceStoreDriver, MessageInfo: arrival + ";LSRV=EX1.contoso.com:TOTAL-DEL=0.5"}, 1532), "00:00:00.5320000", LatencyLocalServer},
		{"send end to end", at(TrackingEvent{EventID: EventSend, Source: SourceSMTP, MessageInfo: arrival + ";SRV=EX1.contoso.com:TOTAL=0"}, 62_000), "00:01:01", LatencyEndToEnd},
		{"last part decides", at(TrackingEvent{EventID: EventSend, MessageInfo: arrival + ";SRV=FE:TOTAL-FE=0.1;LSRV=EX1:TOTAL-HUB=2"}, 3000), "00:00:02", LatencyLocalServer},
		{"arrival only", at(TrackingEvent{EventID: EventDeliver, MessageInfo: arrival}, 2000), "00:00:01", LatencyNone},
		{"never negative", at(TrackingEvent{EventID: EventSubmit, MessageInfo: arrival + ";LSRV=EX1:TOTAL-SUB=0"}, 500), "00:00:00", LatencyLocalServer},
		{"store driver resubmit", at(TrackingEvent{EventID: EventResubmit, Source: SourceStoreDriver, MessageInfo: arrival}, 1001), "00:00:00.0010000", LatencyNone},
		{"safety net resubmit", at(TrackingEvent{EventID: EventResubmit, Source: SourceSafetyNet, MessageInfo: arrival}, 5000), "", LatencyNone},
		{"receive", at(TrackingEvent{EventID: EventReceive, MessageInfo: "0cA: "}, 5000), "", LatencyNone},
		{"defer", at(TrackingEvent{EventID: EventDefer, MessageInfo: arrival}, 5000), "", LatencyNone},
		{"no arrival", at(TrackingEvent{EventID: EventDeliver, MessageInfo: "LSRV=EX1:TOTAL=0"}, 5000), "", LatencyLocalServer},
		{"empty", at(TrackingEvent{EventID: EventDeliver}, 5000), "", LatencyNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := EventProperties("Exchange2016", &c.e, seedStart, "")
			require.NoError(t, err)
			got := map[string]string{}
			for _, f := range fs {
				got[f.Name] = f.Value
			}
			require.Equal(t, c.latency, got["MessageLatency"])
			require.Equal(t, c.typ, got["MessageLatencyType"])
		})
	}
}

func FuzzMessageLatency(f *testing.F) {
	for _, s := range []string{"2024-01-07T00:00:05.535Z;LSRV=ex.example.com:TOTAL-HUB=1.921", "0cA: ", ";", "2024-01-07T00:00:05.535Z", "SRV=a;LSRV=b"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, info string, at int64) {
		e := TrackingEvent{EventID: EventDeliver, MessageInfo: info, At: time.Duration(at)}
		d, ok, typ := MessageLatency(&e, seedStart)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("latency %v ok %v", d, ok)
		}
		if typ != LatencyNone && typ != LatencyLocalServer && typ != LatencyEndToEnd {
			t.Fatalf("type %q", typ)
		}
	})
}
