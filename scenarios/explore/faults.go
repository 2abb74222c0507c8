package explore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
	"github.com/exsim/exsim/scenarios/fault"
)

// Fault is one injected fault: a fault line of the scenario format at an instant,
// repaired For later by "start S" when it is a crash or a stop. For 0, a partition
// and a copy failure last until the liveness phase heals everything: "heal" would
// end the scenario's own partitions too, and a failed copy needs a reseed.
type Fault struct {
	At   time.Duration
	Line string
	For  time.Duration
}

func (f Fault) String() string {
	s := fmt.Sprintf("%s at %s", f.Line, dur(f.At))
	if f.For > 0 {
		s += " for " + dur(f.For)
	}
	return s
}

// DefaultFaults are the fault templates `exsim check` uses when none are given:
// the crash of any server, with and without its queue database.
var DefaultFaults = []string{"crash any", "crash any lose-queue"}

// Expand turns fault templates into the concrete fault lines they stand for over
// sc, in template order then topology order (so the first line is the simplest
// to shrink toward). A template is a fault line in which "any" stands for every
// server (crash, stop: servers that run transport or hold database copies;
// partition: every server, "any from any" every pair), or every database copy
// (fail-copy any). Lines without "any" are checked against the topology as they
// are. Duplicates are dropped.
func Expand(sc *scenarios.Scenario, templates []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(line string) error {
		f, err := fault.Parse(line)
		if err != nil {
			return fmt.Errorf("fault %q: %v", line, err)
		}
		if f, err = canon(sc, f); err != nil {
			return fmt.Errorf("fault %q: %v", line, err)
		}
		if f.Kind == fault.Start || f.Kind == fault.Heal || f.Kind == fault.Release || f.Kind == fault.Up || f.Kind == fault.RestoreSite {
			return fmt.Errorf("fault %q: %s is a repair, not a fault; each injected fault is repaired after its duration (restore-site repairs fail-site)", line, f.Kind)
		}
		key := f.String()
		if !seen[key] {
			seen[key] = true
			out = append(out, key)
		}
		return nil
	}
	for _, t := range templates {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		words := strings.Fields(t)
		switch {
		case !slices.Contains(words, "any"):
			if err := add(t); err != nil {
				return nil, err
			}
		case words[0] == "crash" || words[0] == "stop":
			if len(words) < 2 || words[1] != "any" {
				return nil, fmt.Errorf("fault template %q: want %s any%s", t, words[0], map[bool]string{true: " [lose-queue]"}[words[0] == "crash"])
			}
			for _, sv := range faultableServers(sc) {
				if slices.Contains(words, "lose-queue") && !runsTransport(sc, sv) {
					continue // a server without transport has no queue database to lose
				}
				if err := add(strings.Replace(t, "any", sv, 1)); err != nil {
					return nil, err
				}
			}
		case words[0] == "disk" || words[0] == "memory":
			// back pressure (transport/pressure.go) on every transport server
			if len(words) < 2 || words[1] != "any" {
				return nil, fmt.Errorf("fault template %q: want disk any queue|data N%%, or memory any N%%", t)
			}
			for _, sv := range faultableServers(sc) {
				if !runsTransport(sc, sv) {
					continue // no transport service: no back pressure
				}
				if err := add(strings.Replace(t, "any", sv, 1)); err != nil {
					return nil, err
				}
			}
		case words[0] == "down" || words[0] == "refuse":
			// every smart host and MX host (transport/smarthost.go)
			if len(words) < 2 || words[1] != "any" {
				return nil, fmt.Errorf("fault template %q: want down any, or refuse any 4xx", t)
			}
			for _, h := range sc.Topology.ExternalHosts() {
				if err := add(strings.Replace(t, "any", h, 1)); err != nil {
					return nil, err
				}
			}
		case words[0] == "fail-copy":
			if t != "fail-copy any" {
				return nil, fmt.Errorf("fault template %q: want fail-copy any, or fail-copy DB\\SERVER", t)
			}
			for _, db := range sc.Topology.Databases {
				if len(db.Copies) < 2 {
					continue // a single-copy database has nothing to fail over to: not interesting
				}
				for _, c := range db.Copies {
					if err := add("fail-copy " + db.Name + `\` + c); err != nil {
						return nil, err
					}
				}
			}
		case words[0] == "fail-site":
			// every AD site with a server: its servers, witnesses and links fail
			if t != "fail-site any" {
				return nil, fmt.Errorf("fault template %q: want fail-site any, or fail-site SITE", t)
			}
			for _, site := range serverSites(sc) {
				if err := add("fail-site " + site); err != nil {
					return nil, err
				}
			}
		case words[0] == "partition-sites":
			lines, err := expandSitePartition(sc, t)
			if err != nil {
				return nil, err
			}
			for _, l := range lines {
				if err := add(l); err != nil {
					return nil, err
				}
			}
		case words[0] == "partition":
			lines, err := expandPartition(sc, t)
			if err != nil {
				return nil, err
			}
			for _, l := range lines {
				if err := add(l); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("fault template %q: \"any\" works with crash, stop, fail-copy, partition, disk, memory, down and refuse", t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the fault templates %q give no fault over this topology", templates)
	}
	return out, nil
}

func expandPartition(sc *scenarios.Scenario, t string) ([]string, error) {
	a, b, ok := strings.Cut(strings.TrimPrefix(t, "partition "), " from ")
	if !ok {
		return nil, fmt.Errorf("fault template %q: want partition any from internet, or partition any from any", t)
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	var names []string
	for _, sv := range sc.Topology.Servers {
		names = append(names, sv.Name)
	}
	var out []string
	switch {
	case a == "any" && b == "any":
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				out = append(out, "partition "+names[i]+" from "+names[j])
			}
		}
	case a == "any":
		for _, n := range names {
			if !strings.EqualFold(n, b) {
				out = append(out, "partition "+n+" from "+b)
			}
		}
	case b == "any":
		for _, n := range names {
			if !strings.EqualFold(n, a) {
				out = append(out, "partition "+a+" from "+n)
			}
		}
	}
	return out, nil
}

// serverSites are the topology's AD sites that hold a server, in declared order:
// failing or cutting off an empty site changes nothing.
func serverSites(sc *scenarios.Scenario) []string {
	var out []string
	for _, site := range sc.Topology.Sites {
		for _, sv := range sc.Topology.Servers {
			if strings.EqualFold(sv.Site, site) {
				out = append(out, site)
				break
			}
		}
	}
	return out
}

// expandSitePartition expands partition-sites templates: "partition-sites any" (and
// "any from any") cuts each site with servers from every other site, "A from any"
// cuts A from the rest, "any from B" each other site from B.
func expandSitePartition(sc *scenarios.Scenario, t string) ([]string, error) {
	sites := serverSites(sc)
	rest := func(x string) string {
		var o []string
		for _, s := range sc.Topology.Sites {
			if !strings.EqualFold(s, x) {
				o = append(o, s)
			}
		}
		return strings.Join(o, ",")
	}
	var out []string
	body := strings.TrimPrefix(t, "partition-sites ")
	a, b, cut := strings.Cut(body, " from ")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case body == "any" || (cut && a == "any" && b == "any"):
		for _, s := range sites {
			if r := rest(s); r != "" {
				out = append(out, "partition-sites "+s+" from "+r)
			}
		}
	case cut && a == "any":
		for _, s := range sites {
			if !strings.EqualFold(s, b) {
				out = append(out, "partition-sites "+s+" from "+b)
			}
		}
	case cut && b == "any":
		if r := rest(a); r != "" {
			out = append(out, "partition-sites "+a+" from "+r)
		}
	default:
		return nil, fmt.Errorf("fault template %q: want partition-sites any, partition-sites SITE from any, or partition-sites any from SITE", t)
	}
	return out, nil
}

// faultableServers are the servers whose failure can matter to mail: those that
// run transport or hold a database copy, in topology order.
func faultableServers(sc *scenarios.Scenario) []string {
	holds := map[string]bool{}
	for _, db := range sc.Topology.Databases {
		for _, c := range db.Copies {
			holds[c] = true
		}
	}
	var out []string
	for _, sv := range sc.Topology.Servers {
		if sv.Transport() || holds[sv.Name] {
			out = append(out, sv.Name)
		}
	}
	return out
}

func runsTransport(sc *scenarios.Scenario, name string) bool {
	for _, sv := range sc.Topology.Servers {
		if sv.Name == name {
			return sv.Transport()
		}
	}
	return false
}

// canon resolves the names a fault uses against the topology, as the loader does
// for a fault step (case-insensitively), and rewrites them to their declared
// spelling, which the runner compares with ==.
func canon(sc *scenarios.Scenario, f fault.Fault) (fault.Fault, error) {
	server := func(n string) (string, error) {
		for _, sv := range sc.Topology.Servers {
			if strings.EqualFold(sv.Name, n) {
				return sv.Name, nil
			}
		}
		return "", fmt.Errorf("unknown server %q", n)
	}
	var err error
	switch f.Kind {
	case fault.Crash, fault.Stop, fault.Start, fault.Disk, fault.Memory, fault.Release:
		f.Server, err = server(f.Server)
		return f, err
	case fault.Down, fault.Refuse, fault.Up:
		for _, h := range sc.Topology.ExternalHosts() {
			if strings.EqualFold(h, f.Host) {
				f.Host = h
				return f, nil
			}
		}
		return f, fmt.Errorf("unknown smart host or MX host %q", f.Host)
	case fault.FailCopy:
		for _, db := range sc.Topology.Databases {
			if strings.EqualFold(db.Name, f.Database) {
				for _, c := range db.Copies {
					if strings.EqualFold(c, f.Server) {
						f.Database, f.Server = db.Name, c
						return f, nil
					}
				}
			}
		}
		return f, fmt.Errorf("no database copy %s\\%s", f.Database, f.Server)
	case fault.FailSite, fault.RestoreSite:
		f.Site, err = siteName(sc, f.Site)
		return f, err
	case fault.PartitionSites:
		sides := [][]string{slices.Clone(f.A), slices.Clone(f.B)}
		for _, side := range sides {
			for i, n := range side {
				if side[i], err = siteName(sc, n); err != nil {
					return f, err
				}
			}
		}
		f.A, f.B = sides[0], sides[1]
	case fault.Partition:
		sides := [][]string{slices.Clone(f.A), slices.Clone(f.B)}
		for _, side := range sides {
			for i, n := range side {
				if strings.EqualFold(n, fault.Internet) {
					side[i] = fault.Internet
					continue
				}
				if k := slices.IndexFunc(sc.Topology.Sites, func(s string) bool { return strings.EqualFold(s, n) }); k >= 0 {
					side[i] = sc.Topology.Sites[k]
					continue
				}
				if side[i], err = server(n); err != nil {
					return f, err
				}
			}
		}
		f.A, f.B = sides[0], sides[1]
	}
	return f, nil
}

func siteName(sc *scenarios.Scenario, n string) (string, error) {
	if k := slices.IndexFunc(sc.Topology.Sites, func(s string) bool { return strings.EqualFold(s, n) }); k >= 0 {
		return sc.Topology.Sites[k], nil
	}
	return "", fmt.Errorf("unknown AD site %q (the topology's sites: %s)", n, strings.Join(sc.Topology.Sites, ", "))
}

// Steps turns faults into scenario steps: each fault at its instant and its repair
// For later (clamped to the scenario's duration; a repair that would fall after it
// is left to the liveness phase). The steps are sorted by instant, faults before
// repairs at one instant.
func Steps(sc *scenarios.Scenario, faults []Fault) ([]scenarios.Step, error) {
	var out []scenarios.Step
	for _, f := range faults {
		st, err := step(f.At, f.Line)
		if err != nil {
			return nil, err
		}
		if f.At > sc.Duration {
			return nil, fmt.Errorf("fault %q at %s is after the scenario's duration %s", f.Line, dur(f.At), dur(sc.Duration))
		}
		out = append(out, st)
		if f.For <= 0 || f.At+f.For > sc.Duration {
			continue
		}
		var repair string
		switch st.Fault.Kind {
		case fault.Crash, fault.Stop:
			repair = "start " + st.Fault.Server
		case fault.Disk, fault.Memory:
			repair = "release " + st.Fault.Server
		case fault.Down, fault.Refuse:
			repair = "up " + st.Fault.Host
		case fault.FailSite:
			repair = "restore-site " + st.Fault.Site
		default:
			// heal ends every partition, the scenario's own too (an internet link
			// it cuts on purpose), so an injected partition and a copy failure
			// last until the liveness phase.
			continue
		}
		rs, err := step(f.At+f.For, repair)
		if err != nil {
			return nil, err
		}
		out = append(out, rs)
	}
	slices.SortStableFunc(out, func(a, b scenarios.Step) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	return out, nil
}

func step(at time.Duration, line string) (scenarios.Step, error) {
	f, err := fault.Parse(line)
	if err != nil {
		return scenarios.Step{}, fmt.Errorf("fault %q: %v", line, err)
	}
	return scenarios.Step{At: at, Text: f.String(), Fault: &f}, nil
}
