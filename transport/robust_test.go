package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"pgregory.net/rapid"
)

// Every public operation, called with valid and invalid names in random order on random
// organizations (mixed versions and roles, with or without connectors and inbound
// servers), returns errors instead of panicking and keeps the ledger consistent.
func TestRapidPublicAPINeverPanicsAndKeepsTheLedger(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		versions := []Version{Exchange2010, Exchange2010SP1, Exchange2010SP3, Exchange2013, Exchange2016, Exchange2019}
		n := rapid.IntRange(1, 4).Draw(t, "servers")
		var top Topology
		var names []string
		w := newWorld()
		for i := 0; i < n; i++ {
			v := rapid.SampledFrom(versions).Draw(t, "version")
			name := fmt.Sprintf("S%d", i+1)
			roles := []string{"Mailbox"}
			if v.Is2010() {
				roles = rapid.SampledFrom([][]string{{"HubTransport"}, {"Mailbox"}, {"Mailbox", "HubTransport", "ClientAccess"}}).Draw(t, "roles")
			}
			top.Servers = append(top.Servers, ServerSpec{Name: name, Site: rapid.SampledFrom([]string{"A", "B"}).Draw(t, "site"),
				Version: v, Roles: roles, DAG: rapid.SampledFrom([]string{"", "D1"}).Draw(t, "dag")})
			names = append(names, name)
		}
		top.Mailboxes = []Mailbox{{Address: "a@contoso.com", Database: "DB1"}}
		w.active["DB1"] = rapid.SampledFrom(append(names, "NOSUCH")).Draw(t, "active")
		w.mounted["DB1"] = rapid.Bool().Draw(t, "mounted")
		s := sim.New(sim.Config{Start: t0, Seed: 1})
		o, err := New(s, top, w.env())
		if err != nil {
			t.Fatalf("a valid topology: %v", err)
		}
		words := append(append([]string(nil), names...), "NOSUCH", "")
		ops := rapid.IntRange(1, 30).Draw(t, "ops")
		at := time.Duration(0)
		for i := 0; i < ops; i++ {
			at += time.Duration(rapid.IntRange(0, 900).Draw(t, "gap")) * time.Second
			op := rapid.IntRange(0, 14).Draw(t, "op")
			a := rapid.SampledFrom(words).Draw(t, "a")
			b := rapid.SampledFrom(words).Draw(t, "b")
			from := rapid.SampledFrom([]string{"a@contoso.com", "x@fabrikam.net", "bad"}).Draw(t, "from")
			to := rapid.SampledFrom([]string{"a@contoso.com", "z@gmail.com", "no@contoso.com", "bad"}).Draw(t, "to")
			if err := s.At(at, 1, func() {
				switch op {
				case 0, 1, 2:
					_, _ = o.Submit(Message{From: from, To: []string{to}, Origin: rapid.SampledFrom([]string{"", a}).Draw(t, "origin"), Poison: rapid.IntRange(0, 9).Draw(t, "poison") == 0})
				case 3:
					o.Crash(a, rapid.Bool().Draw(t, "lose"))
				case 4:
					o.Stop(a)
				case 5:
					o.Start(a)
				case 6:
					_ = o.RestartService(a, rapid.SampledFrom([]string{"MSExchangeTransport", "MSExchangeFrontEndTransport", "W3SVC"}).Draw(t, "service"))
				case 7:
					_ = o.RedirectMessage(a, b)
				case 8:
					_ = o.RetryQueue(a + `\1`)
				case 9:
					_ = o.SuspendQueue(a + `\` + rapid.SampledFrom([]string{"1", "Submission", "DB1", "x", "Poison"}).Draw(t, "q"))
				case 10:
					_ = o.ResumeQueue(a + `\` + rapid.SampledFrom([]string{"1", "Submission", "DB1", "x", "Poison"}).Draw(t, "q"))
				case 11:
					_, _ = o.GetMessage(a, "", rapid.Bool().Draw(t, "list"))
					_ = FormatQueues(Version(rapid.SampledFrom([]string{"Exchange2010", "Exchange2016", "x"}).Draw(t, "fv")), o.GetQueue(a), rapid.Bool().Draw(t, "list"))
				case 12:
					o.LossyFailover(rapid.SampledFrom([]string{"DB1", "DBX"}).Draw(t, "db"), 0, s.Now())
				case 13:
					_ = o.SetEdgeTransportConfig(a, rapid.SampledFrom([]string{"ShadowRedundancyPromotionEnabled", "DelayedAckSkippingQueueLength", "Nope"}).Draw(t, "key"),
						rapid.SampledFrom([]string{"true", "0", "-1", "x"}).Draw(t, "value"))
				case 14:
					w.mounted["DB1"] = !w.mounted["DB1"]
					o.NetworkChanged()
				}
			}); err != nil {
				t.Fatal(err)
			}
		}
		runChecked(t, s, o, at+time.Hour)
		_ = o.Verdict()
	})
}
