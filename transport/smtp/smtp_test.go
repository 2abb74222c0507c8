package smtp

import (
	"bytes"
	"fmt"
	"github.com/exsim/exsim/sim/simtest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/exsim/exsim/transport/logs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	simtest.Golden(t, name, got)
}

var epoch = time.Date(2016, 8, 27, 22, 45, 0, 0, time.UTC)

func TestReplyStringsAsExchangeWritesThem(t *testing.T) {
	q10, err := Queued("Exchange2010SP3", "<id@EX1>", 274498, "EX1.contoso.com")
	require.NoError(t, err)
	q15, err := Queued("Exchange2016", "<id@EX1>", 2002, "EX2.contoso.com")
	require.NoError(t, err)
	cases := []struct {
		r    Reply
		want string
	}{
		{ServiceNotActive, "421 4.3.2 Service not active"},
		{NotRedundant, "451 4.4.0 Message failed to be made redundant"},
		{TemporaryServerError, "451 4.7.0 Temporary server error. Please try again later"},
		{Expired, "550 4.4.7 QUEUE.Expired; message expired"},
		{Delayed, "400 4.4.7 Message delayed"},
		{SenderOK, "250 2.1.0 Sender OK"},
		{RecipientOK, "250 2.1.5 Recipient OK"},
		{StartMailInput, "354 Start mail input; end with <CRLF>.<CRLF>"},
		{ClosingChannel, "221 2.0.0 Service closing transmission channel"},
		{InsufficientResources, "452 4.3.1 Insufficient system resources"},
		{HopCountExceeded, "554 5.4.6 Hop count exceeded - possible mail loop"},
		{q10, "250 2.6.0 <id@EX1> [InternalId=274498] Queued mail for delivery"},
		{q15, "250 2.6.0 <id@EX1> [InternalId=2002, Hostname=EX2.contoso.com] Queued mail for delivery"},
		{Banner("EX1.contoso.com", time.Date(2013, 6, 27, 17, 4, 17, 0, time.UTC)), "220 EX1.contoso.com Microsoft ESMTP MAIL Service ready at Thu, 27 Jun 2013 17:04:17 +0000"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, c.r.String())
	}
	_, err = Queued("Exchange5.5", "<x>", 1, "h")
	require.Error(t, err)
}

// 4xx leaves the message with the sender, who retries; 5xx bounces.
func TestReplyClassesDecideRetryOrBounce(t *testing.T) {
	require.True(t, ServiceNotActive.Transient())
	require.False(t, ServiceNotActive.Permanent())
	require.True(t, NotRedundant.Transient())
	require.True(t, Expired.Permanent())
	require.True(t, HopCountExceeded.Permanent())
	require.True(t, SenderOK.Positive())
	require.True(t, StartMailInput.Positive())
	require.False(t, Delayed.Positive())
}

func TestCapabilitiesXSHADOWIn2010XSHADOWREQUESTFrom2013(t *testing.T) {
	for _, v := range Versions {
		t.Run(v, func(t *testing.T) {
			caps, err := Capabilities(v)
			require.NoError(t, err)
			is2010 := strings.HasPrefix(v, "Exchange2010")
			require.Equal(t, is2010, Has(caps, "XSHADOW"), "XSHADOW only in 2010")
			require.Equal(t, !is2010, Has(caps, "XSHADOWREQUEST"), "XSHADOWREQUEST from 2013")
			require.True(t, Has(caps, "PIPELINING"))
			require.True(t, Has(caps, "CHUNKING"))
			require.Equal(t, v != "Exchange2010", Has(caps, "XRDST"))
		})
	}
	_, err := Capabilities("Exchange2007")
	require.ErrorContains(t, err, "unknown Exchange version")
	// KB 2866822's 2013 EHLO transcript, line for line.
	caps, _ := Capabilities("Exchange2013")
	require.Equal(t, []string{
		"250-Exchange-Server.contoso.com Hello [fe80::2174:c9da:4ac0:74c2%13]",
		"250-SIZE", "250-PIPELINING", "250-DSN", "250-ENHANCEDSTATUSCODES", "250-STARTTLS",
		"250-X-ANONYMOUSTLS", "250-AUTH NTLM", "250-X-EXPS GSSAPI NTLM", "250-8BITMIME",
		"250-BINARYMIME", "250-CHUNKING", "250-XEXCH50", "250-XRDST", "250 XSHADOWREQUEST",
	}, EHLOLines("Exchange-Server.contoso.com", "fe80::2174:c9da:4ac0:74c2%13", caps))
}

func TestFailoverLastErrorTexts(t *testing.T) {
	s, err := FailoverError("Exchange2010SP1", ServiceNotActive, "10.0.0.2:25")
	require.NoError(t, err)
	require.Equal(t, `451 4.4.0 Primary target IP address responded with: "421 4.3.2 Service not active." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts.`, s)
	s, err = FailoverError("Exchange2016", ServiceNotActive, "10.0.0.2:25")
	require.NoError(t, err)
	require.Equal(t, `451 4.4.0 Primary target IP address responded with: "421 4.3.2 Service not active." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 10.0.0.2:25`, s)
	s, err = ConnectFailureError("Exchange2013", WinsockTimedOut, "172.24.16.149:475")
	require.NoError(t, err)
	require.Equal(t, `441 4.4.1 Error encountered while communicating with primary target IP address: "Failed to connect. Winsock error code: 10060, Win32 error code: 10060." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 172.24.16.149:475`, s)
	s, err = ConnectFailureError("Exchange2010", WinsockRefused, "10.0.0.2:25")
	require.NoError(t, err)
	require.Equal(t, `451 4.4.0 Primary target IP address responded with: "421 4.2.1 Unable to connect." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts.`, s)
	_, err = FailoverError("x", ServiceNotActive, "")
	require.Error(t, err)
	_, err = ConnectFailureError("x", 1, "")
	require.Error(t, err)
}

func hub(name, ip, version string, port int) Peer {
	return Peer{Server: name, FQDN: name + ".mynet.lan", IP: ip, Port: port, Version: version}
}

func writeBoth(t *testing.T, name, version string, res Result) {
	t.Helper()
	var b bytes.Buffer
	if res.Send != nil {
		require.NoError(t, logs.WriteProtocolLog(&b, version, logs.Send, epoch, res.Send))
	}
	if res.Receive != nil {
		require.NoError(t, logs.WriteProtocolLog(&b, version, logs.Receive, epoch, res.Receive))
	}
	golden(t, name, b.String())
}

// The seed's inbound path: EX13-2 relays a message for a database active on EX13-1
// to EX13-1 (SmtpRelayWithinAdSite); both 2010 logs of the one session.
func TestConverse2010HubToHubBothLogs(t *testing.T) {
	res, err := Converse(Conversation{
		Epoch: epoch, Start: 2 * time.Minute, Latency: 5 * time.Millisecond,
		Client:        hub("EX13-2", "10.0.0.12", "Exchange2010SP3", 28532),
		Server:        hub("EX13-1", "10.0.0.11", "Exchange2010SP3", 25),
		SendConnector: IntraOrgSendConnector, ReceiveConnector: DefaultReceiveConnector("EX13-1"),
		SendSessionID: SessionID(1), ReceiveSessionID: SessionID(7),
		Messages: []Message{{From: "sender@gmail.com", To: []string{"alan.reid@mynet.lan"}, Size: 6147,
			MessageID: "<CAF=abc@mail.gmail.com>", RecordID: 44, InternalID: 41}},
	})
	require.NoError(t, err)
	require.Zero(t, res.Failure.Code)
	require.Len(t, res.Outcomes, 1)
	require.Equal(t, "250 2.6.0 <CAF=abc@mail.gmail.com> [InternalId=41] Queued mail for delivery", res.Outcomes[0].Final.String())
	require.Equal(t, 2*time.Minute+35*time.Millisecond, res.Outcomes[0].QueuedAt, "connect, EHLO and MAIL/RCPT take a round trip each, BDAT one crossing")
	require.Equal(t, res.Outcomes[0].QueuedAt+5*time.Millisecond, res.Outcomes[0].AckAt)
	writeBoth(t, "converse-2010-hub-to-hub.log", "Exchange2010SP3", res)
}

// KB 2866822: a server whose HubTransport is Inactive/Draining accepts EHLO (listing
// XSHADOWREQUEST) and answers MAIL FROM with 421 4.3.2 Service not active.
func TestConverse421ServiceNotActiveAfterEHLO(t *testing.T) {
	res, err := Converse(Conversation{
		Epoch: epoch, Start: time.Minute, Latency: 10 * time.Millisecond,
		Client:        hub("EX1", "10.0.0.1", "Exchange2016", 41000),
		Server:        hub("EX2", "10.0.0.2", "Exchange2016", 25),
		SendConnector: IntraOrgSendConnector, ReceiveConnector: DefaultReceiveConnector("EX2"),
		SendSessionID: SessionID(2), ReceiveSessionID: SessionID(9),
		MailReply: &ServiceNotActive,
		Messages:  []Message{{From: "a@contoso.com", To: []string{"b@contoso.com"}, Size: 2048, MessageID: "<m1@EX1>", RecordID: 12345}},
	})
	require.NoError(t, err)
	require.Equal(t, ServiceNotActive, res.Failure)
	require.Empty(t, res.Outcomes, "no message was accepted: the sender still owns it")
	last := res.Send[len(res.Send)-1]
	require.Equal(t, logs.ProtoDisconnect, last.Event)
	writeBoth(t, "converse-2016-421-service-not-active.log", "Exchange2016", res)
}

// An outbound message through a smart host that is not Exchange (no Receive log),
// with DATA because it does not advertise CHUNKING, as in the seed's session.
func TestConverse2013ToInternetSmartHost(t *testing.T) {
	res, err := Converse(Conversation{
		Epoch: epoch, Start: 3 * time.Minute, Latency: 30 * time.Millisecond,
		Client:        hub("EX1", "10.0.0.1", "Exchange2013", 10437),
		Server:        Peer{FQDN: "relay.example.net", IP: "203.0.113.25", Port: 25, Caps: []string{"SIZE 36700160", "PIPELINING", "8BITMIME"}},
		SendConnector: "Internet", SendSessionID: SessionID(3),
		Messages: []Message{{From: "alan.reid@mynet.lan", To: []string{"someone@gmail.com", "other@gmail.com"}, Size: 6147,
			MessageID: "<out1@EX1.mynet.lan>", RecordID: 167503004549, InternalID: 0x1E53E4005DE}},
	})
	require.NoError(t, err)
	require.Nil(t, res.Receive)
	require.Equal(t, "250 2.0.0 Ok: queued as 1E53E4005DE", res.Outcomes[0].Final.String())
	writeBoth(t, "converse-2013-smarthost.log", "Exchange2013", res)
}

// A Send connector starts TLS with a host outside the organization that offers
// STARTTLS (opportunistic TLS: Set-SendConnector -IgnoreSTARTTLS is off by default),
// logs the certificate and TLS rows as the real SmtpSend logs do, says EHLO again
// (no STARTTLS offered the second time) and, with SmartHostAuthMechanism BasicAuth,
// authenticates with AUTH LOGIN; every step takes its round trips; a host that
// offers no STARTTLS gets neither, and no SIZE= when it offers no SIZE.
// fact: exchange-2013-pipeline.md §6.1
func TestConverseStartsTLSAndAuthenticatesWithASmartHostThatOffersThem(t *testing.T) {
	c := Conversation{
		Epoch: epoch, Start: 3 * time.Minute, Latency: 30 * time.Millisecond,
		Client:        hub("EX1", "10.0.0.1", "Exchange2016", 10437),
		Server:        Peer{FQDN: "relay.example.net", IP: "203.0.113.25", Port: 25, Caps: []string{"PIPELINING", "STARTTLS", "AUTH LOGIN PLAIN", "8BITMIME"}},
		SendConnector: "Internet", SendSessionID: SessionID(3), SmartHostAuth: AuthBasicRequireTLS,
		Messages: []Message{{From: "alan.reid@mynet.lan", To: []string{"someone@gmail.com"}, Size: 6147,
			MessageID: "<out1@EX1.mynet.lan>", RecordID: 167503004549, InternalID: 0x1E53E4005DE}},
	}
	res, err := Converse(c)
	require.NoError(t, err)
	sent := data(res.Send, logs.ProtoSend)
	require.Equal(t, []string{"EHLO EX1.mynet.lan", "STARTTLS", "EHLO EX1.mynet.lan", "AUTH LOGIN", "<authentication response>", "<authentication response>",
		"MAIL FROM:<alan.reid@mynet.lan>", "RCPT TO:<someone@gmail.com>", "DATA", "QUIT"}, sent)
	got := data(res.Send, logs.ProtoReceive)
	require.Contains(t, got, "220 2.0.0 Ready to start TLS")
	require.Contains(t, got, "235 2.7.0 Authentication successful")
	require.NotContains(t, got[slices.Index(got, "220 2.0.0 Ready to start TLS"):], "250-STARTTLS", "STARTTLS is not offered again")
	plain := c
	plain.SmartHostAuth, plain.Server.Caps = "", []string{"PIPELINING"}
	res0, err := Converse(plain)
	require.NoError(t, err)
	require.Equal(t, 14*c.Latency, res.Outcomes[0].QueuedAt-res0.Outcomes[0].QueuedAt, "STARTTLS, the handshake's two round trips, EHLO again and three AUTH round trips")
	require.NotContains(t, data(res0.Send, logs.ProtoSend), "STARTTLS")
	writeBoth(t, "converse-2016-smarthost-tls-auth.log", "Exchange2016", res)

	c.SmartHostAuth, c.Server.Caps = AuthBasic, []string{"PIPELINING"}
	_, err = Converse(c)
	require.ErrorContains(t, err, "does not offer AUTH LOGIN")
	c.SmartHostAuth, c.RequireTLS = "", true
	_, err = Converse(c)
	require.ErrorContains(t, err, "does not offer STARTTLS")
}

// A server that is down refuses the connection: only the Send log has rows, and the
// failure is transient (the queue goes to Retry).
func TestConverseRefusedConnection(t *testing.T) {
	for _, code := range []int{WinsockRefused, WinsockTimedOut} {
		res, err := Converse(Conversation{
			Epoch: epoch, Start: time.Minute, Latency: 10 * time.Millisecond, ConnectTimeout: 21 * time.Second,
			Client: hub("EX1", "10.0.0.1", "Exchange2010SP1", 41000), Server: hub("EX2", "10.0.0.2", "Exchange2010SP1", 25),
			SendConnector: IntraOrgSendConnector, SendSessionID: SessionID(4), ConnectFailure: code,
			Messages: []Message{{From: "a@x", To: []string{"b@x"}}},
		})
		require.NoError(t, err)
		require.Nil(t, res.Receive)
		require.Len(t, res.Send, 2)
		require.True(t, res.Failure.Transient())
		require.Equal(t, FailedToConnect(code), res.Send[1].Context)
		require.Empty(t, res.Send[1].LocalEndpoint, "never connected")
		if code == WinsockTimedOut {
			require.Equal(t, time.Minute+21*time.Second, res.End)
		}
	}
}

func TestConverseRejectsBadInput(t *testing.T) {
	_, err := Converse(Conversation{Client: Peer{Version: "Exchange2000"}})
	require.Error(t, err)
	_, err = Converse(Conversation{Server: Peer{Version: "Exchange2000"}})
	require.Error(t, err)
	_, err = Converse(Conversation{Latency: -1})
	require.Error(t, err)
	_, err = Converse(Conversation{Client: Peer{Version: "Exchange2013"}, Server: Peer{Version: "Exchange2013"},
		Messages: []Message{{To: []string{"a", "b"}, RcptReplies: []Reply{RecipientOK}}}})
	require.Error(t, err)
	_, err = NewSession("EX1", "Sideways", "c", "s", "", "")
	require.Error(t, err)
}

func data(events []logs.ProtocolEvent, ev logs.ProtocolEventType) []string {
	var out []string
	for _, e := range events {
		if e.Event == ev {
			out = append(out, e.Data)
		}
	}
	return out
}

// Whatever the versions, replies and delays, the two logs of one session agree: what
// the client sent is what the server received, in order, no later than one latency
// after; sequence numbers run 0..n-1; time never goes back; the Receive log opens with
// + and closes with -.
func TestConverseLogsAgreeOnTheWire(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cv := rapid.SampledFrom(Versions).Draw(t, "client")
		sv := rapid.SampledFrom(Versions).Draw(t, "server")
		L := time.Duration(rapid.IntRange(0, 200).Draw(t, "latencyms")) * time.Millisecond
		c := Conversation{
			Epoch: epoch, Start: time.Duration(rapid.IntRange(0, 1e6).Draw(t, "start")) * time.Millisecond, Latency: L,
			Client: hub("EX1", "10.0.0.1", cv, 41000), Server: hub("EX2", "10.0.0.2", sv, 25),
			SendConnector: IntraOrgSendConnector, ReceiveConnector: DefaultReceiveConnector("EX2"),
			SendSessionID: SessionID(1), ReceiveSessionID: SessionID(2),
		}
		if rapid.Bool().Draw(t, "lockstep") {
			c.Server.Caps = []string{"SIZE", "8BITMIME"}
		}
		if rapid.IntRange(0, 4).Draw(t, "draining") == 0 {
			c.MailReply = &ServiceNotActive
		}
		c.RequireTLS = rapid.Bool().Draw(t, "requiretls")
		c.IgnoreSTARTTLS = rapid.Bool().Draw(t, "ignorestarttls")
		c.SmartHostAuth = rapid.SampledFrom([]string{"", AuthNone, AuthBasic, AuthBasicRequireTLS}).Draw(t, "auth")
		n := rapid.IntRange(0, 3).Draw(t, "messages")
		for i := 0; i < n; i++ {
			to := rapid.SliceOfN(rapid.StringMatching(`[a-z]{1,4}@contoso\.com`), 1, 3).Draw(t, "to")
			m := Message{From: "s@contoso.com", To: to, Size: 100 + i, MessageID: "<m@x>", RecordID: int64(i + 1), InternalID: int64(i + 10),
				AckDelay: time.Duration(rapid.IntRange(0, 30).Draw(t, "ack")) * time.Second}
			if rapid.Bool().Draw(t, "rejectsome") {
				for range to {
					m.RcptReplies = append(m.RcptReplies, rapid.SampledFrom([]Reply{RecipientOK, RecipientNotFound}).Draw(t, "rr"))
				}
			}
			if rapid.IntRange(0, 3).Draw(t, "noredundancy") == 0 {
				m.DataReply = &NotRedundant
			}
			c.Messages = append(c.Messages, m)
		}
		res, err := Converse(c)
		require.NoError(t, err)
		for _, log := range [][]logs.ProtocolEvent{res.Send, res.Receive} {
			for i, e := range log {
				require.Equal(t, i, e.SequenceNumber)
				if i > 0 {
					require.GreaterOrEqual(t, e.At, log[i-1].At)
				}
			}
		}
		require.Equal(t, logs.ProtoConnect, res.Receive[0].Event)
		require.Equal(t, logs.ProtoDisconnect, res.Receive[len(res.Receive)-1].Event)
		sent, recd := data(res.Send, logs.ProtoSend), data(res.Receive, logs.ProtoReceive)
		if res.Failure.Code == 0 {
			require.Equal(t, sent, recd, "client commands = server commands")
		} else {
			// Pipelined RCPTs after a refused MAIL FROM never get read: the server closed.
			require.Equal(t, sent[:len(recd)], recd, "server commands are a prefix of client commands")
		}
		// Server replies reach the client in order (the EHLO reply is one row on the
		// Receive side and one row per line on the Send side; 2013+ clients do not
		// log the 221).
		got := slices.DeleteFunc(data(res.Send, logs.ProtoReceive), func(s string) bool { return len(s) > 3 && s[:4] == "250-" })
		want := data(res.Receive, logs.ProtoSend)
		require.Equal(t, want[0], got[0], "banner")
		require.GreaterOrEqual(t, len(want), len(got))
		require.Equal(t, want[2:len(got)], got[2:], "replies after EHLO")
		require.LessOrEqual(t, res.Send[len(res.Send)-1].At, res.End)
		accepted := 0
		for _, o := range res.Outcomes {
			if o.Final.Code == 250 {
				accepted++
				require.GreaterOrEqual(t, o.AckAt, o.QueuedAt+L)
			}
		}
		if c.MailReply != nil && n > 0 {
			require.Equal(t, ServiceNotActive, res.Failure)
			require.Zero(t, accepted)
		}
	})
}

// The seed's inbound mail: an internet host (through the load balancer) hands a message
// to EX13-2; only EX13-2's Receive log has the session, and the sender owns the message
// until the 250 2.6.0 reaches it.
func TestConverseInternetSenderToHub2010ReceiveLog(t *testing.T) {
	res, err := Converse(Conversation{
		Epoch: epoch, Start: 5 * time.Minute, Latency: 40 * time.Millisecond,
		Client:           Peer{FQDN: "mail-wm0-f54.google.com", IP: "192.0.2.54", Port: 33512},
		Server:           hub("EX13-2", "10.0.0.12", "Exchange2010SP3", 25),
		ReceiveConnector: DefaultReceiveConnector("EX13-2"), ReceiveSessionID: SessionID(21),
		Messages: []Message{{From: "someone@gmail.com", To: []string{"alan.reid@mynet.lan"}, Size: 3120,
			MessageID: "<CAF=inbd001@mail.gmail.com>", InternalID: 7}},
	})
	require.NoError(t, err)
	require.Nil(t, res.Send)
	require.Equal(t, 250, res.Outcomes[0].Final.Code)
	writeBoth(t, "converse-2010-internet-inbound.log", "Exchange2010SP3", res)
}

// Timing (no rows, for runs with the journal off) decides exactly what Converse does:
// the same failure, outcomes and end, for any conversation.
func TestTimingAgreesWithConverse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		peer := func(label, name, ip string, port int) Peer {
			v := rapid.SampledFrom(append([]string{""}, Versions...)).Draw(t, label)
			p := Peer{Server: name, FQDN: name + ".example", IP: ip, Port: port, Version: v}
			if v == "" || rapid.IntRange(0, 3).Draw(t, label+"caps") == 0 {
				p.Caps = rapid.SliceOfDistinct(rapid.SampledFrom([]string{"SIZE", "PIPELINING", "CHUNKING", "8BITMIME", "STARTTLS", "AUTH LOGIN PLAIN"}), rapid.ID[string]).Draw(t, label+"list")
			}
			return p
		}
		c := Conversation{
			Epoch: epoch, Start: time.Duration(rapid.IntRange(0, 1e6).Draw(t, "start")) * time.Millisecond,
			Latency:        time.Duration(rapid.IntRange(0, 500).Draw(t, "latency")) * time.Millisecond,
			Client:         peer("client", "A", "10.0.0.1", 4000),
			Server:         peer("server", "B", "10.0.0.2", 25),
			ConnectFailure: rapid.SampledFrom([]int{0, 0, 0, WinsockRefused, WinsockTimedOut}).Draw(t, "connect"),
			ConnectTimeout: time.Duration(rapid.IntRange(0, 30).Draw(t, "timeout")) * time.Second,
		}
		if rapid.IntRange(0, 4).Draw(t, "draining") == 0 {
			c.MailReply = &ServiceNotActive
		}
		if rapid.IntRange(0, 3).Draw(t, "tarpit") == 0 {
			c.MailDelay, c.TarpitReason = time.Duration(rapid.IntRange(1, 55).Draw(t, "delay"))*time.Second, "BackPressure"
		}
		c.RequireTLS = rapid.Bool().Draw(t, "requiretls")
		c.IgnoreSTARTTLS = rapid.Bool().Draw(t, "ignorestarttls")
		c.SmartHostAuth = rapid.SampledFrom([]string{"", AuthNone, AuthBasic, AuthBasicRequireTLS}).Draw(t, "auth")
		for i := range rapid.IntRange(0, 3).Draw(t, "messages") {
			to := rapid.SliceOfN(rapid.StringMatching(`[a-z]{1,3}@x\.com`), 1, 3).Draw(t, "to")
			m := Message{From: "s@x.com", To: to, Size: 10 * (i + 1), MessageID: "<m@x>", InternalID: int64(i + 1),
				AckDelay: time.Duration(rapid.IntRange(0, 30).Draw(t, "ack")) * time.Second}
			if rapid.Bool().Draw(t, "rejectsome") {
				for range to {
					m.RcptReplies = append(m.RcptReplies, rapid.SampledFrom([]Reply{RecipientOK, RecipientNotFound}).Draw(t, "rr"))
				}
			}
			if rapid.IntRange(0, 3).Draw(t, "noredundancy") == 0 {
				m.DataReply = &NotRedundant
			}
			c.Messages = append(c.Messages, m)
		}
		full, err := Converse(c)
		quick, qerr := Timing(c)
		if err != nil { // a connector that needs what the host does not offer
			require.Error(t, qerr)
			return
		}
		require.NoError(t, qerr)
		require.Equal(t, full.Failure, quick.Failure)
		require.Equal(t, full.Outcomes, quick.Outcomes)
		require.Equal(t, full.End, quick.End)
		require.Nil(t, quick.Send)
		require.Nil(t, quick.Receive)
	})
}

func TestCapabilitiesReturnsACopy(t *testing.T) {
	a, _ := Capabilities("Exchange2016")
	a[0] = "CHANGED"
	b, _ := Capabilities("Exchange2016")
	require.Equal(t, "SIZE", b[0])
}

// fact: exchange-2013-pipeline.md §6.4 and §6.5 (a 2013+ 250 2.6.0 states the data's
// size, time and rate: "3454 bytes in 0.777, 4.338 KB/sec Queued mail for delivery");
// 2010's reply has no such part (the seed).
func TestQueuedReplyStatesBytesTimeAndRateOn2013AndLater(t *testing.T) {
	q16, err := Queued("Exchange2016", "<id@EX1>", 42842298777605, "OLDEXCHANGE.DOMAIN", Transfer{Bytes: 3454, Took: 777 * time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, "250 2.6.0 <id@EX1> [InternalId=42842298777605, Hostname=OLDEXCHANGE.DOMAIN] 3454 bytes in 0.777, 4.341 KB/sec Queued mail for delivery", q16.String())
	q10, err := Queued("Exchange2010SP3", "<id@EX1>", 7, "EX1.contoso.com", Transfer{Bytes: 3454, Took: time.Second})
	require.NoError(t, err)
	require.Equal(t, "250 2.6.0 <id@EX1> [InternalId=7] Queued mail for delivery", q10.String())
	require.Equal(t, "6144 bytes in 0.000, 6000.000 KB/sec", Transfer{Bytes: 6144}.String(), "no time is one millisecond's rate, never a division by zero")
}

// fact: exchange-2013-pipeline.md §6.4 (Default Frontend's EHLO answer: SIZE with the
// connector's limit, no XEXCH50 or XSHADOWREQUEST, ending in XRDST; two real sessions
// agree).
func TestDefaultFrontendAdvertisesSizeWithItsLimitAndNoExchangeVerbs(t *testing.T) {
	caps := FrontendCapabilities(37748736)
	require.Equal(t, "SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST", strings.Join(caps, " "))
	require.True(t, Has(caps, "SIZE"))
	require.False(t, Has(caps, "XSHADOWREQUEST"))
}

// AppendTo writes the line String returns, whichever parts a reply has.
func TestReplyAppendToWritesItsString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := Reply{
			Code:     rapid.IntRange(0, 599).Draw(t, "code"),
			Enhanced: rapid.SampledFrom([]string{"", "2.6.0", "4.4.7"}).Draw(t, "enhanced"),
			Text:     rapid.StringMatching(`[ -~]{0,20}`).Draw(t, "text"),
		}
		require.Equal(t, "x"+r.String(), string(r.AppendTo([]byte("x"))))
	})
}

// A session id is "%016X" of the session's number above 08D0000000000000, however
// it is built.
func TestSessionIDIsSixteenUpperCaseHexDigits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Uint64Range(0, 1<<40).Draw(t, "n")
		want := fmt.Sprintf("%016X", 0x08D0000000000000+n)
		require.Equal(t, want, SessionID(n))
		require.Equal(t, "x"+want, string(AppendSessionID([]byte("x"), n)))
	})
}
