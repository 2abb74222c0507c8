package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fact: import-shapes.md §1.11 (Get-ADSite: Name, HubSiteEnabled, InboundMailEnabled;
// Get-AdSiteLink: Name, Cost, ADCost, ExchangeCost, MaxMessageSize, Sites): a hub site,
// a site closed to inbound mail, a link's ExchangeCost and MaxMessageSize import as the
// site settings and topology.siteLinks; a link to a site with no Exchange server loses
// that site, with a warning.
func TestADSitesAndSiteLinksImportAsSiteSettingsAndSiteLinks(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"ExsimManifest.xml", "GetExchangeServer.xml", "GetMailboxDatabase.xml", "GetAcceptedDomain.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata/two-site-dag", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	objs := func(objs ...string) []byte {
		return []byte(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` + strings.Join(objs, "") + `</Objs>`)
	}
	site := func(name, hub, inbound string) string {
		return `<Obj><TN><T>Microsoft.Exchange.Data.Directory.Management.ADSite</T></TN><ToString>` + name + `</ToString><Props><S N="Name">` + name +
			`</S><B N="HubSiteEnabled">` + hub + `</B><B N="InboundMailEnabled">` + inbound + `</B></Props></Obj>`
	}
	link := func(name, ad, ex, max string, sites ...string) string {
		var lst strings.Builder
		for _, s := range sites {
			lst.WriteString(`<S>contoso.com/Configuration/Sites/` + s + `</S>`)
		}
		return `<Obj><TN><T>Microsoft.Exchange.Data.Directory.Management.ADSiteLink</T></TN><ToString>` + name + `</ToString><Props><S N="Name">` + name +
			`</S><I32 N="Cost">` + ad + `</I32><I32 N="ADCost">` + ad + `</I32>` + ex + `<S N="MaxMessageSize">` + max + `</S><Obj N="Sites"><LST>` + lst.String() + `</LST></Obj></Props></Obj>`
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "GetADSite.xml"), objs(site("Red", "false", "true"), site("Blue", "true", "false")), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "GetAdSiteLink.xml"), objs(
		link("Red-Blue", "30", `<I32 N="ExchangeCost">15</I32>`, "10 MB (10,485,760 bytes)", "Red", "Blue"),
		link("Red-Lab", "5", `<Nil N="ExchangeCost" />`, "Unlimited", "Red", "Lab")), 0o644))
	r := importDir(t, dir, Options{})
	sc := load(t, "org.yaml", r.YAML)
	top := sc.Topology
	require.Len(t, top.ADSites, 2)
	require.Equal(t, "Blue", top.ADSites[0].Name)
	require.True(t, top.ADSites[0].HubSiteEnabled)
	require.False(t, top.ADSites[0].InboundMailEnabled)
	require.True(t, top.ADSites[1].InboundMailEnabled)
	require.Len(t, top.SiteLinks, 1, "Red-Lab joins one imported site only")
	l := top.SiteLinks[0]
	require.Equal(t, []any{"Red-Blue", []string{"Red", "Blue"}, 30, 15, int64(10 << 20)}, []any{l.Name, l.Sites, l.Cost, l.ExchangeCost, l.MaxMessageSize})
	var ws []string
	for _, w := range r.Warnings {
		if w.File == "GetAdSiteLink.xml" {
			ws = append(ws, w.String())
		}
	}
	require.Equal(t, []string{
		"GetAdSiteLink.xml: Red-Lab Sites: site Lab has no Exchange server and is not in GetADSite.xml; left out of the link",
		"GetAdSiteLink.xml: Red-Lab: the link joins fewer than two imported sites; not imported",
	}, ws)
}
