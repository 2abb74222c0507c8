package format

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// ADSiteSpec is a declared AD site's Exchange settings (Set-AdSite,
// exchange-site-resilience.md 7.3): written as a plain name, both take their defaults.
type ADSiteSpec struct {
	Pos  Pos
	Name string
	// HubSiteEnabled (default false) makes the site an intermediate hop for mail whose
	// least-cost path crosses it.
	HubSiteEnabled bool
	// InboundMailEnabled (default true, 2013+): false routes no mail into the site.
	InboundMailEnabled bool
}

// SiteLinkSpec is an IP site link (topology.siteLinks). Without any, every site is on
// DEFAULTIPSITELINK at cost 100.
type SiteLinkSpec struct {
	Pos   Pos
	Name  string
	Sites []string // at least two declared sites
	// Cost is the AD cost (default 100, 1-99,999); ExchangeCost (0 unset) overrides it
	// for Exchange (Set-AdSiteLink -ExchangeCost).
	Cost, ExchangeCost int
	// MaxMessageSize in bytes (0 or Unlimited: no limit): a larger message crossing the
	// link gets the routing size NDR.
	MaxMessageSize int64
}

// DefaultSiteLinkCost is an IP site link's AD cost unless written.
const DefaultSiteLinkCost = 100

// sitesDecl reads topology.sites: each a name or {name, hubSiteEnabled, inboundMailEnabled}.
func (l *loader) sitesDecl(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "sites", false)
	if err != nil {
		return err
	}
	for _, it := range items {
		s := ADSiteSpec{Pos: posOf(it), InboundMailEnabled: true}
		r, err := l.resolve(it)
		if err != nil {
			return err
		}
		switch r.(type) {
		case *ast.MappingNode, *ast.MappingValueNode:
			es, err := l.mapping(r, "a site", "name", "hubSiteEnabled", "inboundMailEnabled")
			if err != nil {
				return err
			}
			if err := l.require(r, "a site", es, "name"); err != nil {
				return err
			}
			for _, e := range es {
				switch e.key {
				case "name":
					s.Pos = posOf(e.val)
					s.Name, err = l.str(e.val, "site name")
				case "hubSiteEnabled":
					s.HubSiteEnabled, err = l.boolean(e.val, "hubSiteEnabled")
				case "inboundMailEnabled":
					s.InboundMailEnabled, err = l.boolean(e.val, "inboundMailEnabled")
				}
				if err != nil {
					return err
				}
			}
		default:
			if s.Name, err = l.str(r, "sites"); err != nil {
				return err
			}
		}
		if strings.ContainsAny(s.Name, " \t,\\") {
			return l.errf(s.Pos, "site name %q must not contain spaces, commas or backslashes", s.Name)
		}
		if _, dup := l.sites[strings.ToLower(s.Name)]; dup {
			return l.errf(s.Pos, "site %q is declared twice", s.Name)
		}
		l.sites[strings.ToLower(s.Name)] = s.Name
		t.Sites = append(t.Sites, s.Name)
		t.SitePos = append(t.SitePos, s.Pos)
		t.ADSites = append(t.ADSites, s)
	}
	return nil
}

// siteLinksDecl reads topology.siteLinks: [{name, sites, cost?, exchangeCost?, maxMessageSize?}].
func (l *loader) siteLinksDecl(n ast.Node) error {
	t := &l.s.Topology
	items, err := l.list(n, "siteLinks", false)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, it := range items {
		es, err := l.mapping(it, "a site link", "name", "sites", "cost", "exchangeCost", "maxMessageSize")
		if err != nil {
			return err
		}
		if err := l.require(it, "a site link", es, "name", "sites"); err != nil {
			return err
		}
		sl := SiteLinkSpec{Pos: posOf(it), Cost: DefaultSiteLinkCost}
		for _, e := range es {
			var v int64
			switch e.key {
			case "name":
				sl.Name, err = l.str(e.val, "site link name")
				if err == nil && names[strings.ToLower(sl.Name)] {
					err = l.errf(posOf(e.val), "site link %q is declared twice", sl.Name)
				}
				names[strings.ToLower(sl.Name)] = true
			case "sites":
				var ss []string
				var ps []Pos
				if ss, ps, err = l.strs(e.val, "site link sites", false); err != nil {
					return err
				}
				if len(ss) < 2 {
					return l.errf(posOf(e.val), "a site link joins at least two sites, found %d", len(ss))
				}
				for i, s := range ss {
					if ss[i], err = l.site(s, ps[i]); err != nil {
						return err
					}
				}
				sl.Sites = ss
			case "cost":
				v, err = l.int(e.val, "cost", 1, 99999)
				sl.Cost = int(v)
			case "exchangeCost":
				v, err = l.int(e.val, "exchangeCost", 1, 99999)
				sl.ExchangeCost = int(v)
			case "maxMessageSize":
				if sl.MaxMessageSize, err = l.size(e.val, "maxMessageSize", true); err == nil && sl.MaxMessageSize == Unlimited {
					sl.MaxMessageSize = 0
				}
			}
			if err != nil {
				return err
			}
		}
		t.SiteLinks = append(t.SiteLinks, sl)
	}
	return nil
}

// boolean reads true or false.
func (l *loader) boolean(n ast.Node, what string) (bool, error) {
	v, err := l.scalar(n, what)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, l.errf(posOf(n), "%s is true or false, not %q", what, v)
}
