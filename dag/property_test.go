package dag

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/exsim/exsim/sim"
)

var (
	propServers = []string{"EX1", "EX2", "EX3", "EX4", "EX5"}
	propDBs     = []string{"DB1", "DB2", "DB3"}
	propNodes   = append(append([]string{}, propServers...), "FSW")
)

// propWorld is one DAG of EX1-EX4 with witness FSW (EX3, EX4 in site Blue), EX5
// standalone; DB1 and DB2 replicated, DB3 standalone on EX5.
func propWorld(t *rapid.T) *world {
	w := &world{cut: map[[2]string]bool{}, ha: map[string]bool{}}
	w.s = sim.New(sim.Config{Start: time.Date(2016, 3, 1, 9, 0, 0, 0, time.UTC), Seed: 1})
	w.o = New(w.s, Env{
		Reachable:           func(a, b string) bool { return !w.cut[[2]string{a, b}] && !w.cut[[2]string{b, a}] },
		ActivationBlocked:   func(s string) bool { return w.ha[s] },
		SetHighAvailability: func(s string, active bool) { w.ha[s] = !active },
		LossyFailover: func(db string, from, to time.Duration) {
			if from > to || to > w.s.Now() {
				t.Fatalf("lossy window of %s is [%v, %v] at %v", db, from, to, w.s.Now())
			}
			w.losses = append(w.losses, loss{db, from, to})
		},
	})
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range propServers {
		must(w.o.AddServer(s, []string{"Red", "Red", "Blue", "Blue", "Red"}[i]))
	}
	must(w.o.AddDAGWith("DAG1", propServers[:4], "FSW", DAGOptions{Exchange2016: true, DynamicQuorum: rapid.Bool().Draw(t, "dynamic quorum"), ReplayLagManager: true, ReplayLagManagerEnabled: rapid.Bool().Draw(t, "replay lag manager")}))
	must(w.o.AddDatabase("DB1", []string{"EX1", "EX2", "EX3"}))
	must(w.o.AddDatabase("DB2", []string{"EX3", "EX4", "EX1", "EX2"}))
	must(w.o.AddDatabase("DB3", []string{"EX5"}))
	return w
}

type propMachine struct {
	w    *world
	seen int
}

func (m *propMachine) check(t *rapid.T) {
	o := m.w.o
	d := o.dagByN["dag1"]
	for _, db := range o.dbs {
		mounted := 0
		for _, c := range db.copies {
			st := o.status(c)
			if st == Mounted {
				mounted++
				if c != db.active {
					t.Fatalf("%s shows Mounted but is not the active copy", c.name())
				}
			}
			if db.cql(c) < 0 || db.rql(c) < 0 {
				t.Fatalf("%s has negative queues", c.name())
			}
		}
		if mounted > 1 {
			t.Fatalf("%s has %d mounted copies", db.name, mounted)
		}
		if db.mounted {
			sv := db.active.server
			if !sv.up || db.active.broken {
				t.Fatalf("%s is mounted on %s, which is down or failed", db.name, sv.name)
			}
			if db.dag != nil && (!db.dag.hasQuorum || !sv.inQuorum) {
				t.Fatalf("%s is mounted on %s without quorum", db.name, sv.name)
			}
		}
	}
	if !d.hasQuorum {
		for _, db := range o.dbs {
			if db.dag == d && db.mounted {
				t.Fatalf("DAG1 has no quorum but %s is mounted", db.name)
			}
		}
	}
	recs := m.w.s.Journal().Records()
	for _, r := range recs[m.seen:] {
		a, ok := r.Data.(Activation)
		if !ok || !a.Automatic {
			continue
		}
		sv := o.servers[key(a.To)]
		if sv.policy == Blocked || sv.paused || m.w.ha[sv.name] {
			t.Fatalf("automatic activation of %s on %s, which is Blocked/paused/HA-blocked: %s", a.Database, a.To, r.Text())
		}
		if a.Rebalance {
			if a.LostLogs != 0 || o.dbByN[key(a.Database)].copies[0].server != sv {
				t.Fatalf("rebalancing must be a lossless move to the preference-1 copy: %s", r.Text())
			}
		}
		if !sv.dial.allows(a.LostLogs) {
			t.Fatalf("automatic activation of %s on %s lost %d logs, more than its %s dial allows: %s", a.Database, a.To, a.LostLogs, sv.dial, r.Text())
		}
	}
	m.seen = len(recs)
}

func TestPropertyRandomOperationsKeepDAGInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := &propMachine{w: propWorld(t)}
		o := m.w.o
		srv := rapid.SampledFrom(propServers)
		dbg := rapid.SampledFrom(propDBs)
		actions := map[string]func(*rapid.T){
			"commit": func(t *rapid.T) {
				db := dbg.Draw(t, "db")
				if _, mounted := o.ActiveCopy(db); mounted {
					if err := o.Committed(db); err != nil {
						t.Fatal(err)
					}
				}
			},
			"run": func(t *rapid.T) {
				d := time.Duration(rapid.IntRange(0, 40).Draw(t, "seconds")) * time.Second
				if err := m.w.s.RunUntil(m.w.s.Now() + d); err != nil {
					t.Fatal(err)
				}
			},
			"mount":    func(t *rapid.T) { _ = o.Mount(dbg.Draw(t, "db")) },
			"dismount": func(t *rapid.T) { _ = o.Dismount(dbg.Draw(t, "db")) },
			"move": func(t *rapid.T) {
				target := rapid.SampledFrom(append([]string{""}, propServers...)).Draw(t, "target")
				_ = o.Move(dbg.Draw(t, "db"), target)
			},
			"suspend": func(t *rapid.T) {
				_ = o.SuspendCopy(dbg.Draw(t, "db"), srv.Draw(t, "server"), rapid.Bool().Draw(t, "activationOnly"))
			},
			"resume":  func(t *rapid.T) { _ = o.ResumeCopy(dbg.Draw(t, "db"), srv.Draw(t, "server")) },
			"crash":   func(t *rapid.T) { o.ServerDown(srv.Draw(t, "server")) },
			"stop":    func(t *rapid.T) { o.ServerStop(srv.Draw(t, "server")) },
			"restart": func(t *rapid.T) { o.ServerUp(srv.Draw(t, "server")) },
			"failcopy": func(t *rapid.T) {
				_ = o.FailCopy(dbg.Draw(t, "db"), srv.Draw(t, "server"))
			},
			"repaircopy": func(t *rapid.T) {
				_ = o.RepairCopy(dbg.Draw(t, "db"), srv.Draw(t, "server"))
			},
			"partition": func(t *rapid.T) {
				side := map[string]bool{}
				for _, n := range propNodes {
					side[n] = rapid.Bool().Draw(t, "side "+n)
				}
				m.w.cut = map[[2]string]bool{}
				for _, a := range propNodes {
					for _, b := range propNodes {
						if side[a] && !side[b] {
							m.w.cut[[2]string{a, b}] = true
						}
					}
				}
				o.NetworkChanged()
			},
			"heal": func(t *rapid.T) { m.w.heal() },
			"preferencemovefrequency": func(t *rapid.T) {
				f := rapid.SampledFrom([]time.Duration{InfiniteTimeSpan, time.Minute, 5 * time.Minute, time.Hour}).Draw(t, "frequency")
				if err := o.SetPreferenceMoveFrequency("DAG1", f); err != nil {
					t.Fatal(err)
				}
			},
			"policy": func(t *rapid.T) {
				p := rapid.SampledFrom([]string{"Unrestricted", "IntrasiteOnly", "Blocked"}).Draw(t, "policy")
				_ = o.SetAutoActivationPolicy(srv.Draw(t, "server"), p)
			},
			"dial": func(t *rapid.T) {
				p := rapid.SampledFrom([]string{"BestAvailability", "GoodAvailability", "Lossless"}).Draw(t, "dial")
				_ = o.SetAutoDatabaseMountDial(srv.Draw(t, "server"), p)
			},
			"movenow": func(t *rapid.T) {
				_ = o.SetActivationDisabledAndMoveNow(srv.Draw(t, "server"), rapid.Bool().Draw(t, "on"))
			},
			"pause":   func(t *rapid.T) { _ = o.SuspendClusterNode(srv.Draw(t, "server")) },
			"unpause": func(t *rapid.T) { _ = o.ResumeClusterNode(srv.Draw(t, "server")) },
			"ha": func(t *rapid.T) {
				s := srv.Draw(t, "server")
				m.w.ha[s] = rapid.Bool().Draw(t, "inactive")
				o.NetworkChanged() // a component change: let Active Manager look again
			},
			// Issue 17: lagged copies (short lags, so the liveness phase outlasts them)
			// and reseeds from the active or a passive copy.
			"lag": func(t *rapid.T) {
				lag := time.Duration(rapid.IntRange(0, 30).Draw(t, "lag seconds")) * time.Second
				_ = o.SetCopyLag(dbg.Draw(t, "db"), srv.Draw(t, "server"), &lag, nil)
			},
			"reseed": func(t *rapid.T) {
				src := rapid.SampledFrom(append([]string{""}, propServers...)).Draw(t, "source")
				_ = o.UpdateCopy(dbg.Draw(t, "db"), srv.Draw(t, "server"), UpdateCopyOptions{SourceServer: src, DeleteExistingFiles: rapid.Bool().Draw(t, "delete")})
			},
			// Replay Lag Manager's triggers (playdown.go).
			"lagmanager": func(t *rapid.T) { _ = o.SetReplayLagManager("DAG1", rapid.Bool().Draw(t, "on")) },
			"lowdisk": func(t *rapid.T) {
				_ = o.SetCopyFreeSpace(dbg.Draw(t, "db"), srv.Draw(t, "server"), rapid.SampledFrom([]int{5000, 50000}).Draw(t, "free MB"))
			},
			"maxpreferred": func(t *rapid.T) {
				_ = o.SetMaximumPreferredActiveDatabases(srv.Draw(t, "server"), rapid.IntRange(0, 2).Draw(t, "max"))
			},
			"corruptpage": func(t *rapid.T) { _ = o.CorruptCopyPage(dbg.Draw(t, "db"), srv.Draw(t, "server")) },
			"latency": func(t *rapid.T) {
				_ = o.SetCopyReadLatency(dbg.Draw(t, "db"), srv.Draw(t, "server"), rapid.IntRange(0, 60).Draw(t, "ms"))
			},
			"startmaintenance": func(t *rapid.T) { _ = o.StartDagServerMaintenance(srv.Draw(t, "server")) },
			"stopmaintenance":  func(t *rapid.T) { _ = o.StopDagServerMaintenance(srv.Draw(t, "server")) },
		}
		// Faults, blocks and time are drawn more often than the rest, so that failovers
		// onto blocked servers get a chance to happen.
		var names []string
		for name := range actions {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, hot := range []string{"crash", "restart", "run", "policy", "pause", "ha", "partition", "heal", "commit", "move"} {
			names = append(names, hot, hot)
		}
		pick := rapid.SampledFrom(names)
		steps := 60
		for i := 0; i < steps; i++ {
			actions[pick.Draw(t, "action")](t)
			m.check(t)
		}
		// Liveness: heal everything and every database mounts, every copy catches up.
		m.w.heal()
		for _, s := range propServers {
			o.ServerUp(s)
			_ = o.ResumeClusterNode(s)
			_ = o.SetAutoActivationPolicy(s, "Unrestricted")
			_ = o.SetActivationDisabledAndMoveNow(s, false)
			_ = o.SetMaximumPreferredActiveDatabases(s, 0)
			m.w.ha[s] = false
			for _, db := range propDBs {
				_ = o.RepairCopy(db, s)
				_ = o.ResumeCopy(db, s)
			}
		}
		o.NetworkChanged()
		for _, db := range propDBs {
			if err := o.Mount(db); err != nil {
				t.Fatalf("after healing, Mount-Database %s: %v", db, err)
			}
		}
		// Past the next rebalancing check, then long enough for every copy to settle.
		if err := m.w.s.RunUntil(m.w.s.Now() + o.PreferenceMoveFrequency("DAG1") + 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		m.check(t)
		if o.PreferenceMoveFrequency("DAG1") > 0 {
			for _, db := range []string{"DB1", "DB2"} {
				if srv, _ := o.ActiveCopy(db); srv != o.dbByN[key(db)].copies[0].server.name {
					t.Fatalf("after healing, rebalancing left %s on %s, not its preference-1 copy", db, srv)
				}
			}
		}
		rows, _ := o.CopyStatus("")
		for _, r := range rows {
			want := Healthy
			if r.ActiveCopy {
				want = Mounted
			}
			if r.Status != want || r.CopyQueueLength != 0 || r.ReplayQueueLength != 0 {
				t.Fatalf("after healing %s is %s with queues %d/%d\n%s", r.Name, r.Status, r.CopyQueueLength, r.ReplayQueueLength, fmt.Sprint(FormatCopyStatus(rows)))
			}
		}
	})
}
