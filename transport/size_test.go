package transport

import (
	"strings"
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

// fact: exchange-stress.md 3.1: Receive connector MaxMessageSize defaults per version and connector:
// 10 MB on 2010; 2013: 35 MB for Default, Client Proxy and Client Frontend, 36 MB for
// Default Frontend and Outbound Proxy Frontend (the 2013 size-limits page; §Conflicts);
// 36 MB on 2016+; range 65536-2147483647 bytes.
func TestReceiveConnectorMaxMessageSizeDefaultsPerVersion(t *testing.T) {
	for _, c := range []struct {
		v      Version
		prefix string
		want   int64
	}{
		{Exchange2010SP3, "Default", 10 << 20}, {Exchange2010SP1, "Client", 10 << 20},
		{Exchange2013, "Default", 35 << 20}, {Exchange2013, "Client Proxy", 35 << 20}, {Exchange2013, "Client Frontend", 35 << 20},
		{Exchange2013, "Default Frontend", 36 << 20}, {Exchange2013, "Outbound Proxy Frontend", 36 << 20},
		{Exchange2016, "Default", 36 << 20}, {Exchange2019, "Client Frontend", 36 << 20}, {ExchangeSE, "Default Frontend", 36 << 20},
	} {
		require.Equal(t, c.want, ReceiveConnectorDefaultMaxMessageSize(c.v, c.prefix), "%s %s", c.v, c.prefix)
	}
}

// fact: exchange-stress.md 3.1/3.3: Set-ReceiveConnector -MaxMessageSize changes the limit of the
// connector internet mail reaches; a message over it is answered 552 5.3.4 at MAIL FROM
// (the SIZE= it declares); out-of-range values and connectors exsim does not check are
// errors.
func TestSetReceiveConnectorMaxMessageSizeIsCheckedAtMailFrom(t *testing.T) {
	for _, c := range []struct {
		v   Version
		id  string
		max string
	}{{Exchange2016, `EX1\Default Frontend EX1`, "5MB"}, {Exchange2010SP1, "Default EX1", "5242880"}} {
		h := pressureHarness(t, c.v)
		require.NoError(t, h.o.SetTransportConfig([]Param{{Name: "MaxReceiveSize", Value: "unlimited"}}))
		for _, s := range []string{"EX1", "EX2"} {
			id := strings.ReplaceAll(c.id, "EX1", s)
			require.NoError(t, h.o.SetReceiveConnectorMaxMessageSize(id, c.max))
		}
		require.ErrorContains(t, h.o.SetReceiveConnectorMaxMessageSize(c.id, "1000"), "out of range")
		h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: 6 << 20}) })
		h.at(time.Minute, func() { h.submit(Message{From: "a@fabrikam.net", To: []string{"user@contoso.com"}, Size: 4 << 20}) })
		h.run(time.Hour)
		require.Equal(t, Bounced, fateOf(h, 1).Fate, c.v)
		require.Contains(t, fateOf(h, 1).Reason, "552 5.3.4 Message size exceeds fixed maximum message size")
		require.Equal(t, Delivered, fateOf(h, 2).Fate, c.v)
		require.Equal(t, int64(5<<20), h.o.ReceiveConnectorMaxMessageSize("EX1", strings.TrimSuffix(strings.TrimPrefix(c.id, `EX1\`), " EX1")))
		var refused []MailFromRefused
		for _, r := range h.s.Journal().Records() {
			if e, ok := r.Data.(MailFromRefused); ok {
				refused = append(refused, e)
			}
		}
		require.NotEmpty(t, refused)
		require.Equal(t, "552 5.3.4 Message size exceeds fixed maximum message size", refused[0].Reply)
	}
	h := pressureHarness(t, Exchange2016)
	require.ErrorContains(t, h.o.SetReceiveConnectorMaxMessageSize(`EX1\Client Proxy EX1`, "1MB"), `is not modelled: exsim checks the size limit of the connector internet mail reaches, EX1\Default Frontend EX1`)
	require.ErrorContains(t, h.o.SetReceiveConnectorMaxMessageSize(`EX1\Default Frontnd EX1`, "1MB"), "was not found")
}
