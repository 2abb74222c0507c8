package format

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fact: exchange-site-resilience.md §7.3 (site links: default cost 100, range 1-99,999,
// ExchangeCost overriding it, MaxMessageSize; hub sites off by default, InboundMailEnabled
// on by default): topology.siteLinks and the per-site settings load with those defaults,
// sites resolved to their declared spelling.
func TestSiteLinksAndSiteSettingsLoadWithTheirDefaults(t *testing.T) {
	s, err := Load("testdata/good/site-links.yaml")
	require.NoError(t, err)
	top := s.Topology
	require.Equal(t, []string{"Red", "Green", "Blue"}, top.Sites)
	require.Len(t, top.ADSites, 3)
	for i, want := range []struct{ hub, inbound bool }{{false, true}, {true, true}, {false, false}} {
		require.Equal(t, want.hub, top.ADSites[i].HubSiteEnabled, top.ADSites[i].Name)
		require.Equal(t, want.inbound, top.ADSites[i].InboundMailEnabled, top.ADSites[i].Name)
	}
	require.Equal(t, []SiteLinkSpec{
		{Pos: top.SiteLinks[0].Pos, Name: "SITELINKRG", Sites: []string{"Red", "Green"}, Cost: 10},
		{Pos: top.SiteLinks[1].Pos, Name: "SITELINKGB", Sites: []string{"Green", "Blue"}, Cost: 10, ExchangeCost: 25, MaxMessageSize: 10 << 20},
		{Pos: top.SiteLinks[2].Pos, Name: "SITELINKRB", Sites: []string{"Red", "Blue"}, Cost: DefaultSiteLinkCost},
	}, top.SiteLinks)

	s, err = Parse("l.yaml", []byte("name: l\ndescription: d\nversion: Exchange2019\nduration: 1h\ntopology:\n  sites: [Red, Blue]\n  siteLinks: [{name: AB, sites: [red, BLUE]}]\n  servers:\n    - {name: EX1, site: Red, roles: [Mailbox]}\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"Red", "Blue"}, s.Topology.SiteLinks[0].Sites, "the declared spelling")
}
