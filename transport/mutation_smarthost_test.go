package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the external hosts' faults (smarthost.go) that pin sourced facts, found by
// the fourth mutation pass (issue 24).

func hostStates(h *harness) []string {
	var out []string
	for _, e := range payloads[HostChanged](h) {
		out = append(out, e.Host+" "+e.State)
	}
	return out
}

// fact: exchange-stress.md §2.4: a host that answers a 4xx reply is skipped for the
// next one until it accepts again: the host fault refuse takes any 4xx (400 to 499,
// a 5xx would bounce), and up ends a refusal as it ends an outage; up on a host with
// no fault changes nothing.
func TestHostUpEndsARefusalOfAny4xxReply(t *testing.T) {
	h := outboundHarness(t, Exchange2019, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
		SmartHosts: []string{"sh1.contoso.net", "sh2.contoso.net"}}, nil)
	for _, code := range []int{399, 500} {
		require.ErrorContains(t, h.o.HostRefuse("sh1.contoso.net", code), "only a 4xx reply", "%d", code)
	}
	for _, code := range []int{400, 499} {
		require.NoError(t, h.o.HostRefuse("sh1.contoso.net", code), "%d", code)
	}
	require.NoError(t, h.o.HostUp("sh2.contoso.net")) // no fault: nothing to end
	require.NoError(t, h.o.HostUp("sh1.contoso.net"))
	require.NoError(t, h.o.HostDown("sh2.contoso.net"))
	for i := 0; i < 3; i++ {
		sendOut(h, time.Duration(i+1)*time.Minute, "z@gmail.com")
	}
	h.run(10 * time.Minute)
	require.Equal(t, []string{"sh1.contoso.net refuse", "sh1.contoso.net refuse", "sh1.contoso.net up", "sh2.contoso.net down"}, hostStates(h))
	require.Equal(t, 3, h.o.Verdict().Delivered)
	require.Empty(t, retries(h), "sh1 accepts again")
}

// A host fault naming a host the organization does not have is an error that names
// the closest host it has, and none when nothing is close (the project's rule for bad
// input).
func TestHostFaultOnAnUnknownHostSuggestsTheClosestOne(t *testing.T) {
	h := outboundHarness(t, Exchange2019, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
		SmartHosts: []string{"sh1.contoso.net"}}, nil)
	require.EqualError(t, h.o.HostDown("sh1.contoso.ne"), fmt.Sprintf("transport: %q is not a smart host or MX host of the organization (did you mean %q?)", "sh1.contoso.ne", "sh1.contoso.net"))
	require.EqualError(t, h.o.HostDown("q"), `transport: "q" is not a smart host or MX host of the organization`)
}
