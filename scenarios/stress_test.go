package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/exsim/exsim/transport"

	"github.com/stretchr/testify/require"
)

// Size limits and external host faults from a scenario file (exchange-stress.md
// sections 2 and 3): traffic lines with size:, Set-TransportConfig MaxSendSize,
// a connector's maxMessageSize, MX records and the down/up faults.
func TestScenarioSizeLimitsAndMXFaults(t *testing.T) {
	src := `name: stress
description: size limits and MX failover
version: Exchange2016
duration: 2h
config:
  - "Set-TransportConfig -MaxSendSize 50MB -MaxReceiveSize 50MB"
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [EX1]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
  sendConnectors:
    - {name: Partner, addressSpaces: [fabrikam.net], sourceServers: [EX1], maxMessageSize: 20MB}
  internet:
    domains:
      fabrikam.net: {mx: ["mx1.fabrikam.net 10", "mx2.fabrikam.net 20"]}
traffic:
  - {at: 1m, from: ana@contoso.com, to: [bob@fabrikam.net], size: 15MB}
  - {at: 2m, from: ana@contoso.com, to: [bob@fabrikam.net], size: 25MB}
  - {at: 3m, from: carl@tailspintoys.com, to: [ana@contoso.com], size: 40MB}
  - {at: 4m, from: carl@tailspintoys.com, to: [ana@contoso.com], size: 30MB}
steps:
  - {at: 0s, fault: "down mx1.fabrikam.net"}
  - {at: 30m, fault: "up mx1.fabrikam.net"}
expect:
  delivered: 2
  bounced: 2
`
	sc, err := Parse("stress.yaml", []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	reasons := map[int]string{}
	for _, f := range res.Verdict.Fates {
		reasons[f.Message] = f.Reason
	}
	require.Equal(t, "550 5.3.4 ROUTING.SizeLimit; message size exceeds fixed maximum size for route", reasons[2])
	require.Contains(t, reasons[3], "552 5.3.4 Message size exceeds fixed maximum message size")
	_, err = Parse("bad.yaml", []byte(src[:len(src)-len("expect:\n  delivered: 2\n  bounced: 2\n")]+"  - {at: 5m, fault: \"refuse mx1.fabrikam.net 550\"}\n"))
	require.ErrorContains(t, err, `"550" is not a 4xx reply code`)
}

// The queue recovery cmdlets bind and run from steps: Retry-Queue -Resubmit,
// Add-ResubmitRequest (a span since the start is a [DateTime]) and Get-ResubmitRequest.
func TestScenarioQueueRecoveryCmdlets(t *testing.T) {
	src := `name: recovery
description: queue recovery cmdlets
version: Exchange2016
duration: 1h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [EX1]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
traffic:
  - {at: 1m, from: carl@tailspintoys.com, to: [ana@contoso.com]}
steps:
  - {at: 10m, run: "Add-ResubmitRequest -Destination DB1 -StartTime 0s -EndTime 5m"}
  - {at: 11m, run: "Get-ResubmitRequest"}
  - {at: 12m, run: "Retry-Queue -Identity EX1\\Unreachable -Resubmit $true"}
expect:
  delivered: 1
  duplicates: 0
`
	sc, err := Parse("recovery.yaml", []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	require.Equal(t, 1, res.Verdict.DuplicatesDetected, "the resubmitted copy is dropped by the mailbox")
	var errs []string
	for _, r := range res.Journal {
		if e, ok := r.Data.(StepError); ok {
			errs = append(errs, e.Err)
		}
	}
	require.Empty(t, errs, "every cmdlet ran (resubmitting an empty Unreachable queue does nothing)")
}

// fact: exchange-stress.md 1.9 and 1.8: a member drained with Redirect-Message onto a
// server whose queue drive is at Medium: the target still takes the redirected
// messages (Exchange servers are refused only at High) but refuses internet senders
// with 452 4.3.1 until the drive is freed, so nothing is lost and the latency is back
// pressure's (the contrast plan on a normal drive is much faster).
func TestRedirectOntoAServerUnderBackPressureDelaysButLosesNothing(t *testing.T) {
	bp := runBuiltin(t, "back-pressure-during-maintenance")
	normal := runBuiltin(t, "back-pressure-during-maintenance-contrast")
	require.Zero(t, bp.Verdict.Lost)
	require.Equal(t, normal.Verdict.Delivered, bp.Verdict.Delivered)
	refused, redirected := 0, 0
	for _, r := range bp.Journal {
		switch e := r.Data.(type) {
		case transport.MailFromRefused:
			if e.Server == "EX2" && e.Reply == "452 4.3.1 Insufficient system resources" {
				refused++
			}
		case transport.Redirected:
			redirected++
		}
	}
	require.Greater(t, refused, 10)
	require.Greater(t, redirected, 0)
	max := func(r *Result) time.Duration {
		var m time.Duration
		for _, f := range r.Verdict.Fates {
			m = maxDur(m, f.Latency)
		}
		return m
	}
	require.Greater(t, max(bp), 40*time.Minute)
	require.Less(t, max(normal), 16*time.Minute)
}

func maxDur(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// A traffic line's size may be a list: each message draws one of them, so a mix of
// small and oversized mail shows both outcomes, deterministically per seed.
func TestTrafficSizeListDrawsEachMessagesSize(t *testing.T) {
	src := `name: sizes
description: a size distribution
version: Exchange2016
duration: 1h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [EX1]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
traffic:
  - {at: 1m, from: carl@tailspintoys.com, to: [ana@contoso.com], count: 20, every: 10s, size: [4KB, 40MB]}
`
	sc, err := Parse("sizes.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, []int64{4 << 10, 40 << 20}, sc.Traffic[0].Sizes)
	a, err := Run(sc, Options{})
	require.NoError(t, err)
	b, err := Run(sc, Options{})
	require.NoError(t, err)
	require.Equal(t, a.Verdict, b.Verdict)
	require.Positive(t, a.Verdict.Delivered)
	require.Positive(t, a.Verdict.Bounced)
	require.Equal(t, 20, a.Verdict.Delivered+a.Verdict.Bounced)
	_, err = Parse("bad.yaml", []byte(strings.Replace(src, "[4KB, 40MB]", "[4KB, lots]", 1)))
	require.ErrorContains(t, err, `size "lots"`)
}

// fact: exchange-stress.md 3.1/3.3: Set-ReceiveConnector -MaxMessageSize lowers the limit of
// the connector internet mail reaches (Default Frontend on 2016); Get-ReceiveConnector
// shows it in ByteQuantifiedSize form; a larger internet message is answered 552
// 5.3.4 at MAIL FROM. A connector exsim does not check is an error saying so.
func TestScenarioSetReceiveConnectorMaxMessageSize(t *testing.T) {
	src := `name: rcvsize
description: receive connector size limit
version: Exchange2016
duration: 1h
config:
  - "Set-TransportConfig -MaxReceiveSize 50MB"
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [EX1]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
traffic:
  - {at: 1m, from: carl@tailspintoys.com, to: [ana@contoso.com], size: 30MB}
  - {at: 2m, from: carl@tailspintoys.com, to: [ana@contoso.com], size: 10MB}
steps:
  - {at: 0s, run: "Set-ReceiveConnector 'EX1\\Default Frontend EX1' -MaxMessageSize 25MB"}
  - {at: 0s, run: "Get-ReceiveConnector 'EX1\\Default Frontend EX1' | Format-List Name,MaxMessageSize"}
  - {at: 0s, run: "Set-ReceiveConnector 'EX1\\Client Proxy EX1' -MaxMessageSize 25MB"}
  - {at: 0s, run: "Set-ReceiveConnector 'EX1\\Default EX1'"}
expect:
  delivered: 1
  bounced: 1
`
	sc, err := Parse("rcvsize.yaml", []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	var errs, outs []string
	for _, r := range res.Journal {
		switch e := r.Data.(type) {
		case StepError:
			errs = append(errs, e.Err)
		case Output:
			outs = append(outs, e.Text)
		}
	}
	require.Len(t, errs, 2)
	require.Contains(t, errs[0], "is not modelled")
	require.Contains(t, errs[1], "give -ProtocolLoggingLevel or -MaxMessageSize")
	require.Len(t, outs, 1)
	require.Contains(t, outs[0], "MaxMessageSize : 25 MB (26,214,400 bytes)")
	for _, f := range res.Verdict.Fates {
		if f.Message == 1 {
			require.Contains(t, f.Reason, "552 5.3.4 Message size exceeds fixed maximum message size")
		}
	}
}

// fact: exchange-stress.md 2.3 (Gaps; exsim follows RFC 5321's implicit MX): internet.domains
// entries with a: true (no MX, an A record: the domain's own host, which a fault can
// name) and a: false (no records: NDR SMTPSEND.DNS.NonExistentDomain).
func TestScenarioARecordFallbackAndNonexistentDomain(t *testing.T) {
	src := `name: arecord
description: implicit MX and a domain that does not resolve
version: Exchange2019
duration: 2h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
  databases:
    - {name: DB1, copies: [EX1]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
  sendConnectors:
    - {name: Internet, addressSpaces: ["*"], sourceServers: [EX1]}
  internet:
    domains:
      tailspin.net: {a: true}
      nowhere.example: {a: false}
traffic:
  - {at: 1m, from: ana@contoso.com, to: [bob@tailspin.net]}
  - {at: 1m, from: ana@contoso.com, to: [eve@nowhere.example]}
steps:
  - {at: 0s, fault: "down tailspin.net"}
  - {at: 30m, fault: "up tailspin.net"}
expect:
  delivered: 1
  bounced: 1
`
	sc, err := Parse("arecord.yaml", []byte(src))
	require.NoError(t, err)
	require.Equal(t, []string{"tailspin.net"}, sc.Topology.ExternalHosts())
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	for _, f := range res.Verdict.Fates {
		switch f.Message {
		case 1:
			require.Greater(t, f.Latency, 29*time.Minute, "waited for its A-record host")
		case 2:
			require.Equal(t, "550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain", f.Reason)
		}
	}
	_, err = Parse("both.yaml", []byte(strings.Replace(src, "{a: true}", `{a: true, mx: ["mx1.tailspin.net 10"]}`, 1)))
	require.ErrorContains(t, err, "give mx or a, not both")
}

// fact: exchange-stress.md 4.5: Add-ResubmitRequest's ConditionalResubmit set binds from a step
// (-Sender, -Recipient, -MessageId), as does -UnresponsivePrimaryServers; -Recipient
// with -Destination is refused.
func TestScenarioConditionalResubmitRequest(t *testing.T) {
	src := `name: conditional
description: ConditionalResubmit
version: Exchange2016
duration: 1h
topology:
  servers:
    - {name: EX1, roles: [Mailbox]}
    - {name: EX2, roles: [Mailbox]}
  dags:
    - {name: DAG1, members: [EX1, EX2], witness: FS1}
  databases:
    - {name: DB1, copies: [EX1, EX2]}
  mailboxes:
    - {address: ana@contoso.com, database: DB1}
traffic:
  - {at: 1m, from: carl@tailspintoys.com, to: [ana@contoso.com]}
  - {at: 1m, from: dora@fabrikam.net, to: [ana@contoso.com]}
steps:
  - {at: 10m, run: "Add-ResubmitRequest -Sender carl@tailspintoys.com -StartTime 0s -EndTime 5m"}
  - {at: 11m, run: "Add-ResubmitRequest -Recipient ana@contoso.com -Destination DB1 -StartTime 0s -EndTime 5m"}
  - {at: 12m, run: "Add-ResubmitRequest -Destination DB1 -UnresponsivePrimaryServers EX1,EX2 -StartTime 0s -EndTime 5m"}
  - {at: 13m, run: "Get-ResubmitRequest"}
expect:
  delivered: 2
`
	sc, err := Parse("conditional.yaml", []byte(src))
	require.NoError(t, err)
	res, err := Run(sc, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed(), "%v", res.Failures)
	// carl's message by -Sender, then both by the Shadow Safety Net copies
	require.Equal(t, 3, res.Verdict.DuplicatesDetected)
	var errs, outs []string
	for _, r := range res.Journal {
		switch e := r.Data.(type) {
		case StepError:
			errs = append(errs, e.Err)
		case Output:
			outs = append(outs, e.Text)
		}
	}
	require.Len(t, errs, 1)
	require.Contains(t, errs[0], "can't be used with -Destination")
	require.Len(t, outs, 1)
	require.Contains(t, outs[0], "Sender=carl@tailspintoys.com")
}
