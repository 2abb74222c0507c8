package explore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/exsim/exsim/scenarios"
)

// The generators below draw in an order chosen for rapid's shrinking, which works
// on the draws (smaller numbers, shorter lists): a fault list shrinks toward fewer
// faults, each fault toward instant 0, the first candidate and no repair; a plan
// toward its own order and timing; a topology toward Exchange 2010 SP1 and the
// fewest servers.

// FaultsGen draws up to maxFaults faults over sc, each a line of candidates (see
// [Expand]) at a multiple of gran within the scenario, lasting until the liveness
// phase or repaired some multiples of gran later.
func FaultsGen(sc *scenarios.Scenario, candidates []string, maxFaults int, gran time.Duration) *rapid.Generator[[]Fault] {
	if gran <= 0 {
		gran = time.Minute
	}
	slots := int(sc.Duration / gran)
	one := rapid.Custom(func(t *rapid.T) Fault {
		at := rapid.IntRange(0, slots).Draw(t, "slot")
		line := candidates[rapid.IntRange(0, len(candidates)-1).Draw(t, "fault")]
		repair := rapid.IntRange(0, slots).Draw(t, "repairAfter")
		return Fault{At: time.Duration(at) * gran, Line: line, For: time.Duration(repair) * gran}
	})
	return rapid.Custom(func(t *rapid.T) []Fault {
		fs := rapid.SliceOfN(one, 0, max(maxFaults, 0)).Draw(t, "faults")
		slices.SortStableFunc(fs, func(a, b Fault) int { return int(a.At - b.At) })
		return fs
	})
}

// PlanGen draws a variant of sc's plan: its admin steps (run) in another order and
// each up to maxDelay later, the order drawn as a Fisher-Yates shuffle whose every
// draw shrinks to "keep this step here". The permuted steps take the plan's
// instants in order, so a swap exchanges two steps' times. Fault steps keep their
// instants. The scenario is a copy; sc is not changed.
func PlanGen(sc *scenarios.Scenario, maxDelay, gran time.Duration) *rapid.Generator[*scenarios.Scenario] {
	if gran <= 0 {
		gran = time.Minute
	}
	return rapid.Custom(func(t *rapid.T) *scenarios.Scenario {
		var admin []scenarios.Step
		var faults []scenarios.Step
		for _, st := range sc.Steps {
			if st.Fault != nil {
				faults = append(faults, st)
			} else {
				admin = append(admin, st)
			}
		}
		if len(admin) == 0 {
			// Nothing to vary; rapid wants every generator to draw something.
			rapid.Bool().Draw(t, "emptyPlan")
			out := *sc
			return &out
		}
		times := make([]time.Duration, len(admin))
		for i, st := range admin {
			times[i] = st.At
		}
		perm := slices.Clone(admin)
		for i := range perm {
			j := i + rapid.IntRange(0, len(perm)-1-i).Draw(t, "swap")
			perm[i], perm[j] = perm[j], perm[i]
		}
		maxSlots := int(maxDelay / gran)
		for i := range perm {
			perm[i].At = min(times[i]+time.Duration(rapid.IntRange(0, maxSlots).Draw(t, "delay"))*gran, sc.Duration)
		}
		out := *sc
		out.Steps = append(perm, faults...)
		slices.SortStableFunc(out.Steps, func(a, b scenarios.Step) int { return int(a.At - b.At) })
		return &out
	})
}

// TrafficGen draws 1 to 3 traffic entries over sc's topology: single messages,
// bursts (count, every) or Poisson streams, from a mailbox of the organization or
// an internet sender, to a mailbox or an external recipient. Internet senders are
// drawn only when the topology has inbound servers; external recipients only when
// it has a send connector.
func TrafficGen(sc *scenarios.Scenario) *rapid.Generator[[]scenarios.Traffic] {
	var froms, tos []string
	for _, m := range sc.Topology.Mailboxes {
		froms = append(froms, m.Address)
		tos = append(tos, m.Address)
	}
	if len(sc.Topology.Internet.Inbound.Servers) > 0 {
		froms = append(froms, "sender@fabrikam.net")
	}
	if len(sc.Topology.SendConnectors) > 0 {
		tos = append(tos, "partner@fabrikam.net")
	}
	minutes := max(int(sc.Duration/time.Minute), 1)
	entry := rapid.Custom(func(t *rapid.T) scenarios.Traffic {
		tr := scenarios.Traffic{Count: 1}
		if len(froms) == 0 || len(tos) == 0 {
			t.Fatalf("explore: the topology has no mailbox to send from or to")
		}
		tr.From = froms[rapid.IntRange(0, len(froms)-1).Draw(t, "from")]
		tr.To = []string{tos[rapid.IntRange(0, len(tos)-1).Draw(t, "to")]}
		switch rapid.IntRange(0, 2).Draw(t, "pattern") {
		case 0:
			tr.At = time.Duration(rapid.IntRange(0, minutes).Draw(t, "at")) * time.Minute
		case 1:
			tr.Count = rapid.IntRange(2, 20).Draw(t, "count")
			tr.Every = time.Duration(rapid.IntRange(1, max(minutes/tr.Count, 1)).Draw(t, "every")) * time.Minute
			tr.At = time.Duration(rapid.IntRange(0, max(minutes-int(tr.Every/time.Minute)*(tr.Count-1), 0)).Draw(t, "at")) * time.Minute
			if tr.At+time.Duration(tr.Count-1)*tr.Every > sc.Duration {
				tr.Count = 1
				tr.Every = 0
			}
		default:
			tr.PerHour = float64(rapid.IntRange(1, 120).Draw(t, "perHour"))
			tr.Until = sc.Duration
		}
		return tr
	})
	return rapid.SliceOfN(entry, 1, 3)
}

// TopologyGen draws a small organization with steady traffic, loaded through the
// scenario parser (so it is valid by construction, or the draw fails): Exchange
// 2010 SP1 with 1 to 3 Hub Transport servers and 1 to 3 mailbox servers (a DAG
// when there are 2 or more), or Exchange 2016 with a DAG of 2 to 4 multi-role
// members, in one or two sites; one database per mailbox server with a copy on
// every DAG member; internet mail in and out.
func TopologyGen() *rapid.Generator[*scenarios.Scenario] {
	return rapid.Custom(func(t *rapid.T) *scenarios.Scenario {
		modern := rapid.IntRange(0, 1).Draw(t, "exchange2016") == 1
		sites := rapid.IntRange(1, 2).Draw(t, "sites")
		var b strings.Builder
		version := "Exchange2010SP1"
		if modern {
			version = "Exchange2016"
		}
		fmt.Fprintf(&b, "name: generated\ndescription: A generated topology.\nversion: %s\nduration: 1h\nseed: %d\n",
			version, rapid.IntRange(1, 1000).Draw(t, "seed"))
		siteName := func(i int) string { return fmt.Sprintf("Site%d", i%sites+1) }
		var servers, hubs, mbx []string
		b.WriteString("topology:\n  sites: [")
		for i := range sites {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(siteName(i))
		}
		b.WriteString("]\n  servers:\n")
		if modern {
			n := rapid.IntRange(2, 4).Draw(t, "members")
			for i := range n {
				name := fmt.Sprintf("EX%d", i+1)
				fmt.Fprintf(&b, "    - {name: %s, site: %s, roles: [Mailbox]}\n", name, siteName(i))
				servers, hubs, mbx = append(servers, name), append(hubs, name), append(mbx, name)
			}
		} else {
			nh := rapid.IntRange(1, 3).Draw(t, "hubs")
			nm := rapid.IntRange(1, 3).Draw(t, "mailboxServers")
			for i := range nh {
				name := fmt.Sprintf("HUB%d", i+1)
				fmt.Fprintf(&b, "    - {name: %s, site: %s, roles: [HubTransport]}\n", name, siteName(i))
				servers, hubs = append(servers, name), append(hubs, name)
			}
			for i := range nm {
				name := fmt.Sprintf("MBX%d", i+1)
				fmt.Fprintf(&b, "    - {name: %s, site: %s, roles: [Mailbox]}\n", name, siteName(i))
				servers, mbx = append(servers, name), append(mbx, name)
			}
		}
		dag := len(mbx) >= 2
		if dag {
			fmt.Fprintf(&b, "  dags:\n    - {name: DAG1, members: [%s]", strings.Join(mbx, ", "))
			if len(mbx)%2 == 0 {
				b.WriteString(", witness: FSW1")
			}
			b.WriteString("}\n")
		}
		b.WriteString("  databases:\n")
		for i := range mbx {
			copies := []string{mbx[i]}
			if dag {
				copies = append(slices.Clone(mbx[i:]), mbx[:i]...)
			}
			fmt.Fprintf(&b, "    - {name: DB%d, copies: [%s]}\n", i+1, strings.Join(copies, ", "))
		}
		b.WriteString("  mailboxes:\n")
		for i := range mbx {
			fmt.Fprintf(&b, "    - {address: user%d@contoso.com, database: DB%d}\n", i+1, i+1)
		}
		fmt.Fprintf(&b, "  sendConnectors:\n    - {name: Internet, addressSpaces: [\"*\"], sourceServers: [%s]}\n", strings.Join(hubs, ", "))
		if modern {
			fmt.Fprintf(&b, "  internet:\n    inbound: {loadBalancer: [%s], policy: roundRobin}\n", strings.Join(hubs, ", "))
		} else {
			fmt.Fprintf(&b, "  internet:\n    inbound: [%s]\n", strings.Join(hubs, ", "))
		}
		rate := rapid.IntRange(1, 60).Draw(t, "perHour")
		fmt.Fprintf(&b, "traffic:\n  - {from: \"*@fabrikam.net\", to: \"*@contoso.com\", perHour: %d}\n", rate)
		fmt.Fprintf(&b, "  - {from: user1@contoso.com, to: partner@fabrikam.net, perHour: %d}\n", rate)
		sc, err := scenarios.Parse("generated.yaml", []byte(b.String()))
		if err != nil {
			t.Fatalf("explore: a generated topology does not load: %v\n%s", err, b.String())
		}
		return sc
	})
}
