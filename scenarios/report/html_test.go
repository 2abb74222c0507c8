package report

import (
	"bytes"
	"fmt"
	"github.com/exsim/exsim/scenarios"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/scom"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
	"github.com/exsim/exsim/transport/logs"
)

func htmlRun(t testing.TB, name string) *scenarios.Result {
	t.Helper()
	sc, err := scenarios.Open(name)
	require.NoError(t, err)
	r, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	return r
}

// journalBuild is the page's build of a whole journal, for tests of one pass.
func journalBuild(r *scenarios.Result) *hbuild { return newBuild(r, recorderOf(r)) }

func (b *hbuild) queues() map[string][]depth { return b.rec.queues.depths() }

func pageOf(t testing.TB, r *scenarios.Result) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteHTML(&b, r))
	return b.String()
}

// requireHas checks that page holds s without printing the whole page on failure.
func requireHas(t testing.TB, page, s string) {
	t.Helper()
	if !strings.Contains(page, s) {
		t.Fatalf("the page lacks %q", s)
	}
}

// when returns the instant of the first journal record matching pred.
func when(t testing.TB, r *scenarios.Result, pred func(sim.Record) bool) time.Duration {
	t.Helper()
	for _, rec := range r.Journal {
		if pred(rec) {
			return rec.At
		}
	}
	t.Fatal("no such journal record")
	return 0
}

func tracked(m int, server string, ev logs.EventID) func(sim.Record) bool {
	return func(rec sim.Record) bool {
		e, ok := rec.Data.(logs.TrackingEvent)
		return ok && e.Message == m && e.Server == server && e.EventID == ev
	}
}

// The hub-failure page draws what the blog post describes: both messages queue on
// FAB-RED-HUB1, sit there as single points of failure, and die with its queue
// database; the database is dismounted on FAB-RED-MBX1 meanwhile.
func TestHTMLHubFailureShowsLanesLossAndSPOF(t *testing.T) {
	r := htmlRun(t, "hub-failure")
	page := pageOf(t, r)
	require.Len(t, r.Verdict.SPOF, 2)
	for _, s := range []string{
		`<g class="lane" data-server="FAB-RED-HUB1">`,
		`<g class="lane" data-server="FAB-RED-HUB2">`,
		`<g class="lane" data-server="FAB-RED-MBX1">`,
		`class="marker lost`,
		`✕ 2 lost`,
		`LOST on FAB-RED-HUB1 at 09:20:00.000: #1, #2`,
		`<rect class="spof"`,
		fmt.Sprintf(`Single point of failure on FAB-RED-HUB1 from %s to 09:20:00.000: 2 message(s)`, r.Clock(r.Verdict.SPOF[0].From)),
		`<rect class="down"`,
		`FAB-RED-HUB1 crashed, queue database lost from 09:20:00.000 to 09:25:00.000`,
		`DB1 Dismounted`,
		`class="marker fault"`,
		`09:20:00.000  crash FAB-RED-HUB1 lose-queue`,
		`09:05:00.000  Dismount-Database -Identity DB1 -Confirm:$false`,
		`class="qline"`,
		`<pre>Identity`, // Get-Queue output beneath its step
	} {
		requireHas(t, page, s)
	}
	// the two SPOF windows on HUB1 overlap, so they shade one interval
	require.Equal(t, 1, strings.Count(page, `<rect class="spof"`))
	require.Equal(t, 2, strings.Count(page, `class="path lost"`))
}

// Shadow Redundancy Promotion: the messages queue on FAB-RED-HUB2 while FAB-RED-HUB1
// keeps their shadows, until HUB1 dies and HUB2 holds the only copies.
func TestHTMLQueueDepthFollowsShadowPromotion(t *testing.T) {
	r := htmlRun(t, "shadow-promotion")
	q := journalBuild(r).queues()
	at := func(server string, d time.Duration) depth {
		var cur depth
		for _, x := range q[server] {
			if x.At <= d {
				cur = x
			}
		}
		return cur
	}
	require.Equal(t, 2, at("FAB-RED-HUB2", 15*time.Minute).Q, "HUB1 relayed both to HUB2 (promotion)")
	require.Equal(t, 2, at("FAB-RED-HUB1", 15*time.Minute).S, "HUB1 keeps a shadow of each message it relayed")
	require.Equal(t, 0, at("FAB-RED-HUB1", 15*time.Minute).Q)
	require.Equal(t, 0, at("FAB-RED-HUB1", 21*time.Minute).S, "the lose-queue crash destroys the shadows")
	require.Equal(t, 2, at("FAB-RED-HUB2", 21*time.Minute).Q)
	require.Equal(t, 0, at("FAB-RED-HUB2", r.End).Q, "both are delivered once DB1 is mounted")

	page := pageOf(t, r)
	requireHas(t, page, `class="sline"`)
	requireHas(t, page, `class="shadowcopy"`)
	requireHas(t, page, `Single point of failure on FAB-RED-HUB2`)
	require.NotContains(t, page, `class="marker lost`)
	require.Equal(t, 2, strings.Count(page, `class="path delivered"`))
}

// On hub-failure, HUB1's queue grows with each RECEIVE and empties when the crash
// destroys its queue database.
func TestHTMLHubFailureQueueDepth(t *testing.T) {
	r := htmlRun(t, "hub-failure")
	b := journalBuild(r)
	crash := when(t, r, func(rec sim.Record) bool { return rec.Kind == "fault" && strings.HasPrefix(rec.Subject, "crash") })
	require.Equal(t, []depth{
		{when(t, r, tracked(1, "FAB-RED-HUB1", logs.EventReceive)), 1, 0},
		{when(t, r, tracked(2, "FAB-RED-HUB1", logs.EventReceive)), 2, 0},
		{crash, 0, 0},
	}, b.queues()["FAB-RED-HUB1"])
}

// A DAG member taken out of service shows why on its lane: component states,
// paused cluster node, blocked activation, SCOM maintenance and copy status.
func TestHTMLShowsMaintenancePeriods(t *testing.T) {
	sc, err := scenarios.Parse("maint.yaml", []byte(`name: maint
description: An Exchange 2013 DAG member taken out of service step by step.
version: Exchange2013
duration: 10h
topology:
  servers:
    - {name: EX1, roles: [Mailbox, ClientAccess]}
    - {name: EX2, roles: [Mailbox, ClientAccess]}
  dags: [{name: DAG1, members: [EX1, EX2], witness: FS1}]
  databases: [{name: DB1, copies: [EX1, EX2]}]
  mailboxes: [{address: a@contoso.com, database: DB1}]
  internet: {inbound: {loadBalancer: [EX1, EX2], policy: roundRobin}}
steps:
  - {at: 1h, run: "Set-ServerComponentState EX1 -Component HubTransport -State Draining -Requester Maintenance"}
  - {at: 1h3m, run: "Suspend-ClusterNode EX1"}
  - {at: 1h5m, run: "Set-MailboxServer EX1 -DatabaseCopyAutoActivationPolicy Blocked"}
  - {at: 2h, run: "Move-ActiveMailboxDatabase DB1 -ActivateOnServer EX2 -Confirm:$false"}
  - {at: 6h, run: "Start-SCOMMaintenanceMode -Instance EX1 -EndTime 6h30m"}
`))
	require.NoError(t, err)
	r, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	page := pageOf(t, r)
	for _, s := range []string{
		"EX1: HubTransport Draining from 01:00:00.000",
		"cluster node paused",
		"activation Blocked",
		"SCOM maintenance mode",
	} {
		requireHas(t, page, s)
	}
}

// An internet sender keeps its copy until the hub answers 250: on hub-failure the
// first message's acknowledgement is delayed the full 30 seconds, the second's is
// not (DelayedAckSkipping), and the internet lane shows exactly that.
func TestHTMLInternetSenderHoldsCopyUntilAck(t *testing.T) {
	r := htmlRun(t, "hub-failure")
	b := journalBuild(r)
	ack := func(m int) time.Duration {
		return when(t, r, func(rec sim.Record) bool { return rec.Kind == "transport.ack" && transport.MessageOf(rec.Data) == m })
	}
	submit := func(m int) time.Duration {
		return when(t, r, func(rec sim.Record) bool {
			return rec.Kind == "transport.submit" && transport.MessageOf(rec.Data) == m
		})
	}
	require.Equal(t, [2]time.Duration{submit(1), ack(1)}, b.sender[1])
	require.Equal(t, [2]time.Duration{submit(2), ack(2)}, b.sender[2])
	require.GreaterOrEqual(t, ack(1)-submit(1), 30*time.Second, "delayed acknowledgement")
	require.Less(t, ack(2)-submit(2), time.Second, "DelayedAckSkipping")
	page := pageOf(t, r)
	requireHas(t, page, `<g class="netlane">`)
	require.Equal(t, 2, strings.Count(page, `class="sendercopy"`))
}

// Same run, same bytes: nothing on the page depends on map order or the wall clock.
func TestHTMLIsDeterministic(t *testing.T) {
	for _, name := range []string{"hub-failure", "shadow-promotion"} {
		a := pageOf(t, htmlRun(t, name))
		b := pageOf(t, htmlRun(t, name))
		require.Equal(t, a, b, name)
	}
	r := htmlRun(t, "hub-failure")
	require.Equal(t, pageOf(t, r), pageOf(t, r))
}

// A built-in scenario's page stays well under 1 MB and fetches nothing.
func TestHTMLBuiltinsAreSmallAndOffline(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	require.NotEmpty(t, list)
	for _, bi := range list {
		page := pageOf(t, htmlRun(t, bi.Name))
		require.Less(t, len(page), 512<<10, bi.Name)
		requireOffline(t, page)
	}
}

// fetching finds markup that makes a browser fetch: elements that load, attributes
// that point somewhere, CSS that imports.
var fetching = regexp.MustCompile(`(?i)<(img|link|iframe|frame|object|embed|audio|video|source|track|base|image|use|script\s[^>]*src)\b|<[a-z]+[^>]*\s(src|href|xlink:href|srcset|action|formaction|poster|background|ping)\s*=|url\(|@import`)

// external finds code or text in the page's own assets that names another place.
var external = regexp.MustCompile(`(?i)(https?:|ftp:|wss?:|//[a-z0-9.-]+\.[a-z]{2,}/|fetch\(|XMLHttpRequest|WebSocket|EventSource|import\(|sendBeacon|new Image)`)

func requireOffline(t *testing.T, page string) {
	t.Helper()
	if m := fetching.FindString(page); m != "" {
		i := strings.Index(page, m)
		t.Fatalf("the page would fetch something: %q in %q", m, page[max(0, i-60):min(len(page), i+60)])
	}
	requireHas(t, page, `default-src 'none'`) // the Content-Security-Policy forbids every fetch
}

// The embedded template, style and script name no other place at all.
func TestHTMLAssetsNameNoOtherPlace(t *testing.T) {
	for _, name := range []string{"index.html", "index.css", "index.js"} {
		data, err := htmlView.ReadFile("htmlview/" + name)
		require.NoError(t, err)
		if m := external.Find(data); m != nil {
			t.Fatalf("%s refers to %q", name, m)
		}
		if m := fetching.Find(data); m != nil {
			t.Fatalf("%s would fetch %q", name, m)
		}
	}
}

const evil = `<script>alert(1)</script>`

// evilResult is a run whose every name is markup, built by hand so that names the
// loader would refuse reach the writer too.
func evilResult(name string) *scenarios.Result {
	sc := &scenarios.Scenario{Name: name, Description: name + " description", Start: scenarios.DefaultStart, Duration: time.Hour}
	sc.Topology.Servers = []scenarios.ServerSpec{{Name: name, Roles: []string{name}, Version: name}, {Name: "EX2", Version: "Exchange2016"}}
	j := []sim.Record{
		{At: time.Minute, Kind: "step.run", Subject: name, Data: scenarios.StepRun{Step: name}},
		{At: time.Minute, Kind: "step.output", Subject: name, Data: scenarios.Output{At: time.Minute, Step: name, Text: name}},
		{At: 2 * time.Minute, Kind: "transport.submit", Data: transport.OutboxWaiting{Msg: transport.Msg{Message: 1}, From: name, Service: name}},
		{At: 3 * time.Minute, Kind: "transport.shadow", Server: name, Data: transport.ShadowMade{Msg: transport.Msg{Message: 1}, Server: name, On: name}},
		{At: 4 * time.Minute, Kind: "fault", Server: name, Subject: "crash " + name + " lose-queue", Data: scenarios.FaultInjected{Fault: "crash " + name + " lose-queue"}},
		{At: 4 * time.Minute, Kind: "transport.lost", Server: name, Data: transport.MessageLost{Msg: transport.Msg{Message: 1}, Recipient: name, Fault: name}},
		{At: 5 * time.Minute, Kind: "monitor.alert", Server: name, Subject: "heartbeat",
			Data: scenarios.Alert{At: 5 * time.Minute, Monitor: name, Server: name, Name: name, Detail: name}},
		{At: 6 * time.Minute, Kind: "monitor.maintenance", Server: name, Data: scom.MaintenanceMode{Server: name, Enter: true}},
	}
	for i := range j {
		j[i].Seq = i
	}
	return &scenarios.Result{Scenario: sc, Seed: 1, End: time.Hour, Journal: j,
		Verdict: transport.Verdict{
			Fates: []transport.Fate{{Message: 1, Recipient: name, Fate: transport.Lost, Reason: name, Server: name}}, Lost: 1,
			SPOF: []transport.SPOFWindow{{Message: 1, Server: name, From: 3 * time.Minute, To: 4 * time.Minute}}, MostExposedServer: name,
		},
		Alerts:   []scenarios.Alert{{At: 5 * time.Minute, Monitor: name, Server: name, Name: name, Detail: name}},
		Failures: []string{name},
	}
}

// Every name from the scenario is escaped: markup in a scenario renders as text.
func TestHTMLEscapesScriptInNames(t *testing.T) {
	page := pageOf(t, evilResult(evil))
	require.False(t, strings.Contains(page, evil), "raw markup on the page")
	require.Equal(t, 2, strings.Count(page, "<script"), "only the page's own data and code scripts")
	requireHas(t, page, `&lt;script&gt;alert(1)&lt;/script&gt;`)
	requireHas(t, page, `\u003cscript\u003ealert(1)\u003c/script\u003e`) // in the JSON data
	requireHas(t, page, `class="marker lost`)                            // still drawn on the oddly named server

	// and from a scenario file: names the loader accepts, such as a description or a
	// step's text, are escaped the same way.
	sc, err := scenarios.Parse("evil.yaml", []byte(`name: evil
description: "`+evil+`"
version: Exchange2016
duration: 1h
topology:
  servers: [{name: EX1, roles: [Mailbox]}]
  databases: [{name: DB1, copies: [EX1]}]
  mailboxes: [{address: a@contoso.com, database: DB1}]
  internet: {inbound: [EX1]}
traffic:
  - {at: 1m, from: "x@fabrikam.net", to: a@contoso.com, subject: "`+evil+`"}
steps:
  - {at: 2m, run: "Get-Queue -Server EX1"}
`))
	require.NoError(t, err)
	r, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	page = pageOf(t, r)
	require.False(t, strings.Contains(page, "<script>alert"), "raw markup on the page")
	requireHas(t, page, `&lt;script&gt;alert(1)&lt;/script&gt;`)
}

// Property: whatever text a name holds, it never opens an element on the page.
func TestHTMLEscapingProperty(t *testing.T) {
	frag := rapid.SampledFrom([]string{"<", ">", "&", `"`, "'", "</script>", "<script>", "<!--", "-->", "]]>", "{{", "}}", "\\", "\u2028", "x", "é", " ", "/", "`", "${"})
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.SliceOfN(frag, 1, 12).Draw(t, "parts")
		name := "<b>" + strings.Join(parts, "")
		var buf bytes.Buffer
		if err := WriteHTML(&buf, evilResult(name)); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		if strings.Contains(page, "<b>") {
			t.Fatalf("markup from a name reached the page: %q", name)
		}
		if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
			t.Fatalf("%d script elements for name %q", n, name)
		}
	})
}

// A run of thousands of messages stays readable and small: queue depths count every
// message, but only a bounded number of paths and narration lines are drawn.
func TestHTMLAggregatesThousandsOfMessages(t *testing.T) {
	sc, err := scenarios.Parse("busy.yaml", []byte(`name: busy
description: Three thousand messages an hour through two hubs, one of which fails.
version: Exchange2010SP1
duration: 1h
topology:
  servers:
    - {name: HUB1, roles: [HubTransport]}
    - {name: HUB2, roles: [HubTransport]}
    - {name: MBX1, roles: [Mailbox]}
  databases: [{name: DB1, copies: [MBX1]}]
  mailboxes: [{address: user1@contoso.com, database: DB1}, {address: user2@contoso.com, database: DB1}]
  internet: {inbound: [HUB1, HUB2]}
traffic:
  - {from: "*@fabrikam.net", to: "*@contoso.com", perHour: 3000}
steps:
  - {at: 10m, run: "Dismount-Database -Identity DB1 -Confirm:$false"}
  - {at: 20m, fault: "crash HUB1 lose-queue"}
  - {at: 25m, fault: "start HUB1"}
  - {at: 30m, run: "Mount-Database -Identity DB1"}
expect: {lost: ">0"}
`))
	require.NoError(t, err)
	r, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.Greater(t, len(r.Verdict.Fates), 2000)
	page := pageOf(t, r)
	again, err := scenarios.Run(sc, scenarios.Options{})
	require.NoError(t, err)
	require.True(t, page == pageOf(t, again), "same run, same bytes")
	require.Less(t, len(page), 1<<20)
	require.LessOrEqual(t, strings.Count(page, `<g class="path `), maxPaths)
	requireHas(t, page, fmt.Sprintf("Paths are drawn for %d of", maxPaths))
	require.Greater(t, strings.Count(page, `class="path lost"`), maxPaths/2, "lost messages get most of the paths")
	require.Greater(t, strings.Count(page, `class="path delivered`), 0, "and delivered ones are drawn too")
	require.LessOrEqual(t, strings.Count(page, "<li id="), maxNarration)
	requireHas(t, page, `FAULT: crash HUB1 lose-queue`) // steps and faults always keep their line
	requireHas(t, page, `[PS] Mount-Database -Identity DB1`)
	requireHas(t, page, `class="marker lost`)
	requireHas(t, page, "narration lines about individual messages are left out")
	requireOffline(t, page)
}

// A result without a scenario is an error, not a panic.
func TestHTMLRejectsEmptyResult(t *testing.T) {
	var b bytes.Buffer
	require.Error(t, WriteHTML(&b, &scenarios.Result{}))
	var nilResult *scenarios.Result
	require.Error(t, WriteHTML(&b, nilResult))
}

// manyResult is a run of n messages, each a single point of failure on EX1 for one
// second and then lost: the worst case for the page's size.
func manyResult(n int) *scenarios.Result {
	sc := &scenarios.Scenario{Name: "many", Description: "many losses", Start: scenarios.DefaultStart, Duration: time.Hour}
	sc.Topology.Servers = []scenarios.ServerSpec{{Name: "EX1", Version: "Exchange2016"}, {Name: "EX2", Version: "Exchange2016"}}
	r := &scenarios.Result{Scenario: sc, Seed: 1, End: time.Hour}
	for m := 1; m <= n; m++ {
		at := time.Duration(m) * time.Hour / time.Duration(n+1)
		msg := transport.Msg{Message: m}
		r.Journal = append(r.Journal,
			sim.Record{At: at, Kind: "transport.submit", Data: transport.OutboxWaiting{Msg: msg, From: "a@contoso.com", Service: "Mailbox Transport Submission service"}},
			sim.Record{At: at, Kind: logs.KindTracking, Server: "EX1", Data: logs.TrackingEvent{At: at, Server: "EX1", Message: m, EventID: logs.EventReceive, Recipients: []string{"a@contoso.com"}}},
			sim.Record{At: at, Kind: "transport.spof", Server: "EX1", Data: transport.SPOFOpened{Msg: msg, Server: "EX1"}},
			sim.Record{At: at + time.Second, Kind: "transport.lost", Server: "EX1", Data: transport.MessageLost{Msg: msg, Recipient: "a@contoso.com", Fault: "crash EX1 lose-queue"}})
		r.Verdict.Fates = append(r.Verdict.Fates, transport.Fate{Message: m, Recipient: "a@contoso.com", Fate: transport.Lost, Server: "EX1", Reason: "crash EX1 lose-queue"})
		r.Verdict.SPOF = append(r.Verdict.SPOF, transport.SPOFWindow{Message: m, Server: "EX1", From: at, To: at + time.Second})
	}
	for i := range r.Journal {
		r.Journal[i].Seq = i
	}
	r.Verdict.Lost = n
	return r
}

// Many short windows and losses are merged at the drawing's resolution, so even a
// run that loses every one of 20,000 messages gives a page under 1 MB.
func TestHTMLMergesManyWindowsAndLosses(t *testing.T) {
	for _, n := range []int{2000, 20000} { // windows apart, and overlapping
		page := pageOf(t, manyResult(n))
		require.Less(t, len(page), 1<<20, n)
		require.LessOrEqual(t, strings.Count(page, `<rect class="spof"`), 10, n)
		require.LessOrEqual(t, strings.Count(page, `class="marker lost`), hPlotW/8+1, n)
		require.LessOrEqual(t, strings.Count(page, "<li id="), maxNarration+1, n)
		requireHas(t, page, "✕ ")
		t.Logf("%d messages: %d bytes", n, len(page))
	}
}

const propScenario = `name: prop
description: Two hubs and a mailbox server under Poisson internet mail.
version: Exchange2010SP1
duration: 1h
topology:
  servers:
    - {name: HUB1, roles: [HubTransport]}
    - {name: HUB2, roles: [HubTransport]}
    - {name: MBX1, roles: [Mailbox]}
  databases: [{name: DB1, copies: [MBX1]}]
  mailboxes: [{address: user1@contoso.com, database: DB1}]
  internet: {inbound: [HUB1, HUB2]}
traffic:
  - {from: "*@fabrikam.net", to: "*@contoso.com", perHour: 120}
expect: {lost: ">=0"}
`

// Property: the queue depths the page replays never go below zero, and when the
// verdict has no stuck message every queue and shadow count ends at zero: the view's
// bookkeeping agrees with transport's ledger whatever the seed and the faults.
func TestHTMLQueueDepthAgreesWithVerdict(t *testing.T) {
	sc, err := scenarios.Parse("prop.yaml", []byte(propScenario))
	require.NoError(t, err)
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		var steps []scenarios.Step
		for i, n := 0, rapid.IntRange(0, 3).Draw(t, "faults"); i < n; i++ {
			server := rapid.SampledFrom([]string{"HUB1", "HUB2", "MBX1"}).Draw(t, "server")
			verb := rapid.SampledFrom([]string{"crash %s", "crash %s lose-queue", "stop %s"}).Draw(t, "verb")
			at := time.Duration(rapid.IntRange(1, 39).Draw(t, "at")) * time.Minute
			down := time.Duration(rapid.IntRange(1, 20).Draw(t, "down")) * time.Minute
			for j, line := range []string{fmt.Sprintf(verb, server), "start " + server} {
				f, err := fault.Parse(line)
				if err != nil {
					t.Fatal(err)
				}
				steps = append(steps, scenarios.Step{At: at + time.Duration(j)*down, Text: line, Fault: &f})
			}
		}
		r, err := scenarios.Run(sc, scenarios.Options{Seed: &seed, Steps: steps, Settle: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		for server, ds := range journalBuild(r).queues() {
			for _, d := range ds {
				if d.Q < 0 || d.S < 0 {
					t.Fatalf("%s holds %d queued and %d shadow copies at %s", server, d.Q, d.S, d.At)
				}
			}
			if last := ds[len(ds)-1]; r.Verdict.Stuck == 0 && (last.Q != 0 || last.S != 0) {
				t.Fatalf("nothing is stuck, yet %s ends with %d queued and %d shadow copies", server, last.Q, last.S)
			}
		}
	})
}

// A long series is kept to one value per pixel column, holding the column's peak and
// starting at its first change (so the slider shows 0 before anything happened).
func TestHTMLBucketKeepsPeaksAndStart(t *testing.T) {
	b := &hbuild{end: time.Hour}
	var ds []depth
	for i := 0; i < 3*maxSeries; i++ {
		ds = append(ds, depth{At: 5*time.Second + time.Duration(i)*time.Second/4, Q: i % 7, S: i % 3})
	}
	got := bucket(ds, b)
	require.LessOrEqual(t, len(got), hPlotW+1)
	require.Equal(t, 5*time.Second, got[0].At)
	for i := 1; i < len(got); i++ {
		require.Less(t, got[i-1].At, got[i].At)
		if got[i].At < ds[len(ds)-1].At-time.Minute { // columns that see every value
			require.Equal(t, 6, got[i].Q)
			require.Equal(t, 2, got[i].S)
		}
	}
	require.Equal(t, ds[:maxSeries], bucket(ds[:maxSeries], b), "short series are kept exactly")
}

// In every built-in scenario where nothing is stuck, the queue depth the page draws
// ends at zero on every server: every message that entered a queue left it (this
// caught 2013+ mailbox submissions counted twice).
func TestHTMLQueueDepthsEndAtZeroWhenNothingIsStuck(t *testing.T) {
	list, err := scenarios.Builtins()
	require.NoError(t, err)
	for _, bi := range list {
		res := runBuiltin(t, bi.Name)
		if res.Verdict.Stuck > 0 {
			continue
		}
		for server, ds := range journalBuild(res).queues() {
			if len(ds) > 0 && bi.Name == "dag-maintenance" {
				require.Zero(t, ds[len(ds)-1].S, "%s: %s ends with shadow copies after every HADISCARD", bi.Name, server)
			}
			if len(ds) > 0 {
				require.Zero(t, ds[len(ds)-1].Q, "%s: %s ends with queued messages", bi.Name, server)
			}
		}
	}
}

// seqs are the journal positions a page names; a run whose tracking rows went to the
// stream numbers its other records differently.
var seqs = regexp.MustCompile(`(id="n|data-seq="|"seq":)-?\d+"?`)

// streamedPage is the page `exsim run --html` writes of sc: the census rides on
// the run with options o, and the page's pass reruns it keeping only a verdict.
func streamedPage(t testing.TB, sc *scenarios.Scenario, o scenarios.Options) (string, *scenarios.Result) {
	t.Helper()
	s := NewHTMLStream(sc)
	first := o
	first.Taps = append(slices.Clone(o.Taps), s.Tap())
	r, err := scenarios.Run(sc, first)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, s.Write(&b, r, func(tap sim.Tap) (*scenarios.Result, error) {
		again := o
		again.Outputs, again.Taps = scenarios.VerdictOutput, []sim.Tap{tap}
		return scenarios.Run(sc, again)
	}))
	return b.String(), r
}

// The streamed page is the page of the whole journal: same lanes, queues, paths
// and narration; only the journal positions that link them differ (the whole
// journal also numbers the protocol rows).
func TestHTMLStreamGivesTheSamePage(t *testing.T) {
	for _, name := range []string{"hub-failure", "shadow-promotion", "dag-maintenance", "component-states", "dag-message-tracking"} {
		sc, err := scenarios.Open(name)
		require.NoError(t, err)
		full, err := scenarios.Run(sc, scenarios.Options{})
		require.NoError(t, err)
		got, _ := streamedPage(t, sc, scenarios.Options{Outputs: scenarios.VerdictOutput})
		requireSamePage(t, name, masked(pageOf(t, full)), masked(got))
	}
}

// The census takes nothing from the run's journal and adds nothing to it: the
// journal keeps what the run's other outputs read, as without --html.
func TestHTMLStreamLeavesTheJournalAsItIs(t *testing.T) {
	for _, name := range []string{"hub-failure", "dag-message-tracking"} {
		sc, err := scenarios.Open(name)
		require.NoError(t, err)
		for _, outs := range []scenarios.Outputs{scenarios.VerdictOutput, scenarios.VerdictOutput | scenarios.NarrationOutput} {
			plain, err := scenarios.Run(sc, scenarios.Options{Outputs: outs})
			require.NoError(t, err)
			_, r := streamedPage(t, sc, scenarios.Options{Outputs: outs})
			require.Equal(t, plain.Journal, r.Journal, "%s: outputs %b", name, outs)
		}
	}
}

// A page's pass that does not replay the census's run is an error, not a wrong page.
func TestHTMLStreamRefusesAnotherRun(t *testing.T) {
	sc, err := scenarios.Open("hub-failure")
	require.NoError(t, err)
	s := NewHTMLStream(sc)
	r, err := scenarios.Run(sc, scenarios.Options{Outputs: scenarios.VerdictOutput, Taps: []sim.Tap{s.Tap()}})
	require.NoError(t, err)
	err = s.Write(io.Discard, r, func(tap sim.Tap) (*scenarios.Result, error) {
		crash, err := fault.Parse("crash FAB-RED-HUB2")
		require.NoError(t, err)
		return scenarios.Run(sc, scenarios.Options{Outputs: scenarios.VerdictOutput, Taps: []sim.Tap{tap},
			Steps: []scenarios.Step{{At: time.Minute, Text: "crash FAB-RED-HUB2", Fault: &crash}}})
	})
	require.ErrorContains(t, err, "not the run's")
}
