package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/sim"
	"github.com/stretchr/testify/require"
)

// anchorsWorld is the workload of shared/anchors: 8 Exchange 2016 Mailbox servers in
// one DAG, 16 databases active round robin, internet mail through a round-robin load
// balancer, shadow before ack, delivery to the active copy, discard by heartbeat,
// Safety Net.
func anchorsWorld(tb testing.TB, n int) (*sim.Sim, *Org, *world) {
	var top Topology
	w := newWorld()
	for i := 0; i < 8; i++ {
		name := fmt.Sprintf("MX%02d", i+1)
		top.Servers = append(top.Servers, ServerSpec{Name: name, Site: "S1", Version: Exchange2016, Roles: []string{"Mailbox"}, DAG: "DAG1"})
		top.Inbound = append(top.Inbound, name)
	}
	top.InboundLoadBalanced = true
	for d := 0; d < 16; d++ {
		db := fmt.Sprintf("DB%02d", d+1)
		w.active[db], w.mounted[db] = top.Servers[d%8].Name, true
		top.Mailboxes = append(top.Mailboxes, Mailbox{Address: fmt.Sprintf("user%02d@contoso.com", d+1), Database: db})
	}
	s := sim.New(sim.Config{Start: t0, Seed: 1})
	s.Journal().Disable()
	env := w.env()
	env.Reachable = nil
	env.ServiceStarted = nil
	o, err := New(s, top, env)
	require.NoError(tb, err)
	r := s.Rand("traffic")
	rate := float64(n) / float64(day)
	at := time.Duration(0)
	msgs := make([]Message, 16)
	for d := range msgs {
		msgs[d] = Message{From: "sender@fabrikam.net", To: []string{top.Mailboxes[d].Address}, Subject: "anchor", Size: 50 << 10}
	}
	var arrive func()
	left := n
	arrive = func() {
		if _, err := o.Submit(msgs[r.IntN(16)]); err != nil {
			panic(err)
		}
		left--
		if left > 0 {
			at += time.Duration(r.ExpFloat64() / rate)
			if err := s.At(at, 1, arrive); err != nil {
				panic(err)
			}
		}
	}
	at = time.Duration(r.ExpFloat64() / rate)
	require.NoError(tb, s.At(at, 1, arrive))
	return s, o, w
}

func BenchmarkAnchorsWorkload(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		s, o, _ := anchorsWorld(b, n)
		if err := s.RunUntil(day + 10*time.Minute); err != nil {
			b.Fatal(err)
		}
		v := o.Verdict()
		if v.Delivered != len(v.Fates) || v.Delivered < n*95/100 {
			b.Fatalf("delivered %d of %d", v.Delivered, len(v.Fates))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkAnchorsWorkloadWithoutResourceMonitoring is the anchors workload with back
// pressure turned off on every server (EnableResourceMonitoring false): beside
// BenchmarkAnchorsWorkload it measures what resource monitoring costs when no
// resource is under pressure (issue 16: it should cost nothing measurable).
func BenchmarkAnchorsWorkloadWithoutResourceMonitoring(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		s, o, _ := anchorsWorld(b, n)
		for k := 0; k < 8; k++ {
			if err := o.SetEdgeTransportConfig(fmt.Sprintf("MX%02d", k+1), "EnableResourceMonitoring", "false"); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.RunUntil(day + 10*time.Minute); err != nil {
			b.Fatal(err)
		}
		if v := o.Verdict(); v.Delivered < n*95/100 {
			b.Fatalf("delivered %d of %d", v.Delivered, len(v.Fates))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// The anchors workload at a smaller scale: every message delivered, none lost, no
// single point of failure (every message had a shadow before its ack).
func TestAnchorsWorkloadSmall(t *testing.T) {
	s, o, _ := anchorsWorld(t, 2000)
	require.NoError(t, s.RunUntil(day+10*time.Minute))
	v := o.Verdict()
	require.Greater(t, v.Delivered, 1900) // the Poisson arrivals may run past the day
	require.Equal(t, len(v.Fates), v.Delivered)
	require.Empty(t, v.SPOF)
	require.NoError(t, o.Check())
}
