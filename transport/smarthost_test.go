package transport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests of smart hosts, MX routing and failover, named after the facts of
// exchange-stress.md section 2.

func outboundHarness(t *testing.T, v Version, c Connector, mx map[string][]MX) *harness {
	w := newWorld()
	w.active["DB1"], w.mounted["DB1"] = "EX1", true
	top := Topology{
		Servers: []ServerSpec{
			{Name: "EX1", Site: "S1", Version: v, Roles: roles(v), DAG: "DAG1"},
			{Name: "EX2", Site: "S1", Version: v, Roles: roles(v), DAG: "DAG1"},
		},
		Mailboxes:  []Mailbox{{Address: "user@contoso.com", Database: "DB1"}},
		Connectors: []Connector{c},
		MX:         mx,
	}
	return newHarness(t, top, w)
}

func sendOut(h *harness, at time.Duration, to string) {
	h.at(at, func() { h.submit(Message{From: "user@contoso.com", To: []string{to}, Origin: "EX1"}) })
}

func sentTo(h *harness) []string {
	var out []string
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(SmartHostFailover); ok {
			out = append(out, e.Host)
		}
	}
	return out
}

func retries(h *harness) []QueueEvent {
	var out []QueueEvent
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(QueueEvent); ok && e.Op == QueueToRetry {
			out = append(out, e)
		}
	}
	return out
}

// fact: exchange-stress.md 2.2: the queue of a connector with several smart hosts is one
// SmartHostConnectorDelivery queue whose NextHopDomain is the list as configured.
func TestSmartHostQueueNextHopDomainIsTheConfiguredList(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
		SmartHosts: []string{"smarthost01.contoso.com", "smarthost02.fabrikam.com"}}, nil)
	require.NoError(t, h.o.HostDown("smarthost01.contoso.com"))
	require.NoError(t, h.o.HostDown("smarthost02.fabrikam.com"))
	sendOut(h, time.Second, "z@gmail.com")
	h.run(time.Minute)
	var row *QueueInfo
	for _, q := range h.o.GetQueue("EX1") {
		if q.DeliveryType == "SmartHostConnectorDelivery" {
			row = &q
		}
	}
	require.NotNil(t, row)
	require.Equal(t, "smarthost01.contoso.com,smarthost02.fabrikam.com", row.NextHopDomain)
	require.Equal(t, "Retry", row.Status)
}

// fact: exchange-stress.md 2.4 (LastError): when the primary and every alternate host fail, the queue's
// LastError is "451 4.4.0 Primary target IP address responded with: "<reply>."
// Attempted failover to alternate host, but that did not succeed. ..." with the last
// endpoint attempted (2013+); a connection failure of the primary gives the 441 4.4.1
// form.
func TestAttemptedFailoverToAlternateHostLastError(t *testing.T) {
	cases := []struct {
		name  string
		fault func(h *harness)
		want  string
	}{
		{"refused", func(h *harness) {
			require.NoError(t, h.o.HostRefuse("sh1.contoso.net", 421))
			require.NoError(t, h.o.HostDown("sh2.contoso.net"))
		}, `451 4.4.0 Primary target IP address responded with: "421 4.3.2 Service not available." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 203.0.113.26:25`},
		{"down", func(h *harness) {
			require.NoError(t, h.o.HostDown("sh1.contoso.net"))
			require.NoError(t, h.o.HostRefuse("sh2.contoso.net", 451))
		}, `441 4.4.1 Error encountered while communicating with primary target IP address: "Failed to connect. Winsock error code: 10060, Win32 error code: 10060." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 203.0.113.26:25`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
				SmartHosts: []string{"sh1.contoso.net", "sh2.contoso.net"}}, nil)
			c.fault(h)
			sendOut(h, time.Second, "z@gmail.com")
			h.run(30 * time.Second)
			r := retries(h)
			require.NotEmpty(t, r)
			require.Equal(t, c.want, r[0].LastError)
		})
	}
}

// fact: exchange-stress.md 2.2/2.4: a smart host that is down or answers 4xx is skipped for the next in
// the same attempt ("if one smart host fails, Exchange will simply use the other
// one"); the message is delivered without a queue retry.
func TestFailoverToTheNextSmartHostOnConnectionFailureOr4xx(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		h := outboundHarness(t, Exchange2019, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
			SmartHosts: []string{"sh1.contoso.net", "sh2.contoso.net"}}, nil)
		if refuse {
			require.NoError(t, h.o.HostRefuse("sh1.contoso.net", 451))
		} else {
			require.NoError(t, h.o.HostDown("sh1.contoso.net"))
		}
		for i := 0; i < 4; i++ {
			sendOut(h, time.Duration(i+1)*time.Minute, "z@gmail.com")
		}
		h.run(10 * time.Minute)
		require.Equal(t, 4, h.o.Verdict().Delivered)
		require.Empty(t, retries(h))
		require.NotEmpty(t, sentTo(h))
		for _, host := range sentTo(h) {
			require.Equal(t, "sh2.contoso.net", host)
		}
	}
}

// fact: exchange-stress.md 2.1/2.2: several smart hosts are used in rotation, each connection starting
// one further down the list (the round robin {HT1, HT2, HT3}, {HT2, HT3, HT1}, ...).
func TestSmartHostsAreUsedInRotation(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
		SmartHosts: []string{"a.net", "b.net", "c.net"}}, nil)
	q := &queue{srv: h.o.byName["ex1"], dtype: "SmartHostConnectorDelivery", nextHop: "a.net,b.net,c.net"}
	require.Equal(t, []string{"a.net", "b.net", "c.net"}, h.o.candidates(q))
	require.Equal(t, []string{"b.net", "c.net", "a.net"}, h.o.candidates(q))
	require.Equal(t, []string{"c.net", "a.net", "b.net"}, h.o.candidates(q))
}

// fact: exchange-stress.md 2.3: lower MX preference is preferred; equal preferences are load balanced.
func TestMXLowerPreferenceFirstEqualPreferencesBalanced(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}},
		map[string][]MX{"fabrikam.net": {{"mx3.fabrikam.net", 20}, {"mx1.fabrikam.net", 10}, {"mx2.fabrikam.net", 10}}})
	q := &queue{srv: h.o.byName["ex1"], dtype: "DnsConnectorDelivery", nextHop: "fabrikam.net"}
	require.Equal(t, []string{"mx1.fabrikam.net", "mx2.fabrikam.net", "mx3.fabrikam.net"}, h.o.candidates(q))
	require.Equal(t, []string{"mx2.fabrikam.net", "mx1.fabrikam.net", "mx3.fabrikam.net"}, h.o.candidates(q))
}

// fact: exchange-stress.md 2.3/2.4: DNS routing fails over to the backup MX when the primary is down, and
// delivers through the primary again once it is up.
func TestMXFailoverToBackupAndBack(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}},
		map[string][]MX{"fabrikam.net": {{"mx1.fabrikam.net", 10}, {"mx2.fabrikam.net", 20}}})
	require.NoError(t, h.o.HostDown("mx1.fabrikam.net"))
	sendOut(h, time.Minute, "a@fabrikam.net")
	h.at(5*time.Minute, func() { require.NoError(t, h.o.HostUp("MX1.fabrikam.net")) })
	sendOut(h, 10*time.Minute, "a@fabrikam.net")
	h.run(20 * time.Minute)
	require.Equal(t, []string{"mx2.fabrikam.net"}, sentTo(h))
	require.Equal(t, 2, h.o.Verdict().Delivered)
	require.Error(t, h.o.HostDown("mx9.fabrikam.net"))
	require.ErrorContains(t, h.o.HostRefuse("mx1.fabrikam.net", 550), "only a 4xx")
}

// Once every host is back, the queue in Retry delivers at its next retry: nothing is
// lost to a smart host outage.
func TestSmartHostOutageDelaysButLosesNothing(t *testing.T) {
	h := outboundHarness(t, Exchange2016, Connector{Name: "Out", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"},
		SmartHost: "sh1.contoso.net, sh2.contoso.net"}, nil)
	require.NoError(t, h.o.HostDown("sh1.contoso.net"))
	require.NoError(t, h.o.HostDown("sh2.contoso.net"))
	sendOut(h, time.Minute, "z@gmail.com")
	h.at(20*time.Minute, func() { require.NoError(t, h.o.HostUp("sh2.contoso.net")) })
	h.run(2 * time.Hour)
	v := h.o.Verdict()
	require.Equal(t, 1, v.Delivered)
	require.Greater(t, v.Fates[0].Latency, 19*time.Minute)
	require.True(t, strings.HasPrefix(retries(h)[0].LastError, "441 4.4.1"))
}

// fact: exchange-stress.md 2.3 (Gaps: no source states Exchange's A-record fallback; exsim follows
// RFC 5321's implicit MX): a listed domain without MX records but with an A record is
// delivered to the domain's own host, which can fail like an MX host; one with neither
// is returned with SMTPSEND.DNS.NonExistentDomain (5.4.4).
func TestARecordFallbackWhenADomainHasNoMX(t *testing.T) {
	c := Connector{Name: "Internet", AddressSpaces: []string{"*"}, SourceServers: []string{"EX1"}}
	h := outboundHarness(t, Exchange2016, c, nil)
	h.o.top.ARecord = map[string]bool{"tailspin.net": true, "nowhere.example": false}
	h.o.initHosts()
	require.Contains(t, h.o.Hosts(), "tailspin.net")
	require.NoError(t, h.o.HostDown("tailspin.net"))
	sendOut(h, time.Minute, "z@tailspin.net")
	sendOut(h, time.Minute, "y@nowhere.example")
	h.at(20*time.Minute, func() {
		require.NotEmpty(t, retries(h), "the implicit MX is down: the queue retries")
		require.NoError(t, h.o.HostUp("tailspin.net"))
	})
	h.run(2 * time.Hour)
	require.Equal(t, Delivered, fateOf(h, 1).Fate)
	f := fateOf(h, 2)
	require.Equal(t, Bounced, f.Fate)
	require.Equal(t, "550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain", f.Reason)
	var nf []DomainNotFound
	for _, r := range h.s.Journal().Records() {
		if e, ok := r.Data.(DomainNotFound); ok {
			nf = append(nf, e)
		}
	}
	require.Len(t, nf, 1)
	require.Equal(t, "nowhere.example", nf[0].Domain)
}
