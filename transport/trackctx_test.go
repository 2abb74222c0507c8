package transport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/transport/smtp"
)

// A HAREDIRECT's source-context is the shadow's FQDN, "=", and its Queued line with
// "Queued mail for delivery" replaced by "Queued mail for redundancy", however the
// string is built.
func TestRedundancyAnswerIsTheQueuedLineForRedundancy(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		version := rapid.SampledFrom(smtp.Versions).Draw(t, "version")
		fqdn := rapid.StringMatching(`[A-Z0-9]{1,8}\.[a-z]{1,10}\.com`).Draw(t, "fqdn")
		id := rapid.Int64Range(0, 1<<40).Draw(t, "id")
		r, err := smtp.Queued(version, "<"+rapid.StringMatching(`[0-9a-f]{0,32}`).Draw(t, "mid")+"@"+fqdn+">", id, fqdn)
		require.NoError(t, err)
		want := fqdn + "=" + strings.Replace(r.String(), "Queued mail for delivery", "Queued mail for redundancy", 1)
		require.Equal(t, want, redundancyAnswer(fqdn, r))
		other := smtp.Reply{Code: 250, Enhanced: "2.0.0", Text: rapid.StringMatching(`[ -~]{0,30}`).Draw(t, "text")}
		require.Equal(t, fqdn+"="+strings.Replace(other.String(), "Queued mail for delivery", "Queued mail for redundancy", 1), redundancyAnswer(fqdn, other))
	})
}
