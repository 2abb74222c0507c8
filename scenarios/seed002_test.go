package scenarios

import (
	"os"
	"testing"

	"github.com/exsim/exsim/transport"
	"github.com/stretchr/testify/require"
)

// Seed 002 in the author's order: promotion enabled in EdgeTransport.exe.config after
// the mail queued, read at the restarts; Get-Queue lists FAB-RED-HUB1's emptied queue
// and a shadow queue whose NextHopDomain is the primary's FQDN; the primary,
// FAB-RED-HUB2, crashes with its queue database and FAB-RED-HUB1's shadows take over.
func TestSeed002AuthorsOrderEditReadAtRestartAndThePrimarysCrashShowsTheTakeover(t *testing.T) {
	data, err := os.ReadFile("shadow-promotion-restart.yaml")
	require.NoError(t, err)
	sc, err := Parse("shadow-promotion-restart.yaml", data)
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	require.Equal(t, 0, res.Verdict.Lost)
	var takeovers []string
	var hub1 []string
	for _, r := range res.Journal {
		switch e := r.Data.(type) {
		case transport.ShadowTakeover:
			takeovers = append(takeovers, e.Server)
		case Output:
			if e.Step == "Get-Queue -Server FAB-RED-HUB1" {
				hub1 = append(hub1, e.Text)
			}
		}
	}
	require.Equal(t, []string{"FAB-RED-HUB1", "FAB-RED-HUB1"}, takeovers)
	require.Len(t, hub1, 3)
	// The 2010 default view: DeliveryType 12 wide, cut with "...".
	require.Contains(t, hub1[1], "FAB-RED-HUB1\\1              MapiDelivery Ready  0            DB1")
	require.Contains(t, hub1[1], "ShadowRed... Ready  2            FAB-RED-HUB2.contoso.com")
}
