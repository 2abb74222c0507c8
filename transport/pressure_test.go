package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of back pressure, each named after its fact in exchange-stress.md section 1.

func pressureHarness(t *testing.T, v Version) *harness {
	top, w := twoMemberSite(v)
	return newHarness(t, top, w)
}

// twoMemberSite is EX1 and EX2 of version v in DAG1 in one site, DB1 mounted on EX1
// with user@contoso.com in it, and the internet sending to EX1.
func twoMemberSite(v Version) (Topology, *world) {
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	top := Topology{
		Servers: []ServerSpec{
			{Name: "EX1", Site: "S1", Version: v, Roles: roles(v), DAG: "DAG1"},
			{Name: "EX2", Site: "S1", Version: v, Roles: roles(v), DAG: "DAG1"},
		},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Inbound:   []string{"EX1"},
	}
	return top, w
}

func roles(v Version) []string {
	if v.Is2010() {
		return []string{"Mailbox", "HubTransport"}
	}
	return []string{"Mailbox"}
}

func pressureEvents(h *harness) []PressureChanged {
	var out []PressureChanged
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(PressureChanged); ok {
			out = append(out, e)
		}
	}
	return out
}

// fact: exchange-stress.md 1.2: DatabaseUsedSpace transitions 96/99/97/94 (2016+); 1.4/1.5: 2010 and 2013
// thresholds high, high-2, high-4 (99/97/95 on a large drive), read as the same
// machine. Entering a level needs its threshold, leaving it the lower one.
func TestPressureTransitionsHaveHysteresis(t *testing.T) {
	cases := []struct {
		v     Version
		steps []int
		want  []Level
	}{
		{Exchange2016, []int{95, 96, 98, 99, 98, 97, 96, 95, 94, 93}, []Level{Low, Medium, Medium, High, High, High, Medium, Medium, Medium, Low}},
		{Exchange2019, []int{100, 93}, []Level{High, Low}},
		{Exchange2013, []int{96, 97, 99, 98, 96, 95, 94}, []Level{Low, Medium, High, High, Medium, Medium, Low}},
		{Exchange2010SP1, []int{97, 94}, []Level{Medium, Low}},
	}
	for _, c := range cases {
		tr := thresholds(c.v, DatabaseUsedSpace)
		l := Low
		for i, x := range c.steps {
			l = tr.next(l, x)
			require.Equal(t, c.want[i], l, "%s step %d (%d%%)", c.v, i, x)
		}
	}
}

// fact: exchange-stress.md 1.2 live example: SystemMemory High at 92 stays High until it drops below
// HighToMedium 89 (MediumToHigh=94 HighToMedium=89 LowToMedium=88 MediumToLow=84).
func TestSystemMemoryStaysHighUntilBelowHighToMedium(t *testing.T) {
	tr := thresholds(Exchange2019, SystemMemory)
	require.Equal(t, transitions{88, 94, 89, 84}, tr)
	require.Equal(t, High, tr.next(High, 92))
	require.Equal(t, Medium, tr.next(High, 88))
	require.Equal(t, "[PressureTransitions: MediumToHigh=94 HighToMedium=89 LowToMedium=88 MediumToLow=84]", transitionText(Exchange2019, SystemMemory))
}

// fact: exchange-stress.md 1.2: the documented defaults of each 2016+ resource;
// exchange-stress.md 1.4, 1.5 and §Conflicts: the 2013 and 2010 values exsim chose.
func TestPressureDefaultsPerResource2016(t *testing.T) {
	want := map[Resource]transitions{
		DatabaseUsedSpace:     {96, 99, 97, 94},
		PrivateBytes:          {72, 75, 73, 71},
		SystemMemory:          {88, 94, 89, 84},
		UsedVersionBuckets:    {999, 1500, 1000, 800},
		SubmissionQueueLength: {9999, 15000, 10000, 2000},
	}
	for r, tr := range want {
		require.Equal(t, tr, thresholds(Exchange2016, r), meterName(Exchange2016, r))
	}
	// 2013 (1.4): version buckets 2500/2000/1750, Submission queue 10000/4000/2000
	require.Equal(t, transitions{2000, 2500, 2000, 1750}, thresholds(Exchange2013, UsedVersionBuckets))
	require.Equal(t, transitions{4000, 10000, 4000, 2000}, thresholds(Exchange2013, SubmissionQueueLength))
	// 2010 as its events log them (1.5): [Normal=80 Medium=120 High=200]
	require.Equal(t, "[Normal=80 Medium=120 High=200]", transitionText(Exchange2010SP1, UsedVersionBuckets))
	require.Equal(t, "[Normal=95% Medium=97% High=99%]", transitionText(Exchange2010SP1, DatabaseUsedSpace))
}

// fact: exchange-stress.md 1.3/1.6: DatabaseUsedSpace at Medium rejects incoming messages from
// non-Exchange servers with 452 4.3.1 Insufficient system resources; the internet
// sender keeps the message and retries, and it is delivered once the drive is freed.
func TestQueueDriveMediumRefusesInternetWith452(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Second, func() {
		// both Transport services: EX1's front end would proxy to one without pressure
		// (TestFrontEndProxiesAroundABackEndUnderBackPressure)
		require.NoError(t, h.o.SetResourceUse("EX1", DatabaseUsedSpace, 96))
		require.NoError(t, h.o.SetResourceUse("EX2", DatabaseUsedSpace, 96))
	})
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.at(20*time.Minute, func() {
		require.NoError(t, h.o.ReleaseResources("EX1"))
		require.NoError(t, h.o.ReleaseResources("EX2"))
	})
	h.run(2 * time.Hour)
	var refused []MailFromRefused
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(MailFromRefused); ok {
			refused = append(refused, e)
		}
	}
	require.NotEmpty(t, refused)
	require.Equal(t, "452 4.3.1 Insufficient system resources", refused[0].Reply)
	require.Contains(t, refused[0].Why, `DatabaseUsedSpace[C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\data\Queue] = 96% [Medium]`)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Equal(t, 0, v.Lost)
	require.Greater(t, v.Fates[0].Latency, 15*time.Minute, "delivered only after the sender's retry past the release")
	var ev []PressureChanged
	for _, e := range pressureEvents(h) {
		if e.Server == "EX1" {
			ev = append(ev, e)
		}
	}
	require.Len(t, ev, 4) // DatabaseUsedSpace and UsedDiskSpace[Queue], up and down
	require.Equal(t, 15004, ev[0].EventID)
	require.Equal(t, "Low", ev[0].From)
	require.Equal(t, "Medium", ev[0].To)
	require.Equal(t, 15004, ev[1].EventID) // UsedDiskSpace[...\Queue], the same drive
	require.Equal(t, 15005, ev[2].EventID)
	rej := 0
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(PressureRejecting); ok {
			require.Equal(t, 15006, e.EventID)
			require.Contains(t, e.Disabled, "Inbound mail submission from the Internet")
			rej++
		}
	}
	require.Equal(t, 2, rej, "15006 once on each server")
}

// fact: exchange-stress.md 1.3: at Medium (2016+) a server still accepts SMTP from other Exchange servers;
// at High it rejects them too, and the sending queue goes to Retry with the 452.
func TestQueueDriveHighRefusesOtherExchangeServers(t *testing.T) {
	for _, c := range []struct {
		pct     int
		refused bool
	}{{97, false}, {99, true}} {
		h := pressureHarness(t, Exchange2016)
		h.w.active["DB1"] = "EX2"
		h.w.mounted["DB1"] = true
		// EX1 takes the mail from the internet and relays nothing itself: the database
		// is on EX2, so it delivers over SMTP to EX2's Mailbox Transport Delivery
		// (not refused by back pressure) — use a relay instead: Redirect-Message.
		h.at(time.Second, func() { require.NoError(t, h.o.SetResourceUse("EX2", DatabaseUsedSpace, c.pct)) })
		h.at(time.Minute, func() {
			_, err := h.o.Submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}})
			require.NoError(t, err)
		})
		h.run(10 * time.Minute)
		got := false
		for _, r := range h.s.Journal().Records() {
			if e, ok := r.Data.(PressureActions); ok && e.Server == "EX2" {
				got = got || contains(e.Disabled, "Inbound mail submission from other Exchange servers")
			}
		}
		require.Equal(t, c.refused, got, "%d%%", c.pct)
		require.Equal(t, c.refused, h.o.byName["ex2"].refuses(refuseExchange))
		require.True(t, h.o.byName["ex2"].refuses(refuseInternet))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fact: exchange-stress.md 1.3: "Shadow Redundancy rejects messages" at Medium (2016+): a primary whose
// only shadow server is under pressure accepts the message unprotected
// (RejectMessageOnShadowFailure $false, 1.9).
func TestShadowRedundancyRejectsMessagesAtMedium(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Second, func() { require.NoError(t, h.o.SetResourceUse("EX2", DatabaseUsedSpace, 96)) })
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	h.run(10 * time.Minute)
	require.Empty(t, shadowsOf(h))
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.NotEmpty(t, h.o.Verdict().SPOF)
}

// fact: exchange-stress.md 1.3 (2016+): SystemMemory Medium/High only dehydrates: it blocks no mail flow.
func TestSystemMemoryDoesNotBlockMailFlow(t *testing.T) {
	h := pressureHarness(t, Exchange2019)
	srv := h.o.byName["ex1"]
	h.o.sample(srv, SystemMemory, 95)
	require.Equal(t, High, srv.bp.meters[SystemMemory].level)
	require.Equal(t, dehydrate, srv.bp.refuse)
}

// fact: exchange-stress.md 1.2/1.3: PrivateBytes (EdgeTransport.exe memory) at High rejects everything new,
// including the mailbox submission service; event 15007 says so. A restart of the
// service gives the memory back.
func TestPrivateBytesHighRefusesSubmissionAndLogs15007(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Second, func() { require.NoError(t, h.o.SetResourceUse("EX1", PrivateBytes, 95)) })
	h.at(time.Minute, func() { h.submit(Message{From: "user@contoso.com", To: []string{"user@contoso.com"}, Origin: "EX1"}) })
	h.at(10*time.Minute, func() { require.NoError(t, h.o.RestartService("EX1", "MSExchangeTransport")) })
	h.run(30 * time.Minute)
	refused := h.records("transport.submit", "#1")
	n := 0
	for _, r := range refused {
		if _, ok := r.Data.(SubmissionRefused); ok {
			n++
		}
	}
	require.Greater(t, n, 3, "the Outbox retries every minute while EX1 refuses")
	var ids []int
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(PressureRejecting); ok {
			ids = append(ids, e.EventID)
		}
	}
	require.Equal(t, []int{15007}, ids)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Equal(t, Low, h.o.byName["ex1"].bp.meters[PrivateBytes].level)
}

// fact: exchange-stress.md 1.3: version buckets first tarpit; only after VersionBucketsHistoryDepth (10
// intervals of 2 s) at Medium do they reject non-Exchange servers.
func TestVersionBucketsRejectOnlyAfterHistoryDepth(t *testing.T) {
	h := pressureHarness(t, Exchange2010SP1)
	srv := h.o.byName["ex1"]
	h.at(time.Second, func() { h.o.sample(srv, UsedVersionBuckets, 150) })
	h.at(10*time.Second, func() { require.False(t, srv.refuses(refuseInternet), "tarpitting, not refusing yet") })
	h.at(22*time.Second, func() { require.True(t, srv.refuses(refuseInternet), "after 20 s at Medium") })
	h.run(time.Minute)
	require.Equal(t, Medium, srv.bp.meters[UsedVersionBuckets].level)
}

// fact: exchange-stress.md 1.1: EnableResourceMonitoring false turns back pressure off (read at the
// service's start).
func TestEnableResourceMonitoringFalseDisablesBackPressure(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	require.NoError(t, h.o.SetEdgeTransportConfig("EX1", "EnableResourceMonitoring", "false"))
	require.NoError(t, h.o.SetResourceUse("EX1", DatabaseUsedSpace, 100))
	require.False(t, h.o.byName["ex1"].refuses(refuseInternet|refuseExchange))
	require.Empty(t, pressureEvents(h))
}

// fact: exchange-stress.md 1.7: Get-ExchangeDiagnosticInfo -Process EdgeTransport -Component
// ResourceThrottling shows a ResourceMeter per resource with CurrentResourceUse,
// PreviousResourceUse, PressureTransitions and Pressure, the observers and the
// configuration; a 2019 server has no QueueLength[SubmissionQueue] meter, a 2016 one
// does.
func TestResourceThrottlingDiagnosticShape(t *testing.T) {
	for _, v := range []Version{Exchange2016, Exchange2019} {
		h := pressureHarness(t, v)
		h.at(time.Minute, func() { require.NoError(t, h.o.SetResourceUse("EX1", DatabaseUsedSpace, 99)) })
		h.run(90 * time.Minute)
		out, err := h.o.ResourceThrottling("EX1")
		require.NoError(t, err)
		require.Equal(t, v == Exchange2016, strings.Contains(out, `<ResourceMeter Resource="QueueLength[SubmissionQueue]">`))
		golden(t, "resource-throttling-"+string(v), out)
	}
}

// exchange-2013-pipeline.md 1.5 with exchange-stress.md 1.3: Front End Transport picks
// a Transport service that takes the mail, so a back end whose back pressure refuses
// internet mail is passed over for another of the delivery group, and the sender sees
// no refusal.
func TestFrontEndProxiesAroundABackEndUnderBackPressure(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Second, func() { require.NoError(t, h.o.SetResourceUse("EX1", DatabaseUsedSpace, 96)) })
	for i := 1; i <= 6; i++ {
		h.at(time.Duration(i)*time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}}) })
	}
	h.run(time.Hour)
	for _, r := range h.s.Journal().Records() {
		_, refused := r.Data.(MailFromRefused)
		require.False(t, refused, "%s", r.Text())
	}
	v := h.o.Verdict()
	require.Equal(t, 6, v.Delivered)
	for _, f := range v.Fates {
		require.Less(t, f.Latency, time.Minute, "no sender retried")
	}
}
