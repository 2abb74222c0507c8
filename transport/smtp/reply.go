package smtp

import (
	"strconv"
	"strings"
	"time"
)

// Reply is one SMTP reply: a three-digit code, an enhanced status code (RFC 3463,
// empty for replies that carry none, like the 220 banner) and the text.
type Reply struct {
	Code     int
	Enhanced string
	Text     string
}

// String is the reply line as it appears on the wire and in the logs.
func (r Reply) String() string {
	// one allocation of the line's size: the builder's growth and Itoa of a code
	// were 1.2M allocations in a run of day-100k with --tracking-logs
	var digits [20]byte
	code := strconv.AppendInt(digits[:0], int64(r.Code), 10)
	n := len(code)
	if r.Enhanced != "" {
		n += 1 + len(r.Enhanced)
	}
	if r.Text != "" {
		n += 1 + len(r.Text)
	}
	var b strings.Builder
	b.Grow(n)
	b.Write(code)
	if r.Enhanced != "" {
		b.WriteByte(' ')
		b.WriteString(r.Enhanced)
	}
	if r.Text != "" {
		b.WriteByte(' ')
		b.WriteString(r.Text)
	}
	return b.String()
}

// AppendTo appends the reply line ([Reply.String]) to b.
func (r Reply) AppendTo(b []byte) []byte {
	b = strconv.AppendInt(b, int64(r.Code), 10)
	if r.Enhanced != "" {
		b = append(append(b, ' '), r.Enhanced...)
	}
	if r.Text != "" {
		b = append(append(b, ' '), r.Text...)
	}
	return b
}

// Positive reports a 2xx or 3xx reply.
func (r Reply) Positive() bool { return r.Code >= 200 && r.Code < 400 }

// Transient reports a 4xx reply: the sender keeps the message and retries later
// (RFC 5321 4.2.1), which is why it still owns a copy.
func (r Reply) Transient() bool { return r.Code >= 400 && r.Code < 500 }

// Permanent reports a 5xx reply: the sender gives up and returns an NDR.
func (r Reply) Permanent() bool { return r.Code >= 500 && r.Code < 600 }

// Replies Exchange sends, verbatim. Sources: exchange-transport.md sections 3.8 and 5,
// the MS telnet test procedure (354, 250 2.6.0, 221), KB 2866822 (421 4.3.2 after an
// accepted EHLO), NDR-2016 (4.3.1, 4.4.7, 5.4.6), real queue LastError texts.
var (
	// SenderOK answers MAIL FROM.
	SenderOK = Reply{250, "2.1.0", "Sender OK"}
	// RecipientOK answers RCPT TO; also the recipient-status of a RECEIVE row.
	RecipientOK = Reply{250, "2.1.5", "Recipient OK"}
	// StartMailInput answers DATA.
	StartMailInput = Reply{354, "", "Start mail input; end with <CRLF>.<CRLF>"}
	// ClosingChannel answers QUIT.
	ClosingChannel = Reply{221, "2.0.0", "Service closing transmission channel"}
	// ServiceNotActive is what a server whose transport components are Inactive or
	// Draining answers at MAIL FROM (EHLO still works), before closing the session.
	ServiceNotActive = Reply{421, "4.3.2", "Service not active"}
	// NotRedundant rejects a message that could not be shadowed when
	// RejectMessageOnShadowFailure is $true (section 9 conflict 1: 451 4.4.0 chosen
	// over STC's 450 4.5.1, as SR-2013, SR-2016 and the code agree).
	NotRedundant = Reply{451, "4.4.0", "Message failed to be made redundant"}
	// TemporaryServerError is the Front End proxy layer's generic failure.
	TemporaryServerError = Reply{451, "4.7.0", "Temporary server error. Please try again later"}
	// InsufficientResources is back pressure (disk, memory) refusing new mail.
	InsufficientResources = Reply{452, "4.3.1", "Insufficient system resources"}
	// Delayed is the recipient-status of a delay DSN (DelayNotificationTimeout).
	Delayed = Reply{400, "4.4.7", "Message delayed"}
	// Expired is the recipient-status of the NDR sent at MessageExpirationTimeout.
	Expired = Reply{550, "4.4.7", "QUEUE.Expired; message expired"}
	// HopCountExceeded breaks a loop after 20 hops.
	HopCountExceeded = Reply{554, "5.4.6", "Hop count exceeded - possible mail loop"}
	// RecipientNotFound is the categorizer's NDR for an unknown recipient.
	RecipientNotFound = Reply{550, "5.1.1", "RESOLVER.ADR.RecipNotFound; not found"}
	// UnableToConnect is the status a sender records when the next hop refuses or
	// does not answer the connection (a server that is down).
	UnableToConnect = Reply{421, "4.2.1", "Unable to connect"}
	// ConnectionTimedOut is the status of a connection that timed out.
	ConnectionTimedOut = Reply{421, "4.4.1", "Connection timed out"}
	// ConnectionDropped is the status of a session the other side dropped.
	ConnectionDropped = Reply{421, "4.4.2", "Connection dropped"}
	// Delivered is the recipient-status of a DELIVER row.
	Delivered = Reply{250, "2.0.0", "OK"}
)

// Banner is the 220 greeting an Exchange server sends when a client connects, e.g.
// "220 EX1.contoso.com Microsoft ESMTP MAIL Service ready at Thu, 27 Jun 2013 17:04:17 +0000"
// (KB 2866822 shows the form; the time is the server's local time, UTC here).
func Banner(fqdn string, at time.Time) Reply {
	return Reply{Code: 220, Text: fqdn + " Microsoft ESMTP MAIL Service ready at " + at.UTC().Format("Mon, 2 Jan 2006 15:04:05 -0700")}
}

// Queued is the final reply to the message data once the receiving server has it in
// its queue database. Exchange 2010 writes "250 2.6.0 <id> [InternalId=n] Queued mail
// for delivery" (seen from a 2010 server in 2011); 2013+ adds the receiving host
// ("[InternalId=n, Hostname=fqdn]") and, when data is given, how the data came in:
// "3454 bytes in 0.777, 4.338 KB/sec" before "Queued mail for delivery" (pipeline 6.4
// and 6.5: a 2024 Default Frontend session and a 2020 back end on 2525, both 2013+;
// the 2013 code's QueuedMailForDelivery puts that text in its {3}). The figures use
// the invariant culture's "." (the 2024 capture's "109,173" is a German server's
// decimal comma: 11511 bytes in 0.102 s is 110 KB/s, not 109,173). Which time the
// product measures is not documented; exsim gives the data's crossing (one SMTP
// latency) plus the time the receiver held its answer (the shadow wait), which is
// the 2024 capture's order of magnitude (0.102 s from the data to the 250).
func Queued(version, messageID string, internalID int64, hostFQDN string, data ...Transfer) (Reply, error) {
	major, err := majorOf(version)
	if err != nil {
		return Reply{}, err
	}
	// one string built in place: the pieces were seven allocations per message hop
	var buf [256]byte
	b := append(append(buf[:0], messageID...), " [InternalId="...)
	b = strconv.AppendInt(b, internalID, 10)
	if major >= 15 {
		b = append(append(b, ", Hostname="...), hostFQDN...)
	}
	b = append(b, ']')
	if major >= 15 && len(data) > 0 {
		b = data[0].appendTo(append(b, ' '))
	}
	return Reply{250, "2.6.0", string(append(b, " Queued mail for delivery"...))}, nil
}

// Transfer is how a message's data came in: its size and the time from its first
// byte to the receiver's answer, as a 2013+ 250 2.6.0 reply states them.
type Transfer struct {
	Bytes int
	Took  time.Duration
}

// String is "<bytes> bytes in <seconds>, <KB/sec> KB/sec", three decimals each, with
// KB of 1024 bytes (4.338 = 3454 / 1024 / 0.777 to the capture's rounding). A time
// under a millisecond counts as one, as the product's three decimals would show
// 0.000 but never divide by it.
func (x Transfer) String() string {
	var buf [64]byte
	return string(x.appendTo(buf[:0]))
}

func (x Transfer) appendTo(b []byte) []byte {
	secs := x.Took.Seconds()
	rate := float64(x.Bytes) / 1024 / max(secs, 0.001)
	b = append(strconv.AppendInt(b, int64(x.Bytes), 10), " bytes in "...)
	b = append(strconv.AppendFloat(b, secs, 'f', 3, 64), ", "...)
	return append(strconv.AppendFloat(b, rate, 'f', 3, 64), " KB/sec"...)
}

// FailoverError is the LastError a queue shows when the next hop answered with
// primary (or could not be reached) and there was no other host to try:
// "451 4.4.0 Primary target IP address responded with: "421 4.3.2 Service not active."
// Attempted failover to alternate host, but that did not succeed. Either there are no
// alternate hosts, or delivery failed to all alternate hosts." 2013+ appends "The last
// endpoint attempted was <ip:port>" (both forms are in Microsoft KB articles).
func FailoverError(version string, primary Reply, endpoint string) (string, error) {
	major, err := majorOf(version)
	if err != nil {
		return "", err
	}
	s := "451 4.4.0 Primary target IP address responded with: \"" + primary.String() + ".\" " + failoverTail
	if major >= 15 && endpoint != "" {
		s += " The last endpoint attempted was " + endpoint
	}
	return s, nil
}

const failoverTail = "Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts."

// Winsock error codes of a failed TCP connection.
const (
	WinsockTimedOut = 10060 // no answer: the host is down or unreachable (partition)
	WinsockRefused  = 10061 // the host answered but nothing listens: the service is stopped
)

// ConnectFailureError is the LastError of a queue whose next hop could not be
// connected to. 2013+: "441 4.4.1 Error encountered while communicating with primary
// target IP address: "Failed to connect. Winsock error code: 10060, Win32 error code:
// 10060." Attempted failover ... The last endpoint attempted was <ip:port>" (a real
// 2013+ NDR text). 2010: the failover text around "421 4.2.1 Unable to connect"
// (chosen: no 2010 capture of a refused connection was found).
func ConnectFailureError(version string, winsock int, endpoint string) (string, error) {
	major, err := majorOf(version)
	if err != nil {
		return "", err
	}
	if major < 15 {
		return FailoverError(version, UnableToConnect, endpoint)
	}
	s := "441 4.4.1 Error encountered while communicating with primary target IP address: \"" +
		FailedToConnect(winsock) + "\" " + failoverTail
	if endpoint != "" {
		s += " The last endpoint attempted was " + endpoint
	}
	return s, nil
}

// FailedToConnect is the text Exchange logs for a TCP connection that failed.
func FailedToConnect(winsock int) string {
	n := strconv.Itoa(winsock)
	return "Failed to connect. Winsock error code: " + n + ", Win32 error code: " + n + "."
}
