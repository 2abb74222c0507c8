package dag

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim"
)

// siteWorld is a two-site DAG for the split-brain property: EX1, EX2 in Red, EX3, EX4
// in Blue, the witness FSW in Red or in a third site Green (drawn), the alternate
// witness FSW2 in Blue; DB1 and DB2 on all four. The network is per site: a failed
// site's nodes are down, and partitions cut sites from each other.
type siteWorld struct {
	s      *sim.Sim
	o      *Org
	siteOf map[string]string
	down   map[string]bool    // failed sites
	cut    map[[2]string]bool // site pairs cut by partitions
}

var siteServers = []string{"EX1", "EX2", "EX3", "EX4"}

func newSiteWorld(t *rapid.T, dac bool) *siteWorld {
	w := &siteWorld{down: map[string]bool{}, cut: map[[2]string]bool{}}
	witnessSite := rapid.SampledFrom([]string{"Red", "Green"}).Draw(t, "witness site")
	w.siteOf = map[string]string{"EX1": "Red", "EX2": "Red", "EX3": "Blue", "EX4": "Blue", "FSW": witnessSite, "FSW2": "Blue"}
	w.s = sim.New(sim.Config{Start: time.Date(2019, 3, 1, 9, 0, 0, 0, time.UTC), Seed: 1})
	w.o = New(w.s, Env{Reachable: func(a, b string) bool {
		sa, sb := w.siteOf[a], w.siteOf[b]
		if (a == "FSW" || a == "FSW2") && w.down[sa] || (b == "FSW" || b == "FSW2") && w.down[sb] {
			return false
		}
		return !w.cut[[2]string{sa, sb}] && !w.cut[[2]string{sb, sa}]
	}})
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range siteServers {
		must(w.o.AddServer(s, w.siteOf[s]))
	}
	must(w.o.AddDAGWith("DAG1", siteServers, "FSW", DAGOptions{DynamicQuorum: rapid.Bool().Draw(t, "dynamic quorum")}))
	mode := DACOff
	if dac {
		mode = DACDagOnly
	}
	must(w.o.SetSiteOptions("DAG1", SiteOptions{WitnessSite: witnessSite, AlternateWitness: "FSW2", AlternateWitnessSite: "Blue", DAC: mode}))
	must(w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3", "EX4"}))
	must(w.o.AddDatabase("DB2", []string{"EX3", "EX4", "EX1", "EX2"}))
	return w
}

func (w *siteWorld) serversOf(site string) []string {
	var out []string
	for _, s := range siteServers {
		if w.siteOf[s] == site {
			out = append(out, s)
		}
	}
	return out
}

// failSite is fail-site: every server and the witness of the site go down (a down
// witness is unreachable).
func (w *siteWorld) failSite(site string) {
	w.down[site] = true
	for _, s := range w.serversOf(site) {
		w.o.ServerDown(s)
	}
	w.o.NetworkChanged()
}

func (w *siteWorld) restoreSite(site string) {
	delete(w.down, site)
	for _, s := range w.serversOf(site) {
		w.o.ServerUp(s)
	}
	w.o.NetworkChanged()
}

// checkNoSplitBrain: at most one mounted copy of each database; a mount of the real
// active copy has quorum and, in DAC mode, a DACP bit of 1 and is not stopped.
func checkNoSplitBrain(t *rapid.T, o *Org) {
	for _, db := range o.dbs {
		if got := o.MountedCopies(db.name); len(got) > 1 {
			t.Fatalf("split brain: %s is mounted on %v", db.name, got)
		}
		if db.mounted {
			sv := db.active.server
			if !db.dag.hasQuorum || !sv.inQuorum {
				t.Fatalf("%s is mounted on %s without quorum", db.name, sv.name)
			}
			if db.dag.dac == DACDagOnly && (!sv.dacp || sv.stopped) {
				t.Fatalf("%s is mounted on %s against DACP (bit %v, stopped %v)", db.name, sv.name, sv.dacp, sv.stopped)
			}
		}
	}
}

// splitBrainProperty drives the site world with partitions of the three sites, site
// failures and restores, single-server crashes, and the documented switchover (only
// once every server of the failed site is down: its first step is to terminate the
// primary) and switchback.
func splitBrainProperty(dac bool) func(*rapid.T) {
	return func(t *rapid.T) {
		w := newSiteWorld(t, dac)
		o := w.o
		d := o.dagByN["dag1"]
		site := rapid.SampledFrom([]string{"Red", "Blue"})
		actions := map[string]func(*rapid.T){
			"run": func(t *rapid.T) {
				if err := w.s.RunUntil(w.s.Now() + time.Duration(rapid.IntRange(0, 60).Draw(t, "seconds"))*time.Second); err != nil {
					t.Fatal(err)
				}
			},
			"commit": func(t *rapid.T) {
				db := rapid.SampledFrom([]string{"DB1", "DB2"}).Draw(t, "db")
				if _, m := o.ActiveCopy(db); m {
					_ = o.Committed(db)
				}
			},
			"failsite":    func(t *rapid.T) { w.failSite(site.Draw(t, "site")) },
			"restoresite": func(t *rapid.T) { w.restoreSite(site.Draw(t, "site")) },
			"crash":       func(t *rapid.T) { o.ServerDown(rapid.SampledFrom(siteServers).Draw(t, "server")) },
			"start": func(t *rapid.T) {
				s := rapid.SampledFrom(siteServers).Draw(t, "server")
				if !w.down[w.siteOf[s]] {
					o.ServerUp(s)
				}
			},
			"partition": func(t *rapid.T) {
				w.cut = map[[2]string]bool{}
				sites := []string{"Red", "Blue", "Green"}
				side := map[string]bool{}
				for _, s := range sites {
					side[s] = rapid.Bool().Draw(t, "side "+s)
				}
				for _, a := range sites {
					for _, b := range sites {
						if side[a] != side[b] {
							w.cut[[2]string{a, b}] = true
						}
					}
				}
				o.NetworkChanged()
			},
			"heal": func(t *rapid.T) { w.cut = map[[2]string]bool{}; o.NetworkChanged() },
			"switchover": func(t *rapid.T) {
				from := site.Draw(t, "failed site")
				to := "Blue"
				if from == "Blue" {
					to = "Red"
				}
				for _, s := range w.serversOf(from) {
					if o.servers[key(s)].up {
						return // the runbook terminates the primary first
					}
				}
				if dac {
					if o.StopDAG("DAG1", from, nil, true) == nil {
						_ = o.RestoreDAG("DAG1", RestoreOptions{Site: to})
					}
					return
				}
				var stopped, survivors []*server
				for _, m := range d.members {
					if m.site == from && !m.evicted {
						stopped = append(stopped, m)
					} else if m.site == to && !m.evicted {
						survivors = append(survivors, m)
					}
				}
				if len(stopped) > 0 {
					_ = o.forceQuorum(d, stopped, survivors, false, "the non-DAC switchover")
				}
			},
			"startdag": func(t *rapid.T) {
				s := site.Draw(t, "site")
				if dac {
					_ = o.StartDAG("DAG1", s, nil, false)
				} else {
					for _, m := range d.members { // Add-DatabaseAvailabilityGroupServer
						if m.site == s {
							m.stopped, m.evicted, m.clusDisabled, m.stale = false, false, false, nil
						}
					}
					o.NetworkChanged()
				}
			},
			"setdag": func(t *rapid.T) { _ = o.SetDAG("DAG1", SetDAGOptions{}) },
		}
		var names []string
		for n := range actions {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, hot := range []string{"failsite", "restoresite", "switchover", "partition", "run"} {
			names = append(names, hot, hot)
		}
		pick := rapid.SampledFrom(names)
		for i := 0; i < 40; i++ {
			actions[pick.Draw(t, "action")](t)
			checkNoSplitBrain(t, o)
		}
	}
}

// fact: exchange-site-resilience.md §1.2/§1.3 and the bar: with DAC mode on,
// no generated sequence of partitions of two sites and a witness, site failures,
// restores and documented switchovers ever mounts a database twice, mounts without
// quorum, or mounts against DACP.
func TestPropertyDACPPreventsSplitBrain(t *testing.T) {
	rapid.Check(t, splitBrainProperty(true))
}

// failureTB records whether rapid found a counterexample, without failing the test.
type failureTB struct {
	failed bool
	msgs   []string
}

func (f *failureTB) Helper()                   {}
func (f *failureTB) Name() string              { return "TestPropertySplitBrainWithoutDACP" }
func (f *failureTB) Logf(s string, a ...any)   { f.msgs = append(f.msgs, fmt.Sprintf(s, a...)) }
func (f *failureTB) Log(a ...any)              { f.msgs = append(f.msgs, fmt.Sprint(a...)) }
func (f *failureTB) Skipf(string, ...any)      {}
func (f *failureTB) Skip(...any)               {}
func (f *failureTB) SkipNow()                  {}
func (f *failureTB) Errorf(s string, a ...any) { f.failed = true; f.Logf(s, a...) }
func (f *failureTB) Error(a ...any)            { f.failed = true; f.Log(a...) }
func (f *failureTB) Fatalf(s string, a ...any) { f.failed = true; f.Logf(s, a...) }
func (f *failureTB) Fatal(a ...any)            { f.failed = true; f.Log(a...) }
func (f *failureTB) FailNow()                  { f.failed = true }
func (f *failureTB) Fail()                     { f.failed = true }
func (f *failureTB) Failed() bool              { return f.failed }

// fact: exchange-site-resilience.md §1.2: without DAC mode, the same generator finds
// the split brain dac-mode.md describes (a primary restored behind a down WAN
// regains the old majority and mounts beside the switched-over site).
func TestPropertySplitBrainFoundWithoutDACP(t *testing.T) {
	f := &failureTB{}
	// rapid draws a fresh seed each run, and 100 checks do not always reach the
	// sequence (a restore behind a down WAN after a switchover): try a few rounds.
	for round := 0; round < 20 && !f.failed; round++ {
		rapid.Check(f, splitBrainProperty(false))
	}
	if !f.failed {
		t.Fatal("rapid found no split brain with DAC mode Off")
	}
	found := false
	for _, m := range f.msgs {
		if strings.Contains(m, "split brain") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the counterexample is not a split brain: %v", f.msgs)
	}
}
