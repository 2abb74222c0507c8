package transport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// rapidWorld builds a random organization: 2-4 transport servers of one version in one
// site (2010 hubs with a mailbox server, or 2013+ Mailbox servers in a DAG), perhaps a
// 2016 Mailbox server beside the 2010 hubs, two databases, internal and external
// recipients, a send connector.
func rapidWorld(t *rapid.T) (Topology, *world, []string) {
	v := rapid.SampledFrom([]Version{Exchange2010, Exchange2010SP1, Exchange2016}).Draw(t, "version")
	n := rapid.IntRange(2, 4).Draw(t, "servers")
	var top Topology
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("EX%d", i+1)
		names = append(names, name)
		roles := []string{"HubTransport"}
		if !v.Is2010() {
			roles = []string{"Mailbox"}
		}
		top.Servers = append(top.Servers, ServerSpec{Name: name, Site: "S1", Version: v, Roles: roles, DAG: "DAG1"})
	}
	w := newWorld()
	mbx := names[0]
	if v.Is2010() {
		top.Servers = append(top.Servers, ServerSpec{Name: "MBX1", Site: "S1", Version: v, Roles: []string{"Mailbox"}, DAG: "DAG1"})
		mbx = "MBX1"
	}
	w.active["DB1"], w.mounted["DB1"] = mbx, true
	w.active["DB2"], w.mounted["DB2"] = names[len(names)-1], true
	if v.Is2010() && rapid.Bool().Draw(t, "mixed") {
		// coexistence: DB2 on an Exchange 2016 Mailbox server alone in its boundary,
		// which the hubs reach over SMTP and which can never make a shadow (so with
		// RejectMessageOnShadowFailure $true every relay to it is deferred)
		top.Servers = append(top.Servers, ServerSpec{Name: "MBX16", Site: "S1", Version: Exchange2016, Roles: []string{"Mailbox"}})
		names = append(names, "MBX16")
		w.active["DB2"] = "MBX16"
	}
	top.Mailboxes = []Mailbox{{Address: "a@contoso.com", Database: "DB1"}, {Address: "b@contoso.com", Database: "DB2"}}
	top.Connectors = []Connector{{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: names[:1]}}
	if rapid.Bool().Draw(t, "smart hosts") {
		top.Connectors[0].SmartHosts = []string{"sh1.contoso.net", "sh2.contoso.net"}
	} else {
		top.MX = map[string][]MX{"gmail.com": {{"mx1.gmail.com", 10}, {"mx2.gmail.com", 20}}}
		// no MX: the implicit MX (its A record, a host the faults reach), and a domain
		// that does not resolve (pressure_tarpit.go's neighbour, smarthost.go)
		top.ARecord = map[string]bool{"tailspin.net": true, "nowhere.example": false}
	}
	top.Inbound = names
	top.InboundLoadBalanced = rapid.Bool().Draw(t, "lb")
	if rapid.Bool().Draw(t, "slow links") {
		// seconds per hop: sessions last long enough for the admin's steps to find
		// messages on the wire (PendingSuspend, PendingRemove) and for tarpits to overlap
		top.Latency = 3 * time.Second
	}
	return top, w, names
}

type rapidHarness struct {
	s *sim.Sim
	o *Org
}

// runChecked runs to d, checking the ledger after every event.
func runChecked(t *rapid.T, s *sim.Sim, o *Org, d time.Duration) {
	done := false
	if err := s.At(d, 0, func() { done = true }); err != nil {
		t.Fatal(err)
	}
	for !done {
		ok, err := s.Step()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if err := o.Check(); err != nil {
			t.Fatalf("at %v: %v", s.Now(), err)
		}
	}
}

// Messages are conserved: after every event each (message, recipient) is exactly one of
// in flight, delivered, bounced or lost, under random traffic, crashes (with and without
// queue loss), clean stops, restarts, dismounts, partitions, Remove-/Suspend-/Resume-Message, back pressure (queue
// drive and memory faults, released) and smart host / MX failover (external hosts
// down, refusing, up); and once every fault is
// healed the run settles: nothing is stuck.
func TestRapidMessagesAreConservedUnderRandomFaults(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		top, w, names := rapidWorld(t)
		s := sim.New(sim.Config{Start: t0, Seed: 1})
		o, err := New(s, top, w.env())
		require.NoError(t, err)
		if rapid.Bool().Draw(t, "promotion") {
			require.NoError(t, o.SetEdgeTransportConfig("", "ShadowRedundancyPromotionEnabled", "$true"))
		}
		if rapid.Bool().Draw(t, "ack timeout reading") {
			require.NoError(t, o.SetEdgeTransportConfig("", "ExsimPromotionTrigger", "AckTimeout"))
		}
		if rapid.Bool().Draw(t, "reject") {
			require.NoError(t, o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$true"}}))
		}
		if rapid.Bool().Draw(t, "no shadow redundancy") {
			require.NoError(t, o.SetTransportConfig([]Param{{Name: "ShadowRedundancyEnabled", Value: "$false"}}))
		}
		senders := []string{"x@fabrikam.net", "a@contoso.com", "b@contoso.com"}
		rcpts := []string{"a@contoso.com", "b@contoso.com", "z@gmail.com", "nobody@contoso.com", "y@tailspin.net", "w@nowhere.example"}
		steps := rapid.IntRange(1, 25).Draw(t, "steps")
		at := time.Duration(0)
		for i := 0; i < steps; i++ {
			at += time.Duration(rapid.IntRange(0, 600).Draw(t, "gap")) * time.Second
			kind := rapid.IntRange(0, 24).Draw(t, "kind")
			size := rapid.SampledFrom([]int{0, 0, 1 << 20, 20 << 20, 40 << 20}).Draw(t, "size")
			buckets := rapid.IntRange(0, 3000).Draw(t, "buckets")
			ndr := rapid.Bool().Draw(t, "ndr")
			host := rapid.IntRange(0, 1).Draw(t, "host")
			pct := rapid.IntRange(85, 100).Draw(t, "pct")
			other := rapid.SampledFrom(names).Draw(t, "other")
			srv := rapid.SampledFrom(names).Draw(t, "server")
			from := rapid.SampledFrom(senders).Draw(t, "from")
			to := rapid.SliceOfNDistinct(rapid.SampledFrom(rcpts), 1, 3, rapid.ID[string]).Draw(t, "to")
			db := rapid.SampledFrom([]string{"DB1", "DB2"}).Draw(t, "db")
			poison := rapid.IntRange(0, 9).Draw(t, "poison") == 0 // crashes the services that process it
			require.NoError(t, s.At(at, 1, func() {
				switch kind {
				case 0, 1, 2, 3:
					_, err := o.Submit(Message{From: from, To: to, Subject: "m", Poison: poison, Size: size})
					require.NoError(t, err)
				case 4:
					o.Crash(srv, true)
				case 5:
					o.Crash(srv, false)
				case 6:
					o.Start(srv)
				case 7:
					w.mounted[db] = !w.mounted[db]
				case 8:
					w.cut[[2]string{srv, internet}] = !w.cut[[2]string{srv, internet}]
					o.NetworkChanged()
				case 9:
					require.NoError(t, o.RestartService(srv, "MSExchangeTransport"))
				case 10:
					for _, q := range o.GetQueue(srv) {
						_ = o.SuspendQueue(q.Identity)
						break
					}
				case 11:
					for _, q := range o.GetQueue(srv) {
						_ = o.ResumeQueue(q.Identity)
					}
				case 12:
					from := max(s.Now()-10*time.Minute, 0)
					o.LossyFailover(db, from, s.Now())
				case 13:
					_ = o.RedirectMessage(srv, other) // an error on 2010 or to itself
				case 14: // back pressure: the queue drive fills
					require.NoError(t, o.SetResourceUse(srv, DatabaseUsedSpace, pct))
				case 15: // back pressure: EdgeTransport.exe's memory
					require.NoError(t, o.SetResourceUse(srv, PrivateBytes, pct))
				case 16:
					require.NoError(t, o.ReleaseResources(srv))
				case 23: // back pressure that tarpits first: version buckets
					require.NoError(t, o.SetResourceUse(srv, UsedVersionBuckets, buckets))
				case 24: // a lower receive connector size limit where internet mail enters
					s := o.byName[strings.ToLower(srv)]
					require.NoError(t, o.SetReceiveConnectorMaxMessageSize(s.name+`\`+entryConnector(s)+" "+s.name, "10MB"))
				case 20, 21, 22: // an admin removes, suspends or resumes a queued message
					// one on the wire if any server has one (PendingRemove, PendingSuspend),
					// else the first of srv's queues
					var id string
					for _, sv := range o.servers {
						for _, q := range sv.queues {
							for _, it := range q.items {
								if it.sending && id == "" && q.kind != qShadow {
									id = q.identity() + `\` + fmt.Sprint(it.intID)
								}
							}
						}
					}
					for _, q := range o.byName[strings.ToLower(srv)].queues {
						if id == "" && len(q.items) > 0 {
							id = q.identity() + `\` + fmt.Sprint(q.items[0].intID)
						}
					}
					if id == "" {
						break
					}
					switch kind {
					case 20:
						_ = o.RemoveMessage(id, ndr) // refused for Submission and shadows
					case 21:
						_ = o.SuspendMessage(id)
					default:
						_ = o.ResumeMessage(id)
					}
				case 17, 18, 19: // an external smart host or MX host fails or comes back
					hs := o.Hosts()
					h := hs[host%len(hs)]
					switch kind {
					case 17:
						require.NoError(t, o.HostDown(h))
					case 18:
						require.NoError(t, o.HostRefuse(h, 451))
					default:
						require.NoError(t, o.HostUp(h))
					}
				}
			}))
		}
		runChecked(t, s, o, at+time.Minute)
		// heal everything and let the run settle (MBX16 can never make a shadow: with
		// RejectMessageOnShadowFailure $true it would refuse its mail for ever)
		require.NoError(t, o.SetTransportConfig([]Param{{Name: "RejectMessageOnShadowFailure", Value: "$false"}}))
		for _, h := range o.Hosts() {
			require.NoError(t, o.HostUp(h))
		}
		for _, srv := range o.servers {
			for _, q := range srv.queues {
				for _, it := range q.items {
					if it.ext != nil && it.ext.suspended {
						it.ext.suspended = false // Resume-Message for every suspended message
						o.scheduleAttempt(q, 0)
					}
				}
			}
		}
		for _, n := range names {
			require.NoError(t, o.ReleaseResources(n))
			o.Start(n)
			// a restart also ends a Redirect-Message drain
			require.NoError(t, o.RestartService(n, "MSExchangeTransport"))
			for _, q := range o.GetQueue(n) {
				if q.NextHopDomain == "Poison Message" {
					continue // resumed only message by message (Resume-Message)
				}
				require.NoError(t, o.ResumeQueue(q.Identity))
			}
		}
		for db := range w.mounted {
			w.mounted[db] = true
		}
		w.cut = map[[2]string]bool{}
		runChecked(t, s, o, s.Now()+4*day)
		v := o.Verdict()
		for _, f := range v.Fates {
			if f.Fate == Stuck && strings.Contains(f.Reason, `\Poison`) {
				continue // poison messages never expire: stuck by design (3.1)
			}
			require.NotEqual(t, Stuck, f.Fate, "message #%d to %s: %s (%s)", f.Message, f.Recipient, f.Reason, f.Server)
		}
		require.Equal(t, len(v.Fates), v.Delivered+v.Bounced+v.Lost+v.Stuck)
	})
}
