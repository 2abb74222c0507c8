package explore

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/exsim/exsim/scenarios"
)

// Marshal writes sc in the scenario format, so that scenarios.Parse of the output
// gives back the same scenario (positions aside). Every value is written resolved:
// a Poisson entry's until, the sender retry, the latency, each server's site. The
// leading comment, if any, is written as YAML comment lines.
func Marshal(sc *scenarios.Scenario, comment string) ([]byte, error) {
	if sc == nil {
		return nil, fmt.Errorf("explore: Marshal of a nil scenario")
	}
	var b bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(comment, "\n"), "\n") {
		if comment == "" {
			break
		}
		b.WriteString(strings.TrimRight("# "+line, " ") + "\n")
	}
	kv := func(indent, k, v string) { fmt.Fprintf(&b, "%s%s: %s\n", indent, k, v) }
	kv("", "name", q(sc.Name))
	kv("", "description", q(sc.Description))
	if sc.Version != "" {
		kv("", "version", sc.Version)
	}
	kv("", "start", q(sc.Start.UTC().Format(time.RFC3339)))
	kv("", "duration", dur(sc.Duration))
	kv("", "seed", strconv.FormatUint(sc.Seed, 10))

	t := sc.Topology
	b.WriteString("\ntopology:\n")
	if len(t.Sites) > 0 {
		marshalSites(&b, t)
	}
	b.WriteString("  servers:\n")
	for _, sv := range t.Servers {
		f := []string{"name: " + q(sv.Name)}
		if len(t.Sites) > 0 {
			f = append(f, "site: "+q(sv.Site))
		}
		f = append(f, "roles: "+list(sv.Roles))
		if sv.Version != sc.Version {
			f = append(f, "version: "+sv.Version)
		}
		b.WriteString("    - " + flow(f) + "\n")
	}
	if len(t.DAGs) > 0 {
		b.WriteString("  dags:\n")
		for _, d := range t.DAGs {
			f := []string{"name: " + q(d.Name), "members: " + list(d.Members)}
			if d.Witness != "" {
				f = append(f, "witness: "+witness(t, d, d.Witness, d.WitnessSite))
			}
			if d.AlternateWitness != "" {
				f = append(f, "alternateWitness: "+witness(t, d, d.AlternateWitness, d.AlternateWitnessSite))
			}
			if d.DatacenterActivationMode != "" {
				f = append(f, "datacenterActivationMode: "+d.DatacenterActivationMode)
			}
			if d.AutoReseedSpares > 0 {
				f = append(f, "autoReseedSpares: "+strconv.Itoa(d.AutoReseedSpares))
			}
			if d.SeedingMBps > 0 {
				f = append(f, "seedingMBps: "+strconv.FormatFloat(d.SeedingMBps, 'g', -1, 64))
			}
			b.WriteString("    - " + flow(f) + "\n")
		}
	}
	if len(t.Databases) > 0 {
		b.WriteString("  databases:\n")
		for _, d := range t.Databases {
			f := []string{"name: " + q(d.Name), "copies: " + list(d.Copies)}
			if d.SizeGB > 0 {
				f = append(f, "sizeGB: "+strconv.FormatFloat(d.SizeGB, 'g', -1, 64))
			}
			b.WriteString("    - " + flow(f) + "\n")
		}
	}
	if len(t.Mailboxes) > 0 {
		b.WriteString("  mailboxes:\n")
		for _, m := range t.Mailboxes {
			b.WriteString("    - " + flow([]string{"address: " + q(m.Address), "database: " + q(m.Database)}) + "\n")
		}
	}
	if len(t.SendConnectors) > 0 {
		b.WriteString("  sendConnectors:\n")
		for _, c := range t.SendConnectors {
			f := []string{"name: " + q(c.Name), "addressSpaces: " + list(c.AddressSpaces), "sourceServers: " + list(c.SourceServers)}
			if c.SmartHost != "" {
				f = append(f, "smartHost: "+q(c.SmartHost))
			}
			if len(c.SmartHosts) > 0 {
				f = append(f, "smartHosts: "+list(c.SmartHosts))
			}
			switch {
			case c.MaxMessageSize == 1<<63-1: // unlimited
				f = append(f, "maxMessageSize: unlimited")
			case c.MaxMessageSize > 0:
				f = append(f, "maxMessageSize: "+strconv.FormatInt(c.MaxMessageSize, 10))
			}
			b.WriteString("    - " + flow(f) + "\n")
		}
	}
	b.WriteString("  internet:\n")
	in := t.Internet.Inbound
	switch {
	case in.LoadBalancer:
		policy := in.Policy
		if policy == "" {
			policy = "roundRobin"
		}
		kv("    ", "inbound", flow([]string{"loadBalancer: " + list(in.Servers), "policy: " + policy}))
	case len(in.Servers) > 0:
		kv("    ", "inbound", list(in.Servers))
	}
	kv("    ", "senderRetry", dur(t.Internet.SenderRetry))
	if len(t.Internet.Domains) > 0 {
		b.WriteString("    domains:\n")
		for _, d := range t.Internet.Domains {
			var recs []string
			for _, r := range d.MX {
				recs = append(recs, r.Host+" "+strconv.Itoa(r.Preference))
			}
			entry := "mx: " + list(recs)
			if d.ASet {
				entry = "a: " + strconv.FormatBool(d.A)
			}
			b.WriteString("      " + q(d.Name) + ": " + flow([]string{entry}) + "\n")
		}
	}
	kv("  ", "latency", dur(t.Latency))

	if len(sc.Config) > 0 {
		b.WriteString("\nconfig:\n")
		for _, c := range sc.Config {
			b.WriteString("  - " + q(c.Text) + "\n")
		}
	}
	if len(sc.EdgeTransportConfig) > 0 {
		b.WriteString("\nedgeTransportConfig:\n")
		for _, k := range sortedKeys(sc.EdgeTransportConfig) {
			kv("  ", k, q(sc.EdgeTransportConfig[k]))
		}
	}
	if len(sc.Traffic) > 0 {
		b.WriteString("\ntraffic:\n")
		for _, tr := range sc.Traffic {
			var f []string
			if tr.Poisson() {
				f = append(f, "from: "+q(tr.From), "to: "+list(tr.To), "perHour: "+strconv.FormatFloat(tr.PerHour, 'g', -1, 64),
					"start: "+dur(tr.Start), "until: "+dur(tr.Until))
			} else {
				f = append(f, "at: "+dur(tr.At), "from: "+q(tr.From), "to: "+list(tr.To))
				if tr.Count > 1 {
					f = append(f, "count: "+strconv.Itoa(tr.Count))
				}
				if tr.Every > 0 {
					f = append(f, "every: "+dur(tr.Every))
				}
			}
			if tr.Subject != "" {
				f = append(f, "subject: "+q(tr.Subject))
			}
			if tr.Size > 0 {
				f = append(f, "size: "+strconv.FormatInt(tr.Size, 10))
			}
			if len(tr.Sizes) > 0 {
				var ss []string
				for _, n := range tr.Sizes {
					ss = append(ss, strconv.FormatInt(n, 10))
				}
				f = append(f, "size: ["+strings.Join(ss, ", ")+"]")
			}
			b.WriteString("  - " + flow(f) + "\n")
		}
	}
	if len(sc.Steps) > 0 {
		b.WriteString("\nsteps:\n")
		for _, st := range sc.Steps {
			b.WriteString("  - " + flow(stepFields(st)) + "\n")
		}
	}
	if len(sc.Monitors) > 0 {
		b.WriteString("\nmonitors:\n")
		for _, m := range sc.Monitors {
			f := []string{"kind: " + m.Kind}
			if m.From != "" {
				f = append(f, "from: "+q(m.From))
			}
			if m.To != "" {
				f = append(f, "to: "+q(m.To))
			}
			if len(m.Servers) > 0 {
				f = append(f, "servers: "+list(m.Servers))
			}
			if m.Every > 0 {
				f = append(f, "every: "+dur(m.Every))
			}
			if m.LatencyThreshold > 0 {
				f = append(f, "latencyThreshold: "+dur(m.LatencyThreshold))
			}
			if m.Missed > 0 {
				f = append(f, "missed: "+strconv.Itoa(m.Missed))
			}
			b.WriteString("  - " + flow(f) + "\n")
		}
	}
	writeExpect(&b, sc.Expect)
	return b.Bytes(), nil
}

func stepFields(st scenarios.Step) []string {
	f := []string{"at: " + dur(st.At)}
	if st.ID != "" {
		f = append(f, "id: "+q(st.ID))
	}
	if len(st.After) > 0 {
		var as []string
		for _, a := range st.After {
			as = append(as, q(a))
		}
		f = append(f, "after: ["+strings.Join(as, ", ")+"]")
	}
	if st.Fault != nil {
		return append(f, "fault: "+q(st.Text))
	}
	if st.On != "" {
		f = append(f, "on: "+q(st.On))
	}
	if sc := st.Script; sc != nil { // the script by its path: keep the counterexample beside it
		f = append(f, "script: "+q(sc.Path))
		if len(sc.Args) > 0 {
			var args []string
			for _, a := range sc.Args {
				k, v, _ := strings.Cut(a, "=")
				args = append(args, q(k)+": "+q(v))
			}
			f = append(f, "args: {"+strings.Join(args, ", ")+"}")
		}
		if len(sc.Answers) > 0 {
			var as []string
			for _, a := range sc.Answers {
				as = append(as, q(a))
			}
			f = append(f, "answers: ["+strings.Join(as, ", ")+"]")
		}
		return f
	}
	return append(f, "run: "+q(st.Text))
}

func writeExpect(b *bytes.Buffer, e scenarios.Expect) {
	if e.Implicit {
		return
	}
	b.WriteString("\nexpect:\n")
	n := b.Len()
	for _, c := range []struct {
		k string
		v *scenarios.Compare
	}{{"delivered", e.Delivered}, {"lost", e.Lost}, {"duplicates", e.Duplicates}, {"bounced", e.Bounced}} {
		if c.v != nil {
			fmt.Fprintf(b, "  %s: %s\n", c.k, cmp(*c.v))
		}
	}
	if e.SPOF != nil {
		var f []string
		if e.SPOF.Windows != nil {
			f = append(f, "windows: "+cmp(*e.SPOF.Windows))
		}
		if e.SPOF.MaxExposure != nil {
			f = append(f, "maxExposure: "+dur(*e.SPOF.MaxExposure))
		}
		fmt.Fprintf(b, "  spof: %s\n", flow(f))
	}
	if e.MaxLatency != nil {
		fmt.Fprintf(b, "  maxLatency: %s\n", dur(*e.MaxLatency))
	}
	if len(e.Alerts) > 0 {
		b.WriteString("  alerts:\n")
		for _, a := range e.Alerts {
			fmt.Fprintf(b, "    - %s\n", flow([]string{"monitor: " + a.Monitor, "count: " + cmp(a.Count)}))
		}
	}
	if len(e.Tracking) > 0 {
		b.WriteString("  tracking:\n")
		for _, t := range e.Tracking {
			fmt.Fprintf(b, "    - %s\n", flow([]string{"message: " + strconv.Itoa(t.Message), "events: " + list(t.Events)}))
		}
	}
	if len(e.Queues) > 0 {
		b.WriteString("  queues:\n")
		for _, x := range e.Queues {
			f := []string{"at: " + dur(x.At), "queue: " + q(x.Queue)}
			if x.Status != "" {
				f = append(f, "status: "+q(x.Status))
			}
			if x.MessageCount != nil {
				f = append(f, "messageCount: "+cmp(*x.MessageCount))
			}
			fmt.Fprintf(b, "    - %s\n", flow(f))
		}
	}
	if len(e.States) > 0 {
		b.WriteString("  states:\n")
		for _, s := range e.States {
			fmt.Fprintf(b, "    - %s\n", flow([]string{"at: " + dur(s.At), "server: " + q(s.Server), "component: " + q(s.Component), "state: " + q(s.State)}))
		}
	}
	if b.Len() == n {
		// An expect that checks nothing: written as an empty mapping, which the
		// loader reads as "expect nothing" (not the implicit no-loss default).
		b.Truncate(n - len("expect:\n"))
		b.WriteString("expect: {}\n")
	}
}

// q quotes a string as a YAML double-quoted scalar (Go's escapes are a subset of
// YAML's for every printable string).
func q(s string) string { return strconv.Quote(s) }

func list(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = q(x)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// witness writes a witness plainly when the loader would place it where it is (a
// declared server, or the site of the DAG's first member), else as {server, site}.
func witness(t scenarios.Topology, d scenarios.DAGSpec, name, site string) string {
	first := ""
	for _, sv := range t.Servers {
		if sv.Name == name {
			return q(name)
		}
		if sv.Name == d.Members[0] {
			first = sv.Site
		}
	}
	if site == first {
		return q(name)
	}
	return flow([]string{"server: " + q(name), "site: " + q(site)})
}

func flow(fields []string) string { return "{" + strings.Join(fields, ", ") + "}" }

// cmp writes a comparison the loader reads back: a bare number for "==", a quoted
// comparison otherwise.
func cmp(c scenarios.Compare) string {
	v := strconv.FormatFloat(c.Value, 'g', -1, 64)
	if c.Op == "==" || c.Op == "" {
		return v
	}
	return q(c.Op + v)
}

// dur writes a duration in Go syntax without zero units: 1h30m, 45s, 1.5s, 0s.
func dur(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	h, m, s := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if s > 0 {
		fmt.Fprintf(&b, "%ds", s)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// marshalSites writes topology.sites (a flow list when every site has the defaults,
// else one item a line with the settings that differ) and topology.siteLinks.
func marshalSites(b *bytes.Buffer, t scenarios.Topology) {
	plain := true
	for _, s := range t.ADSites {
		plain = plain && !s.HubSiteEnabled && s.InboundMailEnabled
	}
	if plain {
		fmt.Fprintf(b, "  sites: %s\n", list(t.Sites))
	} else {
		b.WriteString("  sites:\n")
		for _, s := range t.ADSites {
			f := []string{"name: " + q(s.Name)}
			if s.HubSiteEnabled {
				f = append(f, "hubSiteEnabled: true")
			}
			if !s.InboundMailEnabled {
				f = append(f, "inboundMailEnabled: false")
			}
			b.WriteString("    - " + flow(f) + "\n")
		}
	}
	if len(t.SiteLinks) == 0 {
		return
	}
	b.WriteString("  siteLinks:\n")
	for _, l := range t.SiteLinks {
		f := []string{"name: " + q(l.Name), "sites: " + list(l.Sites), "cost: " + strconv.Itoa(l.Cost)}
		if l.ExchangeCost > 0 {
			f = append(f, "exchangeCost: "+strconv.Itoa(l.ExchangeCost))
		}
		if l.MaxMessageSize > 0 {
			f = append(f, "maxMessageSize: "+strconv.FormatInt(l.MaxMessageSize, 10))
		}
		b.WriteString("    - " + flow(f) + "\n")
	}
}
