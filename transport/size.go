package transport

import (
	"fmt"
	"math"
	"strings"

	"github.com/exsim/exsim/transport/smtp"
)

// Message size limits (exchange-stress.md section 3), checked where Exchange checks
// them, most restrictive first and as early as possible (3.3):
//
//   - The receive connector the internet sender talks to, at MAIL FROM (the SIZE= the
//     sender declares; Exchange offers SIZE on every connector, so every sender in
//     exsim declares it and the check is never left to the end of DATA): "Default
//     Frontend <S>" on a server with a front end, else "Default <S>". Defaults
//     (3.1; Conflicts: 10 MB in the 2018 cmdlet text for 2013 vs the 2013 size-limits
//     page, exsim takes the page): 10 MB on 2010; on 2013 35 MB for Default, Client
//     Proxy and Client Frontend and 36 MB for Default Frontend and Outbound Proxy
//     Frontend; 36 MB on 2016+ (all five in the 2019 capture). Set-ReceiveConnector
//     -MaxMessageSize (65536 to 2147483647 bytes, 3.1) changes it; Get-ReceiveConnector
//     shows it. A larger message gets "552 5.3.4 Message size exceeds fixed maximum
//     message size" (3.3; the full line is quoted by third parties, the 5.3.4 text by
//     Microsoft): a permanent reply, so the internet sender's own server returns it
//     to its sender (Bounced here, with that reply). The connectors between Exchange
//     servers (the back end's Default behind a front end, Client Proxy) are not
//     checked: setting them is an error that says so.
//   - The organization limits (Set-TransportConfig, 10 MB each, up to 2147482624 bytes
//     or unlimited, 3.1), in the categorizer: a message from the internet larger
//     than MaxReceiveSize is returned to each mailbox recipient's sender with
//     "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient";
//     a mailbox's message larger than MaxSendSize with "550 5.2.12
//     RESOLVER.RST.SendSizeLimit.Org; message too large for this organization" (3.3).
//     The reference's sentence on anonymous traffic pairs the limits the other way
//     round ("inbound: org MaxSendSize"); exsim applies each to the direction its name
//     says (with both at their 10 MB default the two readings agree).
//   - The send connector, at routing: a connector whose MaxMessageSize is below the
//     message is not a candidate (connector selection, 2.1); when a connector would
//     match but none is large enough, "550 5.3.4 ROUTING.SizeLimit; message size
//     exceeds fixed maximum size for route" (3.3). Default (Conflicts: 10, 25 or 35
//     MB): 10 MB on 2010 and 2013 (their size-limit tables), 35 MB on 2016+ (the Send
//     connector usage-type table); a scenario may set it, or unlimited.
//
// NDRs and DSNs are exempt (3.1): exsim's are not messages. A message without a size
// (Message.Size 0) passes every limit.

// unlimitedBytes is a size setting's "unlimited".
const unlimitedBytes = math.MaxInt64

// ReceiveConnectorDefaultMaxMessageSize is the MaxMessageSize setup gives the
// receive connector named prefix ("Default", "Default Frontend", ...) on version v.
func ReceiveConnectorDefaultMaxMessageSize(v Version, prefix string) int64 {
	switch {
	case v.Is2010():
		return 10 << 20
	case v == Exchange2013 && prefix != "Default Frontend" && prefix != "Outbound Proxy Frontend":
		return 35 << 20
	}
	return 36 << 20
}

// The range Set-ReceiveConnector -MaxMessageSize takes (3.1).
const (
	minReceiveMaxMessageSize = 65536
	maxReceiveMaxMessageSize = 2147483647
)

// entryConnector is the prefix of the receive connector internet mail reaches on srv.
func entryConnector(srv *server) string {
	if srv.frontEnd {
		return "Default Frontend"
	}
	return "Default"
}

// receiveLimit is the MaxMessageSize of srv's receive connector named prefix.
func (o *Org) receiveLimit(srv *server, prefix string) int64 {
	if len(o.rcvMax) > 0 { // only after a Set-ReceiveConnector: no key built per message otherwise
		if n, ok := o.rcvMax[strings.ToLower(srv.name+`\`+prefix+" "+srv.name)]; ok {
			return n
		}
	}
	return ReceiveConnectorDefaultMaxMessageSize(srv.version, prefix)
}

// ReceiveConnectorMaxMessageSize is the MaxMessageSize of server's receive connector
// named prefix, for Get-ReceiveConnector.
func (o *Org) ReceiveConnectorMaxMessageSize(server, prefix string) int64 {
	srv, err := o.server(server)
	if err != nil {
		return ReceiveConnectorDefaultMaxMessageSize(Exchange2016, prefix)
	}
	return o.receiveLimit(srv, prefix)
}

// SetReceiveConnectorMaxMessageSize is Set-ReceiveConnector <identity>
// -MaxMessageSize <size> ("25MB", or bytes) for the connector internet mail reaches
// (above).
func (o *Org) SetReceiveConnectorMaxMessageSize(identity, value string) error {
	id, err := o.findReceiveConnector(identity)
	if err != nil {
		return err
	}
	size, err := parseBytes(value)
	if err != nil {
		return fmt.Errorf("Set-ReceiveConnector: -MaxMessageSize: %w", err)
	}
	if size < minReceiveMaxMessageSize || size > maxReceiveMaxMessageSize {
		return fmt.Errorf("Set-ReceiveConnector: -MaxMessageSize %d is out of range: it takes %d to %d bytes", size, minReceiveMaxMessageSize, maxReceiveMaxMessageSize)
	}
	server, name, _ := strings.Cut(id, `\`)
	srv, _ := o.server(server)
	if want := entryConnector(srv) + " " + srv.name; !strings.EqualFold(name, want) {
		return fmt.Errorf("Set-ReceiveConnector: -MaxMessageSize on %q is not modelled: exsim checks the size limit of the connector internet mail reaches, %s", id, srv.name+`\`+want)
	}
	if o.rcvMax == nil {
		o.rcvMax = map[string]int64{}
	}
	o.rcvMax[strings.ToLower(id)] = size
	if o.s.Journal().Enabled() {
		o.journalConfig(srv.name, "Set-ReceiveConnector "+id, "MaxMessageSize", value)
	}
	return nil
}

// SendConnectorDefaultMaxMessageSize is a send connector's MaxMessageSize on
// version v when the scenario sets none.
func SendConnectorDefaultMaxMessageSize(v Version) int64 {
	if v.Is2010() || v == Exchange2013 {
		return 10 << 20
	}
	return 35 << 20
}

var (
	cMaxSendSize    = mustSetting("MaxSendSize")
	cMaxReceiveSize = mustSetting("MaxReceiveSize")
)

// The replies and NDR statuses of the limits (3.3).
var (
	sizeExceeded      = smtp.Reply{Code: 552, Enhanced: "5.3.4", Text: "Message size exceeds fixed maximum message size"}
	recipSizeLimit    = "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient"
	sendSizeLimitOrg  = "550 5.2.12 RESOLVER.RST.SendSizeLimit.Org; message too large for this organization"
	routingSizeLimit  = "550 5.3.4 ROUTING.SizeLimit; message size exceeds fixed maximum size for route"
	sizeFromTheSender = "the sender's server returned it: " + sizeExceeded.String()
)

// tooBigToReceive reports whether srv's receive connector refuses m at MAIL FROM.
func (o *Org) tooBigToReceive(srv *server, m *message) bool {
	return m.m.Size > 0 && int64(m.m.Size) > o.receiveLimit(srv, entryConnector(srv))
}

// refuseSize: srv answered the internet sender's MAIL FROM with 552 5.3.4; the
// sender does not retry a permanent reply and returns the message to its sender.
func (o *Org) refuseSize(m *message, sender *item, srv *server, c *smtp.Conversation) {
	r := sizeExceeded
	c.MailReply = &r
	res := o.converse(c)
	o.at(res.End, kindSession, func() {
		if sender.dead || sender.m != m {
			return
		}
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", MailFromRefused{Msg: Msg{m.id}, Server: srv.name, Reply: r.String(),
				Why: fmt.Sprintf("the message (%s) is larger than the receive connector's MaxMessageSize (%s); the sender does not retry a 5xx", psSize(m.m.Size), psSize(int(o.receiveLimit(srv, entryConnector(srv)))))})
		}
		for _, rc := range sender.rcpts {
			o.bounceRcpt(m, rc, sizeFromTheSender)
		}
		o.removeCopy(sender, "returned to its sender", internet)
	})
}

// orgSizeLimit is the NDR status when m is over an organization limit on srv ("" if
// not): MaxReceiveSize for mail from the internet, MaxSendSize for a mailbox's.
func (o *Org) orgSizeLimit(srv *server, m *message) string {
	if m.m.Size <= 0 {
		return ""
	}
	if m.fromOrg {
		if int64(m.m.Size) > o.cfg.get(cMaxSendSize, srv) {
			return sendSizeLimitOrg
		}
		return ""
	}
	if int64(m.m.Size) > o.cfg.get(cMaxReceiveSize, srv) {
		return recipSizeLimit
	}
	return ""
}

// connectorForSize picks the send connector for dom among those large enough for a
// message of size bytes; tooBig when one would match but none is large enough.
func (o *Org) connectorForSize(dom string, size int) (c *Connector, tooBig bool) {
	best := o.connectorFor(dom)
	if best == nil || size <= 0 || int64(size) <= o.connectorLimit(best) {
		return best, false
	}
	var fit *Connector
	bestLen := -1
	for i := range o.top.Connectors {
		c := &o.top.Connectors[i]
		if int64(size) > o.connectorLimit(c) {
			continue
		}
		if l := addressSpaceMatch(c, dom); l > bestLen {
			fit, bestLen = c, l
		}
	}
	return fit, fit == nil
}

// connectorLimit is c's MaxMessageSize: its own, else its first source server's
// version's default.
func (o *Org) connectorLimit(c *Connector) int64 {
	if c.MaxMessageSize != 0 {
		return c.MaxMessageSize
	}
	v := Exchange2016
	if len(c.SourceServers) > 0 {
		if srv, err := o.server(c.SourceServers[0]); err == nil {
			v = srv.version
		}
	}
	return SendConnectorDefaultMaxMessageSize(v)
}

// addressSpaceMatch is how specifically c matches dom (-1: not at all), as
// connectorFor ranks it.
func addressSpaceMatch(c *Connector, dom string) int {
	best := -1
	for _, as := range c.AddressSpaces {
		a := strings.ToLower(strings.TrimPrefix(as, "smtp:"))
		l := -1
		switch {
		case a == "*":
			l = 0
		case a == dom:
			l = len(a) + 1
		case strings.HasPrefix(a, "*.") && strings.HasSuffix(dom, a[1:]):
			l = len(a)
		}
		best = max(best, l)
	}
	return best
}

// PSSize renders a byte count as Exchange's ByteQuantifiedSize prints it, "36 MB
// (37,748,736 bytes)".
func PSSize(n int64) string { return psSize(int(n)) }
