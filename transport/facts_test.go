package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that pin sourced facts of exchange-transport.md, each named after its fact
// (issue 24: every one was broken by hand and the test failed; see the commit).

// shadowsOf lists the shadow servers of every ShadowMade record, in journal order.
func shadowsOf(h *harness) []string {
	var out []string
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(ShadowMade); ok {
			out = append(out, e.On)
		}
	}
	return out
}

// promotedOn lists the servers of every Promoted record (Shadow Redundancy Promotion).
func promotedOn(h *harness) []string {
	var out []string
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(Promoted); ok {
			out = append(out, e.Server)
		}
	}
	return out
}

// mailbox2016 is a 2016 Mailbox server spec.
func mailbox2016(name, site, dag string) ServerSpec {
	return ServerSpec{Name: name, Site: site, Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: dag}
}

// sendEveryMinute submits n internet messages to user@contoso.com, one a minute.
func sendEveryMinute(h *harness, n int) {
	for i := 0; i < n; i++ {
		h.at(time.Duration(i+1)*time.Minute, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: "s"})
		})
	}
}

// fact: exchange-transport.md §2.1 and §2.2 (requirements; step 2): the transport high
// availability boundary is the DAG in DAG environments, otherwise the AD site. A DAG
// member makes its shadows on other members of its DAG (same or other site), never on
// a non-member of its site; a server outside any DAG uses the servers of its site.
func TestShadowBoundaryIsTheDAGForMembersAndTheSiteOtherwise(t *testing.T) {
	cases := []struct {
		name    string
		servers []ServerSpec
		inbound string
		want    []string // the only servers allowed to hold the shadows
	}{
		{"single-site DAG beside a non-member", []ServerSpec{
			mailbox2016("EX1", "S1", "DAG1"), mailbox2016("EX2", "S1", "DAG1"), mailbox2016("EX3", "S1", ""),
		}, "EX1", []string{"EX2"}},
		{"stretched DAG: the remote member, not the local non-member", []ServerSpec{
			mailbox2016("EX1", "S1", "DAG1"), mailbox2016("EX2", "S2", "DAG1"), mailbox2016("EX3", "S1", ""),
		}, "EX1", []string{"EX2"}},
		{"another DAG of the same site is outside the boundary", []ServerSpec{
			mailbox2016("EX1", "S1", "DAG1"), mailbox2016("EX2", "S1", "DAG1"),
			mailbox2016("EX3", "S1", "DAG2"), mailbox2016("EX4", "S1", "DAG2"),
		}, "EX1", []string{"EX2"}},
		{"no DAG: the other servers of the site, not another site", []ServerSpec{
			mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", ""), mailbox2016("EX3", "S2", ""),
		}, "EX1", []string{"EX2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top := Topology{Servers: c.servers, Inbound: []string{c.inbound},
				Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}}}
			w := newWorld()
			w.active["DB1"], w.mounted["DB1"] = c.inbound, false // queued: the shadows stay
			w.backEnd = c.inbound
			h := newHarness(t, top, w)
			sendEveryMinute(h, 6) // enough to go round every candidate
			h.run(10 * time.Minute)
			got := shadowsOf(h)
			require.Len(t, got, 6)
			for _, s := range got {
				require.Contains(t, c.want, s)
			}
		})
	}
}

// stretchedDAG is a 2016 DAG of two members in S1 (EX1, EX2) and two in S2 (EX3,
// EX4); internet mail arrives at EX1; DB1 is dismounted on EX1, so messages queue.
func stretchedDAG() (Topology, *world) {
	top := Topology{
		Servers: []ServerSpec{mailbox2016("EX1", "S1", "DAG1"), mailbox2016("EX2", "S1", "DAG1"),
			mailbox2016("EX3", "S2", "DAG1"), mailbox2016("EX4", "S2", "DAG1")},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Inbound:   []string{"EX1"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", false
	w.backEnd = "EX1" // the Front End Transport service proxies to EX1's Transport
	return top, w
}

// fact: exchange-transport.md §2.3 and §2.2 (ShadowMessagePreferenceSetting, default
// PreferRemote, values PreferRemote, LocalOnly, RemoteOnly; step 2): in a DAG that spans
// sites a remote-site member is preferred by default; LocalOnly uses only local-site
// members, RemoteOnly only remote ones; PreferRemote falls back to a local member
// when the remote ones fail.
func TestShadowMessagePreferenceSettingPicksTheSiteOfTheShadow(t *testing.T) {
	cases := []struct {
		setting    string // "" = the default
		remoteDown bool   // EX3 and EX4 crashed
		want       []string
		fail       bool // HAREDIRECTFAIL: no shadow at all
	}{
		{"", false, []string{"EX3", "EX4"}, false},
		{"PreferRemote", false, []string{"EX3", "EX4"}, false},
		{"PreferRemote", true, []string{"EX2"}, false},
		{"LocalOnly", false, []string{"EX2"}, false},
		{"RemoteOnly", false, []string{"EX3", "EX4"}, false},
		{"RemoteOnly", true, nil, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s remoteDown=%v", c.setting, c.remoteDown), func(t *testing.T) {
			top, w := stretchedDAG()
			h := newHarness(t, top, w)
			if c.setting != "" {
				require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "ShadowMessagePreferenceSetting", Value: c.setting}}))
			}
			if c.remoteDown {
				h.o.Crash("EX3", false)
				h.o.Crash("EX4", false)
			}
			sendEveryMinute(h, 4)
			h.run(30 * time.Minute)
			got := shadowsOf(h)
			if c.fail {
				require.Empty(t, got)
				require.Contains(t, trackingPath(h, 1), "EX1 HAREDIRECTFAIL")
				return
			}
			require.Len(t, got, 4)
			for _, s := range got {
				require.Contains(t, c.want, s)
			}
		})
	}
}

// fact: exchange-transport.md §2.3: total shadow attempts are MaxRetriesForRemoteSiteShadow
// (4) + MaxRetriesForLocalSiteShadow (2) under PreferRemote, the local ones only under
// LocalOnly, the remote ones only under RemoteOnly; the setting only matters for a DAG
// that spans sites (a single-site DAG and a server outside a DAG use the local retries).
func TestShadowMessagePreferenceSettingAttemptCounts(t *testing.T) {
	single := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", "DAG1"), mailbox2016("EX2", "S1", "DAG1")}}
	noDAG := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", ""), mailbox2016("EX3", "S2", "")}}
	stretched, _ := stretchedDAG()
	cases := []struct {
		name    string
		top     Topology
		setting string
		nr, nl  int32
	}{
		{"stretched default", stretched, "", 4, 2},
		{"stretched PreferRemote", stretched, "PreferRemote", 4, 2},
		{"stretched LocalOnly", stretched, "LocalOnly", 0, 2},
		{"stretched RemoteOnly", stretched, "RemoteOnly", 4, 0},
		{"single-site DAG RemoteOnly is ignored", single, "RemoteOnly", 0, 2},
		{"single-site DAG PreferRemote", single, "PreferRemote", 0, 2},
		{"no DAG RemoteOnly is ignored", noDAG, "RemoteOnly", 0, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.top, newWorld())
			if c.setting != "" {
				require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "ShadowMessagePreferenceSetting", Value: c.setting}}))
			}
			nr, nl := h.o.shadowCounts(h.o.byName["ex1"])
			require.Equal(t, [2]int32{c.nr, c.nl}, [2]int32{nr, nl})
		})
	}
}

// twoSites2010 is Exchange 2010 SP1: hubs HUB1, HUB2 in site Red (internet mail arrives
// at HUB1), hubs HUB3, HUB4 and mailbox server MBX1 (DB1, mounted) in site Blue.
func twoSites2010() (Topology, *world) {
	hub := func(n, site string) ServerSpec {
		return ServerSpec{Name: n, Site: site, Version: Exchange2010SP1, Roles: []string{"HubTransport"}}
	}
	top := Topology{
		Servers: []ServerSpec{hub("HUB1", "Red"), hub("HUB2", "Red"), hub("HUB3", "Blue"), hub("HUB4", "Blue"),
			{Name: "MBX1", Site: "Blue", Version: Exchange2010SP1, Roles: []string{"Mailbox"}}},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Inbound:   []string{"HUB1"},
	}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "MBX1", true
	return top, w
}

// fact: exchange-transport.md §1.6 (exact routing rule): Shadow Redundancy Promotion
// redirects a message to another hub of the site only if it was NOT received shadowed
// via XSHADOW. HUB1 (promotion off) relays to site Blue over XSHADOW; the Blue hubs
// (promotion on) deliver it straight to the mailbox server and do not redirect it.
func TestShadowRedundancyPromotionDoesNotRedirectAMessageReceivedThroughXSHADOW(t *testing.T) {
	top, w := twoSites2010()
	h := newHarness(t, top, w)
	for _, s := range []string{"HUB3", "HUB4"} {
		require.NoError(t, h.o.SetEdgeTransportConfig(s, "ShadowRedundancyPromotionEnabled", "True"))
	}
	sendEveryMinute(h, 2)
	h.run(30 * time.Minute)
	v := h.o.Verdict()
	require.Equal(t, 2, v.Delivered)
	require.Empty(t, promotedOn(h), "a message received through XSHADOW is not redirected again")
	var xshadow int
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(ShadowMade); ok && e.XShadow && e.Server == "HUB1" {
			xshadow++
		}
	}
	require.Equal(t, 2, xshadow, "HUB1 relayed both with XSHADOW and kept the shadows")
	for id := 1; id <= 2; id++ {
		path := trackingPath(h, id)
		require.NotContains(t, path, "HUB3 HAREDIRECT", "message %d: %v", id, path)
		require.NotContains(t, path, "HUB4 HAREDIRECT", "message %d: %v", id, path)
	}
}

// The control of the test above: the same Blue hub does redirect a message that did not
// come through XSHADOW (internet mail arriving at HUB3 itself), so the test above can
// see a redirect when there is one.
func TestShadowRedundancyPromotionRedirectsAMessageNotReceivedThroughXSHADOW(t *testing.T) {
	top, w := twoSites2010()
	top.Inbound = []string{"HUB3"}
	h := newHarness(t, top, w)
	for _, s := range []string{"HUB3", "HUB4"} {
		require.NoError(t, h.o.SetEdgeTransportConfig(s, "ShadowRedundancyPromotionEnabled", "True"))
	}
	sendEveryMinute(h, 2)
	h.run(30 * time.Minute)
	require.Equal(t, 2, h.o.Verdict().Delivered)
	require.Equal(t, []string{"HUB3", "HUB3"}, promotedOn(h))
}

// safetyNetItems is how many copies srv's Safety Net holds.
func safetyNetItems(h *harness, server string) int {
	return h.o.byName[server].sn.live
}

// fact: exchange-transport.md §2.5: Safety Net doesn't need a DAG (non-DAG servers use
// other Mailbox servers in the AD site), and SafetyNetHoldTime defaults to 2.00:00:00:
// the primary keeps its copy in Primary Safety Net, the shadow server in Shadow Safety
// Net, both for two days, then they are gone.
func TestSafetyNetWorksWithoutADAGAndHoldsCopiesTwoDaysByDefault(t *testing.T) {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", "")},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}}, Inbound: []string{"EX1"}}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	h := newHarness(t, top, w)
	require.Equal(t, 48*time.Hour, time.Duration(h.o.cfgDur(cSafetyNetHoldTime, nil)), "SafetyNetHoldTime default")
	sendEveryMinute(h, 1)
	h.run(time.Hour)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Equal(t, 1, safetyNetItems(h, "ex1"), "Primary Safety Net, no DAG")
	require.Equal(t, 1, safetyNetItems(h, "ex2"), "Shadow Safety Net, no DAG")
	h.run(47 * time.Hour)
	require.Equal(t, 1, safetyNetItems(h, "ex1"), "still held just before two days")
	require.Equal(t, 1, safetyNetItems(h, "ex2"), "still held just before two days")
	h.run(50 * time.Hour)
	require.Zero(t, safetyNetItems(h, "ex1"), "expired after SafetyNetHoldTime")
	require.Zero(t, safetyNetItems(h, "ex2"), "expired after SafetyNetHoldTime")
}

// fact: exchange-transport.md §2.5: SafetyNetHoldTime is a Set-TransportConfig value; a
// shorter one expires the copies sooner (and the app setting SafetyNetHoldTimeInterval
// overrides it on one server, as for relay-only hubs).
func TestSafetyNetHoldTimeSetByTransportConfigAndOverriddenPerServer(t *testing.T) {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", "")},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}}, Inbound: []string{"EX1"}}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "SafetyNetHoldTime", Value: "06:00:00"}}))
	require.NoError(t, h.o.SetEdgeTransportConfig("EX2", "SafetyNetHoldTimeInterval", "0.00:00:15"))
	sendEveryMinute(h, 1)
	h.run(3 * time.Hour)
	require.Equal(t, 1, safetyNetItems(h, "ex1"))
	require.Zero(t, safetyNetItems(h, "ex2"), "15 s on EX2: swept at its first hourly sweep")
	h.run(5 * time.Hour)
	require.Equal(t, 1, safetyNetItems(h, "ex1"), "still held before six hours")
	h.run(8 * time.Hour)
	require.Zero(t, safetyNetItems(h, "ex1"), "expired after six hours")
}

// fact: exchange-transport.md §2.5 (hub-and-spoke): SafetyNetHoldTimeInterval in
// EdgeTransport.exe.config overrides SafetyNetHoldTime on one server; 0 keeps nothing
// there (Safety Net off on that server), while the other server still keeps its copy.
func TestSafetyNetHoldTimeIntervalZeroKeepsNothingOnThatServer(t *testing.T) {
	top := Topology{Servers: []ServerSpec{mailbox2016("EX1", "S1", ""), mailbox2016("EX2", "S1", "")},
		Mailboxes: []Mailbox{{Address: "user@contoso.com", Database: "DB1"}}, Inbound: []string{"EX1"}}
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetEdgeTransportConfig("EX1", "SafetyNetHoldTimeInterval", "00:00:00"))
	sendEveryMinute(h, 1)
	h.run(10 * time.Minute)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Zero(t, safetyNetItems(h, "ex1"), "interval 0: EX1 keeps no copy")
	require.Equal(t, 1, safetyNetItems(h, "ex2"), "EX2 keeps its Shadow Safety Net copy")
}
