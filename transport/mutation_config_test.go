package transport

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the configuration surface (config.go): the ranges, defaults and value
// syntax of Set-TransportConfig, Set-TransportService and EdgeTransport.exe.config,
// each named after the fact (issue 24: mutation testing found these untested).

func configOrg(t *testing.T) *Org {
	t.Helper()
	top, w := redSite()
	return newHarness(t, top, w).o
}

// setOne applies one value of st where st lives (on FAB-RED-HUB1 for per-server scopes).
func setOne(o *Org, st *setting, value string) error {
	switch st.scope {
	case scopeOrg:
		return o.SetTransportConfig([]Param{{Name: st.name, Value: value}})
	case scopeService:
		return o.SetTransportService("FAB-RED-HUB1", []Param{{Name: st.name, Value: value}})
	}
	return o.SetEdgeTransportConfig("FAB-RED-HUB1", st.name, value)
}

func valueText(st *setting, x int64) string {
	if st.kind == kDur {
		return fmt.Sprintf("%dns", x)
	}
	return fmt.Sprint(x)
}

// fact: exchange-transport.md §3.6, §2.3, §1.5, §1.2: every numeric setting takes the
// documented range, both ends included (QueueGlitchRetryCount 0-15,
// TransientFailureRetryCount 0-15, TransientFailureRetryInterval 1 s-12 h,
// MessageExpirationTimeout 5 s-90 days, MaxRetriesFor*SiteShadow 0-255,
// DelayedAckSkippingQueueLength 1-250000, ShadowHeartbeatRetryCount 1-15, ...), and
// refuses one unit beyond either end.
func TestEverySettingAcceptsItsDocumentedRangeInclusiveAndRefusesBeyond(t *testing.T) {
	for i := range settings {
		st := &settings[i]
		if st.kind == kBool || st.kind == kEnum {
			continue
		}
		t.Run(st.name, func(t *testing.T) {
			o := configOrg(t)
			hub := o.byName["fab-red-hub1"]
			for _, x := range []int64{st.min, st.max} {
				require.NoError(t, setOne(o, st, valueText(st, x)))
				require.Equal(t, x, o.cfg.val(st, hub), "value %d", x)
			}
			for _, x := range []int64{st.min - 1, st.max + 1} {
				require.Error(t, setOne(o, st, valueText(st, x)), "value %d", x)
			}
		})
	}
	// the documented ranges themselves
	for name, r := range map[string][2]int64{
		"QueueGlitchRetryCount":         {0, 15},
		"TransientFailureRetryCount":    {0, 15},
		"TransientFailureRetryInterval": {int64(time.Second), int64(12 * time.Hour)},
		"MessageExpirationTimeout":      {int64(5 * time.Second), int64(90 * day)},
		"MaxRetriesForRemoteSiteShadow": {0, 255},
		"MaxRetriesForLocalSiteShadow":  {0, 255},
		"DelayedAckSkippingQueueLength": {1, 250000},
		"ShadowHeartbeatRetryCount":     {1, 15},
		"ShadowHeartbeatFrequency":      {int64(time.Second), int64(day)},
		"ShadowResubmitTimeSpan":        {int64(time.Second), int64(day)},
		"PoisonThreshold":               {1, 10},
	} {
		st := settingExact[name]
		require.Equal(t, r, [2]int64{st.min, st.max}, name)
	}
}

// fact: exchange-transport.md §1.2, §1.4, §1.5, §2.3, §2.4, §2.5, §3.6 and
// exchange-stress.md §4.6 (the shadow redundancy parameters under stress): the defaults,
// per version where they differ: ShadowHeartbeatTimeoutInterval 5 min x
// ShadowHeartbeatRetryCount 3 on 2010 RTM, 15 min x 12 from SP1; MessageRetryInterval
// 1 min on 2010, 15 min on 2013+ (section 9 conflict 3); the rest the same everywhere.
func TestSettingDefaultsPerVersion(t *testing.T) {
	top := Topology{Servers: []ServerSpec{
		{Name: "RTM", Site: "S", Version: Exchange2010, Roles: []string{"HubTransport"}},
		{Name: "SP1", Site: "S", Version: Exchange2010SP1, Roles: []string{"HubTransport"}},
		{Name: "SP3", Site: "S", Version: Exchange2010SP3, Roles: []string{"HubTransport"}},
		{Name: "EX16", Site: "S", Version: Exchange2016, Roles: []string{"Mailbox"}},
	}}
	h := newHarness(t, top, newWorld())
	get := func(server, name string) int64 {
		return h.o.cfg.val(settingExact[name], h.o.byName[server])
	}
	cases := []struct {
		name                  string
		rtm, sp1, sp3, ex2016 int64
	}{
		{"ShadowHeartbeatTimeoutInterval", int64(5 * time.Minute), int64(15 * time.Minute), int64(15 * time.Minute), int64(15 * time.Minute)},
		{"ShadowHeartbeatRetryCount", 3, 12, 12, 12},
		{"MessageRetryInterval", int64(time.Minute), int64(time.Minute), int64(time.Minute), int64(15 * time.Minute)},
		{"MaxAcknowledgementDelay", int64(30 * time.Second), int64(30 * time.Second), int64(30 * time.Second), int64(30 * time.Second)},
		{"SafetyNetHoldTime", int64(2 * day), int64(2 * day), int64(2 * day), int64(2 * day)},
		{"MaxDumpsterSizePerDatabase", 18 << 20, 18 << 20, 18 << 20, 18 << 20},
		{"MaxDumpsterTime", int64(7 * day), int64(7 * day), int64(7 * day), int64(7 * day)},
		{"QueueMaxIdleTime", int64(3 * time.Minute), int64(3 * time.Minute), int64(3 * time.Minute), int64(3 * time.Minute)},
		{"DelayNotificationTimeout", int64(4 * time.Hour), int64(4 * time.Hour), int64(4 * time.Hour), int64(4 * time.Hour)},
		{"MessageExpirationTimeout", int64(2 * day), int64(2 * day), int64(2 * day), int64(2 * day)},
		{"DelayedAckSkippingQueueLength", 100, 100, 100, 100},
		{"DelayedAckSkippingEnabled", 1, 1, 1, 1},
		{"ShadowRedundancyPromotionEnabled", 0, 0, 0, 0},
		{"RejectMessageOnShadowFailure", 0, 0, 0, 0},
		{"ShadowRedundancyEnabled", 1, 1, 1, 1},
		{"MaxRetriesForRemoteSiteShadow", 4, 4, 4, 4},
		{"MaxRetriesForLocalSiteShadow", 2, 2, 2, 2},
		{"ShadowHeartbeatFrequency", int64(2 * time.Minute), int64(2 * time.Minute), int64(2 * time.Minute), int64(2 * time.Minute)},
		{"ShadowResubmitTimeSpan", int64(3 * time.Hour), int64(3 * time.Hour), int64(3 * time.Hour), int64(3 * time.Hour)},
		{"ShadowMessageAutoDiscardInterval", int64(2 * day), int64(2 * day), int64(2 * day), int64(2 * day)},
		{"PoisonThreshold", 2, 2, 2, 2},
	}
	for _, c := range cases {
		require.Equal(t, []int64{c.rtm, c.sp1, c.sp3, c.ex2016},
			[]int64{get("rtm", c.name), get("sp1", c.name), get("sp3", c.name), get("ex16", c.name)}, c.name)
	}
}

// A TimeSpan is [d.]hh:mm[:ss[.fff]] with hours 0-23, minutes and seconds 0-59, as
// .NET parses Exchange's TimeSpan parameters; exsim also takes Go durations and days
// ("30s", "2d").
func TestTimeSpanValuesParseAsExchangeWritesThem(t *testing.T) {
	ok := []struct {
		in   string
		want time.Duration
	}{
		{"00:00:30", 30 * time.Second},
		{"2.00:00:00", 2 * day},
		{"1.02:03:04", day + 2*time.Hour + 3*time.Minute + 4*time.Second},
		{"23:59:59", 24*time.Hour - time.Second},
		{"00:00:59.5", 59*time.Second + 500*time.Millisecond},
		{"00:00:00", 0},
		{"00:30", 30 * time.Minute},
		{"0", 0},
		{"30s", 30 * time.Second},
		{"2d", 2 * day},
		{"0.5d", 12 * time.Hour},
		{"1h30m", 90 * time.Minute},
	}
	for _, c := range ok {
		got, err := parseDuration(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
	for _, in := range []string{"", "-00:00:01", "-5s", "24:00:00", "00:60:00", "00:00:60", "00:-1:00",
		"00:00:-1", "1:2:3:4", "5:", "x.00:00:00", "a:00:00", "00:b:00", "00:00:c", "xd", "-1d", "soon"} {
		_, err := parseDuration(in)
		require.Error(t, err, "%q", in)
	}
	_, err := parseDuration("24:00:00")
	require.ErrorContains(t, err, "use hh:mm:ss or d.hh:mm:ss")
	_, err = parseDuration("soon")
	require.ErrorContains(t, err, "use 00:00:30 or 30s")
}

// fact: exchange-transport.md §1.7: MaxDumpsterSizePerDatabase is a size (default
// 18 MB), written with a unit as ByteQuantifiedSize values are (KB, MB, GB, TB are
// powers of 1024).
func TestByteQuantifiedSizesUseBinaryUnits(t *testing.T) {
	ok := []struct {
		in   string
		want int64
	}{
		{"18MB", 18 << 20}, {"18 MB", 18 << 20}, {"75KB", 75 << 10}, {"75kb", 75 << 10}, {"1GB", 1 << 30},
		{"1TB", 1 << 40}, {"512B", 512}, {"100", 100}, {"1.5MB", 3 << 19},
	}
	for _, c := range ok {
		got, err := parseBytes(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
	for _, in := range []string{"-1MB", "MB", "lots", "1XB"} {
		_, err := parseBytes(in)
		require.ErrorContains(t, err, "use 18MB", in)
	}
}

// Booleans are PowerShell's $true / $false (and true/false, 1/0); enumerations match
// case-insensitively and an error lists the values.
func TestBooleanAndEnumerationValues(t *testing.T) {
	b := settingExact["ShadowRedundancyEnabled"]
	for in, want := range map[string]int64{"$true": 1, "$True": 1, "true": 1, "1": 1, " $false ": 0, "FALSE": 0, "0": 0} {
		got, err := parseValue(b, in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := parseValue(b, "yes")
	require.ErrorContains(t, err, "use $true or $false")
	e := settingExact["ShadowMessagePreferenceSetting"]
	for in, want := range map[string]int64{"PreferRemote": 0, "localonly": 1, "REMOTEONLY": 2} {
		got, err := parseValue(e, in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err = parseValue(e, "Anywhere")
	require.ErrorContains(t, err, "is not one of PreferRemote, LocalOnly, RemoteOnly")
	_, err = parseValue(settingExact["PoisonThreshold"], "two")
	require.ErrorContains(t, err, "is not a whole number")
	_, err = parseValue(settingExact["MaxDumpsterSizePerDatabase"], "big")
	require.ErrorContains(t, err, "MaxDumpsterSizePerDatabase: bad size")
	_, err = parseValue(settingExact["SafetyNetHoldTime"], "later")
	require.ErrorContains(t, err, "SafetyNetHoldTime: bad duration")
	_, err = parseValue(settingExact["PoisonThreshold"], "11")
	require.ErrorContains(t, err, `PoisonThreshold: "11" is out of range`)
}

// Unknown names are errors that suggest the closest valid name of the cmdlet (case
// insensitive edit distance, at most half the word plus one; the first of equally
// close names in the table); a name of another cmdlet says which one it is not.
func TestUnknownSettingNamesSuggestTheClosestOfTheirCmdlet(t *testing.T) {
	o := configOrg(t)
	cases := []struct {
		name, want string
	}{
		{"PoisonTXXXXXXXX", `unknown Set-TransportService parameter "PoisonTXXXXXXXX" (did you mean "PoisonThreshold"?)`},
		{"PoisonXXXXXXXXX", `unknown Set-TransportService parameter "PoisonXXXXXXXXX"`},
		{"TransientFailureRetryXXXXXXXX", `(did you mean "TransientFailureRetryCount"?)`},
		{"poisonthreshhold", `(did you mean "PoisonThreshold"?)`},
		{"SafetyNetHoldTime", `SafetyNetHoldTime is not a Set-TransportService parameter`},
	}
	for _, c := range cases {
		err := o.SetTransportService("FAB-RED-HUB1", []Param{{Name: c.name, Value: "1"}})
		require.ErrorContains(t, err, c.want, c.name)
		if c.name == "PoisonXXXXXXXXX" {
			require.NotContains(t, err.Error(), "did you mean")
		}
	}
	require.ErrorContains(t, o.SetTransportConfig([]Param{{Name: "PoisonThreshold", Value: "2"}}), "PoisonThreshold is not a Set-TransportConfig parameter")
	require.ErrorContains(t, o.SetEdgeTransportConfig("", "SafetyNetHoldTime", "1"), "SafetyNetHoldTime is not a EdgeTransport.exe.config key")
	// a cmdlet's parameter may be written with its dash and in any case
	require.NoError(t, o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "-poisonthreshold", Value: "3"}}))
	require.Equal(t, 3, o.cfgInt(cPoisonThreshold, o.byName["fab-red-hub1"]))
	// a bad value anywhere in the list applies none of them
	err := o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "PoisonThreshold", Value: "4"}, {Name: "PoisonThreshold", Value: "x"}})
	require.Error(t, err)
	require.Equal(t, 3, o.cfgInt(cPoisonThreshold, o.byName["fab-red-hub1"]))
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"kitten", "sitting", 3}, {"", "abc", 3}, {"abc", "", 3}, {"flaw", "lawn", 2}, {"same", "same", 0}, {"ab", "ba", 2}} {
		require.Equal(t, c.d, editDistance(c.a, c.b), "%s/%s", c.a, c.b)
		require.Equal(t, c.d, editDistance(c.b, c.a), "%s/%s", c.b, c.a)
	}
}

// Set-TransportService is per server and Set-TransportConfig organization-wide;
// values set later replace earlier ones at once (the resolved values are cached).
func TestSettingsTakeEffectWhereAndWhenSet(t *testing.T) {
	o := configOrg(t)
	hub1, hub2 := o.byName["fab-red-hub1"], o.byName["fab-red-hub2"]
	require.Equal(t, 2*day, o.cfgDur(cMessageExpirationTimeout, hub1))
	require.NoError(t, o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: "1.00:00:00"}}))
	require.Equal(t, day, o.cfgDur(cMessageExpirationTimeout, hub1))
	require.Equal(t, 2*day, o.cfgDur(cMessageExpirationTimeout, hub2))
	require.NoError(t, o.SetTransportService("FAB-RED-HUB1", []Param{{Name: "MessageExpirationTimeout", Value: "12:00:00"}}))
	require.Equal(t, 12*time.Hour, o.cfgDur(cMessageExpirationTimeout, hub1))
	require.Equal(t, 2*day, o.cfgDur(cMessageExpirationTimeout, hub2))

	require.Equal(t, 2*day, o.cfgDur(cSafetyNetHoldTime, nil))
	require.NoError(t, o.SetTransportConfig([]Param{{Name: "SafetyNetHoldTime", Value: "3.00:00:00"}}))
	require.Equal(t, 3*day, o.cfgDur(cSafetyNetHoldTime, nil))
	require.Equal(t, 3*day, o.cfgDur(cSafetyNetHoldTime, hub1))
	require.Equal(t, 3*day, o.cfgDur(cSafetyNetHoldTime, hub2))

	require.ErrorContains(t, o.SetTransportService("NOPE", []Param{{Name: "PoisonThreshold", Value: "1"}}), "NOPE")
	require.ErrorContains(t, o.SetEdgeTransportConfig("NOPE", "QueueGlitchRetryCount", "1"), "NOPE")
	require.Error(t, o.SetEdgeTransportConfig("", "QueueGlitchRetryCount", "99"))

	// EdgeTransport.exe.config for every transport server at once
	require.NoError(t, o.SetEdgeTransportConfig("", "QueueGlitchRetryCount", "7"))
	require.Equal(t, 7, o.cfgInt(cQueueGlitchRetryCount, hub1))
	require.Equal(t, 7, o.cfgInt(cQueueGlitchRetryCount, hub2))
}

// EdgeTransport.exe.config is read when MSExchangeTransport starts: an edit during the
// run applies at the server's next service start, the last edit of a key winning.
func TestEdgeTransportConfigEditsAreReadAtStartLastEditWinning(t *testing.T) {
	top, w := redSite()
	h := newHarness(t, top, w)
	o := h.o
	hub1, hub2 := o.byName["fab-red-hub1"], o.byName["fab-red-hub2"]
	require.NoError(t, o.EditEdgeTransportConfig("FAB-RED-HUB1", "QueueGlitchRetryCount", "9"))
	require.NoError(t, o.EditEdgeTransportConfig("FAB-RED-HUB1", "QueueGlitchRetryCount", "8"))
	require.NoError(t, o.EditEdgeTransportConfig("", "DelayedAckSkippingQueueLength", "5"))
	require.Equal(t, 4, o.cfgInt(cQueueGlitchRetryCount, hub1))
	require.Len(t, hub1.pendingApp, 2)
	require.ErrorContains(t, o.EditEdgeTransportConfig("FAB-RED-MBX1", "QueueGlitchRetryCount", "1"), "runs no MSExchangeTransport service")
	require.Error(t, o.EditEdgeTransportConfig("FAB-RED-HUB1", "QueueGlitchRetryCount", "16"))
	require.Error(t, o.EditEdgeTransportConfig("FAB-RED-HUB1", "NoSuchKey", "1"))
	require.Error(t, o.EditEdgeTransportConfig("NOPE", "QueueGlitchRetryCount", "1"))
	h.at(time.Minute, func() { require.NoError(t, o.RestartService("FAB-RED-HUB1", "MSExchangeTransport")) })
	h.run(5 * time.Minute)
	require.Equal(t, 8, o.cfgInt(cQueueGlitchRetryCount, hub1))
	require.Equal(t, 5, o.cfgInt(cDelayedAckSkippingQueueLength, hub1))
	require.Equal(t, 4, o.cfgInt(cQueueGlitchRetryCount, hub2))
	require.Equal(t, 100, o.cfgInt(cDelayedAckSkippingQueueLength, hub2), "hub2 has not restarted")
	require.Empty(t, hub1.pendingApp)
}

// Settings lists each cmdlet's names sorted, every setting under exactly one.
func TestSettingsListsEveryNameUnderItsCmdletSorted(t *testing.T) {
	tc, ts, et := Settings()
	require.True(t, sort.StringsAreSorted(tc) && sort.StringsAreSorted(ts) && sort.StringsAreSorted(et))
	require.Equal(t, len(settings), len(tc)+len(ts)+len(et))
	require.Contains(t, tc, "SafetyNetHoldTime")
	require.Contains(t, ts, "MessageExpirationTimeout")
	require.Contains(t, et, "DelayedAckSkippingQueueLength")
	require.NotContains(t, tc, "PoisonThreshold")
}
