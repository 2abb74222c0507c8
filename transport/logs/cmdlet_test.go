package logs

import (
	"strings"
	"testing"

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
