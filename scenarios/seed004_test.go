package scenarios

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/components"
	"github.com/exsim/exsim/transport"
	"github.com/stretchr/testify/require"
)

// Seed 004: the transport services running at t=0 warn (7011, and 7012 for the front
// end) as soon as a state change makes them inconsistent, not only after a first
// restart; and after the restart a HubTransport Inactive behind an Active front end
// answers 451 4.7.0 Temporary server error.
func TestSeed004ServicesRunningAtStartWarnAtOnceAndHubTransportInactiveAnswers451(t *testing.T) {
	data, err := os.ReadFile("component-states.yaml")
	require.NoError(t, err)
	sc, err := Parse("component-states.yaml", data)
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	var warnings []int
	var refusals []string
	for _, r := range res.Journal {
		switch e := r.Data.(type) {
		case components.StateInconsistent:
			if r.At == 5*time.Minute {
				warnings = append(warnings, e.ID)
			}
		case transport.MailFromRefused:
			refusals = append(refusals, e.Reply)
		case transport.ProxyRefused: // the front end's answer after the headers
			refusals = append(refusals, e.Reply)
		}
	}
	require.Equal(t, []int{7011, 7012}, warnings, "ServerWideOffline Inactive at 5m, before any restart")
	require.NotEmpty(t, refusals)
	for _, r := range refusals {
		require.True(t, strings.HasPrefix(r, "451 4.7.0 Temporary server error"), r)
	}
}
