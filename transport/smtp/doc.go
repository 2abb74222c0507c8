// Package smtp is the SMTP vocabulary of Exchange transport: the replies Exchange sends
// (verbatim), the EHLO capabilities per version, the LastError texts a queue shows when
// its next hop fails, and Converse, which plays one SMTP session between two hosts in
// simulated time and returns the rows of both servers' protocol logs.
//
// Documented facts it reproduces:
//   - 2010 servers advertise XSHADOW, 2013+ XSHADOWREQUEST (exchange-transport.md 1.1);
//     the 2013 list is KB 2866822's transcript.
//   - A server whose transport is Inactive or Draining accepts EHLO and answers MAIL FROM
//     with "421 4.3.2 Service not active" (3.8, 5; section 9 conflict 4: 421, not the
//     KB's "412" typo).
//   - 4xx is transient (the sender keeps the message and retries), 5xx permanent (an NDR).
//   - Protocol log events + - > < *, sequence numbers from 0 per session, the local
//     endpoint empty until the Send side has connected (the seed's 2010 Send log; a
//     real 2016 Send log).
//
// TLS and AUTH (tls.go): an Exchange client starts TLS with a host outside the
// organization that offers STARTTLS (opportunistic TLS) or whose connector has
// RequireTLS, logs the certificate and TLS rows as the real SmtpSend logs show them,
// says EHLO again, and authenticates with AUTH LOGIN when the connector's
// SmartHostAuthMechanism is BasicAuth or BasicAuthRequireTLS. No crypto runs: the
// certificates' serial numbers and thumbprints are hashed from the host names.
//
// Choices where no capture was found: X-ANONYMOUSTLS between Exchange servers and the
// XSHADOW / XSHADOWREQUEST verbs are advertised but not played (the seed leaves TLS
// out too);
// between Exchange servers the data goes as "BDAT <size> LAST" because the server
// advertises CHUNKING, and as DATA otherwise; a host that is not Exchange answers as
// the seed's smart host does ("250 2.1.0 Ok", "250 2.0.0 Ok: queued as <id>", "221 2.0.0 Bye").
// The session rows are logs.ProtocolEvent, so this package imports transport/logs (and
// nothing else of exsim).
//
// The model decides what each side answers (Conversation.MailReply, Message.RcptReplies,
// Message.DataReply, Message.AckDelay) and when; this package only words and times it.
package smtp
