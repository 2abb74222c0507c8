package components

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExchange2013HasTwentySixSettableComponents(t *testing.T) {
	c := Components(Exchange2013)
	require.Len(t, c, 26)
	require.Equal(t, ServerWideOffline, c[0])
	require.NotContains(t, c, "None")
	require.NotContains(t, c, "TestComponent")
	require.NotContains(t, c, "ServerWideSettings")
}

func TestExchange2016AddsNineComponentsAfterThe2013Set(t *testing.T) {
	c := Components(Exchange2016)
	require.Len(t, c, 35)
	require.Equal(t, Components(Exchange2013), c[:26])
	require.Equal(t, []string{"MailboxDeliveryProxy", "RoutingUpdates", "RestProxy", "DefaultProxy", "Lsass",
		"RoutingService", "E4EProxy", "CafeLAMv2", "LogExportProvider"}, c[26:])
}

func TestExchange2019KeepsThe2016List(t *testing.T) {
	require.Equal(t, Components(Exchange2016), Components(Exchange2019))
}

func TestExchange2010HasNoComponentStates(t *testing.T) {
	require.Nil(t, Components(Exchange2010))
	require.Nil(t, Components(Exchange2010SP1))
	require.False(t, Exchange2010SP1.HasComponentStates())
}

func TestForwardSyncDaemonAndProvisioningRpsDefaultToInactive(t *testing.T) {
	for _, c := range Components(Exchange2016) {
		want := Active
		if c == ForwardSyncDaemon || c == ProvisioningRps {
			want = Inactive
		}
		require.Equal(t, want, Default(c), c)
	}
}

func TestNamesAreMatchedCaseInsensitivelyAndSuggestTheClosest(t *testing.T) {
	tests := []struct {
		name    string
		parse   func(string) (string, error)
		in      string
		want    string
		wantErr string
	}{
		{"state", func(s string) (string, error) { v, err := ParseState(s); return string(v), err }, "inactive", "Inactive", ""},
		{"state typo", func(s string) (string, error) { v, err := ParseState(s); return string(v), err }, "Drainig", "", `unknown state "Drainig" (did you mean "Draining"?)`},
		{"state far", func(s string) (string, error) { v, err := ParseState(s); return string(v), err }, "Offline", "", `unknown state "Offline" (valid: Active, Inactive, Draining)`},
		{"requester HealthApi", func(s string) (string, error) { v, err := ParseRequester(s); return string(v), err }, "HealthApi", "HealthAPI", ""},
		{"requester typo", func(s string) (string, error) { v, err := ParseRequester(s); return string(v), err }, "Maintainance", "", `unknown requester "Maintainance" (did you mean "Maintenance"?)`},
		{"version", func(s string) (string, error) { v, err := ParseVersion(s); return string(v), err }, "exchange2016", "Exchange2016", ""},
		{"component", func(s string) (string, error) { return component(Exchange2013, s) }, "hubtransport", "HubTransport", ""},
		{"component typo", func(s string) (string, error) { return component(Exchange2013, s) }, "HubTransprt", "", `unknown component "HubTransprt" (did you mean "HubTransport"?)`},
		{"component of a later version", func(s string) (string, error) { return component(Exchange2013, s) }, "lsass", "", `component "Lsass" does not exist on Exchange2013 servers (it was added in Exchange2016)`},
		{"component not settable", func(s string) (string, error) { return component(Exchange2016, s) }, "serverwidesettings", "", `component "ServerWideSettings" is not valid to set or read: Exchange's validity check rejects None, TestComponent and ServerWideSettings`},
		{"component unknown", func(s string) (string, error) { return component(Exchange2013, s) }, "Nonsense", "", `unknown component "Nonsense" (valid: ` + strings.Join(components2013, ", ") + `)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestClosest(t *testing.T) {
	list := []string{"EX1", "EX2", "MBX1"}
	require.Equal(t, "EX1", closest("ex1", list))
	require.Equal(t, "EX1", closest("EX3", list)) // tie goes to the first
	require.Equal(t, "", closest("completely-different", list))
}
