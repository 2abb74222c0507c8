package transport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of message size limits, named after the facts of exchange-stress.md section 3.

func fateOf(h *harness, n int) Fate {
	for _, f := range h.o.Verdict().Fates {
		if f.Message == n {
			return f
		}
	}
	return Fate{}
}

// fact: exchange-stress.md 3.1/3.3: the receive connector's MaxMessageSize (36 MB on 2016+, 10 MB on
// 2010) is checked at MAIL FROM with "552 5.3.4 Message size exceeds fixed maximum
// message size"; the internet sender does not retry a 5xx.
func TestReceiveConnectorMaxMessageSizeAnswers552(t *testing.T) {
	for _, c := range []struct {
		v    Version
		size int
		want FateKind
	}{{Exchange2016, 37 << 20, Bounced}, {Exchange2016, 30 << 20, Bounced}, {Exchange2010SP1, 11 << 20, Bounced}, {Exchange2016, 5 << 20, Delivered}} {
		h := pressureHarness(t, c.v)
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxReceiveSize", Value: "unlimited"}}))
		h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: c.size}) })
		h.run(time.Hour)
		f := fateOf(h, 1)
		want := c.want
		if c.v == Exchange2016 && c.size == 30<<20 {
			want = Delivered // under 36 MB, and MaxReceiveSize unlimited
		}
		require.Equal(t, want, f.Fate, "%s %d MB", c.v, c.size>>20)
		if want == Bounced {
			require.Contains(t, f.Reason, "552 5.3.4 Message size exceeds fixed maximum message size")
		}
	}
}

// fact: exchange-stress.md 3.1/3.3: the organization's MaxReceiveSize (10 MB) returns larger internet mail
// with RESOLVER.RST.RecipSizeLimit; its MaxSendSize a mailbox's with
// RESOLVER.RST.SendSizeLimit.Org; both can be raised with Set-TransportConfig.
func TestOrganizationSizeLimitsBounceInTheCategorizer(t *testing.T) {
	h := pressureHarness(t, Exchange2016)
	h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: 12 << 20}) })
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "user@contoso.com", To: []string{"z@gmail.com"}, Size: 12 << 20, Origin: "EX1"})
	})
	h.at(3*time.Minute, func() {
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxSendSize", Value: "20MB"}, {Name: "MaxReceiveSize", Value: "20MB"}}))
		h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: 12 << 20})
	})
	h.run(time.Hour)
	require.Equal(t, "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient", fateOf(h, 1).Reason)
	require.Equal(t, "550 5.2.12 RESOLVER.RST.SendSizeLimit.Org; message too large for this organization", fateOf(h, 2).Reason)
	require.Equal(t, Delivered, fateOf(h, 3).Fate)
	require.Error(t, h.o.SetTransportConfig([]Param{{Name: "MaxSendSize", Value: "3GB"}}), "up to 1.999999 GB")
}

// fact: exchange-stress.md 2.1/3.3: connector selection drops connectors whose MaxMessageSize is below the
// message; when none is left, "550 5.3.4 ROUTING.SizeLimit; message size exceeds fixed
// maximum size for route".
func TestSendConnectorSizeLimitDropsConnectorThenNDRs(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Small", AddressSpaces: []string{"gmail.com"}, SourceServers: []string{"EX1"}, MaxMessageSize: 1 << 20}, nil)
	h.o.top.Connectors = append(h.o.top.Connectors, Connector{Name: "Big", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}})
	require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxSendSize", Value: "unlimited"}}))
	sendOut(h, time.Minute, "z@gmail.com") // no size: fits everywhere, Small wins
	h.at(2*time.Minute, func() {
		h.submit(Message{From: "user@contoso.com", To: []string{"z@gmail.com"}, Size: 2 << 20, Origin: "EX1"})  // Big
		h.submit(Message{From: "user@contoso.com", To: []string{"z@gmail.com"}, Size: 40 << 20, Origin: "EX1"}) // over 35 MB
	})
	h.run(time.Hour)
	require.Equal(t, Delivered, fateOf(h, 1).Fate)
	require.Equal(t, Delivered, fateOf(h, 2).Fate)
	require.Equal(t, "550 5.3.4 ROUTING.SizeLimit; message size exceeds fixed maximum size for route", fateOf(h, 3).Reason)
	require.Equal(t, int64(10<<20), SendConnectorDefaultMaxMessageSize(Exchange2013))
}
