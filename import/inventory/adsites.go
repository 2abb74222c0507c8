package inventory

import (
	"fmt"
	"strings"

	"github.com/exsim/exsim/import/clixml"
)

// Get-ADSite and Get-AdSiteLink (import-shapes.md 1.11; ExDC's ExOrg_GetAdSite and
// ExOrg_GetAdSiteLink select Name, HubSiteEnabled, InboundMailEnabled and Name, Cost,
// ADCost, ExchangeCost, MaxMessageSize, Sites) become the sites' settings and
// topology.siteLinks.

type siteSettings struct{ hub, inboundOff bool }

type siteLink struct {
	name                 string
	sites                []string
	adCost, exchangeCost int64
	maxBytes             int64 // 0: unlimited
}

func (im *importer) readSite(name string, v clixml.Value) {
	var st siteSettings
	st.hub, _ = boolOf(v.Get("HubSiteEnabled"))
	if b, ok := boolOf(v.Get("InboundMailEnabled")); ok {
		st.inboundOff = !b
	}
	if im.siteSet == nil {
		im.siteSet = map[string]siteSettings{}
	}
	im.siteSet[strings.ToLower(name)] = st
}

func (im *importer) readSiteLink(v clixml.Value) {
	name := v.Get("Name").String()
	if strings.TrimSpace(name) == "" {
		return
	}
	l := siteLink{name: name}
	known := map[string]string{}
	for _, s := range im.sites {
		known[strings.ToLower(s)] = s
	}
	for _, s := range list(v.Get("Sites")) {
		sn := siteName(lastPathPart(clixml.Value{Tag: "S", Text: s}))
		if k, ok := known[strings.ToLower(sn)]; ok {
			l.sites = append(l.sites, k)
		} else {
			im.warn(Warning{File: "GetAdSiteLink.xml", Object: name, Property: "Sites", Msg: fmt.Sprintf("site %s has no Exchange server and is not in GetADSite.xml; left out of the link", sn)})
		}
	}
	if len(l.sites) < 2 {
		im.warn(Warning{File: "GetAdSiteLink.xml", Object: name, Msg: "the link joins fewer than two imported sites; not imported"})
		return
	}
	cost := v.Get("ADCost")
	if cost.IsNil() || cost.String() == "" {
		cost = v.Get("Cost")
	}
	if n, ok := intOf(cost); ok && n >= 1 && n <= 99999 {
		l.adCost = n
	} else {
		l.adCost = 100
		if cost.String() != "" {
			im.warn(Warning{File: "GetAdSiteLink.xml", Object: name, Property: "ADCost", Msg: fmt.Sprintf("%q is not a cost from 1 to 99999; the default 100 is used", cost.String())})
		}
	}
	if n, ok := intOf(v.Get("ExchangeCost")); ok && !v.Get("ExchangeCost").IsNil() {
		if n >= 1 && n <= 99999 {
			l.exchangeCost = n
		} else {
			im.warn(Warning{File: "GetAdSiteLink.xml", Object: name, Property: "ExchangeCost", Msg: fmt.Sprintf("%d is not a cost from 1 to 99999; not imported", n)})
		}
	}
	if m := v.Get("MaxMessageSize"); !m.IsNil() && !strings.EqualFold(strings.TrimSpace(m.String()), "unlimited") && m.String() != "" {
		if n, ok := bytesOf(m); ok && n >= 1 && n <= 2<<30 {
			l.maxBytes = n
		} else {
			im.warn(Warning{File: "GetAdSiteLink.xml", Object: name, Property: "MaxMessageSize", Msg: fmt.Sprintf("%q is not a size from 1 byte to 2 GB; imported as unlimited", m.String())})
		}
	}
	im.links = append(im.links, l)
}

// sitesYAML writes topology.sites (a plain list when every site has the defaults)
// and topology.siteLinks.
func (im *importer) sitesYAML(p func(string, ...any)) {
	plain := true
	for _, s := range im.sites {
		if st := im.siteSet[strings.ToLower(s)]; st.hub || st.inboundOff {
			plain = false
		}
	}
	if plain {
		p("  sites: %s", qlist(im.sites))
	} else {
		p("  sites:")
		for _, s := range im.sites {
			st := im.siteSet[strings.ToLower(s)]
			switch {
			case st.hub || st.inboundOff:
				extra := ""
				if st.hub {
					extra += ", hubSiteEnabled: true"
				}
				if st.inboundOff {
					extra += ", inboundMailEnabled: false"
				}
				p("    - {name: %s%s}", q(s), extra)
			default:
				p("    - %s", q(s))
			}
		}
	}
	if len(im.links) == 0 {
		return
	}
	p("  siteLinks:")
	for _, l := range im.links {
		extra := ""
		if l.exchangeCost > 0 {
			extra += fmt.Sprintf(", exchangeCost: %d", l.exchangeCost)
		}
		if l.maxBytes > 0 {
			extra += fmt.Sprintf(", maxMessageSize: %d", l.maxBytes)
		}
		p("    - {name: %s, sites: %s, cost: %d%s}", q(l.name), qlist(l.sites), l.adCost, extra)
	}
}
