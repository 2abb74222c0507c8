package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of the queue cmdlets (queueops.go) that pin sourced facts, found by the fourth
// mutation pass (issue 24).

// fact: powershell-and-clixml.md §B.13: a ByteQuantifiedSize prints as "N unit (n,nnn
// bytes)", the unit the largest of B, KB, MB, GB that fits, the bytes grouped by
// thousands (the values observed in the E19 files, and 0 B).
func TestByteQuantifiedSizeShowsTheUnitAndTheBytesGroupedByThousands(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "0 B (0 bytes)"},
		{999, "999 B (999 bytes)"},
		{262144, "256 KB (262,144 bytes)"},
		{36700160, "35 MB (36,700,160 bytes)"},
		{37748736, "36 MB (37,748,736 bytes)"},
		{524288000, "500 MB (524,288,000 bytes)"},
		{5368709120, "5 GB (5,368,709,120 bytes)"},
	} {
		require.Equal(t, c.want, psSize(c.n), "%d bytes", c.n)
	}
}

// fact: exchange-stress.md §1.9: Redirect-Message drains the active messages of
// every delivery queue of the source to the target; the Redirected record counts the
// messages it moved: those queued on the source for an unmounted database.
func TestRedirectMessageCountsTheMessagesItDrains(t *testing.T) {
	top, w := threeMember2016()
	top.InboundLoadBalanced = false
	top.Inbound = []string{"EX1"}
	w.mounted["DB1"] = false
	h := newHarness(t, top, w)
	for i := 1; i <= 4; i++ {
		h.at(time.Duration(i)*time.Minute, func() {
			h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Subject: fmt.Sprint(i)})
		})
	}
	queued := 0
	h.at(5*time.Minute, func() {
		for _, q := range h.o.GetQueue("EX1") {
			if q.DeliveryType != "ShadowRedundancy" {
				queued += q.MessageCount
			}
		}
		require.NoError(t, h.o.RedirectMessage("EX1", "EX2.contoso.com"))
	})
	h.run(6 * time.Minute)
	require.GreaterOrEqual(t, queued, 2)
	red := payloads[Redirected](h)
	require.Len(t, red, 1)
	require.Equal(t, Redirected{Server: "EX1", Target: "EX2", Count: queued}, red[0])
}
