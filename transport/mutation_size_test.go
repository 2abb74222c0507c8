package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/exsim/exsim/transport/logs"
	"github.com/stretchr/testify/require"
)

// Tests of the message size limits (size.go) that pin sourced facts, found by the
// fourth mutation pass (issue 24).

// fact: exchange-stress.md §3.1: the organization's MaxReceiveSize and MaxSendSize
// (10 MB) return mail larger than them; a message of exactly the limit is not larger,
// and is delivered.
func TestMessageOfExactlyTheOrganizationSizeLimitIsDelivered(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: 10 << 20}) })
	h.at(2*time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: 10<<20 + 1}) })
	h.at(3*time.Minute, func() {
		h.submit(Message{From: "user@contoso.com", To: []string{"user@contoso.com"}, Size: 10 << 20, Origin: "EX1"})
		h.submit(Message{From: "user@contoso.com", To: []string{"user@contoso.com"}, Size: 10<<20 + 1, Origin: "EX1"})
	})
	h.run(time.Hour)
	require.Equal(t, Delivered, fateOf(h, 1).Fate)
	require.Equal(t, "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient", fateOf(h, 2).Reason)
	require.Equal(t, Delivered, fateOf(h, 3).Fate, fateOf(h, 3).Reason)
	require.Equal(t, "550 5.2.12 RESOLVER.RST.SendSizeLimit.Org; message too large for this organization", fateOf(h, 4).Reason)
}

// smartHostsUsed is the host each SEND to the internet went to, by message.
func smartHostsUsed(h *harness) map[int]string {
	out := map[int]string{}
	for id := range h.o.msgs {
		for _, r := range h.records(logs.KindTracking, fmt.Sprintf("#%d", id+1)) {
			if e := r.Data.(logs.TrackingEvent); e.EventID == "SEND" {
				out[id+1] = e.ServerHostname
			}
		}
	}
	return out
}

// fact: exchange-stress.md §2.1 and §3.1: connector selection first drops the
// connectors whose MaxMessageSize is below the message, a connector's own
// MaxMessageSize counts (not its version's default), one exactly as large as the
// message stays, and of the rest the most specific address space wins; of equally
// specific ones the lowest connector name (exsim: the first in topology order, the
// same here).
func TestSendConnectorKeepsEveryConnectorAtLeastAsLargeAsTheMessage(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "A Small", AddressSpaces: []string{"gmail.com"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"small.relay.net"}, MaxMessageSize: 1 << 20}, nil)
	h.o.top.Connectors = append(h.o.top.Connectors,
		Connector{Name: "B Exact", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"exact.relay.net"}, MaxMessageSize: 2 << 20},
		Connector{Name: "C Large", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}, SmartHosts: []string{"large.relay.net"}, MaxMessageSize: 50 << 20})
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxSendSize", Value: "unlimited"}}))
	h.at(time.Minute, func() {
		h.submit(Message{From: "user@contoso.com", To: []string{"z@gmail.com"}, Size: 1 << 20, Origin: "EX1"})  // A Small: exactly its limit
		h.submit(Message{From: "user@contoso.com", To: []string{"z@gmail.com"}, Size: 2 << 20, Origin: "EX1"})  // B Exact: exactly its limit
		h.submit(Message{From: "user@contoso.com", To: []string{"z@gmail.com"}, Size: 40 << 20, Origin: "EX1"}) // C Large: over the 35 MB default
	})
	h.run(time.Hour)
	for id := 1; id <= 3; id++ {
		require.Equal(t, Delivered, fateOf(h, id).Fate, "#%d: %s", id, fateOf(h, id).Reason)
	}
	require.Equal(t, map[int]string{1: "small.relay.net", 2: "exact.relay.net", 3: "large.relay.net"}, smartHostsUsed(h))
}
