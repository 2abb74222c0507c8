package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Restart-Service MSExchangeTransport restarts the Transport service only: the Front
// End Transport service keeps running with the state it picked up when it started
// (seed 004: each service reads its component state at its own start). Booting the
// server starts both.
func TestRestartingTransportLeavesFrontEndTransportRunning(t *testing.T) {
	top := Topology{Servers: []ServerSpec{
		{Name: "EX1", Site: "HQ", Version: Exchange2016, Roles: []string{"Mailbox"}},
		{Name: "EX2", Site: "HQ", Version: Exchange2016, Roles: []string{"Mailbox"}},
	}}
	w := newWorld()
	started := map[string]int{}
	env := w.env()
	env.ServiceStarted = func(server, service string) string {
		started[server+" "+service]++
		return "Active"
	}
	h := newHarness(t, top, w)
	o, err := New(h.s, top, env)
	require.NoError(t, err)
	h.o = o
	h.at(time.Minute, func() { require.NoError(t, o.RestartService("EX1", "MSExchangeTransport")) })
	h.at(2*time.Minute, func() { o.Stop("EX1") })
	h.at(3*time.Minute, func() { o.Start("EX1") })
	h.run(2 * time.Minute)
	require.Equal(t, 1, started["EX1 MSExchangeTransport"])
	require.Equal(t, 0, started["EX1 MSExchangeFrontEndTransport"], "a transport restart does not restart Front End Transport")
	h.run(4 * time.Minute)
	require.Equal(t, 2, started["EX1 MSExchangeTransport"])
	require.Equal(t, 1, started["EX1 MSExchangeFrontEndTransport"], "a server boot starts both")
}
