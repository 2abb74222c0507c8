package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that pin adsites.go's choice of a delivery group's primary site, found by
// gremlins' run on the code added since d6bb8be (issue 24, the fifth transport pass).

// dagOverTwoSites is DAG1 with EX2 in Blue (the active copy) and EX1 in Red, and EX3
// in Green outside it, linked Green-Red at redCost and Green-Blue at blueCost (or,
// with viaYellow, Green-Yellow and Yellow-Blue at half of it each). Blue is declared
// first, so a tie the rules break for the lower name is not won by declaration order.
func dagOverTwoSites(t *testing.T, redCost, blueCost int, viaYellow bool) *harness {
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX2", true
	links := []SiteLink{{Name: "GR", Sites: []string{"Green", "Red"}, ADCost: redCost}, {Name: "GB", Sites: []string{"Green", "Blue"}, ADCost: blueCost}}
	if viaYellow {
		links[1] = SiteLink{Name: "GY", Sites: []string{"Green", "Yellow"}, ADCost: blueCost / 2}
		links = append(links, SiteLink{Name: "YB", Sites: []string{"Yellow", "Blue"}, ADCost: blueCost / 2})
	}
	top := Topology{
		Servers:   []ServerSpec{mailbox2016("EX2", "Blue", "DAG1"), mailbox2016("EX1", "Red", "DAG1"), mailbox2016("EX3", "Green", "")},
		Mailboxes: []Mailbox{{Address: "blue@contoso.com", Database: "DB1"}},
		Sites:     []SiteSpec{{Name: "Blue"}, {Name: "Red"}, {Name: "Green"}, {Name: "Yellow"}},
		SiteLinks: links,
	}
	return newHarness(t, top, w)
}

// fact: exchange-site-resilience.md §7.3 Routing between AD sites: a DAG is one
// Routable DAG delivery group even when it spans sites, and its "primary site" is the
// group's closest site: the lowest summed link cost, then the fewest hops, then the
// lower site name; not the site of the active copy.
func TestPrimarySiteOfADAGIsItsClosestSiteNotTheActiveCopys(t *testing.T) {
	site := func(redCost, blueCost int, viaYellow bool) string {
		h := dagOverTwoSites(t, redCost, blueCost, viaYellow)
		return h.o.groupSite("Green", h.o.byName["ex2"])
	}
	require.Equal(t, "Red", site(5, 10, false), "Red is 5 away, the active copy's Blue 10")
	require.Equal(t, "Blue", site(10, 5, false))
	require.Equal(t, "Blue", site(10, 10, false), "equal cost and hops: the lower name")
	require.Equal(t, "Red", site(10, 10, true), "equal cost: one hop to Red, two to Blue")
}

// fact: exchange-site-resilience.md §7.3 Routing between AD sites: a site link's
// MaxMessageSize limits the messages that cross it, also between two DAGs: a member of
// DAG1 in Red sending to DAG2's active copy in Blue crosses the Red-Blue link, so a
// larger message gets the NDR (only a member's own DAG is one delivery group to it).
func TestSiteLinkMaxMessageSizeAppliesBetweenTwoDAGs(t *testing.T) {
	w := newWorld()
	w.active["DB2"], w.mounted["DB2"] = "EX2", true
	top := Topology{
		Servers:   []ServerSpec{mailbox2016("EX1", "Red", "DAG1"), mailbox2016("EX2", "Blue", "DAG2")},
		Mailboxes: []Mailbox{{Address: "blue@contoso.com", Database: "DB2"}},
		SiteLinks: []SiteLink{{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 10}},
	}
	h := newHarness(t, top, w)
	require.NoError(t, h.o.SetADSiteLink("RB", []Param{{Name: "MaxMessageSize", Value: "1MB"}}))
	h.at(time.Minute, func() {
		h.submit(Message{From: "x@contoso.com", To: []string{"blue@contoso.com"}, Size: 2 << 20, Origin: "EX1"})
	})
	h.run(time.Hour)
	require.Equal(t, Bounced, fateOf(h, 1).Fate)
	require.Equal(t, routingSizeLimit, fateOf(h, 1).Reason)
}

// fact: exchange-site-resilience.md §7.3 Routing between AD sites: a site link's
// MaxMessageSize is the largest message that crosses it: a message of exactly that
// size crosses, one byte more gets the NDR.
func TestSiteLinkMaxMessageSizeLetsAMessageOfExactlyThatSizeCross(t *testing.T) {
	h := siteHarness(t)
	require.NoError(t, h.o.SetADSiteLink("GB", []Param{{Name: "MaxMessageSize", Value: "1MB"}}))
	sendBlue(h, time.Minute, 1<<20)
	sendBlue(h, 2*time.Minute, 1<<20+1)
	h.run(time.Hour)
	require.Equal(t, Delivered, fateOf(h, 1).Fate)
	require.Equal(t, Bounced, fateOf(h, 2).Fate)
}

// fact: exchange-site-resilience.md §7.3 Routing between AD sites: a hub site is used
// only on the least-cost path and needs a Mailbox server; a hub site without one is
// passed over, so the message is relayed straight to the destination site.
func TestHubSiteWithoutAMailboxServerIsPassedOver(t *testing.T) {
	w := newWorld()
	w.active["DB2"], w.mounted["DB2"] = "EX2", true
	top := Topology{
		Servers:   []ServerSpec{mailbox2016("EX1", "Red", ""), mailbox2016("EX2", "Blue", "")},
		Mailboxes: []Mailbox{{Address: "blue@contoso.com", Database: "DB2"}},
		Sites:     []SiteSpec{{Name: "Green", HubSiteEnabled: true}},
		SiteLinks: []SiteLink{{Name: "RG", Sites: []string{"Red", "Green"}, ADCost: 10}, {Name: "GB", Sites: []string{"Green", "Blue"}, ADCost: 10},
			{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 30}},
	}
	h := newHarness(t, top, w)
	sendBlue(h, time.Minute, 0)
	h.run(time.Hour)
	require.Equal(t, Delivered, fateOf(h, 1).Fate)
	require.Empty(t, h.records("transport.route", ""), "no relay through the empty hub site")
}

// fact: exchange-site-resilience.md §7.3 Routing between AD sites: Set-AdSite
// -InboundMailEnabled $false stops mail routed into the site, also to a DAG there: a
// server outside DAG2 holds its SmtpRelayToDag queue in Retry until the site takes
// mail again, then delivers.
func TestInboundMailDisabledSiteGetsNoMailForItsDAG(t *testing.T) {
	w := newWorld()
	w.active["DB2"], w.mounted["DB2"] = "EX2", true
	top := Topology{
		Servers:   []ServerSpec{mailbox2016("EX1", "Red", ""), mailbox2016("EX2", "Blue", "DAG2")},
		Mailboxes: []Mailbox{{Address: "blue@contoso.com", Database: "DB2"}},
		SiteLinks: []SiteLink{{Name: "RB", Sites: []string{"Red", "Blue"}, ADCost: 10}},
	}
	h := newHarness(t, top, w)
	off, on := false, true
	require.NoError(t, h.o.SetADSite("Blue", nil, &off))
	sendBlue(h, time.Minute, 0)
	var held []QueueInfo
	h.at(30*time.Minute, func() {
		held = busyQueues(h.o.GetQueue("EX1"))
		require.NoError(t, h.o.SetADSite("Blue", nil, &on))
	})
	h.run(2 * time.Hour)
	require.Len(t, held, 1)
	require.Equal(t, "SmtpRelayToDag Retry", held[0].DeliveryType+" "+held[0].Status)
	require.Contains(t, held[0].LastError, "InboundMailEnabled $false")
	require.Equal(t, Delivered, fateOf(h, 1).Fate, "delivered once Blue takes mail again")
}

// fact: exchange-site-resilience.md §7.3 Routing between AD sites: a site link's cost
// is 1 to 99,999: Set-AdSiteLink -ExchangeCost takes both ends and refuses 0 and
// 100000.
func TestSetAdSiteLinkExchangeCostTakesOneTo99999(t *testing.T) {
	h := siteHarness(t)
	for _, v := range []string{"1", "99999"} {
		require.NoError(t, h.o.SetADSiteLink("GB", []Param{{Name: "ExchangeCost", Value: v}}), v)
	}
	for _, v := range []string{"0", "100000"} {
		require.ErrorContains(t, h.o.SetADSiteLink("GB", []Param{{Name: "ExchangeCost", Value: v}}), "must be between 1 and 99999", v)
	}
}
