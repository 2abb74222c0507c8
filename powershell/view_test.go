package powershell_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exsim/exsim/powershell"
	"github.com/exsim/exsim/sim/psfmt"
)

// viewHost returns three queues whose type has a table view, and keeps the console.
type viewHost struct {
	queueHost
	out strings.Builder
}

var queueView = powershell.TableView{
	{Property: "Identity", ViewColumn: psfmt.ViewColumn{Label: "Identity", Width: 10}},
	{Property: "DeliveryType", ViewColumn: psfmt.ViewColumn{Label: "DeliveryType", Width: 12}},
	{Property: "MessageCount", ViewColumn: psfmt.ViewColumn{Label: "MessageCount", Width: 12}},
	{Property: "V", ViewColumn: psfmt.ViewColumn{Label: "V"}},
	{Property: "W", ViewColumn: psfmt.ViewColumn{Label: "W"}},
}

func (h *viewHost) Invoke(c *powershell.Call) ([]powershell.Value, error) {
	var out []powershell.Value
	for i, dt := range []string{"SmtpRelayToMailboxDeliveryGroup", "MapiDelivery", "Undefined"} {
		q := powershell.NewPSObject("Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo")
		q.Set("Identity", fmt.Sprintf(`EX1\%d`, i)).Set("DeliveryType", dt).Set("MessageCount", i*7).Set("V", 0).Set("W", 0).
			SetDefaultDisplay("Identity", "DeliveryType", "MessageCount", "V", "W").SetTableView(queueView)
		out = append(out, q)
	}
	return out, nil
}

func (h *viewHost) Write(s powershell.Stream, text string) { h.out.WriteString(text) }

func runView(t *testing.T, src string) string {
	t.Helper()
	script, err := powershell.Parse("v.ps1", src)
	require.NoError(t, err)
	h := &viewHost{queueHost: queueHost{now: time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC)}}
	_, err = powershell.Run(script, h, powershell.Options{})
	require.NoError(t, err)
	return h.out.String()
}

// An object whose type has a table view prints with it (widths, "..." cuts, numbers
// left-aligned), not as the list PowerShell makes of five properties without one;
// Format-Table -AutoSize sizes the view's columns to the content; Format-Table with
// properties makes its own table.
func TestObjectsWithAViewPrintWithItsWidthsAndAutoSizeSizesThem(t *testing.T) {
	want := "\nIdentity   DeliveryType MessageCount V W\n" +
		"--------   ------------ ------------ - -\n" +
		"EX1\\0      SmtpRelay... 0            0 0\n" +
		"EX1\\1      MapiDelivery 7            0 0\n" +
		"EX1\\2      Undefined    14           0 0\n\n"
	require.Equal(t, want, runView(t, "Get-Queue"))
	require.Equal(t, want+"\n", runView(t, "Get-Queue | Format-Table"), "Format-Table ends with one blank line more, as before")
	auto := runView(t, "Get-Queue | Format-Table -AutoSize")
	require.Contains(t, auto, "Identity DeliveryType                    MessageCount V W\n")
	require.Contains(t, auto, "EX1\\0    SmtpRelayToMailboxDeliveryGroup 0            0 0\n")
	require.Contains(t, runView(t, "Get-Queue | Format-Table Identity, MessageCount"), "Identity MessageCount\n")
	require.Contains(t, runView(t, "Get-Queue | Format-Table -Wrap"), "EX1\\0      SmtpRelayToM 0            0 0\n           ailboxDelive\n")
	require.Contains(t, runView(t, "Get-Queue | Format-List"), "DeliveryType : SmtpRelayToMailboxDeliveryGroup")
}
