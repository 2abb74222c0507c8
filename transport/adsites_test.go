package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Tests of routing between AD sites, named after the facts of
// exchange-site-resilience.md 7.3.

// siteHarness is three 2016 Mailbox servers without a DAG, EX1 in Red, EX3 in Green,
// EX2 in Blue, linked Red-Green 10, Green-Blue 10 and Red-Blue 30 (the AD costs).
func siteHarness(t *testing.T, links ...SiteLink) *harness {
	t.Helper()
	if links == nil {
		links = []SiteLink{{Name: "RG", Sites: []string{"Red", "Green"}, ADCost: 10}, {Name: "GB", Sites: []string{"Green", "Blue"}, ADCost: 10},
			{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 30}}
	}
	w := newWorld()
	w.active["DB1"], w.active["DB2"], w.active["DB3"] = "EX1", "EX2", "EX3"
	w.mounted["DB1"], w.mounted["DB2"], w.mounted["DB3"] = true, true, true
	top := Topology{
		Servers: []ServerSpec{{Name: "EX1", Site: "Red", Version: Exchange2016, Roles: []string{"Mailbox"}},
			{Name: "EX2", Site: "Blue", Version: Exchange2016, Roles: []string{"Mailbox"}},
			{Name: "EX3", Site: "Green", Version: Exchange2016, Roles: []string{"Mailbox"}}},
		Mailboxes: []Mailbox{{Address: "red@contoso.com", Database: "DB1"}, {Address: "blue@contoso.com", Database: "DB2"}, {Address: "green@contoso.com", Database: "DB3"}},
		SiteLinks: links,
	}
	return newHarness(t, top, w)
}

func sitesOf(t *testing.T, h *harness, src, dst string) string {
	t.Helper()
	p, ok := h.o.path(src, dst)
	require.True(t, ok, "a path from %s to %s", src, dst)
	return strings.Join(p.sites, ">")
}

func sendBlue(h *harness, at time.Duration, size int) {
	h.at(at, func() {
		h.submit(Message{From: "red@contoso.com", To: []string{"blue@contoso.com"}, Size: size, Origin: "EX1"})
	})
}

// fact: exchange-site-resilience.md §7.3: the path is the lowest summed IP site link cost.
func TestSiteRoutingTakesTheLeastSummedCostPath(t *testing.T) {
	h := siteHarness(t)
	require.Equal(t, "Red>Green>Blue", sitesOf(t, h, "Red", "Blue"), "10+10 beats 30")
	p, _ := h.o.path("Red", "Blue")
	require.Equal(t, 20, p.cost)
	require.Equal(t, "Blue>Green>Red", sitesOf(t, h, "Blue", "Red"))
}

// fact: exchange-site-resilience.md §7.3: equal costs: fewest hops, then the alphanumeric
// site name nearest the destination.
func TestSiteRoutingTieBreaksFewestHopsThenNameNearTheDestination(t *testing.T) {
	h := siteHarness(t, SiteLink{Name: "RG", Sites: []string{"Red", "Green"}, ADCost: 10}, SiteLink{Name: "GB", Sites: []string{"Green", "Blue"}, ADCost: 10},
		SiteLink{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 20})
	require.Equal(t, "Red>Blue", sitesOf(t, h, "Red", "Blue"), "cost 20 either way: one hop wins")

	// Red>Aa>Zulu>Blue and Red>Mid>Alpha>Blue cost the same in as many hops: the site next
	// to the destination decides (Alpha before Zulu), not the one next to the source.
	h = siteHarness(t, SiteLink{Name: "L1", Sites: []string{"Red", "Aa"}, ADCost: 1}, SiteLink{Name: "L2", Sites: []string{"Aa", "Zulu"}, ADCost: 1},
		SiteLink{Name: "L3", Sites: []string{"Zulu", "Blue"}, ADCost: 1}, SiteLink{Name: "L4", Sites: []string{"Red", "Mid"}, ADCost: 1},
		SiteLink{Name: "L5", Sites: []string{"Mid", "Alpha"}, ADCost: 1}, SiteLink{Name: "L6", Sites: []string{"Alpha", "Blue"}, ADCost: 1},
		SiteLink{Name: "L7", Sites: []string{"Green"}, ADCost: 1})
	h.o.sites.names = append(h.o.sites.names, "Aa", "Zulu", "Mid", "Alpha")
	for _, n := range []string{"Aa", "Zulu", "Mid", "Alpha"} {
		h.o.sites.spec[n] = &SiteSpec{Name: n}
	}
	require.Equal(t, "Red>Mid>Alpha>Blue", sitesOf(t, h, "Red", "Blue"))
}

// fact: exchange-site-resilience.md §7.3: Set-AdSiteLink -ExchangeCost overrides the AD cost for
// Exchange; $null reverts to it.
func TestSiteLinkExchangeCostOverridesADCost(t *testing.T) {
	h := siteHarness(t)
	require.NoError(t, h.o.SetADSiteLink("rb", []Param{{Name: "ExchangeCost", Value: "5"}}))
	require.Equal(t, "Red>Blue", sitesOf(t, h, "Red", "Blue"))
	rows, err := h.o.ADSiteLinks("RB")
	require.NoError(t, err)
	require.Equal(t, "Cost=5 ADCost=30 ExchangeCost=5", rows[0][1].Name+"="+rows[0][1].Value+" "+rows[0][2].Name+"="+rows[0][2].Value+" "+rows[0][3].Name+"="+rows[0][3].Value)
	require.NoError(t, h.o.SetADSiteLink("RB", []Param{{Name: "ExchangeCost", Value: "$null"}}))
	require.Equal(t, "Red>Green>Blue", sitesOf(t, h, "Red", "Blue"))
	require.ErrorContains(t, h.o.SetADSiteLink("Nope", []Param{{Name: "ExchangeCost", Value: "5"}}), "couldn't be found")
	require.ErrorContains(t, h.o.SetADSiteLink("RB", []Param{{Name: "ExchangeCost", Value: "0"}}), "between 1 and 99999")
}

// fact: exchange-site-resilience.md §7.3: direct relay by default; a hub site is an
// intermediate hop only when it is on the least-cost path.
func TestHubSiteIsUsedOnlyOnTheLeastCostPath(t *testing.T) {
	h := siteHarness(t)
	sendBlue(h, time.Minute, 0) // no hub site: Red relays straight to Blue
	on := true
	h.at(5*time.Minute, func() { require.NoError(t, h.o.SetADSite("Green", &on, nil)) })
	sendBlue(h, 6*time.Minute, 0) // Green is a hub on Red>Green>Blue
	h.at(10*time.Minute, func() { require.NoError(t, h.o.SetADSiteLink("RB", []Param{{Name: "ExchangeCost", Value: "5"}})) })
	sendBlue(h, 11*time.Minute, 0) // Red>Blue is cheaper now: Green is off the path
	h.run(time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 3, v.Delivered)
	hub := h.records("transport.route", "")
	require.Len(t, hub, 1, "only message 2 goes through the hub site")
	e := hub[0].Data.(HubSiteRelay)
	require.Equal(t, HubSiteRelay{Msg: Msg{2}, Server: "EX1", HubSite: "Green", Destination: "Blue", Path: []string{"Red", "Green", "Blue"}, Cost: 20}, e)
	for n, want := range map[int]bool{1: false, 2: true, 3: false} {
		require.Equal(t, want, receivedOn(h, "EX3", n), "message %d on EX3", n)
	}
}

// receivedOn: server's tracking log has a RECEIVE row of message n.
func receivedOn(h *harness, server string, n int) bool {
	for _, r := range h.records(logs.KindTracking, fmt.Sprintf("#%d", n)) {
		if e := r.Data.(logs.TrackingEvent); e.Server == server && e.EventID == logs.EventID("RECEIVE") {
			return true
		}
	}
	return false
}

// fact: exchange-site-resilience.md §7.3: queue at point of failure: when no server of the
// destination site answers, delivery backs off along the path and the message waits in
// Retry in the last reachable site; it flows when the site returns.
func TestQueueAtPointOfFailureWaitsInTheLastReachableSite(t *testing.T) {
	h := siteHarness(t)
	h.at(30*time.Second, func() { h.o.Crash("EX2", false) })
	sendBlue(h, time.Minute, 0)
	var held []QueueInfo
	h.at(20*time.Minute, func() {
		require.Empty(t, busyQueues(h.o.GetQueue("EX1")), "nothing waits in Red")
		held = busyQueues(h.o.GetQueue("EX3"))
		h.o.Start("EX2")
	})
	h.run(2 * time.Hour)
	require.Len(t, held, 1)
	require.Equal(t, "SmtpRelayToRemoteAdSite Blue Retry", held[0].DeliveryType+" "+held[0].NextHopDomain+" "+held[0].Status)
	require.Len(t, h.records("transport.route", ""), 1)
	require.Equal(t, "Green", h.records("transport.route", "")[0].Data.(SiteBackOff).Site)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.Zero(t, h.o.Verdict().Lost)
}

func busyQueues(qs []QueueInfo) []QueueInfo {
	var out []QueueInfo
	for _, q := range qs {
		if q.MessageCount > 0 && q.DeliveryType != "ShadowRedundancy" {
			out = append(out, q)
		}
	}
	return out
}

// fact: exchange-site-resilience.md §7.3: a site link's MaxMessageSize limits the messages
// that cross it: a larger one gets the NDR.
func TestSiteLinkMaxMessageSizeNDRsLargerMessages(t *testing.T) {
	h := siteHarness(t)
	require.NoError(t, h.o.SetADSiteLink("GB", []Param{{Name: "MaxMessageSize", Value: "1MB"}}))
	sendBlue(h, time.Minute, 2<<20) // Red>Green>Blue crosses GB
	sendBlue(h, 2*time.Minute, 512<<10)
	h.at(3*time.Minute, func() {
		h.submit(Message{From: "red@contoso.com", To: []string{"green@contoso.com"}, Size: 2 << 20, Origin: "EX1"})
	})
	h.run(time.Hour)
	require.Equal(t, Bounced, fateOf(h, 1).Fate)
	require.Equal(t, routingSizeLimit, fateOf(h, 1).Reason)
	require.Equal(t, Delivered, fateOf(h, 2).Fate)
	require.Equal(t, Delivered, fateOf(h, 3).Fate, "Red>Green does not cross GB")
	rows, _ := h.o.ADSiteLinks("GB")
	require.Equal(t, "1 MB (1,048,576 bytes)", rows[0][4].Value)
}

// fact: exchange-site-resilience.md §7.3: Set-AdSite -InboundMailEnabled $false: no mail is
// routed into the site (it queues where it is, or at the point of failure) until it is
// enabled again.
func TestInboundMailDisabledSiteGetsNoMailRoutedIn(t *testing.T) {
	h := siteHarness(t, SiteLink{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 10}, SiteLink{Name: "RG", Sites: []string{"Red", "Green"}, ADCost: 10})
	off, on := false, true
	require.NoError(t, h.o.SetADSite("Blue", nil, &off))
	sendBlue(h, time.Minute, 0)
	h.at(2*time.Minute, func() { h.submit(Message{From: "red@contoso.com", To: []string{"green@contoso.com"}, Origin: "EX1"}) })
	var held []QueueInfo
	h.at(30*time.Minute, func() {
		held = busyQueues(h.o.GetQueue("EX1"))
		require.NoError(t, h.o.SetADSite("Blue", nil, &on))
	})
	h.run(2 * time.Hour)
	require.Len(t, held, 1)
	require.Equal(t, "Blue Retry", held[0].NextHopDomain+" "+held[0].Status)
	require.Contains(t, held[0].LastError, "InboundMailEnabled $false")
	require.Equal(t, Delivered, fateOf(h, 2).Fate, "Green takes mail")
	require.Equal(t, Delivered, fateOf(h, 1).Fate, "delivered once Blue takes mail again")
	rows, err := h.o.ADSites("blue", Exchange2016)
	require.NoError(t, err)
	require.Equal(t, "InboundMailEnabled True", rows[0][2].Name+" "+rows[0][2].Value)
}

// Without site links every site is on DEFAULTIPSITELINK at cost 100, so every remote
// site is one hop away (the default AD creates).
func TestWithoutSiteLinksEverySiteIsOnDefaultIPSiteLink(t *testing.T) {
	h := siteHarness(t)
	h.o.top.SiteLinks, h.o.sites = nil, siteTable{}
	h.o.initSites()
	rows, err := h.o.ADSiteLinks("")
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.Equal(t, "DEFAULTIPSITELINK 100 {Red, Blue, Green}", rows[0][0].Value+" "+rows[0][1].Value+" "+rows[0][5].Value)
	require.Equal(t, "Red>Blue", sitesOf(t, h, "Red", "Blue"))
}

// fact: exchange-site-resilience.md §7.3: a DAG spanning sites is one Routable DAG delivery
// group: a member delivers to the server with the active copy directly, even with a hub
// site on the least-cost path between their sites; a server outside the DAG routes to it
// as a group (SmtpRelayToDag), through the hub site when it is on the way.
func TestDAGSpanningSitesStaysOneDeliveryGroup(t *testing.T) {
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX2", true
	w.active["DB9"], w.mounted["DB9"] = "EX4", true
	top := Topology{
		Servers: []ServerSpec{{Name: "EX1", Site: "Red", Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: "DAG1"},
			{Name: "EX2", Site: "Blue", Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: "DAG1"},
			{Name: "EX3", Site: "Green", Version: Exchange2016, Roles: []string{"Mailbox"}},
			{Name: "EX4", Site: "Yellow", Version: Exchange2016, Roles: []string{"Mailbox"}}},
		Mailboxes: []Mailbox{{Address: "blue@contoso.com", Database: "DB1"}, {Address: "yellow@contoso.com", Database: "DB9"}},
		Sites:     []SiteSpec{{Name: "Green", HubSiteEnabled: true}},
		SiteLinks: []SiteLink{{Name: "RG", Sites: []string{"Red", "Green"}, ADCost: 10}, {Name: "GB", Sites: []string{"Green", "Blue"}, ADCost: 10},
			{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 30}, {Name: "YG", Sites: []string{"Yellow", "Green"}, ADCost: 10}},
	}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "x@contoso.com", To: []string{"blue@contoso.com"}, Origin: "EX1"}) })
	h.at(2*time.Minute, func() { h.submit(Message{From: "x@contoso.com", To: []string{"blue@contoso.com"}, Origin: "EX4"}) })
	h.run(time.Hour)
	require.Equal(t, 2, h.o.Verdict().Delivered)
	require.False(t, receivedOn(h, "EX3", 1), "a member delivers to the active copy directly")
	require.True(t, receivedOn(h, "EX3", 2), "Yellow > Green > Blue: through the hub site to the DAG's nearest site")
	hub := h.records("transport.route", "")
	require.Len(t, hub, 1)
	require.Equal(t, "Blue", hub[0].Data.(HubSiteRelay).Destination, "Red and Blue are both 20 away in two hops: the lower name is the primary site")
}

// The least-cost path is a real path of links whose costs sum to the cost reported, and
// no path is cheaper (Floyd-Warshall over the same links), over generated site graphs.
func TestSitePathIsTheCheapestChainOfLinks(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(rt, "sites")
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("S%d", i)
		}
		var links []SiteLink
		for k := rapid.IntRange(0, 10).Draw(rt, "links"); k > 0; k-- {
			a, b := rapid.IntRange(0, n-1).Draw(rt, "a"), rapid.IntRange(0, n-1).Draw(rt, "b")
			if a == b {
				continue
			}
			l := SiteLink{Name: fmt.Sprintf("L%d", k), Sites: []string{names[a], names[b]}, ADCost: rapid.IntRange(1, 50).Draw(rt, "cost")}
			if rapid.Bool().Draw(rt, "exchange") {
				l.ExchangeCost = rapid.IntRange(1, 50).Draw(rt, "exchangeCost")
			}
			links = append(links, l)
		}
		o := &Org{top: Topology{SiteLinks: links}}
		for _, s := range names {
			o.servers = append(o.servers, &server{name: "EX" + s, site: s})
		}
		o.initSites()
		const inf = 1 << 30
		d := make([][]int, n)
		for i := range d {
			d[i] = make([]int, n)
			for j := range d[i] {
				if i != j {
					d[i][j] = inf
				}
			}
		}
		idx := map[string]int{}
		for i, s := range names {
			idx[s] = i
		}
		for _, l := range o.sites.links { // every pair of a link's sites
			for _, x := range l.Sites {
				for _, y := range l.Sites {
					if a, b := idx[x], idx[y]; a != b {
						d[a][b] = min(d[a][b], l.cost())
					}
				}
			}
		}
		for k := range n {
			for i := range n {
				for j := range n {
					d[i][j] = min(d[i][j], d[i][k]+d[k][j])
				}
			}
		}
		for i, src := range names {
			for j, dst := range names {
				p, ok := o.path(src, dst)
				require.Equal(rt, d[i][j] < inf, ok, "%s to %s reachable", src, dst)
				if !ok {
					continue
				}
				require.Equal(rt, d[i][j], p.cost, "%s to %s", src, dst)
				sum := 0
				for k, l := range p.links {
					require.Subset(rt, l.Sites, []string{p.sites[k], p.sites[k+1]}, "link %s joins the hop", l.Name)
					sum += l.cost()
				}
				require.Equal(rt, p.cost, sum)
				require.Equal(rt, []string{src, dst}, []string{p.sites[0], p.sites[len(p.sites)-1]})
			}
		}
	})
}

// fact: exchange-site-resilience.md §7.3: hub sites are older than 2013: an Exchange 2010
// Hub Transport server relays mail for a remote site through a hub site on the
// least-cost path, to that site's Hub Transport servers.
func TestHubSiteIsUsedBy2010HubTransportServers(t *testing.T) {
	w := newWorld()
	w.active["DB2"], w.mounted["DB2"] = "MBX2", true
	hub := []string{"HubTransport"}
	top := Topology{
		Servers: []ServerSpec{{Name: "HUB1", Site: "Red", Version: Exchange2010SP1, Roles: hub},
			{Name: "HUB3", Site: "Green", Version: Exchange2010SP1, Roles: hub},
			{Name: "HUB2", Site: "Blue", Version: Exchange2010SP1, Roles: hub},
			{Name: "MBX2", Site: "Blue", Version: Exchange2010SP1, Roles: []string{"Mailbox"}}},
		Mailboxes: []Mailbox{{Address: "blue@contoso.com", Database: "DB2"}},
		Inbound:   []string{"HUB1"},
		Sites:     []SiteSpec{{Name: "Green", HubSiteEnabled: true}},
		SiteLinks: []SiteLink{{Name: "RG", Sites: []string{"Red", "Green"}, ADCost: 10}, {Name: "GB", Sites: []string{"Green", "Blue"}, ADCost: 10},
			{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 30}},
	}
	h := newHarness(t, top, w)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"blue@contoso.com"}}) })
	h.run(time.Hour)
	require.Equal(t, 1, h.o.Verdict().Delivered)
	require.True(t, receivedOn(h, "HUB3", 1), "relayed through Green")
	require.True(t, receivedOn(h, "HUB2", 1), "then to Blue's hub")
}
