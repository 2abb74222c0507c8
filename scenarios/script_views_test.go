package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A script's Get-MessageTrackingLog objects carry every property the cmdlet
// returns, in its order, and its Get-Queue prints the shell's table view.
func TestScriptTrackingObjectsHaveTheCmdletsPropertiesAndQueuesPrintTheirView(t *testing.T) {
	res, err := runScript(t, `
$e = Get-MessageTrackingLog -Server EX2 -EventId RECEIVE -ResultSize 1
Write-Host "$($e.EventId) $($e.Source) runspace=$($e.RunspaceId.Length) type=$($e.MessageLatencyType) bytes=$($e.TotalBytes -gt 0)"
Get-Queue -Server EX2 | Select-Object -First 1 | Out-Null
Get-Queue -Server EX2
`, Script{On: "ex2", At: 30 * time.Minute})
	require.NoError(t, err)
	out := strings.Join(scriptLines(res), "\n")
	require.Contains(t, out, "RECEIVE STOREDRIVER runspace=36 type=None bytes=True")
	require.Contains(t, out, "Identity             DeliveryType Status MessageCount Velocity RiskLevel OutboundIPPool NextHopDomain")
}
