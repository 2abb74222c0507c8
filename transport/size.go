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
//   - The receive connector, at MAIL FROM (the SIZE= the sender declares): 10 MB on
//     2010 (3.1), 36 MB on 2013+ (the Default Frontend connector internet mail reaches
//     on 2013, 36 MB; 2016+ 36 MB). A larger message gets "552 5.3.4 Message size
//     exceeds fixed maximum message size" (3.3; the full line is quoted by third
//     parties, the 5.3.4 text by Microsoft): a permanent reply, so the internet
//     sender's own server returns it to its sender (Bounced here, with that reply).
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

// receiveLimit is the receive connector's MaxMessageSize on version v.
func receiveLimit(v Version) int64 {
	if v.Is2010() {
		return 10 << 20
	}
	return 36 << 20
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
	return m.m.Size > 0 && int64(m.m.Size) > receiveLimit(srv.version)
}

// refuseSize: srv answered the internet sender's MAIL FROM with 552 5.3.4; the
// sender does not retry a permanent reply and returns the message to its sender.
func (o *Org) refuseSize(m *message, sender *item, srv *server, c *smtp.Conversation) {
	r := sizeExceeded
	c.MailReply = &r
	res := o.converse(*c)
	o.at(res.End, kindSession, func() {
		if sender.dead || sender.m != m {
			return
		}
		if o.s.Journal().Enabled() {
			emit(o, srv.name, "", MailFromRefused{Msg: Msg{m.id}, Server: srv.name, Reply: r.String(),
				Why: fmt.Sprintf("the message (%s) is larger than the receive connector's MaxMessageSize (%s); the sender does not retry a 5xx", psSize(m.m.Size), psSize(int(receiveLimit(srv.version))))})
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
