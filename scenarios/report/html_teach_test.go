package report

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/scom"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// unknownPayload stands for an event another package adds later.
type unknownPayload struct{}

func (unknownPayload) Kind() string    { return "future.event" }
func (unknownPayload) Narrate() string { return "something new happened" }

// The level of a line comes from its payload's type: the admin's steps, faults,
// state changes, moves, takeovers, losses, SPOF windows and alerts are the story;
// routine traffic is detail, and so is a type the list does not know yet.
func TestStoryLevelComesFromThePayloadType(t *testing.T) {
	for _, c := range []struct {
		p    sim.Payload
		want string
	}{
		{scenarios.StepRun{Step: "Get-Queue"}, "story"},
		{scenarios.FaultInjected{Fault: "crash EX1"}, "story"},
		{components.StateSet{Component: "HubTransport", After: components.Draining}, "story"},
		{components.ServiceReadState{Service: "MSExchangeTransport", State: components.Draining}, "story"},
		{dag.Activation{Database: "DB1", From: "EX1", To: "EX2"}, "story"},
		{dag.CopyChange{Database: "DB1", Server: "EX1", From: "Healthy", To: "ServiceDown"}, "story"},
		{transport.MessageLost{}, "story"},
		{transport.SPOFOpened{}, "story"},
		{transport.ShadowTakeover{}, "story"},
		{transport.Redirected{Server: "EX1", Target: "EX2"}, "story"},
		{scom.Alert{Name: "x"}, "story"},
		{transport.ShadowMade{}, "detail"},
		{transport.OutboxWaiting{}, "detail"},
		{transport.InternetSubmitted{}, "detail"},
		{transport.QueueEvent{Op: transport.QueueToRetry}, "story"},
		{transport.DeliveryDeferred{}, "detail"},
		{transport.AckDelayed{}, "detail"},
		{transport.MailFromRefused{}, "detail"},
		{scom.ProbeSent{}, "detail"},
		{unknownPayload{}, "detail"},
	} {
		require.Equal(t, c.want, storyLevel(sim.Record{Data: c.p}), "%T", c.p)
	}
	require.Equal(t, "detail", storyLevel(sim.Record{Kind: "x"}), "no payload")
}

// A step's label keeps the cmdlet and the values that say what it does.
func TestShortStepLabels(t *testing.T) {
	for in, want := range map[string]string{
		"Set-ServerComponentState EX1 -Component HubTransport -State Draining -Requester Maintenance": "Set-ServerComponentState EX1 HubT…",
		`.\StartDagServerMaintenance.ps1 -ServerName EX1 -MoveComment Maintenance`:                    "StartDagServerMaintenance.ps1 EX1",
		"Redirect-Message -Server EX1 -Target EX2.contoso.com -Confirm:$false":                        "Redirect-Message EX1 EX2.contoso.…",
		"Get-Queue":      "Get-Queue",
		"stop EX1":       "stop EX1",
		"Mount-Database": "Mount-Database",
	} {
		require.Equal(t, want, shortStep(in), in)
	}
}

// lanesOf returns each server's rows as "label: text@from-to" strings, minutes.
func lanesOf(t *testing.T, r *scenarios.Result) map[string][]string {
	t.Helper()
	b := journalBuild(r)
	out := map[string][]string{}
	rows := b.laneRows()
	for _, n := range b.names {
		for _, row := range rows.rows[n] {
			for _, bd := range row.bands {
				out[n] = append(out[n], row.label+": "+bd.text+"@"+strconv.Itoa(int(bd.from/time.Minute))+"-"+strconv.Itoa(int(bd.to/time.Minute)))
			}
		}
	}
	return out
}

// A transport service reads its component state only when it starts (event 7009):
// on dag-maintenance EX1's MSExchangeTransport runs Draining from its restart at
// 20:10, is down with the server from 20:20 to 20:35, runs Inactive from then until
// its restart at 20:47; Front End Transport, started during the reboot, runs Inactive
// too until its own restart. The components themselves change when they are set.
func TestHTMLTransportRunsWithTheStateItReadAtStart(t *testing.T) {
	// fact: exchange-dag-components.md §1.6: Transport picks up HubTransport changes only after a service restart; event 7009 logs the state it retrieved.
	rows := lanesOf(t, htmlRun(t, "dag-maintenance"))
	for _, want := range []string{
		"MSExchangeTransport: Draining@10-20",
		"MSExchangeTransport: server stopped@20-35",
		"MSExchangeTransport: Inactive@35-47",
		"MSExchangeFrontEndTransport: server stopped@20-35",
		"MSExchangeFrontEndTransport: Inactive@35-47",
		"HubTransport: Draining@10-47",
		"ServerWideOffline: Inactive@15-45",
		"HighAvailability: Inactive@12-46",
		"cluster node: paused@12-46",
		"activation policy: Blocked@12-46",
	} {
		require.Contains(t, rows["EX1"], want)
	}
}

// The databases' moves show on both lanes: DB1 is active on EX1 until
// StartDagServerMaintenance.ps1 moves it to EX2 at 20:12, and back on EX1 when
// PreferenceMoveFrequency rebalances it at 21:00; EX1's copies are ServiceDown while
// it reboots.
func TestHTMLDatabaseMovesShowOnBothLanes(t *testing.T) {
	// fact: exchange-dag-components.md §2.3: StartDagServerMaintenance.ps1 moves the active copies off the server.
	// fact: exchange-dag-components.md §3.1: database copy status values (ServiceDown, Initializing, Healthy, Mounted).
	rows := lanesOf(t, htmlRun(t, "dag-maintenance"))
	require.Contains(t, rows["EX1"], "DB1 copy: active (Mounted)@0-12")
	require.Contains(t, rows["EX2"], "DB1 copy: active (Mounted)@12-60")
	require.Contains(t, rows["EX1"], "DB1 copy: active (Mounted)@60-120")
	for _, db := range []string{"DB1", "DB2", "DB3"} {
		require.Contains(t, rows["EX1"], db+" copy: ServiceDown@20-35")
	}
	require.Empty(t, rows["EX3"], "nothing happens to EX3: no rows")
}

// Steps closer than the drawing can tell apart share one numbered marker, and no
// two labels on a row of the steps lane overlap (measured generously).
func TestHTMLStepMarkersCollapseAndLabelsDoNotOverlap(t *testing.T) {
	for _, name := range []string{"dag-maintenance", "hub-failure", "scripted-maintenance", "mailflow-maintenance-mode"} {
		p := buildPage(htmlRun(t, name))
		total := 0
		for _, m := range p.Admin {
			total += m.Count
			require.NotEmpty(t, m.Title)
			require.Equal(t, m.Count, strings.Count(m.Title, "\n")+1, "%s: the tooltip lists every step of a marker", name)
		}
		require.Equal(t, len(p.Data.Steps), total, name)
		rowEnd := map[string]float64{}
		for _, l := range p.AdminLabels {
			x, err := strconv.ParseFloat(l.X, 64)
			require.NoError(t, err)
			require.GreaterOrEqual(t, x, rowEnd[l.Y], "%s: label %q runs into the previous one on its row", name, l.Label)
			rowEnd[l.Y] = x + float64(len([]rune(l.Label)))*hCharW
		}
	}
	p := buildPage(htmlRun(t, "dag-maintenance"))
	require.Less(t, len(p.Admin), len(p.Data.Steps), "the steps at 20:10 and 20:47 share markers")
}

// The verdict links to what explains it: on hub-failure each lost message to the
// crash that destroyed it and each SPOF window to its start on HUB1's lane; a failed
// expectation links to the end of the run, where it was judged.
func TestHTMLVerdictLinksToTheMomentsThatExplainIt(t *testing.T) {
	r := htmlRun(t, "hub-failure")
	page := pageOf(t, r)
	crash := (20 * time.Minute).Milliseconds()
	for _, m := range []int{1, 2} {
		requireHas(t, page, `data-kind="lost" data-t="`+strconv.FormatInt(crash, 10)+`"`)
		requireHas(t, page, "#"+strconv.Itoa(m)+" lost on FAB-RED-HUB1 at 09:20:00.000")
	}
	for _, w := range r.Verdict.SPOF {
		requireHas(t, page, `data-kind="spof" data-t="`+strconv.FormatInt(w.From.Milliseconds(), 10)+`" data-seq="-1" data-msg="`+strconv.Itoa(w.Message)+`" data-server="FAB-RED-HUB1"`)
	}
	ev := evilResult("EX1")
	p := buildPage(ev)
	require.Equal(t, "failed", p.Links[len(p.Links)-1].Kind)
	require.Equal(t, p.EndT, p.Links[len(p.Links)-1].T)
}
