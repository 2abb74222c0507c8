package explore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/cmdlet"
	"github.com/exsim/exsim/scenarios/fault"
)

// Dep says scenario step After must run after step Before (indices in
// Scenario.Steps): the order a search of plans keeps.
type Dep struct{ Before, After int }

// Dependencies are the order constraints between sc's run steps that the
// scenario's state implies, by this rule: a step reads and sets the state of the
// servers it names (its -Identity, -Server, -ServerName, a copy's or a queue's
// server, a database's copies, a Redirect-Message -Target, its on: server; a
// cmdlet that names none, such as Set-TransportConfig, acts on every server); a
// step whose cmdlets are all Get- or Format- only reads. Two steps that share a
// server, at least one of them setting its state, keep their written order. The
// rule is coarse on purpose (per server, not per component): a step that
// restarts transport reads every component state of its server, and a finer rule
// would need the models' own list of what each cmdlet reads. Where it is not
// enough, extra [Dep] values (a step's "after:") add to it.
func Dependencies(sc *scenarios.Scenario) []Dep {
	admin := adminSteps(sc)
	type footprint struct {
		servers map[string]bool
		writes  bool
	}
	fps := make([]footprint, len(admin))
	for k, j := range admin {
		fps[k] = footprint{servers: stepServers(sc, sc.Steps[j]), writes: !readOnly(sc.Steps[j])}
	}
	var out []Dep
	ids := map[string]int{}
	for i, st := range sc.Steps {
		if st.ID != "" {
			ids[st.ID] = i
		}
	}
	for i, st := range sc.Steps { // the scenario's own "after:" (the loader checked the ids)
		for _, a := range st.After {
			if j, ok := ids[a]; ok {
				out = append(out, Dep{Before: j, After: i})
			}
		}
	}
	for a := range admin {
		for b := a + 1; b < len(admin); b++ {
			if !fps[a].writes && !fps[b].writes {
				continue
			}
			for s := range fps[a].servers {
				if fps[b].servers[s] {
					out = append(out, Dep{Before: admin[a], After: admin[b]})
					break
				}
			}
		}
	}
	return out
}

func readOnly(st scenarios.Step) bool {
	for _, c := range st.Run {
		n := strings.ToLower(c.Name)
		if !strings.HasPrefix(n, "get-") && !strings.HasPrefix(n, "format-") {
			return false
		}
	}
	return len(st.Run) > 0
}

// stepServers are the servers a step names (see [Dependencies]); a fault step's
// are the servers it acts on (a partition's sites stand for their servers; the
// internet for none).
func stepServers(sc *scenarios.Scenario, st scenarios.Step) map[string]bool {
	out := map[string]bool{}
	add := func(name string) bool {
		name = strings.TrimSpace(name)
		for _, sv := range sc.Topology.Servers {
			if strings.EqualFold(sv.Name, name) {
				out[sv.Name] = true
				return true
			}
		}
		return false
	}
	if st.Fault != nil {
		f := st.Fault
		switch f.Kind {
		case fault.Partition:
			for _, n := range append(slices.Clone(f.A), f.B...) {
				if !add(n) {
					for _, sv := range sc.Topology.Servers {
						if strings.EqualFold(sv.Site, n) {
							out[sv.Name] = true
						}
					}
				}
			}
		case fault.Heal:
			for _, sv := range sc.Topology.Servers {
				out[sv.Name] = true
			}
		case fault.FailSite, fault.RestoreSite, fault.PartitionSites:
			// a site fault acts on every server of its sites
			for _, site := range append(append([]string{f.Site}, f.A...), f.B...) {
				for _, sv := range sc.Topology.Servers {
					if site != "" && strings.EqualFold(sv.Site, site) {
						out[sv.Name] = true
					}
				}
			}
		default:
			add(f.Server)
		}
		return out
	}
	if st.On != "" {
		add(st.On)
	}
	named := false
	for _, c := range st.Run {
		spec, ok := cmdlet.Lookup(c.Name)
		if !ok {
			continue
		}
		vals, err := c.Bind(spec.Params)
		if err != nil {
			continue
		}
		for _, p := range spec.Params {
			v, ok := vals[p.Name]
			if !ok {
				continue
			}
			for _, s := range v.Strings() {
				switch {
				case p.Type == cmdlet.Server:
					named = add(s) || named
				case p.Type == cmdlet.Copy: // DB\Server
					_, srv, _ := strings.Cut(s, `\`)
					named = add(srv) || named
				case p.Type == cmdlet.Queue: // Server\Queue
					srv, _, _ := strings.Cut(s, `\`)
					named = add(srv) || named
				case p.Type == cmdlet.Database:
					for _, db := range sc.Topology.Databases {
						if strings.EqualFold(db.Name, s) {
							for _, c := range db.Copies {
								named = add(c) || named
							}
						}
					}
				case p.Name == "Target":
					host, _, _ := strings.Cut(s, ".")
					named = add(host) || named
				}
			}
		}
	}
	if !named && st.On == "" {
		// A cmdlet that names no server (Set-TransportConfig, Get-Queue alone)
		// acts on, or looks at, every server.
		for _, sv := range sc.Topology.Servers {
			out[sv.Name] = true
		}
	}
	return out
}

// RunStepDep turns "N:M" (run step N after run step M, numbered from 1 among the
// run steps, as the plan moves "#N" number them) into a [Dep].
func RunStepDep(sc *scenarios.Scenario, spec string) (Dep, error) {
	admin := adminSteps(sc)
	var n, m int
	if _, err := fmt.Sscanf(spec, "%d:%d", &n, &m); err != nil || fmt.Sprintf("%d:%d", n, m) != strings.TrimSpace(spec) {
		return Dep{}, fmt.Errorf("after %q: want N:M, run step N after run step M (numbered 1 to %d)", spec, len(admin))
	}
	if n < 1 || m < 1 || n > len(admin) || m > len(admin) || n == m {
		return Dep{}, fmt.Errorf("after %q: want two different run steps numbered 1 to %d", spec, len(admin))
	}
	return Dep{Before: admin[m-1], After: admin[n-1]}, nil
}
