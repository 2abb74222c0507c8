package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/dag"
	"github.com/exsim/exsim/scenarios/format"
	"github.com/exsim/exsim/scenarios/scom"
	"github.com/exsim/exsim/sim"
	"github.com/exsim/exsim/transport"
)

// world is one run's organization: the kernel and the three models, wired together
// through the small function interfaces each model asks for. The world owns what no
// model owns: the network partitions, SCOM maintenance mode and the monitors.
type world struct {
	sc    *Scenario
	s     *sim.Sim
	comp  *components.Store
	dag   *dag.Org
	tr    *transport.Org
	spec  map[string]ServerSpec
	parts []partition
	// sites says where every node (server, witness) is; down are the sites a
	// fail-site fault took out, with the servers it crashed (sites.go).
	sites *siteState
	// failed are the database copies a fail-copy fault broke ("DB\Server"), repaired
	// in the liveness phase.
	failed          []string
	mon             *scom.Monitors
	boxes           map[string][]string      // wildcard recipient "*@domain" -> its mailboxes, built on first use
	numbered        map[numberedKey][]string // a prefix and "*@domain" -> its numbered outside addresses, built as drawn
	toBlock         []string                 // what is left of the block recipient lists are cut from
	subjects        []byte                   // the block numbered subjects are made in
	streamsTracking bool                     // tracking rows go to a stream as they happen
	scripted        bool                     // an admin script runs: it may read tracking rows
	snaps           []snapshot
	fail            []string // failed expectations found while running (queue and state snapshots)
}

// partition is one `partition A from B` fault: no node of A reaches a node of B.
type partition struct{ a, b map[string]bool }

func (p partition) cuts(x, y string) bool {
	return (p.a[x] && p.b[y]) || (p.b[x] && p.a[y])
}

// reach is the network every model sees: partitions only. A server that is down is
// down in each model's own state, not here. The models are handed this closure, in
// which the whole-network test inlines (the method value it replaced was one more
// call per hop): about twenty calls a message (transport's hops, dag's log shipping)
// were 1.4% of the day-100k run (cachegrind).
func (w *world) reach() func(a, b string) bool {
	return func(a, b string) bool { return w.whole() || w.reachableCut(a, b) }
}

// whole reports that no partition, failed site or declared witness can cut a link.
func (w *world) whole() bool {
	st := w.sites
	return len(w.parts) == 0 && st != nil && len(st.down) == 0 && len(st.witness) == 0
}

// reachableCut is reach when something may cut a link.
func (w *world) reachableCut(a, b string) bool {
	if w.sites.isDown(a) || w.sites.isDown(b) || w.witnessDown(a) || w.witnessDown(b) {
		return false
	}
	for _, p := range w.parts {
		if p.cuts(a, b) {
			return false
		}
	}
	return true
}

// members expands a partition side (servers, site names, "internet") into nodes.
func (w *world) members(side []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range side {
		if strings.EqualFold(n, "internet") {
			m["internet"] = true
			continue
		}
		if _, ok := w.spec[n]; ok {
			m[n] = true
			continue
		}
		for _, sv := range w.sc.Topology.Servers {
			if strings.EqualFold(sv.Site, n) {
				m[sv.Name] = true
			}
		}
		for _, d := range w.sc.Topology.DAGs {
			for _, wn := range []string{d.Witness, d.AlternateWitness} {
				if wn != "" && strings.EqualFold(wn, n) {
					m[wn] = true
				}
			}
		}
	}
	return m
}

func versionOf(v string) string {
	if v == "" {
		return "Exchange2016"
	}
	return v
}

// componentsVersion is the component-state profile of a scenario version: 2010's
// service packs have none, Subscription Edition has 2019's (no difference is
// documented, exchange-2013-pipeline.md section 3).
func componentsVersion(v string) components.Version {
	switch v = versionOf(v); {
	case v == "ExchangeSE":
		return components.Exchange2019
	case format.Is2010(v) && v != "Exchange2010":
		return components.Exchange2010SP1
	}
	return components.Version(v)
}

// newWorld builds the organization of sc at t=0 with the given seed.
func newWorld(sc *Scenario, seed uint64, limits sim.Limits) (*world, error) {
	s := sim.New(sim.Config{Start: sc.Start, Seed: seed, Limits: limits})
	w := &world{sc: sc, s: s, spec: map[string]ServerSpec{}, sites: newSiteState(sc)}
	w.comp = components.NewStore(s)
	dagOf := map[string]string{}
	for _, d := range sc.Topology.DAGs {
		for _, m := range d.Members {
			dagOf[m] = d.Name
		}
	}
	for _, sv := range sc.Topology.Servers {
		w.spec[sv.Name] = sv
		if err := w.comp.AddServer(sv.Name, componentsVersion(sv.Version)); err != nil {
			return nil, sc.Errorf(sv.Pos, "%v", err)
		}
		if dagOf[sv.Name] != "" {
			if err := w.comp.SetDAGMember(sv.Name, true); err != nil {
				return nil, sc.Errorf(sv.Pos, "%v", err)
			}
		}
	}
	w.dag = dag.New(s, dag.Env{
		Reachable:         w.reach(),
		ActivationBlocked: w.comp.ActivationBlocked,
		// The maintenance scripts set HighAvailability as the Maintenance requester.
		SetHighAvailability: func(server string, active bool) {
			state := components.Inactive
			if active {
				state = components.Active
			}
			if v := componentsVersion(w.spec[server].Version); v.HasComponentStates() {
				_ = w.comp.Set(server, "HighAvailability", state, components.Maintenance, components.SetOptions{})
			}
		},
		LossyFailover: func(db string, from, to time.Duration) {
			w.tr.LossyFailover(db, from, to)
		},
	})
	for _, sv := range sc.Topology.Servers {
		if !sv.HasRole("Mailbox") {
			continue
		}
		if err := w.dag.AddServer(sv.Name, sv.Site); err != nil {
			return nil, sc.Errorf(sv.Pos, "%v", err)
		}
	}
	for _, d := range sc.Topology.DAGs {
		// PreferenceMoveFrequency exists from Exchange 2016 CU2: only a DAG whose
		// members all run 2016 or 2019 rebalances on its own.
		// Dynamic quorum needs Windows Server 2012 R2 under the cluster: every member
		// runs 2013 or later (2010 runs on 2008 R2; see dag/quorum_dynamic.go).
		// Replay Lag Manager exists from 2013 and is on by default from 2016 CU1
		// (dag/playdown.go, exchange-site-resilience.md Conflict 5).
		opt := dag.DAGOptions{Exchange2016: true, DynamicQuorum: true, ReplayLagManager: true}
		for _, m := range d.Members {
			v := componentsVersion(w.spec[m].Version)
			if v != components.Exchange2016 && v != components.Exchange2019 {
				opt.Exchange2016 = false
			}
			if !v.HasComponentStates() {
				opt.DynamicQuorum, opt.ReplayLagManager = false, false
			}
		}
		opt.ReplayLagManagerEnabled = opt.Exchange2016
		if err := w.dag.AddDAGWith(d.Name, d.Members, d.Witness, opt); err != nil {
			return nil, sc.Errorf(d.Pos, "%v", err)
		}
		if err := w.dag.SetSiteOptions(d.Name, siteOptions(d)); err != nil {
			return nil, sc.Errorf(d.Pos, "%v", err)
		}
		if d.AutoReseedSpares > 0 {
			if err := w.dag.SetAutoReseedSpares(d.Name, d.AutoReseedSpares); err != nil {
				return nil, sc.Errorf(d.Pos, "%v", err)
			}
		}
		if d.SeedingMBps > 0 {
			if err := w.dag.SetSeedingRate(d.Name, d.SeedingMBps); err != nil {
				return nil, sc.Errorf(d.Pos, "%v", err)
			}
		}
	}
	for _, db := range sc.Topology.Databases {
		if err := w.dag.AddDatabase(db.Name, db.Copies); err != nil {
			return nil, sc.Errorf(db.Pos, "%v", err)
		}
		if db.SizeGB > 0 {
			if err := w.dag.SetDatabaseSize(db.Name, db.SizeGB); err != nil {
				return nil, sc.Errorf(db.Pos, "%v", err)
			}
		}
	}
	topo := transport.Topology{
		Inbound:             sc.Topology.Internet.Inbound.Servers,
		InboundLoadBalanced: sc.Topology.Internet.Inbound.LoadBalancer,
		InboundPolicy:       sc.Topology.Internet.Inbound.Policy,
		SenderRetry:         sc.Topology.Internet.SenderRetry,
		Latency:             sc.Topology.Latency,
	}
	for _, st := range sc.Topology.ADSites { // routing between AD sites (transport/adsites.go)
		topo.Sites = append(topo.Sites, transport.SiteSpec{Name: st.Name, HubSiteEnabled: st.HubSiteEnabled, InboundMailDisabled: !st.InboundMailEnabled})
	}
	for _, l := range sc.Topology.SiteLinks {
		topo.SiteLinks = append(topo.SiteLinks, transport.SiteLink{Name: l.Name, Sites: l.Sites, ADCost: l.Cost, ExchangeCost: l.ExchangeCost, MaxMessageSize: l.MaxMessageSize})
	}
	for _, sv := range sc.Topology.Servers {
		topo.Servers = append(topo.Servers, transport.ServerSpec{
			Name: sv.Name, Site: sv.Site, Version: transport.Version(versionOf(sv.Version)),
			Roles: sv.Roles, DAG: dagOf[sv.Name],
		})
	}
	for _, m := range sc.Topology.Mailboxes {
		topo.Mailboxes = append(topo.Mailboxes, transport.Mailbox{Address: m.Address, Database: m.Database})
	}
	for _, c := range sc.Topology.SendConnectors {
		topo.Connectors = append(topo.Connectors, transport.Connector{
			Name: c.Name, AddressSpaces: c.AddressSpaces, SourceServers: c.SourceServers, SmartHost: c.SmartHost, SmartHosts: c.SmartHosts,
			MaxMessageSize: c.MaxMessageSize, FrontendProxyEnabled: c.FrontendProxyEnabled,
			RequireTLS: c.RequireTLS, SmartHostAuthMechanism: c.SmartHostAuthMechanism, IgnoreSTARTTLS: c.IgnoreSTARTTLS,
		})
	}
	for _, h := range sc.Topology.Internet.Hosts { // EHLO capabilities (transport/smtp tls.go)
		if topo.HostCapabilities == nil {
			topo.HostCapabilities = map[string][]string{}
		}
		topo.HostCapabilities[strings.ToLower(h.Name)] = h.Capabilities
	}
	for _, d := range sc.Topology.Internet.Domains { // MX records (transport/smarthost.go)
		if topo.MX == nil {
			topo.MX = map[string][]transport.MX{}
		}
		for _, r := range d.MX {
			topo.MX[d.Name] = append(topo.MX[d.Name], transport.MX{Host: r.Host, Preference: r.Preference})
		}
		if d.ASet { // no MX records: the A record, or no domain at all
			if topo.ARecord == nil {
				topo.ARecord = map[string]bool{}
			}
			topo.ARecord[d.Name] = d.A
		}
	}
	mon, err := scom.New(s, sc)
	if err != nil {
		return nil, err
	}
	w.mon = mon
	topo.Mailboxes = append(topo.Mailboxes, mon.Mailboxes()...)
	tr, err := transport.New(s, topo, transport.Env{
		ActiveCopy: w.dag.ActiveCopy,
		Committed:  func(db string) { _ = w.dag.Committed(db) },
		ServiceStarted: func(server, service string) string {
			return string(w.comp.ServiceStarted(server, service))
		},
		Reachable: w.reach(),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.File, err)
	}
	w.tr = tr
	tr.OnDelivered(w.mon.Delivered)
	// The transport services of an established organization are running at t=0: each
	// read its component state when it started, so a change in the run makes it
	// inconsistent at once (warning 7011 / 7012), not only after a restart.
	for _, sv := range sc.Topology.Servers {
		if !sv.Transport() || !componentsVersion(sv.Version).HasComponentStates() {
			continue
		}
		w.comp.RunningAtStart(sv.Name, components.ServiceTransport)
		if sv.HasRole("ClientAccess") || sv.Version != "Exchange2013" {
			w.comp.RunningAtStart(sv.Name, components.ServiceFrontEndTransport)
		}
	}
	return w, nil
}

// sortedNames returns the keys of m in order, so no map order reaches output.
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// numberedKey names one outside domain's numbered addresses: the traffic line's
// prefix and its "*@domain".
type numberedKey struct{ prefix, wildcard string }
