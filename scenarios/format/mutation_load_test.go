package format

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Mutation testing of load.go (issue 24): each limit a scenario's YAML can reach is
// accepted at its value and refused one past it, and errors keep file:line:col.

// org is a scenario head: two Mailbox servers, a database and a mailbox; %s is the
// duration.
const org = `name: b
description: d
version: Exchange2016
duration: %s
topology:
  servers: [{name: EX1, roles: [Mailbox]}, {name: EX2, roles: [Mailbox]}]
  databases: [{name: DB1, copies: [EX1]}]
  mailboxes: [{address: u1@contoso.com, database: DB1}]
`

func orgFor(dur string) string { return fmt.Sprintf(org, dur) }

func loads(t *testing.T, src string) *Scenario {
	t.Helper()
	s, err := Parse("b.yaml", []byte(src))
	require.NoError(t, err, src)
	return s
}

func refused(t *testing.T, src, want string) {
	t.Helper()
	_, err := Parse("b.yaml", []byte(src))
	require.EqualError(t, err, want, src)
}

func TestScenarioDurationOfExactlyThirtyDaysLoads(t *testing.T) {
	s := loads(t, orgFor("30d"))
	require.Equal(t, MaxDuration, s.Duration)
}

// TestTrafficWhoseLastMessageFallsOnTheDurationLoads: the last message of count/every
// may be sent at the scenario's last instant, not one every later; when count*every
// overflows the window the error names the entry's at.
func TestTrafficWhoseLastMessageFallsOnTheDurationLoads(t *testing.T) {
	s := loads(t, orgFor("30d")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: 31, every: 1d}\n")
	require.Equal(t, 31, s.Traffic[0].Count)
	loads(t, orgFor("1h")+"traffic:\n  - {at: 10m, from: a@f.net, to: u1@contoso.com, count: 3, every: 25m}\n")
	loads(t, orgFor("1h")+"traffic:\n  - {at: 10m, from: a@f.net, to: u1@contoso.com, count: 1, every: 1m}\n")
	refused(t, orgFor("1h")+"traffic:\n  - {at: 10m, from: a@f.net, to: u1@contoso.com, count: 4, every: 20m}\n",
		"b.yaml:10:10: traffic at 10m0s (last message at 1h10m0s) is after the scenario's duration 1h0m0s")
	refused(t, orgFor("30d")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: 2, every: 31d}\n",
		"b.yaml:10:6: traffic at 0s (last message at 720h0m0.000000001s) is after the scenario's duration 720h0m0s")
}

// TestTrafficOfExactlyOneMillionMessagesLoads: MaxMessages is the limit itself, and
// the entries add up (fixed counts and Poisson expectations alike).
func TestTrafficOfExactlyOneMillionMessagesLoads(t *testing.T) {
	s := loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: 1000000}\n")
	require.Equal(t, float64(MaxMessages), s.expectedMessages)
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: 600000}\n  - {from: a@f.net, to: u1@contoso.com, count: 400001}\n",
		"b.yaml:11:6: traffic adds up to more than 1000000 messages, the limit")
	s = loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: 1500000, start: 30m}\n  - {from: a@f.net, to: u1@contoso.com, perHour: 1000, until: 30m}\n")
	require.InDelta(t, 750000+500, s.expectedMessages, 1e-6, "perHour over [start, until)")
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: 1000001}\n",
		"b.yaml:10:6: traffic adds up to more than 1000000 messages, the limit")
}

// TestPoissonTrafficWindowIsStartBeforeUntil: until may be the duration (its
// default); start must be before until.
func TestPoissonTrafficWindowIsStartBeforeUntil(t *testing.T) {
	s := loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: 10, until: 1h}\n")
	require.Equal(t, s.Duration, s.Traffic[0].Until)
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: 10, start: 30m, until: 30m}\n",
		"b.yaml:10:6: traffic start 30m0s must be before until 30m0s")
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: 10, until: 61m}\n",
		"b.yaml:10:6: traffic until 1h1m0s is after the scenario's duration 1h0m0s")
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: 0}\n",
		"b.yaml:10:50: perHour must be more than 0")
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, perHour: -1}\n",
		`b.yaml:10:50: perHour must be a number of at least 0, found "-1"`)
}

func TestStepAndExpectationAtTheDurationLoad(t *testing.T) {
	s := loads(t, orgFor("1h")+"steps:\n  - {at: 1h, run: Get-Queue}\nexpect:\n  queues: [{at: 1h, queue: 'EX1\\Submission', status: active}]\n")
	require.Equal(t, s.Duration, s.Steps[0].At)
	require.Equal(t, "Active", s.Expect.Queues[0].Status, "the first status, resolved to its spelling")
	refused(t, orgFor("1h")+"expect:\n  queues: [{at: 61m, queue: 'EX1\\Submission'}]\n",
		"b.yaml:10:17: at 1h1m0s is after the scenario's duration 1h0m0s")
}

// TestComputerNamesOfFifteenCharactersLoad: NetBIOS names hold 15 characters.
func TestComputerNamesOfFifteenCharactersLoad(t *testing.T) {
	src := "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers: [{name: %s, roles: [Mailbox]}]\n"
	s := loads(t, fmt.Sprintf(src, "ABCDEFGHIJKLMNO"))
	require.Equal(t, "ABCDEFGHIJKLMNO", s.Topology.Servers[0].Name)
	refused(t, fmt.Sprintf(src, "ABCDEFGHIJKLMNOP"),
		`b.yaml:6:20: server name "ABCDEFGHIJKLMNOP" must be a computer name: up to 15 letters, digits and hyphens`)
}

// TestDAGOfSixteenMembersLoads: a DAG holds at most 16 members; the 17th is the
// one named in the error.
func TestDAGOfSixteenMembersLoads(t *testing.T) {
	build := func(n int) string {
		var sv, ms []string
		for i := 1; i <= n; i++ {
			sv = append(sv, fmt.Sprintf("{name: M%d, roles: [Mailbox]}", i))
			ms = append(ms, fmt.Sprintf("M%d", i))
		}
		return "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers: [" + strings.Join(sv, ", ") +
			"]\n  dags:\n    - {name: DAG1, witness: FS1, members: [" + strings.Join(ms, ", ") + "]}\n"
	}
	s := loads(t, build(16))
	require.Len(t, s.Topology.DAGs[0].Members, 16)
	refused(t, build(17), "b.yaml:8:115: DAG \"DAG1\" has 17 members: a DAG holds at most 16")
}

// TestWholeNumbersLoadAtBothEndsOfTheirRange: cost and exchangeCost are 1-99,999
// (Set-AdSiteLink), missed 1-1000, autoReseedSpares 0-64, count from 1.
func TestWholeNumbersLoadAtBothEndsOfTheirRange(t *testing.T) {
	sites := "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  sites: [A, B]\n  siteLinks: [{name: L, sites: [A, B], %s}]\n  servers: [{name: EX1, site: A, roles: [Mailbox]}]\n"
	s := loads(t, fmt.Sprintf(sites, "cost: 1, exchangeCost: 99999"))
	require.Equal(t, 1, s.Topology.SiteLinks[0].Cost)
	require.Equal(t, 99999, s.Topology.SiteLinks[0].ExchangeCost)
	s = loads(t, fmt.Sprintf(sites, "cost: 99999, exchangeCost: 1"))
	require.Equal(t, 99999, s.Topology.SiteLinks[0].Cost)
	refused(t, fmt.Sprintf(sites, "cost: 100000"), "b.yaml:7:46: cost must be between 1 and 99999, found 100000")
	refused(t, fmt.Sprintf(sites, "cost: 0"), "b.yaml:7:46: cost must be between 1 and 99999, found 0")
	s = loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: 1}\nmonitors:\n  - {kind: heartbeat, servers: [EX1], missed: 1000}\n")
	require.Equal(t, 1, s.Traffic[0].Count)
	require.Equal(t, 1000, s.Monitors[0].Missed)
	refused(t, orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1], missed: 1001}\n",
		"b.yaml:10:47: missed must be between 1 and 1000, found 1001")
	s = loads(t, orgFor("1h")+"  dags: [{name: DAG1, members: [EX1], autoReseedSpares: 64}]\n")
	require.Equal(t, 64, s.Topology.DAGs[0].AutoReseedSpares)
}

// TestMessageSizesLoadFromOneByteToTwoGigabytes.
func TestMessageSizesLoadFromOneByteToTwoGigabytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{{"1", 1}, {"2GB", 2 << 30}, {"25MB", 25 << 20}, {"1.5 KB", 1536}, {"6144B", 6144}} {
		s := loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, size: \""+tt.in+"\"}\n")
		require.Equal(t, tt.want, s.Traffic[0].Size, tt.in)
	}
	for _, in := range []string{"0.5", "2049MB", "NaN", "unlimited"} {
		refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, size: \""+in+"\"}\n",
			`b.yaml:10:47: size "`+in+`": want a size such as 25MB, 512KB or 6144 (bytes), from 1 byte to 2GB`)
	}
	s := loads(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com, size: [1KB, 2KB]}\n")
	require.Equal(t, []int64{1024, 2048}, s.Traffic[0].Sizes)
}

// TestMXPreferenceIsZeroTo65535.
func TestMXPreferenceIsZeroTo65535(t *testing.T) {
	dom := orgFor("1h") + "  internet:\n    domains: {f.net: {mx: [\"mx1.f.net %s\"]}}\n"
	for _, p := range []int{0, 65535} {
		s := loads(t, fmt.Sprintf(dom, fmt.Sprint(p)))
		require.Equal(t, p, s.Topology.Internet.Domains[0].MX[0].Preference)
	}
	for _, p := range []string{"-1", "65536", "ten"} {
		refused(t, fmt.Sprintf(dom, p), `b.yaml:10:28: MX record "mx1.f.net `+p+`": want "HOST PREFERENCE", e.g. "mx1.fabrikam.net 10" (preference 0-65535)`)
	}
}

// TestZeroIntervalsAreRefused: senderRetry, a monitor's every and latencyThreshold
// are more than 0.
func TestZeroIntervalsAreRefused(t *testing.T) {
	refused(t, orgFor("1h")+"  internet: {senderRetry: 0}\n", "b.yaml:9:27: senderRetry must be more than 0")
	refused(t, orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1], every: 0}\n", "b.yaml:10:46: every must be more than 0")
	refused(t, orgFor("1h")+"monitors:\n  - {kind: mailflow, from: EX1, to: EX2, every: 1m, latencyThreshold: 0}\n",
		"b.yaml:10:71: latencyThreshold must be more than 0")
}

// TestEventBudgetIsTheLimitItselfAndAddsUpMonitors: a heartbeat every 72µs over an
// hour is exactly MaxEvents and loads; monitors and messages add up, and the
// suggested interval is what fits the events the others leave.
func TestEventBudgetIsTheLimitItselfAndAddsUpMonitors(t *testing.T) {
	loads(t, orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1], every: 72us}\n")
	refused(t, orgFor("1h")+"traffic:\n  - {from: a@f.net, to: u1@contoso.com}\nmonitors:\n  - {kind: heartbeat, servers: [EX1], every: 72us}\n",
		"b.yaml:12:6: a heartbeat monitor every 72µs over 1h0m0s would take about 5e+07 events; a run is limited to 50000000 (make every at least 1s)")
	refused(t, orgFor("1h")+"monitors:\n  - {kind: heartbeat, servers: [EX1], every: 72015ns}\n  - {kind: mailflow, from: EX1, to: EX2, every: 1s, latencyThreshold: 1m}\n",
		"b.yaml:11:6: a mailflow monitor every 1s over 1h0m0s would take about 5.04e+04 events; a run is limited to 50000000 (make every at least 5s)")
}

// TestEchoedValuesAreShortenedPastEightyCharacters.
func TestEchoedValuesAreShortenedPastEightyCharacters(t *testing.T) {
	src := "name: %s\ndescription: d\nduration: 1h\ntopology:\n  servers: [{name: EX1, roles: [Mailbox]}]\n"
	name := strings.Repeat("É", 80)
	refused(t, fmt.Sprintf(src, name), `b.yaml:1:7: name "`+name+`" must be lowercase words joined by '-', like hub-failure`)
	refused(t, fmt.Sprintf(src, name+"É"), `b.yaml:1:7: name "`+name+`…(81 characters)" must be lowercase words joined by '-', like hub-failure`)
}

// TestEmptyMappingIsReportedWhereItStands: `{}` has no first key to point at; the
// error points at the brace.
func TestEmptyMappingIsReportedWhereItStands(t *testing.T) {
	refused(t, "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers: [{}]\n",
		`b.yaml:6:13: a server needs "name"`)
}

// TestScenarioFileOfExactlyTheSizeLimitLoads: MaxFileSize bytes load, one more does not.
func TestScenarioFileOfExactlyTheSizeLimitLoads(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimal)
	line := "#" + strings.Repeat("x", 1022) + "\n"
	for b.Len()+len(line) <= MaxFileSize {
		b.WriteString(line)
	}
	b.WriteString("#" + strings.Repeat("x", MaxFileSize-b.Len()-2) + "\n")
	require.Equal(t, MaxFileSize, b.Len())
	loads(t, b.String())
	refused(t, b.String()+"\n", "b.yaml:1:1: the file is larger than 1048576 bytes, the limit")
}

// TestListItemsUpToTheLimitLoad: the loader visits at most maxItems list items,
// aliases counted each time; exactly that many load.
func TestListItemsUpToTheLimitLoad(t *testing.T) {
	// 2 (servers, roles) + 254 traffic entries + 254 x 3,936 addresses = 1,000,000
	build := func(extra string) string {
		var b strings.Builder
		b.WriteString("name: m\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n" + extra + "  servers: [{name: EX1, roles: [Mailbox]}]\ntraffic:\n  - {at: 1m, from: a@b.net, to: &l0 [")
		b.WriteString(strings.Repeat("\n      x@y.net,", 3935))
		b.WriteString("x@y.net]}\n")
		for range 253 {
			b.WriteString("  - {at: 1m, from: a@b.net, to: *l0}\n")
		}
		return b.String()
	}
	s := loads(t, build(""))
	require.Len(t, s.Traffic, 254)
	_, err := Parse("b.yaml", []byte(build("  sites: [S1]\n")))
	require.ErrorContains(t, err, "more than 1000000 list items")
}

// TestLoadRefusalsNameThePathInputWasGiven: a file input refuses before reading (too
// large, a device, a directory) is named by the path given, as the command line's
// issue-23 test wants for /dev/zero; a missing file and a refusal in the bytes (a NUL)
// name the base name, with line and column where there is one.
func TestLoadRefusalsNameThePathInputWasGiven(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(strings.Repeat("#", MaxFileSize+10)), 0o644))
	_, err := Load(big)
	require.EqualError(t, err, big+":1:1048577: the file is 1048586 bytes; the limit is 1048576 bytes")
	_, err = Load(dir)
	require.ErrorContains(t, err, dir+": ")
	_, err = Load(filepath.Join(dir, "none.yaml"))
	require.Regexp(t, `^none\.yaml: `, err.Error())
	_, err = Parse("nul.yaml", []byte("name: a\x00\n"))
	require.Regexp(t, `^nul\.yaml:1:8: `, err.Error())
}

// TestEventBudgetCountsTwelveEventsAMessage: 100 messages (1,200 events) and a
// heartbeat of 49,999,000 ticks are over MaxEvents; 83 messages (996) are not.
func TestEventBudgetCountsTwelveEventsAMessage(t *testing.T) {
	src := orgFor("49999ms") + "traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: %d}\nmonitors:\n  - {kind: heartbeat, servers: [EX1], every: 1us}\n"
	loads(t, fmt.Sprintf(src, 83))
	_, err := Parse("b.yaml", []byte(fmt.Sprintf(src, 100)))
	require.ErrorContains(t, err, "b.yaml:12:6: a heartbeat monitor every 1µs over 49.999s would take about 5e+07 events")
}

// org3 has an Exchange 2016 and an Exchange 2013 Mailbox server, and a 2013 Client
// Access server.
const org3 = `name: v
description: d
duration: 1h
topology:
  servers:
    - {name: EX16, version: Exchange2016, roles: [Mailbox]}
    - {name: EX13, version: Exchange2013, roles: [Mailbox]}
    - {name: CAS13, version: Exchange2013, roles: [ClientAccess]}
steps:
`

// TestParameterExistsFromItsMinVersion: Get-MessageTrackingLog -Source came with
// Exchange 2016: it binds on a 2016 server and is the shell's "cannot be found" on 2013.
func TestParameterExistsFromItsMinVersion(t *testing.T) {
	s := loads(t, org3+"  - {at: 1m, run: \"Get-MessageTrackingLog -Server EX16 -Source SMTP\"}\n")
	require.Equal(t, "Get-MessageTrackingLog", s.Steps[0].Run[0].Name)
	refused(t, org3+"  - {at: 1m, run: \"Get-MessageTrackingLog -Server EX13 -Source SMTP\"}\n",
		"b.yaml:10:64: Get-MessageTrackingLog: a parameter cannot be found that matches parameter name 'Source' (it came with Exchange2016; EX13 runs Exchange2013)")
}

// TestCmdletExistsFromItsMinVersion: Get-ServerComponentState came with Exchange 2013.
func TestCmdletExistsFromItsMinVersion(t *testing.T) {
	loads(t, org3+"  - {at: 1m, run: \"Get-ServerComponentState EX13\"}\n")
	s := loads(t, orgFor("1h")+"expect:\n  states: [{at: 1m, server: EX1, component: ServerWideOffline, state: active}]\n")
	require.Equal(t, StateExpect{Pos: s.Expect.States[0].Pos, At: 60e9, Server: "EX1", Component: "ServerWideOffline", State: "Active"}, s.Expect.States[0])
	s = loads(t, org3+"  - {at: 1m, run: Get-Queue}\nexpect:\n  states: [{at: 1m, server: ex13, component: HubTransport, state: Draining}]\n")
	require.Equal(t, "EX13", s.Expect.States[0].Server)
}

// TestMailboxTransportServicesRunOn2013MailboxServers: Exchange 2013 has the
// Front End Transport service on Client Access servers and the Mailbox Transport
// services on Mailbox servers; 2016 has all three on its Mailbox servers.
func TestMailboxTransportServicesRunOn2013MailboxServers(t *testing.T) {
	for _, ok := range []string{
		"{at: 1m, on: CAS13, run: \"Restart-Service MSExchangeFrontEndTransport\"}",
		"{at: 1m, on: EX13, run: \"Restart-Service MSExchangeDelivery\"}",
		"{at: 1m, on: EX13, run: \"Restart-Service MSExchangeSubmission\"}",
		"{at: 1m, on: EX16, run: \"Restart-Service MSExchangeFrontEndTransport\"}",
	} {
		loads(t, org3+"  - "+ok+"\n")
	}
	refused(t, org3+"  - {at: 1m, on: EX13, run: \"Restart-Service MSExchangeFrontEndTransport\"}\n",
		"b.yaml:10:30: EX13 has no MSExchangeFrontEndTransport service (Exchange2013)")
	refused(t, org3+"  - {at: 1m, on: CAS13, run: \"Restart-Service MSExchangeDelivery\"}\n",
		"b.yaml:10:31: CAS13 has no MSExchangeDelivery service (the Mailbox Transport services run on Exchange 2013+ Mailbox servers)")
}

// TestFilterOfAGetCmdletIsCheckedAtLoad: Get-Queue -Filter is parsed when the
// scenario loads, so a broken filter is an error with its position.
func TestFilterOfAGetCmdletIsCheckedAtLoad(t *testing.T) {
	s := loads(t, orgFor("1h")+"steps:\n  - {at: 1m, run: \"Get-Queue -Filter 'MessageCount -gt 5' | Where-Object {$_.MessageCount -gt 1}\"}\n")
	require.Len(t, s.Steps[0].Run, 2)
	_, err := Parse("b.yaml", []byte(orgFor("1h")+"steps:\n  - {at: 1m, run: \"Get-Queue -Filter 'MessageCount -gt'\"}\n"))
	require.ErrorContains(t, err, "b.yaml:10:38: Get-Queue -Filter: {MessageCount -gt}: -gt has no value")
}

// TestSmartHostsAndTheirCapabilitiesResolve: a connector's smart hosts (smartHost
// "a, b" or smartHosts) are the hosts internet.hosts and down/refuse faults may
// name, resolved to the topology's spelling; SIZE and AUTH take parameters, the
// other extensions none; None is a smartHostAuthMechanism.
func TestSmartHostsAndTheirCapabilitiesResolve(t *testing.T) {
	head := orgFor("1h") + "  sendConnectors:\n    - {name: Out, addressSpaces: ['*'], sourceServers: [EX1], smartHost: \"relay1.f.net, relay2.f.net\", smartHostAuthMechanism: none}\n  internet:\n    hosts:\n"
	s := loads(t, head+"      RELAY1.f.net: {capabilities: [\"size 1000\", pipelining, \"AUTH LOGIN\"]}\n      relay2.f.net: {capabilities: [SIZE]}\nsteps:\n  - {at: 1m, fault: \"down Relay1.F.net\"}\n  - {at: 2m, fault: \"up relay2.f.net\"}\n")
	require.Equal(t, []string{"relay1.f.net", "relay2.f.net"}, s.Topology.SendConnectors[0].Hosts())
	require.Equal(t, "None", s.Topology.SendConnectors[0].SmartHostAuthMechanism)
	require.Equal(t, []ExternalHost{
		{Pos: s.Topology.Internet.Hosts[0].Pos, Name: "relay1.f.net", Capabilities: []string{"SIZE 1000", "PIPELINING", "AUTH LOGIN"}},
		{Pos: s.Topology.Internet.Hosts[1].Pos, Name: "relay2.f.net", Capabilities: []string{"SIZE"}},
	}, s.Topology.Internet.Hosts)
	require.Equal(t, "relay1.f.net", s.Steps[0].Fault.Host)
	for _, tt := range []struct{ caps, want string }{
		{`["SIZE 10 20"]`, `capability "SIZE 10 20": SIZE takes at most a byte count, e.g. "SIZE 36700160"`},
		{`["SIZE ten"]`, `capability "SIZE ten": SIZE takes at most a byte count, e.g. "SIZE 36700160"`},
		{`[AUTH]`, `capability "AUTH": AUTH names its mechanisms, e.g. "AUTH LOGIN PLAIN"`},
		{`["STARTTLS now"]`, `capability "STARTTLS now": STARTTLS takes no parameter`},
		{`[STARTLS]`, `capability "STARTLS" is not an ESMTP extension exsim knows (want one of SIZE, PIPELINING, DSN, ENHANCEDSTATUSCODES, STARTTLS, AUTH, 8BITMIME, BINARYMIME, CHUNKING, SMTPUTF8) (did you mean "STARTTLS"?)`},
	} {
		refused(t, head+"      relay1.f.net: {capabilities: "+tt.caps+"}\n", "b.yaml:13:37: "+tt.want)
	}
	refused(t, head+"      relay3.f.net: {capabilities: [SIZE]}\n", `b.yaml:13:7: "relay3.f.net" is not a smart host or MX host of the topology (did you mean "relay1.f.net"?)`)
}

// TestTrackingMessageNumbersExistInTheTraffic: with fixed traffic, expect.tracking
// names messages 1 to the count; with none there is none; with a monitor (probe
// messages) the count is not known before the run.
func TestTrackingMessageNumbersExistInTheTraffic(t *testing.T) {
	head := orgFor("1h") + "traffic:\n  - {from: a@f.net, to: u1@contoso.com, count: 3}\n"
	tr := "expect:\n  tracking: [{message: %d, events: [\"ex1 deliver\"]}]\n"
	s := loads(t, head+fmt.Sprintf(tr, 3))
	require.Equal(t, TrackingExpect{Pos: s.Expect.Tracking[0].Pos, Message: 3, Events: []string{"EX1 DELIVER"}}, s.Expect.Tracking[0])
	refused(t, head+fmt.Sprintf(tr, 4), "b.yaml:12:24: message 4 does not exist: traffic sends 3")
	refused(t, orgFor("1h")+fmt.Sprintf(tr, 1), "b.yaml:10:24: message 1 does not exist: traffic sends 0")
	loads(t, head+"monitors:\n  - {kind: heartbeat, servers: [EX1]}\n"+fmt.Sprintf(tr, 4))
}

// TestOnlyHubTransportServersOf2010SendMail: an Exchange 2010 Mailbox server has no
// Transport service, so it cannot be a connector's source server; the error names the
// role it needs.
func TestOnlyHubTransportServersOf2010SendMail(t *testing.T) {
	src := "name: c\ndescription: d\nversion: Exchange2010\nduration: 1h\ntopology:\n  servers: [{name: MBX, roles: [Mailbox]}, {name: HUB, roles: [HubTransport]}]\n  sendConnectors: [{name: Out, addressSpaces: ['*'], sourceServers: [%s]}]\n"
	loads(t, fmt.Sprintf(src, "HUB"))
	refused(t, fmt.Sprintf(src, "MBX"), `b.yaml:7:70: source server "MBX" does not run the Transport service (Exchange2010 needs the HubTransport role)`)
	require.True(t, Is2010("Exchange2010"))
	require.True(t, Is2010("Exchange2010SP3"))
	require.False(t, Is2010("Exchange2013"))
	require.False(t, Is2010("Exchange5.5"))
}

// TestDACAllowedForEveryLaterVersion: DACAllowed refuses only an Exchange 2010 RTM
// DAG of fewer than three members or one site; no members is no RTM DAG.
func TestDACAllowedForEveryLaterVersion(t *testing.T) {
	require.NoError(t, DACAllowed(nil))
	rtm := func(site string) ServerSpec { return ServerSpec{Version: "Exchange2010", Site: site} }
	require.NoError(t, DACAllowed([]ServerSpec{rtm("A"), rtm("A"), rtm("B")}))
	require.Error(t, DACAllowed([]ServerSpec{rtm("A"), rtm("A"), rtm("A")}))
	require.Error(t, DACAllowed([]ServerSpec{rtm("A"), rtm("B")}))
	require.NoError(t, DACAllowed([]ServerSpec{rtm("A"), {Version: "Exchange2010SP1", Site: "A"}}))
}

// TestServerListsPointAtTheUnknownName: in -Instance EX1,EXX the error points at EXX.
func TestServerListsPointAtTheUnknownName(t *testing.T) {
	loads(t, orgFor("1h")+"steps:\n  - {at: 1m, run: \"Start-SCOMMaintenanceMode -Instance EX1,EX2 -EndTime 30m\"}\n")
	refused(t, orgFor("1h")+"steps:\n  - {at: 1m, run: \"Start-SCOMMaintenanceMode -Instance EX1,EXX -EndTime 30m\"}\n",
		`b.yaml:10:60: unknown server "EXX" (did you mean "EX1"?)`)
}

// TestServerFQDNsNameTheirServer: EX1.contoso.com is EX1 when contoso.com is the
// organization's domain (the first of its mailboxes' domains in sorted order;
// contoso.com without mailboxes); another domain's FQDN is no server of ours.
func TestServerFQDNsNameTheirServer(t *testing.T) {
	s := loads(t, orgFor("1h")+"steps:\n  - {at: 1m, run: \"Get-Queue -Server ex1.CONTOSO.com\"}\n")
	require.Equal(t, "contoso.com", s.OrgDomain())
	require.Equal(t, "EX1", s.ShortServerName("ex1.contoso.com"))
	require.Equal(t, "EX9.contoso.com", s.ShortServerName("EX9.contoso.com"))
	require.Equal(t, "EX1.fabrikam.com", s.ShortServerName("EX1.fabrikam.com"))
	require.Equal(t, "EX1", s.ShortServerName("EX1"))
	s.Topology.Mailboxes = []Mailbox{{Address: "b@Zeta.net"}, {Address: "a@alpha.net"}, {Address: "nobody"}}
	require.Equal(t, "alpha.net", s.OrgDomain())
	s.Topology.Mailboxes = nil
	require.Equal(t, "contoso.com", s.OrgDomain())
	refused(t, orgFor("1h")+"steps:\n  - {at: 1m, run: \"Get-Queue -Server ex1.fabrikam.com\"}\n",
		`b.yaml:10:38: unknown server "ex1.fabrikam.com"`)
}

// TestCommandChecksALineAgainstTheLoadedScenario: a script's cmdlet line gets the
// load's checks, and its error is the message alone.
func TestCommandChecksALineAgainstTheLoadedScenario(t *testing.T) {
	s := loads(t, orgFor("1h"))
	pl, err := s.Command("get-queue -Server ex2", "EX1")
	require.NoError(t, err)
	require.Equal(t, "Get-Queue", pl[0].Name)
	_, err = s.Command("Get-Queue -Server EX3", "EX1")
	require.EqualError(t, err, `unknown server "EX3" (did you mean "EX1"?)`)
	_, err = (&Scenario{}).Command("Get-Queue", "")
	require.EqualError(t, err, "the scenario was not loaded by Parse or Load")
}

// TestVerbsListsOneVerbPerArgument: flags, width and precision are skipped, "%%"
// takes no argument, and a '%' at the end has no verb, so errf shortens the right
// argument.
func TestVerbsListsOneVerbPerArgument(t *testing.T) {
	for _, tt := range []struct{ format, want string }{
		{"%q and %v", "qv"},
		{"%+q %-5d %#v % x %08.3f", "qdvxf"},
		{"100%% of %q", "q"},
		{"50%", ""},
		{"%.3g%", "g"},
		{"", ""},
	} {
		require.Equal(t, tt.want, string(verbs(tt.format)), tt.format)
	}
	l := &loader{file: "e.yaml"}
	long := strings.Repeat("x", 81)
	require.EqualError(t, l.errf(Pos{Line: 1, Col: 2}, "%+q %q %s", long, long, long),
		`e.yaml:1:2: "`+long[:80]+`\u2026(81 characters)" "`+long[:80]+`…(81 characters)" `+long)
}

// TestServerSiteDefaultsOnlyWhenTheTopologyHasOneSite: no sites is the default site,
// one site is that site, several need the server to say which.
func TestServerSiteDefaultsOnlyWhenTheTopologyHasOneSite(t *testing.T) {
	src := "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\nstart: 2011-03-01T10:00:00+01:00\ntopology:\n%s  servers: [{name: EX1, roles: [Mailbox]}]\n"
	s := loads(t, fmt.Sprintf(src, ""))
	require.Equal(t, DefaultSite, s.Topology.Servers[0].Site)
	require.Equal(t, "2011-03-01T09:00:00Z", s.Start.Format("2006-01-02T15:04:05Z07:00"), "in UTC")
	s = loads(t, fmt.Sprintf(src, "  sites: [Red]\n"))
	require.Equal(t, "Red", s.Topology.Servers[0].Site)
	refused(t, fmt.Sprintf(src, "  sites: [Red, Blue]\n"), `b.yaml:8:14: server "EX1" needs a site: the topology has several`)
	refused(t, strings.Replace(fmt.Sprintf(src, ""), "2011-03-01T10:00:00+01:00", "2011-03-01 10:00", 1),
		`b.yaml:5:8: start must be an RFC 3339 time like 2011-03-01T09:00:00Z, found "2011-03-01 10:00"`)
}

// TestAServerBelongsToOneDAG: the error tells a server listed twice in one DAG from
// one already in another; a DAG is a computer of its own, declared once.
func TestAServerBelongsToOneDAG(t *testing.T) {
	head := "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers: [{name: EX1, roles: [Mailbox]}, {name: EX2, roles: [Mailbox]}, {name: EX3, roles: [Mailbox]}]\n  dags:\n"
	loads(t, head+"    - {name: DAG1, members: [EX1]}\n    - {name: DAG2, members: [EX2, EX3], witness: FS1}\n")
	refused(t, head+"    - {name: DAG1, members: [EX1, ex1], witness: FS1}\n", `b.yaml:8:35: server "EX1" is listed twice in DAG "DAG1"`)
	refused(t, head+"    - {name: DAG1, members: [EX1]}\n    - {name: DAG2, members: [EX1]}\n", `b.yaml:9:30: server "EX1" is already a member of DAG "DAG1": a server belongs to one DAG`)
	refused(t, head+"    - {name: DAG1, members: [EX1]}\n    - {name: dag1, members: [EX2]}\n", `b.yaml:9:8: DAG "dag1" is declared twice`)
	refused(t, head+"    - {name: ex3, members: [EX1]}\n", `b.yaml:8:8: DAG "ex3" has the name of a server: a DAG is a computer account of its own`)
	refused(t, head+"    - {name: DAG1, members: [EX1, EX2], witness: ex2}\n", `b.yaml:8:50: witness "ex2" is a member of DAG "DAG1": the witness must be another server`)
}

// TestDatabaseCopiesAreInOneDAG.
func TestDatabaseCopiesAreInOneDAG(t *testing.T) {
	head := "name: c\ndescription: d\nversion: Exchange2016\nduration: 1h\ntopology:\n  servers: [{name: EX1, roles: [Mailbox]}, {name: EX2, roles: [Mailbox]}, {name: EX3, roles: [Mailbox]}]\n  dags: [{name: DAG1, members: [EX1, EX2], witness: FS1}, {name: DAG2, members: [EX3]}]\n  databases:\n"
	s := loads(t, head+"    - {name: DB1, copies: [ex2, EX1], sizeGB: 2.5}\n    - {name: DB2, copies: [EX3]}\n")
	require.Equal(t, []string{"EX2", "EX1"}, s.Topology.Databases[0].Copies)
	require.Equal(t, 2.5, s.Topology.Databases[0].SizeGB)
	refused(t, head+"    - {name: DB1, copies: [EX1, EX3]}\n", `b.yaml:9:33: the copies of "DB1" are in DAGs "DAG1" and "DAG2": all copies of a database are in one DAG`)
	refused(t, head+"    - {name: DB1, copies: [EX1, ex1]}\n", `b.yaml:9:33: database "DB1" has two copies on "EX1"`)
	refused(t, head+"    - {name: DB1, copies: [EX1]}\n    - {name: db1, copies: [EX2]}\n", `b.yaml:10:8: database "db1" is declared twice`)
	refused(t, head+"    - {name: DB1, copies: [EX1], sizeGB: 0}\n", `b.yaml:9:42: sizeGB must be more than 0`)
}

// TestInternetMailLandsOnTransportOrFrontEndServers: a 2013 Client Access server
// takes internet mail (Front End Transport); a 2010 Mailbox server does not.
func TestInternetMailLandsOnTransportOrFrontEndServers(t *testing.T) {
	s := loads(t, strings.Replace(org3, "steps:\n", "  internet: {inbound: [CAS13, EX13, EX16]}\n", 1))
	require.Equal(t, []string{"CAS13", "EX13", "EX16"}, s.Topology.Internet.Inbound.Servers)
	src := "name: c\ndescription: d\nversion: Exchange2010\nduration: 1h\ntopology:\n  servers: [{name: MBX, roles: [Mailbox, ClientAccess]}, {name: HUB, roles: [HubTransport]}]\n  internet: {inbound: [%s]}\n"
	loads(t, fmt.Sprintf(src, "HUB"))
	refused(t, fmt.Sprintf(src, "MBX"), `b.yaml:7:24: server "MBX" cannot take mail from the internet: in Exchange2010 that needs the HubTransport role`)
	refused(t, fmt.Sprintf(src, "HUB, hub"), `b.yaml:7:29: inbound server "HUB" is listed twice`)
}

// TestExternalDomainsTakeMXRecordsOrAnARecord: each domain is given once, with MX
// records or a (true: the implicit MX, false: it does not resolve), not both.
func TestExternalDomainsTakeMXRecordsOrAnARecord(t *testing.T) {
	head := orgFor("1h") + "  internet:\n    domains:\n"
	s := loads(t, head+"      F.net: {mx: [\"mx2.f.net 20\", \"MX1.f.net 10\"]}\n      t.net: {a: true}\n      n.net: {a: false}\n")
	require.Equal(t, []ExternalDomain{
		{Pos: Pos{Line: 11, Col: 7}, Name: "f.net", MX: []MXRecord{{Pos: Pos{Line: 11, Col: 20}, Host: "mx2.f.net", Preference: 20}, {Pos: Pos{Line: 11, Col: 36}, Host: "MX1.f.net", Preference: 10}}},
		{Pos: Pos{Line: 12, Col: 7}, Name: "t.net", A: true, ASet: true},
		{Pos: Pos{Line: 13, Col: 7}, Name: "n.net", ASet: true},
	}, s.Topology.Internet.Domains)
	require.Equal(t, []string{"mx2.f.net", "MX1.f.net", "t.net"}, s.Topology.ExternalHosts())
	refused(t, head+"      f.net: {mx: [\"mx1.f.net 10\"]}\n      F.NET: {a: true}\n", `b.yaml:12:7: domain "f.net" is given twice`)
	refused(t, head+"      f.net: {mx: []}\n", `b.yaml:11:19: mx needs at least one record`)
	refused(t, head+"      f.net: {mx: [\"mx1.f.net 10\"], a: true}\n", `b.yaml:11:15: domain "f.net": give mx or a, not both (a is the fallback when a domain has no MX records)`)
	refused(t, head+"      f_net: {a: true}\n", `b.yaml:11:7: "f_net" is not a domain name (want e.g. fabrikam.net)`)
}

// TestSmartHostOfferingSTARTTLSAndAuthLoginSatisfiesBasicAuthRequireTLS.
func TestSmartHostOfferingSTARTTLSAndAuthLoginSatisfiesBasicAuthRequireTLS(t *testing.T) {
	src := orgFor("1h") + "  sendConnectors:\n    - {name: Out, addressSpaces: ['*'], sourceServers: [EX1], smartHosts: [relay.f.net], %s}\n  internet:\n    hosts:\n      relay.f.net: {capabilities: [\"SIZE 19\", %s]}\n"
	for _, c := range []struct{ conn, caps string }{
		{"smartHostAuthMechanism: BasicAuthRequireTLS", "STARTTLS, \"AUTH PLAIN LOGIN\""},
		{"smartHostAuthMechanism: basicauth", "\"auth login\""},
		{"requireTLS: true", "starttls"},
	} {
		s := loads(t, fmt.Sprintf(src, c.conn, c.caps))
		require.Equal(t, "SIZE 19", s.Topology.Internet.Hosts[0].Capabilities[0])
	}
	refused(t, fmt.Sprintf(src, "smartHostAuthMechanism: BasicAuthRequireTLS", "\"AUTH LOGIN\""),
		`b.yaml:10:8: send connector "Out" requires TLS but smart host "relay.f.net" does not offer STARTTLS (list it in internet.hosts.relay.f.net.capabilities; exsim does not model the refused session)`)
	refused(t, fmt.Sprintf(src, "smartHostAuthMechanism: BasicAuthRequireTLS", "STARTTLS, \"AUTH PLAIN\""),
		`b.yaml:10:8: send connector "Out" authenticates with BasicAuthRequireTLS but smart host "relay.f.net" does not offer AUTH LOGIN (list it in internet.hosts.relay.f.net.capabilities)`)
	refused(t, strings.Replace(fmt.Sprintf(src, "requireTLS: true", "STARTTLS"), "smartHosts: [relay.f.net], ", "", 1),
		`b.yaml:13:7: "relay.f.net" is not a smart host or MX host of the topology`)
}

// TestErrfWithMoreVerbsThanArgumentsDoesNotPanic: errf shortens only arguments that
// exist; fmt reports the missing one.
func TestErrfWithMoreVerbsThanArgumentsDoesNotPanic(t *testing.T) {
	format := "%q and %q" // a variable: vet would refuse the constant
	err := (&loader{file: "e.yaml"}).errf(Pos{Line: 1, Col: 1}, format, "a")
	require.EqualError(t, err, `e.yaml:1:1: "a" and %!q(MISSING)`)
}

// TestServerAndDAGNamesAreCheckedAsWritten: a server's version resolves to its
// declared spelling, and a DAG name is a computer name as a server's is.
func TestServerAndDAGNamesAreCheckedAsWritten(t *testing.T) {
	s := loads(t, strings.Replace(org3, "version: Exchange2013, roles: [Mailbox]", "version: exchange2013, roles: [Mailbox]", 1))
	require.Equal(t, "Exchange2013", s.Topology.Servers[1].Version)
	refused(t, orgFor("1h")+"  dags: [{name: DAG_1, members: [EX1]}]\n",
		`b.yaml:9:17: DAG name "DAG_1" must be a computer name: up to 15 letters, digits and hyphens`)
}

// TestDeclarationsCheckWhatTheyName: a database name holds no backslash or comma, a
// mailbox is an address, a send connector has address spaces and source servers,
// resolved to their declared spelling.
func TestDeclarationsCheckWhatTheyName(t *testing.T) {
	refused(t, strings.Replace(orgFor("1h"), "name: DB1, copies", `name: 'DB\1', copies`, 1),
		`b.yaml:7:22: database name "DB\\1" must not contain a backslash or comma`)
	refused(t, strings.Replace(orgFor("1h"), "u1@contoso.com", "u1.contoso.com", 1),
		`b.yaml:8:25: "u1.contoso.com" is not an email address like user@contoso.com`)
	conn := orgFor("1h") + "  sendConnectors: [{name: Out, addressSpaces: %s, sourceServers: %s}]\n"
	s := loads(t, fmt.Sprintf(conn, "['*']", "[ex2, EX1]"))
	require.Equal(t, []string{"EX2", "EX1"}, s.Topology.SendConnectors[0].SourceServers)
	refused(t, fmt.Sprintf(conn, "[]", "[EX1]"), "b.yaml:9:47: send connector needs at least one address space")
	refused(t, fmt.Sprintf(conn, "['*']", "[]"), "b.yaml:9:69: send connector needs at least one source server")
	refused(t, fmt.Sprintf(conn, "['*']", "[EX1], smartHosts: []"), "b.yaml:9:88: smartHosts needs at least one host")
	refused(t, fmt.Sprintf(conn, "['*']", "[EX1, EX7]"), `b.yaml:9:75: unknown server "EX7" (did you mean "EX1"?)`)
}
