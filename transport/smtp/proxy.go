package smtp

import "strconv"

// The Front End Transport service's proxy hop (exchange-2013-pipeline.md 1.2, 1.3,
// 1.5, 6.3-6.5).

// InboundProxySendConnector is the implicit Send connector of the Front End Transport
// service towards the Transport service (a real FET SmtpSend log, 6.3).
const InboundProxySendConnector = "Inbound Proxy Internal Send Connector"

// FrontendReceiveConnector is the connector-id of server's Front End Transport
// Receive connector on port 25: "<Server>\Default Frontend <Server>" (6.4).
func FrontendReceiveConnector(server string) string {
	return server + `\Default Frontend ` + server
}

// XProxyFromAccepted answers XPROXYFROM on the back end (6.5, a real 2525 log).
var XProxyFromAccepted = Reply{Code: 250, Text: "XProxyFrom accepted"}

// ServiceNotAvailable is the pause reason of an SmtpIn whose component is Draining
// (1.8: the code starts a Draining SmtpIn paused with it).
var ServiceNotAvailable = Reply{421, "4.3.2", "Service not available"}

// ProxyFailure is the Front End Transport service's encoded reply for a proxy that
// failed with reason n: "451 4.7.0 Temporary server error. Please try again later.
// PRXn " with its trailing space (1.5); n 0 is the generic reply without a suffix.
func ProxyFailure(n int) Reply {
	r := TemporaryServerError
	if n > 0 {
		r.Text += ". PRX" + strconv.Itoa(n) + " "
	}
	return r
}

// XProxyFrom is the XPROXYFROM command the front end sends after EHLO with the
// original client's session: "XPROXYFROM SID=<FET session id> IP=<client ip>
// PORT=<client port> DOMAIN=<client HELO> SEQNUM=<n> PERMS=<perms> AUTHSRC=<source>"
// (1.5, from the 2013 code; no Microsoft document shows one). exsim sends the
// permissions of an anonymous internet sender as PERMS=0 and AUTHSRC=Anonymous
// (its choice: the code's values for them were not traced).
func XProxyFrom(sessionID, clientIP string, clientPort int, helo string, seq int) string {
	s := "XPROXYFROM SID=" + sessionID + " IP=" + clientIP + " PORT=" + strconv.Itoa(clientPort)
	if helo != "" {
		s += " DOMAIN=" + helo
	}
	return s + " SEQNUM=" + strconv.Itoa(seq) + " PERMS=0 AUTHSRC=Anonymous"
}
