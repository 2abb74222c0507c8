package scenarios

import (
	"strings"

	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios/fault"
	"github.com/exsim/exsim/scenarios/format"
)

// siteState is where each node of the world sits and which sites a fail-site fault
// took out (issue 17). A node of a failed site is unreachable from everywhere: its
// servers are down, its witness shares gone, its links with them.
type siteState struct {
	of      map[string]string   // node (server, witness) -> its site
	down    map[string]bool     // failed sites
	crashed map[string][]string // site -> the servers fail-site crashed (restore-site boots them)
}

func newSiteState(sc *Scenario) *siteState {
	st := &siteState{of: map[string]string{}, down: map[string]bool{}, crashed: map[string][]string{}}
	for _, sv := range sc.Topology.Servers {
		st.of[sv.Name] = sv.Site
	}
	for _, d := range sc.Topology.DAGs {
		if d.Witness != "" && st.of[d.Witness] == "" {
			st.of[d.Witness] = d.WitnessSite
		}
		if d.AlternateWitness != "" && st.of[d.AlternateWitness] == "" {
			st.of[d.AlternateWitness] = d.AlternateWitnessSite
		}
	}
	return st
}

func (st *siteState) isDown(node string) bool {
	return st != nil && len(st.down) > 0 && st.down[st.of[node]]
}

// nodes lists the nodes of the sites, in a fixed order (servers as declared, then
// witnesses).
func (w *world) siteNodes(sites []string) map[string]bool {
	m := map[string]bool{}
	for n, s := range w.sites.of {
		for _, x := range sites {
			if strings.EqualFold(s, x) {
				m[n] = true
			}
		}
	}
	return m
}

func siteOptions(d format.DAGSpec) dag.SiteOptions {
	mode := dag.DACOff
	if d.DatacenterActivationMode == "DagOnly" {
		mode = dag.DACDagOnly
	}
	return dag.SiteOptions{WitnessSite: d.WitnessSite, AlternateWitness: d.AlternateWitness, AlternateWitnessSite: d.AlternateWitnessSite, DAC: mode}
}

// siteFault applies fail-site, restore-site and partition-sites.
func (w *world) siteFault(f *fault.Fault) {
	switch f.Kind {
	case fault.FailSite:
		if w.sites.down[f.Site] {
			return
		}
		// A power loss: the servers stop at once (their queue databases survive on
		// disk), and the witness and the links go with them.
		var crashed []string
		for _, sv := range w.sc.Topology.Servers {
			if sv.Site != f.Site || !w.tr.Up(sv.Name) {
				continue
			}
			crashed = append(crashed, sv.Name)
			w.servicesStopped(sv.Name)
			w.tr.Crash(sv.Name, false)
			if w.isMailbox(sv.Name) {
				w.dag.ServerDown(sv.Name)
			}
			w.mon.ServerDown(sv.Name)
		}
		w.sites.crashed[f.Site] = crashed
		w.sites.down[f.Site] = true
	case fault.RestoreSite:
		if !w.sites.down[f.Site] {
			return
		}
		delete(w.sites.down, f.Site)
		for _, n := range w.sites.crashed[f.Site] {
			if w.isMailbox(n) {
				w.dag.ServerUp(n)
			}
			w.tr.Start(n)
			w.mon.ServerUp(n)
		}
		delete(w.sites.crashed, f.Site)
	case fault.PartitionSites:
		w.parts = append(w.parts, partition{a: w.siteNodes(f.A), b: w.siteNodes(f.B)})
	}
	w.dag.NetworkChanged()
	w.tr.NetworkChanged()
}
