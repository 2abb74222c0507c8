package format

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// DACModes are the values of a DAG's datacenterActivationMode (Set-DatabaseAvailabilityGroup
// -DatacenterActivationMode, exchange-site-resilience.md 1.1).
var DACModes = []string{"Off", "DagOnly"}

// witnessDecl is a witness as written: `FS1` or `{server: FS1, site: Red}`.
type witnessDecl struct {
	server, site       string
	serverPos, sitePos Pos
}

// witness reads a DAG's witness or alternateWitness value.
func (l *loader) witness(n ast.Node, what string) (witnessDecl, error) {
	r, err := l.resolve(n)
	if err != nil {
		return witnessDecl{}, err
	}
	var w witnessDecl
	switch r.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		es, err := l.mapping(r, what, "server", "site")
		if err != nil {
			return w, err
		}
		if err := l.require(r, what, es, "server"); err != nil {
			return w, err
		}
		for _, e := range es {
			switch e.key {
			case "server":
				w.serverPos = posOf(e.val)
				w.server, err = l.str(e.val, what+" server")
			case "site":
				w.sitePos = posOf(e.val)
				if w.site, err = l.str(e.val, what+" site"); err == nil {
					w.site, err = l.site(w.site, w.sitePos)
				}
			}
			if err != nil {
				return w, err
			}
		}
	default:
		w.serverPos = posOf(r)
		if w.server, err = l.str(r, what); err != nil {
			return w, err
		}
	}
	return w, l.checkComputerName(w.server, what, w.serverPos)
}

// placeWitness resolves a witness's site: a declared server is in its own site (a
// different site written beside it is an error); an undeclared one is in the site
// written, else in def (for the primary witness, the site of the DAG's first member).
func (l *loader) placeWitness(w witnessDecl, def, what string) (server, site string, err error) {
	if sv, ok := l.servers[strings.ToLower(w.server)]; ok {
		if w.site != "" && !strings.EqualFold(w.site, sv.Site) {
			return "", "", l.errf(w.sitePos, "%s %q is declared in site %q, not %q", what, sv.Name, sv.Site, w.site)
		}
		return sv.Name, sv.Site, nil
	}
	if w.site != "" {
		return w.server, w.site, nil
	}
	return w.server, def, nil
}

// witnessNames are every DAG's witness and alternate witness servers, as declared.
func (l *loader) witnessNames() []string {
	var out []string
	for _, d := range l.s.Topology.DAGs {
		for _, w := range []string{d.Witness, d.AlternateWitness} {
			if w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// enum resolves v (case-insensitive) to one of values, naming them when it is none.
func (l *loader) enum(v string, values []string, what string, p Pos) (string, error) {
	for _, x := range values {
		if strings.EqualFold(v, x) {
			return x, nil
		}
	}
	return "", l.errf(p, "unknown %s %q%s (want %s)", what, v, didYouMean(v, values), strings.Join(values, ", "))
}

// positive reads a number more than 0 (a size, a rate).
func (l *loader) positive(n ast.Node, what string) (float64, error) {
	v, err := l.float(n, what)
	if err == nil && v == 0 {
		err = l.errf(posOf(n), "%s must be more than 0", what)
	}
	return v, err
}

// DACAllowed says whether a DAG of these members may run DAC mode: Exchange 2010 RTM
// allowed it only for DAGs of three or more members spanning two or more AD sites;
// 2010 SP1 lifted both limits, and 2013+ allows every DAG of two or more members
// (exchange-site-resilience.md, Conflicts 1 and 1.4). nil when allowed.
func DACAllowed(members []ServerSpec) error {
	sites := map[string]bool{}
	rtm := len(members) > 0
	for _, m := range members {
		sites[m.Site] = true
		if m.Version != "Exchange2010" {
			rtm = false
		}
	}
	if rtm && (len(members) < 3 || len(sites) < 2) {
		return fmt.Errorf("DAC mode on Exchange 2010 RTM needs a DAG of at least three members in at least two AD sites (this one has %d in %d); Exchange 2010 SP1 lifted that limit", len(members), len(sites))
	}
	return nil
}
