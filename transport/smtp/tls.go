package smtp

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/exsim/exsim/transport/logs"
)

// Smart host authentication of a Send connector (Set-SendConnector
// -SmartHostAuthMechanism): the ones exsim plays. ExchangeServer and
// ExternalAuthoritative are not modelled.
const (
	AuthNone                = "None"
	AuthBasic               = "BasicAuth"
	AuthBasicRequireTLS     = "BasicAuthRequireTLS"
	tlsHandshakeRoundTrips  = 2 // a full TLS 1.2 handshake: two round trips
	authLoginRoundTrips     = 3 // AUTH LOGIN, user name, password
	startTLSRoundTrips      = 1 // STARTTLS and its 220
	ehloAgainRoundTrips     = 1 // EHLO after the handshake
	readyToStartTLSText     = "Ready to start TLS"
	authSuccessfulText      = "Authentication successful"
	authResponsePlaceholder = "<authentication response>"
)

// Certificate is the synthetic certificate a host presents in a TLS handshake: no
// real crypto runs, so its fields are derived from the host's name alone (the same
// name gives the same certificate in every run). Exchange's own is its self-signed
// default, CN=<ServerName> with the server name and FQDN as alternate names.
type Certificate struct {
	Subject, Issuer, SerialNumber, Thumbprint, AlternateNames string
}

// ExchangeCertificate is the self-signed certificate Exchange setup makes for server
// (short name) with fqdn: subject and issuer CN=<server>, alternate names
// "<server>;<fqdn>", a 16-hex-digit serial number and a 40-hex-digit thumbprint
// hashed from the FQDN (synthetic).
func ExchangeCertificate(server, fqdn string) Certificate {
	return Certificate{Subject: "CN=" + server, Issuer: "CN=" + server,
		SerialNumber: hexOf(fqdn+"/serial", 16), Thumbprint: hexOf(fqdn, 40), AlternateNames: server + ";" + fqdn}
}

// HostThumbprint is the thumbprint of the certificate a host outside the
// organization presents: 40 upper-case hex digits hashed from its name (synthetic).
func HostThumbprint(fqdn string) string { return hexOf(strings.ToLower(fqdn), 40) }

// hexOf is n upper-case hex digits derived from s: its FNV-1a hash stretched with
// SplitMix64.
func hexOf(s string, n int) string {
	const digits = "0123456789ABCDEF"
	h := fnv.New64a()
	h.Write([]byte(s))
	x := h.Sum64()
	var b strings.Builder
	for b.Len() < n {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		for k := 0; k < 16 && b.Len() < n; k++ {
			b.WriteByte(digits[z>>60])
			z <<= 4
		}
	}
	return b.String()
}

// TLSNegotiated is the row Exchange logs when a TLS handshake succeeds, with the
// cipher of the real 2016 CU23 Receive log (exchange-2013-pipeline.md §6.6) and the
// _CLIENT suffix the real 2013 Send log shows for the side that started it (a 2019
// case note's SmtpSend rows). side is "CLIENT" or "SERVER".
func TLSNegotiated(side string) string {
	return "TLS protocol SP_PROT_TLS1_2_" + side + " negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits"
}

// certificateRows are the "*" rows a host logs for the certificate it sends
// ("Sending certificate", then subject, issuer name, serial number, thumbprint and
// alternate names, each value in the data column: exchange-2013-pipeline.md §6.1 and
// a real SmtpSend log to Postfix). The 2016 CU23 sample also names "Not before" and
// "Not after", whose exact row wording is not stored: exsim leaves them out.
func certificateRows(c Certificate) [][2]string {
	return [][2]string{
		{"", "Sending certificate"},
		{c.Subject, "Certificate subject"},
		{c.Issuer, "Certificate issuer name"},
		{c.SerialNumber, "Certificate serial number"},
		{c.Thumbprint, "Certificate thumbprint"},
		{c.AlternateNames, "Certificate alternate names"},
	}
}

// usesTLS says whether an Exchange client starts TLS with a host outside the
// organization that offers caps: when it offers STARTTLS, as Exchange's Send
// connectors do unless -IgnoreSTARTTLS (opportunistic TLS: the decompiled 2013 CU23
// EHLO handling traces "we will try to starttls opportunistically", found with the
// code search; the real SmtpSend log to Postfix does it with no setting), and always
// when the connector has RequireTLS or BasicAuthRequireTLS. A host that then offers
// no STARTTLS makes Exchange fail the session over (RequireTLSToSendMail in the same
// code); exsim does not play that: the loader refuses such a connector.
func (c *Conversation) usesTLS(caps []string) bool {
	return Has(caps, "STARTTLS") && !c.IgnoreSTARTTLS || c.RequireTLS || c.SmartHostAuth == AuthBasicRequireTLS
}

// usesAuth says whether the client authenticates to the smart host.
func (c *Conversation) usesAuth() bool {
	return c.SmartHostAuth == AuthBasic || c.SmartHostAuth == AuthBasicRequireTLS
}

// afterTLS is what a host offers in its EHLO reply once TLS is up: the same list
// without STARTTLS (RFC 3207 4.2: a server must not offer it again).
func afterTLS(caps []string) []string {
	out := make([]string, 0, len(caps))
	for _, cp := range caps {
		if w, _, _ := strings.Cut(cp, " "); !strings.EqualFold(w, "STARTTLS") {
			out = append(out, cp)
		}
	}
	return out
}

// playTLSAndAuth plays, on the client's Send log only (the host outside the
// organization writes no log), the STARTTLS exchange, the TLS handshake's rows, the
// EHLO again and AUTH LOGIN, from client time t; it returns the time after them and
// the capabilities then offered. cl logs a Send row.
//
// The rows follow the real SmtpSend logs read (a 2013 server's to Exchange 2010, one
// to Postfix): ">,STARTTLS", "<,220 2.0.0 Ready to start TLS" (Postfix's words), the
// client's certificate rows, the TLS row, "*,,Received certificate" and the remote
// thumbprint, then ">,EHLO" and its reply again. AUTH LOGIN: no capture of
// Exchange's Send side was found; exsim writes ">,AUTH LOGIN", the host's base64
// prompts as RFC 4954 and Postfix give them ("334 VXNlcm5hbWU6" Username:, "334
// UGFzc3dvcmQ6" Password:), Exchange's answers as "<authentication response>" (the
// placeholder Exchange's own Receive log writes for credentials, §6.6), and
// Postfix's "235 2.7.0 Authentication successful".
func (c *Conversation) playTLSAndAuth(t time.Duration, caps []string, cl func(time.Duration, logs.ProtocolEventType, string, string)) (time.Duration, []string) {
	L := c.Latency
	if c.usesTLS(caps) {
		cl(t, logs.ProtoSend, "STARTTLS", "")
		t += 2 * L * startTLSRoundTrips
		cl(t, logs.ProtoReceive, Reply{220, "2.0.0", readyToStartTLSText}.String(), "")
		for _, r := range certificateRows(ExchangeCertificate(c.Client.Server, c.Client.FQDN)) {
			cl(t, logs.ProtoInfo, r[0], r[1])
		}
		t += 2 * L * tlsHandshakeRoundTrips
		cl(t, logs.ProtoInfo, "", TLSNegotiated("CLIENT"))
		cl(t, logs.ProtoInfo, "", "Received certificate")
		cl(t, logs.ProtoInfo, HostThumbprint(c.Server.FQDN), "Certificate thumbprint")
		caps = afterTLS(caps)
		ehlo := "EHLO " + c.Client.FQDN
		cl(t, logs.ProtoSend, ehlo, "")
		t += 2 * L * ehloAgainRoundTrips
		for _, l := range EHLOLines(c.Server.FQDN, c.Client.IP, caps) {
			cl(t, logs.ProtoReceive, l, "")
		}
	}
	if c.usesAuth() {
		cl(t, logs.ProtoSend, "AUTH LOGIN", "")
		t += 2 * L
		cl(t, logs.ProtoReceive, "334 VXNlcm5hbWU6", "")
		cl(t, logs.ProtoSend, authResponsePlaceholder, "")
		t += 2 * L
		cl(t, logs.ProtoReceive, "334 UGFzc3dvcmQ6", "")
		cl(t, logs.ProtoSend, authResponsePlaceholder, "")
		t += 2 * L
		cl(t, logs.ProtoReceive, Reply{235, "2.7.0", authSuccessfulText}.String(), "")
	}
	return t, caps
}

// tlsAndAuthTime is playTLSAndAuth's duration without rows (Timing).
func (c *Conversation) tlsAndAuthTime(caps []string) (time.Duration, []string) {
	var d time.Duration
	if c.usesTLS(caps) {
		d += 2 * c.Latency * (startTLSRoundTrips + tlsHandshakeRoundTrips + ehloAgainRoundTrips)
		caps = afterTLS(caps)
	}
	if c.usesAuth() {
		d += 2 * c.Latency * authLoginRoundTrips
	}
	return d, caps
}

// offersAuthLogin says whether caps has an AUTH entry naming LOGIN ("AUTH LOGIN
// PLAIN", "AUTH=LOGIN").
func offersAuthLogin(caps []string) bool {
	for _, cp := range caps {
		f := strings.Fields(strings.ToUpper(strings.Replace(cp, "=", " ", 1)))
		if len(f) > 1 && f[0] == "AUTH" && slices.Contains(f[1:], "LOGIN") {
			return true
		}
	}
	return false
}
